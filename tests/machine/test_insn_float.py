"""The floating-point instructions (server.machine.insn_float) run through Machine.

Each case is one instruction at 0x200 followed by SVC 0; the SVC and program
new PSWs are disabled waits at EE00 and 0x68, so the end PSW tells whether a
program interruption happened, and the SVC or program old PSW gives the
condition code (and the interruption code and ILC).  GA22-7000, "Floating-Point Instructions".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.machine import Machine
from server.machine.isa import OPCODES

CODE = 0x200
DATA = 0x400  # GPR 12 holds DATA; GPR 11 holds 8 for indexing
END = 0xEE00
PGM = 0x68
S = 0x55555555  # right half of short registers, must survive short operations


def rr(op: int, r1: int, r2: int) -> bytes:
    return bytes((op, r1 << 4 | r2))


def rx(op: int, r1: int, d2: int, x2: int = 0, b2: int = 12) -> bytes:
    return bytes((op, r1 << 4 | x2, b2 << 4 | d2 >> 8, d2 & 0xFF))


@dataclass
class Outcome:
    machine: Machine
    fprs: dict[int, int]
    cc: int
    code: int  # program-interruption code, 0 when none
    ilc: int
    old_address: int


def run(code: bytes, fprs: dict[int, int] | None = None, pm: int = 0, data: bytes = b"") -> Outcome:
    machine = Machine(storage_size=1 << 16)
    machine.load(PGM, bytes.fromhex("0002000000000068"))
    machine.load(0x60, (0x00020000).to_bytes(4, "big") + END.to_bytes(4, "big"))
    machine.load(CODE, code + bytes.fromhex("0A00"))  # SVC 0
    machine.load(DATA, data)
    machine.set_gpr(12, DATA)
    machine.set_gpr(11, 8)
    for number, value in (fprs or {}).items():
        machine.set_fpr(number, value.to_bytes(8, "big"))
    machine.set_psw(bytes((0, 0, 0, 0, pm, 0, CODE >> 8, CODE & 0xFF)))
    machine.run(limit=100)
    end = machine.psw()
    interrupted = int.from_bytes(end[5:], "big") == PGM
    assert interrupted or int.from_bytes(end[5:], "big") == END
    old = machine.read(0x28 if interrupted else 0x20, 8)
    return Outcome(
        machine,
        {n: int.from_bytes(machine.fpr(n), "big") for n in (0, 2, 4, 6)},
        old[4] >> 4 & 3,
        int.from_bytes(old[2:4], "big") if interrupted else 0,
        old[4] >> 6,
        int.from_bytes(old[5:], "big"),
    )


def short(value: int) -> int:
    """A short operand in the left half of a register whose right half is S."""
    return value << 32 | S


@dataclass
class Case:
    name: str
    code: bytes
    fprs: dict[int, int]
    expect: dict[int, int]
    cc: int | None = None  # None: the instruction leaves the CC alone (it stays 0 here)
    pgm: int = 0
    pm: int = 0
    data: bytes = b""
    extra: dict[str, int] = field(default_factory=dict)


ONE, TWO, THREE, MONE = 0x41100000, 0x41200000, 0x41300000, 0xC1100000
ONE_L = 0x4110000000000000

CASES = [
    # RR long
    Case("LPDR", rr(0x20, 0, 2), {2: 0xC110000000000001}, {0: 0x4110000000000001}, 2),
    Case("LNDR", rr(0x21, 0, 2), {2: 0}, {0: 0x8000000000000000}, 0),
    Case("LTDR", rr(0x22, 4, 2), {2: 0x4000000000000001}, {4: 0x4000000000000001}, 2),
    Case("LCDR", rr(0x23, 0, 2), {2: ONE_L}, {0: 0xC110000000000000}, 1),
    Case("HDR", rr(0x24, 0, 2), {2: 0xC110000000000001}, {0: 0xC080000000000008}),
    Case("HDR underflow", rr(0x24, 0, 2), {2: 0x0010000000000000}, {0: 0}),
    Case(
        "HDR underflow mask",
        rr(0x24, 6, 2),
        {2: 0x0010000000000000},
        {6: 0x7F80000000000000},
        pgm=0x0D,
        pm=2,
    ),
    Case(
        "LRDR",
        rr(0x25, 2, 4),
        {4: 0x4112345678ABCDEF, 6: 0x3380000000000000},
        {2: 0x4112345678ABCDF0},
    ),
    Case(
        "LRDR overflow",
        rr(0x25, 2, 4),
        {4: 0x7FFFFFFFFFFFFFFF, 6: 0x0080000000000000},
        {2: 0x0010000000000000},
        pgm=0x0C,
    ),
    Case(
        "MXR",
        rr(0x26, 0, 4),
        {
            0: 0x41FFFFFFFFFFFFFF,
            2: 0x33FFFFFFFFFFFFFF,
            4: 0x41FFFFFFFFFFFFFF,
            6: 0x33FFFFFFFFFFFFFF,
        },
        {0: 0x42FFFFFFFFFFFFFF, 2: 0x34FFFFFFFFFFFFFE},
    ),
    Case(
        "MXDR",
        rr(0x27, 4, 2),
        {4: 0x41FFFFFFFFFFFFFF, 2: 0x41FFFFFFFFFFFFFF},
        {4: 0x42FFFFFFFFFFFFFE, 6: 0x3400000000000001, 2: 0x41FFFFFFFFFFFFFF},
    ),
    Case("LDR", rr(0x28, 6, 0), {0: 0x123456789ABCDEF0}, {6: 0x123456789ABCDEF0}),
    Case("CDR", rr(0x29, 0, 2), {0: ONE_L, 2: 0x40FFFFFFFFFFFFFF}, {0: ONE_L}, 2),
    Case("ADR", rr(0x2A, 0, 2), {0: ONE_L, 2: 0xC0FFFFFFFFFFFFFF}, {0: 0x3310000000000000}, 2),
    Case("SDR", rr(0x2B, 0, 2), {0: ONE_L, 2: ONE_L}, {0: 0}, 0),
    Case(
        "SDR significance",
        rr(0x2B, 0, 2),
        {0: ONE_L, 2: ONE_L},
        {0: 0x4100000000000000},
        0,
        pgm=0x0E,
        pm=1,
    ),
    Case(
        "MDR",
        rr(0x2C, 0, 2),
        {0: 0x41FFFFFFFFFFFFFF, 2: 0x41FFFFFFFFFFFFFF},
        {0: 0x42FFFFFFFFFFFFFE},
    ),
    Case("DDR", rr(0x2D, 0, 2), {0: ONE_L, 2: 0x4130000000000000}, {0: 0x4055555555555555}),
    Case(
        "DDR divide", rr(0x2D, 0, 2), {0: ONE_L, 2: 0x4600000000000000}, {0: ONE_L}, pgm=0x0F, pm=3
    ),
    Case(
        "AWR",
        rr(0x2E, 0, 2),
        {0: 0x4201000000000000, 2: 0x4200000000100000},
        {0: 0x4201000000100000},
        2,
    ),
    Case("SWR", rr(0x2F, 0, 2), {0: ONE_L, 2: 0x40FFFFFFFFFFFFFF}, {0: 0}, 0),
    # RR short
    Case("LPER", rr(0x30, 0, 2), {0: 0, 2: short(MONE)}, {0: ONE << 32}, 2),
    Case("LNER", rr(0x31, 0, 2), {0: 0, 2: short(0x05000000)}, {0: 0x85000000 << 32}, 0),
    Case("LTER", rr(0x32, 0, 0), {0: short(MONE)}, {0: short(MONE)}, 1),
    Case("LCER", rr(0x33, 2, 0), {0: 0, 2: short(0)}, {2: short(0x80000000)}, 0),
    Case("HER", rr(0x34, 0, 2), {0: short(0), 2: 0x41000001_00000000}, {0: short(0x3B800000)}),
    Case("LRER", rr(0x35, 0, 2), {0: short(0), 2: 0x4112345680000000}, {0: short(0x41123457)}),
    Case(
        "LRER overflow",
        rr(0x35, 0, 2),
        {0: short(0), 2: 0xFFFFFFFF80000000},
        {0: short(0x80100000)},
        pgm=0x0C,
    ),
    Case(
        "AXR",
        rr(0x36, 4, 0),
        {0: ONE_L, 2: 0x3300000000000000, 4: ONE_L, 6: 0x33000000_00000001},
        {4: 0x4120000000000000, 6: 0x3300000000000001},
        2,
    ),
    Case(
        "SXR",
        rr(0x37, 0, 4),
        {0: ONE_L, 2: 0x3300000000000000, 4: 0x40FFFFFFFFFFFFFF, 6: 0x32FFFFFFFFFFFFFF},
        {0: 0x2510000000000000, 2: 0x1700000000000000},
        2,
    ),
    Case(
        "SXR significance",
        rr(0x37, 0, 0),
        {0: ONE_L, 2: 0x3300000000000000},
        {0: 0x4100000000000000, 2: 0x3300000000000000},
        0,
        pgm=0x0E,
        pm=1,
    ),
    Case("LER", rr(0x38, 6, 0), {0: 0x41234567_00000000, 6: short(0)}, {6: short(0x41234567)}),
    Case("CER", rr(0x39, 0, 2), {0: short(ONE), 2: short(TWO)}, {0: short(ONE)}, 1),
    Case("AER", rr(0x3A, 0, 2), {0: short(ONE), 2: short(0xC0FFFFFF)}, {0: short(0x3B100000)}, 2),
    Case(
        "AER overflow",
        rr(0x3A, 0, 2),
        {0: short(0x7FFFFFFF), 2: short(0x7FFFFFFF)},
        {0: short(0x001FFFFF)},
        2,
        pgm=0x0C,
    ),
    Case("SER", rr(0x3B, 0, 2), {0: short(ONE), 2: short(TWO)}, {0: short(MONE)}, 1),
    Case(
        "SER underflow",
        rr(0x3B, 0, 2),
        {0: short(0x00100000), 2: short(0x00080000)},
        {0: short(0x7F800000)},
        2,
        pgm=0x0D,
        pm=2,
    ),
    Case("MER", rr(0x3C, 0, 2), {0: short(TWO), 2: short(THREE)}, {0: 0x4160000000000000}),
    Case("DER", rr(0x3D, 0, 2), {0: short(ONE), 2: short(THREE)}, {0: short(0x40555555)}),
    Case(
        "AUR",
        rr(0x3E, 0, 2),
        {0: short(0x42010000), 2: short(0x42001000)},
        {0: short(0x42011000)},
        2,
    ),
    Case("SUR", rr(0x3F, 0, 2), {0: short(ONE), 2: short(0x40FFFFFF)}, {0: short(0)}, 0),
    Case(
        "SUR significance",
        rr(0x3F, 0, 2),
        {0: short(ONE), 2: short(0x40FFFFFF)},
        {0: short(0x41000000)},
        0,
        pgm=0x0E,
        pm=1,
    ),
    # RX long; the operand at DATA+8 is reached through index register 11
    Case(
        "MXD",
        rx(0x67, 4, 0, x2=11),
        {4: 0x41FFFFFFFFFFFFFF},
        {4: 0x42FFFFFFFFFFFFFE, 6: 0x3400000000000001},
        data=bytes(8) + bytes.fromhex("41FFFFFFFFFFFFFF"),
    ),
    Case(
        "LD",
        rx(0x68, 2, 3),
        {},
        {2: 0x123456789ABCDEF0},
        data=bytes.fromhex("000000123456789ABCDEF0"),
    ),
    Case("CD", rx(0x69, 0, 0), {0: ONE_L}, {0: ONE_L}, 1, data=bytes.fromhex("4120000000000000")),
    Case(
        "AD",
        rx(0x6A, 0, 0),
        {0: ONE_L},
        {0: 0x4111000000000000},
        2,
        data=bytes.fromhex("4010000000000000"),
    ),
    Case(
        "SD",
        rx(0x6B, 0, 0),
        {0: ONE_L},
        {0: 0x40FFFFFFFFFFFFFF},
        2,
        data=bytes.fromhex("3310000000000000"),
    ),
    Case(
        "MD",
        rx(0x6C, 0, 0),
        {0: 0x7F10000000000000},
        {0: 0x0010000000000000},
        pgm=0x0C,
        data=bytes.fromhex("4210000000000000"),
    ),
    Case(
        "DD",
        rx(0x6D, 0, 0),
        {0: 0x0010000000000000},
        {0: 0x7F80000000000000},
        pgm=0x0D,
        pm=2,
        data=bytes.fromhex("4120000000000000"),
    ),
    Case(
        "AW",
        rx(0x6E, 0, 0),
        {0: 0x0010000000000000},
        {0: 0x0008000000000000},
        2,
        pm=3,
        data=bytes.fromhex("8008000000000000"),
    ),
    Case(
        "SW",
        rx(0x6F, 0, 0),
        {0: 0x8500000000000000},
        {0: 0x0500000000000000},
        0,
        pgm=0x0E,
        pm=1,
        data=bytes.fromhex("8500000000000000"),
    ),
    # RX short
    Case(
        "LE",
        rx(0x78, 4, 1),
        {4: short(0)},
        {4: short(0x41234567)},
        data=bytes.fromhex("0041234567"),
    ),
    Case(
        "CE",
        rx(0x79, 0, 0),
        {0: short(0x48000000)},
        {0: short(0x48000000)},
        0,
        data=bytes.fromhex("41100000"),
    ),
    Case(
        "AE",
        rx(0x7A, 0, 0),
        {0: short(ONE)},
        {0: short(0x42100000)},
        2,
        data=bytes.fromhex("41F00000"),
    ),
    Case(
        "SE",
        rx(0x7B, 0, 0),
        {0: short(ONE)},
        {0: short(0x40FFFFFF)},
        2,
        data=bytes.fromhex("3B100000"),
    ),
    Case(
        "ME",
        rx(0x7C, 6, 0),
        {6: short(0xC1200000)},
        {6: 0xC160000000000000},
        data=bytes.fromhex("41300000"),
    ),
    Case(
        "DE",
        rx(0x7D, 0, 0),
        {0: short(ONE)},
        {0: short(ONE)},
        pgm=0x0F,
        data=bytes.fromhex("C5000000"),
    ),
    Case(
        "AU",
        rx(0x7E, 0, 0),
        {0: short(0x00100000)},
        {0: short(0x00080000)},
        2,
        pm=3,
        data=bytes.fromhex("80080000"),
    ),
    Case(
        "SU",
        rx(0x7F, 0, 0),
        {0: short(0xFFFFFFFF)},
        {0: short(0x801FFFFF)},
        1,
        pgm=0x0C,
        data=bytes.fromhex("7FFFFFFF"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_instruction(case: Case) -> None:
    outcome = run(case.code, case.fprs, case.pm, case.data)
    assert outcome.code == case.pgm
    for number, value in case.expect.items():
        assert outcome.fprs[number] == value, f"FPR{number} {outcome.fprs[number]:016X}"
    assert outcome.cc == (0 if case.cc is None else case.cc)
    if case.pgm:
        # Completed (or, for divide, suppressed): the old PSW points past the instruction.
        assert outcome.old_address == CODE + len(case.code)
        assert outcome.ilc == len(case.code) // 2


def test_short_results_keep_the_right_half() -> None:
    outcome = run(rr(0x3A, 2, 4), {2: 0x41100000_89ABCDEF, 4: 0x41100000_01234567})
    assert outcome.fprs[2] == 0x41200000_89ABCDEF


def test_condition_code_survives_instructions_that_do_not_set_it() -> None:
    # LTER sets cc 1; ME after it leaves it alone.
    outcome = run(rr(0x32, 2, 2) + rr(0x3C, 0, 4), {0: short(TWO), 2: short(MONE), 4: short(THREE)})
    assert (outcome.cc, outcome.fprs[0]) == (1, 0x4160000000000000)


def test_store_short_and_long_on_any_boundary() -> None:
    code = rx(0x70, 2, 1) + rx(0x60, 4, 5)
    outcome = run(code, {2: 0xC1234567_89ABCDEF, 4: 0x0123456789ABCDEF})
    assert outcome.code == 0
    assert outcome.machine.read(DATA, 13) == bytes.fromhex("00C1234567") + bytes.fromhex(
        "0123456789ABCDEF"
    )


BAD_REGISTERS = [
    rr(0x28, 1, 0),  # LDR
    rr(0x38, 0, 3),  # LER
    rr(0x3A, 8, 0),  # AER
    rr(0x22, 0, 10),  # LTDR
    rr(0x36, 2, 0),  # AXR: pairs are 0 and 4
    rr(0x37, 0, 6),  # SXR
    rr(0x26, 4, 2),  # MXR
    rr(0x27, 2, 0),  # MXDR: first operand a pair
    rr(0x27, 0, 1),  # MXDR
    rr(0x25, 0, 2),  # LRDR: second operand a pair
    rr(0x25, 1, 4),  # LRDR
    rr(0x35, 0, 7),  # LRER
    rr(0x34, 9, 0),  # HER
    rx(0x67, 6, 0),  # MXD
    rx(0x68, 5, 0),  # LD
    rx(0x70, 15, 0),  # STE: nothing stored
    rx(0x6D, 14, 0),  # DD
]


@pytest.mark.parametrize("code", BAD_REGISTERS, ids=[code.hex() for code in BAD_REGISTERS])
def test_register_fields_specification(code: bytes) -> None:
    before = {0: ONE_L, 2: 0x3300000000000000, 4: ONE_L, 6: 0x3300000000000000}
    outcome = run(code, before, pm=3, data=bytes.fromhex("4120000000000000"))
    assert outcome.code == 0x06
    assert outcome.fprs == before
    assert outcome.machine.read(DATA, 8) == bytes.fromhex("4120000000000000")
    assert outcome.ilc == len(code) // 2


def test_operand_beyond_storage_is_an_addressing_exception() -> None:
    code = rx(0x68, 0, 0xFF8, b2=10)
    machine_code = bytes.fromhex("41A0F000")  # LA 10,0(0,15) with GPR 15 = 0xFFF000 below
    outcome = run(
        bytes.fromhex("58F0C000") + machine_code + code, {0: ONE_L}, data=bytes.fromhex("00FFF000")
    )
    assert outcome.code == 0x05
    assert outcome.fprs[0] == ONE_L


def test_mxdr_second_operand_inside_the_result_pair() -> None:
    # MXDR 0,2: FPR2 is both the multiplier and the low half of the product.
    outcome = run(rr(0x27, 0, 2), {0: 0x41FFFFFFFFFFFFFF, 2: 0xC1FFFFFFFFFFFFFF})
    assert (outcome.fprs[0], outcome.fprs[2]) == (0xC2FFFFFFFFFFFFFE, 0xB400000000000001)


def test_lrdr_into_its_own_pair() -> None:
    # LRDR 0,0: the extended operand in FPR0/FPR2, the long result in FPR0 only.
    outcome = run(rr(0x25, 0, 0), {0: 0x4112345678ABCDEF, 2: 0x3380000000000000})
    assert (outcome.fprs[0], outcome.fprs[2]) == (0x4112345678ABCDF0, 0x3380000000000000)


def test_number_representation() -> None:
    # GA22-7000 "Number Representation": 1.0, 0.5, 1/64, -15.0 and the extremes.
    from fractions import Fraction

    from tests.machine.test_hfp import value_of

    assert value_of(0x41100000, 6) == 1
    assert value_of(0x40800000, 6) == Fraction(1, 2)
    assert value_of(0x3F400000, 6) == Fraction(1, 64)
    assert value_of(0xC1F00000, 6) == -15
    assert value_of(0x7FFFFFFF, 6) == (1 - Fraction(1, 16**6)) * Fraction(16) ** 63
    assert value_of(0x00100000, 6) == Fraction(1, 16**65)


FLOAT_OPCODES = [op for op in (*range(0x20, 0x40), *range(0x60, 0x80)) if OPCODES[op]]


# Register fields: mostly valid (0, 2, 4, 6), sometimes not.
REGISTER_FIELDS = st.sampled_from((0, 2, 4, 6, 0, 2, 4, 6, 0, 2, 4, 6, 0, 4, 1, 14))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(FLOAT_OPCODES), REGISTER_FIELDS, REGISTER_FIELDS, st.integers(1, 15),
            st.integers(0, 0xFFF),
        ),
        min_size=1,
        max_size=10,
    ),
    st.lists(st.integers(0, (1 << 64) - 1), min_size=4, max_size=4),
    st.binary(min_size=64, max_size=64),
    st.integers(0, 15),
)  # fmt: skip
def test_random_float_instructions_end_in_an_architected_state(
    instructions: list[tuple[int, int, int, int, int]], fprs: list[int], data: bytes, pm: int
) -> None:
    # RX operands address the data area through GPRs 1-15 (set below).
    code = b"".join(
        rr(op, r1, r2) if op < 0x40 else rx(op, r1, d2, x2=r2, b2=b2)
        for op, r1, r2, b2, d2 in instructions
    )
    machine = Machine(storage_size=1 << 17)
    # Every program interruption resumes after the instruction (LPSW of the old PSW at
    # 0x300), counting itself in GPR 0; the code of the last one stays at 0x2A.
    machine.load(PGM, bytes.fromhex("0000000000000300"))
    machine.load(0x300, bytes.fromhex("4A000308 82000028 0001"))  # AH 0,=H'1'; LPSW 0x28
    machine.load(0x60, (0x00020000).to_bytes(4, "big") + END.to_bytes(4, "big"))
    machine.load(CODE, code + bytes.fromhex("0A00"))
    for n in range(1, 16):
        machine.set_gpr(n, 0x8000 + 0x400 * n)
        machine.load(0x8000 + 0x400 * n, data * 16)
    for n, value in zip((0, 2, 4, 6), fprs, strict=True):
        machine.set_fpr(n, value.to_bytes(8, "big"))
    machine.set_psw(bytes((0, 0, 0, 0, pm, 0, CODE >> 8, CODE & 0xFF)))
    machine.run(limit=100)
    assert int.from_bytes(machine.psw()[5:], "big") == END
    if machine.gpr(0):
        assert machine.read(0x2A, 2)[1] in (0x06, 0x0C, 0x0D, 0x0E, 0x0F)
