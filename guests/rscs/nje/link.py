"""The NJE link driver over asyncio streams (reference/nje-rscs.md sections 4 and 11).

:class:`NJELink` runs one NJE-over-TCP/IP link on a connection its owner made: it does the
OPEN/ACK exchange (:meth:`NJELink.connect` for the side that opens, :meth:`NJELink.accept` for
the side that listens), drives :class:`~guests.rscs.nje.protocol.NJEProtocol` through sign-on,
writes its output with TCP back-pressure, sends keepalive blocks when idle, and ends the link
after a silence longer than the idle timeout. Reconnecting is the owner's business: a link
object lives for one connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Collection
from dataclasses import dataclass

from guests.rscs.nje.control import (
    ACK,
    CONTROL_RECORD_LENGTH,
    NAK,
    NAK_NO_SUCH_LINK,
    OPEN,
    ControlRecord,
    describe,
    open_record,
)
from guests.rscs.nje.events import (
    FileDelivered,
    FileReceived,
    FileRefused,
    LinkDown,
    LinkEvent,
    MessageReceived,
    SignedOn,
)
from guests.rscs.nje.files import OutboundFile, ReceivedFile
from guests.rscs.nje.nmr import NodalMessage, command, user_message
from guests.rscs.nje.protocol import LinkOptions, LinkState, NJEProtocol, OutboundState
from guests.rscs.nje.wire import NJEDecodeError

log = logging.getLogger(__name__)

ReceivedEvent = MessageReceived | FileReceived | LinkDown
# A passive side's judgement of an OPEN from ``node``: 0 to ACK it, else a NAK reason.
OpenCheck = Callable[[str], int]


class NJELinkError(Exception):
    """The link could not be opened or went down."""


class OpenRefused(NJELinkError):
    """The OPEN was answered with NAK ``reason`` (or we NAKed the peer's OPEN)."""

    def __init__(self, reason: int, text: str) -> None:
        super().__init__(text)
        self.reason = reason


class LinkDownError(NJELinkError):
    """The link ended before the operation completed; ``unsent`` files must be requeued."""


class FileRefusedError(NJELinkError):
    """The receiver refused or cancelled the file (B0): hold it."""


# Reconnect delays in seconds (FUNET-NJE's 1, 2, 5 minutes, then every 15; section 2.4).
RETRY_SCHEDULE = (60.0, 120.0, 300.0, 900.0)


def retry_delay(attempt: int, schedule: tuple[float, ...] = RETRY_SCHEDULE) -> float:
    """Delay before reconnect attempt ``attempt`` (0-based) after a link failure."""
    return schedule[min(max(attempt, 0), len(schedule) - 1)]


@dataclass(frozen=True)
class Timeouts:
    """Seconds: each handshake step, keepalive after idle writing, silence before giving up,
    and the wait for C0 after a file's end."""

    handshake: float = 30.0
    keepalive: float = 60.0
    idle: float = 900.0
    complete: float = 600.0


async def _read_control(reader: asyncio.StreamReader, timeout: float) -> ControlRecord:
    try:
        data = await asyncio.wait_for(reader.readexactly(CONTROL_RECORD_LENGTH), timeout)
        return ControlRecord.decode(data)
    except (TimeoutError, asyncio.IncompleteReadError, NJEDecodeError, OSError) as error:
        raise NJELinkError(f"no valid control record: {error!r}") from None


async def _close_writer(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(Exception):
        await writer.wait_closed()


class NJELink:
    """One signed-on NJE link. Create it with :meth:`connect` or :meth:`accept`."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        protocol: NJEProtocol,
        timeouts: Timeouts,
    ) -> None:
        self._reader = reader
        self._writer = writer
        self.protocol = protocol
        self.timeouts = timeouts
        self._events: asyncio.Queue[ReceivedEvent] = asyncio.Queue(maxsize=64)
        self._signed_on: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._sends: dict[int, tuple[OutboundFile, asyncio.Future[None]]] = {}
        self._wakeup = asyncio.Event()
        self._down: LinkDown | None = None
        self._down_delivered = False
        self._tasks: list[asyncio.Task[None]] = []

    # ----- opening --------------------------------------------------------------------------

    @classmethod
    async def connect(
        cls,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        local_node: str,
        remote_node: str,
        options: LinkOptions | None = None,
        timeouts: Timeouts | None = None,
    ) -> NJELink:
        """Active open on a fresh connection: OPEN, wait for ACK, then sign on as primary."""
        timeouts = timeouts or Timeouts()
        local_ip, remote_ip = _addresses(writer)
        request = open_record(local_node, local_ip, remote_node, remote_ip)
        try:
            writer.write(request.encode())
            await writer.drain()
            reply = await _read_control(reader, timeouts.handshake)
        except (NJELinkError, OSError) as error:
            await _close_writer(writer)
            raise NJELinkError(f"OPEN to {remote_node} failed: {error}") from None
        log.info("link %s: %s", remote_node, describe(reply))
        problem = _check_reply(request, reply)
        if problem is not None:
            await _close_writer(writer)
            raise problem
        protocol = NJEProtocol(local_node, remote_node, primary=True, options=options)
        return await cls._start(reader, writer, protocol, timeouts)

    @classmethod
    async def accept(
        cls,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        local_node: str,
        links: Collection[str] | OpenCheck,
        options: LinkOptions | None = None,
        timeouts: Timeouts | None = None,
    ) -> NJELink:
        """Passive open on an accepted connection: read OPEN, judge it, ACK or NAK it, then
        sign on as secondary. ``links`` is the set of defined adjacent nodes, or a function
        returning 0 (accept) or a NAK reason (section 4.4; simultaneous open, section 4.5)."""
        timeouts = timeouts or Timeouts()
        try:
            request = await _read_control(reader, timeouts.handshake)
        except NJELinkError:
            await _close_writer(writer)
            raise
        log.info("link %s: %s", request.rhost, describe(request))
        reason = _judge_open(request, local_node, links)
        reply = request.reply(NAK if reason else ACK, reason)
        with contextlib.suppress(OSError):
            writer.write(reply.encode())
            await writer.drain()
        if reason:
            await _close_writer(writer)
            raise OpenRefused(reason, f"OPEN from {request.rhost} refused with NAK {reason}")
        protocol = NJEProtocol(local_node, request.rhost, primary=False, options=options)
        return await cls._start(reader, writer, protocol, timeouts)

    @classmethod
    async def _start(
        cls,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        protocol: NJEProtocol,
        timeouts: Timeouts,
    ) -> NJELink:
        link = cls(reader, writer, protocol, timeouts)
        protocol.start()
        link._tasks = [
            asyncio.create_task(link._read_loop(), name=f"nje-read-{protocol.remote_node}"),
            asyncio.create_task(link._write_loop(), name=f"nje-write-{protocol.remote_node}"),
        ]
        try:
            await asyncio.wait_for(asyncio.shield(link._signed_on), timeouts.handshake * 3)
        except (TimeoutError, NJELinkError) as error:
            await link.abort("sign-on timed out" if isinstance(error, TimeoutError) else "")
            raise NJELinkError(f"sign-on with {protocol.remote_node} failed: {error}") from None
        except asyncio.CancelledError:
            await link.abort("cancelled during sign-on")
            raise
        return link

    # ----- the API RSCS uses ----------------------------------------------------------------

    @property
    def local_node(self) -> str:
        return self.protocol.local_node

    @property
    def remote_node(self) -> str:
        return self.protocol.remote_node

    @property
    def buffer_size(self) -> int:
        return self.protocol.buffer_size

    @property
    def is_active(self) -> bool:
        return self.protocol.state is LinkState.ACTIVE

    async def send_message(
        self, from_node: str, from_user: str, to_node: str, to_user: str, text: str
    ) -> None:
        """Send a user message to ``to_user`` at ``to_node`` (through this adjacent node)."""
        await self.send_nmr(user_message(from_node, from_user, to_node, to_user, text))

    async def send_command(self, from_node: str, from_user: str, to_node: str, text: str) -> None:
        """Send a command for node ``to_node`` on behalf of ``from_user`` at ``from_node``."""
        await self.send_nmr(command(from_node, from_user, to_node, text))

    async def send_nmr(self, nmr: NodalMessage) -> None:
        """Send (or forward unchanged) a nodal message record."""
        self._raise_if_down()
        self.protocol.send_nmr(nmr)
        self._wakeup.set()
        await asyncio.sleep(0)

    async def send_file(self, file: OutboundFile) -> None:
        """Send a file and return once the receiver has confirmed it (C0). Raises
        :class:`FileRefusedError` on B0 and :class:`LinkDownError` if the link goes down."""
        self._raise_if_down()
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sends[id(file)] = (file, done)
        try:
            self.protocol.queue_file(file)
            self._wakeup.set()
            await self._await_completion(file, done)
        finally:
            self._sends.pop(id(file), None)

    async def _await_completion(self, file: OutboundFile, done: asyncio.Future[None]) -> None:
        """Wait for C0; a file whose end was sent a whole ``complete`` period ago without
        C0 means a dead link (section 12.5): drop it, so the file is requeued."""
        eof_seen = False
        while True:
            try:
                await asyncio.wait_for(asyncio.shield(done), self.timeouts.complete)
                return
            except TimeoutError:
                waiting = self.protocol.outbound_state(file) is OutboundState.EOF_SENT
                if waiting and eof_seen:
                    await self.abort(f"no C0 for a file in {self.timeouts.complete:g} s")
                    await done
                eof_seen = waiting

    async def confirm(self, file: ReceivedFile) -> None:
        """Acknowledge a received file (C0) after committing it to the spool."""
        if not self.protocol.closed:
            self.protocol.confirm_file(file)
            self._wakeup.set()

    async def reject(self, file: ReceivedFile) -> None:
        """Refuse a received file (B0); the sender holds it."""
        if not self.protocol.closed:
            self.protocol.reject_file(file)
            self._wakeup.set()

    async def cancel_file(self, file: OutboundFile) -> None:
        """Abandon a file being sent (RSCS FLUSH); its :meth:`send_file` raises
        :class:`FileRefusedError`."""
        if not self.protocol.closed:
            self.protocol.cancel_file(file)
            self._dispatch_now()
            self._wakeup.set()

    def set_wait_a_bit(self, wait: bool) -> None:
        """Ask the peer to pause (True) or resume (False) sending file data."""
        if not self.protocol.closed:
            self.protocol.set_wait_a_bit(wait)
            self._wakeup.set()

    async def events(self) -> AsyncIterator[ReceivedEvent]:
        """Messages, commands and files received, ending with :class:`LinkDown`."""
        while not (self._down_delivered and self._events.empty()):
            event = await self._events.get()
            self._down_delivered |= isinstance(event, LinkDown)
            yield event
            if isinstance(event, LinkDown):
                return

    def __aiter__(self) -> AsyncIterator[ReceivedEvent]:
        return self.events()

    async def close(self, timeout: float = 60.0) -> None:
        """Drain (refuse new files, let files in transit finish), sign off and close."""
        self.protocol.drain()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.protocol.busy and not self.protocol.closed and loop.time() < deadline:
            await asyncio.sleep(0.05)
        self.protocol.signoff()
        self._dispatch_now()
        await self.wait_closed()

    async def abort(self, reason: str = "") -> None:
        """Drop the connection at once (RSCS FORCE)."""
        self.protocol.connection_lost(reason or "link forced down")
        self._dispatch_now()
        await self.wait_closed()

    async def wait_closed(self) -> None:
        self._wakeup.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # ----- the loops ------------------------------------------------------------------------

    def _raise_if_down(self) -> None:
        if self._down is not None or self.protocol.closed:
            reason = self._down.reason if self._down else "closed"
            raise LinkDownError(f"link to {self.remote_node} is down: {reason}")

    async def _read_loop(self) -> None:
        try:
            while not self.protocol.closed:
                data = await asyncio.wait_for(self._reader.read(65536), self.timeouts.idle)
                if not data:
                    self.protocol.connection_lost("connection closed by the peer")
                else:
                    self.protocol.receive_data(data)
                await self._dispatch()
                self._wakeup.set()
        except TimeoutError:
            self.protocol.connection_lost(f"nothing received for {self.timeouts.idle:g} s")
        except (OSError, asyncio.IncompleteReadError) as error:
            self.protocol.connection_lost(f"connection error: {error!r}")
        self._dispatch_now()
        self._wakeup.set()

    async def _write_loop(self) -> None:
        loop = asyncio.get_running_loop()
        last_write = loop.time()
        try:
            while True:
                data = self.protocol.data_to_send()
                if data:
                    self._writer.write(data)
                    await self._writer.drain()
                    last_write = loop.time()
                    continue
                if self.protocol.closed:
                    break
                # Keepalive counts from our last write, not from traffic either way: a peer
                # that only sends (a long inbound file) must still hear from us (section 11.2).
                silent = loop.time() - last_write
                if silent >= self.timeouts.keepalive:
                    self.protocol.keepalive()
                    continue
                self._wakeup.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), self.timeouts.keepalive - silent)
        except (OSError, RuntimeError) as error:
            self.protocol.connection_lost(f"write failed: {error!r}")
        finally:
            self._dispatch_now()
            await _close_writer(self._writer)

    async def _dispatch(self) -> None:
        """Route protocol events; waits while the owner is behind (back-pressure)."""
        for event in self.protocol.events():
            received = self._route(event)
            if received is not None:
                await self._events.put(received)

    def _dispatch_now(self) -> None:
        """Route events without waiting (on the way down); the LinkDown always gets through."""
        for event in self.protocol.events():
            received = self._route(event)
            if received is not None:
                with contextlib.suppress(asyncio.QueueFull):
                    self._events.put_nowait(received)
                if isinstance(received, LinkDown) and self._events.full():
                    self._events.get_nowait()
                    self._events.put_nowait(received)

    def _route(self, event: LinkEvent) -> ReceivedEvent | None:
        if isinstance(event, SignedOn):
            if not self._signed_on.done():
                self._signed_on.set_result(event.buffer_size)
            return None
        if isinstance(event, FileDelivered | FileRefused):
            self._settle(event)
            return None
        if isinstance(event, LinkDown):
            self._link_down(event)
        return event

    def _settle(self, event: FileDelivered | FileRefused) -> None:
        entry = self._sends.get(id(event.file))
        if entry is None or entry[1].done():
            return
        if isinstance(event, FileDelivered):
            entry[1].set_result(None)
        else:
            entry[1].set_exception(FileRefusedError(event.reason))

    def _link_down(self, event: LinkDown) -> None:
        self._down = event
        if not self._signed_on.done():
            self._signed_on.set_exception(NJELinkError(event.reason))
            self._signed_on.exception()  # retrieved: nobody may be waiting any more
        for _, done in self._sends.values():
            if not done.done():
                done.set_exception(LinkDownError(event.reason))


def _addresses(writer: asyncio.StreamWriter) -> tuple[str, str]:
    """Our and the peer's IPv4 addresses for the OPEN record (informational only)."""

    def ipv4(address: object) -> str:
        if isinstance(address, tuple) and address and isinstance(address[0], str):
            host = address[0]
            if host.count(".") == 3:
                return host
        return "0.0.0.0"

    return ipv4(writer.get_extra_info("sockname")), ipv4(writer.get_extra_info("peername"))


def _check_reply(request: ControlRecord, reply: ControlRecord) -> NJELinkError | None:
    if reply.type == NAK:
        return OpenRefused(reply.reason, f"OPEN to {request.ohost} refused: NAK {reply.reason}")
    if reply.type != ACK:
        return NJELinkError(f"OPEN to {request.ohost} answered with {reply.type}")
    if reply.rhost != request.ohost or reply.ohost != request.rhost:
        return NJELinkError(f"ACK names {reply.rhost}/{reply.ohost} do not match the OPEN")
    return None


def _judge_open(request: ControlRecord, local_node: str, links: Collection[str] | OpenCheck) -> int:
    """Section 4.4: 0 to ACK, else the NAK reason."""
    if request.type != OPEN or request.ohost != local_node.upper():
        return NAK_NO_SUCH_LINK
    if callable(links):
        return links(request.rhost)
    if isinstance(links, str):
        links = [links]
    return 0 if request.rhost in {node.upper() for node in links} else NAK_NO_SUCH_LINK
