"""Command lines as CMS sees them: the tokenized parameter list (reference/cp-cms.md 9.3).

R6 CMS (DMSINT, DMSSCN) folds the line to upper case and scans it into
8-character tokens: words longer than 8 are truncated, ``(`` and ``)`` are
tokens of their own. Options follow an opening parenthesis; the closing one
is optional.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Call", "options_of", "tokenize"]


def tokenize(line: str) -> list[str]:
    """Upper-cased tokens of at most 8 characters; parentheses stand alone."""
    spaced = line.upper().replace("(", " ( ").replace(")", " ) ")
    return [word[:8] for word in spaced.split()]


def options_of(tokens: list[str]) -> tuple[list[str], list[str]]:
    """(operands before ``(``, options after it without a closing ``)``)."""
    if "(" not in tokens:
        return list(tokens), []
    at = tokens.index("(")
    options = [token for token in tokens[at + 1 :] if token != ")"]
    return tokens[:at], options


@dataclass
class Call:
    """One command as a command handler gets it."""

    name: str  # the real command name (after abbreviation and synonym lookup)
    args: list[str]  # the tokens after the name
    text: str = ""  # the rest of the line as typed, upper-cased (CP passes it on)
    from_exec: bool = False
    nomsg: bool = False  # &CONTROL NOMSG: no FILE NOT FOUND message
    operands: list[str] = field(init=False)
    options: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.operands, self.options = options_of(self.args)
