"""EXEC 1 variables, special variables and substitution (VM/370 R6 CMS Command
and Macro Reference, section 5, "EXEC Special Variables"; CMS User's Guide,
"Variable symbols").

A variable is ``&`` and up to seven characters. A token is substituted from
its last ``&`` leftwards and rescanned after every replacement, so ``&X&I``
with ``&I = 2`` becomes ``&X2`` and then its value; a variable never assigned
is null, and a token that ends up null is dropped from the statement.
``&1``-``&30`` are the arguments (blank when fewer were passed), ``&0`` the
file name; the special variables are computed when read. ``&GLOBAL0``-
``&GLOBAL9`` are integers shared by every EXEC level.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .errors import ExecError, ExecErrorKind
from .host import ExecHost
from .scanner import clip, decimal_to_hex, is_number, is_variable_name

MAX_ARGUMENTS = 30
MAX_SUBSTITUTIONS = 64
BLANK_ARGUMENT = "%"
NULL_MARK = "\xff"

READ_ONLY = frozenset(
    clip(name)
    for name in ("&INDEX", "&EXEC", "&LINENUM", "&READFLAG", "&TYPEFLAG", "&GLOBAL", "&*", "&$")
)
COLLECTIVE = frozenset({"&*", "&$"})


@dataclass
class SharedState:
    """What all EXEC levels of one CMS machine share."""

    globals: list[int] = field(default_factory=lambda: [1] * 10)
    level: int = 0


def argument_value(token: str) -> str:
    """An argument as stored: ``%`` or a leading X'FF' make it blank."""
    if token == BLANK_ARGUMENT or token.startswith(NULL_MARK):
        return ""
    return clip(token)


class Variables:
    """The variables of one EXEC level."""

    def __init__(self, host: ExecHost, shared: SharedState, filename: str) -> None:
        self.host = host
        self.shared = shared
        self.filename = filename
        self.arguments: list[str] = [""] * MAX_ARGUMENTS
        self.argument_zero = filename
        self.index = 0
        self.collective: list[str] = []
        self.user: dict[str, str] = {}
        self.retcode = 0
        self.line_number = 0
        self.hex_on = False

    # ----------------------------------------------------------- arguments
    def set_arguments(self, tokens: Sequence[str]) -> None:
        """&ARGS, &READ ARGS and EXEC invocation: reset &1-&30 and &INDEX."""
        if len(tokens) > MAX_ARGUMENTS:
            raise ExecError(ExecErrorKind.TOO_MANY_ARGUMENTS)
        values = [argument_value(token) for token in tokens]
        self.arguments = values + [""] * (MAX_ARGUMENTS - len(values))
        self.index = len(values)
        self.collective = list(values)

    def active_arguments(self) -> list[str]:
        """What &* and &$ stand for: the arguments as last set.

        That is by the EXEC command, &ARGS or &READ ARGS; assigning &1-&30
        does not change them (R6 HELP EXEC &IF, usage note 1).
        """
        return list(self.collective)

    # -------------------------------------------------------------- values
    def value(self, name: str) -> str:
        """The value of a variable; null when never assigned."""
        if name[1:].isdigit() and name[1:].isascii():
            return self._argument(name)
        if name in self.user:
            return self.user[name]
        special = self._special(name)
        return "" if special is None else special

    def _argument(self, name: str) -> str:
        number = int(name[1:])
        if number == 0:
            return self.argument_zero
        if number > MAX_ARGUMENTS:
            raise ExecError(ExecErrorKind.INVALID_SYNTAX, name)
        return self.arguments[number - 1]

    def _special(self, name: str) -> str | None:
        reader = SPECIAL_READERS.get(name)
        if reader is not None:
            return reader(self)
        if len(name) == 8 and name.startswith("&GLOBAL") and name[7].isdigit():
            return str(self.shared.globals[int(name[7])])
        if len(name) == 6 and name.startswith("&DISK") and name[5].isalpha():
            return self.host.disk_type(name[5].upper())
        return None

    # ---------------------------------------------------------- assignment
    def assign(self, name: str, value: str) -> None:
        """Set a variable; special variables follow their own rules."""
        value = clip(value)
        if not is_variable_name(name) or name in READ_ONLY:
            raise ExecError(ExecErrorKind.INVALID_ASSIGNMENT, name)
        if name[1:].isdigit() and name[1:].isascii():
            self._assign_argument(name, value)
        elif name == "&RETCODE":
            self.retcode = self._integer(value)
        elif len(name) == 8 and name.startswith("&GLOBAL") and name[7].isdigit():
            self.shared.globals[int(name[7])] = self._integer(value)
        else:
            self.user[name] = value

    def _assign_argument(self, name: str, value: str) -> None:
        number = int(name[1:])
        if number > MAX_ARGUMENTS:
            raise ExecError(ExecErrorKind.INVALID_SYNTAX, name)
        if number == 0:
            self.argument_zero = value
        else:
            self.arguments[number - 1] = value

    @staticmethod
    def _integer(value: str) -> int:
        if not is_number(value):
            raise ExecError(ExecErrorKind.INVALID_ASSIGNMENT, value)
        return int(value)

    def target(self, token: str) -> str:
        """The variable named on the left of ``=``: all but its head substituted."""
        second = token.find("&", 1)
        if second < 0:
            return token
        return clip(token[:second] + self.substitute(token[second:]))

    # -------------------------------------------------------- substitution
    def substitute(self, token: str) -> str:
        """Replace variables in one token, from the right, until none is left."""
        limit = len(token)
        for _ in range(MAX_SUBSTITUTIONS):
            position = token.rfind("&", 0, limit)
            if position < 0:
                break
            name = token[position:]
            if name == "&" or name in COLLECTIVE:
                limit = position
                continue
            token = clip(token[:position] + self.value(name))
            limit = len(token)
        return token

    def substitute_all(self, raw: Sequence[str], *, hex_display: bool = True) -> list[str]:
        """Substitute a statement's tokens, dropping null ones.

        ``&LITERAL`` keeps the next token as written. A token that becomes
        X'FF'... ends the statement; eight X'FF' bytes count as null. With
        &HEX ON, ``X'nnn`` tokens are shown in hexadecimal.
        """
        tokens: list[str] = []
        literal = False
        for word in raw:
            if literal:
                tokens.append(word)
                literal = False
                continue
            if word == "&LITERAL":
                literal = True
                continue
            value = self.substitute(word)
            if value.startswith(NULL_MARK):
                if value == NULL_MARK * 8:
                    continue
                break
            if value and self.hex_on and hex_display and value[:2] in ("X'", "x'"):
                value = decimal_to_hex(value)
            if value:
                tokens.append(value)
        return tokens


SPECIAL_READERS: dict[str, Callable[[Variables], str]] = {
    clip(name): reader
    for name, reader in (
        ("&INDEX", lambda v: str(v.index)),
        ("&EXEC", lambda v: v.filename),
        ("&RETCODE", lambda v: str(v.retcode)),
        ("&LINENUM", lambda v: str(v.line_number)),
        ("&READFLAG", lambda v: "STACK" if v.host.stacked_lines() else "CONSOLE"),
        ("&TYPEFLAG", lambda v: "HT" if v.host.typing_halted() else "RT"),
        ("&GLOBAL", lambda v: str(v.shared.level)),
        ("&DISK*", lambda v: v.host.first_rw_disk() or "NONE"),
        ("&DISK?", lambda v: v.host.roomiest_rw_disk() or "NONE"),
        ("&DOS", lambda v: "ON" if v.host.dos_active() else "OFF"),
    )
}
