"""Hexadecimal floating point (server.machine.hfp): hand-worked cases and properties.

Cases follow the rules of GA22-7000, "Floating-Point Instructions"; the value
of each operand is written beside it.  Properties check the programming
notes (operand interchange, HALVE = MULTIPLY by one-half) and exact
truncation against rational arithmetic.
"""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.machine import hfp
from server.machine.hfp import EXTENDED, LONG, SHORT
from tests.tools import require_tool

OVF, UNF, SIG, FPD = 0x0C, 0x0D, 0x0E, 0x0F
EU, SG = hfp.MASK_EXPONENT_UNDERFLOW, hfp.MASK_SIGNIFICANCE
ALL = EU | SG


def ext(high: int, low: int) -> int:
    return high << 64 | low


def value_of(bits: int, digits: int) -> Fraction:
    sign, characteristic, fraction = hfp.unpack(bits, digits)
    magnitude = Fraction(fraction, 16**digits) * Fraction(16) ** (characteristic - 64)
    return -magnitude if sign else magnitude


# --- add / subtract ---------------------------------------------------------

ADD_SHORT = [
    # first, second, mask, normalize, value, cc, code
    (0x41100000, 0x41100000, 0, True, 0x41200000, 2, 0),  # 1 + 1
    (0x41800000, 0x41800000, 0, True, 0x42100000, 2, 0),  # 8 + 8, carry
    (0x41100000, 0xC1200000, 0, True, 0xC1100000, 1, 0),  # 1 - 2
    (0x42010000, 0x42001000, 0, True, 0x41110000, 2, 0),  # normalized
    (0x42010000, 0x42001000, 0, False, 0x42011000, 2, 0),  # leading zeros kept
    (0x41100000, 0xC1100000, 0, True, 0x00000000, 0, 0),  # 1 - 1, true zero
    (0x41100000, 0xC1100000, SG, True, 0x41000000, 0, SIG),
    (0x41100000, 0xC1100000, SG, False, 0x41000000, 0, SIG),
    (0x00000000, 0x00000000, SG, True, 0x00000000, 0, SIG),  # zeros lose significance
    (0x48000000, 0x41100000, SG, True, 0x48000000, 0, SIG),  # shifted beyond the guard
    (0x41100000, 0xC0FFFFFF, 0, True, 0x3B100000, 2, 0),  # guard digit kept
    (0x41100000, 0xC0FFFFFF, 0, False, 0x00000000, 0, 0),  # AU: guard digit dropped
    (0x41100000, 0xC0FFFFFF, SG, False, 0x41000000, 0, SIG),
    (0x41100000, 0xBB100000, 0, True, 0x40FFFFFF, 2, 0),  # 1 - 16**-6
    (0x41100000, 0xBA100000, 0, True, 0x41100000, 2, 0),  # shifted out entirely
    (0x7FFFFFFF, 0x7FFFFFFF, 0, True, 0x001FFFFF, 2, OVF),
    (0xFFFFFFFF, 0xFFFFFFFF, 0, False, 0x801FFFFF, 1, OVF),
    (0x00100000, 0x80080000, 0, True, 0x00000000, 0, 0),  # underflow masked
    (0x00100000, 0x80080000, EU, True, 0x7F800000, 2, UNF),
    (0x00100000, 0x80080000, EU, False, 0x00080000, 2, 0),  # AU: no underflow
    (0x80000000, 0x41100000, 0, True, 0x41100000, 2, 0),  # minus zero + 1
    (0x40000001, 0x00000000, 0, True, 0x3B100000, 2, 0),  # normalizes a lone operand
]


@pytest.mark.parametrize("first, second, mask, normalize, value, cc, code", ADD_SHORT)
def test_add_short(
    first: int, second: int, mask: int, normalize: bool, value: int, cc: int, code: int
) -> None:
    assert hfp.add(first, second, SHORT, mask, normalize) == (value, cc, code)


