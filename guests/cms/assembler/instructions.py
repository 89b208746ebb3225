"""Machine instruction operands into object code (S/370 formats RR to SS).

GC33-4010, "Machine-Instruction Statements": a register or mask operand is
an absolute expression 0-15; a storage operand is written explicitly as
D(X,B), D(,B), D(L,B) or D(L1,B1), or implicitly as an expression
(relocatable, or absolute 0-4095) that the assembler turns into a base
register and displacement with the USING table, optionally with an index
S(X) or an explicit length S(L). An omitted SS length is the length
attribute of the leftmost term of the implicit address.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guests.cms.assembler.expressions import AsmError, Value, constant_end, split_operands
from guests.cms.assembler.opcodes import Opcode

if TYPE_CHECKING:
    from guests.cms.assembler.core import Assembler

__all__ = ["encode_instruction"]

Addresses = tuple[int | None, int | None]

OPERAND_COUNTS = {"RR": 2, "R1": 1, "I": 1, "M2": 1, "RX": 2, "MX": 1, "RS": 3,
                  "SHIFT": 2, "SI": 2, "SD": 1, "S": 1, "S0": 0, "SS": 2, "SS2": 2,
                  "SRP": 3}  # fmt: skip


def _split_address(text: str) -> tuple[str, list[str] | None]:
    """``expr(a,b)`` into ``expr`` and ``[a, b]``; ``expr`` alone into ``expr, None``."""
    if not text.endswith(")"):
        return text, None
    if text.startswith("="):  # a literal, perhaps with an index: =A(X)(5)
        end = constant_end(text, 1)
        if end >= len(text) or text[end] != "(":
            return text, None
        return text[:end], split_operands(text[end + 1 : -1])
    depth, index = 0, len(text) - 1
    while index >= 0:
        if text[index] == ")":
            depth += 1
        elif text[index] == "(":
            depth -= 1
            if depth == 0:
                break
        elif text[index] == "'":
            return text, None  # a quoted term ends the operand: no register part
        index -= 1
    prefix = text[:index]
    if index <= 0 or prefix[-1] in "+-*/(," or prefix.endswith("L'"):
        return text, None
    return prefix, split_operands(text[index + 1 : -1])


class _Operands:
    """Operand evaluation for one instruction."""

    def __init__(self, asm: Assembler) -> None:
        self.asm = asm

    def register(self, text: str, limit: int = 15) -> int:
        value = self.asm.absolute(text)
        if not 0 <= value <= limit:
            raise AsmError(68, f"INVALID REGISTER OR MASK {value}")
        return value

    def field(self, text: str, low: int, high: int, what: str) -> int:
        value = self.asm.absolute(text) if text else 0
        if not low <= value <= high:
            raise AsmError(73, f"{what} {value} OUT OF RANGE")
        return value

    def implicit(self, text: str) -> tuple[int, int, int]:
        """Base, displacement and the effective address of an implicit address."""
        value: Value = self.asm.evaluate(text, literals=True)
        base, displacement = self.asm.base_displacement(value)
        return base, displacement, value.value

    def storage(self, text: str, *, indexed: bool) -> tuple[int, int, int, int | None]:
        """X (or 0), B, D and the listed address of a storage operand."""
        expression, parts = _split_address(text)
        if parts is None:
            base, displacement, address = self.implicit(expression)
            return 0, base, displacement, address
        if len(parts) == 1 and indexed:
            base, displacement, address = self.implicit(expression)
            return self.register(parts[0]), base, displacement, address
        if len(parts) == 1:  # D(B)
            parts = ["", parts[0]]
        if len(parts) != 2 or (not indexed and parts[0]):
            raise AsmError(74, f"INVALID STORAGE OPERAND {text}")
        displacement = self.field(expression, 0, 4095, "DISPLACEMENT")
        index = self.register(parts[0]) if parts[0] else 0
        return index, self.register(parts[1]), displacement, None

    def with_length(self, text: str, limit: int) -> tuple[int, int, int, int | None]:
        """Length, B, D and address of an SS operand D(L,B), S(L) or S."""
        expression, parts = _split_address(text)
        if parts is None:
            base, displacement, address = self.implicit(expression)
            return self._implicit_length(limit), base, displacement, address
        length = self.field(parts[0], 1, limit, "LENGTH")
        if len(parts) == 1:
            base, displacement, address = self.implicit(expression)
            return length, base, displacement, address
        if len(parts) != 2:
            raise AsmError(74, f"INVALID STORAGE OPERAND {text}")
        displacement = self.field(expression, 0, 4095, "DISPLACEMENT")
        return length, self.register(parts[1]), displacement, None

    def _implicit_length(self, limit: int) -> int:
        first = self.asm.first_symbol
        if first.startswith("="):
            length = self.asm.literal_length(first)
        elif first:
            length = self.asm.symbols[first].length if first in self.asm.symbols else 1
        else:
            length = 1
        return max(1, min(length, limit))


def _bd(base: int, displacement: int) -> bytes:
    return ((base << 12) | displacement).to_bytes(2, "big")


def encode_instruction(opcode: Opcode, text: str, asm: Assembler) -> tuple[bytes, Addresses]:
    """The object code of one machine instruction and its ADDR1/ADDR2 listing fields."""
    operands = split_operands(text) if text else []
    if len(operands) != OPERAND_COUNTS[opcode.form]:
        raise AsmError(75, f"WRONG NUMBER OF OPERANDS FOR {opcode.mnemonic}")
    if any(not operand for operand in operands):
        raise AsmError(35, "MISSING OPERAND")
    return _ENCODERS[opcode.form](opcode, operands, _Operands(asm))


def _rr(opcode: Opcode, ops: list[str], ev: _Operands) -> tuple[bytes, Addresses]:
    if opcode.form == "R1":
        return bytes([opcode.code, ev.register(ops[0]) << 4]), (None, None)
    if opcode.form == "I":
        return bytes([opcode.code, ev.field(ops[0], 0, 255, "IMMEDIATE")]), (None, None)
    if opcode.form == "M2":
        return bytes([opcode.code, opcode.mask << 4 | ev.register(ops[0])]), (None, None)
    return bytes([opcode.code, ev.register(ops[0]) << 4 | ev.register(ops[1])]), (None, None)


def _rx(opcode: Opcode, ops: list[str], ev: _Operands) -> tuple[bytes, Addresses]:
    first = opcode.mask if opcode.form == "MX" else ev.register(ops[0])
    index, base, displacement, address = ev.storage(ops[-1], indexed=True)
    return bytes([opcode.code, first << 4 | index]) + _bd(base, displacement), (None, address)


def _rs(opcode: Opcode, ops: list[str], ev: _Operands) -> tuple[bytes, Addresses]:
    first = ev.register(ops[0])
    third = ev.register(ops[1]) if len(ops) == 3 else 0
    _index, base, displacement, address = ev.storage(ops[-1], indexed=False)
    return bytes([opcode.code, first << 4 | third]) + _bd(base, displacement), (None, address)


def _si(opcode: Opcode, ops: list[str], ev: _Operands) -> tuple[bytes, Addresses]:
    _index, base, displacement, address = ev.storage(ops[0], indexed=False)
    if opcode.form == "SI":
        immediate = ev.field(ops[1], -128, 255, "IMMEDIATE") & 0xFF
        return bytes([opcode.code, immediate]) + _bd(base, displacement), (address, None)
    if opcode.form == "SD":
        return bytes([opcode.code, 0]) + _bd(base, displacement), (address, None)
    return opcode.code.to_bytes(2, "big") + _bd(base, displacement), (address, None)


def _s0(opcode: Opcode, ops: list[str], ev: _Operands) -> tuple[bytes, Addresses]:
    return opcode.code.to_bytes(2, "big") + bytes(2), (None, None)


def _ss(opcode: Opcode, ops: list[str], ev: _Operands) -> tuple[bytes, Addresses]:
    if opcode.form == "SS":
        length, base1, disp1, address1 = ev.with_length(ops[0], 256)
        _index, base2, disp2, address2 = ev.storage(ops[1], indexed=False)
        lengths = length - 1
    else:
        limit = 16
        length1, base1, disp1, address1 = ev.with_length(ops[0], limit)
        if opcode.form == "SRP":
            _index, base2, disp2, address2 = ev.storage(ops[1], indexed=False)
            lengths = (length1 - 1) << 4 | ev.field(ops[2], 0, 9, "ROUNDING FACTOR")
        else:
            length2, base2, disp2, address2 = ev.with_length(ops[1], limit)
            lengths = (length1 - 1) << 4 | (length2 - 1)
    code = bytes([opcode.code, lengths]) + _bd(base1, disp1) + _bd(base2, disp2)
    return code, (address1, address2)


_ENCODERS = {"RR": _rr, "R1": _rr, "I": _rr, "M2": _rr, "RX": _rx, "MX": _rx, "RS": _rs,
             "SHIFT": _rs, "SI": _si, "SD": _si, "S": _si, "S0": _s0, "SS": _ss, "SS2": _ss,
             "SRP": _ss}  # fmt: skip
