"""The hexadecimal floating-point instructions (opcodes 20-3F, 60-7F).

Models *IBM System/370 Principles of Operation* (GA22-7000), chapter
"Floating-Point Instructions"; the arithmetic itself is in :mod:`hfp`.
Register fields must name floating-point register 0, 2, 4 or 6, and 0 or 4
for an extended operand (a register pair n, n+2); otherwise a specification
exception suppresses the instruction before any operand is fetched.  Storage
operands need no alignment: the byte-oriented-operand facility is standard
on System/370 (GA22-7000, "Byte-Oriented-Operand Facility").

Exponent overflow, exponent underflow and significance complete the
instruction (result and condition code are set) and then interrupt;
floating-point divide suppresses it.  Short operands occupy the left half of
a register; a short result leaves the right half unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from server.machine import hfp
from server.machine import templates as t
from server.machine.hfp import EXTENDED, LONG, SHORT, HfpResult
from server.machine.isa import SPECIFICATION, Format, ProgramCheck, instruction

if TYPE_CHECKING:
    from server.machine.cpu import CPU

_LOW32 = 0xFFFFFFFF
_LOW64 = 0xFFFFFFFFFFFFFFFF


# --- operand access -------------------------------------------------------------------------


def _fp(register: int) -> int:
    """A register field that must name FPR 0, 2, 4 or 6."""
    if register & 0b1001:
        raise ProgramCheck(SPECIFICATION)
    return register


def _xp(register: int) -> int:
    """A register field that must name an extended pair, FPR 0 or 4."""
    if register & 0b1011:
        raise ProgramCheck(SPECIFICATION)
    return register


def _short(cpu: CPU, register: int) -> int:
    return int(cpu.fpr[register] >> 32)


def _set_short(cpu: CPU, register: int, value: int) -> None:
    cpu.fpr[register] = value << 32 | cpu.fpr[register] & _LOW32


def _extended(cpu: CPU, register: int) -> int:
    return int(cpu.fpr[register] << 64 | cpu.fpr[register + 2])


def _set_extended(cpu: CPU, register: int, value: int) -> None:
    cpu.fpr[register] = value >> 64
    cpu.fpr[register + 2] = value & _LOW64


def _address(cpu: CPU, x2: int, b2: int, d2: int) -> int:
    return int(cpu.r[x2] + cpu.r[b2] + d2) & 0xFFFFFF


def _signal(result: HfpResult) -> None:
    if result.code:
        raise ProgramCheck(result.code)


# --- block-compiler templates --------------------------------------------------------------
#
# The hot RX instructions fetch or store their operand inline and call the same
# ``hfp`` function as the bodies below; an invalid register field is left to the
# interpreter function (a specification exception).


def _fp_template(text: str) -> Callable[[dict[str, Any]], str]:
    def template(fields: dict[str, Any]) -> str:
        return t.CALL if fields["r1"] & 9 else text
    return template


def _long_template(operation: str) -> Callable[[dict[str, Any]], str]:
    """AD/SD: as ``_long``."""
    return _fp_template(t.with_long(f"""s, cpu.cc, x = {operation}(fpr[{{r1}}], b, {LONG}, cpu.pm)
fpr[{{r1}}] = s
if x:
    raise ProgramCheck(x)"""))


def _register_template(text: str) -> Callable[[dict[str, Any]], str]:
    def template(fields: dict[str, Any]) -> str:
        return t.CALL if (fields["r1"] | fields["r2"]) & 9 else text
    return template


def _long_register_template(operation: str) -> Callable[[dict[str, Any]], str]:
    """ADR/SDR: as ``_long``."""
    return _register_template(f"""\
s, cpu.cc, x = {operation}(fpr[{{r1}}], fpr[{{r2}}], {LONG}, cpu.pm)
fpr[{{r1}}] = s
if x:
    raise ProgramCheck(x)""")


def _short_register_template(operation: str) -> Callable[[dict[str, Any]], str]:
    """AER/SER: as ``_short_op``."""
    return _register_template(f"""\
