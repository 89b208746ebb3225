"""The 3270 console: a TN3270 client as a VM/370 display terminal.

Keys behave as reference/terminals.md 6.4 describes: ENTER gives CP (or
the guest) the input line, and with nothing typed gives a guest's VM READ a
null line; PA1 is attention; PA2 and CLEAR move to
the next screen; ENTER with nothing typed in MORE... holds the screen; PF
keys do what ``SET PFnn`` says (IMMED, DELAYED, RETRIEVE) or act as ENTER.
Every inbound AID is answered with a write that unlocks the keyboard.
Input that arrives while earlier input is still being processed is refused
with NOT ACCEPTED. A record that is not a 3270 reply is answered, logged
and otherwise ignored; a terminal that sends nothing else is disconnected.

The console also serves DIAGNOSE X'58' (``server.cp.fullscreen``): a
program's line display goes into the output area, and its full-screen
Erase/Write hands it the whole screen. In full-screen mode every AID is kept
for the program's read (PA1 too when the program asked for it; otherwise PA1
takes the screen back and enters CP mode), and any line-mode output redraws
the VM screen, ending full-screen mode.

Messages (MSG, WNG, MSGNOH) sound the alarm (R6 CP Command Reference, MESSAGE
usage note 4) and, like all asynchronous output, are written with a plain
Write that leaves the input area, its typed text and the cursor alone; they
wait behind MORE... and HOLDING (HOLDING is left only by PA2 or CLEAR, and an
empty ENTER there changes nothing). A message for a screen a full-screen
program owns is first preceded by a Read Modified of the terminal, whose reply
(what the user typed so far) the program reads after an attention, as VM/SP's
System Programmer's Guide describes for a priority message; CP then shows the
message at the top of a new, held page (as z/VM does), and the program's next
full-screen I/O ends with X'8E'. MORE... sounds the alarm after the first
TERMINAL MORE interval and clears after the second.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque

from server.cp.fullscreen import screen_input, screen_taken
from server.cp.session import Session
from server.cp.system import System
from server.terminal.ds3270 import (
    AID_CLEAR,
    AID_ENTER,
    AID_NONE,
    AID_PA1,
    AID_PA2,
    CMD_ERASE_WRITE,
    CMD_ERASE_WRITE_ALTERNATE,
    CMD_READ_MODIFIED,
    CMD_WRITE,
    WCC_ALARM,
    WCC_RESTORE,
    DataStreamError,
    Inbound,
    attribute,
    check_outbound,
    encode_address,
    parse_inbound,
)
from server.terminal.screen3270 import MODEL_SIZES, ConsoleScreen, Layout, model_of
from server.terminal.telnet_adapter import TelnetConnection

log = logging.getLogger(__name__)

LOGO = ["VM/370 ONLINE", ""]
BREAK_IN_WAIT = 5.0  # seconds a message waits for a full-screen program's read
RETRIEVE_DEPTH = 10
BAD_RECORD_LIMIT = 20


class Console3270:
    """CP's console interface (``server.cp.session.Console``) on a 3270 screen."""

    kind = "GRAF"

    def __init__(self, connection: TelnetConnection, node: str) -> None:
        self.connection = connection
        self.peer = connection.peer
        model = model_of(connection.term)
        rows, cols = MODEL_SIZES[model]
        # DIAGNOSE X'24' real type: TYP3277 (X'04') or TYP3278 (X'01'), and the model
        self.display_type = (0x04 if "3277" in connection.term else 0x01, model)
        self.screen = ConsoleScreen(Layout(rows, cols), node)
        self.session: Session | None = None
        self._more_timer: asyncio.TimerHandle | None = None
        self.full_screen = False  # a program owns the screen (DIAGNOSE X'58')
        self.pa1_to_guest = False
        self.full_size = rows * cols  # buffer size of the program's last erasing write
        self.full_input: bytes | None = None  # the last AID's record, for the program
        self.waiting: list[str] = []  # messages for the screen a program owns
        self.asked = False  # the terminal was asked what the user has typed
        self._break_in_timer: asyncio.TimerHandle | None = None
        self.full_cursor = 0

    def send(self, records: list[bytes]) -> None:
        for record in records:
            self.connection.send_record(record)
        self._arm_more_timer()

    # ---- the Console protocol -------------------------------------------
    def write_lines(self, lines: list[str]) -> None:
        self.leave_full_screen()
        self.send(self.screen.add_lines(lines))

    # ---- messages (server.cp.session.MessageConsole) ------------------------
    def write_message(self, lines: list[str]) -> None:
        """A message or warning: the alarm sounds with it; like other output it never
        touches the input area, and waits behind MORE... or HOLDING.

        A program that owns the screen keeps it until it has what the user typed: the
        alarm sounds at once, the terminal is asked for its modified fields (Read
        Modified), and their reply is the program's input with an attention (VM/SP:
        CP posts an attention when a priority message is to be displayed, and the
        program reads). After that read, or BREAK_IN_WAIT seconds, CP takes the
        screen: the message on a new page, held; the program's next full-screen I/O
        ends with X'8E'."""
        if not self.full_screen:
            self.screen.sound_alarm()
            self.write_lines(lines)
            return
        first = not self.waiting
        self.waiting.extend(lines)
        if first:
            self.connection.send_record(bytes((CMD_WRITE, attribute(WCC_ALARM | WCC_RESTORE))))
            self.connection.send_record(bytes((CMD_READ_MODIFIED,)))
            self.asked = True
            loop = asyncio.get_running_loop()
            self._break_in_timer = loop.call_later(BREAK_IN_WAIT, self.take_screen)

    def take_screen(self) -> None:
        """CP takes the screen from the program for the waiting messages."""
        self._cancel_break_in_timer()
        lines, self.waiting = self.waiting, []
        if not self.full_screen:
            if lines:
                self.write_lines(lines)
            return
        self.full_screen = False
        self.full_input = None
        self.send(self.screen.break_in(lines))
        if self.session is not None and self.session.user is not None:
            screen_taken(self.session.user, attention=True)

    def _cancel_break_in_timer(self) -> None:
        if self._break_in_timer is not None:
            self._break_in_timer.cancel()
            self._break_in_timer = None

    def sound_alarm(self) -> None:
        """The alarm rings with the next write (a guest's alarm CCW)."""
        self.screen.sound_alarm()

    def set_hidden_input(self, hidden: bool) -> None:
        self.leave_full_screen()
        self.send(self.screen.set_hidden(hidden))

    def show_logo(self) -> None:
        self.full_screen = False
        self.screen.rows = []
        self.screen.pending.clear()
        self.screen.pending.extend(LOGO)
        self.screen.display = "NORMAL"
        self.send([self.screen.redraw()])

    def set_state(self, state: str) -> None:
        if self.full_screen:
            self.screen.execution = state  # shown when CP has the screen again
            return
        self.send(self.screen.set_execution(state))

    # ---- DIAGNOSE X'58' (server.cp.fullscreen.DisplayConsole) ------------------
    def line_display(self, line: int, data: bytes, erase: bool) -> bool:
        self.leave_full_screen()
        records = self.screen.line_display(line, data, erase)
        if records is None:
            return False
        self.send(records)
        return True

    def clear_output(self) -> None:
        self.leave_full_screen()
        self.send(self.screen.next_page())

    def reformat(self) -> None:
        self.full_screen = False
        self.send(self.screen.reformat())

    def full_write(self, kind: str, data: bytes, pa1_to_guest: bool) -> bool:
        """The program's own data stream, as Write, Erase/Write or Erase/Write Alternate."""
        rows, cols = self.screen.layout.rows, self.screen.layout.cols
        size = {"EW": 24 * 80, "EWA": rows * cols}.get(kind, self.full_size)
        try:
            check_outbound(data, size)
        except DataStreamError as error:
            log.info("DIAGNOSE X'58' data refused for %s: %s", self.peer, error)
            return False
        command = {"EW": CMD_ERASE_WRITE, "EWA": CMD_ERASE_WRITE_ALTERNATE}.get(kind, CMD_WRITE)
        if kind != "W":
            self.full_screen, self.pa1_to_guest, self.full_size = True, pa1_to_guest, size
            self.full_input = None
            self._cancel_more_timer()
        self.connection.send_record(bytes((command,)) + data)
        return True

    @property
    def cp_waiting(self) -> bool:
        """CP output not yet seen, or a held screen: an Erase/Write must wait (X'8E')."""
        return bool(self.waiting) or (not self.full_screen and self.screen.cp_waiting)

    def full_read(self) -> bytes:
        record, self.full_input = self.full_input, None
        if record is None:  # no key pressed since the last read: no AID, the cursor
            record = bytes((AID_NONE,)) + encode_address(self.full_cursor)
        if self.waiting and not self.asked:  # the program has what was typed: CP's turn
            self.take_screen()
        return record

    def keep_input(self, inbound: Inbound, record: bytes) -> None:
        """An AID in full-screen mode: for the program's next read."""
        self.full_input = record
        self.asked = False  # the terminal's answer (or a key: either way, its fields)
        if inbound.cursor is not None:
            self.full_cursor = inbound.cursor

    def leave_full_screen(self) -> None:
        """CP takes the screen back: the VM screen is drawn again."""
        if self.waiting:
            self.take_screen()
        if self.full_screen:
            self.full_screen = False
            self.full_input = None
            self.send([self.screen.redraw()])
            if self.session is not None and self.session.user is not None:
                screen_taken(self.session.user)

    def close(self) -> None:
        self._cancel_more_timer()
        self._cancel_break_in_timer()
        self.connection.close()

    # ---- MORE... ----------------------------------------------------------
    def _more_seconds(self) -> tuple[float, float]:
        """TERMINAL MORE n m: n seconds of MORE... before the warning (the alarm), m more
        before the screen is cleared; 50 and 10 (R6 clears after about a minute)."""
        user = self.session.user if self.session is not None else None
        first, second = user.terminal.more if user is not None else (50, 10)
        return float(first), float(second)

    def _arm_more_timer(self) -> None:
        if self.screen.display != "MORE":
            self._cancel_more_timer()
        elif self._more_timer is None:
            loop = asyncio.get_running_loop()
            first, second = self._more_seconds()
            self._more_timer = loop.call_later(first, self._more_warning, second)

    def _cancel_more_timer(self) -> None:
        if self._more_timer is not None:
            self._more_timer.cancel()
            self._more_timer = None

    def _more_warning(self, seconds: float) -> None:
        """The first MORE... interval ran out: the alarm, then the rest of the wait."""
        if self.screen.display != "MORE":
            self._more_timer = None
            return
        self.screen.sound_alarm()
        self.connection.send_record(self.screen.status_only())
        loop = asyncio.get_running_loop()
        self._more_timer = loop.call_later(seconds, self._more_expired)

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

    def handle(self, inbound: Inbound, record: bytes = b"") -> None:
        aid = inbound.aid
        if self.console.full_screen:
            self._full_screen_key(inbound, record)
        elif aid == AID_CLEAR:
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

    def _full_screen_key(self, inbound: Inbound, record: bytes) -> None:
        """A key while the program owns the screen: its input, or PA1 back to CP."""
        user = self.session.user
        if user is None or (inbound.aid == AID_PA1 and not self.console.pa1_to_guest):
            self._attention()
            return
        self.console.keep_input(inbound, record)
        screen_input(user)

    def _attention(self) -> None:
        """PA1 (and x3270's Attn): wakes a SLEEP, else CP mode (terminals.md 6.4)."""
        self.console.leave_full_screen()
        self.console.send([self.screen.status_only()])
        if self.session.sleeping:
            self.session.wake()
            return
        task = asyncio.get_running_loop().create_task(self.session.enter_cp_mode())
        self.attention_tasks.add(task)
        task.add_done_callback(self.attention_tasks.discard)

    def _enter(self, text: str) -> None:
        if not text and self.screen.display == "MORE":
            self.console.send(self.screen.hold())
            return
        if not text and self.screen.display == "HOLDING":  # only PA2 or CLEAR release it
            self.console.send([self.screen.status_only()])
            return
        if not text and self.screen.execution != "VM READ":
            self.console.send([self.screen.status_only()])
            return
        if self.busy or not self.lines.empty():
            self.console.send(self.screen.refuse_input())
            return
        hidden = self.screen.hidden or not text  # a null line for the guest: nothing echoed
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
    session.prelogon_notice()
    try:
        await _record_loop(connection, session, keyboard, prelogon_timeout)
    finally:
        worker.cancel()
        console._cancel_more_timer()
        console._cancel_break_in_timer()
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
        keyboard.handle(inbound, record)
