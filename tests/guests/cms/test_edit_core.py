"""The CMS editor's core over a fake host: modes, the pointer, searching, changing, settings."""

from __future__ import annotations

from collections import deque

import pytest

from guests.cms.edit import EditError, Editor, FileId


class SessionOver(Exception):
    """The test typed no more lines."""


class FakeHost:
    """Console lines in, typed lines out (input shown as ``> line``), files in a dict."""

    def __init__(self, *typed: str, files: dict[str, list[str]] | None = None) -> None:
        self.typed = deque(typed)
        self.output: list[str] = []
        self.stacked: deque[str] = deque()
        self.stack_log: list[str] = []
        self.files = files or {}
        self.written: dict[str, tuple[list[bytes], str, int]] = {}
        self.fail_write: str | None = None
        self.subset_lines: list[str] = []

    def type(self, *lines: str) -> None:
        self.output.extend(lines)

    async def read(self) -> str:
        if self.stacked:
            return self.stacked.popleft()
        if not self.typed:
            raise SessionOver
        line = self.typed.popleft()
        self.output.append(f"> {line}")
        return line

    def stack(self, line: str) -> None:
        self.stacked.append(line)
        self.stack_log.append(line)

    def read_file(self, fn: str, ft: str, fm: str) -> list[str]:
        if f"{fn} {ft}" not in self.files:
            raise EditError(f"DMSEDI002E FILE '{fn} {ft} {fm}' NOT FOUND")
        return list(self.files[f"{fn} {ft}"])

    def write_file(self, fileid: FileId, records: list[bytes], recfm: str, lrecl: int) -> None:
        if self.fail_write:
            raise EditError(self.fail_write)
        self.written[f"{fileid.fn} {fileid.ft} {fileid.fm}"] = (records, recfm, lrecl)

    async def subset(self, line: str) -> int:
        self.subset_lines.append(line)
        return 0

    def writable(self, fm: str) -> bool:
        return fm[0] != "S"

    async def macro(self, name: str, operands: str) -> bool:
        if name != "$TWICE":
            return False
        self.stack(operands)
        self.stack(operands)
        return True


LINES = ["ALPHA ONE", "BETA TWO", "GAMMA THREE", "DELTA FOUR", "EPSILON FIVE"]


async def edit(
    *typed: str, lines: list[str] | None = None, ft: str = "DATA", new: bool = False,
    host: FakeHost | None = None,
) -> tuple[FakeHost, Editor, int | None]:  # fmt: skip
    """Run an editor over ``lines`` with ``typed`` input; rc None if it did not leave."""
    host = host or FakeHost()
    host.typed.extend(typed)
    text = list(LINES if lines is None and not new else lines or [])
    editor = Editor(host, FileId("TEST", ft, "A1"), text, new=new)
    try:
        return host, editor, await editor.run()
    except SessionOver:
        return host, editor, None


def reply(host: FakeHost, line: str) -> list[str]:
    """What the editor typed after the input ``line`` (up to the next input)."""
    at = host.output.index(f"> {line}") + 1
    end = next((i for i in range(at, len(host.output)) if host.output[i].startswith("> ")), None)
    return host.output[at:end]


def text_of(host: FakeHost, fileid: str = "TEST DATA A1") -> list[str]:
    return [record.decode("cp037").rstrip() for record in host.written[fileid][0]]


async def test_new_file_input_mode_and_file() -> None:
    host, editor, rc = await edit("", "first line", "second", "", "file", new=True)
    assert host.output[:2] == ["NEW FILE:", "EDIT:"]
    assert reply(host, "") == ["INPUT:"]
    assert "EDIT:" in reply(host, "second") + host.output[-3:]
    assert rc == 0
    records, recfm, lrecl = host.written["TEST DATA A1"]
    assert (recfm, lrecl) == ("F", 80)
    assert records[0] == "FIRST LINE".ljust(80).encode("cp037")
    assert text_of(host) == ["FIRST LINE", "SECOND"]