def test_subtract_is_add_of_the_complement() -> None:
    assert hfp.subtract(0x41100000, 0x41200000, SHORT, 0) == (0xC1100000, 1, 0)
    assert hfp.subtract(0x41100000, 0x40FFFFFF, SHORT, 0, normalize=False) == (0, 0, 0)


ADD_LONG = [
    (0x4110000000000000, 0x4010000000000000, 0, 0x4111000000000000, 2, 0),
    (0x4110000000000000, 0xC0FFFFFFFFFFFFFF, 0, 0x3310000000000000, 2, 0),
    (0x4110000000000000, 0xB310000000000000, 0, 0x40FFFFFFFFFFFFFF, 2, 0),
    (0xC1100000000000FF, 0x41100000000000FF, SG, 0x4100000000000000, 0, SIG),
    (0x7FFFFFFFFFFFFFFF, 0x7F00000000000001, 0, 0x0010000000000000, 2, OVF),
]


@pytest.mark.parametrize("first, second, mask, value, cc, code", ADD_LONG)
def test_add_long(first: int, second: int, mask: int, value: int, cc: int, code: int) -> None:
    assert hfp.add(first, second, LONG, mask) == (value, cc, code)


ONE_EXT = ext(0x4110000000000000, 0x3300000000000000)

ADD_EXTENDED = [
    (ONE_EXT, ONE_EXT, 0, ext(0x4120000000000000, 0x3300000000000000), 2, 0),
    # 1 - (1 - 16**-28): the guard digit gives 16**-28
    (
        ONE_EXT,
        ext(0xC0FFFFFFFFFFFFFF, 0xB2FFFFFFFFFFFFFF),
        0,
        ext(0x2510000000000000, 0x1700000000000000),
        2,
        0,
    ),
    # the low-order characteristic wraps below zero without underflow
    (
        ext(0x0510000000000000, 0),
        ext(0x0510000000000000, 0),
        0,
        ext(0x0520000000000000, 0x7700000000000000),
        2,
        0,
    ),
    # low-order sign and characteristic of operands are ignored
    (
        ext(0x4110000000000000, 0xFF00000000000001),
        ext(0x4110000000000000, 0x0000000000000001),
        0,
        ext(0x4120000000000000, 0x3300000000000002),
        2,
        0,
    ),
    (ONE_EXT, ONE_EXT ^ 1 << 127, 0, 0, 0, 0),
    (ONE_EXT, ONE_EXT ^ 1 << 127, SG, ext(0x4100000000000000, 0x3300000000000000), 0, SIG),
    (
        ext(0x0010000000000000, 0),
        ext(0x8008000000000000, 0),
        EU,
        ext(0x7F80000000000000, 0x7100000000000000),
        2,
        UNF,
    ),
    (ext(0x0010000000000000, 0), ext(0x8008000000000000, 0), 0, 0, 0, 0),
    # significance with characteristic 0: the low-order characteristic is still 14 less
    (0, ext(0x8000000000000000, 0x4200000000000000), SG, ext(0, 0x7200000000000000), 0, SIG),
]


@pytest.mark.parametrize("first, second, mask, value, cc, code", ADD_EXTENDED)
def test_add_extended(first: int, second: int, mask: int, value: int, cc: int, code: int) -> None:
    assert hfp.add(first, second, EXTENDED, mask) == (value, cc, code)


# --- compare ---------------------------------------------------------------

COMPARE = [
    (0x41100000, 0x41200000, 1),
    (0x41200000, 0x41100000, 2),
    (0x41100000, 0x42010000, 0),  # unnormalized equal value
    (0x41000000, 0xC5000000, 0),  # zero fractions are equal
    (0x48000000, 0x41100000, 0),  # shifted beyond the guard digit
    (0xC1100000, 0x41100000, 1),
    (0x41100000, 0x40FFFFFF, 2),  # the guard digit tells them apart
    (0x41100000, 0x3BFFFFFF, 2),
    (0x41100000, 0x3AFFFFFF, 2),  # second operand shifted out entirely
]


