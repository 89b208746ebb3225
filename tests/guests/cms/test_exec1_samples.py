"""Whole EXEC procedures of the kind users write: argument checks, loops,
branches, stacking input for EDIT, CMS and CP commands, &RETCODE tests."""

from __future__ import annotations

from collections.abc import Sequence

from tests.guests.cms.test_exec1_fakehost import FakeHost, run_exec

CHECK = """&CONTROL OFF
&IF &INDEX EQ 0 &GOTO -USAGE
&IF .&2 EQ . &2 = A
STATE &1 EXEC &2
&IF &RETCODE NE 0 &GOTO -NOTFND
&TYPE &1 EXEC &2 EXISTS
&EXIT 0
-USAGE &TYPE USAGE: CHECK FN [FM]
&EXIT 4
-NOTFND &TYPE &1 NOT FOUND ON &2
&EXIT &RETCODE"""


def state(host: FakeHost, plist: Sequence[str]) -> int:
    return 0 if plist[1:4] == ["PROFILE", "EXEC", "A"] else 28


async def test_check_exec_usage() -> None:
    return_code, host = await run_exec(CHECK, host=FakeHost(commands={"STATE": state}))
    assert (return_code, host.output) == (4, ["USAGE: CHECK FN [FM]"])


async def test_check_exec_found() -> None:
    host = FakeHost(commands={"STATE": state})
    return_code, host = await run_exec(CHECK, ["PROFILE"], host)
    assert (return_code, host.output) == (0, ["PROFILE EXEC A EXISTS"])
    assert host.issued == [(["STATE", "PROFILE", "EXEC", "A"], False)]


async def test_check_exec_not_found() -> None:
    host = FakeHost(commands={"STATE": state})
    return_code, host = await run_exec(CHECK, ["NOSUCH", "B"], host)
    assert (return_code, host.output) == (28, ["NOSUCH NOT FOUND ON B"])


class Editor:
    """A stand-in EDIT that takes its subcommands from the stack until FILE."""

    def __init__(self) -> None:
        self.subcommands: list[str] = []

    def __call__(self, host: FakeHost, plist: Sequence[str]) -> int:
        host.output.append("EDIT:")
        while host.stack:
            line = host.stack.popleft()
            self.subcommands.append(line)
            if line.split()[:1] == ["FILE"]:
                return 0
        return 12


EDIT_DRIVER = """&CONTROL OFF
&IF .&1 EQ . &EXIT 24
&BEGSTACK
INPUT
FIRST LINE OF &1
&END
&I = 0
&LOOP -NEXT 3
&I = &I + 1
-NEXT &STACK LINE &I
&STACK
&STACK FILE
EDIT &1 MEMO A
&IF &RETCODE NE 0 &EXIT &RETCODE
CP QUERY TIME
&TYPE DONE &1"""


async def test_exec_drives_edit_through_the_stack() -> None:
    editor = Editor()
    host = FakeHost(commands={"EDIT": editor, "CP": 0})
    return_code, host = await run_exec(EDIT_DRIVER, ["NOTES"], host)
    assert return_code == 0
    assert editor.subcommands == [
        "INPUT",
        "FIRST LINE OF &1",
        "LINE 1",
        "LINE 2",
        "LINE 3",
        "",
        "FILE",
    ]
    assert [plist for plist, _ in host.issued] == [
        ["EDIT", "NOTES", "MEMO", "A"],
        ["CP", "QUERY", "TIME"],
    ]
    assert host.output == ["EDIT:", "DONE NOTES"]


async def test_exec_stops_when_edit_fails() -> None:
    host = FakeHost(commands={"EDIT": 12, "CP": 0})
    return_code, host = await run_exec(EDIT_DRIVER, ["NOTES"], host)
    assert return_code == 12
    assert [plist[0] for plist, _ in host.issued] == ["EDIT"]


LISTFILE_EXEC = """ &1 &2 PROFILE  EXEC     A1
 &1 &2 NOTES    MEMO     A1
 &1 &2 BIG      DATA     B2"""


async def test_cms_exec_from_listfile() -> None:
    """LISTFILE (EXEC writes CMS EXEC; `EXEC CMS PRINT` prints every file."""
    host = FakeHost(commands={"PRINT": 0})
    return_code, host = await run_exec(LISTFILE_EXEC, ["PRINT"], host, name="CMS")
    assert return_code == 0
    assert host.output == [
        "PRINT PROFILE EXEC A1",
        "PRINT NOTES MEMO A1",
        "PRINT BIG DATA B2",
    ]
    assert [plist for plist, _ in host.issued][2] == ["PRINT", "BIG", "DATA", "B2"]


FIXED_FORMAT = [
    "&CONTROL OFF".ljust(72) + "00000010",
    "&TYPE COLUMNS ONE TO SEVENTY-TWO".ljust(72) + "00000020",
    "&BEGTYPE ALL".ljust(72) + "00000030",
    "SHOWN WHOLE".ljust(72) + "00000040",
    "&END".ljust(72) + "00000050",
    "&BEGTYPE".ljust(72) + "00000060",
    "SHOWN CUT".ljust(72) + "00000070",
    "&END".ljust(72) + "00000080",
]


async def test_fixed_format_files_ignore_sequence_columns() -> None:
    host = FakeHost()
    return_code, host = await run_exec("\n".join(FIXED_FORMAT), host=host, recfm="F")
    assert return_code == 0
    assert host.output == [
        "COLUMNS ONE TO SEVENTY-",  # SEVENTY-TWO is cut to 8
        "SHOWN WHOLE".ljust(72) + "00000040",
        "SHOWN CUT",
    ]


PROMPT = """&CONTROL OFF
&TYPE ENTER YOUR NAME AND AGE:
&READ VARS &NAME &AGE
&KIND = &DATATYPE &AGE
&IF &KIND NE NUM &GOTO -BAD
&NEXT = &AGE + 1
&TYPE HELLO &NAME , NEXT YEAR YOU WILL BE &NEXT
&EXIT
-BAD &EMSG AGE001E AGE &AGE IS NOT A NUMBER
&EXIT 8"""


async def test_prompting_exec() -> None:
    host = FakeHost()
    host.terminal.append("ALICE 41")
    return_code, host = await run_exec(PROMPT, host=host)
    assert return_code == 0
    assert host.output == ["ENTER YOUR NAME AND AGE:", "HELLO ALICE , NEXT YEAR YOU WILL BE 42"]


async def test_prompting_exec_bad_answer() -> None:
    host = FakeHost()
    host.terminal.append("BOB OLD")
    return_code, host = await run_exec(PROMPT, host=host)
    assert return_code == 8
    assert host.output[-1] == "DMSAGE001E AGE OLD IS NOT A NUMBER"