async def test_existing_file_starts_in_edit_mode_and_quit_writes_nothing() -> None:
    host, _, rc = await edit("quit")
    assert host.output[0] == "EDIT:"
    assert rc == 0 and host.written == {}


async def test_pointer_moves_tof_and_eof() -> None:
    host, editor, _ = await edit("next", "down 2", "up", "up 9", "n 99", "b", "top", "bottom")
    assert reply(host, "next") == ["ALPHA ONE"]
    assert reply(host, "down 2") == ["GAMMA THREE"]
    assert reply(host, "up") == ["BETA TWO"]
    assert reply(host, "up 9") == ["TOF:"]
    assert reply(host, "n 99") == ["EOF:"]
    assert reply(host, "b") == ["EPSILON FIVE"]
    assert reply(host, "top") == ["TOF:"]
    assert editor.current == len(LINES)


async def test_locate_found_not_found_and_from_eof() -> None:
    host, editor, _ = await edit("l /TWO/", "locate xFIVEx", "l /NOWHERE/", "l /ALPHA")
    assert reply(host, "l /TWO/") == ["BETA TWO"]
    assert reply(host, "locate xFIVEx") == ["EPSILON FIVE"]
    assert reply(host, "l /NOWHERE/") == ["NOT FOUND", "EOF:"]
    assert reply(host, "l /ALPHA") == ["ALPHA ONE"]  # from EOF the search starts at the top
    assert editor.current == 1


async def test_locate_looks_only_inside_the_zone() -> None:
    host, _, _ = await edit("zone 1 4", "l /ONE/", "top", "zone 1 *", "l /ONE/")
    assert reply(host, "l /ONE/")[0] == "NOT FOUND"
    assert host.output[-1] == "ALPHA ONE"


async def test_change_one_line_many_lines_and_every_occurrence() -> None:
    host, editor, _ = await edit("n", "c/ONE/1/", "top", "c /A/@/ 2", "top", "change .E.#. * G")
    assert reply(host, "c/ONE/1/") == ["ALPHA 1"]
    assert reply(host, "c /A/@/ 2") == ["@LPHA 1", "BET@ TWO"]
    assert reply(host, "change .E.#. * G") == [
        "B#T@ TWO", "GAMMA THR##", "D#LTA FOUR", "#PSILON FIV#", "EOF:",
    ]  # fmt: skip
    assert editor.lines[4] == "#PSILON FIV#"


async def test_change_cases_and_errors() -> None:
    host, editor, _ = await edit(
        "n", "c //>> /", "c / ONE//", "c /XYZ/Q/", "zone 1 3", "c /ALPHA/Q/", "c //x/ 1 g"
    )
    assert reply(host, "c //>> /") == [">> ALPHA ONE"]
    assert reply(host, "c / ONE//") == [">> ALPHA"]
    assert reply(host, "c /XYZ/Q/") == ["NOT FOUND"]
    assert reply(host, "c /ALPHA/Q/") == ["ZONE ERROR"]
    assert reply(host, "c //x/ 1 g") == ["INVALID OPERAND: G"]
    assert editor.lines[0] == ">> ALPHA"


async def test_change_past_truncation_column() -> None:
    host, editor, _ = await edit("n", "trunc 12", "c /ONE/ONE MORE/")
    assert reply(host, "c /ONE/ONE MORE/") == ["TRUNCATED", "ALPHA ONE MO"]
    assert editor.lines[0] == "ALPHA ONE MO"


async def test_delete_lines_and_to_eof() -> None:
    host, editor, _ = await edit("n 2", "delete 2", "type", "del *")
    assert editor.lines == ["ALPHA ONE"]
    assert reply(host, "type") == ["DELTA FOUR"]
    assert reply(host, "del *") == ["EOF:"]


