"""VMNET TTB/TTR framing and the BSC units carried in each TTR (reference/nje-rscs.md
sections 5 and 6; BRFC 0002).

A TTB is ``flags(1) unused(1) length(2) reserved(4)`` followed by TTRs, each
``flags(1) unused(1) length(2)`` and that many bytes, and a final zero-length TTR. Each TTR
holds one BSC unit: SOH ENQ, DLE ACK0, NAK, or a DLE STX transmission block.
:class:`TTBReceiver` is the receive buffer: :meth:`TTBReceiver.next_ttb` returns ``None`` when it
needs more bytes.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from guests.rscs.nje.wire import NJEDecodeError, Reader

TTB_HEADER_LENGTH = 8
TTR_HEADER_LENGTH = 4
TTR_FAST_OPEN = 0x80
MAX_TTB_LENGTH = 32767
FRAMING_OVERHEAD = TTB_HEADER_LENGTH + 2 * TTR_HEADER_LENGTH  # one TTR plus the final TTR

EMPTY_TTB = bytes.fromhex("0000000c0000000000000000")

SOH_ENQ = b"\x01\x2d"
DLE_ACK0 = b"\x10\x70"
BSC_NAK = b"\x3d"
SYN_NAK = b"\x32\x3d"
DLE_STX = b"\x10\x02"
SYN = 0x32


@dataclass(frozen=True)
class TTR:
    """One record of a TTB: its flag byte and its data."""

    flags: int
    data: bytes

    @property
    def fast_open(self) -> bool:
        return bool(self.flags & TTR_FAST_OPEN)


def encode_ttb(units: Iterable[bytes], fast_open: bool = False) -> bytes:
    """Frame BSC units into one TTB (with the final zero TTR); units must not be empty."""
    flags = TTR_FAST_OPEN if fast_open else 0
    units = list(units)
    if not all(units):
        raise ValueError("an empty TTR would end the TTB")
    parts = [
        bytes([flags, 0]) + len(unit).to_bytes(2, "big") + unit for unit in units
    ]
    body = b"".join(parts) + bytes(TTR_HEADER_LENGTH)
    length = TTB_HEADER_LENGTH + len(body)
    if length > MAX_TTB_LENGTH:
        raise ValueError(f"TTB of {length} bytes is too long")
    return bytes(2) + length.to_bytes(2, "big") + bytes(4) + body


def decode_ttb(block: bytes) -> list[TTR]:
    """Split a complete TTB into its TTRs. Lenient: flag and reserved bytes are ignored and
    the final zero TTR may be missing; a TTR running past the block is an error."""
    reader = Reader(bytes(block))
    reader.get_bytes(2)
    length = reader.get_u16()
    if length != len(block) or length < TTB_HEADER_LENGTH:
        raise NJEDecodeError(f"TTB length {length} does not match block of {len(block)}")
    reader.get_bytes(4)
    records: list[TTR] = []
    while reader.remaining:
        if reader.remaining < TTR_HEADER_LENGTH:
            raise NJEDecodeError(f"truncated TTR header ({reader.remaining} bytes)")
        flags = reader.get_byte()
        reader.get_byte()
        size = reader.get_u16()
        if size == 0:
            break
        records.append(TTR(flags, reader.get_bytes(size)))
    return records


class TTBReceiver:
    """Receive buffer for the TTB stream: feed bytes, take complete TTBs."""

    def __init__(self, max_length: int = MAX_TTB_LENGTH) -> None:
        self._buffer = bytearray()
        self.max_length = max_length

    def feed(self, data: bytes) -> None:
        self._buffer += data

    @property
    def buffered(self) -> int:
        return len(self._buffer)

    def next_ttb(self) -> bytes | None:
        """The next complete TTB, or ``None`` when more bytes are needed."""
        if len(self._buffer) < 4:
            return None
        length = int.from_bytes(self._buffer[2:4], "big")
        if length < TTB_HEADER_LENGTH or length > self.max_length:
            raise NJEDecodeError(f"TTB length {length} outside 8..{self.max_length}")
        if len(self._buffer) < length:
            return None
        block = bytes(self._buffer[:length])
        del self._buffer[:length]
        return block


class UnitKind(enum.Enum):
    SOH_ENQ = "SOH ENQ"
    DLE_ACK0 = "DLE ACK0"
    NAK = "NAK"
    SYN_NAK = "SYN NAK"
    BLOCK = "DLE STX"
    EMPTY = "empty"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class BSCUnit:
    """A classified TTR: for a BLOCK, ``data`` is what follows DLE STX."""

    kind: UnitKind
    data: bytes = b""


def classify_unit(data: bytes) -> BSCUnit:
    """Recognise the BSC unit in a TTR (section 6): leading SYNs are stripped, trailing bytes
    after a recognised control prefix (F's X'FF' pad) are ignored."""
    if data.startswith(SYN_NAK) and data.rstrip(b"\xff") == SYN_NAK:
        return BSCUnit(UnitKind.SYN_NAK)
    body = data.lstrip(bytes([SYN]))
    if not body:
        return BSCUnit(UnitKind.EMPTY)
    if body.startswith(DLE_STX):
        return BSCUnit(UnitKind.BLOCK, body[len(DLE_STX) :])
    if body.startswith(SOH_ENQ):
        return BSCUnit(UnitKind.SOH_ENQ)
    if body.startswith(DLE_ACK0):
        return BSCUnit(UnitKind.DLE_ACK0)
    if body.startswith(BSC_NAK):
        return BSCUnit(UnitKind.NAK)
    return BSCUnit(UnitKind.UNKNOWN, body)
