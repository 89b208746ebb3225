"""What a CP command handler sees: the invocation, the session and the system."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from server.cp.messages import CPError

if TYPE_CHECKING:
    from server.cp.registry import CommandSpec
    from server.cp.session import Session
    from server.cp.system import System
    from server.cp.user import User


@dataclass
class CommandContext:
    """One CP command being executed.

    ``operands`` are the blank-separated tokens after the command name, upper
    cased (CP folds command operands); ``text`` is everything after the
    command name exactly as typed, for commands such as MSG whose text keeps
    its case.
    """

    session: Session
    spec: CommandSpec
    verb: str
    operands: list[str]
    text: str

    @property
    def system(self) -> System:
        return self.session.system

    @property
    def user(self) -> User:
        """The logged-on user (every command but the pre-logon ones has one)."""
        user = self.session.user
        if user is None:
            raise CPError("CFC", 1, f"?CP: {self.verb}")
        return user

    def reply(self, *lines: str) -> None:
        self.session.write(*lines)

    def operand(self, index: int) -> str | None:
        return self.operands[index] if index < len(self.operands) else None


def text_after(line: str, words: int) -> str:
    """The rest of ``line`` after its first ``words`` blank-separated words, as typed."""
    rest = line.lstrip()
    for _ in range(words):
        parts = rest.split(None, 1)
        rest = parts[1] if len(parts) > 1 else ""
    return rest
