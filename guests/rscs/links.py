"""RSCS links: one task per started link that connects (or takes the peer's connection),
serves the NJE session, sends the link's queue and reconnects with backoff
(reference/nje-rscs.md sections 2.4, 4.4-4.6 and 12.6).

A file stays at the head of its link's queue until the next hop confirms it (C0); a link
that goes down leaves it there, to be sent again from its start. The owner (the RSCS
service) sees every received message and file through :class:`LinkOwner`.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from guests.rscs import messages
from guests.rscs.config import LinkDefinition
from guests.rscs.nje import (
    FileReceived,
    FileRefusedError,
    LinkDown,
    LinkDownError,
    LinkOptions,
    LinkStateError,
    MessageReceived,
    NJELink,
    NJELinkError,
    OpenRefused,
    OutboundFile,
    Timeouts,
    keep_local_open,
    retry_delay,
)
from guests.rscs.nje.control import NAK_ALREADY_ACTIVE, NAK_NO_SUCH_LINK, NAK_OPEN_PENDING

log = logging.getLogger(__name__)

Connector = Callable[[str, int], Awaitable[tuple[asyncio.StreamReader, asyncio.StreamWriter]]]


class LinkState(enum.Enum):
    INACTIVE = "INACTIVE"  # not started, or drained
    CONNECTING = "CONNECT"
    ACTIVE = "ACTIVE"
    RETRY = "RETRY"  # waiting to reconnect


@dataclass(eq=False)
class QueuedFile:
    """A file waiting on a link: what to send, and what to tell when it has gone."""

    file: OutboundFile
    spoolid: int
    dest_node: str
    dest_user: str
    origin_node: str
    origin_user: str
    records: int
    held: bool = False
    priority: int = 50  # 0 (first) to 99, from the TAG
    purge: bool = False  # FLUSH: purge it rather than return it when the peer drops it


class LinkOwner(Protocol):
    """What a link reports to the RSCS service."""

    @property
    def local_node(self) -> str: ...

    def console(self, text: str) -> None: ...

    async def message_received(self, link: Link, event: MessageReceived) -> None: ...

    async def file_received(self, link: Link, session: NJELink, event: FileReceived) -> None: ...

    async def file_sent(self, link: Link, queued: QueuedFile) -> None: ...

    async def file_refused(self, link: Link, queued: QueuedFile, reason: str) -> None: ...


@dataclass(eq=False)
class Link:
    """One defined link and its current session, if any."""

    definition: LinkDefinition
    owner: LinkOwner
    connector: Connector
    timeouts: Timeouts = field(default_factory=Timeouts)
    state: LinkState = LinkState.INACTIVE
    queue: list[QueuedFile] = field(default_factory=list)
    session: NJELink | None = None
    started: bool = False
    connecting: bool = False
    attempt: int = 0
    sending: QueuedFile | None = None
    hold: bool = False  # HOLD: send nothing new until FREE
    tracing: bool = False  # TRACE: every TTB in and out to the console

    def __post_init__(self) -> None:
        self._incoming: asyncio.Queue[NJELink] = asyncio.Queue()
        self._kick = asyncio.Event()
        self._queued = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last_error = "no connection"
        self._soon: float | None = None  # a shorter next delay after NAK 2 or 3
        self._background: set[asyncio.Task[None]] = set()

    @property
    def name(self) -> str:
        return self.definition.name

    # ---- operator actions ----------------------------------------------------------------

    def start(self) -> None:
        """START: connect now (and keep reconnecting) unless already running."""
        self.started = True
        self.attempt = 0
        self._kick.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name=f"rscs-link-{self.name}")

    async def drain(self) -> None:
        """DRAIN: let a file in transit finish, sign off, and stay down."""
        self.started = False
        self._kick.set()
        if self.session is not None:
            await self.session.close(timeout=30.0)
        await self._stop_task()

    async def force(self) -> None:
        """FORCE: drop the connection at once and stay down."""
        self.started = False
        self._kick.set()
        if self.session is not None:
            await self.session.abort("link forced down")
        await self._stop_task()

    async def _stop_task(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.state = LinkState.INACTIVE

    def enqueue(self, queued: QueuedFile) -> None:
        """Queue a file after those of the same or a better (lower) priority."""
        later = (i for i, waiting in enumerate(self.queue) if waiting.priority > queued.priority)
        self.queue.insert(next(later, len(self.queue)), queued)
        self._queued.set()

    # ---- the passive side (section 4.4 and 4.5) -----------------------------------------

    def judge_open(self) -> int:
        """0 to accept the peer's OPEN, else the NAK reason."""
        if not self.started:
            return NAK_NO_SUCH_LINK
        if self.state is LinkState.ACTIVE and self.session is not None:
            # A peer re-opens only when it thinks the link is dead: end ours too.
            self._spawn(self.session.abort("peer opened again"))
            return NAK_ALREADY_ACTIVE
        if self.connecting and keep_local_open(self.owner.local_node, self.name):
            return NAK_OPEN_PENDING
        return 0

    def adopt(self, session: NJELink) -> None:
        """A session the listener accepted for this link."""
        self._incoming.put_nowait(session)
        self._kick.set()

    # ---- the link task ---------------------------------------------------------------------

    async def _run(self) -> None:
        while self.started:
            try:
                session = await self._open()
                if session is None:
                    await self._retry_wait()
                    continue
                self.attempt = 0
                await self._serve(session)
            except Exception as error:  # the link task must outlive any one failure
                log.exception("link %s failed", self.name)
                self._last_error = repr(error)
                await self._retry_wait()
        self.state = LinkState.INACTIVE

    async def _open(self) -> NJELink | None:
        """Our own connection, or the peer's that arrives first."""
        if not self._incoming.empty():
            return self._incoming.get_nowait()
        self.state, self.connecting = LinkState.CONNECTING, True
        connect = asyncio.create_task(self._connect())
        incoming = asyncio.create_task(self._incoming.get())
        try:
            await asyncio.wait({connect, incoming}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:  # DRAIN or FORCE while connecting
            connect.add_done_callback(_abort_spare)
            raise
        finally:
            self.connecting = False
            if not incoming.done():
                incoming.cancel()
        if incoming.done() and not incoming.cancelled():
            connect.add_done_callback(_abort_spare)
            return incoming.result()
        return connect.result()

    async def _connect(self) -> NJELink | None:
        definition = self.definition
        try:
            reader, writer = await self.connector(definition.host, definition.port)
            options = LinkOptions(buffer_size=definition.buffer, trace=self.trace)
            return await NJELink.connect(
                reader, writer, self.owner.local_node, self.name, options, self.timeouts
            )
        except OpenRefused as refused:
            self._last_error = str(refused)
            # NAK 2: the peer dropped its old session and will take a new OPEN at once;
            # NAK 3: it is opening to us itself (section 4.3 and 4.5).
            self._soon = {NAK_ALREADY_ACTIVE: 1.0, NAK_OPEN_PENDING: random.uniform(1, 10)}.get(
                refused.reason
            )
            return None
        except (NJELinkError, OSError) as error:
            self._last_error = str(error) or type(error).__name__
            return None

    async def _retry_wait(self) -> None:
        """Wait the backoff delay; START or the peer's connection ends the wait early."""
        delay = retry_delay(self.attempt, self.definition.retry_schedule())
        if self._soon is not None:
            delay, self._soon = min(delay, self._soon), None
        else:
            self.attempt += 1
        self.state = LinkState.RETRY
        self.owner.console(messages.link_retry(self.name, delay, self._last_error))
        if self._incoming.empty():
            self._kick.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._kick.wait(), delay)

    async def _serve(self, session: NJELink) -> None:
        self.session, self.state = session, LinkState.ACTIVE
        self.owner.console(messages.link_active(self.name, session.buffer_size))
        sender = asyncio.create_task(self._send_loop(session), name=f"rscs-send-{self.name}")
        reason = "link ended"
        try:
            async for event in session.events():
                if isinstance(event, LinkDown):
                    reason = event.reason
                else:
                    await self._received(session, event)
        finally:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await sender
            await session.abort(reason)
            self.session, self.sending = None, None
            self.state = LinkState.RETRY if self.started else LinkState.INACTIVE
            self.owner.console(messages.link_down(self.name, reason))

    async def _received(self, session: NJELink, event: MessageReceived | FileReceived) -> None:
        """Hand a message or file to the owner; its failure must not end the link."""
        try:
            if isinstance(event, MessageReceived):
                await self.owner.message_received(self, event)
            else:
                await self.owner.file_received(self, session, event)
        except Exception:
            log.exception("link %s: received %s not handled", self.name, type(event).__name__)
            if isinstance(event, FileReceived):
                await session.reject(event.file)  # B0: the sender keeps it

    async def _send_loop(self, session: NJELink) -> None:
        while True:
            queued = None if self.hold else next((q for q in self.queue if not q.held), None)
            if queued is None:
                self._queued.clear()
                await self._queued.wait()
                continue
            self.sending = queued
            try:
                await session.send_file(queued.file)
            except (LinkDownError, LinkStateError):
                return  # it stays queued, to be sent again from its start
            except (FileRefusedError, ValueError) as refused:
                self._remove(queued)
                try:
                    await self.owner.file_refused(self, queued, str(refused) or "EMPTY FILE")
                except Exception:
                    log.exception("link %s: refused file %04d lost", self.name, queued.spoolid)
                continue
            finally:
                self.sending = None
            self._remove(queued)
            try:
                await self.owner.file_sent(self, queued)
            except Exception:
                log.exception("link %s: file %04d sent, not dequeued", self.name, queued.spoolid)

    # ---- queue commands (HOLD, FREE, FLUSH, PURGE, ORDER, CHANGE, TRANSFER) ---------------

    def set_hold(self, hold: bool) -> None:
        self.hold = hold
        self._queued.set()

    def find(self, spoolid: int) -> QueuedFile | None:
        return next((queued for queued in self.queue if queued.spoolid == spoolid), None)

    async def flush(self) -> QueuedFile | None:
        """Abandon the file being sent (the owner is told it was refused)."""
        queued, session = self.sending, self.session
        if queued is None or session is None:
            return None
        queued.purge = True
        await session.cancel_file(queued.file)
        return queued

    def take(self, spoolid: int) -> QueuedFile | None:
        """Remove a waiting file (not the one being sent) from the queue."""
        queued = self.find(spoolid)
        if queued is None or queued is self.sending:
            return None
        self._remove(queued)
        return queued

    def order(self, spoolids: list[int]) -> None:
        """Put these waiting files first, in this order."""
        first = [q for spoolid in spoolids if (q := self.find(spoolid)) is not None]
        self.queue[:] = first + [queued for queued in self.queue if queued not in first]
        self._queued.set()

    def trace(self, direction: str, data: bytes) -> None:
        if self.tracing:
            self.owner.console(f"TRACE {self.name} {direction.upper():<3} {data[:48].hex(' ')}")

    def _spawn(self, work: Awaitable[None]) -> None:
        async def run() -> None:
            await work

        task = asyncio.create_task(run())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _remove(self, queued: QueuedFile) -> None:
        with contextlib.suppress(ValueError):
            self.queue.remove(queued)


def _abort_spare(task: asyncio.Task[NJELink | None]) -> None:
    """Our own OPEN succeeded after the peer's was taken: drop the spare session."""
    if task.cancelled() or task.exception() is not None:
        return
    spare = task.result()
    if spare is not None:
        asyncio.get_running_loop().create_task(spare.abort("spare session"))
