"""General instructions: loads, stores, binary and logical arithmetic, comparison.

Models Principles of Operation (GA22-7000) chapter 7, "General Instructions"
(except branching, the storage-to-storage group and the shifts, which are in
``insn_branch.py`` and ``insn_storage.py``).  Registers hold unsigned 32-bit
values; signed arithmetic converts at the edges.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from server.machine import templates as t
from server.machine.isa import (
    FIXED_POINT_DIVIDE,
    FIXED_POINT_OVERFLOW,
    PM_FIXED_OVERFLOW,
    SPECIFICATION,
    Format,
    ProgramCheck,
    instruction,
)

if TYPE_CHECKING:
    from server.machine.cpu import CPU

M32 = 0xFFFFFFFF
SIGN = 0x80000000


def signed(value: int) -> int:
    return value - 0x100000000 if value & SIGN else value


def arith_cc(value: int) -> int:
    """CC for a signed 32-bit result held unsigned: 0 zero, 1 negative, 2 positive."""
    return 0 if value == 0 else 1 if value & SIGN else 2


def _overflow(cpu: CPU) -> None:
    cpu.cc = 3
    if cpu.pm & PM_FIXED_OVERFLOW:
        raise ProgramCheck(FIXED_POINT_OVERFLOW)


def add(cpu: CPU, r1: int, b: int) -> None:
    a = cpu.r[r1]
    s = (a + b) & M32
    cpu.r[r1] = s
    if (a ^ s) & (b ^ s) & SIGN:
        _overflow(cpu)
    else:
        cpu.cc = 0 if s == 0 else 1 if s & SIGN else 2


def subtract(cpu: CPU, r1: int, b: int) -> None:
    a = cpu.r[r1]
    s = (a - b) & M32
    cpu.r[r1] = s
    if (a ^ b) & (a ^ s) & SIGN:
        _overflow(cpu)
    else:
        cpu.cc = 0 if s == 0 else 1 if s & SIGN else 2


def add_logical(cpu: CPU, r1: int, b: int) -> None:
    s = cpu.r[r1] + b
    cpu.r[r1] = s & M32
    cpu.cc = (2 if s > M32 else 0) | (1 if s & M32 else 0)


def subtract_logical(cpu: CPU, r1: int, b: int) -> None:
    s = cpu.r[r1] + (~b & M32) + 1
    cpu.r[r1] = s & M32
    cpu.cc = (2 if s > M32 else 0) | (1 if s & M32 else 0)


def compare(cpu: CPU, a: int, b: int) -> None:
    a, b = signed(a), signed(b)
    cpu.cc = 0 if a == b else 1 if a < b else 2


def compare_logical(cpu: CPU, a: int, b: int) -> None:
    cpu.cc = 0 if a == b else 1 if a < b else 2


def halfword(value: int) -> int:
    """A halfword operand sign-extended to 32 bits (unsigned form)."""
    return value | 0xFFFF0000 if value & 0x8000 else value


# -- block-compiler templates for the multiple-register instructions ---------------

def _registers(fields: dict[str, Any]) -> list[int]:
    return [(fields["r1"] + i) % 16 for i in range((fields["r3"] - fields["r1"]) % 16 + 1)]


def _lm_template(fields: dict[str, Any]) -> str:
    registers = _registers(fields)
    last = 4 * len(registers) - 1
    loads = "\n".join(f"    r[{n}] = U32(mem, a + {4 * i})[0]" for i, n in enumerate(registers))
    return f"""a = {{ea2}}
if a + {last} < size{{F:a,{last}}}:
    keys[a >> 11] |= 4; keys[a + {last} >> 11] |= 4
{loads}
else:
    {{call}}
    @exit
"""


def _stm_template(fields: dict[str, Any]) -> str:
    registers = _registers(fields)
    last = 4 * len(registers) - 1
    stores = "\n".join(f"    P32(mem, a + {4 * i}, r[{n}])" for i, n in enumerate(registers))
    return f"""a = {{ea2}}
if a + {last} < size{{S:a,{last}}} and not lines[a >> 8] and not lines[a + {last} >> 8]:
    keys[a >> 11] |= 6; keys[a + {last} >> 11] |= 6
{stores}
else:
    {{call}}
    @exit