async def test_insert_input_replace() -> None:
    host, editor, _ = await edit(
        "n", "i after alpha", "insert second insert", "replace new beta", "n", "r", "one",
        "two", "",
    )  # fmt: skip
    assert editor.lines[:3] == ["ALPHA ONE", "AFTER ALPHA", "NEW BETA"]
    assert editor.lines[3:5] == ["ONE", "TWO"]  # REPLACE alone: BETA TWO goes, input mode
    assert reply(host, "r") == ["INPUT:"]
    assert editor.lines[5:] == ["GAMMA THREE", "DELTA FOUR", "EPSILON FIVE"]


async def test_find_from_column_one_with_blank_as_any_character() -> None:
    host, _, _ = await edit("find DELTA", "top", "f G   A", "f NOPE")
    assert reply(host, "find DELTA") == ["DELTA FOUR"]
    assert reply(host, "f G   A") == ["GAMMA THREE"]
    assert reply(host, "f NOPE") == ["NOT FOUND", "EOF:"]


async def test_type_lines() -> None:
    host, editor, _ = await edit("n 2", "t 2", "top", "t *", "t 3")
    assert reply(host, "t 2") == ["BETA TWO", "GAMMA THREE"]
    assert reply(host, "t *") == ["TOF:", *LINES, "EOF:"]
    assert reply(host, "t 3") == ["EOF:"]
    assert editor.at_eof


async def test_case_upper_and_mixed() -> None:
    host, editor, _ = await edit("", "Mixed Case", "", lines=[], ft="MEMO")
    assert editor.lines == ["Mixed Case"]
    host, editor, _ = await edit("case m", "i Mixed", "case", "case u", "i Upper")
    assert editor.lines[:2] == ["Mixed", "UPPER"]
    assert reply(host, "case") == ["CASE M"]


async def test_assemble_tabs_truncation_and_serial_numbers() -> None:
    long_line = "LABEL\tLR\tR1,R2\t" + "X" * 70
    host, editor, _ = await edit("", long_line, "", "file", lines=[], ft="ASSEMBLE")
    assert "TRUNCATED" in host.output
    line = editor.lines[0]
    assert line.startswith("LABEL    LR    R1,R2          XXX") and len(line) == 71
    records = host.written["TEST ASSEMBLE A1"][0]
    assert records[0].decode("cp037")[71:] == " TES00010"


async def test_serial_settings() -> None:
    host, _, _ = await edit("i one", "i two", "serial ABC 100", "file", lines=[])
    assert [record.decode("cp037")[72:] for record in host.written["TEST DATA A1"][0]] == [
        "ABC00100", "ABC00200",
    ]  # fmt: skip
    host, _, _ = await edit("serial on all", "file")
    assert host.written["TEST DATA A1"][0][1].decode("cp037")[72:] == "00000020"


async def test_overlay_and_repeat() -> None:
    host, editor, _ = await edit("n", "o XX___Z", "repeat 2", "overlay     !")
    assert editor.lines[0] == "XX  !ZONE"
    assert editor.lines[1] == "BETA!TWO"
    assert reply(host, "o XX___Z") == ["XX   ZONE"]


async def test_alter_characters_and_hex() -> None:
    _, editor, _ = await edit("n", "alter A @ * G", "top", "n", "alt 7C 5B")
    assert editor.lines[0] == "$LPH@ ONE"
    assert editor.lines[2] == "G@MM@ THREE"


async def test_dstring() -> None:
    host, editor, _ = await edit("n", "dstring /DELTA/", "ds /NOTHERE/")
    assert editor.lines == ["DELTA FOUR", "EPSILON FIVE"]
    assert reply(host, "ds /NOTHERE/") == ["STRING NOT FOUND, NO DELETIONS MADE"]


async def test_reuse_question_and_short_messages() -> None:
    host, editor, _ = await edit("n", "=", "=", "?", "short", "bogus", "long", "bogus")
    assert reply(host, "=")[0] == "BETA TWO"
    assert editor.current == 3
    assert reply(host, "?") == ["N"]
    assert host.output.count("?") == 1
    assert host.output[-1] == "?EDIT: BOGUS"


