"""CP commands issued by a guest (DIAGNOSE X'08', CMS's CP command).

The command runs for the guest's user exactly as if typed in CP mode, but
its response goes either to the user's console or, when the guest asked
for it, into a buffer (the response-to-buffer form of DIAGNOSE X'08';
reference/diagnose.md §1). The return code is the CP message number of an
error (1 for an unknown command, 45 for a userid not logged on, ...), or 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from server.cp.messages import CPMessage
from server.cp.session import Session

if TYPE_CHECKING:
    from server.cp.system import System
    from server.cp.user import User


class BufferConsole:
    """A console with no terminal behind it: lines are kept for the guest."""

    kind = "GRAF"
    peer = "guest"

    def __init__(self, user: User, capture: bool) -> None:
        self.user = user
        self.terminal = user.session  # kept: LOGOFF detaches it from the user
        self.capture = capture
        self.lines: list[str] = []

    def write_lines(self, lines: list[str]) -> None:
        if self.capture:
            self.lines.extend(lines)
        elif self.terminal is not None:
            self.terminal.write(*lines)

    def set_hidden_input(self, hidden: bool) -> None:
        """A guest's command cannot prompt; nothing is hidden."""

    def show_logo(self) -> None:
        if self.terminal is not None:
            self.terminal.console.show_logo()

    def set_state(self, state: str) -> None:
        if self.terminal is not None:
            self.terminal.console.set_state(state)

    def close(self) -> None:
        """Ending the guest's command session ends the user's terminal session too."""
        if self.terminal is not None:
            self.terminal.hang_up()


class GuestCommandSession(Session):
    """The CP side of one guest-issued command line."""

    def __init__(self, system: System, user: User, capture: bool) -> None:
        self.buffer = BufferConsole(user, capture)
        real = user.session
        super().__init__(system, self.buffer, raddr=real.raddr if real is not None else 0)
        self.user = user
        self.return_code = 0

    def error(self, message: CPMessage) -> None:
        self.return_code = message.number
        super().error(message)

    def hang_up(self) -> None:
        if not self.closed:
            self.closed = True
            self.buffer.close()


async def run_guest_command(
    system: System, user: User, text: str, capture: bool
) -> tuple[int, list[str]]:
    """Run CP command lines (X'15'-separated, or LINEND-separated) for a guest."""
    session = GuestCommandSession(system, user, capture)
    for line in text.replace("\x85", "\n").replace("\x15", "\n").split("\n"):
        if session.closed:
            break
        await session.guarded(session.execute(line))
    return session.return_code, session.buffer.lines
