"""The macro language: definitions, calls, conditional assembly and COPY.

OS/VS - VM/370 Assembler Language (GC33-4010), part 2 ("The Macro
Facility"): a definition is MACRO, a prototype (``&LABEL name &POS,&KEY=dflt``),
model statements and MEND. A call binds positional operands in order
(a sublist ``(a,b)`` is addressed as ``&P(n)``), keyword operands by name
(with their defaults), ``&SYSNDX`` (a four-digit count of the calls so far)
and ``&SYSLIST(n)``. In model statements ``&NAME`` is replaced by its value
(a period after it concatenates), ``&&`` stays for the assembler.
Conditional assembly works in macros and open code: GBLA/B/C, LCLA/B/C,
SETA (arithmetic), SETB (``(x EQ y)``, AND, OR, NOT), SETC (quoted strings,
``.`` concatenation, ``'..'(start,length)`` substrings), AIF, AGO, ANOP
with sequence symbols, ACTR (default 4096 branches), MEXIT, and MNOTE
(``severity,'text'``). Attributes K' (characters), N' (sublist items) and T'
(``O`` omitted, ``N`` a number, ``U`` otherwise) may be used on parameters.
COPY brings in a library member. Macros not defined in the source come from
the macro libraries through a lookup the caller gives. Expansion happens
before the assembler's two passes (as Assembler F's macro phase does), so
the type attribute of ordinary symbols is not known (best estimate: ``U``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from guests.cms.assembler.expressions import (
    AsmError,
    Scanner,
    Value,
    is_attribute_quote,
    quoted_end,
    split_operands,
)
from guests.cms.assembler.statements import Statement, read_statements, split_fields

__all__ = ["Expansion", "MacroDefinition", "expand"]

Library = Callable[[str], list[str] | None]
MAX_DEPTH = 50
DEFAULT_ACTR = 4096
MAX_STATEMENTS = 100_000
VARIABLE = re.compile(r"&([A-Z@#$_][A-Z0-9@#$_]*)")


@dataclass
class MacroDefinition:
    name: str
    label: str  # the name-field parameter (without &), or ""
    positional: list[str]
    keywords: dict[str, str]
    body: list[Statement]


@dataclass
class Expansion:
    statements: list[Statement]
    library_records: int = 0


@dataclass
class _Frame:
    """The variables of one macro expansion (or of open code)."""

    local: dict[str, int | bool | str | list[str]] = field(default_factory=dict)
    actr: int = DEFAULT_ACTR


class _Stop(Exception):
    """MEXIT, or the end of the branch count (ACTR)."""


class Expander:
    def __init__(self, library: Library | None, reserved: set[str]) -> None:
        self.library = library
        self.reserved = reserved  # machine and assembler operation codes
        self.macros: dict[str, MacroDefinition] = {}
        self.globals: dict[str, int | bool | str] = {}
        self.output: list[Statement] = []
        self.sysndx = 0
        self.library_records = 0
        self.missing: set[str] = set()

    # -- definitions ---------------------------------------------------------

    def _definition(self, statements: list[Statement], start: int) -> int:
        """Read MACRO ... MEND from ``statements[start]``; the index after MEND."""
        index, depth = start + 1, 1
        body: list[Statement] = []
        while index < len(statements):
            statement = statements[index]
            if statement.operation == "MACRO":
                depth += 1
            elif statement.operation == "MEND":
                depth -= 1
            body.append(statement)  # MEND too: it may carry a sequence symbol
            if depth == 0:
                break
            index += 1
        if not body or body[0].operation == "MEND":
            raise AsmError(161, "MACRO DEFINITION HAS NO PROTOTYPE")
        self._define(body[0], body[1:])
        return index + 1

    def _define(self, prototype: Statement, body: list[Statement]) -> None:
        name = prototype.operation
        if not name or name.startswith("&"):
            raise AsmError(162, f"INVALID MACRO PROTOTYPE {name}")
        label = prototype.name[1:] if prototype.name.startswith("&") else ""
        positional: list[str] = []
        keywords: dict[str, str] = {}
        for operand in split_operands(prototype.operands) if prototype.operands else []:
            key, equals, default = operand.partition("=")
            if not key.startswith("&") or not VARIABLE.fullmatch(key):
                raise AsmError(162, f"INVALID MACRO PROTOTYPE OPERAND {operand}")
            if equals:
                keywords[key[1:]] = default
            else:
                positional.append(key[1:])
        self.macros[name] = MacroDefinition(name, label, positional, keywords, body)

    def _from_library(self, name: str) -> MacroDefinition | None:
        if self.library is None or name in self.missing:
            return None
        records = self.library(name)
        if records is None:
            self.missing.add(name)
            return None
        self.library_records += len(records)
        statements = read_statements(records)
        index = 0
        while index < len(statements):
            if statements[index].operation == "MACRO":
                index = self._definition(statements, index)
            else:
                index += 1
        return self.macros.get(name)

    # -- running statements --------------------------------------------------

    def run(self, statements: list[Statement], frame: _Frame, depth: int) -> None:
        """Process statements: definitions, conditional assembly, calls, model text."""
        labels = {s.name: i for i, s in enumerate(statements) if s.name.startswith(".")}
        index = 0
        while index < len(statements):
            if len(self.output) > MAX_STATEMENTS:
                raise AsmError(163, "TOO MANY GENERATED STATEMENTS", 16)
            statement = statements[index]
            try:
                index = self._one(statements, index, frame, depth, labels)
            except AsmError as error:
                self._emit(statement, depth, error=error)
                index += 1
                if depth > 0 and statement.operation in CONDITIONAL_FLOW:
                    return  # a broken condition would only cascade: end this expansion

    def _one(self, statements: list[Statement], index: int, frame: _Frame, depth: int,
             labels: dict[str, int]) -> int:  # fmt: skip
        statement = statements[index]
        operation = statement.operation
        if statement.comment:
            if depth == 0 or not statement.text.startswith(".*"):
                self._emit(statement, depth)
            return index + 1
        if operation == "MACRO":
            self._emit(statement, depth, call=True)
            return self._definition(statements, index)
        if operation in ("AIF", "AGO"):
            if depth == 0:
                self._emit(statement, depth, call=True)
            target = self._branch(statement, frame)
            if target is None:
                return index + 1
            if target not in labels:
                raise AsmError(164, f"UNDEFINED SEQUENCE SYMBOL {target}")
            frame.actr -= 1
            if frame.actr < 0:
                raise AsmError(165, "ACTR COUNT EXCEEDED", 12)
            return labels[target]
        if operation in CONDITIONAL:
            CONDITIONAL[operation](self, statement, frame)
            if depth == 0:
                self._emit(statement, depth, call=True)
            return index + 1
        if operation in ("MEXIT", "MEND") and depth > 0:
            return len(statements)
        if operation == "MNOTE":
            self._mnote(statement, frame, depth)
            return index + 1
        model = self._substituted(statement, frame) if depth > 0 else statement
        if model.operation == "COPY":
            self._emit(model, depth, call=True)
            self._copy(model, frame, depth)
            return index + 1
        if model.operation not in self.reserved:
            definition = self.macros.get(model.operation) or self._from_library(model.operation)
            if definition is not None:
                self._emit(model, depth, call=True)
                self._call(definition, model, depth + 1)
                return index + 1
        self._emit(model, depth)
        return index + 1

    def _emit(self, statement: Statement, depth: int, *, call: bool = False,
              error: AsmError | None = None) -> None:  # fmt: skip
        copy = Statement(0, statement.text, statement.name, statement.operation,
                         statement.operands, statement.comment, statement.records,
                         statement.error)  # fmt: skip
        copy.generated = depth > 0
        copy.macro_call = call
        if statement.operation in ("CSECT", "START", "DSECT") and statement.name:
            self.globals[" SECT"] = statement.name
        copy.sequence = statement.name.startswith(".")
        if copy.sequence:
            copy.name = ""
        if error is not None:
            copy.error = error.text
            copy.severity = error.severity
            copy.macro_call = True  # not assembled
        self.output.append(copy)

    def _copy(self, statement: Statement, frame: _Frame, depth: int) -> None:
        name = statement.operands.strip()
        records = self.library(name) if self.library is not None else None
        if records is None:
            raise AsmError(166, f"COPY MEMBER {name} NOT FOUND")
        self.library_records += len(records)
        if depth > MAX_DEPTH:
            raise AsmError(167, "MACRO NESTING TOO DEEP", 12)
        self.run(read_statements(records), frame, depth)

    # -- calls ----------------------------------------------------------------

    def _call(self, definition: MacroDefinition, call: Statement, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise AsmError(167, "MACRO NESTING TOO DEEP", 12)
        self.sysndx += 1
        frame = _Frame()
        frame.local["SYSNDX"] = f"{self.sysndx:04d}"
        frame.local["SYSECT"] = str(self.globals.get(" SECT", ""))
        if definition.label:
            frame.local[definition.label] = call.name
        frame.local.update(definition.keywords)
        positional: list[str] = []
        unknown: list[str] = []
        for operand in split_operands(call.operands) if call.operands else []:
            key, equals, value = operand.partition("=")
            if equals and key in definition.keywords:
                frame.local[key] = value
            elif equals and VARIABLE.fullmatch("&" + key):
                unknown.append(key)  # a keyword the prototype does not have
            else:
                positional.append(operand)
        for key in unknown:
            self._warn(f"UNDEFINED KEYWORD {key} IN MACRO {definition.name}", 8, depth)
        frame.local["SYSLIST"] = positional
        for index, name in enumerate(definition.positional):
            frame.local[name] = positional[index] if index < len(positional) else ""
        if len(positional) > len(definition.positional):
            self._warn("MORE POSITIONAL OPERANDS THAN THE PROTOTYPE HAS", 4, depth)
        self.run(definition.body, frame, depth)

    def _warn(self, text: str, severity: int, depth: int) -> None:
        """A message about a macro call, flagged on a line of its own."""
        self._emit(Statement(0, "", comment=True), depth)
        self.output[-1].error, self.output[-1].severity = text, severity

    def _branch(self, statement: Statement, frame: _Frame) -> str | None:
        text = statement.operands
        if statement.operation == "AGO":
            return text.strip()
        if not text.startswith("("):
            raise AsmError(168, "AIF NEEDS A CONDITION IN PARENTHESES")
        close = _matching(text, 0)
        condition = self._substitute(text[1:close], frame, conditional=True, double=True)
        return text[close + 1 :].strip() if _logical(condition) else None

    def _mnote(self, statement: Statement, frame: _Frame, depth: int) -> None:
        text = self._substitute(statement.operands, frame) if depth else statement.operands
        severity, comma, message = text.partition(",")
        if not comma or not message.startswith("'"):
            severity, message = "1", text
        message = message.strip()
        if message.startswith("'") and message.endswith("'") and len(message) > 1:
            message = message[1:-1].replace("''", "'").replace("&&", "&")
        emitted = Statement(0, f"{'':<8} MNOTE {text}".rstrip(), comment=True)
        emitted.generated = depth > 0
        self.output.append(emitted)
        if severity.strip() != "*":
            level = int(severity) if severity.strip().isdigit() else 1
            emitted.error = message
            emitted.severity = min(level, 255)
            emitted.mnote = True

    # -- substitution -----------------------------------------------------------

    def _substituted(self, statement: Statement, frame: _Frame) -> Statement:
        text = _joined(statement)
        replaced = self._substitute(text, frame)
        model = Statement(0, replaced.rstrip())
        split_fields(model, replaced)
        if not model.comment:
            model.text = f"{model.name:<8} {model.operation:<5} {model.operands}".rstrip()
        return model

    def _substitute(self, text: str, frame: _Frame, *, conditional: bool = False,
                    double: bool = False) -> str:  # fmt: skip
        out, at = [], 0
        while at < len(text):
            char = text[at]
            if char == "&" and text[at + 1 : at + 2] == "&":
                out.append("&&")
                at += 2
                continue
            if conditional and char in "KNT" and text[at + 1 : at + 3] == "'&":
                match = VARIABLE.match(text, at + 2)
                if match is not None and (at == 0 or not text[at - 1].isalnum()):
                    value = self._value(match.group(1), frame)
                    out.append(_attribute(char, value))
                    at = match.end()
                    continue
            match = VARIABLE.match(text, at) if char == "&" else None
            if match is None:
                out.append(char)
                at += 1
                continue
            value = self._value(match.group(1), frame)
            at = match.end()
            if text[at : at + 1] == "(" and isinstance(value, list | str):
                close = _matching(text, at)
                item = _evaluate(self._substitute(text[at + 1 : close], frame, conditional=True))
                value = _subscript(value, item)
                at = close + 1
            if text[at : at + 1] == ".":
                at += 1
            out.append(_text(value).replace("'", "''") if double else _text(value))
        return "".join(out)

    def _value(self, name: str, frame: _Frame) -> int | bool | str | list[str]:
        if name in frame.local:
            return frame.local[name]
        if name in self.globals:
            return self.globals[name]
        raise AsmError(169, f"UNDEFINED VARIABLE SYMBOL &{name}")

    def _store(self, statement: Statement, frame: _Frame, value: int | bool | str) -> None:
        name = statement.name
        if not VARIABLE.fullmatch(name):
            raise AsmError(170, f"INVALID SET SYMBOL {name or '(NONE)'}")
        key = name[1:]
        if key in frame.local or key not in self.globals:
            frame.local[key] = value
        else:
            self.globals[key] = value


def _joined(statement: Statement) -> str:
    """Name, operation and operands (remarks are not substituted)."""
    name = "" if statement.name.startswith(".") else statement.name
    return f"{name:<8} {statement.operation:<5} {statement.operands}"


def _matching(text: str, at: int) -> int:
    depth = 0
    index = at
    while index < len(text):
        if text[index] == "'" and not is_attribute_quote(text, index):
            index = quoted_end(text, index)
        elif text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    raise AsmError(37, "UNBALANCED PARENTHESES")


def _text(value: int | bool | str | list[str]) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return ",".join(value)
    return str(value)


def _items(value: int | bool | str | list[str]) -> list[str]:
    if isinstance(value, list):
        return value
    text = _text(value)
    if text.startswith("(") and text.endswith(")"):
        return split_operands(text[1:-1])
    return [text] if text else []


def _subscript(value: int | bool | str | list[str], item: int) -> str:
    items = _items(value)
    if isinstance(value, str) and not (value.startswith("(") and value.endswith(")")):
        return value if item == 1 else ""
    return items[item - 1] if 1 <= item <= len(items) else ""


def _attribute(kind: str, value: int | bool | str | list[str]) -> str:
    text = _text(value)
    if kind == "K":
        return str(len(text))
    if kind == "N":
        return str(len(_items(value)))
    if not text:
        return "'O'"
    return "'N'" if text.lstrip("+-").isdigit() else "'U'"


def _evaluate(text: str) -> int:
    """A SETA expression (after substitution): integers, + - * / and parentheses."""
    def no_symbols(name: str) -> Value:
        raise AsmError(171, f"SYMBOL {name} IN AN ARITHMETIC EXPRESSION")

    value = Scanner(text.strip(), no_symbols, lambda name: 1, Value(0)).evaluate()
    return value.value


def _setc(text: str) -> str:
    """A SETC operand: quoted strings joined by periods, each with an optional (start,length)."""
    text, result, at = text.strip(), "", 0
    while at < len(text):
        if text[at] != "'":
            raise AsmError(172, f"INVALID SETC OPERAND {text}")
        end = quoted_end(text, at)
        piece = text[at + 1 : end].replace("''", "'")
        at = end + 1
        if text[at : at + 1] == "(":
            close = _matching(text, at)
            start, _, length = text[at + 1 : close].partition(",")
            first, count = _evaluate(start), _evaluate(length or "1")
            piece = piece[first - 1 : first - 1 + count] if first >= 1 and count >= 0 else ""
            at = close + 1
        result += piece
        if text[at : at + 1] == ".":
            at += 1
    return result


TOKEN = re.compile(r"'(?:[^']|'')*'|\(|\)|[A-Z0-9@#$_]+|[-+*/,]")
RELATIONS = {"EQ": lambda a, b: a == b, "NE": lambda a, b: a != b, "LT": lambda a, b: a < b,
             "GT": lambda a, b: a > b, "LE": lambda a, b: a <= b,
             "GE": lambda a, b: a >= b}  # fmt: skip


def _tokens(text: str) -> list[str]:
    tokens, at = [], 0
    while at < len(text):
        if text[at] == " ":
            at += 1
            continue
        match = TOKEN.match(text, at)
        if match is None:
            raise AsmError(173, f"INVALID LOGICAL EXPRESSION {text}")
        tokens.append(match.group(0))
        at = match.end()
    return tokens


def _logical(text: str) -> bool:
    """A SETB/AIF condition (after substitution)."""
    tokens = _tokens(text)
    parser = _Logic(tokens)
    value = parser.disjunction()
    if parser.at != len(tokens):
        raise AsmError(173, f"INVALID LOGICAL EXPRESSION {text}")
    return value


class _Logic:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.at = 0

    def _peek(self) -> str:
        return self.tokens[self.at] if self.at < len(self.tokens) else ""

    def disjunction(self) -> bool:
        value = self.conjunction()
        while self._peek() == "OR":
            self.at += 1
            right = self.conjunction()
            value = value or right
        return value

    def conjunction(self) -> bool:
        value = self.negation()
        while self._peek() == "AND":
            self.at += 1
            right = self.negation()
            value = value and right
        return value

    def negation(self) -> bool:
        if self._peek() == "NOT":
            self.at += 1
            return not self.negation()
        return self.relation()

    def relation(self) -> bool:
        if self._peek() == "(" and self._is_group():
            self.at += 1
            value = self.disjunction()
            if self._peek() != ")":
                raise AsmError(37, "UNBALANCED PARENTHESES")
            self.at += 1
            return value
        left = self.operand()
        if self._peek() in RELATIONS:
            relation = RELATIONS[self.tokens[self.at]]
            self.at += 1
            right = self.operand()
            if type(left) is not type(right):
                raise AsmError(174, "COMPARISON OF A STRING WITH A NUMBER")
            return bool(relation(left, right))  # type: ignore[no-untyped-call]
        if isinstance(left, str):
            raise AsmError(173, "A STRING IS NOT A LOGICAL VALUE")
        return left != 0

    def _is_group(self) -> bool:
        """Does the parenthesis open a logical group (not an arithmetic one)?"""
        depth, index = 0, self.at
        while index < len(self.tokens):
            token = self.tokens[index]
            depth += token == "("
            depth -= token == ")"
            if depth == 1 and token in RELATIONS | {"AND": 0, "OR": 0, "NOT": 0}:
                return True
            if depth == 0:
                return False
            index += 1
        return False

    def operand(self) -> int | str:
        token = self._peek()
        if token.startswith("'"):
            self.at += 1
            if self._peek() != "(":
                return token[1:-1].replace("''", "'")
            close = self.tokens.index(")", self.at)
            substring = "".join(self.tokens[self.at : close + 1])
            self.at = close + 1
            return _setc(token + substring)
        pieces: list[str] = []
        while self._peek() and self._peek() not in RELATIONS and self._peek() not in (
            "AND", "OR", "NOT") and not self._peek().startswith("'"):  # fmt: skip
            if self._peek() == ")" and pieces.count("(") <= pieces.count(")"):
                break
            pieces.append(self.tokens[self.at])
            self.at += 1
        if not pieces:
            raise AsmError(173, "MISSING OPERAND IN A LOGICAL EXPRESSION")
        return _evaluate("".join(pieces))


def _seta(expander: Expander, statement: Statement, frame: _Frame) -> None:
    expander._store(statement, frame, _evaluate(expander._substitute(statement.operands, frame,
                                                                    conditional=True)))


def _setb(expander: Expander, statement: Statement, frame: _Frame) -> None:
    text = expander._substitute(statement.operands, frame, conditional=True, double=True).strip()
    if text in ("0", "1"):
        expander._store(statement, frame, text == "1")
        return
    if not (text.startswith("(") and text.endswith(")")):
        raise AsmError(173, f"INVALID LOGICAL EXPRESSION {text}")
    expander._store(statement, frame, _logical(text[1:-1]))


def _setc_statement(expander: Expander, statement: Statement, frame: _Frame) -> None:
    text = expander._substitute(statement.operands, frame, conditional=True, double=True)
    expander._store(statement, frame, _setc(text))


def _declare(expander: Expander, statement: Statement, frame: _Frame) -> None:
    initials: dict[str, int | bool | str] = {"A": 0, "B": False, "C": ""}
    initial = initials[statement.operation[-1]]
    for operand in split_operands(statement.operands) if statement.operands else []:
        name = operand.split("(")[0]
        if not VARIABLE.fullmatch(name):
            raise AsmError(170, f"INVALID SET SYMBOL {operand}")
        if statement.operation.startswith("G"):
            expander.globals.setdefault(name[1:], initial)
            frame.local.pop(name[1:], None)
        else:
            frame.local[name[1:]] = initial


def _actr(expander: Expander, statement: Statement, frame: _Frame) -> None:
    frame.actr = _evaluate(expander._substitute(statement.operands, frame, conditional=True))


def _anop(expander: Expander, statement: Statement, frame: _Frame) -> None:
    return


CONDITIONAL_FLOW = {"AIF", "AGO", "SETA", "SETB", "SETC", "ACTR"}
CONDITIONAL: dict[str, Callable[[Expander, Statement, _Frame], None]] = {
    "SETA": _seta, "SETB": _setb, "SETC": _setc_statement, "GBLA": _declare, "GBLB": _declare,
    "GBLC": _declare, "LCLA": _declare, "LCLB": _declare, "LCLC": _declare, "ACTR": _actr,
    "ANOP": _anop,
}  # fmt: skip


def expand(records: list[str], library: Library | None, reserved: set[str]) -> Expansion:
    """Expand the macros and conditional assembly of a source file."""
    expander = Expander(library, reserved)
    statements = read_statements(records)
    frame = _Frame()
    try:
        expander.run(statements, frame, 0)
    except AsmError as error:
        stop = Statement(0, "", comment=True)
        stop.error, stop.severity = error.text, error.severity
        expander.output.append(stop)
    for number, statement in enumerate(expander.output, 1):
        statement.number = number
    return Expansion(expander.output, expander.library_records)