@pytest.mark.parametrize("first, second, cc", COMPARE)
def test_compare_short(first: int, second: int, cc: int) -> None:
    assert hfp.compare(first, second, SHORT) == cc


def test_compare_long() -> None:
    assert hfp.compare(0x4110000000000000, 0x40FFFFFFFFFFFFFF, LONG) == 2
    assert hfp.compare(0xC110000000000000, 0xC110000000000001, LONG) == 2


# --- multiply --------------------------------------------------------------

MULTIPLY = [
    # first, second, digits, result digits, mask, value, code
    (0x41200000, 0x41300000, SHORT, LONG, 0, 0x4160000000000000, 0),  # ME 2*3
    (0x42010000, 0x41300000, SHORT, LONG, 0, 0x4130000000000000, 0),  # prenormalized
    (0xC1200000, 0x41300000, SHORT, LONG, 0, 0xC160000000000000, 0),
    (0x41000000, 0xC1300000, SHORT, LONG, ALL, 0, 0),  # zero fraction: true zero
    (0x41FFFFFFFFFFFFFF, 0x41FFFFFFFFFFFFFF, LONG, LONG, 0, 0x42FFFFFFFFFFFFFE, 0),
    (0x7F10000000000000, 0x4120000000000000, LONG, LONG, 0, 0x7F20000000000000, 0),
    (0x7F10000000000000, 0x4210000000000000, LONG, LONG, 0, 0x0010000000000000, OVF),
    (0x0110000000000000, 0x0110000000000000, LONG, LONG, EU, 0x4110000000000000, UNF),
    (0x0110000000000000, 0x0110000000000000, LONG, LONG, 0, 0, 0),
    (
        0x41FFFFFFFFFFFFFF,
        0x41FFFFFFFFFFFFFF,
        LONG,
        EXTENDED,
        0,
        ext(0x42FFFFFFFFFFFFFE, 0x3400000000000001),
        0,
    ),  # MXD keeps every digit
    (ONE_EXT, ONE_EXT, EXTENDED, EXTENDED, 0, ONE_EXT, 0),
    (
        ext(0x41FFFFFFFFFFFFFF, 0x33FFFFFFFFFFFFFF),
        ext(0x41FFFFFFFFFFFFFF, 0x33FFFFFFFFFFFFFF),
        EXTENDED,
        EXTENDED,
        0,
        ext(0x42FFFFFFFFFFFFFF, 0x34FFFFFFFFFFFFFE),
        0,
    ),
]


@pytest.mark.parametrize("first, second, digits, result_digits, mask, value, code", MULTIPLY)
def test_multiply(
    first: int, second: int, digits: int, result_digits: int, mask: int, value: int, code: int
) -> None:
    result = hfp.multiply(first, second, digits, result_digits, mask)
    assert (result.value, result.code) == (value, code)


# --- divide ----------------------------------------------------------------

DIVIDE = [
    (0x41600000, 0x41200000, SHORT, 0, 0x41300000, 0),  # 6 / 2
    (0x41100000, 0x41300000, SHORT, 0, 0x40555555, 0),  # 1 / 3 truncated
    (0xC1100000, 0x41300000, SHORT, 0, 0xC0555555, 0),
    (0x42010000, 0x41300000, SHORT, 0, 0x40555555, 0),  # prenormalized
    (0x41100000, 0xC5000000, SHORT, ALL, 0x41100000, FPD),  # suppressed
    (0x45000000, 0x41300000, SHORT, ALL, 0, 0),  # zero dividend
    (0x7F100000, 0x40100000, SHORT, 0, 0x00100000, OVF),
    (0x00100000, 0x41200000, SHORT, EU, 0x7F800000, UNF),
    (0x00100000, 0x41200000, SHORT, 0, 0, 0),
    (0x4110000000000000, 0x4130000000000000, LONG, 0, 0x4055555555555555, 0),
]


