"""EDIT's display mode over a fake screen: the picture, messages, SCROLL, line-mode fallback."""

from __future__ import annotations

from guests.cms.edit import Editor, FileId
from guests.cms.edit.display import OUTPUT_ROWS, DisplayHost
from tests.guests.cms.test_edit_core import FakeHost, SessionOver, reply

MIDDLE = 10
ROW_BYTES = 80  # start field, attribute, 78 columns of text


class FakeScreen:
    """Records what the editor displayed (decoded) and can stop being a display."""

    def __init__(self) -> None:
        self.pictures: list[tuple[list[str], list[bool], bool]] = []
        self.cancels = 0
        self.input_area: list[str] = []
        self.is_display = True

    def show(self, line: int, data: bytes, erase: bool = False) -> bool:
        assert line == OUTPUT_ROWS  # the input area (CHANGE without operands)
        self.input_area.append(data.decode("cp037"))
        return self.is_display

    def show_rows(self, rows: list[bytes], erase: bool = False) -> bool:
        assert len(rows) == OUTPUT_ROWS
        assert all(len(row) == ROW_BYTES and row[0] == 0x1D for row in rows)
        texts = [row[2:].decode("cp037").rstrip() for row in rows]
        self.pictures.append((texts, [row[1] == 0xE8 for row in rows], erase))
        return self.is_display

    def cancel(self) -> bool:
        self.cancels += 1
        return self.is_display

    @property
    def last(self) -> list[str]:
        return self.pictures[-1][0]


async def edit(*typed: str, lines: int = 40) -> tuple[FakeHost, FakeScreen, Editor]:
    host, screen = FakeHost(*typed), FakeScreen()
    display = DisplayHost(host, screen)
    editor = Editor(
        display, FileId("TEST", "DATA", "A1"), [f"LINE {n}" for n in range(1, lines + 1)], new=False
    )
    display.editor = editor
    try:
        await editor.run()
    except SessionOver:
        pass
    return host, screen, editor


async def test_first_picture_title_window_messages_and_the_free_last_row() -> None:
    host, screen, _ = await edit()
    assert screen.cancels == 1  # the output area is erased once, at the start
    rows, bright, erase = screen.pictures[0]
    assert rows[0] == "EDIT: TEST DATA A1" and bright[0] and not erase
    assert rows[MIDDLE] == "TOF:" and bright[MIDDLE] and not bright[MIDDLE + 1]
    assert rows[MIDDLE + 1 : MIDDLE + 3] == ["LINE 1", "LINE 2"] and rows[1] == ""
    assert rows[20] == "EDIT:" and rows[21] == ""  # a message line; the last row for CP
    assert "TOF:" not in host.output  # nothing typed in line mode


async def test_moves_show_the_window_and_errors_as_messages() -> None:
    host, screen, _ = await edit("next 15", "up 3", "bogus", "locate /NOWHERE/")
    pictures = [picture for picture, _, _ in screen.pictures]
    assert pictures[1][MIDDLE] == "LINE 15" and pictures[1][MIDDLE - 1] == "LINE 14"
    assert pictures[2][MIDDLE] == "LINE 12"
    assert pictures[3][20] == "?EDIT: BOGUS"
    assert pictures[4][MIDDLE] == "EOF:" and pictures[4][20] == "NOT FOUND"
    assert pictures[4][MIDDLE - 1] == "LINE 40" and pictures[4][MIDDLE + 1] == ""
    assert not [line for line in host.output if not line.startswith("> ")]


async def test_scroll_pages_and_long_type_output_in_lines() -> None:
    host, screen, editor = await edit("scroll", "sc 2", "scrollup", "type 12")
    pictures = [picture for picture, _, _ in screen.pictures]
    assert [p[MIDDLE] for p in pictures[1:4]] == ["LINE 19", "EOF:", "LINE 22"]
    assert host.output[-12:] == [f"LINE {n}" for n in range(22, 34)]  # typed as lines
    assert screen.pictures[-1][2]  # and the next picture erases through MORE...
    assert editor.current == 33


async def test_format_linemode_and_back_to_display() -> None:
    host, screen, _ = await edit("format", "format linemode", "next", "form", "scroll", "form disp")
    assert screen.pictures[1][0][20] == "FORMAT DISPLAY"
    assert reply(host, "format linemode") == ["TOF:"]  # verification is typed again
    assert reply(host, "next") == ["LINE 1"]
    assert reply(host, "form") == ["FORMAT LINEMODE"]
    assert reply(host, "scroll") == ["DMSEDI529E SUBCOMMAND IS ONLY VALID IN DISPLAY MODE"]
    assert screen.cancels == 3  # at the start, leaving the picture, and coming back
    assert screen.pictures[-1][0][MIDDLE] == "LINE 1" and len(screen.pictures) == 3


async def test_a_console_that_is_no_display_continues_in_line_mode() -> None:
    host, screen = FakeHost("next 2", "next"), FakeScreen()
    display = DisplayHost(host, screen)
    editor = Editor(display, FileId("TEST", "DATA", "A1"), ["A", "B", "C", "D"], new=False)
    display.editor = editor
    screen.is_display = False
    try:
        await editor.run()
    except SessionOver:
        pass
    assert host.output == ["EDIT:", "TOF:", "> next 2", "B", "> next", "C"]


async def test_change_without_operands_overtypes_the_current_line() -> None:
    host, screen, editor = await edit("next 3", "change", "line three, overtyped", "change", "")
    assert screen.input_area == ["LINE 3", "LINE THREE, OVERTYPED"]
    assert editor.lines[2] == "LINE THREE, OVERTYPED"  # a null line left it as it was
    assert screen.pictures[-1][0][MIDDLE] == "LINE THREE, OVERTYPED"
    host, screen, editor = await edit("change")
    assert screen.pictures[-1][0][20] == "?EDIT: CHANGE" and not screen.input_area  # at TOF:


async def test_messages_on_the_display_follow_set_emsg() -> None:
    host, screen = FakeHost("getfile nosuch data"), FakeScreen()
    display = DisplayHost(host, screen, shown=lambda line: line[11:] if line[:3] == "DMS" else line)
    editor = Editor(display, FileId("TEST", "DATA", "A1"), ["A"], new=False)
    display.editor = editor
    try:
        await editor.run()
    except SessionOver:
        pass
    assert screen.last[20] == "FILE 'NOSUCH DATA *' NOT FOUND"  # as SET EMSG TEXT shows it
