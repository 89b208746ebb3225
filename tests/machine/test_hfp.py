"""Hexadecimal floating point (server.machine.hfp): hand-worked cases and properties.

Cases follow the rules of GA22-7000, "Floating-Point Instructions"; the value
of each operand is written beside it.  Properties check the programming
notes (operand interchange, HALVE = MULTIPLY by one-half) and exact
truncation against rational arithmetic.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.machine import hfp
from server.machine.hfp import EXTENDED, LONG, SHORT

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