@pytest.mark.parametrize("first, second, digits, mask, value, code", DIVIDE)
def test_divide(first: int, second: int, digits: int, mask: int, value: int, code: int) -> None:
    result = hfp.divide(first, second, digits, mask)
    assert (result.value, result.code) == (value, code)


# --- halve, load rounded, sign control ---------------------------------------

HALVE = [
    (0x41100000, 0, 0x40800000, 0),
    (0x41200000, 0, 0x41100000, 0),
    (0x41300001, 0, 0x41180000, 0),  # low-order bit lost
    (0x41000001, 0, 0x3B800000, 0),  # the bit goes through the guard digit
    (0xC1100000, 0, 0xC0800000, 0),
    (0x00100000, 0, 0, 0),
    (0x00100000, EU, 0x7F800000, UNF),
    (0xC5000000, ALL, 0, 0),  # zero fraction: true zero, no significance
]


@pytest.mark.parametrize("operand, mask, value, code", HALVE)
def test_halve_short(operand: int, mask: int, value: int, code: int) -> None:
    result = hfp.halve(operand, SHORT, mask)
    assert (result.value, result.code) == (value, code)


LOAD_ROUNDED = [
    (0x4112345680000000, LONG, 0x41123457, 0),
    (0x411234567FFFFFFF, LONG, 0x41123456, 0),
    (0xC112345680000000, LONG, 0xC1123457, 0),
    (0x41FFFFFF80000000, LONG, 0x42100000, 0),  # carry: shifted right
    (0x7FFFFFFF80000000, LONG, 0x00100000, OVF),
    (0x4000000080000000, LONG, 0x40000001, 0),  # not normalized
    (0x8500000000000000, LONG, 0x85000000, 0),  # zero keeps sign, characteristic
    (ext(0x4112345678ABCDEF, 0x3380000000000000), EXTENDED, 0x4112345678ABCDF0, 0),
    (ext(0x4112345678ABCDEF, 0x337FFFFFFFFFFFFF), EXTENDED, 0x4112345678ABCDEF, 0),
    (ext(0x7FFFFFFFFFFFFFFF, 0x0080000000000000), EXTENDED, 0x0010000000000000, OVF),
]


@pytest.mark.parametrize("operand, digits, value, code", LOAD_ROUNDED)
def test_load_rounded(operand: int, digits: int, value: int, code: int) -> None:
    result = hfp.load_rounded(operand, digits)
    assert (result.value, result.code) == (value, code)


SIGN_CONTROL = [
    (hfp.load_and_test, 0xC1100000, 0xC1100000, 1),
    (hfp.load_and_test, 0x80000000, 0x80000000, 0),
    (hfp.load_complement, 0x41100000, 0xC1100000, 1),
    (hfp.load_complement, 0x00000000, 0x80000000, 0),
    (hfp.load_positive, 0xC1100000, 0x41100000, 2),
    (hfp.load_positive, 0x80000000, 0x00000000, 0),
    (hfp.load_negative, 0x41100000, 0xC1100000, 1),
    (hfp.load_negative, 0x05000000, 0x85000000, 0),
]


@pytest.mark.parametrize("operation, operand, value, cc", SIGN_CONTROL)
def test_sign_control(operation: object, operand: int, value: int, cc: int) -> None:
    assert callable(operation)
    assert operation(operand, SHORT) == (value, cc, 0)


def test_sign_control_long_tests_the_whole_fraction() -> None:
    assert hfp.load_and_test(0x8000000000000001, LONG).cc == 1
    assert hfp.load_positive(0xC100000000000000, LONG) == (0x4100000000000000, 0, 0)


# --- properties ------------------------------------------------------------

shorts = st.integers(0, 0xFFFFFFFF)
longs = st.integers(0, 0xFFFFFFFFFFFFFFFF)
masks = st.integers(0, 0xF)


@given(shorts, shorts, masks, st.booleans())
def test_add_operands_interchange(first: int, second: int, mask: int, normalize: bool) -> None:
    assert hfp.add(first, second, SHORT, mask, normalize) == hfp.add(
        second, first, SHORT, mask, normalize
    )


