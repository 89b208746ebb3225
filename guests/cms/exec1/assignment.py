"""EXEC 1 assignment statements and built-in functions (VM/370 R6 CMS Command
and Macro Reference, section 5, "Assignment Statements" and "Built-in
Functions": &CONCAT, &DATATYPE, &LENGTH, &LITERAL, &SUBSTR).

Forms on the right of ``=``: one token (a string or a number, at most 8
characters); an arithmetic expression ``n1 op n2 [op n3 ...]``, evaluated
left to right, whose operators are ``+`` and ``-`` only in Release 6 (the
R6 manual: "separated by plus or minus signs"; ``*`` and ``/`` came with
later releases); a built-in function; with &HEX ON, ``X'hhhhhh`` converted
from hexadecimal to decimal. A result must fit the 8 characters of a value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .errors import ExecError, ExecErrorKind
from .scanner import (
    clip,
    hex_to_decimal,
    is_number,
    is_variable_name,
    number_value,
    to_number,
)

if TYPE_CHECKING:
    from .interpreter import Interpreter

ARITHMETIC_OPERATORS = frozenset({"+", "-"})
SMALLEST, LARGEST = -9_999_999, 99_999_999  # what 8 characters can hold


def assign(interpreter: Interpreter, raw: Sequence[str]) -> None:
    """``&var = ...``: evaluate the right side and set the variable."""
    variables = interpreter.variables
    name = variables.target(raw[0])
    # A control word followed by "=" is an assignment too (R6: to stack "=",
    # put it in a variable first); it sets a variable of that name.
    if not is_variable_name(name):
        raise ExecError(ExecErrorKind.INVALID_ASSIGNMENT, name)
    variables.assign(name, evaluate(interpreter, raw[2:]))


def evaluate(interpreter: Interpreter, raw: Sequence[str]) -> str:
    """The value of the right side of an assignment."""
    if raw and raw[0] == "&LITERAL":
        return raw[1] if len(raw) > 1 else ""
    if raw and raw[0] in FUNCTIONS:
        arguments = interpreter.variables.substitute_all(raw[1:], hex_display=False)
        return clip(FUNCTIONS[raw[0]](arguments))
    tokens = interpreter.variables.substitute_all(raw, hex_display=False)
    if interpreter.variables.hex_on:
        tokens = [hex_to_decimal(t) if t[:2] in ("X'", "x'") else t for t in tokens]
    if not tokens:
        return ""
    if len(tokens) == 1:
        return tokens[0]
    return number_value(arithmetic(tokens))


def arithmetic(tokens: Sequence[str]) -> int:
    """``n1 op n2 op n3 ...`` left to right, without precedence."""
    if len(tokens) % 2 == 0:
        raise ExecError(ExecErrorKind.INVALID_ASSIGNMENT, " ".join(tokens))
    result = to_number(tokens[0])
    for position in range(1, len(tokens), 2):
        operator, operand = tokens[position], to_number(tokens[position + 1])
        if operator not in ARITHMETIC_OPERATORS:
            raise ExecError(ExecErrorKind.INVALID_ASSIGNMENT, operator)
        result = _apply(result, operator, operand)
    return result


def _apply(left: int, operator: str, right: int) -> int:
    result = left + right if operator == "+" else left - right
    if not SMALLEST <= result <= LARGEST:
        raise ExecError(ExecErrorKind.CONVERSION, "overflow")
    return result


# ------------------------------------------------------------- functions
def _concat(arguments: Sequence[str]) -> str:
    return "".join(arguments)


def _datatype(arguments: Sequence[str]) -> str:
    if len(arguments) > 1:
        raise ExecError(ExecErrorKind.INVALID_SYNTAX, "&DATATYPE")
    return "NUM" if arguments and is_number(arguments[0]) else "CHAR"


def _length(arguments: Sequence[str]) -> str:
    if len(arguments) > 1:
        raise ExecError(ExecErrorKind.INVALID_SYNTAX, "&LENGTH")
    return str(len(arguments[0].replace(" ", ""))) if arguments else "0"


def _substr(arguments: Sequence[str]) -> str:
    """``&SUBSTR tok i [n]``: n characters (or the rest) from position i."""
    if not 2 <= len(arguments) <= 3:
        raise ExecError(ExecErrorKind.INVALID_SYNTAX, "&SUBSTR")
    token, start = arguments[0], to_number(arguments[1])
    count = to_number(arguments[2]) if len(arguments) == 3 else len(token) - start + 1
    if start < 1 or start > len(token) or count < 1:
        raise ExecError(ExecErrorKind.INVALID_SYNTAX, "&SUBSTR")
    return token[start - 1 : start - 1 + count]


FUNCTIONS: dict[str, Callable[[Sequence[str]], str]] = {
    clip(name): function
    for name, function in (
        ("&CONCAT", _concat),
        ("&DATATYPE", _datatype),
        ("&LENGTH", _length),
        ("&SUBSTR", _substr),
    )
}
