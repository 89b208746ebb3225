"""NJE transmission blocks, records and the block sequence count (reference/nje-rscs.md
sections 7 and 8; NJE Formats and Protocols, "BSC transmission block").

A block is ``DLE STX BCB FCS1 FCS2`` then records ``RCB SRCB data`` and a final RCB X'00'.
Record data is an SCB string (:mod:`guests.rscs.nje.scb`) except for NCCR records (RCB X'F0'),
which run uncompressed to the end of the block. :class:`BCBSender` numbers outgoing blocks
strictly; :class:`BCBChecker` applies the receive leniency rules of section 7.1.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

from guests.rscs.nje.framing import DLE_STX
from guests.rscs.nje.scb import SCBError, compress, decompress
from guests.rscs.nje.wire import NJEDecodeError, Reader

# Block control byte (section 7.1).
BCB_NORMAL = 0x80
BCB_BYPASS = 0x90
BCB_RESET = 0xA0

# Function control sequence (section 7.2).
FCS_NORMAL = 0x8FCF
FCS_WAIT_A_BIT = 0x4000

# Record control bytes (section 8).
RCB_END = 0x00
RCB_REQUEST = 0x90
RCB_PERMIT = 0xA0
RCB_DENY = 0xB0
RCB_COMPLETE = 0xC0
RCB_READY = 0xD0
RCB_BCB_ERROR = 0xE0
RCB_NCCR = 0xF0
RCB_NMR = 0x9A
STREAM_CONTROL_RCBS = frozenset(
    {RCB_REQUEST, RCB_PERMIT, RCB_DENY, RCB_COMPLETE, RCB_READY, RCB_BCB_ERROR}
)
MAX_STREAMS = 7

# Stream record SRCBs (section 12.4).
SRCB_NJH = 0xC0
SRCB_NDH = 0xE0
SRCB_NJT = 0xD0
SRCB_CARD = 0x80
SRCB_CCW = 0x90
SRCB_ASA = 0xA0
SRCB_CPDS = 0xB0
SRCB_NMR = 0x80
HEADER_SRCBS = frozenset({SRCB_NJH, SRCB_NDH, SRCB_NJT})


def stream_rcb(stream: int, sysout: bool) -> int:
    """RCB of stream 1-7 (IBM numbering): X'98'..X'F8' SYSIN, X'99'..X'F9' SYSOUT."""
    if not 1 <= stream <= MAX_STREAMS:
        raise ValueError(f"stream {stream} out of range")
    return ((stream + 8) << 4) | (0x09 if sysout else 0x08)


def stream_of(rcb: int) -> int | None:
    """The stream number (1-7) of a SYSIN/SYSOUT RCB, else ``None``."""
    high, low = rcb >> 4, rcb & 0x0F
    if low in (0x08, 0x09) and 0x9 <= high <= 0xF:
        return high - 8
    return None


def is_sysout(rcb: int) -> bool:
    return rcb & 0x0F == 0x09


class RecordStatus(enum.Enum):
    OK = "ok"
    ABORT = "abort"  # the sender's SCB X'40'
    CORRUPT = "corrupt"  # undefined SCB: the rest of the block was skipped


@dataclass(frozen=True)
class Record:
    """A record with its data decompressed (NCCR records: the raw bytes after the SRCB)."""

    rcb: int
    srcb: int
    data: bytes = b""
    status: RecordStatus = RecordStatus.OK


@dataclass
class TransmissionBlock:
    """A decoded block; ``unknown_rcb`` is set when decoding stopped at an unknown RCB."""

    bcb: int
    fcs: int
    records: list[Record] = field(default_factory=list)
    unknown_rcb: int | None = None

    @property
    def wait_a_bit(self) -> bool:
        return bool(self.fcs & FCS_WAIT_A_BIT)


def encode_record(record: Record) -> bytes:
    """``RCB SRCB data``: NCCR raw, control records empty, data records run-compressed,
    NMRs and headers literal-only (as FUNET-NJE sends them)."""
    head = bytes([record.rcb, record.srcb])
    if record.rcb == RCB_NCCR:
        return head + record.data
    if record.rcb in STREAM_CONTROL_RCBS:
        return head + compress(b"")
    runs = stream_of(record.rcb) is not None and record.srcb not in HEADER_SRCBS
    return head + compress(record.data, runs=runs)


def encode_block(
    bcb: int, records: Sequence[Record], fcs: int = FCS_NORMAL, final: bool = True
) -> bytes:
    """A complete ``DLE STX`` unit. ``final`` False omits the closing RCB X'00' (I and J)."""
    body = b"".join(encode_record(record) for record in records)
    end = bytes([RCB_END]) if final else b""
    return DLE_STX + bytes([bcb]) + fcs.to_bytes(2, "big") + body + end


def decode_block(payload: bytes) -> TransmissionBlock:
    """Decode what follows DLE STX. Lenient as section 15 asks: a missing final X'00' is
    accepted, an unknown RCB stops decoding, an undefined SCB ends the block with a
    CORRUPT record for that RCB."""
    reader = Reader(bytes(payload))
    block = TransmissionBlock(reader.get_byte(), reader.get_u16())
    while reader.remaining:
        rcb = reader.get_byte()
        if rcb == RCB_END:
            break
        srcb = reader.get_byte() if reader.remaining else 0
        if rcb == RCB_NCCR:
            block.records.append(Record(rcb, srcb, reader.get_rest()))
            break
        if rcb not in STREAM_CONTROL_RCBS and rcb != RCB_NMR and stream_of(rcb) is None:
            block.unknown_rcb = rcb
            break
        try:
            result = decompress(reader)
        except SCBError:
            block.records.append(Record(rcb, srcb, b"", RecordStatus.CORRUPT))
            break
        status = RecordStatus.ABORT if result.aborted else RecordStatus.OK
        block.records.append(Record(rcb, srcb, result.data, status))
    return block


class BCBSender:
    """Outgoing block numbering: X'A0' first after sign-on, then X'80'..X'8F' cyclically."""

    def __init__(self) -> None:
        self._count: int | None = None

    def next(self) -> int:
        if self._count is None:
            self._count = 0
            return BCB_RESET
        bcb = BCB_NORMAL | self._count
        self._count = (self._count + 1) % 16
        return bcb


class BCBVerdict(enum.Enum):
    ACCEPT = "accept"
    DUPLICATE = "duplicate"  # byte-identical retransmission: discard
    GAP = "gap"  # accepted, but the count was not the expected one (log it)


class BCBChecker:
    """Incoming block numbering with the leniency of section 7.1."""

    def __init__(self) -> None:
        self.expected = 0
        self._previous: tuple[int, bytes] | None = None

    def check(self, payload: bytes) -> BCBVerdict:
        """Judge a block (``payload`` = bytes after DLE STX); an invalid BCB is an error."""
        if not payload:
            raise NJEDecodeError("transmission block without a BCB")
        bcb = payload[0]
        kind, count = bcb & 0xF0, bcb & 0x0F
        if kind == BCB_BYPASS:
            return BCBVerdict.ACCEPT
        if kind == BCB_RESET:
            self.expected = count
            self._previous = None
            return BCBVerdict.ACCEPT
        if kind != BCB_NORMAL:
            raise NJEDecodeError(f"invalid BCB X'{bcb:02X}'")
        previous, self._previous = self._previous, (count, bytes(payload))
        if count == self.expected:
            self.expected = (count + 1) % 16
            return BCBVerdict.ACCEPT
        if previous == (count, bytes(payload)):
            return BCBVerdict.DUPLICATE
        self.expected = (count + 1) % 16
        return BCBVerdict.GAP