"""


# -- loads and stores -------------------------------------------------------------

@instruction(0x18, "LR", Format.RR, template="r[{r1}] = r[{r2}]")
def load_register(cpu: CPU, r1: int, r2: int) -> None:
    "18 LR - Load Register [RR]"
    cpu.r[r1] = cpu.r[r2]


@instruction(0x58, "L", Format.RX, template=t.fetch_word("r[{r1}]"))
def load(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "58 L - Load [RX]"
    r = cpu.r
    r[r1] = cpu.fetch4((r[x2] + r[b2] + d2) & 0xFFFFFF)


@instruction(0x48, "LH", Format.RX, template=t.with_half("r[{r1}] = b"))
def load_halfword(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "48 LH - Load Halfword [RX]"
    r = cpu.r
    r[r1] = halfword(cpu.fetch2((r[x2] + r[b2] + d2) & 0xFFFFFF))


@instruction(0x41, "LA", Format.RX, template="r[{r1}] = {ea2}")
def load_address(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "41 LA - Load Address [RX]"
    r = cpu.r
    r[r1] = (r[x2] + r[b2] + d2) & 0xFFFFFF


@instruction(0x50, "ST", Format.RX, template=t.store_word("r[{r1}]"))
def store(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "50 ST - Store [RX]"
    r = cpu.r
    cpu.store4((r[x2] + r[b2] + d2) & 0xFFFFFF, r[r1])


@instruction(0x40, "STH", Format.RX, template=t.store_half("r[{r1}] & 0xFFFF"))
def store_halfword(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "40 STH - Store Halfword [RX]"
    r = cpu.r
    cpu.store2((r[x2] + r[b2] + d2) & 0xFFFFFF, r[r1])


@instruction(0x42, "STC", Format.RX, template="""a = {ea2}
if a < size{S:a,0} and not lines[a >> 8]:
    keys[a >> 11] |= 6
    mem[a] = r[{r1}] & 0xFF
else:
    {call}
    @exit
""")
def store_character(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "42 STC - Store Character [RX]"
    r = cpu.r
    cpu.store1((r[x2] + r[b2] + d2) & 0xFFFFFF, r[r1])


@instruction(0x43, "IC", Format.RX, template="""a = {ea2}
if a < size{F:a,0}:
    keys[a >> 11] |= 4
    r[{r1}] = r[{r1}] & 0xFFFFFF00 | mem[a]
else:
    {call}
    @exit
