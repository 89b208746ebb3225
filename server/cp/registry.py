"""The CP command registry: one decorated coroutine per command.

Each command is declared once with its name, minimum abbreviation,
privilege classes and syntax line (reference/cp-cms.md 1.6, 3). The syntax
line feeds HELP. Lookup resolves abbreviations; a user who lacks every class
a command needs gets exactly the answer an unknown command gets
(``DMKCFC001E ?CP: xxx``), as CP gives.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from server.cp.context import CommandContext

ANY = ""  # privilege "class Any": every user, and (where allowed) before logon

Handler = Callable[["CommandContext"], Awaitable[None]]


@dataclass(frozen=True)
class CommandSpec:
    """How a CP command is named, who may use it and what runs it."""

    name: str
    minimum: int
    classes: str
    syntax: str
    handler: Handler
    prelogon: bool = False
    aliases: tuple[tuple[str, int], ...] = ()

    def allowed(self, classes: str | None) -> bool:
        """May a user holding ``classes`` (None before logon) issue this command?"""
        if classes is None:
            return self.prelogon
        if self.classes == ANY:
            return True
        return any(c in classes for c in self.classes)

    def names(self) -> list[tuple[str, int]]:
        return [(self.name, self.minimum), *self.aliases]


@dataclass
class CommandRegistry:
    """All CP commands, found by minimum abbreviation."""

    commands: list[CommandSpec] = field(default_factory=list)

    def register(self, spec: CommandSpec) -> None:
        for name, _ in spec.names():
            if self._match(name) is not None:
                raise ValueError(f"CP command {name} registered twice")
        self.commands.append(spec)

    def _match(self, token: str) -> CommandSpec | None:
        for spec in self.commands:
            for name, minimum in spec.names():
                if len(token) >= minimum and name.startswith(token):
                    return spec
        return None

    def lookup(self, token: str, classes: str | None) -> CommandSpec | None:
        """The command ``token`` names, if the user may issue it."""
        spec = self._match(token.upper())
        if spec is None or not spec.allowed(classes):
            return None
        return spec

    def available(self, classes: str | None) -> list[CommandSpec]:
        return sorted(
            (spec for spec in self.commands if spec.allowed(classes)), key=lambda s: s.name
        )


REGISTRY = CommandRegistry()


def command(
    name: str,
    *,
    minimum: int | None = None,
    classes: str = "G",
    syntax: str,
    prelogon: bool = False,
    aliases: tuple[tuple[str, int], ...] = (),
) -> Callable[[Handler], Handler]:
    """Declare a CP command; ``classes=ANY`` for class Any commands."""

    def register(handler: Handler) -> Handler:
        REGISTRY.register(
            CommandSpec(
                name=name,
                minimum=minimum if minimum is not None else len(name),
                classes=classes,
                syntax=syntax,
                handler=handler,
                prelogon=prelogon,
                aliases=aliases,
            )
        )
        return handler

    return register
