"""The TCP/IP NJE control record: OPEN, ACK and NAK (reference/nje-rscs.md section 4;
BITNET BRFC 0002 "VMNET").

A control record is exactly 33 bytes, unframed, sent once in each direction before the TTB
stream starts: TYPE(8) RHOST(8) RIP(4) OHOST(8) OIP(4) R(1). An ACK (and our NAK) echoes the
OPEN with the host and address pairs swapped.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from guests.rscs.nje.wire import NJEDecodeError, Reader, name_field, to_ebcdic

CONTROL_RECORD_LENGTH = 33

OPEN = "OPEN"
ACK = "ACK"
NAK = "NAK"
CONTROL_TYPES = (OPEN, ACK, NAK)

# NAK reasons (section 4.3).
NAK_NO_SUCH_LINK = 0x01
NAK_ALREADY_ACTIVE = 0x02
NAK_OPEN_PENDING = 0x03
NAK_TEMPORARY = 0x04


@dataclass(frozen=True)
class ControlRecord:
    """One OPEN/ACK/NAK record. Addresses are dotted IPv4 strings (informational only)."""

    type: str
    rhost: str
    rip: str
    ohost: str
    oip: str
    reason: int = 0

    def encode(self) -> bytes:
        if self.type not in CONTROL_TYPES:
            raise ValueError(f"not a control record type: {self.type!r}")
        return b"".join(
            (
                to_ebcdic(self.type, 8),
                name_field(self.rhost),
                ipaddress.IPv4Address(self.rip).packed,
                name_field(self.ohost),
                ipaddress.IPv4Address(self.oip).packed,
                bytes([self.reason & 0xFF]),
            )
        )

    @classmethod
    def decode(cls, data: bytes) -> ControlRecord:
        """Decode exactly 33 bytes; an unknown TYPE is a decode error."""
        reader = Reader(bytes(data))
        kind = reader.get_name(8)
        if kind not in CONTROL_TYPES:
            raise NJEDecodeError(f"unknown control record type {data[:8].hex()}")
        rhost = reader.get_name(8)
        rip = str(ipaddress.IPv4Address(reader.get_bytes(4)))
        ohost = reader.get_name(8)
        oip = str(ipaddress.IPv4Address(reader.get_bytes(4)))
        reason = reader.get_byte()
        reader.check_end()
        return cls(kind, rhost, rip, ohost, oip, reason)

    def reply(self, kind: str, reason: int = 0) -> ControlRecord:
        """The ACK or NAK answering this OPEN: names and addresses swapped exactly."""
        return ControlRecord(kind, self.ohost, self.oip, self.rhost, self.rip, reason)


def open_record(local_node: str, local_ip: str, remote_node: str, remote_ip: str) -> ControlRecord:
    return ControlRecord(OPEN, local_node.upper(), local_ip, remote_node.upper(), remote_ip)


def keep_local_open(local_node: str, remote_node: str) -> bool:
    """Simultaneous open (section 4.5): with our OPEN outstanding and the peer's OPEN arriving,
    keep ours (and NAK 3 theirs) when our name is lower in EBCDIC byte order."""
    return name_field(local_node) < name_field(remote_node)


def describe(record: ControlRecord) -> str:
    """A one-line trace form."""
    source = f"{record.rhost}({record.rip})"
    target = f"{record.ohost}({record.oip})"
    return f"{record.type} {source} -> {target} R={record.reason}"


__all__ = [
    "ACK",
    "CONTROL_RECORD_LENGTH",
    "ControlRecord",
    "NAK",
    "NAK_ALREADY_ACTIVE",
    "NAK_NO_SUCH_LINK",
    "NAK_OPEN_PENDING",
    "NAK_TEMPORARY",
    "OPEN",
    "describe",
    "keep_local_open",
    "open_record",
]