""")
def insert_character(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "43 IC - Insert Character [RX]"
    r = cpu.r
    r[r1] = r[r1] & 0xFFFFFF00 | cpu.fetch1((r[x2] + r[b2] + d2) & 0xFFFFFF)


@instruction(0x12, "LTR", Format.RR, template="s = r[{r2}]\nr[{r1}] = s\n" + t.ARITH_CC)
def load_and_test_register(cpu: CPU, r1: int, r2: int) -> None:
    "12 LTR - Load and Test Register [RR]"
    value = cpu.r[r2]
    cpu.r[r1] = value
    cpu.cc = 0 if value == 0 else 1 if value & SIGN else 2


@instruction(0x13, "LCR", Format.RR)
def load_complement_register(cpu: CPU, r1: int, r2: int) -> None:
    "13 LCR - Load Complement Register [RR]"
    value = -cpu.r[r2] & M32
    cpu.r[r1] = value
    if value == SIGN:
        _overflow(cpu)
    else:
        cpu.cc = arith_cc(value)


@instruction(0x10, "LPR", Format.RR)
def load_positive_register(cpu: CPU, r1: int, r2: int) -> None:
    "10 LPR - Load Positive Register [RR]"
    value = cpu.r[r2]
    if value & SIGN:
        value = -value & M32
    cpu.r[r1] = value
    if value == SIGN:
        _overflow(cpu)
    else:
        cpu.cc = 0 if value == 0 else 2


@instruction(0x11, "LNR", Format.RR)
def load_negative_register(cpu: CPU, r1: int, r2: int) -> None:
    "11 LNR - Load Negative Register [RR]"
    value = cpu.r[r2]
    if value and not value & SIGN:
        value = -value & M32
    cpu.r[r1] = value
    cpu.cc = 0 if value == 0 else 1


@instruction(0x98, "LM", Format.RS, template=_lm_template)
def load_multiple(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    "98 LM - Load Multiple [RS]"
    count = (r3 - r1) % 16 + 1
    data = cpu.fetch((cpu.r[b2] + d2) & 0xFFFFFF, 4 * count)
    for i in range(count):
        cpu.r[(r1 + i) % 16] = int.from_bytes(data[4 * i : 4 * i + 4], "big")


@instruction(0x90, "STM", Format.RS, template=_stm_template)
def store_multiple(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    "90 STM - Store Multiple [RS]"
    count = (r3 - r1) % 16 + 1
    data = b"".join(cpu.r[(r1 + i) % 16].to_bytes(4, "big") for i in range(count))
    cpu.store((cpu.r[b2] + d2) & 0xFFFFFF, data)


@instruction(0xBF, "ICM", Format.RS, shape="r1,r3,d2(b2)")
def insert_characters_under_mask(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    "BF ICM - Insert Characters under Mask [RS]"
    count = bin(r3).count("1")
    if count == 0:
        cpu.cc = 0
        return
    data = cpu.fetch((cpu.r[b2] + d2) & 0xFFFFFF, count)
    value = cpu.r[r1]
    position = 0
    for byte_index in range(4):
        if r3 & (8 >> byte_index):
            shift = 24 - 8 * byte_index
            value = value & ~(0xFF << shift) & M32 | data[position] << shift
            position += 1
    cpu.r[r1] = value
    cpu.cc = 0 if not any(data) else 1 if data[0] & 0x80 else 2


@instruction(0xBE, "STCM", Format.RS)
def store_characters_under_mask(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    "BE STCM - Store Characters under Mask [RS]"
    value = cpu.r[r1].to_bytes(4, "big")
    data = bytes(value[i] for i in range(4) if r3 & (8 >> i))
    if data:
        cpu.store((cpu.r[b2] + d2) & 0xFFFFFF, data)


@instruction(0xBD, "CLM", Format.RS)
def compare_logical_under_mask(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    "BD CLM - Compare Logical Characters under Mask [RS]"
    value = cpu.r[r1].to_bytes(4, "big")
    selected = bytes(value[i] for i in range(4) if r3 & (8 >> i))
    if not selected:
        cpu.cc = 0
        return
    data = cpu.fetch((cpu.r[b2] + d2) & 0xFFFFFF, len(selected))
    cpu.cc = 0 if selected == data else 1 if selected < data else 2


# -- binary arithmetic ---------------------------------------------------------------

@instruction(0x1A, "AR", Format.RR, template=t.with_register(t.ADD))
def add_register(cpu: CPU, r1: int, r2: int) -> None:
    "1A AR - Add Register [RR]"
    add(cpu, r1, cpu.r[r2])


@instruction(0x5A, "A", Format.RX, template=t.with_word(t.ADD))
def add_storage(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "5A A - Add [RX]"
    r = cpu.r
    add(cpu, r1, cpu.fetch4((r[x2] + r[b2] + d2) & 0xFFFFFF))


@instruction(0x4A, "AH", Format.RX, template=t.with_half(t.ADD))
def add_halfword(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "4A AH - Add Halfword [RX]"
    r = cpu.r
    add(cpu, r1, halfword(cpu.fetch2((r[x2] + r[b2] + d2) & 0xFFFFFF)))


@instruction(0x1E, "ALR", Format.RR, template=t.with_register(t.ADD_LOGICAL))
def add_logical_register(cpu: CPU, r1: int, r2: int) -> None:
    "1E ALR - Add Logical Register [RR]"
    add_logical(cpu, r1, cpu.r[r2])


@instruction(0x5E, "AL", Format.RX, template=t.with_word(t.ADD_LOGICAL))
def add_logical_storage(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "5E AL - Add Logical [RX]"
    r = cpu.r
    add_logical(cpu, r1, cpu.fetch4((r[x2] + r[b2] + d2) & 0xFFFFFF))


@instruction(0x1B, "SR", Format.RR, template=t.with_register(t.SUBTRACT))
def subtract_register(cpu: CPU, r1: int, r2: int) -> None:
    "1B SR - Subtract Register [RR]"
    subtract(cpu, r1, cpu.r[r2])


@instruction(0x5B, "S", Format.RX, template=t.with_word(t.SUBTRACT))
def subtract_storage(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "5B S - Subtract [RX]"
    r = cpu.r
    subtract(cpu, r1, cpu.fetch4((r[x2] + r[b2] + d2) & 0xFFFFFF))


@instruction(0x4B, "SH", Format.RX, template=t.with_half(t.SUBTRACT))
def subtract_halfword(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "4B SH - Subtract Halfword [RX]"
    r = cpu.r
    subtract(cpu, r1, halfword(cpu.fetch2((r[x2] + r[b2] + d2) & 0xFFFFFF)))


@instruction(0x1F, "SLR", Format.RR, template=t.with_register(t.SUBTRACT_LOGICAL))
def subtract_logical_register(cpu: CPU, r1: int, r2: int) -> None:
    "1F SLR - Subtract Logical Register [RR]"
    subtract_logical(cpu, r1, cpu.r[r2])


@instruction(0x5F, "SL", Format.RX, template=t.with_word(t.SUBTRACT_LOGICAL))
def subtract_logical_storage(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "5F SL - Subtract Logical [RX]"
    r = cpu.r
    subtract_logical(cpu, r1, cpu.fetch4((r[x2] + r[b2] + d2) & 0xFFFFFF))


@instruction(0x19, "CR", Format.RR, template=t.with_register(t.COMPARE))
def compare_register(cpu: CPU, r1: int, r2: int) -> None:
    "19 CR - Compare Register [RR]"
    compare(cpu, cpu.r[r1], cpu.r[r2])


@instruction(0x59, "C", Format.RX, template=t.with_word(t.COMPARE))
def compare_storage(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "59 C - Compare [RX]"
    r = cpu.r
    compare(cpu, r[r1], cpu.fetch4((r[x2] + r[b2] + d2) & 0xFFFFFF))


@instruction(0x49, "CH", Format.RX, template=t.with_half(t.COMPARE))
def compare_halfword(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "49 CH - Compare Halfword [RX]"
    r = cpu.r
    compare(cpu, r[r1], halfword(cpu.fetch2((r[x2] + r[b2] + d2) & 0xFFFFFF)))


@instruction(0x15, "CLR", Format.RR, template=t.with_register(t.COMPARE_LOGICAL))
def compare_logical_register(cpu: CPU, r1: int, r2: int) -> None:
    "15 CLR - Compare Logical Register [RR]"
    compare_logical(cpu, cpu.r[r1], cpu.r[r2])


@instruction(0x55, "CL", Format.RX, template=t.with_word(t.COMPARE_LOGICAL))
def compare_logical_storage(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "55 CL - Compare Logical [RX]"
    r = cpu.r
    compare_logical(cpu, r[r1], cpu.fetch4((r[x2] + r[b2] + d2) & 0xFFFFFF))


def _multiply_pair(cpu: CPU, r1: int, operand: int) -> None:
    if r1 & 1:
        raise ProgramCheck(SPECIFICATION)
    product = signed(cpu.r[r1 + 1]) * signed(operand) & 0xFFFFFFFFFFFFFFFF
    cpu.r[r1] = product >> 32
    cpu.r[r1 + 1] = product & M32


@instruction(0x1C, "MR", Format.RR)
def multiply_register(cpu: CPU, r1: int, r2: int) -> None:
    "1C MR - Multiply Register [RR]"
    _multiply_pair(cpu, r1, cpu.r[r2])


@instruction(0x5C, "M", Format.RX)
def multiply(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "5C M - Multiply [RX]"
    if r1 & 1:
        raise ProgramCheck(SPECIFICATION)
    r = cpu.r
    _multiply_pair(cpu, r1, cpu.fetch4((r[x2] + r[b2] + d2) & 0xFFFFFF))


@instruction(0x4C, "MH", Format.RX)
def multiply_halfword(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "4C MH - Multiply Halfword [RX]"
    r = cpu.r
    operand = signed(halfword(cpu.fetch2((r[x2] + r[b2] + d2) & 0xFFFFFF)))
    r[r1] = signed(r[r1]) * operand & M32


def _divide_pair(cpu: CPU, r1: int, operand: int) -> None:
    if r1 & 1:
        raise ProgramCheck(SPECIFICATION)
    divisor = signed(operand)
    dividend = cpu.r[r1] << 32 | cpu.r[r1 + 1]
    if dividend >> 63:
        dividend -= 1 << 64
    if divisor == 0:
        raise ProgramCheck(FIXED_POINT_DIVIDE)
    quotient = abs(dividend) // abs(divisor)
    if (dividend < 0) != (divisor < 0):
        quotient = -quotient
    remainder = dividend - quotient * divisor
    if not -(1 << 31) <= quotient < 1 << 31:
        raise ProgramCheck(FIXED_POINT_DIVIDE)
    cpu.r[r1] = remainder & M32
    cpu.r[r1 + 1] = quotient & M32


@instruction(0x1D, "DR", Format.RR)
def divide_register(cpu: CPU, r1: int, r2: int) -> None:
    "1D DR - Divide Register [RR]"
    _divide_pair(cpu, r1, cpu.r[r2])


@instruction(0x5D, "D", Format.RX)
def divide(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "5D D - Divide [RX]"
    if r1 & 1:
        raise ProgramCheck(SPECIFICATION)
    r = cpu.r
    _divide_pair(cpu, r1, cpu.fetch4((r[x2] + r[b2] + d2) & 0xFFFFFF))


# -- logical operations -----------------------------------------------------------------

@instruction(0x14, "NR", Format.RR, template=t.with_register(t.logical("&")))
def and_register(cpu: CPU, r1: int, r2: int) -> None:
    "14 NR - And Register [RR]"
    value = cpu.r[r1] & cpu.r[r2]
    cpu.r[r1] = value
    cpu.cc = 1 if value else 0


@instruction(0x16, "OR", Format.RR, template=t.with_register(t.logical("|")))
def or_register(cpu: CPU, r1: int, r2: int) -> None:
    "16 OR - Or Register [RR]"
    value = cpu.r[r1] | cpu.r[r2]
    cpu.r[r1] = value
    cpu.cc = 1 if value else 0


@instruction(0x17, "XR", Format.RR, template=t.with_register(t.logical("^")))
def exclusive_or_register(cpu: CPU, r1: int, r2: int) -> None:
    "17 XR - Exclusive Or Register [RR]"
    value = cpu.r[r1] ^ cpu.r[r2]
    cpu.r[r1] = value
    cpu.cc = 1 if value else 0


@instruction(0x54, "N", Format.RX, template=t.with_word(t.logical("&")))
def and_storage(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "54 N - And [RX]"
    r = cpu.r
    value = r[r1] & cpu.fetch4((r[x2] + r[b2] + d2) & 0xFFFFFF)
    r[r1] = value
    cpu.cc = 1 if value else 0


@instruction(0x56, "O", Format.RX, template=t.with_word(t.logical("|")))
def or_storage(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "56 O - Or [RX]"
    r = cpu.r
    value = r[r1] | cpu.fetch4((r[x2] + r[b2] + d2) & 0xFFFFFF)
    r[r1] = value
    cpu.cc = 1 if value else 0


@instruction(0x57, "X", Format.RX, template=t.with_word(t.logical("^")))
def exclusive_or_storage(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "57 X - Exclusive Or [RX]"
    r = cpu.r
    value = r[r1] ^ cpu.fetch4((r[x2] + r[b2] + d2) & 0xFFFFFF)
    r[r1] = value
    cpu.cc = 1 if value else 0


@instruction(0x04, "SPM", Format.RR, shape="r1")
def set_program_mask(cpu: CPU, r1: int, r2: int) -> None:
    "04 SPM - Set Program Mask [RR]"
    value = cpu.r[r1]
    cpu.cc = value >> 28 & 3
    cpu.pm = value >> 24 & 15
