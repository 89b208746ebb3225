"""The NJE link protocol machine, without I/O (reference/nje-rscs.md sections 4.6, 6, 7, 10,
11 and 12; BRFC 0002; NJE Formats and Protocols, "BSC NJE protocols").

:class:`NJEProtocol` starts after the OPEN/ACK exchange: the primary (the side whose OPEN was
ACKed) bids with SOH ENQ, the secondary answers DLE ACK0, the primary sends the sign-on I and the
secondary answers J; then both sides are ACTIVE and exchange NMRs and files on streams. Feed it
received bytes with :meth:`NJEProtocol.receive_data`, take bytes to write from
:meth:`NJEProtocol.data_to_send` and events from :meth:`NJEProtocol.events`. Every problem in
the input becomes a logged :class:`~guests.rscs.nje.events.LinkDown` (or, for one file, a B0
refusal), never an exception to the caller.
"""

from __future__ import annotations

import enum
import logging
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from guests.rscs.nje.block import (
    FCS_NORMAL,
    FCS_WAIT_A_BIT,
    MAX_STREAMS,
    RCB_BCB_ERROR,
    RCB_COMPLETE,
    RCB_DENY,
    RCB_NCCR,
    RCB_NMR,
    RCB_PERMIT,
    RCB_READY,
    RCB_REQUEST,
    SRCB_CARD,
    BCBChecker,
    BCBSender,
    BCBVerdict,
    Record,
    RecordStatus,
    decode_block,
    encode_record,
    is_sysout,
    stream_of,
    stream_rcb,
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
from guests.rscs.nje.framing import (
    DLE_ACK0,
    DLE_STX,
    EMPTY_TTB,
    FRAMING_OVERHEAD,
    SOH_ENQ,
    TTR,
    TTBReceiver,
    UnitKind,
    classify_unit,
    decode_ttb,
    encode_ttb,
)
from guests.rscs.nje.nmr import NodalMessage
from guests.rscs.nje.scb import SCB_ABORT
from guests.rscs.nje.signon import (
    DEFAULT_BUFFER,
    SRCB_INITIAL,
    SRCB_RESPONSE,
    SRCB_SIGNOFF,
    Signon,
    clamp_buffer_size,
    signoff_record,
)
from guests.rscs.nje.streams import InboundState, InboundStream, StreamError, file_blocks
from guests.rscs.nje.wire import NJEDecodeError

log = logging.getLogger(__name__)

MAX_NAKS = 3
MAX_UNKNOWN_UNITS = 10
HIGH_WATER = 64 * 1024


class LinkState(enum.Enum):
    INITIAL = "initial"
    WAIT_ENQ = "waiting for SOH ENQ"
    ENQ_SENT = "SOH ENQ sent"
    WAIT_SIGNON = "waiting for sign-on"
    SIGNON_SENT = "sign-on sent"
    ACTIVE = "active"
    CLOSED = "closed"


class LinkStateError(RuntimeError):
    """An operation the link cannot do in its present state (e.g. a message after signoff)."""


class OutboundState(enum.Enum):
    REQUESTED = "requested"
    SENDING = "sending"
    EOF_SENT = "end of file sent"


@dataclass
class _Outbound:
    file: OutboundFile
    rcb: int
    state: OutboundState = OutboundState.REQUESTED
    blocks: Iterator[bytes] | None = None
    next_block: bytes | None = None
    cancelled: bool = False


@dataclass(frozen=True)
class LinkOptions:
    """Local settings of one link: buffer offered, stream limits, passwords."""

    buffer_size: int = DEFAULT_BUFFER
    max_outbound: int = 1
    max_inbound: int = MAX_STREAMS
    line_password: str = ""
    node_password: str = ""
    high_water: int = HIGH_WATER
    trace: Callable[[str, bytes], None] | None = None  # ("in" | "out", one TTB): RSCS TRACE


class NJEProtocol:
    """One link's protocol state after OPEN/ACK. ``primary`` is the side that sent OPEN."""

    def __init__(
        self, local_node: str, remote_node: str, primary: bool, options: LinkOptions | None = None
    ) -> None:
        self.local_node = local_node.upper()
        self.remote_node = remote_node.upper()
        self.primary = primary
        self.options = options or LinkOptions()
        self.state = LinkState.INITIAL
        self.buffer_size = min(self.options.buffer_size, 32767)
        self.draining = False
        self._receiver = TTBReceiver()
        self._out = bytearray()
        self._events: list[LinkEvent] = []
        self._tx_bcb = BCBSender()
        self._rx_bcb = BCBChecker()
        self._fcs = FCS_NORMAL
        self._peer_wait = False
        self._last_block: bytes | None = None
        self._naks = 0
        self._unknown_units = 0
        self._pending: deque[OutboundFile] = deque()
        self._outbound: dict[int, _Outbound] = {}
        self._inbound: dict[int, InboundStream] = {}

    # ----- the I/O side -------------------------------------------------------------------

    def start(self) -> None:
        """Begin sign-on: the primary bids with SOH ENQ, the secondary waits for it."""
        if self.state is not LinkState.INITIAL:
            raise LinkStateError(f"link already started ({self.state.value})")
        if self.primary:
            self._send_unit(SOH_ENQ)
            self.state = LinkState.ENQ_SENT
        else:
            self.state = LinkState.WAIT_ENQ

    def receive_data(self, data: bytes) -> None:
        """Take bytes from the connection; every error in them ends in :meth:`_fail`."""
        if self.state in (LinkState.CLOSED, LinkState.INITIAL):
            return
        self._receiver.feed(data)
        try:
            self._handle_buffer()
        except NJEDecodeError as error:
            self._fail(f"bad data: {error}")
        except Exception as error:  # the one place an unexpected fault becomes a link error
            log.exception("link %s: internal error on input", self.remote_node)
            self._fail(f"internal error: {error!r}")

    def _handle_buffer(self) -> None:
        while not self.closed:
            ttb = self._receiver.next_ttb()
            if ttb is None:
                return
            if self.options.trace is not None:
                self.options.trace("in", ttb)
            for ttr in decode_ttb(ttb):
                self._handle_unit(ttr)
                if self.closed:
                    return

    def data_to_send(self) -> bytes:
        """Bytes to write now, including the next file blocks (up to the high-water mark)."""
        self._pump_files()
        data = bytes(self._out)
        self._out.clear()
        return data

    def events(self) -> list[LinkEvent]:
        """Events since the last call, oldest first."""
        events, self._events = self._events, []
        return events

    def connection_lost(self, reason: str) -> None:
        """The transport failed or the peer went silent: the link is down."""
        self._fail(reason)

    def keepalive(self) -> None:
        """Queue an empty TTB (section 11.2) if the link is up."""
        if self.state is LinkState.ACTIVE:
            self._out += EMPTY_TTB

    # ----- operations -----------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self.state is LinkState.ACTIVE

    @property
    def closed(self) -> bool:
        return self.state is LinkState.CLOSED

    @property
    def busy(self) -> bool:
        """Files queued or in transit in either direction."""
        return bool(self._pending or self._outbound or self._inbound)

    def outbound_state(self, file: OutboundFile) -> OutboundState | None:
        """Where an outbound file is (``None`` when queued, finished or unknown)."""
        for outbound in self._outbound.values():
            if outbound.file is file:
                return outbound.state
        return None

    def send_nmr(self, nmr: NodalMessage) -> None:
        """Queue a nodal message record in a block of its own."""
        self._require_active()
        self._send_block(encode_record(nmr.record()))

    def queue_file(self, file: OutboundFile) -> None:
        """Queue a file; it is sent on a free stream once the link is active."""
        if self.state is LinkState.CLOSED or self.draining:
            raise LinkStateError("link is closed or draining")
        if not len(file.records):
            raise ValueError("a file must contain at least one record")
        self._pending.append(file)
        self._start_files()

    def confirm_file(self, file: ReceivedFile) -> None:
        """The received file is committed: acknowledge it (C0) and free its stream."""
        self._finish_inbound(file, RCB_COMPLETE)

    def reject_file(self, file: ReceivedFile) -> None:
        """Refuse a received file (B0); the sender holds it."""
        self._finish_inbound(file, RCB_DENY)

    def cancel_file(self, file: OutboundFile) -> None:
        """Abandon an outbound file (RSCS FLUSH): drop it from the queue, or end its stream
        with the abort SCB X'40' (section 12.7), at once or as soon as permission arrives."""
        if any(queued is file for queued in self._pending):
            self._pending.remove(file)
            self._events.append(FileRefused(file, "cancelled by the sender"))
            return
        for rcb, outbound in self._outbound.items():
            if outbound.file is file:
                if outbound.state is OutboundState.REQUESTED:
                    outbound.cancelled = True
                else:
                    self._abort_stream(rcb)
                return
        raise LinkStateError("no such outbound file on this link")

    def _abort_stream(self, rcb: int) -> None:
        outbound = self._outbound.pop(rcb)
        self._send_block(bytes([rcb, SRCB_CARD, SCB_ABORT, 0]))
        self._events.append(FileRefused(outbound.file, "cancelled by the sender"))
        self._start_files()

    def set_wait_a_bit(self, wait: bool) -> None:
        """Ask the peer to pause (or resume) file data, with FCS bit X'4000'."""
        self._fcs = FCS_NORMAL | FCS_WAIT_A_BIT if wait else FCS_NORMAL
        if self.state is LinkState.ACTIVE:
            self._send_block(b"")

    def drain(self) -> None:
        """Refuse new inbound files and start no new outbound ones."""
        self.draining = True

    def signoff(self) -> None:
        """Send signoff B (when active) and close the link cleanly."""
        if self.state is LinkState.ACTIVE:
            self._send_block(encode_record(signoff_record()))
        self._close("signed off", error=False)

    # ----- sending --------------------------------------------------------------------------

    def _send_unit(self, unit: bytes) -> None:
        ttb = encode_ttb([unit])
        if self.options.trace is not None:
            self.options.trace("out", ttb)
        self._out += ttb

    def _send_block(self, body: bytes, final: bool = True) -> None:
        bcb = self._tx_bcb.next()
        unit = DLE_STX + bytes([bcb]) + self._fcs.to_bytes(2, "big") + body
        unit += b"\x00" if final else b""
        self._last_block = unit
        self._send_unit(unit)

    def _send_control(self, rcb: int, stream: int) -> None:
        self._send_block(bytes([rcb, stream, 0]))

    def _require_active(self) -> None:
        if self.state is not LinkState.ACTIVE:
            raise LinkStateError(f"link to {self.remote_node} is {self.state.value}")

    @property
    def max_block(self) -> int:
        return self.buffer_size - FRAMING_OVERHEAD

    def _start_files(self) -> None:
        if self.state is not LinkState.ACTIVE or self.draining:
            return
        while self._pending and len(self._outbound) < self.options.max_outbound:
            file = self._pending[0]
            free = [
                rcb
                for rcb in (stream_rcb(n, not file.sysin) for n in range(1, MAX_STREAMS + 1))
                if rcb not in self._outbound
            ]
            if not free:
                return
            self._pending.popleft()
            self._outbound[free[0]] = _Outbound(file, free[0])
            self._send_control(RCB_REQUEST, free[0])

    def _pump_files(self) -> None:
        """Generate file data blocks, round robin over streams, unless the peer said wait."""
        progress = True
        while progress and self.state is LinkState.ACTIVE and not self._peer_wait:
            progress = False
            for outbound in list(self._outbound.values()):
                if len(self._out) >= self.options.high_water:
                    return
                if outbound.state is not OutboundState.SENDING or outbound.next_block is None:
                    continue
                body = outbound.next_block
                outbound.next_block = next(outbound.blocks or iter(()), None)
                if outbound.next_block is None:
                    outbound.state = OutboundState.EOF_SENT
                self._send_block(body)
                progress = True

    # ----- receiving: sign-on ---------------------------------------------------------------

    def _handle_unit(self, ttr: TTR) -> None:
        unit = classify_unit(ttr.data)
        if unit.kind in (UnitKind.EMPTY, UnitKind.SYN_NAK):
            return
        handler = self._unit_handlers()[self.state]
        handler(unit.kind, unit.data, ttr.fast_open)

    def _unit_handlers(self) -> dict[LinkState, Callable[[UnitKind, bytes, bool], None]]:
        return {
            LinkState.WAIT_ENQ: self._unit_wait_enq,
            LinkState.ENQ_SENT: self._unit_enq_sent,
            LinkState.WAIT_SIGNON: self._unit_signon,
            LinkState.SIGNON_SENT: self._unit_signon,
            LinkState.ACTIVE: self._unit_active,
        }

    def _unit_wait_enq(self, kind: UnitKind, data: bytes, fast_open: bool) -> None:
        if kind is UnitKind.SOH_ENQ:
            self._send_unit(DLE_ACK0)
            self.state = LinkState.WAIT_SIGNON
        elif kind is not UnitKind.DLE_ACK0:
            self._fail(f"expected SOH ENQ, received {kind.value}")

    def _unit_enq_sent(self, kind: UnitKind, data: bytes, fast_open: bool) -> None:
        if kind is UnitKind.DLE_ACK0:
            signon = Signon(
                self.local_node, self.buffer_size, line_password=self.options.line_password,
                node_password=self.options.node_password,
            )  # fmt: skip
            self._send_block(encode_record(signon.record()), final=False)
            self.state = LinkState.SIGNON_SENT
        else:
            self._fail(f"expected DLE ACK0, received {kind.value}")

    def _unit_signon(self, kind: UnitKind, data: bytes, fast_open: bool) -> None:
        if kind is UnitKind.DLE_ACK0:
            return
        if kind is UnitKind.SOH_ENQ and self.state is LinkState.WAIT_SIGNON:
            self._send_unit(DLE_ACK0)  # the bid repeated: answer it again
            return
        if kind is not UnitKind.BLOCK:
            self._fail(f"expected sign-on, received {kind.value}")
            return
        self._rx_bcb.check(data)
        records = decode_block(data).records
        expected = SRCB_INITIAL if self.state is LinkState.WAIT_SIGNON else SRCB_RESPONSE
        if records and records[0].rcb == RCB_NCCR and records[0].srcb == SRCB_SIGNOFF:
            self._close(f"signoff from {self.remote_node} during sign-on", error=True)
        elif not records or records[0].rcb != RCB_NCCR or records[0].srcb != expected:
            self._fail(f"expected sign-on record X'{expected:02X}'")
        else:
            self._signed_on(Signon.from_record(records[0]))

    def _signed_on(self, signon: Signon) -> None:
        problem = self._check_signon(signon)
        if problem:
            self._fail(problem)
            return
        self.buffer_size = min(clamp_buffer_size(signon.buffer_size), self.buffer_size)
        if self.state is LinkState.WAIT_SIGNON:
            reply = Signon(
                self.local_node, self.buffer_size, response=True,
                line_password=self.options.line_password, node_password=self.options.node_password,
            )  # fmt: skip
            self._send_block(encode_record(reply.record()), final=False)
        self.state = LinkState.ACTIVE
        self._receiver.max_length = max(self.options.buffer_size, self.buffer_size, 10240)
        log.info("link %s signed on, buffer %d", self.remote_node, self.buffer_size)
        self._events.append(SignedOn(self.remote_node, self.buffer_size))
        self._start_files()

    def _check_signon(self, signon: Signon) -> str:
        if signon.node != self.remote_node:
            return f"sign-on from node {signon.node!r}, expected {self.remote_node}"
        options = self.options
        if options.line_password and signon.line_password != options.line_password.upper():
            return "sign-on with a wrong line password"
        if options.node_password and signon.node_password != options.node_password.upper():
            return "sign-on with a wrong node password"
        return ""

    # ----- receiving: active ----------------------------------------------------------------

    def _unit_active(self, kind: UnitKind, data: bytes, fast_open: bool) -> None:
        if kind is UnitKind.BLOCK:
            self._unknown_units = 0
            self._active_block(data, fast_open)
        elif kind is UnitKind.NAK:
            self._retransmit()
        elif kind is UnitKind.SOH_ENQ:
            self._fail("SOH ENQ while active: the peer restarted")
        elif kind is UnitKind.UNKNOWN:
            self._unknown_units += 1
            log.warning("link %s: unrecognised unit %s", self.remote_node, data[:16].hex())
            if self._unknown_units >= MAX_UNKNOWN_UNITS:
                self._fail(f"{MAX_UNKNOWN_UNITS} unrecognised units in a row")

    def _retransmit(self) -> None:
        self._naks += 1
        if self._naks > MAX_NAKS:
            self._fail(f"{MAX_NAKS} NAKs in a row")
        elif self._last_block is not None:
            self._send_unit(self._last_block)

    def _active_block(self, data: bytes, fast_open: bool) -> None:
        verdict = self._rx_bcb.check(data)
        if verdict is BCBVerdict.DUPLICATE:
            log.info("link %s: retransmitted block X'%02X' dropped", self.remote_node, data[0])
            return
        if verdict is BCBVerdict.GAP:
            log.warning("link %s: BCB X'%02X' out of sequence", self.remote_node, data[0])
        self._naks = 0
        block = decode_block(data)
        self._peer_wait = block.wait_a_bit
        for record in block.records:
            self._active_record(record, fast_open)
            if self.state is not LinkState.ACTIVE:
                return
        if block.unknown_rcb is not None:
            log.warning(
                "link %s: unknown RCB X'%02X', rest of block skipped",
                self.remote_node, block.unknown_rcb,
            )  # fmt: skip

    def _active_record(self, record: Record, fast_open: bool) -> None:
        rcb = record.rcb
        if rcb == RCB_NCCR:
            self._active_nccr(record)
        elif rcb == RCB_NMR:
            self._receive_nmr(record)
        elif rcb == RCB_REQUEST:
            self._stream_request(record.srcb, fast_open)
        elif rcb in (RCB_PERMIT, RCB_DENY, RCB_COMPLETE):
            self._outbound_reply(rcb, record.srcb)
        elif rcb == RCB_BCB_ERROR:
            self._fail("the peer reports a BCB sequence error")
        elif rcb != RCB_READY:
            self._stream_record(record)

    def _active_nccr(self, record: Record) -> None:
        if record.srcb == SRCB_SIGNOFF:
            self._close(f"signoff from {self.remote_node}", error=False)
        elif record.srcb == SRCB_INITIAL:
            self._fail("sign-on while active: the peer restarted")
        else:
            log.debug("link %s: NCCR X'%02X' ignored", self.remote_node, record.srcb)

    def _receive_nmr(self, record: Record) -> None:
        try:
            if record.status is not RecordStatus.OK:
                raise NJEDecodeError(f"{record.status.value} NMR")
            nmr = NodalMessage.decode(record.data)
        except NJEDecodeError as error:
            log.warning("link %s: NMR dropped: %s", self.remote_node, error)
            return
        self._events.append(MessageReceived(nmr))

    # ----- streams --------------------------------------------------------------------------

    def _stream_request(self, rcb: int, fast_open: bool) -> None:
        stream = stream_of(rcb)
        if stream is None or stream > self.options.max_inbound:
            log.warning("link %s: request for stream X'%02X' refused", self.remote_node, rcb)
            self._send_control(RCB_DENY, rcb)
        elif self.draining or rcb in self._inbound:
            self._send_control(RCB_DENY, rcb)
        else:
            self._inbound[rcb] = InboundStream(stream, not is_sysout(rcb))
            if not fast_open:
                self._send_control(RCB_PERMIT, rcb)

    def _stream_record(self, record: Record) -> None:
        inbound = self._inbound.get(record.rcb)
        if inbound is None or inbound.state is InboundState.COMPLETE:
            if record.data or record.status is not RecordStatus.OK:
                log.warning("link %s: record on idle stream X'%02X'", self.remote_node, record.rcb)
            return
        try:
            if inbound.add(record):
                assert inbound.file is not None
                self._events.append(FileReceived(inbound.file))
        except StreamError as error:
            del self._inbound[record.rcb]
            if record.status is RecordStatus.ABORT:
                log.info("link %s: sender aborted stream X'%02X'", self.remote_node, record.rcb)
                self._send_block(encode_record(Record(record.rcb, SRCB_CARD)))
            else:
                log.warning("link %s: file refused: %s", self.remote_node, error)
                self._send_control(RCB_DENY, record.rcb)

    def _finish_inbound(self, file: ReceivedFile, rcb: int) -> None:
        key = stream_rcb(file.stream, not file.sysin)
        inbound = self._inbound.get(key)
        if inbound is None or inbound.file is not file:
            raise LinkStateError("no such received file on this link")
        del self._inbound[key]
        if self.state is LinkState.ACTIVE:
            self._send_control(rcb, key)

    def _outbound_reply(self, rcb: int, stream: int) -> None:
        outbound = self._outbound.get(stream)
        if outbound is None:
            log.warning("link %s: X'%02X' for idle stream X'%02X'", self.remote_node, rcb, stream)
            return
        if rcb == RCB_PERMIT and outbound.cancelled:
            self._abort_stream(stream)
        elif rcb == RCB_PERMIT and outbound.state is OutboundState.REQUESTED:
            outbound.state = OutboundState.SENDING
            outbound.blocks = file_blocks(outbound.file, stream, self.max_block)
            outbound.next_block = next(outbound.blocks, None)
        elif rcb == RCB_DENY:
            del self._outbound[stream]
            started = outbound.state is not OutboundState.REQUESTED
            reason = "cancelled by the receiver" if started else "refused by the receiver"
            self._events.append(FileRefused(outbound.file, reason))
        elif rcb == RCB_COMPLETE and outbound.state is OutboundState.EOF_SENT:
            del self._outbound[stream]
            self._events.append(FileDelivered(outbound.file))
        else:
            log.warning("link %s: X'%02X' out of order on stream X'%02X'", self.remote_node,
                        rcb, stream)  # fmt: skip
        self._start_files()

    # ----- ending ---------------------------------------------------------------------------

    def _fail(self, reason: str) -> None:
        if self.state is not LinkState.CLOSED:
            log.warning("link %s: %s", self.remote_node, reason)
            self._out.clear()
        self._close(reason, error=True)

    def _close(self, reason: str, error: bool) -> None:
        if self.state is LinkState.CLOSED:
            return
        self.state = LinkState.CLOSED
        unsent = tuple(outbound.file for outbound in self._outbound.values())
        unsent += tuple(self._pending)
        self._outbound.clear()
        self._pending.clear()
        self._inbound.clear()
        self._events.append(LinkDown(reason, error, unsent))


__all__ = ["OutboundState", "LinkOptions", "LinkState", "LinkStateError", "NJEProtocol"]
