"""The 3270 console: a TN3270 client as a VM/370 display terminal.

Keys behave as reference/terminals.md 6.4 describes: ENTER gives CP (or,
later, the guest) the input line; PA1 is attention; PA2 and CLEAR move to
the next screen; ENTER with nothing typed in MORE... holds the screen; PF
keys do what ``SET PFnn`` says (IMMED, DELAYED, RETRIEVE) or act as ENTER.
Every inbound AID is answered with a write that unlocks the keyboard.
Input that arrives while earlier input is still being processed is refused
with NOT ACCEPTED. A record that is not a 3270 reply is answered, logged
and otherwise ignored; a terminal that sends nothing else is disconnected.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque

from server.cp.session import Session
from server.cp.system import System
from server.terminal.ds3270 import (
    AID_CLEAR,
    AID_ENTER,
    AID_PA1,
    AID_PA2,
    DataStreamError,
    Inbound,
    parse_inbound,
)
from server.terminal.screen3270 import MODEL_SIZES, ConsoleScreen, Layout, model_of
from server.terminal.telnet_adapter import TelnetConnection

log = logging.getLogger(__name__)

LOGO = ["VM/370 ONLINE", ""]
RETRIEVE_DEPTH = 10
BAD_RECORD_LIMIT = 20


class Console3270:
    """CP's console interface (``server.cp.session.Console``) on a 3270 screen."""

    kind = "GRAF"

    def __init__(self, connection: TelnetConnection, node: str) -> None:
        self.connection = connection
        self.peer = connection.peer
        rows, cols = MODEL_SIZES[model_of(connection.term)]
        self.screen = ConsoleScreen(Layout(rows, cols), node)
        self.session: Session | None = None
        self._more_timer: asyncio.TimerHandle | None = None

    def send(self, records: list[bytes]) -> None:
        for record in records:
            self.connection.send_record(record)
        self._arm_more_timer()

    # ---- the Console protocol -------------------------------------------
    def write_lines(self, lines: list[str]) -> None:
        self.send(self.screen.add_lines(lines))

    def set_hidden_input(self, hidden: bool) -> None:
        self.send(self.screen.set_hidden(hidden))

    def show_logo(self) -> None:
        self.screen.rows = []
        self.screen.pending.clear()
        self.screen.pending.extend(LOGO)
        self.screen.display = "NORMAL"
        self.send([self.screen.redraw()])

    def set_state(self, state: str) -> None:
        self.send(self.screen.set_execution(state))

    def close(self) -> None:
        self._cancel_more_timer()
        self.connection.close()

    # ---- MORE... ----------------------------------------------------------
    def _more_seconds(self) -> float:
        user = self.session.user if self.session is not None else None
        first, second = user.terminal.more if user is not None else (50, 10)
        return float(first + second)

    def _arm_more_timer(self) -> None:
        if self.screen.display != "MORE":
            self._cancel_more_timer()
        elif self._more_timer is None:
            loop = asyncio.get_running_loop()
            self._more_timer = loop.call_later(self._more_seconds(), self._more_expired)

    def _cancel_more_timer(self) -> None:
        if self._more_timer is not None:
            self._more_timer.cancel()
            self._more_timer = None

    def _more_expired(self) -> None:
        self._more_timer = None
        if self.screen.display == "MORE":
            self.send(self.screen.next_page())


