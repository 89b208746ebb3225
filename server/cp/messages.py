"""CP messages: numbered errors as values, rendered under SET EMSG.

VM/370 CP messages have the form ``DMKmmmnnns text`` (VM/370 System Messages,
GC20-1808; reference/cp-cms.md section 2): ``mmm`` names the CP module,
``nnn`` the message number and ``s`` the severity (I, W, E, A). A command
handler raises :class:`CPError`; the session renders it once, honouring the
user's ``SET EMSG`` setting (ON = code and text, TEXT = text only, CODE =
code only, OFF = nothing).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class EmsgSetting(enum.Enum):
    """The ``SET EMSG`` values (reference/cp-cms.md 2.2)."""

    ON = "ON"
    TEXT = "TEXT"
    CODE = "CODE"
    OFF = "OFF"


@dataclass(frozen=True)
class CPMessage:
    """One numbered CP message, e.g. ``DMKCFC001E ?CP: QUERYX``."""

    module: str  # three letters after DMK, e.g. "CFC"
    number: int
    severity: str  # I, W, E or A
    text: str

    @property
    def code(self) -> str:
        return f"DMK{self.module}{self.number:03d}{self.severity}"

    def render(self, emsg: EmsgSetting) -> list[str]:
        """The lines shown to a user whose EMSG setting is ``emsg``."""
        if emsg is EmsgSetting.OFF:
            return []
        if emsg is EmsgSetting.CODE:
            return [self.code]
        if emsg is EmsgSetting.TEXT:
            return [self.text]
        return [f"{self.code} {self.text}"]


class CPError(Exception):
    """A CP command failed with a numbered message (raised by handlers)."""

    def __init__(self, module: str, number: int, text: str, severity: str = "E") -> None:
        super().__init__(text)
        self.message = CPMessage(module, number, severity, text)


def unknown_command(token: str) -> CPError:
    """``DMKCFC001E ?CP: xxx``: unknown command, or one the user's classes lack."""
    return CPError("CFC", 1, f"?CP: {token.upper()[:8]}")


def invalid_operand(module: str, operand: str) -> CPError:
    return CPError(module, 2, f"INVALID OPERAND - {operand.upper()[:8]}")


def invalid_option(module: str, option: str) -> CPError:
    return CPError(module, 3, f"INVALID OPTION - {option.upper()[:8]}")


def operand_missing(module: str = "CFC") -> CPError:
    return CPError(module, 26, "OPERAND MISSING OR INVALID")


def userid_missing(module: str = "CFC") -> CPError:
    return CPError(module, 20, "USERID MISSING OR INVALID")


def not_logged_on(module: str, userid: str) -> CPError:
    return CPError(module, 45, f"{userid} NOT LOGGED ON")


def not_available(module: str, what: str) -> CPError:
    """A function this system does not provide yet: said plainly, never ignored."""
    return CPError(module, 999, f"{what.upper()} NOT AVAILABLE ON THIS SYSTEM")
