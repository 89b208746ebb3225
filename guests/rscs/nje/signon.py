"""Network connection control records: sign-on I and J, signoff B (reference/nje-rscs.md
section 10; NJE Formats and Protocols, "NCCR").

The I and J records are 41 bytes uncompressed, starting with RCB X'F0' and SRCB 'I'/'J';
they travel alone in a block with BCB X'A0' and without the final RCB.
"""

from __future__ import annotations

from dataclasses import dataclass

from guests.rscs.nje.block import RCB_NCCR, Record
from guests.rscs.nje.wire import NJEDecodeError, Reader, name_field, to_ebcdic

SRCB_INITIAL = 0xC9  # I
SRCB_RESPONSE = 0xD1  # J
SRCB_SIGNOFF = 0xC2  # B
SRCB_RESET_SIGNON = 0xD2  # K
SRCB_CONCURRENCE = 0xD3  # L

SIGNON_LENGTH = 41
OLD_SIGNON_LENGTH = 37
MIN_BUFFER = 256
MAX_BUFFER = 32767
DEFAULT_BUFFER = 8192


def clamp_buffer_size(size: int) -> int:
    """Section 10.3: received sizes are clamped to [256, 32767]."""
    return max(MIN_BUFFER, min(MAX_BUFFER, size))


@dataclass(frozen=True)
class Signon:
    """An I (``response`` False) or J record."""

    node: str
    buffer_size: int = DEFAULT_BUFFER
    response: bool = False
    qualifier: int = 1
    event: int = 0
    resistance: int = 0
    line_password: str = ""
    node_password: str = ""
    flags: int = 0
    features: int = 0

    def record(self) -> Record:
        """The NCCR record (data after RCB SRCB: NCCIDL and the fields)."""
        data = b"".join(
            (
                bytes([SIGNON_LENGTH]),
                name_field(self.node),
                bytes([self.qualifier & 0xFF]),
                (self.event & 0xFFFFFFFF).to_bytes(4, "big"),
                (self.resistance & 0xFFFF).to_bytes(2, "big"),
                min(self.buffer_size, MAX_BUFFER).to_bytes(2, "big"),
                to_ebcdic(self.line_password.upper(), 8),
                to_ebcdic(self.node_password.upper(), 8),
                bytes([self.flags & 0xFF]),
                (self.features & 0xFFFFFFFF).to_bytes(4, "big"),
            )
        )
        return Record(RCB_NCCR, SRCB_RESPONSE if self.response else SRCB_INITIAL, data)

    @classmethod
    def from_record(cls, record: Record) -> Signon:
        """Decode leniently: 37-44+ bytes, missing trailing fields are zero, extra ignored."""
        if record.rcb != RCB_NCCR or record.srcb not in (SRCB_INITIAL, SRCB_RESPONSE):
            raise NJEDecodeError(f"not a sign-on record: {record.rcb:02X} {record.srcb:02X}")
        raw = record.data[: SIGNON_LENGTH - 2]
        if len(raw) < OLD_SIGNON_LENGTH - 2 - 1:
            raise NJEDecodeError(f"sign-on record of {len(raw) + 2} bytes is too short")
        reader = Reader(raw.ljust(SIGNON_LENGTH - 2, b"\x00"))
        reader.get_byte()  # NCCIDL: X'25' or X'29', either accepted
        node = reader.get_name(8)
        qualifier = reader.get_byte()
        event = reader.get_u32()
        resistance = reader.get_u16()
        buffer_size = reader.get_u16()
        line_password = reader.get_name(8)
        node_password = reader.get_name(8)
        flags = reader.get_byte()
        features = reader.get_u32()
        return cls(
            node, buffer_size, record.srcb == SRCB_RESPONSE, qualifier, event, resistance,
            line_password, node_password, flags, features,
        )  # fmt: skip


def signoff_record() -> Record:
    """The signoff NCCR, ``F0 C2`` (the block supplies the final X'00', as H and N send)."""
    return Record(RCB_NCCR, SRCB_SIGNOFF)
