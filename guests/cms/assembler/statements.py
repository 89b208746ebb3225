"""Source statements: fixed-format 80-column records into name, operation, operands.

GC33-4010, "Coding Conventions": columns 1-71 hold the statement, a
non-blank column 72 continues it on the next record, whose text starts in
column 16; columns 73-80 are the identification-sequence field. A statement
with ``*`` in column 1 (or ``.*``) is a comment. The name begins in column
1; the operands end at the first blank outside a quoted string, and what
follows is a remark.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Statement", "read_statements", "split_fields"]

MAX_CONTINUATIONS = 2  # GC33-4010: two continuation lines for machine statements


@dataclass
class Statement:
    number: int
    text: str  # the statement as listed (first record's columns 1-80)
    name: str = ""
    operation: str = ""
    operands: str = ""
    comment: bool = False
    records: int = 1
    error: str = ""  # a problem found while reading (continuation) or expanding
    severity: int = 8  # of that problem
    generated: bool = False  # made by a macro expansion (listed with +)
    macro_call: bool = False  # handled by the macro phase: listed, not assembled
    sequence: bool = False  # had a sequence symbol (.NAME) in the name field
    mnote: bool = False  # the error is an MNOTE's message


def read_statements(records: list[str]) -> list[Statement]:
    """Join continued records and split every statement into its fields."""
    statements: list[Statement] = []
    index = 0
    while index < len(records):
        first = records[index].ljust(80)
        statement = Statement(len(statements) + 1, first.rstrip())
        text = first[:71]
        index += 1
        continued = first[71] != " "
        while continued and index < len(records):
            line = records[index].ljust(80)
            if line[:15].strip():
                statement.error = "CONTINUATION DOES NOT BEGIN IN COLUMN 16"
            text = text.rstrip() + line[15:71].lstrip() if text.rstrip().endswith(",") else (
                text + line[15:71])  # fmt: skip
            statement.records += 1
            continued = line[71] != " "
            index += 1
        if statement.records > MAX_CONTINUATIONS + 1:
            statement.error = statement.error or "TOO MANY CONTINUATION LINES"
        split_fields(statement, text)
        statements.append(statement)
    return statements


def split_fields(statement: Statement, text: str) -> None:
    if text.startswith("*") or text.startswith(".*") or not text.strip():
        statement.comment = True
        return
    name, rest = "", text
    if not text.startswith(" "):
        name, _, rest = text.partition(" ")
    operation, _, rest = rest.strip().partition(" ")
    statement.name = name.upper()
    statement.operation = operation.upper()
    blanks_in_parentheses = statement.operation in ("AIF", "SETB", "SETA")
    statement.operands = _upper_outside_quotes(_operand_field(rest.lstrip(), blanks_in_parentheses))


def _upper_outside_quotes(text: str) -> str:
    """Symbols and terms in upper case; quoted strings (C'..') as written."""
    pieces, quoted, start = [], False, 0
    for index, char in enumerate(text):
        if char == "'" and (quoted or not _attribute(text, index)):
            piece = text[start:index]
            pieces.append(piece if quoted else piece.upper())
            start, quoted = index, not quoted
    piece = text[start:]
    pieces.append(piece if quoted else piece.upper())
    return "".join(pieces)


def _operand_field(text: str, blanks_in_parentheses: bool = False) -> str:
    """The operands: up to the first blank that is not inside quotes (or, in the
    logical expressions of AIF and SETB, inside parentheses)."""
    quoted, depth = False, 0
    for index, char in enumerate(text):
        if char == "'" and (quoted or not _attribute(text, index)):
            quoted = not quoted
        elif not quoted and char in "()" and blanks_in_parentheses:
            depth += 1 if char == "(" else -1
        elif char == " " and not quoted and depth <= 0:
            return text[:index]
    return text.rstrip()


def _attribute(text: str, index: int) -> bool:
    if index == 0 or text[index - 1] not in "LTKNIS":
        return False
    return index == 1 or not (text[index - 2].isalnum() or text[index - 2] in "@#$_")
