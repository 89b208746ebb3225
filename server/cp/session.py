"""A terminal session: one connection's view of CP.

The terminal layer hands a session whole physical input lines and attention
signals; the session applies CP line editing, finds each command in the
registry and runs it. Output goes back through the :class:`Console` the
terminal layer provides. Every unexpected exception is turned into a
message and a log entry here, in one place: a session never dies of a bug
in a command.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from server.cp.context import CommandContext, text_after
from server.cp.lineedit import EditSymbols, edit_line
from server.cp.messages import CPError, CPMessage, EmsgSetting, unknown_command
from server.cp.registry import REGISTRY
from server.cp.vm import RunState

if TYPE_CHECKING:
    from server.cp.system import System
    from server.cp.user import User

log = logging.getLogger(__name__)

Continuation = Callable[[str], Awaitable[None]]


class Console(Protocol):
    """What the terminal layer offers CP for one connection."""

    kind: str  # "LINE" (typewriter/TTY) or "GRAF" (3270)
    peer: str  # the remote address, for logs and logon throttling

    def write_lines(self, lines: list[str]) -> None: ...

    def set_hidden_input(self, hidden: bool) -> None: ...

    def show_logo(self) -> None: ...

    def set_state(self, state: str) -> None: ...

    def close(self) -> None: ...


@runtime_checkable
class MessageConsole(Protocol):
    """What a display console (the 3270) adds: the alarm, and messages that break in
    (reference/terminals.md 6.5; R6 CP Command Reference, MESSAGE note 4)."""

    def write_message(self, lines: list[str]) -> None: ...

    def sound_alarm(self) -> None: ...


LOGONS_DISABLED = "LOGONS ARE DISABLED BY THE OPERATOR; TRY AGAIN LATER"


class Session:
    """One terminal connection, before logon or attached to a user."""

    def __init__(self, system: System, console: Console, raddr: int | None = None) -> None:
        self.system = system
        self.console = console
        self.raddr = system.allocate_raddr(self) if raddr is None else raddr
        self.user: User | None = None
        self.closed = False
        self._continuation: Continuation | None = None
        self._wake: asyncio.Event | None = None
        self._sleeper: asyncio.Task[None] | None = None
        self.last_input = time.monotonic()

    # ---- output -------------------------------------------------------
    def write(self, *lines: str, message: bool = False) -> None:
        """Console output; ``message``: a MSG or WNG for this user (a display sounds its
        alarm, and takes the screen back from a full-screen program for it)."""
        spool = self.user.console_spool if self.user is not None else None
        if spool is not None and spool.started:
            spool.record(lines)
            if not spool.terminal:
                return
        if self.closed:
            return
        if message and isinstance(self.console, MessageConsole):
            self.console.write_message(list(lines))
        else:
            self.console.write_lines(list(lines))

    def alarm(self) -> None:
        """Sound the terminal's alarm, if it has one (a display), with its next write."""
        if isinstance(self.console, MessageConsole):
            self.console.sound_alarm()

    def error(self, message: CPMessage) -> None:
        emsg = self.user.settings.emsg if self.user is not None else EmsgSetting.ON
        self.write(*message.render(emsg))

    @property
    def device(self) -> str:
        """``GRAF 0C0`` or ``LINE 020``: how the operator's console names this terminal."""
        return f"{self.console.kind} {self.raddr:03X}"

    # ---- input ----------------------------------------------------------
    def prompt_hidden(self, prompt: str, continuation: Continuation) -> None:
        """Ask for a line typed without echo (a password); ``continuation`` gets it."""
        self.write(prompt)
        self.console.set_hidden_input(True)
        self._continuation = continuation

    def prelogon_notice(self) -> None:
        """Under the logo of a new terminal: whether logons are refused (DISABLE ALL)."""
        if not self.system.logons_enabled:
            self.write(LOGONS_DISABLED)

    def prompt_line(self, prompt: str, continuation: Continuation) -> None:
        """Ask for the next physical line as typed (ECHO's test loop); ``continuation``
        gets it unedited."""
        self.write(prompt)
        self._continuation = continuation

    def symbols(self) -> EditSymbols | None:
        if self.user is None:
            return self.system.default_symbols
        if not self.user.settings.linedit:
            return None
        return self.user.terminal.symbols

    async def input_line(self, physical: str) -> None:
        """A physical line arrived from the terminal."""
        self.last_input = time.monotonic()
        if self._continuation is not None:
            continuation, self._continuation = self._continuation, None
            self.console.set_hidden_input(False)
            await self.guarded(continuation(physical))
            return
        self.wake()
        if self.user is not None and self.user.console_spool is not None:
            self.user.console_spool.record([physical])  # the console sheet has the input too
        symbols = self.symbols()
        if self.in_vm_mode():
            await self.guarded(self.vm_input(physical, symbols))
            return
        await self.cp_input(physical, symbols)
        if self.user is not None and self.user.vm is not None and self.user.cp_read:
            self.user.cp_read = False  # SET RUN ON: back to the running guest
            self.user.console_state("RUNNING")

    def in_vm_mode(self) -> bool:
        """Does input go to the guest (the virtual machine runs and CP is not reading)?"""
        user = self.user
        if user is None or user.vm is None or user.cp_read:
            return False
        return user.vm.state is not RunState.STOPPED

    async def vm_input(self, physical: str, symbols: EditSymbols | None) -> None:
        """A line typed while the guest runs: ``#CP`` lines go to CP, the rest to the guest."""
        linend = symbols.effective().linend if symbols is not None else None
        prefix = (linend or "") + "CP"
        if linend is not None and physical.lstrip().upper().startswith(prefix):
            rest = physical.lstrip()[len(prefix) :]
            if not rest.strip():
                await self.enter_cp_mode()
                return
            await self.cp_input(rest, symbols)
            return
        assert self.user is not None and self.user.vm is not None
        if not self.user.vm.console_input(physical):
            self.write("NOT ACCEPTED")

    async def enter_cp_mode(self) -> None:
        """Attention or ``#CP``: CP READ; the guest stops unless SET RUN ON."""
        user = self.user
        if user is None or user.vm is None:
            return
        if user.settings.run:
            user.cp_read = True
        else:
            user.vm.stop()
        user.console_state("CP READ")

    async def cp_input(self, physical: str, symbols: EditSymbols | None) -> None:
        logical_lines = edit_line(physical, symbols) if symbols is not None else [physical]
        for logical in logical_lines:
            if self.closed:
                break
            if self._continuation is not None:  # an earlier line asked for a password
                continuation, self._continuation = self._continuation, None
                self.console.set_hidden_input(False)
                await self.guarded(continuation(logical))
                continue
            await self.guarded(self.execute(logical))

    async def attention(self) -> None:
        """The attention key (PA1, break, IAC IP): wakes a SLEEP, stops a running guest."""
        self.last_input = time.monotonic()
        if self.sleeping:
            self.wake()
            return
        if not self.in_vm_mode():
            return
        user = self.user
        assert user is not None and user.vm is not None
        vm = user.vm
        if vm.guest_name is not None and user.terminal.mode == "VM" and not vm.guest_attention:
            vm.guest_attention = True  # the first attention is the guest's
            vm.interrupt_program()
            return
        await self.enter_cp_mode()

    async def execute(self, line: str) -> None:
        """Run one logical line as a CP command."""
        stripped = line.strip()
        if not stripped or stripped.startswith("*"):
            return  # a null line; `*` is a comment for the console sheet
        words = stripped.split()
        if words[0].upper() == "CP":  # the optional CP prefix
            words = words[1:]
            stripped = text_after(stripped, 1)
            if not words:
                return
        verb = words[0].upper()
        classes = self.user.classes if self.user is not None else None
        spec = REGISTRY.lookup(verb, classes)
        if spec is None:
            raise unknown_command(verb)
        context = CommandContext(
            session=self,
            spec=spec,
            verb=verb,
            operands=[word.upper() for word in words[1:]],
            text=text_after(stripped, 1),
        )
        started = time.process_time()
        try:
            await spec.handler(context)
        finally:
            if self.user is not None:
                self.user.cp_seconds += time.process_time() - started

    async def guarded(self, work: Awaitable[None]) -> None:
        """The one place where a command's failure becomes a message."""
        try:
            await work
        except CPError as failure:
            self.error(failure.message)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("CP command failed in session %s", self.device)
            self.error(CPMessage("CFC", 998, "E", "CP COMMAND FAILED; ERROR LOGGED FOR OPERATOR"))

    # ---- SLEEP ----------------------------------------------------------
    async def sleep(self, seconds: float | None) -> None:
        """Sleep until the time passes or attention/input arrives; returns at once."""
        self.wake()
        wake = asyncio.Event()
        self._wake = wake

        async def sleeper() -> None:
            try:
                await asyncio.wait_for(wake.wait(), timeout=seconds)
            except TimeoutError:
                pass
            finally:
                if self._wake is wake:
                    self._wake = None

        self._sleeper = asyncio.get_running_loop().create_task(sleeper())

    @property
    def sleeping(self) -> bool:
        return self._wake is not None

    def wake(self) -> None:
        if self._wake is not None:
            self._wake.set()
            self._wake = None

    # ---- connection end -------------------------------------------------
    async def connection_lost(self) -> None:
        """The line dropped: a logged-on user becomes disconnected."""
        if self.closed:
            return
        self.closed = True
        self.wake()
        user = self.user
        if user is not None and not user.logged_off:
            self.system.disconnect(user, reason="LOST")
        self.system.release_raddr(self)

    def hang_up(self) -> None:
        """CP ends the connection (LOGOFF, DISCONN, FORCE, SHUTDOWN)."""
        if not self.closed:
            self.closed = True
            self.wake()
            self.system.release_raddr(self)
            self.console.close()
