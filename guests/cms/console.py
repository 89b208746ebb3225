"""The CMS console: output, messages, the console stack and immediate commands.

reference/cp-cms.md 9.5 (messages and CP SET EMSG), 9.7 (the console stack)
and 9.8 (immediate commands). Every console read, by the command loop, an
EXEC or a command prompt, takes the next line of the program stack first,
then a line typed after an attention that was not an immediate command (the
terminal input buffer), and only then reads the terminal (VM READ).

Attention: while a command runs, CMS looks at ``GuestInterface.attention``
at every checkpoint. After an attention it reads a line: HT and RT switch
typing off and on, HX halts the running command or EXEC (``Halted`` unwinds
to the command loop, which shows the ready message), HO/SO/RO control
SVCTRACE (guests/cms/svctrace.py), and any other line is kept as the next
command line.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from typing import Protocol

from guests.cms.diag import DiagGuest, edit_message

__all__ = ["IMMEDIATE_COMMANDS", "Console", "ConsoleGuest", "Halted"]

IMMEDIATE_COMMANDS = ("HT", "RT", "HX", "HO", "SO", "RO", "HB")


class ConsoleGuest(DiagGuest, Protocol):
    """The console side of ``GuestInterface``."""

    def write(self, *lines: str) -> None: ...

    def read(self) -> Awaitable[str]: ...

    @property
    def attention(self) -> bool: ...

    def checkpoint(self) -> Awaitable[None]: ...


class Halted(Exception):
    """HX: the running command or EXEC ends and CMS shows the ready message."""


class Console:
    """One CMS virtual machine's console."""

    def __init__(self, guest: ConsoleGuest) -> None:
        self.guest = guest
        self.stack: deque[str] = deque()  # the program stack
        self.typed: deque[str] = deque()  # lines typed after an attention
        self.typing_halted = False
        self.halt_requested = False
        self.trace_control: Callable[[str], None] | None = None  # SVCTRACE's HO, SO, RO

    # ---- output -------------------------------------------------------------------
    def type(self, *lines: str) -> None:
        """Display lines unless HT is in effect."""
        if not self.typing_halted:
            self.guest.write(*lines)

    def message(self, message: str) -> None:
        """A ``DMSmmmnnns text`` message: I/W/E obey CP SET EMSG; R/S/T are always whole.

        HT suppresses all but S and T messages.
        """
        severity = message[9:10]
        if severity in ("S", "T"):
            self.guest.write(message)
            return
        if self.typing_halted:
            return
        if severity == "R":
            self.guest.write(message)
            return
        shown = edit_message(self.guest, message)
        if shown:
            self.guest.write(shown)

    def error(self, module: str, number: int, severity: str, text: str) -> None:
        self.message(f"DMS{module}{number:03d}{severity} {text}")

    # ---- the stack ------------------------------------------------------------------
    def stack_line(self, text: str, *, lifo: bool = False) -> None:
        if lifo:
            self.stack.appendleft(text)
        else:
            self.stack.append(text)

    # ---- input ----------------------------------------------------------------------
    async def read(self, *, upper: bool = False) -> str:
        """The next console line: program stack, then typed-ahead, then the terminal.

        ``upper``: a line from the terminal is translated to upper case, as R6 CMS
        reads the console; stacked lines are taken as they were stacked.
        """
        if self.stack:
            return self.stack.popleft()
        line = self.typed.popleft() if self.typed else await self.guest.read()
        return line.upper() if upper else line

    # ---- attention and immediate commands ---------------------------------------------
    async def checkpoint(self) -> None:
        """Yield to other users; take an attention; raise Halted after HX."""
        await self.guest.checkpoint()
        if self.guest.attention:
            line = (await self.guest.read()).strip()
            if not self.immediate(line.upper()):
                self.typed.append(line)
        if self.halt_requested:
            self.halt_requested = False
            raise Halted

    def immediate(self, word: str) -> bool:
        """Run an immediate command; False if ``word`` is not one."""
        if word not in IMMEDIATE_COMMANDS:
            return False
        if word == "HT":
            self.typing_halted = True
        elif word == "RT":
            self.typing_halted = False
        elif word == "HX":
            self.halt_requested = True
        elif word in ("HO", "SO", "RO") and self.trace_control is not None:
            self.trace_control(word)
        return True  # HB: no CMS batch

    def ready(self) -> None:
        """The ready message ends HT and clears a halt that arrived too late to matter."""
        self.typing_halted = False
        self.halt_requested = False
