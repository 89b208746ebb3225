"""The decimal instructions and the decimal conversions of the System/370.

Models IBM System/370 Principles of Operation (GA22-7000-10) chapter 8,
"Decimal Instructions" (AP, CP, DP, ED, EDMK, MP, SRP, SP, ZAP), and from
chapter 7, "General Instructions", CVB, CVD, MVO, PACK and UNPK. The
semantics live in ``decimal.py``, whose exceptions are program checks; this
module fetches and stores the operands through the CPU (DAT, keys,
addressing) and sets the condition code.

Exception handling, per the manual:

* Specification (MP, DP lengths) is recognized before any operand is touched.
* Access exceptions are recognized on every byte of every operand before
  anything is stored, so they suppress the arithmetic instructions; so do
  data and decimal-divide exceptions (nothing is stored, the CC is kept).
* Decimal overflow completes the instruction: the truncated result is stored
  and CC 3 set, and the interruption is taken only when the decimal-overflow
  bit of the program mask is one.
* CVB out of range completes with the rightmost 32 bits in the register and
  then a fixed-point-divide interruption (not maskable).
* ED and EDMK are terminated by an invalid source digit after storing the
  result bytes already edited.
* PACK, UNPK and MVO are byte-serial right to left, so overlapping operands
  behave as the manual defines; when the operands do not overlap they are
  done on the whole fields and stored at once, with the same result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from server.machine import decimal
from server.machine import templates as t
from server.machine.isa import (
    DECIMAL_OVERFLOW,
    FIXED_POINT_DIVIDE,
    PM_DECIMAL_OVERFLOW,
    Format,
    ProgramCheck,
    instruction,
)

if TYPE_CHECKING:
    from server.machine.cpu import CPU

ADDRESS_MASK = 0xFFFFFF


def _factor_template(product: str) -> Callable[[dict[str, Any]], str]:
    """MP: a length specification exception is left to the function."""
    def template(fields: dict[str, Any]) -> str:
        if fields["l2"] > 7 or fields["l2"] >= fields["l1"]:
            return t.CALL
        return t.decimal_product(product)
    return template


CVB_TEMPLATE = """a = {ea2}
if a <= lim8{F:a,7}:
    keys[a >> 11] |= 4; keys[a + 7 >> 11] |= 4
    s = decimal.convert_to_binary(mem[a:a + 8])
    r[{r1}] = s[0]
    if s[1]:
        raise ProgramCheck(9)
else:
    {call}
    @exit
"""
CVD_TEMPLATE = """a = {ea2}
if a <= lim8{S:a,7} and not lines[a >> 8] and not lines[a + 7 >> 8]:
    keys[a >> 11] |= 6; keys[a + 7 >> 11] |= 6
    mem[a:a + 8] = decimal.convert_to_decimal(r[{r1}])
else:
    {call}
    @exit
