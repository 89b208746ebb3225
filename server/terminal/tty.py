"""The line-mode (typewriter) console: a telnet client as a VM/370 TTY terminal.

Output is lines ending in CR LF; every line the user enters is a read (CP
READ or, later, VM READ); Ctrl-C (IAC IP) and Break (IAC BRK) are the
attention key (reference/terminals.md 6.1). The edge is kept clean here:
over-long lines are refused, binary garbage and HTTP requests end the
connection with a word of explanation, and a terminal that does not log on
within the pre-logon time limit is disconnected.
"""

from __future__ import annotations

import asyncio
import logging

from server.cp.session import Session
from server.cp.system import System
from server.terminal.edge import Garbage, LineAssembler, Overlong, is_http_request
from server.terminal.telnet_adapter import TelnetConnection

log = logging.getLogger(__name__)

LOGO = "VM/370 ONLINE"
HTTP_REPLY = (
    "HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
    "This port is a VM/370 telnet terminal port; connect with telnet or a 3270 emulator.\r\n"
)


class LineConsole:
    """CP's console interface (``server.cp.session.Console``) over a telnet TTY."""

    kind = "LINE"

    def __init__(self, connection: TelnetConnection) -> None:
        self.connection = connection
        self.peer = connection.peer

    def write_lines(self, lines: list[str]) -> None:
        for line in lines:
            self.connection.write_text(line + "\n")

    def set_hidden_input(self, hidden: bool) -> None:
        self.connection.set_echo(not hidden)

    def show_logo(self) -> None:
        self.write_lines([LOGO])

    def set_state(self, state: str) -> None:
        """A typewriter has no status area: CP READ, VM READ and RUNNING are not shown."""

    def close(self) -> None:
        self.connection.close()


async def serve_tty(connection: TelnetConnection, system: System, prelogon_timeout: float) -> None:
    """Run one TTY terminal until it hangs up or CP ends it."""
    console = LineConsole(connection)
    session = Session(system, console)
    attention_tasks: set[asyncio.Task[None]] = set()

    def attention() -> None:
        task = asyncio.get_running_loop().create_task(session.attention())
        attention_tasks.add(task)
        task.add_done_callback(attention_tasks.discard)

    connection.on_attention(attention)
    console.show_logo()
    session.prelogon_notice()
    try:
        await _read_loop(connection, session, prelogon_timeout)
    finally:
        await session.connection_lost()
        await connection.drain()
        connection.close()


async def _read_loop(connection: TelnetConnection, session: Session, timeout: float) -> None:
    assembler = LineAssembler()
    first_line = True
    while not session.closed:
        try:
            limit = timeout if session.user is None else None
            data = await asyncio.wait_for(connection.read(), limit)
        except TimeoutError:
            session.write("LOGON TIME LIMIT EXCEEDED; TERMINAL DISCONNECTED")
            return
        if not data:
            return
        for event in assembler.feed(data):
            if session.closed:
                return
            if isinstance(event, Garbage):
                session.write("UNREADABLE INPUT (BINARY DATA); TERMINAL DISCONNECTED")
                log.warning("binary data from %s; disconnected", connection.peer)
                return
            if isinstance(event, Overlong):
                session.write("INPUT LINE TOO LONG; LINE IGNORED")
                continue
            if first_line and session.user is None and is_http_request(event.text):
                connection.write_text(HTTP_REPLY.replace("\r\n", "\n"))
                log.warning("HTTP request from %s on the telnet port", connection.peer)
                return
            first_line = False
            await session.input_line(event.text)