@given(longs, longs)
def test_compare_agrees_with_subtract(first: int, second: int) -> None:
    assert hfp.compare(first, second, LONG) == hfp.subtract(first, second, LONG, ALL).cc


@given(longs, masks)
def test_halve_long_is_multiply_by_one_half(operand: int, mask: int) -> None:
    assert (
        hfp.halve(operand, LONG, mask).value
        == hfp.multiply(operand, 0x4080000000000000, LONG, LONG, mask).value
    )


@given(shorts, masks)
def test_halve_short_is_divide_by_two(operand: int, mask: int) -> None:
    halved = hfp.halve(operand, SHORT, mask)
    divided = hfp.divide(operand, 0x41200000, SHORT, mask)
    assert (halved.value, halved.code) == (divided.value, divided.code)


@given(shorts, shorts)
def test_short_multiply_is_exact(first: int, second: int) -> None:
    result = hfp.multiply(first, second, SHORT, LONG, 0)
    if result.code == 0 and result.value:
        assert value_of(result.value, LONG) == value_of(first, SHORT) * value_of(second, SHORT)


@given(longs, longs)
def test_long_to_extended_multiply_is_exact(first: int, second: int) -> None:
    result = hfp.multiply(first, second, LONG, EXTENDED, 0)
    if result.code == 0 and result.value:
        assert value_of(result.value, EXTENDED) == value_of(first, LONG) * value_of(second, LONG)


@given(longs, longs)
def test_long_divide_truncates(first: int, second: int) -> None:
    result = hfp.divide(first, second, LONG, 0)
    if result.code or not result.value:
        return
    exact = value_of(first, LONG) / value_of(second, LONG)
    quotient = value_of(result.value, LONG)
    _, characteristic, fraction = hfp.unpack(result.value, LONG)
    ulp = Fraction(16) ** (characteristic - 64 - LONG)
    assert fraction >> 52  # normalized
    assert abs(quotient) <= abs(exact) < abs(quotient) + ulp


# --- random operands against Hercules ----------------------------------------
#
# tests/machine/corpus/float_random*.s are generated by random_program(): every
# RR floating-point operation on seeded random operands (zero, all-F,
# unnormalized, single-digit and cancelling fractions; characteristics near
# 0, 64 and 127) under random program masks.  The corpus runs it on Hercules
# and Machine; test_hfp_matches_hercules below checks hfp itself against
# Hercules vector by vector.  Regenerate with
#     python -m tests.machine.test_hfp

RANDOM_FILES = {"float_random1": 370, "float_random2": 371}
RANDOM_COUNT = 12  # keeps each image under the 16K the oracle captures
DATA_START = 0x900
LOW32 = 0xFFFFFFFF
LOW64 = (1 << 64) - 1

# mnemonic, layout ("d": f0 op f2; "x": pairs f0/f2 op f4/f6), operand digits
RANDOM_OPS: list[tuple[str, str, int]] = [
    ("aer", "d", SHORT), ("ser", "d", SHORT), ("aur", "d", SHORT), ("sur", "d", SHORT),
    ("cer", "d", SHORT), ("mer", "d", SHORT), ("der", "d", SHORT), ("her", "d", SHORT),
    ("ledr", "d", LONG), ("adr", "d", LONG), ("sdr", "d", LONG), ("awr", "d", LONG),
    ("swr", "d", LONG), ("cdr", "d", LONG), ("mdr", "d", LONG), ("ddr", "d", LONG),
    ("hdr", "d", LONG), ("axr", "x", EXTENDED), ("sxr", "x", EXTENDED),
    ("mxr", "x", EXTENDED), ("mxdr", "x", LONG), ("ldxr", "x", EXTENDED),
]  # fmt: skip


