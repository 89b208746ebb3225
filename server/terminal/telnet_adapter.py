"""The only module that imports telnetlib3 (pinned in pyproject.toml).

It gives the rest of the server a small, library-neutral connection object
(reference/terminals.md 2.8): raw input bytes, text output with CR LF line
ends, echo control for passwords, and attention (IAC IP / IAC BRK). The
server runs in telnet line mode (``line_mode=True``): the client edits and
echoes locally and sends whole lines, as VM/370's line-mode console expects.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import telnetlib3
from telnetlib3 import telopt

log = logging.getLogger(__name__)

ConnectionHandler = Callable[["TelnetConnection"], Awaitable[None]]


class TelnetConnection:
    """One telnet client, as the terminal layer sees it."""

    kind = "tty"

    def __init__(self, reader: Any, writer: Any) -> None:
        self._reader = reader
        self._writer = writer
        peer = writer.get_extra_info("peername")
        self.peer = str(peer[0]) if isinstance(peer, tuple) and peer else "unknown"
        self.term = str(writer.get_extra_info("ttype1") or "unknown").upper()
        self._attention: Callable[[], None] | None = None
        writer.set_iac_callback(telopt.IP, self._on_attention)
        writer.set_iac_callback(telopt.BRK, self._on_attention)

    async def read(self, size: int = 4096) -> bytes:
        """Raw input bytes; ``b""`` when the client has gone."""
        try:
            data: bytes = await self._reader.read(size)
        except (ConnectionError, OSError):
            return b""
        return data

    def write_text(self, text: str) -> None:
        """Text with ``\\n`` line ends, sent with CR LF."""
        if self._writer.is_closing():
            return
        data = text.replace("\n", "\r\n").encode("utf-8", errors="replace")
        self._writer.write(data)

    async def drain(self) -> None:
        try:
            await self._writer.drain()
        except (ConnectionError, OSError):
            pass

    def set_echo(self, on: bool) -> None:
        """Local echo at the client: WONT ECHO gives it back, WILL ECHO takes it away."""
        if self._writer.is_closing():
            return
        self._writer.iac(telopt.WONT if on else telopt.WILL, telopt.ECHO)

    def on_attention(self, callback: Callable[[], None]) -> None:
        self._attention = callback

    def _on_attention(self, _command: bytes) -> None:
        if self._attention is not None:
            self._attention()

    def close(self) -> None:
        self._writer.close()

    @property
    def closing(self) -> bool:
        return bool(self._writer.is_closing())


class Listener:
    """A listening telnet server."""

    def __init__(self, server: Any) -> None:
        self._server = server

    @property
    def port(self) -> int:
        return int(self._server.sockets[0].getsockname()[1])

    def close(self) -> None:
        self._server.close()

    async def wait_closed(self) -> None:
        await self._server.wait_closed()


async def listen(host: str, port: int, handler: ConnectionHandler) -> Listener:
    """Start accepting telnet connections; ``handler`` runs once per client."""

    async def shell(reader: Any, writer: Any) -> None:
        connection = TelnetConnection(reader, writer)
        try:
            await handler(connection)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("terminal handler failed for %s", connection.peer)
        finally:
            if not writer.is_closing():
                writer.close()

    server = await telnetlib3.create_server(
        host=host,
        port=port,
        shell=shell,
        encoding=False,
        line_mode=True,
        timeout=0,
        connect_maxwait=2.0,
    )
    return Listener(server)
