"""Instruction declarations: one table feeds dispatch, the disassembler and TRACE.

Models the instruction formats of Principles of Operation (GA22-7000)
chapter 5, "Program Execution" (RR, RX, RS, SI, S, SS) and the program
interruption codes of chapter 6, "Interruptions".

How another module declares an instruction
-------------------------------------------
Write a small module-level function and decorate it::

    from server.machine.isa import Format, ProgramCheck, instruction, SPECIFICATION

    @instruction(0x1A, "AR", Format.RR)
    def add_register(cpu: CPU, r1: int, r2: int) -> None:
        "1A AR - Add Register [RR]"
        ...

The first line of the docstring is the banner ``"op MNEMONIC - Name [format]"``.
The decorator puts the function into the 256-entry opcode table (or the
second-level table for ``B2xx``, ``E5xx`` and the ``9Cxx``-``9Fxx`` I/O group,
where the second byte is masked with :data:`SECOND_LEVEL`), and the
disassembler and TRACE read mnemonic and format from the same entry.  The
module must be imported for its instructions to exist: add it to
``instructions.py``, which ``machine.py`` imports.

Arguments by format (after ``cpu``); ``x2``, ``b1`` and ``b2`` are *register
list indexes* in which a zero field has been replaced by 16, and ``cpu.r[16]``
is always 0, so an effective address is simply
``(cpu.r[x2] + cpu.r[b2] + d2) & 0xFFFFFF`` (or ``cpu.r[b2] + d2`` without an
index) with no test for register 0:

=========  ============================  =====================================
format     arguments                     encodings
=========  ============================  =====================================
``RR``     ``r1, r2``                    ``op r1r2``
``I``      ``i``                         ``op i`` (SVC: the 8-bit code)
``RX``     ``r1, x2, b2, d2``            ``op r1x2 b2d2d2``
``RS``     ``r1, r3, b2, d2``            ``op r1r3 b2d2d2`` (r3 is a mask for ICM)
``RS2``    ``r1, r3, b2, d2``            as RS; disassembled without r3 (shifts)
``SI``     ``i2, b1, d1``                ``op i2 b1d1d1``
``S``      ``b2, d2``                    ``op op b2d2d2`` or ``op -- b2d2d2``
``SS1``    ``l, b1, d1, b2, d2``         ``op ll b1d1d1 b2d2d2`` (``l`` = length-1)
``SS2``    ``l1, l2, b1, d1, b2, d2``    ``op l1l2 b1d1d1 b2d2d2`` (SRP: l2 = i3)
=========  ============================  =====================================

State the function may use (see ``cpu.CPU``):

* ``cpu.r`` - list of 17 unsigned 32-bit ints; write ``cpu.r[r1] = value &
  0xFFFFFFFF`` (never index 16).  ``cpu.fpr`` - list of 8 unsigned 64-bit
  ints, floating-point register n at index n (n = 0, 2, 4, 6).  ``cpu.cr`` -
  16 control registers.
* ``cpu.cc`` (0-3), ``cpu.pm`` (program mask: 8 fixed-point overflow, 4
  decimal overflow, 2 exponent underflow, 1 significance), ``cpu.ia`` (already
  the address of the next instruction; a branch assigns it), ``cpu.key``,
  ``cpu.problem``.
* Storage by logical address (DAT, protection, addressing and the
  reference/change bits are handled, and the decoded-instruction cache is
  invalidated by stores): ``cpu.fetch1/2/4/8(a) -> int``,
  ``cpu.fetch(a, n) -> bytes``, ``cpu.store1/2/4/8(a, v)``,
  ``cpu.store(a, data)``; ``cpu.check(a, n, store)`` validates a whole
  operand first when the instruction must be suppressed rather than partly
  done.  Addresses wrap at 2**24.
* A program exception: ``raise ProgramCheck(code)`` (constants below).  The
  CPU catches it once, at the slice boundary, stores the interruption code
  and ILC and swaps PSWs.  For an exception that *completes* the instruction
  (fixed-point overflow, decimal overflow, exponent underflow, significance)
  set the result and CC first, then raise.  ``nullify=True`` leaves the old
  PSW pointing at the instruction (page and segment translation).

Options: ``privileged=True`` makes the CPU raise a privileged-operation
exception in problem state before calling the function; ``sync=True`` makes
the CPU bring timers and the instruction count up to date first (STCK, SPT,
...); ``template`` is an optional source template for the basic-block
compiler (``{r1}``, ``{x2}``, ... are replaced by the operand values; the
template must behave exactly as the function; the language is described in
``blocks.py``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

# Program interruption codes (GA22-7000, "Program Interruption").
OPERATION = 0x01
PRIVILEGED_OPERATION = 0x02
EXECUTE = 0x03
PROTECTION = 0x04
ADDRESSING = 0x05
SPECIFICATION = 0x06
DATA = 0x07
FIXED_POINT_OVERFLOW = 0x08
FIXED_POINT_DIVIDE = 0x09
DECIMAL_OVERFLOW = 0x0A
DECIMAL_DIVIDE = 0x0B
EXPONENT_OVERFLOW = 0x0C
EXPONENT_UNDERFLOW = 0x0D
SIGNIFICANCE = 0x0E
FLOATING_POINT_DIVIDE = 0x0F
SEGMENT_TRANSLATION = 0x10
PAGE_TRANSLATION = 0x11
TRANSLATION_SPECIFICATION = 0x12
SPECIAL_OPERATION = 0x13
MONITOR_EVENT = 0x40

# Program-mask bits as held in cpu.pm (PSW bits 36-39 in BC mode).
PM_FIXED_OVERFLOW = 8
PM_DECIMAL_OVERFLOW = 4
PM_EXPONENT_UNDERFLOW = 2
PM_SIGNIFICANCE = 1


class ProgramCheck(Exception):
    """A program exception; the CPU turns it into a program interruption."""

    def __init__(self, code: int, nullify: bool = False) -> None:
        super().__init__(f"program check {code:04X}")
        self.code = code
        self.nullify = nullify


class Format(enum.Enum):
    """Instruction formats; RS2 is RS without R3, SS1/SS2 are SS with one/two lengths."""

    RR = "RR"
    I = "I"  # noqa: E741 - the architecture's name
    RX = "RX"
    RS = "RS"
    RS2 = "RS2"
    SI = "SI"
    S = "S"
    SS1 = "SS1"
    SS2 = "SS2"


# A block-compiler template: source text, or a function of the operand fields
# returning source text (see blocks.py for the template language).
Template = str | Callable[[dict[str, Any]], str]


@dataclass(frozen=True)
class Instruction:
    """One table entry: what the decoder, the disassembler and TRACE know."""

    opcode: int
    mnemonic: str
    format: Format
    function: Callable[..., None]
    privileged: bool = False
    sync: bool = False
    template: Template | None = None
    shape: str = ""  # operand layout for the disassembler

    @property
    def name(self) -> str:
        doc = (self.function.__doc__ or "").strip().splitlines()
        return doc[0] if doc else self.mnemonic


# First byte -> mask applied to the second byte for the second-level tables.
SECOND_LEVEL: dict[int, int] = {0xB2: 0xFF, 0xE5: 0xFF, 0x9C: 0x01, 0x9D: 0x01, 0x9E: 0x01,
                                0x9F: 0x01}

OPCODES: list[Instruction | None] = [None] * 256
SECOND: dict[int, list[Instruction | None]] = {first: [None] * 256 for first in SECOND_LEVEL}

_F = TypeVar("_F", bound=Callable[..., None])

_SHAPES = {
    "RR": "r1,r2", "I": "i", "RX": "r1,d2(x2,b2)", "RS": "r1,r3,d2(b2)", "RS2": "r1,d2(b2)",
    "SI": "d1(b1),i2", "S": "d2(b2)", "SS1": "d1(l,b1),d2(b2)", "SS2": "d1(l1,b1),d2(l2,b2)",
}


def instruction(opcode: int, mnemonic: str, fmt: Format | str, *, privileged: bool = False,
                sync: bool = False, template: Template | None = None,
                shape: str | None = None) -> Callable[[_F], _F]:
    """Register the decorated function as the instruction ``opcode`` (see module doc).

    ``fmt`` may be a :class:`Format` or its name.  ``shape`` overrides the
    disassembler's operand layout (fields r1, r2, r3, i, i2, d1, d2, x2, b1,
    b2, l, l1, l2).
    """
    format_ = fmt if isinstance(fmt, Format) else Format[fmt]
    layout = shape if shape is not None else _SHAPES[format_.name]

    def register(function: _F) -> _F:
        entry = Instruction(opcode, mnemonic, format_, function, privileged, sync, template,
                            layout)
        if opcode > 0xFF:
            first, second = opcode >> 8, opcode & 0xFF
            SECOND[first][second & SECOND_LEVEL[first]] = entry
        else:
            OPCODES[opcode] = entry
        return function

    return register


def format_name(entry: Instruction) -> str:
    """The declared format name of an entry ("RR", "RS2", "SS2", ...)."""
    return entry.format.name


def lookup(first: int, second: int) -> Instruction | None:
    """The entry for an instruction starting with bytes ``first, second``."""
    if first in SECOND:
        return SECOND[first][second & SECOND_LEVEL[first]]
    return OPCODES[first]


def instruction_length(first: int) -> int:
    """Length in bytes from the first two bits of the opcode."""
    return (2, 4, 4, 6)[first >> 6]


def operands(name: str, inst: bytes) -> tuple[int, ...]:
    """Decode the argument tuple of format ``name`` from instruction bytes.

    Base and index fields of zero become 16 (see the module docstring).
    """
    byte1 = inst[1]
    if name == "RR":
        return (byte1 >> 4, byte1 & 15)
    if name == "I":
        return (byte1,)
    half2 = inst[2] << 8 | inst[3]
    b2 = half2 >> 12 or 16
    d2 = half2 & 0xFFF
    if name == "RX":
        return (byte1 >> 4, byte1 & 15 or 16, b2, d2)
    if name in ("RS", "RS2"):
        return (byte1 >> 4, byte1 & 15, b2, d2)
    if name == "SI":
        return (byte1, b2, d2)
    if name == "S":
        return (b2, d2)
    half3 = inst[4] << 8 | inst[5]
    b3 = half3 >> 12 or 16
    d3 = half3 & 0xFFF
    if name == "SS1":
        return (byte1, b2, d2, b3, d3)
    return (byte1 >> 4, byte1 & 15, b2, d2, b3, d3)


def disassemble_entry(entry: Instruction | None, inst: bytes) -> str:
    """Mnemonic and operands of one instruction (the bytes of its full length)."""
    if entry is None:
        return f"DC    X'{inst.hex().upper()}'"
    name = format_name(entry)
    raw = _raw_fields(name, inst)
    text = entry.shape
    for field in ("d1", "d2"):
        if field in raw:
            text = text.replace(field, f"X'{raw[field]:03X}'")
    for field in ("(x2,b2)", "(l,b1)", "(l1,b1)", "(l2,b2)", "(b1)", "(b2)"):
        names = field.strip("()").split(",")
        if not all(n in raw for n in names):
            continue
        vals = [raw[n] for n in names]
        if names[0].startswith("l"):
            rendered = f"({vals[0] + 1},{vals[1]})" if vals[1] else f"({vals[0] + 1})"
        elif len(vals) == 2:
            rendered = "" if vals == [0, 0] else f"(,{vals[1]})" if vals[0] == 0 else \
                f"({vals[0]})" if vals[1] == 0 else f"({vals[0]},{vals[1]})"
        else:
            rendered = f"({vals[0]})" if vals[0] else ""
        text = text.replace(field, rendered)
    for field in ("r1", "r2", "r3", "i2", "i"):
        if field in raw:
            text = _replace_word(text, field, str(raw[field]))
    return f"{entry.mnemonic:<6}{text}" if text else entry.mnemonic


def _replace_word(text: str, word: str, value: str) -> str:
    parts = text.split(",")
    return ",".join(value if part == word else part for part in parts)


def _raw_fields(name: str, inst: bytes) -> dict[str, Any]:
    byte1 = inst[1]
    fields: dict[str, Any] = {}
    if name == "RR":
        return {"r1": byte1 >> 4, "r2": byte1 & 15}
    if name == "I":
        return {"i": byte1}
    half2 = inst[2] << 8 | inst[3]
    if name in ("RX", "RS", "RS2"):
        fields = {"r1": byte1 >> 4, "b2": half2 >> 12, "d2": half2 & 0xFFF}
        fields["x2" if name == "RX" else "r3"] = byte1 & 15
        return fields
    if name == "SI":
        return {"i2": byte1, "b1": half2 >> 12, "d1": half2 & 0xFFF}
    if name == "S":
        return {"b2": half2 >> 12, "d2": half2 & 0xFFF}
    half3 = inst[4] << 8 | inst[5]
    fields = {"b1": half2 >> 12, "d1": half2 & 0xFFF, "b2": half3 >> 12, "d2": half3 & 0xFFF}
    if name == "SS1":
        fields["l"] = byte1
    else:
        fields["l1"] = byte1 >> 4
        fields["l2"] = byte1 & 15
    return fields


class ProgramCheckIlc(ProgramCheck):
    """A program exception found before an instruction could be decoded (fetch,
    invalid PSW): the ILC is fixed by the cause and, unless nullified, the old
    PSW's instruction address is advanced by ``advance`` bytes."""

    def __init__(self, code: int, ilc: int, nullify: bool = False, advance: int = 0) -> None:
        super().__init__(code, nullify)
        self.ilc = ilc
        self.advance = advance


class SupervisorCall(Exception):
    """Raised by SVC: the CPU takes the SVC interruption with this code."""

    def __init__(self, code: int) -> None:
        super().__init__(f"SVC {code}")
        self.code = code


class SliceBreak(Exception):
    """Raised after an instruction completes that may enable an interruption or
    change timers or the PSW mode (LPSW, SSM, SCKC, ...): the CPU looks at
    pending interruptions before the next instruction."""


class SyncPoint(Exception):
    """Raised before a ``sync`` instruction runs so that the CPU can bring the
    instruction count and the timers up to date; the instruction is retried."""