async def test_x_and_y() -> None:
    _, editor, _ = await edit("x n 2", "x", "y c/A/*/", "y 2")
    assert editor.current == 4
    assert editor.lines[3] == "DELT* FOUR"


async def test_settings_display_and_preserve_restore() -> None:
    host, editor, _ = await edit(
        "preserve", "trunc 40", "zone 2 30", "verify off 1 10", "tabset 1 5 9", "trunc",
        "zone", "verify", "tabset", "restore", "recfm v", "recfm", "fmode b", "fname other",
        "fmode", "fname", "verify",
    )  # fmt: skip
    assert reply(host, "trunc") == ["TRUNC 40"]
    assert reply(host, "zone") == ["ZONE 2 30"]
    assert reply(host, "tabset") == ["TABSET 1 5 9"]
    assert reply(host, "recfm") == ["RECFM V"]
    assert reply(host, "fmode") == ["FMODE B1"]
    assert reply(host, "fname") == ["FNAME OTHER"]
    assert host.output[-1] == "VERIFY ON 1 72"
    assert editor.settings.trunc == 72


async def test_verify_off_is_quiet() -> None:
    host, _, _ = await edit("verify off", "n 2", "type")
    assert reply(host, "n 2") == []
    assert reply(host, "type") == ["BETA TWO"]


async def test_save_and_file_with_new_names_and_recfm_v() -> None:
    host, _, rc = await edit("recfm v", "save", "file new name b")
    assert rc == 0
    assert host.written["TEST DATA A1"][0][0] == b"\xc1\xd3\xd7\xc8\xc1@\xd6\xd5\xc5"
    assert "NEW NAME B1" in host.written


async def test_failed_write_keeps_the_session() -> None:
    host = FakeHost()
    host.fail_write = "DMSEDI037E DISK 'A' IS READ/ONLY"
    host, _, rc = await edit("file", "quit", host=host)
    assert reply(host, "file") == ["DMSEDI037E DISK 'A' IS READ/ONLY"]
    assert rc == 0 and host.written == {}


async def test_empty_file_is_not_written() -> None:
    host, _, rc = await edit("file", new=True)
    assert reply(host, "file") == ["FILE IS EMPTY"] and rc is None


async def test_autosave() -> None:
    host, _, _ = await edit("autosave 2", "n", "c/A/B/", "autosave", "c/B/C/")
    assert reply(host, "c/B/C/") == ["CLPHA ONE", "SAVED"]
    assert text_of(host)[0] == "CLPHA ONE"
    assert reply(host, "autosave") == ["AUTOSAVE 2"]
    host, _, _ = await edit("fmode s", "autosave 5")
    assert reply(host, "autosave 5") == ["SET NEW FILEMODE AND RETRY"]


async def test_stack_and_getfile() -> None:
    host = FakeHost(files={"OTHER DATA": ["X1", "X2", "X3"]})
    host, editor, _ = await edit("n", "getfile other data * 2 1", "stack top", host=host)
    assert editor.lines[:4] == ["ALPHA ONE", "X2", "BETA TWO", "GAMMA THREE"]
    assert reply(host, "stack top") == ["TOF:"]  # stacked, then read back as a subcommand
    host, editor, _ = await edit("n", "stack 2")
    assert host.stack_log == ["ALPHA ONE", "BETA TWO"] and editor.current == 2
    assert reply(host, "stack 2") == ["?EDIT: ALPHA ONE", "?EDIT: BETA TWO"]
    host = FakeHost(files={})
    host, _, _ = await edit("getfile none", host=host)
    assert reply(host, "getfile none") == ["DMSEDI002E FILE 'NONE DATA *' NOT FOUND"]


async def test_stacked_lines_are_read_before_the_terminal() -> None:
    host = FakeHost()
    for line in ("", "stacked one", "", "file"):
        host.stack(line)
    host, _, rc = await edit(new=True, host=host)
    assert rc == 0 and text_of(host) == ["STACKED ONE"]


