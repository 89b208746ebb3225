"""EXEC 1 interpreter errors and their message (VM/370 R6 CMS Command and Macro
Reference, GC20-1818, "EXEC" command, error messages; EXEC User's Guide).

When the interpreter finds an error it displays

    DMSEXT072E ERROR IN EXEC FILE fn, LINE nnnn - description

and the EXEC ends with a return code in the 800 range that names the error.
The message text and the first five descriptions, in this order, come from
the R6 manual. Its scanned page shows the number as "012E"; 072E is used
here as the likelier reading (unverified). The codes 801-805, the four-digit
line number and the rest of the table are best estimates too (reference
section 15 item 3), kept in this one place so they can be corrected
together.
"""

from __future__ import annotations

import enum

MESSAGE_ID = "DMSEXT072E"


class ExecErrorKind(enum.Enum):
    """One interpreter error: its return code and its description."""

    FILE_NOT_FOUND = (801, "FILE NOT FOUND")
    SKIP_OR_GOTO = (802, "&SKIP OR &GOTO ERROR")
    BAD_FILE_FORMAT = (803, "BAD FILE FORMAT")
    TOO_MANY_ARGUMENTS = (804, "TOO MANY ARGUMENTS")
    LOOP_NESTING = (805, "MAX DEPTH OF LOOP NESTING EXCEEDED")
    RECURSION = (806, "MAX DEPTH OF EXEC RECURSION EXCEEDED")
    INVALID_SYNTAX = (807, "INVALID SYNTAX")
    CONVERSION = (809, "CONVERSION ERROR")
    EOF_IN_LOOP = (810, "EOF FOUND IN LOOP")
    INVALID_ASSIGNMENT = (811, "INVALID ASSIGNMENT")

    @property
    def return_code(self) -> int:
        return self.value[0]

    @property
    def description(self) -> str:
        return self.value[1]


class ExecError(Exception):
    """An error found by the interpreter; it ends the EXEC with a message."""

    def __init__(self, kind: ExecErrorKind, detail: str = "") -> None:
        super().__init__(f"{kind.description}{': ' + detail if detail else ''}")
        self.kind = kind
        self.detail = detail

    @property
    def return_code(self) -> int:
        return self.kind.return_code


class ExecExit(Exception):
    """Raised by &EXIT (and by a failing command in an &ERROR action)."""

    def __init__(self, return_code: int) -> None:
        super().__init__(f"exit {return_code}")
        self.return_code = return_code


def error_text(filename: str, line_number: int, kind: ExecErrorKind) -> str:
    """The text after the message identifier of DMSEXT072E."""
    return f"ERROR IN EXEC FILE {filename}, LINE {line_number:04d} - {kind.description}"
