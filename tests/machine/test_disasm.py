"""The disassembler shares the instruction table with the CPU."""

from __future__ import annotations

import pytest

from server.machine import Machine
from server.machine.disasm import disassemble, listing
from tests.machine.run_helpers import prepare

CASES = [
    ("1A31", "AR    3,1"),
    ("5810C004", "L     1,X'004'(,12)"),
    ("5812C004", "L     1,X'004'(2,12)"),
    ("41100005", "LA    1,X'005'"),
    ("0A0C", "SVC   12"),
    ("D20F10002000", "MVC   X'000'(16,1),X'000'(2)"),
    ("9110C004", "TM    X'004'(12),16"),
    ("89100004", "SLL   1,X'004'"),
    ("BF3D0010", "ICM   3,13,X'010'"),
    ("9C00000E", "SIO   X'00E'"),
    ("9C01000E", "SIOF  X'00E'"),
    ("B2050040", "STCK  X'040'"),
    ("90ECD00C", "STM   14,12,X'00C'(13)"),
    ("0000", "DC    X'0000'"),
]


@pytest.mark.parametrize(("hex_text", "expected"), CASES)
def test_disassemble(hex_text: str, expected: str) -> None:
    assert disassemble(bytes.fromhex(hex_text), 0x200) == expected


def test_listing_walks_instruction_lengths() -> None:
    lines = listing(bytes.fromhex("1A31 5810C004 D20F10002000"), 0x200)
    assert [line[:6] for line in lines] == ["000200", "000202", "000206"]


def test_profile_counts_per_mnemonic() -> None:
    machine: Machine = prepare("41100003 1A21 46100204")
    machine.enable_profile()
    machine.run(1000)
    profile = machine.profile
    assert profile["BCT"] == 3 and profile["AR"] == 3 and profile["LA"] == 1


def test_trace_sees_every_instruction_with_its_disassembly() -> None:
    seen: list[tuple[int, str]] = []
    machine = prepare("41100002 44000300 46100204")  # EX of LA 2,1(2) at X'300'
    machine.load(0x300, bytes.fromhex("41202001"))
    machine.set_trace(lambda _machine, address, _data, text: seen.append((address, text)))
    machine.run(1000)
    assert seen[:4] == [(0x200, "LA    1,X'002'"), (0x204, "EX    0,X'300'"),
                        (0x204, "LA    2,X'001'(,2)"), (0x208, "BCT   1,X'204'")]
    assert machine.gpr(2) == 2
    machine.set_trace(None)
