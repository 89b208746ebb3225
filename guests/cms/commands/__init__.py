"""The CMS commands, found by name and by their R6 minimum abbreviations.

reference/cp-cms.md 10: each command is declared once with ``@command``,
giving its full name and its shortest system abbreviation (the upper-case
part of the name in the CMS help boxes). A handler gets the ``Cms`` state and
the ``Call`` and returns the command's return code. Importing this package
registers every command module.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from guests.cms.plist import Call

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

__all__ = ["COMMANDS", "CommandSpec", "abbreviation", "command", "lookup"]

Handler = Callable[["Cms", Call], Awaitable[int]]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    shortest: int  # characters of the minimum abbreviation
    handler: Handler
    module: str  # DMS module id of its messages: LST for LISTFILE


COMMANDS: dict[str, CommandSpec] = {}


def command(
    name: str, shortest: int | None = None, module: str = "INT"
) -> Callable[[Handler], Handler]:
    """Register a handler under ``name``, abbreviable down to ``shortest`` characters."""

    def register(handler: Handler) -> Handler:
        COMMANDS[name] = CommandSpec(name, shortest or len(name), handler, module)
        return handler

    return register


def lookup(name: str) -> CommandSpec | None:
    """The command of that full name (the SVC 202 nucleus/transient search)."""
    return COMMANDS.get(name)


def abbreviation(word: str) -> CommandSpec | None:
    """The command ``word`` abbreviates (system abbreviations, SET ABBREV ON)."""
    for spec in COMMANDS.values():
        if spec.shortest <= len(word) <= len(spec.name) and spec.name.startswith(word):
            return spec
    return None


import guests.cms.edit.command  # noqa: E402,F401  (EDIT)
from guests.cms.commands import (  # noqa: E402  (the modules register themselves)
    access,
    assemble,
    copyfile,
    ddr,
    debug,
    direct,
    disk,
    filedef,
    files,
    general,
    maclib,
    movefile,
    network,
    note,
    programs,
    synonym,
    unavailable,
    unitrec,
    update,
    utility,
)

__all__ += [
    "access",
    "assemble",
    "copyfile",
    "ddr",
    "debug",
    "direct",
    "disk",
    "filedef",
    "files",
    "general",
    "maclib",
    "movefile",
    "network",
    "note",
    "programs",
    "synonym",
    "unavailable",
    "unitrec",
    "update",
    "utility",
]
