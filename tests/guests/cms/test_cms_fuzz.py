"""Corrupted minidisks and random command lines never crash CMS: it answers with messages."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guests.cms.fs import BLOCK_SIZE
from tests.guests.cms.cmsfake import put_file, session, standard_disks

COMMANDS = [
    "listfile * * * (date", "type big file", "copyfile big file a new file a (recfm f lrecl 9",
    "erase big file", "rename big file a x y a", "state * *", "access 191 b", "release a",
    "query disk", "big", "compare big file a = = =", "listfile * * a (exec", "punch big file",
]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(1, 40), st.integers(0, BLOCK_SIZE - 1), st.binary(min_size=1, max_size=40)
        ),
        min_size=1,
        max_size=6,
    )
)
def test_corrupted_blocks_give_messages(damage: list[tuple[int, int, bytes]]) -> None:
    disks = standard_disks()
    put_file(disks, 0x191, "BIG", "FILE", [f"RECORD {n}" * 8 for n in range(60)], recfm="V")
    put_file(disks, 0x191, "BIG", "EXEC", ["&TYPE HI"], recfm="V")
    device = disks.devices[0x191]
    for block, offset, data in damage:
        old = bytearray(device.read_block(block))
        old[offset : offset + len(data)] = data[: BLOCK_SIZE - offset]
        device.blocks[block] = bytes(old)
    output = asyncio.run(session(disks, *COMMANDS))
    assert not any("PROGRAM CHECK" in line for line in output)
    assert sum(line.startswith(("Ready", "R;", "R(")) for line in output) == len(COMMANDS) + 1


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(alphabet="ABCDEFLSTQRX*=()/ 0123456789-&", max_size=30), max_size=5))
def test_random_command_lines_end_in_a_ready_message(lines: list[str]) -> None:
    disks = standard_disks()
    put_file(disks, 0x191, "SOME", "FILE", ["A", "B"], recfm="V")
    typed = [line for line in lines if line.strip()]
    output = asyncio.run(session(disks, *typed))
    assert not any("PROGRAM CHECK" in line for line in output)
    readies = [line for line in output if line.startswith(("Ready", "R;", "R("))]
    assert len(readies) >= 1 + len([line for line in typed if "(" not in line[:1]])
