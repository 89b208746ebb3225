"""Shift instructions.

Models Principles of Operation (GA22-7000) chapter 7, "General Instructions":
SLL, SRL, SLDL, SRDL (logical), SLA, SRA, SLDA, SRDA (arithmetic; the sign
bit stays, a left shift that loses a bit unlike the sign is a fixed-point
overflow).  The shift amount is the low six bits of the second-operand
address; double shifts need an even R1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from server.machine.isa import (
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
M64 = 0xFFFFFFFFFFFFFFFF


def _amount(cpu: CPU, b2: int, d2: int) -> int:
    return (cpu.r[b2] + d2) & 63


def _pair(cpu: CPU, r1: int) -> int:
    if r1 & 1:
        raise ProgramCheck(SPECIFICATION)
    return cpu.r[r1] << 32 | cpu.r[r1 + 1]


def _set_pair(cpu: CPU, r1: int, value: int) -> None:
    cpu.r[r1] = value >> 32 & M32
    cpu.r[r1 + 1] = value & M32


def _signed_cc(value: int, bits: int) -> int:
    return 0 if value == 0 else 1 if value >> (bits - 1) else 2


def _shift_left_arithmetic(cpu: CPU, value: int, amount: int, bits: int) -> tuple[int, bool]:
    """Shift the numeric part left; set CC (3 on overflow); (result, overflowed)."""
    sign = value >> (bits - 1) & 1
    signed = value - (1 << bits) if sign else value
    shifted = signed << amount
    numeric_mask = (1 << (bits - 1)) - 1
    result = sign << (bits - 1) | shifted & numeric_mask
    if not -(1 << (bits - 1)) <= shifted < 1 << (bits - 1):
        cpu.cc = 3
        return result, True
    cpu.cc = _signed_cc(result, bits)
    return result, False


def _check_overflow(cpu: CPU, overflowed: bool) -> None:
    if overflowed and cpu.pm & PM_FIXED_OVERFLOW:
        raise ProgramCheck(FIXED_POINT_OVERFLOW)


@instruction(0x89, "SLL", Format.RS2,
             template="r[{r1}] = r[{r1}] << ({ea2} & 63) & 0xFFFFFFFF")
def shift_left_single_logical(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    "89 SLL - Shift Left Single Logical [RS]"
    cpu.r[r1] = cpu.r[r1] << _amount(cpu, b2, d2) & M32


@instruction(0x88, "SRL", Format.RS2, template="r[{r1}] = r[{r1}] >> ({ea2} & 63)")
def shift_right_single_logical(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    "88 SRL - Shift Right Single Logical [RS]"
    cpu.r[r1] = cpu.r[r1] >> _amount(cpu, b2, d2)


@instruction(0x8D, "SLDL", Format.RS2)
def shift_left_double_logical(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    "8D SLDL - Shift Left Double Logical [RS]"
    _set_pair(cpu, r1, _pair(cpu, r1) << _amount(cpu, b2, d2) & M64)


@instruction(0x8C, "SRDL", Format.RS2)
def shift_right_double_logical(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    "8C SRDL - Shift Right Double Logical [RS]"
    _set_pair(cpu, r1, _pair(cpu, r1) >> _amount(cpu, b2, d2))


@instruction(0x8B, "SLA", Format.RS2)
def shift_left_single(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    "8B SLA - Shift Left Single [RS]"
    result, overflowed = _shift_left_arithmetic(cpu, cpu.r[r1], _amount(cpu, b2, d2), 32)
    cpu.r[r1] = result
    _check_overflow(cpu, overflowed)


@instruction(0x8A, "SRA", Format.RS2)
def shift_right_single(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    "8A SRA - Shift Right Single [RS]"
    value = cpu.r[r1]
    signed = value - (1 << 32) if value >> 31 else value
    result = (signed >> _amount(cpu, b2, d2)) & M32
    cpu.r[r1] = result
    cpu.cc = _signed_cc(result, 32)


@instruction(0x8F, "SLDA", Format.RS2)
def shift_left_double(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    "8F SLDA - Shift Left Double [RS]"
    value = _pair(cpu, r1)
    result, overflowed = _shift_left_arithmetic(cpu, value, _amount(cpu, b2, d2), 64)
    _set_pair(cpu, r1, result)
    _check_overflow(cpu, overflowed)


@instruction(0x8E, "SRDA", Format.RS2)
def shift_right_double(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    "8E SRDA - Shift Right Double [RS]"
    value = _pair(cpu, r1)
    signed = value - (1 << 64) if value >> 63 else value
    result = (signed >> _amount(cpu, b2, d2)) & M64
    _set_pair(cpu, r1, result)
    cpu.cc = _signed_cc(result, 64)
