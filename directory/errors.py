"""Findings about a USER DIRECT file: errors that stop a load, warnings that do not.

R6's directory program validates every card before it stops, and any error
keeps the old directory (Planning and System Generation Guide, "Directory
Control Statements"); so one `DirectoryError` carries every error found.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DirectoryError", "Issue"]


@dataclass(frozen=True)
class Issue:
    """One finding: the card's line number (1-based; 0 = the whole file), its text, and why."""

    line: int
    statement: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        text = f"{where}: {self.message}"
        return f"{text}: {self.statement}" if self.statement else text


class DirectoryError(Exception):
    """A directory that CP could not use; `errors` lists every problem found.

    `warnings` holds what the checks found besides, for a full report.
    """

    def __init__(self, errors: list[Issue], warnings: list[Issue] | None = None) -> None:
        self.errors = list(errors)
        self.warnings = list(warnings or [])
        first = str(self.errors[0]) if self.errors else "invalid directory"
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(first + more)
