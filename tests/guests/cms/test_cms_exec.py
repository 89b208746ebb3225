"""EXEC procedures, the console stack and immediate commands through the CMS nucleus."""

from __future__ import annotations

import asyncio

import pytest

from guests.cms.fs import CmsDisk
from tests.guests.cms.cmsfake import ATTENTION, MemoryDisks, put_file, session, standard_disks
from tests.guests.cms.test_cms_commands import after


@pytest.fixture
def disks() -> MemoryDisks:
    disks = standard_disks()
    put_file(disks, 0x191, "LOOP", "EXEC", ["-TOP", "&TYPE TICK", "&GOTO -TOP"], recfm="V")
    return disks


def exec_file(disks: MemoryDisks, name: str, *lines: str) -> None:
    put_file(disks, 0x191, name, "EXEC", list(lines), recfm="V")


async def test_exec_arguments_commands_and_retcode(disks: MemoryDisks) -> None:
    exec_file(
        disks, "ARGS", "&CONTROL OFF", "&TYPE ARGS &1 &2 N=&INDEX", "STATE NOSUCH FILE",
        "&TYPE RC &RETCODE", "CP QUERY TIME", "&EXIT 7",
    )  # fmt: skip
    output = await session(disks, "exec args one two", "args three")
    first = after(output, "exec args one two")
    assert first[:3] == ["ARGS ONE TWO N=2", "DMSSTT002E FILE 'NOSUCH FILE *' NOT FOUND", "RC 28"]
    assert first[-1].startswith("Ready(00007);")
    assert after(output, "args three")[0] == "ARGS THREE N=1"


async def test_no_implied_exec_or_cp_inside_an_exec(disks: MemoryDisks) -> None:
    exec_file(disks, "INNER", "&TYPE INNER RAN")
    exec_file(disks, "OUTER", "&CONTROL OFF NOMSG", "INNER", "&TYPE RC &RETCODE", "EXEC INNER")
    output = await session(disks, "outer")
    assert after(output, "outer")[:2] == ["RC -3", "INNER RAN"]
    assert "UNKNOWN CP/CMS COMMAND" not in output


async def test_stacked_lines_answer_format(disks: MemoryDisks) -> None:
    disks.add(0x192)
    exec_file(disks, "NEWDISK", "&STACK YES", "&STACK SCRTCH", "FORMAT 192 D", "&EXIT &RETCODE")
    output = await session(disks, "newdisk", "listfile * * d")
    assert "DMSFOR732I '2' CYLINDERS FORMATTED ON DISK 'D(192)'" in output
    assert CmsDisk.access(disks.devices[0x192]).label == "SCRTCH"
    assert after(output, "listfile * * d")[0] == "DMSLST002E FILE NOT FOUND"


async def test_format_answered_no_leaves_the_disk(disks: MemoryDisks) -> None:
    output = await session(disks, "format 191 a", "no", "listfile")
    assert "DMSFOR705I DISK REMAINS UNCHANGED" in output
    assert after(output, "listfile")[0] == "LOOP     EXEC     A1"


async def test_hx_halts_a_looping_exec(disks: MemoryDisks) -> None:
    output = await asyncio.wait_for(session(disks, "loop", ATTENTION, "HX", "query impex"), 10)
    loop = after(output, "loop")
    assert loop[-2] == "> HX" and loop[-1].startswith("Ready;")
    assert after(output, "query impex")[0] == "IMPEX = ON"


async def test_ht_suppresses_typing_until_the_ready_message(disks: MemoryDisks) -> None:
    exec_file(
        disks, "COUNT", "&I = 0", "-TOP", "&I = &I + 1", "&TYPE LINE &I", "&IF &I < 50 &GOTO -TOP"
    )
    output = await session(disks, "count", ATTENTION, "HT", "count")
    first = after(output, "count")
    assert "LINE 50" not in first and first[-1].startswith("Ready;")
    assert "LINE 50" in output[output.index(first[-1]) :]


async def test_typed_ahead_line_after_attention_is_the_next_command(disks: MemoryDisks) -> None:
    exec_file(disks, "SHORT", "&TYPE SHORT RAN")
    output = await session(disks, "short", ATTENTION, "query abbrev")
    assert output.index("SHORT RAN") < output.index("ABBREV = ON")


async def test_exec_reads_the_stack_before_the_terminal(disks: MemoryDisks) -> None:
    exec_file(
        disks, "ASK", "&STACK FROM STACK", "&STACK LIFO FIRST", "&READ VARS &A", "&TYPE &A",
        "&READ VARS &B &C", "&TYPE &B &C", "&READ VARS &D", "&TYPE GOT &D",
    )  # fmt: skip
    output = await session(disks, "ask", "TERMINAL")
    assert after(output, "ask")[:5] == [
        "FIRST",
        "FROM STACK",
        "> TERMINAL",
        "GOT TERMINAL",
        after(output, "ask")[4],
    ]


async def test_profile_runs_at_ipl(disks: MemoryDisks) -> None:
    exec_file(disks, "PROFILE", "&CONTROL OFF", "&TYPE HELLO", "SET RDYMSG SMSG", "&EXIT 4")
    output = await session(disks)
    assert output[1:3] == ["HELLO", "Ready(00004);"]


async def test_exec_reads_terminal_lines_in_upper_case(disks: MemoryDisks) -> None:
    exec_file(
        disks,
        "ASK2",
        "&STACK stacked Line",
        "&READ ARGS",
        "&TYPE &1 &2",
        "&READ ARGS",
        "&TYPE &1 &2",
    )
    output = await session(disks, "ask2", "typed line")
    assert after(output, "ask2")[:3] == ["stacked Line", "> typed line", "TYPED LINE"]
