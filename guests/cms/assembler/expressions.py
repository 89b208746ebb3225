"""Operands, terms and expressions of the assembler language.

OS/VS - VM/370 Assembler Language (GC33-4010), "Terms and Expressions": a
term is a symbol, the location counter ``*``, a self-defining term (decimal,
``X'..'``, ``B'..'``, ``C'..'``), a length attribute ``L'symbol`` or a
literal; an expression joins terms with ``+ - * /`` and parentheses, with
unary plus and minus. A value is absolute or relocatable: it carries, for
each control section (or external symbol) it depends on, how many times it
was added in. Multiplication and division are for absolute terms only;
a relocatable value in an address constant (RLD) may be complex.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["AsmError", "Scanner", "Value", "is_attribute_quote", "self_defining", "split_operands"]


class AsmError(Exception):
    """A flagged statement: the message number, its text and its severity."""

    def __init__(self, number: int, text: str, severity: int = 8) -> None:
        super().__init__(text)
        self.number = number
        self.text = text
        self.severity = severity


def undefined(name: str) -> AsmError:
    return AsmError(44, f"UNDEFINED SYMBOL {name}")


@dataclass
class Value:
    """An expression's value: its number and the sections it is relative to."""

    value: int
    relocs: dict[int, int] = field(default_factory=dict)  # section/ESDID -> count

    @property
    def absolute(self) -> bool:
        return not any(self.relocs.values())

    def section(self) -> int:
        """The one section a simply relocatable value belongs to (0 when absolute)."""
        live = {key: count for key, count in self.relocs.items() if count}
        if not live:
            return 0
        if len(live) == 1 and next(iter(live.values())) == 1:
            return next(iter(live))
        raise AsmError(29, "COMPLEX RELOCATABLE EXPRESSION")

    def combine(self, other: Value, sign: int) -> Value:
        relocs = dict(self.relocs)
        for key, count in other.relocs.items():
            relocs[key] = relocs.get(key, 0) + sign * count
        return Value(self.value + sign * other.value, {k: c for k, c in relocs.items() if c})


def split_operands(text: str) -> list[str]:
    """Split an operand field at commas outside parentheses and quotes."""
    parts, depth, current, quoted = [], 0, "", False
    for index, char in enumerate(text):
        if char == "'" and (quoted or not is_attribute_quote(text, index)):
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        elif not quoted and depth == 0 and char == ",":
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return parts


def is_attribute_quote(text: str, index: int) -> bool:
    """A quote after a lone L (or T, K ...) as in L'SYMBOL does not open a string."""
    if index == 0 or text[index - 1] not in "LTKNIS":
        return False
    return index == 1 or not (text[index - 2].isalnum() or text[index - 2] in "@#$_")


def _ebcdic(text: str) -> bytes:
    return text.encode("cp037", errors="replace")


def self_defining(kind: str, body: str) -> int:
    """The value of X'..', B'..', C'..' (GC33-4010: at most 24 bits)."""
    try:
        if kind == "X":
            value = int(body, 16)
        elif kind == "B":
            value = int(body, 2)
        else:
            raw = _ebcdic(body.replace("''", "'").replace("&&", "&"))
            if len(raw) > 3:
                raise AsmError(31, "SELF-DEFINING TERM TOO LONG")
            value = int.from_bytes(raw, "big")
    except ValueError:
        raise AsmError(30, f"INVALID SELF-DEFINING TERM {kind}'{body}'") from None
    if value >= 1 << 24 and kind != "C":
        raise AsmError(31, "SELF-DEFINING TERM TOO LARGE")
    return value


SYMBOL_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@#$_")


def is_symbol(text: str) -> bool:
    return 0 < len(text) <= 8 and not text[0].isdigit() and set(text) <= SYMBOL_CHARS


