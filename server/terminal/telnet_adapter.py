"""The only module that imports telnetlib3 (pinned in pyproject.toml).

It gives the rest of the server a small, library-neutral connection object
(reference/terminals.md 2.8): raw input bytes, text output with CR LF line
ends, echo control for passwords, and attention (IAC IP / IAC BRK). The
server runs in telnet line mode (``line_mode=True``): the client edits and
echoes locally and sends whole lines, as VM/370's line-mode console expects.

For a 3270 terminal it adds what telnetlib3 lacks (terminals.md 2.1, 2.5):
it requests EOR and BINARY (RFC 1576), collects the bytes of each inbound
record until ``IAC EOR`` and hands whole records over, and frames outbound
records with ``IAC EOR``. TN3270E is never offered, so clients stay in
traditional TN3270.
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


class RecordReader(telnetlib3.TelnetReader):
    """A telnet reader that, in record mode, keeps 3270 records apart from line data."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.record_mode = False
        self.records: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._record = bytearray()
        self.record_limit = 64 * 1024

    def feed_data(self, data: bytes) -> None:
        if not self.record_mode:
            super().feed_data(data)
        elif len(self._record) + len(data) <= self.record_limit:
            self._record += data
        else:  # a runaway record: drop it and let the console say so
            self._record.clear()
            self.records.put_nowait(b"")

    def end_record(self, _command: bytes) -> None:
        if self.record_mode:
            self.records.put_nowait(bytes(self._record))
            self._record.clear()

    def feed_eof(self) -> None:
        super().feed_eof()
        self.records.put_nowait(None)

    def set_exception(self, exc: Exception) -> None:
        super().set_exception(exc)
        self.records.put_nowait(None)


class VMTelnetServer(telnetlib3.TelnetServer):
    """telnetlib3's server protocol with the record-collecting reader."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["reader_factory"] = RecordReader
        super().__init__(*args, **kwargs)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        reader, writer = self.reader, self.writer
        if isinstance(reader, RecordReader) and writer is not None:
            writer.set_iac_callback(telopt.CMD_EOR, reader.end_record)

    def _check_negotiation_timer(self) -> None:
        # telnetlib3 5.0.1 can run this timer after negotiation has already finished
        # (seen on a loaded machine); its set_result then raises InvalidStateError and
        # asyncio logs a traceback.  Once the waiter is done there is nothing to check.
        if self._waiter_connected.done():
            return
        super()._check_negotiation_timer()


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

    # ---- 3270 record mode ----------------------------------------------
    @property
    def is_3270(self) -> bool:
        """An IBM 327x terminal type asks for the 3270 console (terminals.md 2.6)."""
        return self.term.startswith("IBM-327")

    async def start_records(self, timeout: float = 5.0) -> bool:
        """Negotiate EOR and BINARY both ways and switch to record mode."""
        writer = self._writer
        writer.iac(telopt.DO, telopt.EOR)
        writer.iac(telopt.WILL, telopt.EOR)
        writer.iac(telopt.DO, telopt.BINARY)
        writer.iac(telopt.WILL, telopt.BINARY)
        try:
            await asyncio.wait_for(
                writer.wait_for(
                    remote={"EOR": True, "BINARY": True}, local={"EOR": True, "BINARY": True}
                ),
                timeout,
            )
        except (TimeoutError, ConnectionError):
            return False
        self.kind = "3270"
        self._reader.record_mode = True
        return True

    async def read_record(self) -> bytes | None:
        """The next inbound 3270 record (``b""`` for one too long to keep); None at the end."""
        record: bytes | None = await self._reader.records.get()
        return record

    def send_record(self, record: bytes) -> None:
        if self._writer.is_closing():
            return
        self._writer.write(record)
        self._writer.send_eor()

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
        protocol_factory=VMTelnetServer,
        shell=shell,
        encoding=False,
        line_mode=True,
        timeout=0,
        connect_maxwait=2.0,
    )
    return Listener(server)
