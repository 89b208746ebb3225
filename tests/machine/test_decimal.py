"""Packed-decimal semantics (server/machine/decimal.py), table-driven.

Cases come from the Principles of Operation (GA22-7000-10): chapter 8,
"Decimal Instructions", chapter 7 (CVB, CVD, MVO, PACK, UNPK) and the
examples of Appendix A; fields are written in hex as in the manual.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.machine import decimal
from server.machine.decimal import (
    DATA,
    DECIMAL_DIVIDE,
    SPECIFICATION,
    DecimalCheck,
    Result,
)


def h(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


def check_code(code: int) -> Any:
    """pytest.raises for a DecimalCheck with interruption code `code`."""
    return pytest.raises(DecimalCheck, match=f"program interruption {code:02X}")


# --- validation --------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("0C", (0, False)),
        ("0D", (0, True)),  # minus zero is a valid operand
        ("1A", (1, False)),
        ("1B", (1, True)),
        ("1E", (1, False)),
        ("1F", (1, False)),  # F is accepted as plus
        ("12 34 5D", (12345, True)),
        ("99" * 15 + "9C", (10**31 - 1, False)),
    ],
)
def test_decode_valid(field: str, expected: tuple[int, bool]) -> None:
    assert decimal.decode(h(field)) == expected


@pytest.mark.parametrize(
    "field", ["00", "19", "A0 0C", "0A 0C", "1C 0C", "12 3F 4C", "FF", "C0"]
)
def test_decode_invalid_is_data_exception(field: str) -> None:
    with check_code(DATA):
        decimal.decode(h(field))
    assert not decimal.is_valid(h(field))


@pytest.mark.parametrize(
    ("number", "length", "field", "lost"),
    [
        (0, 1, "0C", False),
        (-5, 1, "5D", False),
        (123, 2, "12 3C", False),
        (-123, 3, "00 12 3D", False),
        (1234, 2, "23 4C", True),
    ],
)
def test_encode(number: int, length: int, field: str, lost: bool) -> None:
    assert decimal.encode(abs(number), number < 0, length) == (h(field), lost)


# --- ADD, SUBTRACT, ZERO AND ADD ------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "result", "cc"),
    [
        # Appendix A: AP 500(4,12),2000(3,13): 112,345 + (-38,460) = 73,885
        ("01 12 34 5C", "38 46 0D", "00 73 88 5C", 2),
        ("00 1C", "2C", "00 3C", 2),
        ("00 1C", "2D", "00 1D", 1),
        ("00 2D", "2C", "00 0C", 0),  # zero sum is plus
        ("0D", "0D", "0C", 0),  # minus zero + minus zero = plus zero
        ("9C", "1C", "0C", 3),  # overflow: lost carry, sum 10 truncated to 0 keeps plus
        ("9D", "1D", "0D", 3),  # overflow: zero result keeps the true sum's sign
        ("99 9C", "1F", "00 0C", 3),
        ("1C", "00 00 0F", "1C", 2),  # longer second operand, no digits lost
        ("1C", "01 00 0C", "1C", 3),  # second operand longer and significant
        ("12 3F", "1A", "12 4C", 2),  # preferred sign on result
    ],
)
def test_add(first: str, second: str, result: str, cc: int) -> None:
    assert decimal.add(h(first), h(second)) == Result(h(result), cc)


@pytest.mark.parametrize(
    ("first", "second", "result", "cc"),
    [
        ("00 5C", "3C", "00 2C", 2),
        ("00 3C", "5C", "00 2D", 1),
        ("12 3C", "12 3C", "00 0C", 0),  # SP of a field from itself zeroes it
        ("12 3D", "12 3D", "00 0C", 0),
        ("9D", "1C", "0D", 3),
        ("5D", "5B", "0C", 0),
    ],
)
def test_subtract(first: str, second: str, result: str, cc: int) -> None:
    assert decimal.subtract(h(first), h(second)) == Result(h(result), cc)


@pytest.mark.parametrize(
    ("length", "second", "result", "cc"),
    [
        (3, "12 3F", "00 12 3C", 2),
        (2, "12 3B", "12 3D", 1),
        (2, "00 0D", "00 0C", 0),  # minus zero becomes plus zero
        (1, "12 3C", "3C", 3),
        (1, "10 0D", "0D", 3),  # overflow keeps the minus sign of a zero result
        (4, "0C", "00 00 00 0C", 0),
    ],
)
def test_zero_and_add(length: int, second: str, result: str, cc: int) -> None:
    assert decimal.zero_and_add(length, h(second)) == Result(h(result), cc)


def test_arithmetic_checks_both_operands() -> None:
    with check_code(DATA):
        decimal.add(h("1C"), h("1A 00"))
    with check_code(DATA):
        decimal.subtract(h("12"), h("1C"))
    with check_code(DATA):
        decimal.zero_and_add(2, h("1F 1C"))


def test_zero_and_add_does_not_check_first_operand() -> None:
    # ZAP takes only the length of the first operand; garbage there is fine.
    assert decimal.zero_and_add(2, h("7C")).cc == 2


# --- COMPARE ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "cc"),
    [
        ("0C", "0D", 0),  # plus zero equals minus zero
        ("00 0F", "0B", 0),
        ("12 3C", "12 3F", 0),
        ("12 3C", "12 4C", 1),
        ("12 4C", "12 3C", 2),
        ("12 3D", "12 4D", 2),
        ("1D", "1C", 1),
        ("1C", "99 99 9D", 2),
    ],
)
def test_compare(first: str, second: str, cc: int) -> None:
    assert decimal.compare(h(first), h(second)) == cc


def test_compare_checks_both_operands() -> None:
    with check_code(DATA):
        decimal.compare(h("1C"), h("11"))


# --- MULTIPLY -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "product"),
    [
        # Appendix A: MP: -38,460 x -321 = +12,345,660
        ("00 00 38 46 0D", "32 1D", "01 23 45 66 0C"),
        ("00 5C", "3D", "01 5D"),
        ("00 0C", "3D", "00 0D"),  # zero product keeps the algebraic sign
        ("00 00 99 9C", "99 9C", "09 98 00 1C"),
        ("00" * 15 + "1C", "99" * 7 + "9D", "00" * 8 + "99" * 7 + "9D"),
    ],
)
def test_multiply(first: str, second: str, product: str) -> None:
    assert decimal.multiply(h(first), h(second)) == h(product)


@pytest.mark.parametrize(
    ("length1", "length2"), [(2, 2), (3, 4), (16, 9), (10, 9), (1, 1)]
)
def test_multiply_divide_length_specification(length1: int, length2: int) -> None:
    first, second = h("00" * (length1 - 1) + "1C"), h("00" * (length2 - 1) + "1C")
    with check_code(SPECIFICATION):
        decimal.multiply(first, second)
    with check_code(SPECIFICATION):
        decimal.divide(first, second)


def test_specification_before_data() -> None:
    with check_code(SPECIFICATION):
        decimal.multiply(h("FF"), h("FF FF"))


@pytest.mark.parametrize(
    "first",
    [
        "01 5C",  # one leftmost digit nonzero in the byte that must be zero
        "10 5C",
        "00 10 00 0C",  # second byte must also be zero for a 2-byte multiplier
    ],
)
def test_multiply_multiplicand_needs_leftmost_zero_bytes(first: str) -> None:
    second = h("1C") if len(h(first)) == 2 else h("00 1C")
    with check_code(DATA):
        decimal.multiply(h(first), second)


def test_multiply_largest_allowed_multiplicand() -> None:
    assert decimal.multiply(h("00 00 99 9C"), h("00 1C")) == h("00 00 99 9C")


def test_multiply_checks_validity() -> None:
    with check_code(DATA):
        decimal.multiply(h("00 1C"), h("10"))


# --- DIVIDE ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "result"),
    [
        # Appendix A: DP: 12,345,678 / -321 = quotient -38,460, remainder +18
        ("01 23 45 67 8C", "32 1D", "38 46 0D 01 8C"),
        ("00 7C", "2C", "3C 1C"),
        ("00 7D", "2C", "3D 1D"),  # remainder takes the dividend's sign
        ("00 7C", "2D", "3D 1C"),
        ("00 1D", "2C", "0D 1D"),  # zero quotient keeps the algebraic sign
        ("00 6D", "2C", "3D 0D"),  # zero remainder keeps the dividend's sign
        ("00 0C", "5D", "0D 0C"),
        ("00 99 9C", "99 9C", "1C 00 0C"),
    ],
)
def test_divide(first: str, second: str, result: str) -> None:
    assert decimal.divide(h(first), h(second)) == h(result)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("00 7C", "0C"),  # divisor zero
        ("00 7C", "0D"),
        ("00 0C", "0C"),  # zero by zero
        ("02 0C", "1C"),  # quotient 20 does not fit one digit
        ("01 00 0C", "01 0C"),  # quotient 100 does not fit one digit
        ("10 00 00 0C", "99 9C"),  # leftmost digits of dividend >= divisor
    ],
)
def test_divide_exception(first: str, second: str) -> None:
    with check_code(DECIMAL_DIVIDE):
        decimal.divide(h(first), h(second))


def test_divide_data_before_divide_exception() -> None:
    with check_code(DATA):
        decimal.divide(h("00 7C"), h("00"))
    with check_code(DATA):
        decimal.divide(h("A0 7C"), h("0C"))


# --- SHIFT AND ROUND --------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "shift", "rounding", "result", "cc"),
    [
        # Appendix A: shift left three places (multiply by 1000)
        ("00 01 23 45 67 8C", 3, 0, "12 34 56 78 00 0C", 2),
        # Appendix A: shift right three places with rounding by 5
        ("01 23 45 67 8C", 64 - 3, 5, "00 00 12 34 6C", 2),
        ("01 23 45 67 8D", 64 - 3, 5, "00 00 12 34 6D", 1),
        ("01 23 45 49 9C", 64 - 3, 5, "00 00 12 34 5C", 2),  # 499 rounds down
        ("00 00 00 50 0C", 64 - 3, 5, "00 00 00 00 1C", 2),  # 500 rounds up
        ("00 00 00 49 9D", 64 - 3, 5, "00 00 00 00 0C", 0),  # rounds to plus zero
        ("12 3D", 0, 0, "12 3D", 1),  # no shift: just validity and cc
        ("12 3F", 0, 9, "12 3C", 2),  # preferred sign
        ("00 0D", 0, 0, "00 0C", 0),  # minus zero becomes plus zero
        ("12 3C", 1, 0, "23 0C", 3),  # leftmost nonzero digit lost: overflow
        ("10 0D", 2, 0, "00 0D", 3),  # overflow keeps the sign of a zero result
        ("01 2C", 1, 0, "12 0C", 2),
        ("12 3C", 32, 0, "00 0C", 0),  # 32 right: everything shifted out
        ("99 9C", 63, 9, "10 0C", 2),  # the rounding carry propagates left
        ("99 4C", 63, 5, "09 9C", 2),
        ("12 3C", 0x1000 + 1, 0, "23 0C", 3),  # only the six low address bits count
        ("00 1C", 31, 0, "00 0C", 3),
        ("12 3C", 0x3F, 5, "01 2C", 2),
    ],
)
def test_shift_and_round(field: str, shift: int, rounding: int, result: str, cc: int) -> None:
    assert decimal.shift_and_round(h(field), shift, rounding) == Result(h(result), cc)


def test_shift_and_round_checks_operand_and_rounding_digit() -> None:
    with check_code(DATA):
        decimal.shift_and_round(h("AC"), 0, 0)
    with check_code(DATA):
        decimal.shift_and_round(h("1C"), 1, 0xA)  # checked even on a left shift


# --- CONVERT TO BINARY / DECIMAL ---------------------------------------------------


@pytest.mark.parametrize(
    ("field", "register", "out_of_range"),
    [
        ("00 00 00 00 00 25 59 4F", 0x000063FA, False),  # Appendix A: 25,594
        ("00 00 00 00 00 00 00 1D", 0xFFFFFFFF, False),
        ("00 00 00 00 00 00 00 0D", 0, False),
        ("00 00 02 14 74 83 64 7C", 0x7FFFFFFF, False),
        ("00 00 02 14 74 83 64 8D", 0x80000000, False),
        ("00 00 02 14 74 83 64 8C", 0x80000000, True),
        ("00 00 02 14 74 83 64 9D", 0x7FFFFFFF, True),
        ("99 99 99 99 99 99 99 9C", (10**15 - 1) & 0xFFFFFFFF, True),
    ],
)
def test_convert_to_binary(field: str, register: int, out_of_range: bool) -> None:
    assert decimal.convert_to_binary(h(field)) == (register, out_of_range)


def test_convert_to_binary_data() -> None:
    with check_code(DATA):
        decimal.convert_to_binary(h("00 00 00 00 00 00 00 00"))


@pytest.mark.parametrize(
    ("register", "field"),
    [
        (0x00000F0F, "00 00 00 00 00 03 85 5C"),
        (0, "00 00 00 00 00 00 00 0C"),
        (0xFFFFFFFF, "00 00 00 00 00 00 00 1D"),
        (0x7FFFFFFF, "00 00 02 14 74 83 64 7C"),
        (0x80000000, "00 00 02 14 74 83 64 8D"),
    ],
)
def test_convert_to_decimal(register: int, field: str) -> None:
    assert decimal.convert_to_decimal(register) == h(field)


# --- byte-serial operations: PACK, UNPK, MVO, ED, EDMK --------------------------


class Memory:
    """A little storage for the byte-serial operations, with operand views."""

    def __init__(self, text: str) -> None:
        self.data = bytearray(h(text))

    def fetch(self, start: int) -> decimal.Fetch:
        return lambda offset: self.data[start + offset]

    def store(self, start: int) -> decimal.Store:
        def store_byte(offset: int, byte: int) -> None:
            self.data[start + offset] = byte

        return store_byte


def run_pack(op: str, first: str, second: str, overlap: int | None = None) -> bytes:
    """Run PACK, UNPK or MVO on separate fields (first operand at 0, second after
    it) or, with `overlap`, on one field with the second operand at that offset."""
    length1 = len(h(first))
    if overlap is None:
        memory, start2 = Memory(first + second), length1
    else:
        memory, start2 = Memory(first), overlap
    length2 = len(h(second))
    if op == "PACK":
        decimal.pack(length1, length2, memory.fetch(start2), memory.store(0))
    elif op == "UNPK":
        decimal.unpack(length1, length2, memory.fetch(start2), memory.store(0))
    else:
        decimal.move_with_offset(
            length1, length2, memory.fetch(0), memory.fetch(start2), memory.store(0)
        )
    return bytes(memory.data[:length1])


@pytest.mark.parametrize(
    ("op", "first", "second", "result"),
    [
        ("PACK", "00 00 00", "F1 F2 F3 F4 C5", "12 34 5C"),
        ("PACK", "FF FF FF FF", "F1 F2 F3 F4 C5", "00 12 34 5C"),
        ("PACK", "00 00", "F1 F2 F3 F4 C5", "34 5C"),  # leftmost digits dropped
        ("PACK", "00 00 00", "F1 F2 F3 F4", "01 23 4F"),
        ("PACK", "00 00", "C1 D2 F3", "12 3F"),  # zones ignored but the sign's
        ("PACK", "00 00", "FA FB", "0A BF"),  # nothing is checked
        ("PACK", "00", "F7", "7F"),
        ("UNPK", "00 00 00 00 00", "12 34 5C", "F1 F2 F3 F4 C5"),
        ("UNPK", "00 00 00 00 00 00", "12 34 5C", "F0 F1 F2 F3 F4 C5"),
        ("UNPK", "00 00 00", "12 34 5C", "F3 F4 C5"),
        ("UNPK", "00 00 00 00 00", "01 23 4D", "F0 F1 F2 F3 D4"),
        ("UNPK", "00 00 00 00", "12 3C", "F0 F1 F2 C3"),
        ("UNPK", "00 00", "AB CD", "FB DC"),  # nothing is checked
        # MVO: the manual's example
        ("MVO", "77 88 99 0C", "12 34 56", "01 23 45 6C"),
        ("MVO", "77 88 99 0C", "12 34 56 78 9A", "45 67 89 AC"),
        ("MVO", "12", "34", "42"),
        ("MVO", "FF FF FD", "1C", "00 01 CD"),
    ],
)
def test_byte_serial(op: str, first: str, second: str, result: str) -> None:
    assert run_pack(op, first, second) == h(result)


@pytest.mark.parametrize(
    ("op", "field", "offset", "length2", "result"),
    [
        ("PACK", "12", 0, 1, "21"),  # PACK X(1),X(1) exchanges the halves
        ("PACK", "F1 F2 F3 F4 F5", 0, 5, "00 00 12 34 5F"),  # pack in place
        ("MVO", "12 34 5C", 0, 2, "01 23 4C"),  # MVO X(3),X(2): shift right a digit
        ("UNPK", "12 3C 00 00", 0, 2, "F0 F1 F2 C3"),
        # The second operand one byte right of the first: storing the zoned 3
        # overwrites the source byte 12 before it is fetched.
        ("UNPK", "AA 12 34 5C", 1, 3, "F3 F3 F4 C5"),
    ],
)
def test_byte_serial_overlap(op: str, field: str, offset: int, length2: int, result: str) -> None:
    second = field.replace(" ", "")[2 * offset : 2 * (offset + length2)]
    assert run_pack(op, field, second, overlap=offset) == h(result)


def run_edit(pattern: str, source: str) -> tuple[bytes, decimal.EditResult]:
    """Edit `pattern` (at 0) with `source` (right after it)."""
    length = len(h(pattern))
    memory = Memory(pattern + source)
    outcome = decimal.edit(length, memory.fetch(0), memory.fetch(length), memory.store(0))
    return bytes(memory.data[:length]), outcome


MANUAL_PATTERN = "40 20 20 6B 20 20 21 4B 20 20 C3 D9"  # ' dd,dd(d.ddCR'


@pytest.mark.parametrize(
    ("pattern", "source", "result", "cc", "mark"),
    [
        # The manual's example: +2,574.26 edits to '  2,574.26  '
        (MANUAL_PATTERN, "02 57 42 6C", "40 40 F2 6B F5 F7 F4 4B F2 F6 40 40", 2, 2),
        # ... and negative keeps the CR message bytes
        (MANUAL_PATTERN, "02 57 42 6D", "40 40 F2 6B F5 F7 F4 4B F2 F6 C3 D9", 1, 2),
        # zero: the significance starter forces '.00'; plus sign turns it off
        (MANUAL_PATTERN, "00 00 00 0C", "40 40 40 40 40 40 40 4B F0 F0 40 40", 0, None),
        (MANUAL_PATTERN, "00 00 00 0D", "40 40 40 40 40 40 40 4B F0 F0 C3 D9", 0, None),
        (MANUAL_PATTERN, "00 00 12 3F", "40 40 40 40 40 40 F1 4B F2 F3 40 40", 2, 6),
        # asterisk fill
        ("5C 20 20 20 20 20", "00 12 3C", "5C 5C 5C F1 F2 F3", 2, 3),
        # the fill byte may itself be a digit selector
        ("20 20 20", "01 2C", "20 F1 F2", 2, 1),
        # no sign met: significance stays on, a nonzero result is "less than zero"
        ("40 20 20 20 20", "12 34", "40 F1 F2 F3 F4", 1, 1),
        # field separators: the condition code describes the last field only
        ("40 20 21 20 22 20 21 20", "12 3D 00 0C", "40 F1 F2 F3 40 40 40 F0", 0, 1),
        ("40 20 20 22 20 20", "12 3C 4D", "40 F1 F2 40 F3 F4", 1, 5),
        ("40 20 22", "1C", "40 F1 40", 0, 1),
        # significance forced by a starter records no mark
        ("40 21 20 20", "00 5C", "40 40 F0 F5", 2, None),
        # message bytes only: all become the fill, condition code 0
        ("4B 6B 4B", "", "4B 4B 4B", 0, None),
        # sign codes A (plus: significance off) and B (minus) in right halves
        ("40 20 20 40", "9A 8B", "40 F9 F8 40", 1, 2),
    ],
)
def test_edit(pattern: str, source: str, result: str, cc: int, mark: int | None) -> None:
    assert run_edit(pattern, source) == (h(result), decimal.EditResult(cc, mark))


def test_edit_invalid_left_digit_terminates_after_stored_bytes() -> None:
    memory = Memory("40 20 20 20 20" + "12 A4")
    with check_code(DATA):
        decimal.edit(5, memory.fetch(0), memory.fetch(5), memory.store(0))
    assert bytes(memory.data[:5]) == h("40 F1 F2 20 20")


def test_edit_fetches_only_the_source_it_needs() -> None:
    fetched: list[int] = []
    memory = Memory("40 20 20 4B 20" + "12 3C FF")

    def fetch_source(offset: int) -> int:
        fetched.append(offset)
        return memory.data[5 + offset]

    decimal.edit(5, memory.fetch(0), fetch_source, memory.store(0))
    assert fetched == [0, 1]


# --- properties -------------------------------------------------------------------



@st.composite
def packed_fields(draw: st.DrawFn, max_length: int = 16) -> bytes:
    """A valid packed field of 1 to `max_length` bytes, any valid sign code."""
    length = draw(st.integers(1, max_length))
    magnitude = draw(st.integers(0, 10 ** decimal.digit_count(length) - 1))
    sign = draw(st.sampled_from("abcdef"))
    return bytes.fromhex(f"{magnitude:0{decimal.digit_count(length)}d}{sign}")


def truncated(number: int, length: int) -> int:
    """`number` with the digits that do not fit in `length` bytes dropped."""
    kept = abs(number) % int(10 ** decimal.digit_count(length))
    return -kept if number < 0 else kept


@settings(max_examples=150, deadline=None)
@given(packed_fields(), packed_fields())
def test_add_subtract_compare_agree_with_integers(first: bytes, second: bytes) -> None:
    total = decimal.value(first) + decimal.value(second)
    field, cc = decimal.add(first, second)
    assert decimal.value(field) == truncated(total, len(first))
    fits = abs(total) < 10 ** decimal.digit_count(len(first))
    assert cc == (3 if not fits else 0 if total == 0 else 1 if total < 0 else 2)
    assert field[-1] & 0x0F in (0xC, 0xD)
    difference = decimal.subtract(first, second)
    assert decimal.value(difference.field) == truncated(
        decimal.value(first) - decimal.value(second), len(first))
    expected_cc = (decimal.value(first) > decimal.value(second)) - (
        decimal.value(first) < decimal.value(second))
    assert decimal.compare(first, second) == {0: 0, -1: 1, 1: 2}[expected_cc]


@settings(max_examples=150, deadline=None)
@given(packed_fields(), packed_fields(max_length=8))
def test_divide_then_multiply_gives_back_the_dividend(first: bytes, second: bytes) -> None:
    try:
        result = decimal.divide(first, second)
    except DecimalCheck as check:
        assert check.code in (SPECIFICATION, DECIMAL_DIVIDE)
        return
    split = len(first) - len(second)
    quotient, remainder = decimal.value(result[:split]), decimal.value(result[split:])
    dividend, divisor = decimal.value(first), decimal.value(second)
    assert abs(quotient) * abs(divisor) + abs(remainder) == abs(dividend)
    assert abs(remainder) < abs(divisor)


@settings(max_examples=150, deadline=None)
@given(st.binary(min_size=1, max_size=16), st.binary(min_size=1, max_size=16),
       st.integers(0, 63), st.integers(0, 15))
def test_any_bytes_give_a_result_or_a_decimal_check(first: bytes, second: bytes, shift: int,
                                                    rounding: int) -> None:
    operations: list[Callable[[], object]] = [
        lambda: decimal.add(first, second),
        lambda: decimal.zero_and_add(len(first), second),
        lambda: decimal.compare(first, second),
        lambda: decimal.multiply(first, second),
        lambda: decimal.divide(first, second),
        lambda: decimal.shift_and_round(first, shift, rounding),
        lambda: decimal.convert_to_binary(first),
    ]
    for operation in operations:
        try:
            operation()
        except DecimalCheck:
            pass


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=16), st.binary(min_size=1, max_size=16))
def test_whole_field_moves_match_the_byte_serial_ones(first: bytes, second: bytes) -> None:
    length1 = len(first)
    for op, whole in (
        ("PACK", decimal.pack_field(length1, second)),
        ("UNPK", decimal.unpack_field(length1, second)),
        ("MVO", decimal.move_with_offset_field(first, second)),
    ):
        assert run_pack(op, first.hex(), second.hex()) == whole, op