s, cpu.cc, x = {operation}(fpr[{{r1}}] >> 32, fpr[{{r2}}] >> 32, {SHORT}, cpu.pm)
fpr[{{r1}}] = s << 32 | fpr[{{r1}}] & 0xFFFFFFFF
if x:
    raise ProgramCheck(x)""")


MD_TEMPLATE = _fp_template(t.with_long(f"""\
s, _, x = hfp.multiply(fpr[{{r1}}], b, {LONG}, {LONG}, cpu.pm)
if x == {hfp.FLOATING_POINT_DIVIDE}:
    raise ProgramCheck(x)
fpr[{{r1}}] = s
if x:
    raise ProgramCheck(x)"""))


# --- shared instruction bodies ----------------------------------------------------------------
#
# The arithmetic instructions check their register fields inline and compute the
# operand address themselves, then call one body below: they are the hot ones, and
# every Python call saved counts.

Arithmetic = Callable[[int, int, int, int], HfpResult]
_add_unnormalized: Arithmetic = partial(hfp.add, normalize=False)
_sub_unnormalized: Arithmetic = partial(hfp.subtract, normalize=False)


def _multiply(first: int, second: int, digits: int, mask: int) -> HfpResult:
    return hfp.multiply(first, second, digits, digits, mask)


def _extended_arith(cpu: CPU, r1: int, r2: int, operation: Arithmetic) -> None:
    """AXR/SXR: both fields name pairs; the condition code is set."""
    result = operation(_extended(cpu, _xp(r1)), _extended(cpu, _xp(r2)), EXTENDED, cpu.pm)
    _set_extended(cpu, r1, result.value)
    cpu.cc = result.cc
    _signal(result)


def _multiply_long_to_extended(cpu: CPU, r1: int, second: int) -> None:
    """MXDR/MXD: long operands, extended product in the pair R1 (already checked)."""
    result = hfp.multiply(cpu.fpr[r1], second, LONG, EXTENDED, cpu.pm)
    _set_extended(cpu, r1, result.value)
    _signal(result)


def _sign_short(cpu: CPU, r1: int, r2: int, operation: Callable[[int, int], HfpResult]) -> None:
    """LTER/LCER/LPER/LNER: the left half of R2 to R1 with the sign set, and the CC."""
    result = operation(_short(cpu, _fp(r2)), SHORT)
    _set_short(cpu, _fp(r1), result.value)
    cpu.cc = result.cc


def _sign_long(cpu: CPU, r1: int, r2: int, operation: Callable[[int, int], HfpResult]) -> None:
    """LTDR/LCDR/LPDR/LNDR: R2 to R1 with the sign set, and the CC."""
    result = operation(cpu.fpr[_fp(r2)], LONG)
    cpu.fpr[_fp(r1)] = result.value
    cpu.cc = result.cc


def _long(cpu: CPU, r1: int, second: int, operation: Arithmetic) -> None:
    """Long add/subtract into R1 (already checked), setting the CC."""
    value, cc, code = operation(cpu.fpr[r1], second, LONG, cpu.pm)
    cpu.fpr[r1] = value
    cpu.cc = cc
    if code:
        raise ProgramCheck(code)


def _long_nocc(cpu: CPU, r1: int, second: int, operation: Arithmetic) -> None:
    """Long multiply/divide into R1 (already checked); divide by zero suppresses."""
    value, _, code = operation(cpu.fpr[r1], second, LONG, cpu.pm)
    if code == hfp.FLOATING_POINT_DIVIDE:
        raise ProgramCheck(code)
    cpu.fpr[r1] = value
    if code:
        raise ProgramCheck(code)


def _short_op(cpu: CPU, r1: int, second: int, operation: Arithmetic) -> None:
    """Short add/subtract into the left half of R1 (already checked), setting the CC."""
    fpr = cpu.fpr
    old = fpr[r1]
    value, cc, code = operation(old >> 32, second, SHORT, cpu.pm)
    fpr[r1] = value << 32 | old & _LOW32
    cpu.cc = cc
    if code:
        raise ProgramCheck(code)


def _short_nocc(cpu: CPU, r1: int, second: int, operation: Arithmetic) -> None:
    """Short divide into the left half of R1 (already checked); divide by zero suppresses."""
    fpr = cpu.fpr
    old = fpr[r1]
    value, _, code = operation(old >> 32, second, SHORT, cpu.pm)
    if code == hfp.FLOATING_POINT_DIVIDE:
        raise ProgramCheck(code)
    fpr[r1] = value << 32 | old & _LOW32
    if code:
        raise ProgramCheck(code)


def _short_multiply(cpu: CPU, r1: int, second: int) -> None:
    """MER/ME: short operands, long product in the whole of R1 (already checked)."""
    value, _, code = hfp.multiply(cpu.fpr[r1] >> 32, second, SHORT, LONG, cpu.pm)
    cpu.fpr[r1] = value
    if code:
        raise ProgramCheck(code)


# --- RR, long operands (20-2F) ----------------------------------------------------------------


@instruction(0x20, "LPDR", Format.RR, template=t.CALL)
def load_positive_long_register(cpu: CPU, r1: int, r2: int) -> None:
    "20 LPDR - Load Positive (long) [RR]"
    _sign_long(cpu, r1, r2, hfp.load_positive)


@instruction(0x21, "LNDR", Format.RR, template=t.CALL)
def load_negative_long_register(cpu: CPU, r1: int, r2: int) -> None:
    "21 LNDR - Load Negative (long) [RR]"
    _sign_long(cpu, r1, r2, hfp.load_negative)


@instruction(0x22, "LTDR", Format.RR, template=t.CALL)
def load_and_test_long_register(cpu: CPU, r1: int, r2: int) -> None:
    "22 LTDR - Load and Test (long) [RR]"
    _sign_long(cpu, r1, r2, hfp.load_and_test)


@instruction(0x23, "LCDR", Format.RR, template=t.CALL)
def load_complement_long_register(cpu: CPU, r1: int, r2: int) -> None:
    "23 LCDR - Load Complement (long) [RR]"
    _sign_long(cpu, r1, r2, hfp.load_complement)


@instruction(0x24, "HDR", Format.RR, template=t.CALL)
def halve_long_register(cpu: CPU, r1: int, r2: int) -> None:
    "24 HDR - Halve (long) [RR]"
    result = hfp.halve(cpu.fpr[_fp(r2)], LONG, cpu.pm)
    cpu.fpr[_fp(r1)] = result.value
    _signal(result)


@instruction(0x25, "LRDR", Format.RR, template=t.CALL)
def load_rounded_extended_to_long_register(cpu: CPU, r1: int, r2: int) -> None:
    "25 LRDR - Load Rounded (extended to long) [RR]"
    _fp(r1)
    result = hfp.load_rounded(_extended(cpu, _xp(r2)), EXTENDED)
    cpu.fpr[r1] = result.value
    _signal(result)


@instruction(0x26, "MXR", Format.RR, template=t.CALL)
def multiply_extended_register(cpu: CPU, r1: int, r2: int) -> None:
    "26 MXR - Multiply (extended) [RR]"
    first, second = _extended(cpu, _xp(r1)), _extended(cpu, _xp(r2))
    result = hfp.multiply(first, second, EXTENDED, EXTENDED, cpu.pm)
    _set_extended(cpu, r1, result.value)
    _signal(result)


@instruction(0x27, "MXDR", Format.RR, template=t.CALL)
def multiply_long_to_extended_register(cpu: CPU, r1: int, r2: int) -> None:
    "27 MXDR - Multiply (long to extended) [RR]"
    _xp(r1)
    _multiply_long_to_extended(cpu, r1, cpu.fpr[_fp(r2)])


@instruction(0x28, "LDR", Format.RR, template=_register_template("fpr[{r1}] = fpr[{r2}]"))
def load_long_register(cpu: CPU, r1: int, r2: int) -> None:
    "28 LDR - Load (long) [RR]"
    cpu.fpr[_fp(r1)] = cpu.fpr[_fp(r2)]


@instruction(0x29, "CDR", Format.RR, template=t.CALL)
def compare_long_register(cpu: CPU, r1: int, r2: int) -> None:
    "29 CDR - Compare (long) [RR]"
    cpu.cc = hfp.compare(cpu.fpr[_fp(r1)], cpu.fpr[_fp(r2)], LONG)


@instruction(0x2A, "ADR", Format.RR, template=_long_register_template("hfp.add"))
def add_normalized_long_register(cpu: CPU, r1: int, r2: int) -> None:
    "2A ADR - Add Normalized (long) [RR]"
    if (r1 | r2) & 9:
        raise ProgramCheck(SPECIFICATION)
    _long(cpu, r1, cpu.fpr[r2], hfp.add)


@instruction(0x2B, "SDR", Format.RR, template=_long_register_template("hfp.subtract"))
def subtract_normalized_long_register(cpu: CPU, r1: int, r2: int) -> None:
    "2B SDR - Subtract Normalized (long) [RR]"
    if (r1 | r2) & 9:
        raise ProgramCheck(SPECIFICATION)
    _long(cpu, r1, cpu.fpr[r2], hfp.subtract)


@instruction(0x2C, "MDR", Format.RR, template=t.CALL)
def multiply_long_register(cpu: CPU, r1: int, r2: int) -> None:
    "2C MDR - Multiply (long) [RR]"
    if (r1 | r2) & 9:
        raise ProgramCheck(SPECIFICATION)
    _long_nocc(cpu, r1, cpu.fpr[r2], _multiply)


@instruction(0x2D, "DDR", Format.RR, template=t.CALL)
def divide_long_register(cpu: CPU, r1: int, r2: int) -> None:
    "2D DDR - Divide (long) [RR]"
    if (r1 | r2) & 9:
        raise ProgramCheck(SPECIFICATION)
    _long_nocc(cpu, r1, cpu.fpr[r2], hfp.divide)


@instruction(0x2E, "AWR", Format.RR, template=t.CALL)
def add_unnormalized_long_register(cpu: CPU, r1: int, r2: int) -> None:
    "2E AWR - Add Unnormalized (long) [RR]"
    if (r1 | r2) & 9:
        raise ProgramCheck(SPECIFICATION)
    _long(cpu, r1, cpu.fpr[r2], _add_unnormalized)


@instruction(0x2F, "SWR", Format.RR, template=t.CALL)
def subtract_unnormalized_long_register(cpu: CPU, r1: int, r2: int) -> None:
    "2F SWR - Subtract Unnormalized (long) [RR]"
    if (r1 | r2) & 9:
        raise ProgramCheck(SPECIFICATION)
    _long(cpu, r1, cpu.fpr[r2], _sub_unnormalized)


# --- RR, short operands (30-3F) ---------------------------------------------------------------


@instruction(0x30, "LPER", Format.RR, template=t.CALL)
def load_positive_short_register(cpu: CPU, r1: int, r2: int) -> None:
    "30 LPER - Load Positive (short) [RR]"
    _sign_short(cpu, r1, r2, hfp.load_positive)


@instruction(0x31, "LNER", Format.RR, template=t.CALL)
def load_negative_short_register(cpu: CPU, r1: int, r2: int) -> None:
    "31 LNER - Load Negative (short) [RR]"
    _sign_short(cpu, r1, r2, hfp.load_negative)


@instruction(0x32, "LTER", Format.RR, template=t.CALL)
def load_and_test_short_register(cpu: CPU, r1: int, r2: int) -> None:
    "32 LTER - Load and Test (short) [RR]"
    _sign_short(cpu, r1, r2, hfp.load_and_test)


@instruction(0x33, "LCER", Format.RR, template=t.CALL)
def load_complement_short_register(cpu: CPU, r1: int, r2: int) -> None:
    "33 LCER - Load Complement (short) [RR]"
    _sign_short(cpu, r1, r2, hfp.load_complement)


@instruction(0x34, "HER", Format.RR, template=t.CALL)
def halve_short_register(cpu: CPU, r1: int, r2: int) -> None:
    "34 HER - Halve (short) [RR]"
    result = hfp.halve(_short(cpu, _fp(r2)), SHORT, cpu.pm)
    _set_short(cpu, _fp(r1), result.value)
    _signal(result)


@instruction(0x35, "LRER", Format.RR, template=t.CALL)
def load_rounded_long_to_short_register(cpu: CPU, r1: int, r2: int) -> None:
    "35 LRER - Load Rounded (long to short) [RR]"
    result = hfp.load_rounded(cpu.fpr[_fp(r2)], LONG)
    _set_short(cpu, _fp(r1), result.value)
    _signal(result)


@instruction(0x36, "AXR", Format.RR, template=t.CALL)
def add_normalized_extended_register(cpu: CPU, r1: int, r2: int) -> None:
    "36 AXR - Add Normalized (extended) [RR]"
    _extended_arith(cpu, r1, r2, hfp.add)


@instruction(0x37, "SXR", Format.RR, template=t.CALL)
def subtract_normalized_extended_register(cpu: CPU, r1: int, r2: int) -> None:
    "37 SXR - Subtract Normalized (extended) [RR]"
    _extended_arith(cpu, r1, r2, hfp.subtract)


@instruction(0x38, "LER", Format.RR, template=t.CALL)
def load_short_register(cpu: CPU, r1: int, r2: int) -> None:
    "38 LER - Load (short) [RR]"
    _set_short(cpu, _fp(r1), _short(cpu, _fp(r2)))


@instruction(0x39, "CER", Format.RR, template=t.CALL)
def compare_short_register(cpu: CPU, r1: int, r2: int) -> None:
    "39 CER - Compare (short) [RR]"
    cpu.cc = hfp.compare(_short(cpu, _fp(r1)), _short(cpu, _fp(r2)), SHORT)


@instruction(0x3A, "AER", Format.RR, template=_short_register_template("hfp.add"))
def add_normalized_short_register(cpu: CPU, r1: int, r2: int) -> None:
    "3A AER - Add Normalized (short) [RR]"
    if (r1 | r2) & 9:
        raise ProgramCheck(SPECIFICATION)
    _short_op(cpu, r1, cpu.fpr[r2] >> 32, hfp.add)


@instruction(0x3B, "SER", Format.RR, template=_short_register_template("hfp.subtract"))
def subtract_normalized_short_register(cpu: CPU, r1: int, r2: int) -> None:
    "3B SER - Subtract Normalized (short) [RR]"
    if (r1 | r2) & 9:
        raise ProgramCheck(SPECIFICATION)
    _short_op(cpu, r1, cpu.fpr[r2] >> 32, hfp.subtract)


@instruction(0x3C, "MER", Format.RR, template=t.CALL)
def multiply_short_register(cpu: CPU, r1: int, r2: int) -> None:
    "3C MER - Multiply (short to long) [RR]"
    if (r1 | r2) & 9:
        raise ProgramCheck(SPECIFICATION)
    _short_multiply(cpu, r1, cpu.fpr[r2] >> 32)


@instruction(0x3D, "DER", Format.RR, template=t.CALL)
def divide_short_register(cpu: CPU, r1: int, r2: int) -> None:
    "3D DER - Divide (short) [RR]"
    if (r1 | r2) & 9:
        raise ProgramCheck(SPECIFICATION)
    _short_nocc(cpu, r1, cpu.fpr[r2] >> 32, hfp.divide)


@instruction(0x3E, "AUR", Format.RR, template=t.CALL)
def add_unnormalized_short_register(cpu: CPU, r1: int, r2: int) -> None:
    "3E AUR - Add Unnormalized (short) [RR]"
    if (r1 | r2) & 9:
        raise ProgramCheck(SPECIFICATION)
    _short_op(cpu, r1, cpu.fpr[r2] >> 32, _add_unnormalized)


@instruction(0x3F, "SUR", Format.RR, template=t.CALL)
def subtract_unnormalized_short_register(cpu: CPU, r1: int, r2: int) -> None:
    "3F SUR - Subtract Unnormalized (short) [RR]"
    if (r1 | r2) & 9:
        raise ProgramCheck(SPECIFICATION)
    _short_op(cpu, r1, cpu.fpr[r2] >> 32, _sub_unnormalized)


# --- RX, long operands (60-6F) ----------------------------------------------------------------


@instruction(0x60, "STD", Format.RX, template=_fp_template(t.store_long("fpr[{r1}]")))
def store_long(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "60 STD - Store (long) [RX]"
    if r1 & 9:
        raise ProgramCheck(SPECIFICATION)
    cpu.store8((cpu.r[x2] + cpu.r[b2] + d2) & 0xFFFFFF, cpu.fpr[r1])


@instruction(0x67, "MXD", Format.RX, template=t.CALL)
def multiply_long_to_extended(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "67 MXD - Multiply (long to extended) [RX]"
    _multiply_long_to_extended(cpu, _xp(r1), cpu.fetch8(_address(cpu, x2, b2, d2)))


@instruction(0x68, "LD", Format.RX, template=_fp_template(t.with_long("fpr[{r1}] = b")))
def load_long(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "68 LD - Load (long) [RX]"
    if r1 & 9:
        raise ProgramCheck(SPECIFICATION)
    cpu.fpr[r1] = cpu.fetch8((cpu.r[x2] + cpu.r[b2] + d2) & 0xFFFFFF)


@instruction(0x69, "CD", Format.RX, template=t.CALL)
def compare_long(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "69 CD - Compare (long) [RX]"
    first = cpu.fpr[_fp(r1)]
    cpu.cc = hfp.compare(first, cpu.fetch8(_address(cpu, x2, b2, d2)), LONG)


@instruction(0x6A, "AD", Format.RX, template=_long_template("hfp.add"))
def add_normalized_long(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "6A AD - Add Normalized (long) [RX]"
    if r1 & 9:
        raise ProgramCheck(SPECIFICATION)
    _long(cpu, r1, cpu.fetch8((cpu.r[x2] + cpu.r[b2] + d2) & 0xFFFFFF), hfp.add)


@instruction(0x6B, "SD", Format.RX, template=_long_template("hfp.subtract"))
def subtract_normalized_long(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "6B SD - Subtract Normalized (long) [RX]"
    if r1 & 9:
        raise ProgramCheck(SPECIFICATION)
    _long(cpu, r1, cpu.fetch8((cpu.r[x2] + cpu.r[b2] + d2) & 0xFFFFFF), hfp.subtract)


@instruction(0x6C, "MD", Format.RX, template=MD_TEMPLATE)
def multiply_long(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "6C MD - Multiply (long) [RX]"
    if r1 & 9:
        raise ProgramCheck(SPECIFICATION)
    _long_nocc(cpu, r1, cpu.fetch8((cpu.r[x2] + cpu.r[b2] + d2) & 0xFFFFFF), _multiply)


@instruction(0x6D, "DD", Format.RX, template=t.CALL)
def divide_long(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "6D DD - Divide (long) [RX]"
    if r1 & 9:
        raise ProgramCheck(SPECIFICATION)
    _long_nocc(cpu, r1, cpu.fetch8((cpu.r[x2] + cpu.r[b2] + d2) & 0xFFFFFF), hfp.divide)


@instruction(0x6E, "AW", Format.RX, template=t.CALL)
def add_unnormalized_long(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "6E AW - Add Unnormalized (long) [RX]"
    if r1 & 9:
        raise ProgramCheck(SPECIFICATION)
    _long(cpu, r1, cpu.fetch8((cpu.r[x2] + cpu.r[b2] + d2) & 0xFFFFFF), _add_unnormalized)


@instruction(0x6F, "SW", Format.RX, template=t.CALL)
def subtract_unnormalized_long(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "6F SW - Subtract Unnormalized (long) [RX]"
    if r1 & 9:
        raise ProgramCheck(SPECIFICATION)
    _long(cpu, r1, cpu.fetch8((cpu.r[x2] + cpu.r[b2] + d2) & 0xFFFFFF), _sub_unnormalized)


# --- RX, short operands (70-7F) ---------------------------------------------------------------


@instruction(0x70, "STE", Format.RX, template=_fp_template(t.store_word("fpr[{r1}] >> 32")))
def store_short(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "70 STE - Store (short) [RX]"
    if r1 & 9:
        raise ProgramCheck(SPECIFICATION)
    cpu.store4((cpu.r[x2] + cpu.r[b2] + d2) & 0xFFFFFF, cpu.fpr[r1] >> 32)


@instruction(0x78, "LE", Format.RX,
             template=_fp_template(t.with_word("fpr[{r1}] = b << 32 | fpr[{r1}] & 0xFFFFFFFF")))
def load_short(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "78 LE - Load (short) [RX]"
    if r1 & 9:
        raise ProgramCheck(SPECIFICATION)
    _set_short(cpu, r1, cpu.fetch4((cpu.r[x2] + cpu.r[b2] + d2) & 0xFFFFFF))


@instruction(0x79, "CE", Format.RX, template=t.CALL)
def compare_short(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "79 CE - Compare (short) [RX]"
    first = _short(cpu, _fp(r1))
    cpu.cc = hfp.compare(first, cpu.fetch4(_address(cpu, x2, b2, d2)), SHORT)


@instruction(0x7A, "AE", Format.RX, template=t.CALL)
def add_normalized_short(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "7A AE - Add Normalized (short) [RX]"
    if r1 & 9:
        raise ProgramCheck(SPECIFICATION)
    _short_op(cpu, r1, cpu.fetch4((cpu.r[x2] + cpu.r[b2] + d2) & 0xFFFFFF), hfp.add)


@instruction(0x7B, "SE", Format.RX, template=t.CALL)
def subtract_normalized_short(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "7B SE - Subtract Normalized (short) [RX]"
    if r1 & 9:
        raise ProgramCheck(SPECIFICATION)
    _short_op(cpu, r1, cpu.fetch4((cpu.r[x2] + cpu.r[b2] + d2) & 0xFFFFFF), hfp.subtract)


@instruction(0x7C, "ME", Format.RX, template=t.CALL)
def multiply_short(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "7C ME - Multiply (short to long) [RX]"
    if r1 & 9:
        raise ProgramCheck(SPECIFICATION)
    _short_multiply(cpu, r1, cpu.fetch4((cpu.r[x2] + cpu.r[b2] + d2) & 0xFFFFFF))


@instruction(0x7D, "DE", Format.RX, template=t.CALL)
def divide_short(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "7D DE - Divide (short) [RX]"
    if r1 & 9:
        raise ProgramCheck(SPECIFICATION)
    _short_nocc(cpu, r1, cpu.fetch4((cpu.r[x2] + cpu.r[b2] + d2) & 0xFFFFFF), hfp.divide)


@instruction(0x7E, "AU", Format.RX, template=t.CALL)
def add_unnormalized_short(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "7E AU - Add Unnormalized (short) [RX]"
    if r1 & 9:
        raise ProgramCheck(SPECIFICATION)
    _short_op(cpu, r1, cpu.fetch4((cpu.r[x2] + cpu.r[b2] + d2) & 0xFFFFFF), _add_unnormalized)


@instruction(0x7F, "SU", Format.RX, template=t.CALL)
def subtract_unnormalized_short(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "7F SU - Subtract Unnormalized (short) [RX]"
    if r1 & 9:
        raise ProgramCheck(SPECIFICATION)
    _short_op(cpu, r1, cpu.fetch4((cpu.r[x2] + cpu.r[b2] + d2) & 0xFFFFFF), _sub_unnormalized)