"""


def _check_store(cpu: CPU, address: int, length: int) -> None:
    """Validate a whole operand for storing before anything is stored, so that
    an access exception suppresses the instruction. With key 0, no DAT, no
    low-address protection and the operand inside storage nothing can fail,
    and the check is skipped."""
    if cpu.key or not cpu.fast or address + length > cpu.size:
        cpu.check(address, length, True)


def _complete(cpu: CPU, address: int, result: decimal.Result) -> None:
    """Store a result, set the CC, and take decimal overflow if enabled."""
    cpu.store(address, result.field)
    cpu.cc = result.cc
    if result.cc == 3 and cpu.pm & PM_DECIMAL_OVERFLOW:
        raise ProgramCheck(DECIMAL_OVERFLOW)


def _operands(cpu: CPU, l1: int, l2: int, b1: int, d1: int, b2: int,
              d2: int) -> tuple[int, bytes, bytes]:
    """Address of operand 1, and both operands fetched, with operand 1 also
    validated for store (AP, SP, MP, DP)."""
    address1 = (cpu.r[b1] + d1) & ADDRESS_MASK
    address2 = (cpu.r[b2] + d2) & ADDRESS_MASK
    first = cpu.fetch(address1, l1 + 1)
    second = cpu.fetch(address2, l2 + 1)
    _check_store(cpu, address1, l1 + 1)
    return address1, first, second


@instruction(0xFA, "AP", Format.SS2, template=t.decimal_result("decimal.add(x, y)"))
def add_decimal(cpu: CPU, l1: int, l2: int, b1: int, d1: int, b2: int, d2: int) -> None:
    "FA AP - Add Decimal [SS]"
    address1, first, second = _operands(cpu, l1, l2, b1, d1, b2, d2)
    _complete(cpu, address1, decimal.add(first, second))


@instruction(0xFB, "SP", Format.SS2, template=t.decimal_result("decimal.subtract(x, y)"))
def subtract_decimal(cpu: CPU, l1: int, l2: int, b1: int, d1: int, b2: int, d2: int) -> None:
    "FB SP - Subtract Decimal [SS]"
    address1, first, second = _operands(cpu, l1, l2, b1, d1, b2, d2)
    _complete(cpu, address1, decimal.subtract(first, second))


@instruction(0xF8, "ZAP", Format.SS2,
             template=t.decimal_result("decimal.zero_and_add({l1} + 1, y)", fetch_first=False))
def zero_and_add(cpu: CPU, l1: int, l2: int, b1: int, d1: int, b2: int, d2: int) -> None:
    "F8 ZAP - Zero and Add [SS]"
    address1 = (cpu.r[b1] + d1) & ADDRESS_MASK
    second = cpu.fetch((cpu.r[b2] + d2) & ADDRESS_MASK, l2 + 1)
    _check_store(cpu, address1, l1 + 1)
    _complete(cpu, address1, decimal.zero_and_add(l1 + 1, second))


@instruction(0xF9, "CP", Format.SS2, template=t.decimal_compare("decimal.compare(x, y)"))
def compare_decimal(cpu: CPU, l1: int, l2: int, b1: int, d1: int, b2: int, d2: int) -> None:
    "F9 CP - Compare Decimal [SS]"
    first = cpu.fetch((cpu.r[b1] + d1) & ADDRESS_MASK, l1 + 1)
    second = cpu.fetch((cpu.r[b2] + d2) & ADDRESS_MASK, l2 + 1)
    cpu.cc = decimal.compare(first, second)


def _factor_operands(cpu: CPU, l1: int, l2: int, b1: int, d1: int, b2: int,
                     d2: int) -> tuple[int, bytes, bytes]:
    """MP and DP: the length specification first, then the operands."""
    decimal.check_factor_lengths(l1 + 1, l2 + 1)
    return _operands(cpu, l1, l2, b1, d1, b2, d2)


@instruction(0xFC, "MP", Format.SS2, template=_factor_template("decimal.multiply(x, y)"))
def multiply_decimal(cpu: CPU, l1: int, l2: int, b1: int, d1: int, b2: int, d2: int) -> None:
    "FC MP - Multiply Decimal [SS]"
    address1, first, second = _factor_operands(cpu, l1, l2, b1, d1, b2, d2)
    cpu.store(address1, decimal.multiply(first, second))


@instruction(0xFD, "DP", Format.SS2, template=t.CALL)
def divide_decimal(cpu: CPU, l1: int, l2: int, b1: int, d1: int, b2: int, d2: int) -> None:
    "FD DP - Divide Decimal [SS]"
    address1, first, second = _factor_operands(cpu, l1, l2, b1, d1, b2, d2)
    cpu.store(address1, decimal.divide(first, second))


@instruction(0xF0, "SRP", Format.SS2, shape="d1(l1,b1),d2(b2),l2", template=t.CALL)
def shift_and_round_decimal(cpu: CPU, l1: int, i3: int, b1: int, d1: int, b2: int,
                            d2: int) -> None:
    "F0 SRP - Shift and Round Decimal [SS]"
    address1 = (cpu.r[b1] + d1) & ADDRESS_MASK
    shift = cpu.r[b2] + d2  # only the rightmost six bits count
    first = cpu.fetch(address1, l1 + 1)
    _check_store(cpu, address1, l1 + 1)
    _complete(cpu, address1, decimal.shift_and_round(first, shift, i3))


# --- conversions ---------------------------------------------------------------


@instruction(0x4F, "CVB", Format.RX, template=CVB_TEMPLATE)
def convert_to_binary(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "4F CVB - Convert to Binary [RX]"
    field = cpu.fetch((cpu.r[x2] + cpu.r[b2] + d2) & ADDRESS_MASK, 8)
    register, out_of_range = decimal.convert_to_binary(field)
    cpu.r[r1] = register
    if out_of_range:
        raise ProgramCheck(FIXED_POINT_DIVIDE)


@instruction(0x4E, "CVD", Format.RX, template=CVD_TEMPLATE)
def convert_to_decimal(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "4E CVD - Convert to Decimal [RX]"
    address = (cpu.r[x2] + cpu.r[b2] + d2) & ADDRESS_MASK
    cpu.store(address, decimal.convert_to_decimal(cpu.r[r1]))


# --- byte-serial moves ---------------------------------------------------------

Serial = Callable[[int, int, decimal.Fetch, decimal.Fetch, decimal.Store], None]
Whole = Callable[["CPU", int, int, bytes], bytes]  # (cpu, address1, length1, second)


def _overlap(address1: int, length1: int, address2: int, length2: int) -> bool:
    """True when two operands (wrapping at 2**24) share a byte."""
    return ((address2 - address1) & ADDRESS_MASK) < length1 or \
        ((address1 - address2) & ADDRESS_MASK) < length2


def _byte_serial(cpu: CPU, serial: Serial, whole: Whole, l1: int, l2: int, b1: int, d1: int,
                 b2: int, d2: int) -> None:
    """PACK, UNPK, MVO: overlapping operands are validated and then done byte
    by byte, right to left, in storage; others are done on the whole fields."""
    address1 = (cpu.r[b1] + d1) & ADDRESS_MASK
    address2 = (cpu.r[b2] + d2) & ADDRESS_MASK
    length1, length2 = l1 + 1, l2 + 1
    if _overlap(address1, length1, address2, length2):
        cpu.check(address2, length2, False)
        _check_store(cpu, address1, length1)
        serial(length1, length2,
               lambda offset: cpu.fetch1((address1 + offset) & ADDRESS_MASK),
               lambda offset: cpu.fetch1((address2 + offset) & ADDRESS_MASK),
               lambda offset, byte: cpu.store1((address1 + offset) & ADDRESS_MASK, byte))
        return
    result = whole(cpu, address1, length1, cpu.fetch(address2, length2))
    _check_store(cpu, address1, length1)
    cpu.store(address1, result)


def _pack(length1: int, length2: int, fetch1: decimal.Fetch, fetch2: decimal.Fetch,
          store1: decimal.Store) -> None:
    decimal.pack(length1, length2, fetch2, store1)


def _unpack(length1: int, length2: int, fetch1: decimal.Fetch, fetch2: decimal.Fetch,
            store1: decimal.Store) -> None:
    decimal.unpack(length1, length2, fetch2, store1)


def _pack_whole(cpu: CPU, address1: int, length1: int, second: bytes) -> bytes:
    return decimal.pack_field(length1, second)


def _unpack_whole(cpu: CPU, address1: int, length1: int, second: bytes) -> bytes:
    return decimal.unpack_field(length1, second)


def _move_with_offset_whole(cpu: CPU, address1: int, length1: int, second: bytes) -> bytes:
    return decimal.move_with_offset_field(cpu.fetch(address1, length1), second)


@instruction(0xF1, "MVO", Format.SS2,
             template=t.decimal_move("decimal.move_with_offset_field(x, y)", fetch_first=True))
def move_with_offset(cpu: CPU, l1: int, l2: int, b1: int, d1: int, b2: int, d2: int) -> None:
    "F1 MVO - Move with Offset [SS]"
    _byte_serial(cpu, decimal.move_with_offset, _move_with_offset_whole, l1, l2, b1, d1, b2,
                 d2)


@instruction(0xF2, "PACK", Format.SS2,
             template=t.decimal_move("decimal.pack_field({l1} + 1, y)", fetch_first=False))
def pack(cpu: CPU, l1: int, l2: int, b1: int, d1: int, b2: int, d2: int) -> None:
    "F2 PACK - Pack [SS]"
    _byte_serial(cpu, _pack, _pack_whole, l1, l2, b1, d1, b2, d2)


@instruction(0xF3, "UNPK", Format.SS2,
             template=t.decimal_move("decimal.unpack_field({l1} + 1, y)", fetch_first=False))
def unpack(cpu: CPU, l1: int, l2: int, b1: int, d1: int, b2: int, d2: int) -> None:
    "F3 UNPK - Unpack [SS]"
    _byte_serial(cpu, _unpack, _unpack_whole, l1, l2, b1, d1, b2, d2)


# --- editing -------------------------------------------------------------------


def _edit(cpu: CPU, l: int, b1: int, d1: int, b2: int, d2: int) -> int | None:
    """ED and EDMK: edit, set the CC, and return the address EDMK marks."""
    address1 = (cpu.r[b1] + d1) & ADDRESS_MASK
    address2 = (cpu.r[b2] + d2) & ADDRESS_MASK
    length = l + 1
    pattern = cpu.fetch(address1, length)
    _check_store(cpu, address1, length)
    result = bytearray(pattern)

    def fetch_source(offset: int) -> int:
        source = (address2 + offset) & ADDRESS_MASK
        if ((source - address1) & ADDRESS_MASK) < length:
            return result[(source - address1) & ADDRESS_MASK]  # overlap: edited so far
        return cpu.fetch1(source)

    try:
        outcome = decimal.edit(length, pattern.__getitem__, fetch_source, result.__setitem__)
    except decimal.DecimalCheck as check:
        cpu.store(address1, bytes(result))  # terminated: the bytes edited so far
        raise ProgramCheck(check.code) from None  # (a plain one, as before)
    cpu.store(address1, bytes(result))
    cpu.cc = outcome.cc
    return None if outcome.mark is None else (address1 + outcome.mark) & ADDRESS_MASK


@instruction(0xDE, "ED", Format.SS1, template=t.CALL)
def edit(cpu: CPU, l: int, b1: int, d1: int, b2: int, d2: int) -> None:
    "DE ED - Edit [SS]"
    _edit(cpu, l, b1, d1, b2, d2)


@instruction(0xDF, "EDMK", Format.SS1, template=t.call_changing("1"))
def edit_and_mark(cpu: CPU, l: int, b1: int, d1: int, b2: int, d2: int) -> None:
    "DF EDMK - Edit and Mark [SS]"
    mark = _edit(cpu, l, b1, d1, b2, d2)
    if mark is not None:
        cpu.r[1] = (cpu.r[1] & 0xFF000000) | mark
