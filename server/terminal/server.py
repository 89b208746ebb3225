"""The terminal server: one listening port for every kind of terminal.

Connections arrive through the telnet adapter; the terminal type decides
the console (line-mode TTY today; IBM-327x types will get the 3270 console
from the TN3270 issue, which plugs in beside ``serve_tty``).
"""

from __future__ import annotations

from server.cp.system import System
from server.terminal.telnet_adapter import Listener, TelnetConnection, listen
from server.terminal.tty import serve_tty


async def start_terminal_server(
    system: System, host: str, port: int, prelogon_timeout: float = 300.0
) -> Listener:
    async def handle(connection: TelnetConnection) -> None:
        await serve_tty(connection, system, prelogon_timeout)

    return await listen(host, port, handle)
