"""The channel-to-channel adapter between two virtual machines (CP's COUPLE).

Models the System/370 channel-to-channel adapter in basic mode (IBM
"Channel-to-Channel Adapter" component description, GA22-6983, as VM/370's
virtual CTCA presents it): two devices joined by :func:`couple`.  A Write,
Read or Control on one side waits until the other side issues the matching
command; the side that started first has its command pending and the other
side gets an attention interruption (if it has no command of its own
pending), to which it answers with Sense Command Byte (X'14', the waiting
command code) and the complementary command.  When a Write meets a Read the
data moves; each side's residual count is reckoned against its own count.
A Control (X'07') ends when the other side senses its command byte or
issues any read or write.  NOP (X'03') and Sense (X'04', one byte) act at
once; an adapter that is not coupled gives unit check, intervention
required.  Sense ID gives X'FF 3088 08 3088 01'.  Extended mode and Write
EOF are not provided (command reject).
"""

from __future__ import annotations

from dataclasses import dataclass

from server.machine.devices.base import (
    ATTENTION,
    CE_DE,
    INTERVENTION_REQUIRED,
    NOP,
    PENDING,
    CCWResult,
    Device,
    immediate,
    transfer,
)

WRITE = 0x01
READ = 0x02
CONTROL = 0x07
SENSE_COMMAND_BYTE = 0x14


@dataclass
class _Waiting:
    opcode: int
    data: bytes
    count: int


class ChannelToChannel(Device):
    """One side of a virtual CTCA."""

    device_type = 0x3088
    reject_status = 0
    sense_id_data = bytes.fromhex("ff308808308801")

    def __init__(self) -> None:
        super().__init__()
        self.peer: ChannelToChannel | None = None
        self.waiting: _Waiting | None = None

    def command(self, opcode: int, flags: int, data: bytes, count: int) -> CCWResult:
        # -- CONTROL NO-OPERATION --
        if opcode == NOP:
            return immediate(count)
        if opcode not in (WRITE, READ, CONTROL, SENSE_COMMAND_BYTE):
            return self.reject(count=count)
        peer = self.peer
        if peer is None:
            return self.unit_check(bytes([INTERVENTION_REQUIRED]))
        # -- SENSE COMMAND BYTE --
        if opcode == SENSE_COMMAND_BYTE:
            other = peer.waiting
            if other is not None and other.opcode == CONTROL:
                peer._finish(immediate(other.count))
            return transfer(count, bytes([other.opcode if other else 0]))
        # -- WRITE, READ, CONTROL --
        other = peer.waiting
        if other is not None and other.opcode == CONTROL and opcode != CONTROL:
            peer._finish(immediate(other.count))
            other = None
        if other is not None and {other.opcode, opcode} == {WRITE, READ}:
            return self._match(peer, other, opcode, data, count)
        self.waiting = _Waiting(opcode, bytes(data), count)
        if peer.waiting is None:
            peer.signal(ATTENTION)
        return PENDING

    def _match(self, peer: ChannelToChannel, other: _Waiting, opcode: int, data: bytes,
               count: int) -> CCWResult:
        """A Write met a Read: move the data, end the peer's command, end ours."""
        if opcode == WRITE:
            moved = data[: other.count]
            peer._finish(transfer(other.count, moved))
            return CCWResult(CE_DE, count - len(moved))
        moved = other.data[:count]
        peer._finish(CCWResult(CE_DE, other.count - len(moved)))
        return transfer(count, moved)

    def _finish(self, result: CCWResult) -> None:
        self.waiting = None
        self.complete(result)

    def halt(self) -> None:
        self.waiting = None


def couple(first: ChannelToChannel, second: ChannelToChannel) -> None:
    """Join two adapters (CP's COUPLE); an earlier partner of either is released."""
    for side in (first, second):
        if side.peer is not None:
            side.peer.peer = None
    first.peer, second.peer = second, first


def uncouple(adapter: ChannelToChannel) -> None:
    """Release an adapter's partner (DETACH of either side)."""
    if adapter.peer is not None:
        adapter.peer.peer = None
        adapter.peer = None