class Scanner:
    """Evaluate one expression: symbols, ``*`` and literals through callbacks."""

    def __init__(
        self,
        text: str,
        symbol: Callable[[str], Value],
        length: Callable[[str], int],
        location: Value,
        literal: Callable[[str], Value] | None = None,
    ) -> None:
        self.text = text
        self.at = 0
        self.symbol = symbol
        self.length = length
        self.location = location
        self.literal = literal

    def evaluate(self) -> Value:
        if not self.text:
            raise AsmError(35, "MISSING OPERAND")
        value = self._expression()
        if self.at != len(self.text):
            raise AsmError(36, f"INVALID DELIMITER '{self.text[self.at]}'")
        return value

    def expression_prefix(self) -> Value:
        """An expression at the start of the text; ``at`` tells where it stopped."""
        return self._expression()

    def _peek(self) -> str:
        return self.text[self.at] if self.at < len(self.text) else ""

    def _expression(self) -> Value:
        value = self._product()
        while self._peek() in ("+", "-"):
            sign = 1 if self.text[self.at] == "+" else -1
            self.at += 1
            value = value.combine(self._product(), sign)
        return value

    def _product(self) -> Value:
        value = self._unary()
        while self._peek() in ("*", "/"):
            operator = self.text[self.at]
            self.at += 1
            right = self._unary()
            if not (value.absolute and right.absolute):
                raise AsmError(29, "RELOCATABLE TERM IN MULTIPLICATION OR DIVISION")
            if operator == "*":
                value = Value(value.value * right.value)
            else:  # GC33-4010: division by zero gives zero
                value = Value(int(value.value / right.value) if right.value else 0)
        return value

    def _unary(self) -> Value:
        if self._peek() in ("+", "-"):
            sign = 1 if self.text[self.at] == "+" else -1
            self.at += 1
            return Value(0).combine(self._unary(), sign)
        return self._term()

    def _term(self) -> Value:
        char = self._peek()
        if char == "(":
            self.at += 1
            value = self._expression()
            if self._peek() != ")":
                raise AsmError(37, "UNBALANCED PARENTHESES")
            self.at += 1
            return value
        if char == "*":
            self.at += 1
            return Value(self.location.value, dict(self.location.relocs))
        if char == "=" and self.literal is not None:
            return self._literal()
        if char.isdigit():
            return self._decimal()
        if char and char in "XBC" and self.text[self.at + 1 : self.at + 2] == "'":
            return self._quoted(char)
        if char == "L" and self.text[self.at + 1 : self.at + 2] == "'":
            self.at += 2
            return Value(self.length(self._name()))
        if char and char in SYMBOL_CHARS:
            return self.symbol(self._name())
        raise AsmError(38, f"INVALID TERM AT '{self.text[self.at:self.at + 8]}'")

    def _name(self) -> str:
        start = self.at
        while self._peek() and self._peek() in SYMBOL_CHARS:
            self.at += 1
        name = self.text[start : self.at]
        if not is_symbol(name):
            raise AsmError(39, f"INVALID SYMBOL '{name}'")
        return name

    def _decimal(self) -> Value:
        start = self.at
        while self._peek().isdigit():
            self.at += 1
        value = int(self.text[start : self.at])
        if value >= 1 << 31:
            raise AsmError(31, "SELF-DEFINING TERM TOO LARGE")
        return Value(value)

    def _quoted(self, kind: str) -> Value:
        end = quoted_end(self.text, self.at + 1)
        body = self.text[self.at + 2 : end]
        self.at = end + 1
        return Value(self_defining(kind, body))

    def _literal(self) -> Value:
        assert self.literal is not None
        end = constant_end(self.text, self.at + 1)
        literal = self.text[self.at : end]
        self.at = end
        return self.literal(literal)


def quoted_end(text: str, start: int) -> int:
    """The index of the quote closing the string that opens at ``start``."""
    at = start + 1
    while at < len(text):
        if text[at] == "'":
            if text[at + 1 : at + 2] == "'":
                at += 2
                continue
            return at
        at += 1
    raise AsmError(40, "MISSING QUOTE")


def constant_end(text: str, start: int) -> int:
    """Where a DC-style operand beginning at ``start`` ends (after its '..' or (..))."""
    at = start
    while at < len(text) and text[at] not in "'(":
        if text[at] in ",)":
            return at
        at += 1
    if at < len(text) and text[at] == "(" and at > start and text[at - 1] == "L":
        at = _close_paren(text, at) + 1  # a length modifier L(expr)
        while at < len(text) and text[at] not in "'(":
            at += 1
    if at >= len(text):
        return at
    if text[at] == "'":
        return quoted_end(text, at) + 1
    return _close_paren(text, at) + 1


def _close_paren(text: str, at: int) -> int:
    depth = 0
    while at < len(text):
        if text[at] == "(":
            depth += 1
        elif text[at] == ")":
            depth -= 1
            if depth == 0:
                return at
        elif text[at] == "'":
            at = quoted_end(text, at)
        at += 1
    raise AsmError(37, "UNBALANCED PARENTHESES")
