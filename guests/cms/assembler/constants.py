"""DC and DS operands: duplication factor, type, length modifier, nominal values.

OS/VS - VM/370 Assembler Language (GC33-4010), "DC Instruction": types C
(EBCDIC), X (hex), B (binary), F and H (fixed-point), P and Z (packed and
zoned decimal), E and D (short and long hexadecimal floating point), and
the address constants A, Y, V and S, whose values the assembler itself
resolves (they may need relocation). Without an explicit length F, A and V
are aligned on a fullword, H, Y and S on a halfword, E on a fullword and D
on a doubleword. A duplication factor of zero only aligns (``DS 0F``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from guests.cms.assembler.expressions import AsmError, constant_end, quoted_end, split_operands

__all__ = ["Constant", "encode_item", "parse_constant"]

DEFAULT_LENGTH = {"F": 4, "H": 2, "A": 4, "Y": 2, "V": 4, "S": 2, "E": 4, "D": 8, "C": 1,
                  "X": 1, "B": 1, "P": 1, "Z": 1}  # fmt: skip
ALIGN = {"F": 4, "H": 2, "A": 4, "Y": 2, "V": 4, "S": 2, "E": 4, "D": 8}
MAX_LENGTH = {"C": 256, "X": 256, "B": 256, "P": 16, "Z": 16, "F": 8, "H": 8, "A": 4, "Y": 2,
              "V": 4, "S": 2, "E": 8, "D": 8}  # fmt: skip
ADDRESS_TYPES = "AYVS"


@dataclass
class Constant:
    """One DC/DS operand, parsed."""

    duplication: int
    kind: str
    explicit: int | None  # the length modifier Ln
    items: list[str]  # nominal values (strings for C/X/B/F/H/P/Z/E/D, expressions for A/Y/V/S)

    @property
    def alignment(self) -> int:
        return 1 if self.explicit is not None else ALIGN.get(self.kind, 1)

    def item_length(self) -> int:
        if self.explicit is not None:
            return self.explicit
        if self.kind in "CXBPZ" and self.items:
            return max(1, _implicit(self.kind, self.items[0]))
        return DEFAULT_LENGTH[self.kind]

    def size(self) -> int:
        per = self.item_length() * max(1, len(self.items) if self.items else 1)
        return self.duplication * per


def _implicit(kind: str, item: str) -> int:
    if kind == "C":
        return len(item.replace("''", "'").replace("&&", "&"))
    if kind == "X":
        return (len(item) + 1) // 2
    if kind == "B":
        return (len(item) + 7) // 8
    digits = sum(char.isdigit() for char in item)
    return (digits + 2) // 2 if kind == "P" else digits


def parse_constant(text: str, absolute: Callable[[str], int], *, need_value: bool) -> Constant:
    """Parse one operand of DC (``need_value``) or DS; ``absolute`` evaluates (expr)."""
    at, duplication = 0, 1
    if text[:1] == "(":
        close = constant_end(text, 0)
        duplication, at = absolute(text[1 : close - 1]), close
    elif text[:1].isdigit():
        while at < len(text) and text[at].isdigit():
            at += 1
        duplication = int(text[:at])
    if duplication < 0 or duplication > 1 << 24:
        raise AsmError(50, "INVALID DUPLICATION FACTOR")
    kind = text[at : at + 1]
    if not kind or kind not in DEFAULT_LENGTH:
        raise AsmError(51, f"INVALID CONSTANT TYPE '{text[at:at + 1]}'")
    at += 1
    explicit, at = _length_modifier(text, at, absolute)
    items = _nominal(text, at, kind, need_value)
    if explicit is not None and not 1 <= explicit <= MAX_LENGTH[kind]:
        raise AsmError(52, f"INVALID LENGTH MODIFIER {explicit}")
    constant = Constant(duplication, kind, explicit, items)
    if constant.item_length() > MAX_LENGTH[kind]:
        raise AsmError(52, "CONSTANT TOO LONG")
    return constant


def _length_modifier(text: str, at: int, absolute: Callable[[str], int]) -> tuple[int | None, int]:
    if text[at : at + 1] != "L":
        return None, at
    at += 1
    if text[at : at + 1] == "(":
        close = text.find(")", at)
        if close < 0:
            raise AsmError(37, "UNBALANCED PARENTHESES")
        return absolute(text[at + 1 : close]), close + 1
    start = at
    while at < len(text) and text[at].isdigit():
        at += 1
    if at == start:
        raise AsmError(52, "INVALID LENGTH MODIFIER")
    return int(text[start:at]), at


def _nominal(text: str, at: int, kind: str, need_value: bool) -> list[str]:
    rest = text[at:]
    if not rest:
        if need_value:
            raise AsmError(53, "MISSING NOMINAL VALUE")
        return []
    if kind in ADDRESS_TYPES:
        if rest[0] != "(" or not rest.endswith(")"):
            raise AsmError(54, f"INVALID NOMINAL VALUE {rest}")
        return split_operands(rest[1:-1])
    if rest[0] != "'" or quoted_end(rest, 0) != len(rest) - 1:
        raise AsmError(54, f"INVALID NOMINAL VALUE {rest}")
    body = rest[1:-1]
    return [body] if kind == "C" else body.split(",")


def encode_item(kind: str, item: str, length: int) -> bytes:
    """The bytes of one nominal value of a non-address type."""
    if kind == "C":
        raw = item.replace("''", "'").replace("&&", "&").encode("cp037", errors="replace")
        return raw[:length].ljust(length, b"\x40")
    if kind in "XB":
        return _bits(kind, item, length)
    if kind in "FH":
        number = int(_decimal(item))
        return (number % (1 << (8 * length))).to_bytes(length, "big")
    if kind in "ED":
        return _hex_float(_decimal(item), length)
    return _packed(item, length) if kind == "P" else _zoned(item, length)


def _bits(kind: str, item: str, length: int) -> bytes:
    item = item.strip()
    try:
        value = int(item, 16 if kind == "X" else 2) if item else -1
    except ValueError:
        value = -1
    if value < 0:
        raise AsmError(54, f"INVALID NOMINAL VALUE {kind}'{item}'")
    return (value % (1 << (8 * length))).to_bytes(length, "big")


def _decimal(item: str) -> Fraction:
    try:
        return Fraction(item.strip().replace(" ", ""))
    except (ValueError, ZeroDivisionError):
        raise AsmError(54, f"INVALID NOMINAL VALUE '{item}'") from None


def _hex_float(number: Fraction, length: int) -> bytes:
    """IBM hexadecimal floating point: sign, excess-64 exponent, hex fraction."""
    if number == 0:
        return bytes(length)
    sign, number = (0x80 if number < 0 else 0), abs(number)
    exponent, digits = 64, 2 * (length - 1)
    while number >= 1:
        number, exponent = number / 16, exponent + 1
    while number < Fraction(1, 16):
        number, exponent = number * 16, exponent - 1
    fraction = int(number * 16**digits + Fraction(1, 2))
    if fraction >= 16**digits:
        fraction, exponent = fraction // 16, exponent + 1
    if not 0 <= exponent <= 127:
        raise AsmError(55, "FLOATING-POINT CONSTANT OUT OF RANGE")
    return bytes([sign | exponent]) + fraction.to_bytes(length - 1, "big")


def _digits(item: str) -> tuple[str, bool]:
    text = item.strip()
    negative = text.startswith("-")
    digits = text.lstrip("+-").replace(".", "")
    if not digits.isdigit():
        raise AsmError(54, f"INVALID NOMINAL VALUE '{item}'")
    return digits, negative


def _packed(item: str, length: int) -> bytes:
    digits, negative = _digits(item)
    nibbles = digits + ("D" if negative else "C")
    nibbles = nibbles[-(2 * length) :].rjust(2 * length, "0")
    return bytes.fromhex(nibbles)


def _zoned(item: str, length: int) -> bytes:
    digits, negative = _digits(item)
    digits = digits[-length:].rjust(length, "0")
    raw = bytearray(0xF0 | int(digit) for digit in digits)
    raw[-1] = (0xD0 if negative else 0xC0) | (raw[-1] & 0x0F)
    return bytes(raw)