class Keyboard:
    """Turns AIDs into screen changes and input lines for the session."""

    def __init__(self, console: Console3270, session: Session) -> None:
        self.console = console
        self.screen = console.screen
        self.session = session
        self.lines: asyncio.Queue[str] = asyncio.Queue()
        self.busy = False
        self.retrieve: deque[str] = deque(maxlen=RETRIEVE_DEPTH)
        self.attention_tasks: set[asyncio.Task[None]] = set()
        self.retrieve_at = 0

    def typed(self, inbound: Inbound) -> str:
        start = self.screen.layout.input_start
        texts = [text for address, text in inbound.fields if address == start]
        return "".join(texts).rstrip()

    def handle(self, inbound: Inbound) -> None:
        aid = inbound.aid
        if aid == AID_CLEAR:
            self.console.send(self.screen.clear())
        elif aid == AID_PA2:
            self.console.send(self.screen.next_page())
        elif aid == AID_PA1:
            self._attention()
        elif aid == AID_ENTER:
            self._enter(self.typed(inbound))
        elif inbound.pf_number is not None:
            self._pf(inbound.pf_number, self.typed(inbound))
        else:  # PA3, SysReq, selector pen, query replies: nothing to do
            self.console.send([self.screen.status_only()])

    def _attention(self) -> None:
        """PA1 (and x3270's Attn): wakes a SLEEP, else CP mode (terminals.md 6.4)."""
        self.console.send([self.screen.status_only()])
        if self.session.sleeping:
            self.session.wake()
            return
        task = asyncio.get_running_loop().create_task(self.session.enter_cp_mode())
        self.attention_tasks.add(task)
        task.add_done_callback(self.attention_tasks.discard)

    def _enter(self, text: str) -> None:
        if not text:
            if self.screen.display == "MORE":
                self.console.send(self.screen.hold())
            else:
                self.console.send([self.screen.status_only()])
            return
        if self.busy or not self.lines.empty():
            self.console.send(self.screen.refuse_input())
            return
        hidden = self.screen.hidden
        if not hidden:
            self.retrieve.append(text)
            self.retrieve_at = len(self.retrieve)
        self.console.send(self.screen.accepted(None if hidden else text))
        self.lines.put_nowait(text)

    def _pf(self, number: int, typed: str) -> None:
        user = self.session.user
        setting = user.terminal.pf.get(number) if user is not None else None
        if setting is None:
            self._enter(typed)
        elif setting.mode == "RETRIEVE":
            self._retrieve()
        elif setting.mode == "IMMED":
            self._enter(setting.text)
        else:
            self.console.send(self.screen.put_input(setting.text))

    def _retrieve(self) -> None:
        if not self.retrieve:
            self.console.send([self.screen.status_only()])
            return
        self.retrieve_at = (self.retrieve_at - 1) % len(self.retrieve)
        self.console.send(self.screen.put_input(self.retrieve[self.retrieve_at]))

    async def run_input(self) -> None:
        """Feed accepted lines to CP one at a time."""
        while True:
            line = await self.lines.get()
            self.busy = True
            try:
                await self.session.input_line(line)
            finally:
                self.busy = False
            if self.screen.not_accepted:
                self.screen.not_accepted = False
                self.console.send([self.screen.status_only()])


async def serve_3270(connection: TelnetConnection, system: System, prelogon_timeout: float) -> None:
    """Run one 3270 terminal until it disconnects or CP ends it."""
    console = Console3270(connection, system.node)
    session = Session(system, console)
    console.session = session
    keyboard = Keyboard(console, session)
    worker = asyncio.get_running_loop().create_task(keyboard.run_input())
    connection.on_attention(keyboard._attention)
    console.show_logo()
    try:
        await _record_loop(connection, session, keyboard, prelogon_timeout)
    finally:
        worker.cancel()
        console._cancel_more_timer()
        await session.connection_lost()
        connection.close()


async def _record_loop(
    connection: TelnetConnection, session: Session, keyboard: Keyboard, timeout: float
) -> None:
    bad_records = 0
    while not session.closed:
        try:
            limit = timeout if session.user is None else None
            record = await asyncio.wait_for(connection.read_record(), limit)
        except TimeoutError:
            session.write("LOGON TIME LIMIT EXCEEDED; TERMINAL DISCONNECTED")
            return
        if record is None:
            return
        try:
            inbound = parse_inbound(record)
        except DataStreamError as error:
            bad_records += 1
            log.warning("bad 3270 record from %s: %s", connection.peer, error)
            keyboard.console.send([keyboard.screen.status_only()])
            if bad_records >= BAD_RECORD_LIMIT:
                session.write("UNREADABLE 3270 DATA; TERMINAL DISCONNECTED")
                return
            continue
        keyboard.handle(inbound)
