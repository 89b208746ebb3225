"""Unit-record devices: card readers, card punches and printers, bridged to the spool.

Models the IBM 2540 card read punch, 1403 printer, 3505 card reader, 3525
card punch and 3211 printer component descriptions as VM/370 presents them
to a guest (reference/diagnose.md section 4; VM/370 CP spooling): every card
or line goes to or comes from a spool file, never to hardware.

* Reader (00C): a read command (low-order bits ``xxxxxx10``, any stacker or
  feed bits) transfers one 80-byte card.  After the last card of a file the
  next read ends with unit exception (end of file) and the file is closed;
  with ``continuous`` set the next file follows without one.  With no file
  the reader is not ready: unit check, intervention required (sense byte 0
  X'40'), and a device end is presented when a file arrives
  (:meth:`Reader.file_arrived`).  With ``wait_for_file`` set a read instead
  stays pending until a file arrives.  Control commands (feed, stacker
  select, NOP) are accepted.
* Punch (00D): a write command (``xxxxxx01``) punches one card of up to 80
  columns, padded with blanks; CP's CLOSE ends the file (:meth:`Punch.close`).
* Printer (00E): a write command prints a line; the spool record is the
  command code (the carriage control: X'01' no space, X'09'/X'11'/X'19'
  space 1-3 after printing, X'89'... skip to channel 1-12 after printing)
  followed by the line.  Control commands X'0B', X'13', X'1B' (space now)
  and X'8B'... (skip now) are recorded as data-less records with their
  command code; X'03' NOP, X'73'/X'7B' (block/allow data check), X'EB'
  (UCS gate load), X'F3'/X'FB' (UCS buffer load) and X'63' (3211 load FCB)
  are accepted and not recorded.

Sense ID gives control unit 2821 model 1 and the device type with model 1
(the 3525 names the 3505 as its control unit), as Hercules does.

The device side of spooling is the :class:`SpoolBridge` protocol below: the
spool system implements it per virtual device, deciding which file a
reader gets and where an output file goes; :class:`MemorySpool` is the
in-memory implementation for tests.  Devices run inside the CPU's slice and
never wait, so the bridge answers at once: ``open_input`` returns a file only
when its records can be read without waiting (an asynchronous store loads
them first, then calls :meth:`Reader.file_arrived`), and an output file's
``write`` only collects the record.  CP completes output files on CLOSE,
either through the device's ``close`` or by taking the file
(:meth:`Punch.take_file`) and closing it in its own coroutine.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Protocol

from server.machine.devices.base import (
    CE_DE,
    DEVICE_END,
    INTERVENTION_REQUIRED,
    NOP,
    PENDING,
    UNIT_EXCEPTION,
    CCWResult,
    Device,
    consumed,
    immediate,
    transfer,
)

CARD = 80
BLANK = 0x40


@dataclass
class SpoolAttributes:
    """What an output file is opened with (set by CP's SPOOL command) or a reader file has."""

    spool_class: str = "A"
    filename: str = ""
    filetype: str = ""
    copies: int = 1
    hold: bool = False
    form: str = "STANDARD"
    dist: str = ""


class SpoolInputFile(Protocol):
    """A reader file being read."""

    attributes: SpoolAttributes

    def read(self) -> bytes | None:
        """The next 80-byte card, or None at the end of the file."""
        ...

    def close(self) -> None:
        """Reading ended (end of file or CLOSE): CP applies the reader's disposition."""
        ...


class SpoolOutputFile(Protocol):
    """A punch or printer file being written."""

    def write(self, record: bytes) -> None:
        """Add one record (a card, or carriage control and line)."""
        ...

    def close(self) -> None:
        """The file is complete (CP's CLOSE): it goes to its destination queue."""
        ...


class SpoolBridge(Protocol):
    """The spool system as one virtual unit-record device sees it."""

    def open_input(self) -> SpoolInputFile | None:
        """The next file for this reader, or None when there is none."""
        ...

    def open_output(self, device_type: int, attributes: SpoolAttributes) -> SpoolOutputFile:
        """Start a new output file for a punch (X'2540'/X'3525') or printer."""
        ...


@dataclass
class MemoryFile:
    """A spool file in memory (both input and output)."""

    attributes: SpoolAttributes = field(default_factory=SpoolAttributes)
    records: list[bytes] = field(default_factory=list)
    position: int = 0
    closed: bool = False
    device_type: int = 0

    def read(self) -> bytes | None:
        if self.position >= len(self.records):
            return None
        self.position += 1
        return self.records[self.position - 1]

    def write(self, record: bytes) -> None:
        self.records.append(bytes(record))

    def close(self) -> None:
        self.closed = True


class MemorySpool:
    """Reader files waiting in a queue; output files kept in ``output`` once opened."""

    def __init__(self) -> None:
        self.reader: deque[MemoryFile] = deque()
        self.output: list[MemoryFile] = []

    def add_reader_file(self, cards: list[bytes], attributes: SpoolAttributes | None = None
                        ) -> MemoryFile:
        spool_file = MemoryFile(attributes or SpoolAttributes(), list(cards))
        self.reader.append(spool_file)
        return spool_file

    def open_input(self) -> SpoolInputFile | None:
        return self.reader.popleft() if self.reader else None

    def open_output(self, device_type: int, attributes: SpoolAttributes) -> SpoolOutputFile:
        spool_file = MemoryFile(attributes, device_type=device_type)
        self.output.append(spool_file)
        return spool_file


def _sense_id(device_type: int, control_unit: int = 0x2821) -> bytes:
    """Sense ID as Hercules gives it: control unit 2821 model 1 (3525: 3505), model 1."""
    return (b"\xff" + control_unit.to_bytes(2, "big") + b"\x01" + device_type.to_bytes(2, "big")
            + b"\x01")


class UnitRecord(Device):
    """What readers, punches and printers share: the spool bridge and 1 sense byte;
    an invalid command is rejected in initial status (unit check alone, as Hercules)."""

    sense_length = 1
    reject_status = 0

    def __init__(self, spool: SpoolBridge) -> None:
        super().__init__()
        self.spool = spool
        self.attributes = SpoolAttributes()
        self.records = 0  # cards read or punched, lines printed (INDICATE USER)


class Reader(UnitRecord):
    """A virtual 2540 card reader."""

    device_type = 0x2540
    sense_id_data = _sense_id(0x2540)

    def __init__(self, spool: SpoolBridge, continuous: bool = False,
                 wait_for_file: bool = False) -> None:
        super().__init__(spool)
        self.continuous = continuous
        self.wait_for_file = wait_for_file
        self.file: SpoolInputFile | None = None
        self.not_ready_reported = False
        self.pending_count: int | None = None

    def command(self, opcode: int, flags: int, data: bytes, count: int) -> CCWResult:
        # -- READ (any feed/stacker bits) --
        if opcode & 3 == 2:
            return self._read(count)
        # -- CONTROL: NOP, feed, stacker select --
        if opcode & 3 == 3:
            return immediate(count)
        return self.reject(count=count)

    def _read(self, count: int) -> CCWResult:
        if self.file is None:
            self.file = self.spool.open_input()
            if self.file is None:
                if self.wait_for_file:
                    self.pending_count = count
                    return PENDING
                self.not_ready_reported = True
                return self.unit_check(bytes([INTERVENTION_REQUIRED]))
        card = self.file.read()
        while card is None and self.continuous:
            self.file.close()
            self.file = self.spool.open_input()
            if self.file is None:
                break
            card = self.file.read()
        if card is None:
            if self.file is not None:
                self.file.close()
                self.file = None
            return CCWResult(CE_DE | UNIT_EXCEPTION, count)
        self.records += 1
        return transfer(count, card[:CARD].ljust(CARD, bytes([BLANK])))

    def file_arrived(self) -> None:
        """A file reached this reader: finish a waiting read or present device end."""
        if self.pending_count is not None:
            count, self.pending_count = self.pending_count, None
            self.complete(self._read(count))
        elif self.not_ready_reported and self.file is None:
            self.not_ready_reported = False
            self.signal(DEVICE_END)

    def close(self) -> None:
        """CP's CLOSE of the reader: the current file is closed (its disposition applies)."""
        if self.file is not None:
            self.file.close()
            self.file = None

    def take_file(self) -> SpoolInputFile | None:
        """Detach the file being read without closing it (CP closes it itself, e.g. with
        an awaited database call); the next read opens the next file."""
        spool_file, self.file = self.file, None
        return spool_file

    def halt(self) -> None:
        self.pending_count = None


class Reader3505(Reader):
    """A virtual 3505 card reader: the 2540 reader with Sense ID."""

    device_type = 0x3505
    sense_id_data = _sense_id(0x3505)


class Punch(UnitRecord):
    """A virtual 2540 card punch."""

    device_type = 0x2540
    sense_id_data = _sense_id(0x2540)

    def __init__(self, spool: SpoolBridge) -> None:
        super().__init__(spool)
        self.file: SpoolOutputFile | None = None

    def command(self, opcode: int, flags: int, data: bytes, count: int) -> CCWResult:
        # -- WRITE (punch a card; any stacker bits) --
        if opcode & 3 == 1:
            self._write(data[:CARD].ljust(CARD, bytes([BLANK])))
            return consumed(count, min(count, CARD))
        # -- CONTROL: NOP, stacker select --
        if opcode & 3 == 3:
            return immediate(count)
        return self.reject(count=count)

    def _write(self, record: bytes) -> None:
        if self.file is None:
            self.file = self.spool.open_output(self.device_type, self.attributes)
        self.file.write(record)
        self.records += 1

    def close(self) -> None:
        """CP's CLOSE: the file being written is complete."""
        if self.file is not None:
            self.file.close()
            self.file = None

    def take_file(self) -> SpoolOutputFile | None:
        """Detach the file being written without closing it (CP completes it itself, e.g.
        ``await store.close(writer)``); the next write opens a new file."""
        spool_file, self.file = self.file, None
        return spool_file


class Punch3525(Punch):
    """A virtual 3525 card punch: the 2540 punch with Sense ID."""

    device_type = 0x3525
    sense_id_data = _sense_id(0x3525, control_unit=0x3505)


# Printer control commands accepted without a record (see the module docstring).
_PRINTER_SILENT = frozenset({NOP, 0x73, 0x7B, 0xEB})
_PRINTER_LOADS = frozenset({0x63, 0xF3, 0xFB})


def _carriage(opcode: int) -> bool:
    """True for a valid carriage-control command code (write or immediate)."""
    motion = opcode >> 3
    if motion & 0x10:  # skip to channel 1-12
        return 1 <= motion & 0x0F <= 12
    return motion <= 3  # no space, space 1-3


class Printer(Punch):
    """A virtual 1403 printer; records are the command code and the line."""

    device_type = 0x1403
    sense_id_data = _sense_id(0x1403)
    line_length = 132

    def command(self, opcode: int, flags: int, data: bytes, count: int) -> CCWResult:
        # -- WRITE with carriage control --
        if opcode & 7 == 1 and _carriage(opcode):
            self._write(bytes([opcode]) + data[: self.line_length])
            return consumed(count, min(count, self.line_length))
        # -- immediate SPACE / SKIP --
        if opcode & 7 == 3 and opcode != NOP and _carriage(opcode):
            self._write(bytes([opcode]))
            return immediate(count)
        # -- CONTROL: FCB and UCS buffer loads (take their data) --
        if opcode in _PRINTER_LOADS:
            return CCWResult(CE_DE)
        # -- CONTROL: NOP, UCS gate load, data-check blocking --
        if opcode in _PRINTER_SILENT:
            return immediate(count)
        return self.reject(count=count)


class Printer3211(Printer):
    """A virtual 3211 printer: the 1403 with 150 print positions and Sense ID."""

    device_type = 0x3211
    line_length = 150
    sense_id_data = _sense_id(0x3211)
