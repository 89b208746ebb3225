"""The device contract: what the channel asks of a device, and what it gets back.

Models the device side of Principles of Operation (GA22-7000) chapter 13,
"Input/Output Operations" (unit status, sense, Sense ID) in the shape of
Hercules' ``execute_ccw`` (STYLE.md): the channel owns CCW fetch, chaining
and every storage access; a device sees one command at a time as
``execute_ccw(opcode, flags, data, count)`` and returns a :class:`CCWResult`
value - unit status, residual count, "more" (the device had more data than
the count), sense bytes set by the command, the data of a read, and
``pending`` when the command completes later (a console read waiting for a
line).  A device that completes later calls :meth:`Device.complete`, which
hands the result to the channel; a device with something to say on its own
(attention, device end when it becomes ready) calls :meth:`Device.signal`.

Command codes the channel gives a device (low-order bits of the opcode):
``xxxxxx01`` write, ``xxxxxx10`` read, ``xxxxxx11`` control, ``xxxx0100``
sense, ``xxxx1100`` read backward.  For writes and control commands ``data``
holds the ``count`` bytes from storage (the whole data chain); for reads
and sense it is empty and the device returns what it read.

Common sense byte 0 bits (all devices): X'80' command reject, X'40'
intervention required, X'20' bus-out check, X'10' equipment check, X'08'
data check, X'04' overrun.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

# Unit status (CSW byte 4).
ATTENTION = 0x80
STATUS_MODIFIER = 0x40
CONTROL_UNIT_END = 0x20
BUSY = 0x10
CHANNEL_END = 0x08
DEVICE_END = 0x04
UNIT_CHECK = 0x02
UNIT_EXCEPTION = 0x01
CE_DE = CHANNEL_END | DEVICE_END

# Channel status (CSW byte 5).
PCI = 0x80
INCORRECT_LENGTH = 0x40
PROGRAM_CHECK = 0x20
PROTECTION_CHECK = 0x10
CHANNEL_DATA_CHECK = 0x08
CHANNEL_CONTROL_CHECK = 0x04
INTERFACE_CONTROL_CHECK = 0x02
CHAINING_CHECK = 0x01

# CCW flags (byte 4 of a format-0 CCW).
CD = 0x80  # chain data
CC = 0x40  # chain command
SLI = 0x20  # suppress length indication
SKIP = 0x10  # suppress transfer to storage
PCI_FLAG = 0x08  # program-controlled interruption
IDA = 0x04  # indirect data addressing

# Sense byte 0.
COMMAND_REJECT = 0x80
INTERVENTION_REQUIRED = 0x40
EQUIPMENT_CHECK = 0x10
DATA_CHECK = 0x08
OVERRUN = 0x04

SENSE = 0x04
SENSE_ID = 0xE4
NOP = 0x03


def is_read(opcode: int) -> bool:
    """True for commands that move data from the device to storage (read, sense, backward)."""
    return opcode & 3 == 2 or opcode & 0x0F in (0x04, 0x0C)


@dataclass(slots=True)
class CCWResult:
    """How one command ended.

    ``residual``: bytes of the count not used; ``more``: the device had more
    data (or wanted more) than the count, so lengths differ even with a zero
    residual.  The channel indicates incorrect length when ``residual`` or
    ``more`` is set and the CCW's SLI flag is off.  ``data``: bytes read
    (at most the count).  ``sense``: the sense bytes this command set (also
    kept by the device for a later Sense).  ``pending``: the command has not
    ended; the device will call :meth:`Device.complete` with the real result.
    """

    status: int = CE_DE
    residual: int = 0
    data: bytes = b""
    sense: bytes | None = None
    more: bool = False
    pending: bool = False


PENDING = CCWResult(status=0, pending=True)


def transfer(count: int, record: bytes, status: int = CE_DE) -> CCWResult:
    """The result of reading ``record`` with ``count``: truncated, residual, more."""
    return CCWResult(status, max(count - len(record), 0), bytes(record[:count]), None,
                     len(record) > count)


def immediate(count: int, status: int = CE_DE) -> CCWResult:
    """An immediate command (a control with no data): nothing moved, the residual is the
    count, and the channel does not indicate incorrect length for it."""
    return CCWResult(status, count)


def consumed(count: int, length: int, status: int = CE_DE) -> CCWResult:
    """The result of a write or control command that wanted ``length`` bytes."""
    return CCWResult(status, max(count - length, 0), b"", None, length > count)


class DeviceStoreError(Exception):
    """A backing store (volume image, minidisk view) refused an access.

    ``sense`` carries the sense bytes the device should present with unit
    check (adapters map their own errors to it, e.g. a seek outside a
    minidisk to command reject).
    """

    def __init__(self, sense: bytes, message: str = "") -> None:
        super().__init__(message or sense.hex())
        self.sense = sense


class StatusSink(Protocol):
    """The channel, as a device sees it: where later results and unsolicited status go."""

    def complete(self, address: int, result: CCWResult) -> None:
        """A pending command of the device at ``address`` has ended with ``result``."""
        ...

    def device_status(self, address: int, status: int) -> None:
        """Unsolicited status (attention, device end) from the device at ``address``."""
        ...


class Device:
    """Base of every virtual device: sense bytes, Sense ID, command reject, reset.

    Subclasses implement :meth:`command` (a switch on the opcode with a
    banner comment per case) and may override :meth:`begin_chain`,
    :meth:`halt` and :meth:`reset`.  ``device_type`` is what DIAGNOSE X'24'
    and QUERY report; ``sense_id_data`` is None for devices that predate
    Sense ID (command reject).
    """

    device_type = 0
    sense_length = 1
    sense_id_data: bytes | None = None
    reject_status = CE_DE  # unit record devices reject in initial status: unit check alone

    def __init__(self) -> None:
        self.address = -1
        self.sink: StatusSink | None = None
        self.sense = bytearray(self.sense_length)
        self.ready = True  # CP's NOTREADY/READY (the operator's switch on a real device)

    # -- the channel's side --------------------------------------------------------

    def attach(self, address: int, sink: StatusSink) -> None:
        """Called by the channel when the device is attached at ``address``."""
        self.address = address
        self.sink = sink

    def execute_ccw(self, opcode: int, flags: int, data: bytes, count: int) -> CCWResult:
        """Execute one command; Sense and Sense ID are common to all devices."""
        if opcode == SENSE:
            return self.sense_command(count)
        if not self.ready:  # CP's NOTREADY: unit check in initial status, intervention required
            return self.unit_check(bytes([INTERVENTION_REQUIRED]), status=0, residual=count)
        self.sense = bytearray(self.sense_length)
        if opcode == SENSE_ID:
            if self.sense_id_data is None:
                return self.reject(count=count)
            return transfer(count, self.sense_id_data)
        return self.command(opcode, flags, data, count)

    def command(self, opcode: int, flags: int, data: bytes, count: int) -> CCWResult:
        """The device's own commands (override)."""
        return self.reject(count=count)

    def begin_chain(self) -> None:
        """A new channel program starts (SIO): reset per-program state."""

    def halt(self) -> None:
        """HIO/HDV/CLRIO ended a pending command: forget it."""

    def reset(self) -> None:
        """System reset: no pending command, sense cleared."""
        self.halt()
        self.sense = bytearray(self.sense_length)

    # -- helpers for subclasses --

    def sense_command(self, count: int) -> CCWResult:
        """04 SENSE: transfer the sense bytes, then clear them."""
        data = bytes(self.sense)
        self.sense = bytearray(self.sense_length)
        return transfer(count, data)

    def unit_check(self, sense: bytes, status: int = CE_DE, residual: int = 0) -> CCWResult:
        """End with unit check, keeping ``sense`` (padded to the device's length).

        ``residual``: the count when the command moved no data (the usual case)."""
        self.sense = bytearray(sense[: self.sense_length].ljust(self.sense_length, b"\0"))
        return CCWResult(status | UNIT_CHECK, residual, b"", bytes(self.sense))

    def reject(self, byte7: int = 0x01, count: int = 0) -> CCWResult:
        """Command reject (sense byte 0 X'80'), no data moved (residual ``count``);
        ``byte7`` is the format-0 message code for devices with 24 sense bytes
        (1 = invalid command)."""
        sense = bytearray(self.sense_length)
        sense[0] = COMMAND_REJECT
        if self.sense_length >= 8:
            sense[7] = byte7
        return self.unit_check(bytes(sense), self.reject_status, residual=count)

    def complete(self, result: CCWResult) -> None:
        """Hand the result of a pending command to the channel."""
        if self.sink is not None:
            self.sink.complete(self.address, result)

    def signal(self, status: int) -> None:
        """Present unsolicited status (attention, device end) to the channel."""
        if self.sink is not None:
            self.sink.device_status(self.address, status)
