"""The 3215 console printer-keyboard of a virtual machine, bridged to the user's terminal.

Models the IBM 3215 Console Printer-Keyboard component description (GA26-1638)
as VM/370 presents it to a guest (reference/diagnose.md section 3): X'01'
write without carriage return, X'09' write with carriage return, X'0A' read
inquiry, X'0B' audible alarm, X'03' no-operation, X'04' sense (1 byte).
Data is EBCDIC (code page 037).

A read waits for the user: the command stays pending and the bridge is told
(:meth:`ConsoleBridge.read_requested`, where CP shows ``VM READ``); the line
the user enters (:meth:`Console3215.enter`) ends the read with channel end
and device end, the residual count giving the length typed.  A line entered
while no read is pending is kept for the next read and raises attention, to
which CMS answers with a read.
"""

from __future__ import annotations

from collections import deque
from typing import Protocol

from server.machine.devices.base import (
    ATTENTION,
    CE_DE,
    NOP,
    PENDING,
    CCWResult,
    Device,
    immediate,
    transfer,
)

CODEPAGE = "cp037"
WRITE = 0x01
WRITE_CR = 0x09
READ = 0x0A
ALARM = 0x0B


class ConsoleBridge(Protocol):
    """What the console needs from the terminal side (CP's console session)."""

    def write_line(self, text: str, carriage_return: bool) -> None:
        """Show ``text``; ``carriage_return`` False when the guest wrote with X'01'."""
        ...

    def read_requested(self) -> None:
        """The guest is reading: prompt the user (VM READ) and later call ``enter``."""
        ...

    def alarm(self) -> None:
        """Sound the audible alarm."""
        ...


class RecordingBridge:
    """A bridge that records output, for tests and for disconnected users."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.reads = 0
        self.alarms = 0

    def write_line(self, text: str, carriage_return: bool) -> None:
        self.lines.append(text)

    def read_requested(self) -> None:
        self.reads += 1

    def alarm(self) -> None:
        self.alarms += 1


class Console3215(Device):
    """A virtual 3215 console."""

    device_type = 0x3215
    sense_length = 1
    reject_status = 0

    def __init__(self, bridge: ConsoleBridge | None = None) -> None:
        super().__init__()
        self.bridge: ConsoleBridge = bridge if bridge is not None else RecordingBridge()
        self.typed_ahead: deque[bytes] = deque()
        self.pending_count: int | None = None  # count of the read waiting for a line

    def command(self, opcode: int, flags: int, data: bytes, count: int) -> CCWResult:
        # -- WRITE (X'01') and WRITE WITH CARRIAGE RETURN (X'09') --
        if opcode in (WRITE, WRITE_CR):
            self.bridge.write_line(data.decode(CODEPAGE), opcode == WRITE_CR)
            return CCWResult(CE_DE)
        # -- READ INQUIRY --
        if opcode == READ:
            if self.typed_ahead:
                return transfer(count, self.typed_ahead.popleft())
            self.pending_count = count
            self.bridge.read_requested()
            return PENDING
        # -- AUDIBLE ALARM --
        if opcode == ALARM:
            self.bridge.alarm()
            return immediate(count)
        # -- CONTROL NO-OPERATION --
        if opcode == NOP:
            return immediate(count)
        return self.reject(count=count)

    @property
    def reading(self) -> bool:
        """True while a read waits for the user's line."""
        return self.pending_count is not None

    def enter(self, line: str) -> None:
        """The user entered ``line``: end the pending read, or keep it and raise attention."""
        record = line.encode(CODEPAGE, errors="replace")
        if self.pending_count is not None:
            count, self.pending_count = self.pending_count, None
            self.complete(transfer(count, record))
            return
        self.typed_ahead.append(record)
        self.signal(ATTENTION)

    def attention(self) -> None:
        """The user pressed attention (or Enter with nothing typed) while no read waits."""
        if self.pending_count is None:
            self.signal(ATTENTION)

    def halt(self) -> None:
        self.pending_count = None

    def reset(self) -> None:
        super().reset()
        self.typed_ahead.clear()