async def test_cms_subset_until_return() -> None:
    host, _, _ = await edit("cms", "listfile", "return", "top")
    assert reply(host, "cms") == ["CMS SUBSET"]
    assert host.subset_lines == ["listfile"]
    assert reply(host, "return") == ["EDIT:"]


async def test_renum_only_for_numbered_types() -> None:
    host, editor, _ = await edit("renum 100 5", lines=["00010 PRINT", "00020 END"], ft="VSBASIC")
    assert editor.lines == ["00100 PRINT", "00105 END"]
    host, _, _ = await edit("renum")
    assert reply(host, "renum") == ["RENUM INVALID FOR FILETYPE DATA"]


@pytest.mark.parametrize(
    ("filetype", "expected"),
    [
        ("ASSEMBLE", ("F", 80, 71, "U")),
        ("EXEC", ("V", 80, 72, "U")),
        ("SCRIPT", ("V", 132, 132, "M")),
        ("MEMO", ("V", 80, 80, "M")),
        ("LISTING", ("V", 121, 121, "M")),
        ("FREEFORT", ("V", 81, 81, "U")),
        ("DATA", ("F", 80, 72, "U")),
        ("XYZZY", ("F", 80, 80, "U")),
    ],
)
async def test_filetype_defaults(filetype: str, expected: tuple[str, int, int, str]) -> None:
    _, editor, _ = await edit(lines=[], ft=filetype)
    settings = editor.settings
    assert (settings.recfm, settings.lrecl, settings.trunc, settings.case) == expected


async def test_dup_and_move_macros() -> None:
    host, editor, _ = await edit("n", "$dup 2", "top", "n", "$move 2 down 2", "$dup 99")
    assert reply(host, "$dup 2") == ["ALPHA ONE"]
    assert editor.lines == ["ALPHA ONE", "BETA TWO", "ALPHA ONE", "ALPHA ONE", *LINES[2:]]
    assert reply(host, "$move 2 down 2") == ["ALPHA ONE"] and editor.current == 4
    assert reply(host, "$dup 99") == ["INVALID OPERAND: 99"]


async def test_line_number_editing() -> None:
    basic = ["00010 PRINT 1", "00020 END"]
    host, editor, _ = await edit(
        "15 print 2", "20", "10 print 0", "linemode", "b", "", "stop", "", lines=basic,
        ft="VSBASIC",
    )  # fmt: skip
    assert editor.lines == ["00010 PRINT 0", "00015 PRINT 2", "00020 END", "00030 STOP"]
    assert reply(host, "20") == ["00020 END"]
    assert reply(host, "linemode") == ["LINEMODE LEFT"]
    host, editor, _ = await edit("linemode right", "100 NEW", "linemode off", "100")
    assert editor.lines[0] == "NEW".ljust(72) + "00000100"
    assert reply(host, "100") == ["?EDIT: 100"]


async def test_display_mode_subcommands_are_refused() -> None:
    host, _, _ = await edit("scroll 2", "format")
    assert reply(host, "scroll 2") == ["DMSEDI529E SUBCOMMAND IS ONLY VALID IN DISPLAY MODE"]
    assert reply(host, "format") == ["DMSEDI529E SUBCOMMAND IS ONLY VALID IN DISPLAY MODE"]


async def test_edit_macros() -> None:
    host, editor, _ = await edit("$twice next", "$nomacro")
    assert editor.current == 2
    assert reply(host, "$nomacro") == ["?EDIT: $NOMACRO"]


async def test_change_inside_a_narrow_zone_keeps_the_columns_after_it() -> None:
    line = "KEY1".ljust(10) + "REST"
    host, editor, _ = await edit("n", "zone 1 10", "c/KEY1/LONGER KEY1/", "c/KEY/K/", lines=[line])
    assert reply(host, "c/KEY1/LONGER KEY1/") == ["TRUNCATED", "LONGER KEYREST"]
    assert editor.lines[0] == "LONGER K".ljust(10) + "REST"