def _random_fraction(rng: random.Random, digits: int) -> int:
    kind = rng.randrange(8)
    if kind == 0:
        return 0
    if kind == 1:
        return (1 << 4 * digits) - 1
    if kind == 2:
        return rng.randrange(16**digits) >> 4 * rng.randrange(digits)
    if kind == 3:
        return 1 << 4 * rng.randrange(digits)
    return rng.randrange(16 ** (digits - 1), 16**digits)


def _random_characteristic(rng: random.Random) -> int:
    choice = rng.randrange(4)
    if choice == 0:
        return rng.randrange(128)
    if choice == 1:
        return rng.randrange(60, 70)
    return rng.choice((0, 1, 2, 3, 13, 14, 15, 124, 125, 126, 127, 0x40, 0x41))


def _random_pair(rng: random.Random, digits: int) -> tuple[int, int]:
    """Two operands as (sign, characteristic, fraction) packed in the format's bits."""
    first = (rng.getrandbits(1), _random_characteristic(rng), _random_fraction(rng, digits))
    if rng.randrange(3):
        second = (rng.getrandbits(1), _random_characteristic(rng), _random_fraction(rng, digits))
    else:  # nearly equal magnitudes with opposite signs: cancellation
        sign, characteristic, fraction = first
        characteristic = max(0, min(127, characteristic + rng.randrange(-1, 2)))
        fraction = max(0, min(16**digits - 1, fraction + rng.randrange(-17, 18)))
        second = (1 - sign, characteristic, fraction)
    return hfp.pack(*first, digits), hfp.pack(*second, digits)


def _registers(rng: random.Random, layout: str, digits: int) -> list[int]:
    """The 64-bit register contents a vector loads: f0, f2 (and f4, f6 for "x")."""
    first, second = _random_pair(rng, digits)
    if digits == SHORT:
        return [first << 32 | rng.getrandbits(32), second << 32 | rng.getrandbits(32)]
    if digits == LONG:
        if layout == "d":
            return [first, second]
        return [first, rng.getrandbits(64), second, rng.getrandbits(64)]
    # Extended: the low-order sign and characteristic are ignored; make them noise.
    noise = rng.getrandbits(8) << 56, rng.getrandbits(8) << 56
    return [
        first >> 64,
        noise[0] | first & (1 << 56) - 1,
        second >> 64,
        noise[1] | second & (1 << 56) - 1,
    ]


def random_vectors(seed: int) -> list[tuple[str, str, int, list[tuple[int, list[int]]]]]:
    """(mnemonic, layout, digits, [(program mask, registers)]) for every random operation."""
    rng = random.Random(seed)
    return [
        (op, layout, digits, [(rng.randrange(16), _registers(rng, layout, digits))
                              for _ in range(RANDOM_COUNT)])
        for op, layout, digits in RANDOM_OPS
    ]  # fmt: skip


def _slot(layout: str) -> tuple[int, int]:
    """Bytes per vector in the table and in the results (registers, R15, pgm code)."""
    return (24, 16) if layout == "d" else (40, 24)


