"""Scanning of EXEC 1 lines into 8-character tokens, and the small value rules
every statement shares (VM/370 R6 CMS Command and Macro Reference, section 5
"EXEC Control Statements"; CMS User's Guide, "Using the EXEC facility").

A line is broken at blanks; ``(`` and ``)`` are tokens of their own; every
token is truncated to 8 characters (``EXAGGERATED`` scans as ``EXAGGERA``).
Values are at most 8 characters; a value is numeric when it is digits with an
optional sign. Character comparisons use the EBCDIC collating sequence on
blank-padded 8-byte fields, as the interpreter compares doublewords.
"""

from __future__ import annotations

import re

from .errors import ExecError, ExecErrorKind

TOKEN_LENGTH = 8
SCAN_COLUMNS_FIXED = 72
MAX_RECORD = 130

_NUMBER = re.compile(r"[+-]?[0-9]+")
_VARIABLE = re.compile(r"&[A-Za-z0-9#@$_]{1,7}")
_SPECIAL_NAMES = frozenset({"&*", "&$", "&DISK*", "&DISK?"})

# Names longer than 8 characters are met truncated, as every token is:
# &BEGSTACK is scanned as &BEGSTAC, &READFLAG as &READFLA.
CONTROL_WORDS = frozenset(
    word[:TOKEN_LENGTH]
    for word in {
        "&ARGS", "&BEGEMSG", "&BEGPUNCH", "&BEGSTACK", "&BEGTYPE", "&CONTINUE",
        "&CONTROL", "&EMSG", "&END", "&ERROR", "&EXIT", "&GOTO", "&HEX", "&IF",
        "&LOOP", "&PUNCH", "&READ", "&SKIP", "&SPACE", "&STACK", "&TIME", "&TYPE",
    }
)  # fmt: skip
FUNCTION_WORDS = frozenset(
    word[:TOKEN_LENGTH] for word in ("&CONCAT", "&DATATYPE", "&LENGTH", "&LITERAL", "&SUBSTR")
)

# Comparison operators of &IF and &LOOP, words and symbols, to one name.
OPERATORS = {
    "EQ": "EQ", "=": "EQ",
    "NE": "NE", "¬=": "NE", "^=": "NE", "\\=": "NE",
    "LT": "LT", "<": "LT",
    "LE": "LE", "<=": "LE",
    "GT": "GT", ">": "GT",
    "GE": "GE", ">=": "GE",
}  # fmt: skip


def scan(text: str) -> list[str]:
    """Break a line into tokens, each truncated to 8 characters."""
    spaced = text.replace("(", " ( ").replace(")", " ) ")
    return [word[:TOKEN_LENGTH] for word in spaced.split(" ") if word]


def scanned_text(record: str, recfm: str) -> str:
    """The part of a record the interpreter scans (columns 1-72 when fixed)."""
    if recfm.upper() == "F":
        return record[:SCAN_COLUMNS_FIXED]
    return record[:MAX_RECORD]


def is_number(value: str) -> bool:
    """True for digits with an optional leading sign."""
    return _NUMBER.fullmatch(value) is not None


def to_number(value: str) -> int:
    """The integer value of a numeric token, else a conversion error."""
    if not is_number(value):
        raise ExecError(ExecErrorKind.CONVERSION, value)
    return int(value)


def is_variable_name(name: str) -> bool:
    """True for ``&`` and 1-7 name characters, or one of the special names."""
    return name in _SPECIAL_NAMES or _VARIABLE.fullmatch(name) is not None


def clip(value: str) -> str:
    """A value as the interpreter holds it: at most 8 characters."""
    return value[:TOKEN_LENGTH]


def number_value(number: int) -> str:
    """An integer as an 8-character value."""
    return clip(str(number))


def _ebcdic_field(value: str) -> bytes:
    return value.ljust(TOKEN_LENGTH).encode("cp037", errors="replace")


def _order(left: str, right: str) -> int:
    if is_number(left) and is_number(right):
        a, b = int(left), int(right)
        return (a > b) - (a < b)
    x, y = _ebcdic_field(left), _ebcdic_field(right)
    return (x > y) - (x < y)


def compare(left: str, operator: str, right: str) -> bool:
    """Compare numerically when both are numbers, else in EBCDIC order."""
    order = _order(left, right)
    results = {
        "EQ": order == 0, "NE": order != 0, "LT": order < 0,
        "LE": order <= 0, "GT": order > 0, "GE": order >= 0,
    }  # fmt: skip
    return results[operator]


def hex_to_decimal(token: str) -> str:
    """``X'hhhhhh`` (up to six hex digits) on the right of an assignment."""
    digits = token[2:]
    if not 1 <= len(digits) <= 6 or any(c not in "0123456789ABCDEFabcdef" for c in digits):
        raise ExecError(ExecErrorKind.CONVERSION, token)
    return str(int(digits, 16))


def decimal_to_hex(token: str) -> str:
    """``X'nnn`` elsewhere: the decimal digits after ``X'`` shown in hex."""
    digits = token[2:]
    if not digits or not digits.isdigit() or not digits.isascii():
        raise ExecError(ExecErrorKind.CONVERSION, token)
    return format(int(digits), "X")
