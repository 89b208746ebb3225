"""The terminal server: one listening port for every kind of terminal.

The terminal type decides the console (reference/terminals.md 2.6): an
IBM-327x type that completes the TN3270 negotiation (EOR and BINARY) gets
the 3270 console; everything else, and a 3270 client that will not
negotiate, gets the line-mode console.
"""

from __future__ import annotations

from server.cp.system import System
from server.terminal.telnet_adapter import Listener, TelnetConnection, listen
from server.terminal.tn3270 import serve_3270
from server.terminal.tty import serve_tty


async def start_terminal_server(
    system: System, host: str, port: int, prelogon_timeout: float = 300.0
) -> Listener:
    async def handle(connection: TelnetConnection) -> None:
        if connection.is_3270 and await connection.start_records():
            await serve_3270(connection, system, prelogon_timeout)
        else:
            await serve_tty(connection, system, prelogon_timeout)

    return await listen(host, port, handle)