def _loop(index: int, op: str, layout: str, count: int) -> list[str]:
    """The code that runs operation ``op`` over its table of ``count`` vectors."""
    table, result = _slot(layout)
    registers = ("%f0", "%f2") if layout == "d" else ("%f0", "%f2", "%f4", "%f6")
    stored = registers[: len(registers) // 2]
    return [
        f"        l       %r10,tab{index}p", f"        l       %r11,res{index}p",
        f"        la      %r9,{count}", f"        la      %r8,{result - 4}",
        f"loop{index}: l       %r1,{table - 8}(%r10)", "        spm     %r1",
        *(f"        ld      {r},{8 * n}(%r10)" for n, r in enumerate(registers)),
        f"        {op:<7} %f0,{registers[len(registers) // 2]}", "        balr    %r15,0",
        *(f"        std     {r},{8 * n}(%r11)" for n, r in enumerate(stored)),
        f"        st      %r15,{8 * len(stored)}(%r11)", f"        la      %r10,{table}(%r10)",
        f"        la      %r11,{result}(%r11)", f"        bct     %r9,loop{index}",
    ]  # fmt: skip


def _table(index: int, layout: str, vectors: list[tuple[int, list[int]]]) -> list[str]:
    """Vector table ``index`` (registers, then the program-mask word) and its result space."""
    lines = [f"tab{index}:"]
    for mask, values in vectors:
        words = [f"0x{v >> 32:08x}, 0x{v & LOW32:08x}" for v in values]
        lines.append(f"        .long   {', '.join(words)}, 0x{mask:02x}000000, 0")
    return [*lines, f"res{index}: .space {_slot(layout)[1] * len(vectors)}"]


def random_program(seed: int) -> str:
    """The assembler source of a float_random program."""
    code = [
        "#@ title: every RR floating-point operation on seeded random operands under random",
        f"#@ title: program masks (seed {seed}); generated by tests/machine/test_hfp.py",
        '        .include "s370.inc"',
        "        lowcore pgm=onpgm",
    ]
    data = [f"        .org    {DATA_START:#x}"]
    for index, (op, layout, _, vectors) in enumerate(random_vectors(seed)):
        code += _loop(index, op, layout, len(vectors))
        data += _table(index, layout, vectors)
    code += [
        "        la      %r1,0", "        spm     %r1", "        eoj",
        "onpgm:  la      %r7,0(%r8,%r11)        # the vector's program-interruption word",
        "        mvc     0(4,%r7),0x28          # program old PSW bytes 0-3: the code",
        "        lpsw    0x28", "        .balign 4",
        *(f"tab{i}p: .long tab{i}\nres{i}p: .long res{i}" for i in range(len(RANDOM_OPS))),
    ]  # fmt: skip
    return "\n".join(code + data) + "\n"


def _add_n(a: int, b: int, d: int, m: int) -> hfp.HfpResult:
    return hfp.add(a, b, d, m)


def _add_u(a: int, b: int, d: int, m: int) -> hfp.HfpResult:
    return hfp.add(a, b, d, m, normalize=False)


def _sub_n(a: int, b: int, d: int, m: int) -> hfp.HfpResult:
    return hfp.subtract(a, b, d, m)


def _sub_u(a: int, b: int, d: int, m: int) -> hfp.HfpResult:
    return hfp.subtract(a, b, d, m, normalize=False)


def _mul(a: int, b: int, d: int, m: int) -> hfp.HfpResult:
    return hfp.multiply(a, b, d, d, m)


# op -> (arithmetic, sets the condition code)
ARITHMETIC = {
    "aer": (_add_n, True), "ser": (_sub_n, True), "aur": (_add_u, True), "sur": (_sub_u, True),
    "der": (hfp.divide, False), "adr": (_add_n, True), "sdr": (_sub_n, True),
    "awr": (_add_u, True), "swr": (_sub_u, True), "mdr": (_mul, False),
    "ddr": (hfp.divide, False), "axr": (_add_n, True), "sxr": (_sub_n, True),
    "mxr": (_mul, False),
}  # fmt: skip


def expected_record(op: str, digits: int, mask: int, registers: list[int]) -> tuple[int, ...]:
    """What hfp says a vector leaves: f0 (and f2 for pairs), condition code, interruption."""
    first, second = registers[0], registers[len(registers) // 2]
    if digits == SHORT:
        a, b, keep = first >> 32, second >> 32, first & LOW32
        if op == "cer":
            return first, hfp.compare(a, b, SHORT), 0
        if op == "mer":
            product = hfp.multiply(a, b, SHORT, LONG, mask)
            return product.value, 0, product.code
        if op == "her":
            half = hfp.halve(b, SHORT, mask)
            return half.value << 32 | keep, 0, half.code
        operation, sets_cc = ARITHMETIC[op]
        result = operation(a, b, SHORT, mask)
        if result.code == FPD:
            return first, 0, FPD
        return result.value << 32 | keep, result.cc if sets_cc else 0, result.code
    if op == "cdr":
        return first, hfp.compare(first, second, LONG), 0
    if op in ("hdr", "ledr"):
        result = hfp.halve(second, LONG, mask) if op == "hdr" else hfp.load_rounded(second, LONG)
        value = result.value if op == "hdr" else result.value << 32 | first & LOW32
        return value, 0, result.code
    if op in ("mxdr", "ldxr"):
        if op == "mxdr":
            result = hfp.multiply(first, second, LONG, EXTENDED, mask)
            return result.value >> 64, result.value & LOW64, 0, result.code
        rounded = hfp.load_rounded(second << 64 | registers[3], EXTENDED)
        return rounded.value, registers[1], 0, rounded.code
    operation, sets_cc = ARITHMETIC[op]
    if digits == EXTENDED:
        first, second = first << 64 | registers[1], second << 64 | registers[3]
    result = operation(first, second, digits, mask)
    cc = result.cc if sets_cc else 0
    if result.code == FPD:
        return first, 0, FPD
    if digits == EXTENDED:
        return result.value >> 64, result.value & LOW64, cc, result.code
    return result.value, cc, result.code


def hercules_records(state: object, layout: str, start: int, count: int) -> list[tuple[int, ...]]:
    """Decode a result table: registers, then R15 from BALR (CC), then the pgm code."""
    assert hasattr(state, "read")
    _, size = _slot(layout)
    records = []
    for n in range(count):
        raw = state.read(start + n * size, size)
        registers = [int.from_bytes(raw[i : i + 8], "big") for i in range(0, size - 8, 8)]
        link = int.from_bytes(raw[size - 8 : size - 4], "big")
        code = int.from_bytes(raw[size - 2 : size], "big")
        records.append((*registers, link >> 28 & 3, code))
    return records


CORPUS = Path(__file__).parent / "corpus"


@pytest.mark.parametrize("name", RANDOM_FILES)
def test_float_random_is_generated(name: str) -> None:
    assert (CORPUS / f"{name}.s").read_text() == random_program(RANDOM_FILES[name])


@pytest.mark.hercules
@pytest.mark.parametrize("name", RANDOM_FILES)
def test_hfp_matches_hercules(name: str) -> None:
    for tool in ("hercules", "s390x-linux-gnu-as", "s390x-linux-gnu-ld", "s390x-linux-gnu-objcopy"):
        require_tool(tool)
    from tests.machine.oracle import Hercules, assemble, parse

    seed = RANDOM_FILES[name]
    program = assemble(parse(CORPUS / f"{name}.s"))
    assert len(program.image) < 0x3F00
    with Hercules() as hercules:
        state = hercules.run(program)
    assert state.waited and state.psw[-2:] == bytes.fromhex("EE00")
    addresses = _result_addresses(seed)
    mismatches = []
    for index, (op, layout, digits, vectors) in enumerate(random_vectors(seed)):
        got = hercules_records(state, layout, addresses[index], len(vectors))
        for (mask, registers), record in zip(vectors, got, strict=True):
            want = expected_record(op, digits, mask, registers)
            if record != want:
                values = " ".join(f"{v:X}" for v in registers)
                shown = " ".join(f"{v:X}" for v in record), " ".join(f"{v:X}" for v in want)
                mismatches.append(f"{op} pm={mask:X} {values}: hercules {shown[0]} hfp {shown[1]}")
    assert not mismatches, "\n".join(mismatches[:20])


def _result_addresses(seed: int) -> list[int]:
    """Where each result table lies: the data follow one another from DATA_START."""
    addresses, address = [], DATA_START
    for _, layout, _, vectors in random_vectors(seed):
        table, result = _slot(layout)
        address += table * len(vectors)
        addresses.append(address)
        address += result * len(vectors)
    return addresses


if __name__ == "__main__":
    for _name, _seed in RANDOM_FILES.items():
        (CORPUS / f"{_name}.s").write_text(random_program(_seed))
