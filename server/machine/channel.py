"""The S/370 channel: I/O instructions, CCW chains, CSW, and I/O interruptions.

Models Principles of Operation (GA22-7000) chapter 13, "Input/Output
Operations": the CAW at X'48' (key in bits 0-3, CCW address in bits 8-31),
the CSW at X'40', format-0 CCWs with chain data, chain command, SLI, skip,
PCI and TIC, the status modifier (command chaining skips one CCW), incorrect
length, program check and protection check, residual counts, and one pending
interruption per device.  Devices follow the contract of
:mod:`server.machine.devices.base`; this module owns CCW fetch, chaining and
every storage access (with the CAW key).

Execution is synchronous: SIO runs the channel program to its end at once
and queues the ending status as an I/O interruption (condition code 0).  A
command whose device answers ``pending`` (a console read) suspends the
program: the subchannel stays busy (SIO/TIO give condition code 2) until the
device calls :meth:`Channel.complete`, which resumes the chain and queues
its ending.  A PCI is queued as its own interruption only while the program
is suspended; otherwise it is merged into the ending CSW, as the
architecture allows when the PCI has not been taken yet.

Simplifications (documented, deliberate):

* A real channel would loop forever on a TIC loop with no end.  Here a
  program may fetch at most :data:`CCW_BUDGET` CCWs per start (or resume);
  beyond that it ends with channel control check (CSW channel status X'04')
  and unit status zero, so a looping guest cannot hang CP.
* A data chain is fetched and checked before its command is sent to the
  device, and so are the storage areas of a write or control command (a
  no-operation's data address is never checked); a bad CCW or area ends the
  program with program check or protection check before the device sees
  the command.  Read data is checked as it is stored.
* Indirect data addressing (flag X'04') is not provided: program check.
* SIO presents every device ending (even an immediate command's) by an
  interruption; only CAW and first-CCW program checks, and a first command
  the device ends in initial status (unit check without channel end: a
  unit-record device's command reject) are stored by SIO (condition code
  1).  SIOF reports those by an interruption too (its condition code is 0),
  with deferred condition code 1 in the CSW.
* SIO to a device with an ending still pending gives condition code 1, the
  CSW holding busy and that status, and clears it (Hercules 3.13 starts the
  operation instead).  HIO/HDV of a waiting program: condition code 1, the
  CSW stored, and channel end and device end presented later; CLRIO: the
  same without the later interruption.

Immediate commands (a control that moves no data) keep their count as the
residual and never indicate incorrect length; nor does a command rejected in
initial status.  tests/machine/test_channel_hercules.py compares all of this
with Hercules.

The I/O interruption's CSW is stored by the CPU (interrupts.py); the CSWs of
TIO, CLRIO, HIO, HDV and SIO's condition code 1 are stored here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from server.machine.devices.base import (
    BUSY,
    CC,
    CD,
    CE_DE,
    CHANNEL_CONTROL_CHECK,
    CHANNEL_END,
    IDA,
    INCORRECT_LENGTH,
    NOP,
    PCI,
    PCI_FLAG,
    PROGRAM_CHECK,
    PROTECTION_CHECK,
    SKIP,
    SLI,
    STATUS_MODIFIER,
    UNIT_CHECK,
    UNIT_EXCEPTION,
    CCWResult,
    Device,
    is_read,
)

if TYPE_CHECKING:
    from server.machine.cpu import CPU

CAW_ADDRESS = 0x48
CSW_ADDRESS = 0x40
CHANNEL_ID_ADDRESS = 0xA8
CCW_BUDGET = 100_000
DEFERRED_CC_1 = 0x01  # CSW byte 0 bits 6-7 = 01: SIOF's deferred condition code 1

BYTE_MULTIPLEXER_ID = 0x10000000  # STIDC: channel type 1 (byte multiplexer)
BLOCK_MULTIPLEXER_ID = 0x20000000  # channel type 2


@dataclass(frozen=True, slots=True)
class CCW:
    """One format-0 CCW and the address it was fetched from."""

    at: int
    opcode: int
    address: int
    flags: int
    count: int

    @property
    def is_tic(self) -> bool:
        return self.opcode & 0x0F == 0x08


class ChannelCheck(Exception):
    """A program or protection check (or the CCW budget) ends the program at ``ccw``."""

    def __init__(self, status: int, at: int, count: int = 0) -> None:
        super().__init__(f"channel status {status:02X} at CCW {at:06X}")
        self.status = status
        self.at = at
        self.count = count


@dataclass(slots=True)
class _Program:
    """A channel program in progress on one device."""

    address: int
    device: Device
    key: int
    queue_end: bool = True  # False: run_program returns the CSW instead
    ipl: bool = False  # PCI flags are ignored during initial program loading
    sio: bool = False  # started by SIO: an initial-status ending is stored, condition code 1
    chained: bool = False  # command chaining has taken place
    stored: bytes | None = None  # the CSW SIO stores
    fetched: int = 0
    pci: bool = False  # a PCI is due and not yet presented
    command: CCW | None = None
    segments: list[CCW] = field(default_factory=list)
    end: bytes | None = None  # the ending CSW once the program ends


@dataclass(frozen=True, slots=True)
class ProgramResult:
    """What :meth:`Channel.run_program` saw: the ending CSW, or None while pending."""

    csw: bytes | None
    sense: bytes | None


def make_csw(key: int, ccw_next: int, unit: int, channel: int, count: int) -> bytes:
    """An 8-byte CSW: key, address of the last CCW + 8, unit and channel status, residual."""
    return (
        ((key & 15) << 28 | ccw_next & 0xFFFFFF).to_bytes(4, "big")
        + bytes([unit & 0xFF, channel & 0xFF])
        + (count & 0xFFFF).to_bytes(2, "big")
    )


class Channel:
    """The channels of one virtual machine and the devices attached to them."""

    def __init__(self, cpu: CPU) -> None:
        self.cpu = cpu
        self.storage = cpu.storage
        self.devices: dict[int, Device] = {}
        self.interrupts: dict[int, bytes] = {}  # device address -> CSW, oldest first
        self.running: dict[int, _Program] = {}
        self.last_sense: dict[int, bytes] = {}
        self.programs_started = 0  # SIO, SIOF and CP's own starts (INDICATE USER's SIO=)

    # -- configuration --

    def attach(self, address: int, device: Device) -> Device:
        """Attach ``device`` at the 16-bit ``address`` (channel in the high byte)."""
        if not 0 <= address <= 0xFFFF:
            raise ValueError(f"device address {address:X} is not 0-FFFF")
        if address in self.devices:
            raise ValueError(f"a device is already attached at {address:03X}")
        self.devices[address] = device
        device.attach(address, self)
        return device

    def detach(self, address: int) -> Device | None:
        """Remove the device at ``address`` with its pending interruption and program."""
        device = self.devices.pop(address, None)
        self.interrupts.pop(address, None)
        program = self.running.pop(address, None)
        if program is not None:
            program.device.halt()
        return device

    def reset(self) -> None:
        """System reset: every program ends, every pending interruption is dropped."""
        for program in self.running.values():
            program.device.halt()
        self.running.clear()
        self.interrupts.clear()
        self.last_sense.clear()
        for device in self.devices.values():
            device.reset()

    # -- the ChannelHook contract --

    def io_instruction(self, cpu: CPU, instruction: str, device: int) -> int:
        """Execute SIO, SIOF, TIO, CLRIO, HIO, HDV, TCH or STIDC; return the condition code."""
        if instruction == "TCH":
            return self._test_channel(device >> 8)
        if instruction == "STIDC":
            return self._store_channel_id(device >> 8)
        if device not in self.devices:
            return 3
        handler: Callable[[int], int] = {
            "SIO": self._start_io,
            "SIOF": self._start_io_fast,
            "TIO": self._test_io,
            "CLRIO": self._clear_io,
            "HIO": self._halt_io,
            "HDV": self._halt_io,
        }[instruction]
        return handler(device)

    def take_interrupt(self, enabled: Callable[[int], bool]) -> tuple[int, bytes] | None:
        """Remove and return the oldest pending interruption on an enabled channel."""
        for address in self.interrupts:
            if enabled(address >> 8):
                csw = self.interrupts.pop(address)
                program = self.running.get(address)
                if program is not None and csw[5] & PCI:
                    program.pci = False  # the intermediate PCI has been presented
                return address, csw
        return None

    # -- the device side (StatusSink) --

    def complete(self, address: int, result: CCWResult) -> None:
        """A pending command of the device at ``address`` ended: resume its program."""
        program = self.running.get(address)
        if program is None or program.command is None:
            return  # halted or cleared meanwhile
        self._continue(program, result)

    def device_status(self, address: int, status: int) -> None:
        """Unsolicited status (attention, device end): an interruption with only unit status."""
        if address not in self.devices:
            return
        pending = self.interrupts.get(address)
        if pending is not None:
            merged = bytearray(pending)
            merged[4] |= status
            self.interrupts[address] = bytes(merged)
        else:
            self.interrupts[address] = make_csw(0, 0, status, 0, 0)
        self.cpu.channel_posted = True

    # -- synchronous programs (DIAGNOSE X'18' and X'20') ------------------------------------

    def run_program(self, address: int, ccw_address: int, key: int = 0) -> ProgramResult:
        """Run a channel program without an interruption; the ending CSW is returned.

        Raises KeyError when no device is attached at ``address``.  A program
        whose device goes pending returns ``csw=None`` and ends later with an
        ordinary interruption.
        """
        device = self.devices[address]
        program = _Program(address, device, key & 15, queue_end=False)
        csw = self._begin(program, ccw_address)
        if csw is not None:
            return ProgramResult(csw, None)
        return ProgramResult(program.end, self.last_sense.get(address))

    def run_ipl(self, address: int) -> ProgramResult:
        """The IPL channel program: an implied Read (X'02', data address 0, count 24,
        chain command and SLI) whose chain continues at location 8 (GA22-7000, "Initial
        Program Loading").  Raises KeyError when no device is attached at ``address``."""
        device = self.devices[address]
        program = _Program(address, device, 0, queue_end=False, ipl=True)
        self.running[address] = program
        self.last_sense.pop(address, None)
        device.begin_chain()
        self._run(program, CCW(0, 0x02, 0, CC | SLI, 24))
        return ProgramResult(program.end, self.last_sense.get(address))

    # -- the instructions --

    def _busy(self, address: int) -> int | None:
        """Condition code 2 or 1 (with the busy CSW) when SIO cannot start."""
        if address in self.running:
            return 2
        pending = self.interrupts.pop(address, None)
        if pending is not None:
            csw = bytearray(pending)
            csw[4] |= BUSY
            self._store_csw(bytes(csw))
            return 1
        return None

    def _start_io(self, address: int) -> int:
        return self._start(address, fast=False)

    def _start_io_fast(self, address: int) -> int:
        return self._start(address, fast=True)

    def _start(self, address: int, fast: bool) -> int:
        busy = self._busy(address)
        if busy is not None:
            return busy
        caw = self.storage.read_word(CAW_ADDRESS)
        program = _Program(address, self.devices[address], caw >> 28, sio=not fast)
        csw = self._begin(program, caw & 0x0FFFFFFF)
        if csw is None:
            if program.stored is None:
                return 0
            csw = program.stored
        if fast:  # deferred condition code 1 in CSW bits 6-7 (GA22-7000 "CSW")
            self._queue(address, bytes([csw[0] | DEFERRED_CC_1]) + csw[1:])
            return 0
        self._store_csw(csw)
        return 1

    def _test_io(self, address: int) -> int:
        if address in self.running and not self._pci_only(address):
            return 2
        pending = self.interrupts.pop(address, None)
        if pending is None:
            return 2 if address in self.running else 0
        self._store_csw(pending)
        return 1

    def _halt_io(self, address: int) -> int:
        program = self.running.pop(address, None)
        if program is None:
            return 0
        program.device.halt()
        self._store_csw(self._halt_csw(program, 0))
        self._queue(address, self._halt_csw(program, CE_DE))
        return 1

    def _clear_io(self, address: int) -> int:
        program = self.running.pop(address, None)
        if program is not None:
            program.device.halt()
            self.interrupts.pop(address, None)
            self._store_csw(self._halt_csw(program, CE_DE))
            return 1
        pending = self.interrupts.pop(address, None)
        if pending is None:
            return 0
        self._store_csw(pending)
        return 1

    def _test_channel(self, channel: int) -> int:
        addresses = [a for a in self.devices if a >> 8 == channel]
        if not addresses:
            return 3
        return 1 if any(a >> 8 == channel for a in self.interrupts) else 0

    def _store_channel_id(self, channel: int) -> int:
        if not any(a >> 8 == channel for a in self.devices):
            return 3
        ident = BYTE_MULTIPLEXER_ID if channel == 0 else BLOCK_MULTIPLEXER_ID
        self.cpu.store_real(CHANNEL_ID_ADDRESS, ident.to_bytes(4, "big"))
        return 0

    # -- running a program --

    def _begin(self, program: _Program, ccw_address: int) -> bytes | None:
        """Start a program; a CSW when the CAW or the first CCW is bad, else None."""
        self.programs_started += 1
        key = program.key
        try:
            if ccw_address & 0x0F000007 or ccw_address >= self.storage.size:
                raise ChannelCheck(PROGRAM_CHECK, ccw_address & 0xFFFFFF)
            first = self._fetch(program, ccw_address)
            if first.is_tic:
                raise ChannelCheck(PROGRAM_CHECK, first.at)
            self._check_command(first)
        except ChannelCheck as check:
            return make_csw(key, check.at + 8, 0, check.status, check.count)
        self.running[program.address] = program
        self.last_sense.pop(program.address, None)
        program.device.begin_chain()
        self._run(program, first)
        return None

    def _run(self, program: _Program, ccw: CCW | None) -> None:
        """Execute commands from ``ccw`` until the program ends or a device goes pending."""
        while ccw is not None:
            try:
                self._prepare(program, ccw)
            except ChannelCheck as check:
                self._end(program, make_csw(program.key, check.at + 8, 0, check.status,
                                            check.count))
                return
            result = self._execute(program)
            if result.pending:
                if program.pci:
                    self._queue_pci(program)
                return
            ccw = self._finish(program, result)

    def _continue(self, program: _Program, result: CCWResult) -> None:
        program.fetched = 0
        program.queue_end = not program.ipl  # run_program has returned: interrupt now
        ccw = self._finish(program, result)
        self._run(program, ccw)

    def _prepare(self, program: _Program, ccw: CCW) -> None:
        """Check a command CCW, gather its data chain, fetch write/control data."""
        self._check_command(ccw)
        segments = [ccw]
        program.pci = program.pci or bool(ccw.flags & PCI_FLAG) and not program.ipl
        while segments[-1].flags & CD:
            nxt = self._fetch(program, segments[-1].at + 8)
            if nxt.is_tic:
                nxt = self._follow_tic(program, nxt)
            self._check_data_chained(nxt)
            program.pci = program.pci or bool(nxt.flags & PCI_FLAG) and not program.ipl
            segments.append(nxt)
        program.command = ccw
        program.segments = segments
        if not is_read(ccw.opcode) and ccw.opcode != NOP:
            for segment in segments:
                self._access(program, segment, segment.count, False)

    def _execute(self, program: _Program) -> CCWResult:
        ccw = program.command
        assert ccw is not None
        total = sum(segment.count for segment in program.segments)
        data = b""
        if not is_read(ccw.opcode) and ccw.opcode != NOP:
            data = b"".join(self.storage.read(segment.address, segment.count)
                            for segment in program.segments)
        flags = ccw.flags | program.segments[-1].flags & CC
        try:
            return program.device.execute_ccw(ccw.opcode, flags, data, total)
        except Exception:  # noqa: BLE001 - a device fault must never escape to the CPU
            return program.device.reject(0x00, total)

    def _finish(self, program: _Program, result: CCWResult) -> CCW | None:
        """Store read data, work out the ending; the next CCW when chaining goes on."""
        ccw = program.command
        assert ccw is not None
        if result.sense is not None:
            self.last_sense[program.address] = result.sense
        total = sum(segment.count for segment in program.segments)
        channel_status = 0
        try:
            if is_read(ccw.opcode):
                used = self._scatter(program, result.data)
            else:
                used = total - min(result.residual, total)
        except ChannelCheck as check:
            self._end(program, make_csw(program.key, check.at + 8, result.status,
                                        check.status, check.count))
            return None
        segment, residual = self._ending_segment(program.segments, used)
        final = not segment.flags & CD  # CC and SLI are ignored with chain data
        if self._incorrect_length(ccw, segment, result, used, total):
            channel_status |= INCORRECT_LENGTH
        chaining = (
            final
            and segment.flags & CC
            and result.status & ~STATUS_MODIFIER == CE_DE
            and not channel_status
        )
        if chaining:
            program.chained = True
            step = 16 if result.status & STATUS_MODIFIER else 8
            try:
                return self._next_command(program, segment.at + step)
            except ChannelCheck as check:
                self._end(program, make_csw(program.key, check.at + 8, 0, check.status, 0))
                return None
        self._end(program, make_csw(program.key, segment.at + 8, result.status,
                                    channel_status, residual))
        return None

    @staticmethod
    def _incorrect_length(ccw: CCW, segment: CCW, result: CCWResult, used: int,
                          total: int) -> bool:
        """Lengths differ and nothing suppresses the indication (GA22-7000 "CCW").

        SLI counts only in a CCW without chain data; an immediate command (a
        control that moved no data and ended normally) and a command rejected in
        initial status (no channel end) never indicate incorrect length.
        """
        if used == total and not result.more:
            return False
        if segment.flags & SLI and not segment.flags & CD:
            return False
        if not result.status & CHANNEL_END:
            return False
        exceptional = result.status & (UNIT_CHECK | UNIT_EXCEPTION)
        return not (ccw.opcode & 3 == 3 and not used and not result.more and not exceptional)

    def _next_command(self, program: _Program, address: int) -> CCW:
        ccw = self._fetch(program, address)
        if ccw.is_tic:
            ccw = self._follow_tic(program, ccw)
        return ccw

    def _end(self, program: _Program, csw: bytes) -> None:
        """The program ended with ``csw``: merge a due PCI, queue or keep the ending."""
        self.running.pop(program.address, None)
        if program.pci:  # due and not yet taken: merge it into the ending
            if self._pci_only(program.address):
                self.interrupts.pop(program.address, None)
            csw = csw[:5] + bytes([csw[5] | PCI]) + csw[6:]
        program.pci = False
        program.command = None
        initial = csw[4] & UNIT_CHECK and not csw[4] & CHANNEL_END
        if program.sio and not program.chained and initial:
            program.stored = csw  # the first command ended in initial status (a reject)
        elif program.queue_end:
            self._queue(program.address, csw)
        else:
            program.end = csw

    # -- CCWs --

    def _fetch(self, program: _Program, address: int) -> CCW:
        """Fetch the CCW at ``address`` with the program's key (and count it)."""
        program.fetched += 1
        if program.fetched > CCW_BUDGET:
            raise ChannelCheck(CHANNEL_CONTROL_CHECK, address - 8)
        # The CSW then holds the invalid (or protected) CCW address + 8.
        if address & 7 or address < 0 or address + 8 > self.storage.size:
            raise ChannelCheck(PROGRAM_CHECK, address)
        if not self.storage.check_channel_access(address, 8, program.key, False):
            raise ChannelCheck(PROTECTION_CHECK, address)
        raw = self.storage.read(address, 8)
        return CCW(address, raw[0], int.from_bytes(raw[1:4], "big"), raw[4],
                   int.from_bytes(raw[6:8], "big"))

    def _follow_tic(self, program: _Program, tic: CCW) -> CCW:
        """The CCW a TIC points to; TIC to TIC and a bad address are program checks."""
        if tic.address & 7 or tic.address + 8 > self.storage.size:
            raise ChannelCheck(PROGRAM_CHECK, tic.at)
        target = self._fetch(program, tic.address)
        if target.is_tic:
            raise ChannelCheck(PROGRAM_CHECK, target.at)
        return target

    @staticmethod
    def _check_command(ccw: CCW) -> None:
        if ccw.opcode & 0x0F == 0 or ccw.count == 0 or ccw.flags & (IDA | 0x03):
            raise ChannelCheck(PROGRAM_CHECK, ccw.at)

    @staticmethod
    def _check_data_chained(ccw: CCW) -> None:
        if ccw.count == 0 or ccw.flags & (IDA | 0x03):
            raise ChannelCheck(PROGRAM_CHECK, ccw.at)

    # -- data transfer --

    def _access(self, program: _Program, segment: CCW, length: int, store: bool) -> None:
        if segment.address + length > self.storage.size:
            raise ChannelCheck(PROGRAM_CHECK, segment.at, segment.count)
        if not self.storage.check_channel_access(segment.address, length, program.key, store):
            raise ChannelCheck(PROTECTION_CHECK, segment.at, segment.count)

    def _scatter(self, program: _Program, data: bytes) -> int:
        """Store read ``data`` across the data chain (skip flags honoured); bytes used."""
        offset = 0
        for segment in program.segments:
            piece = data[offset : offset + segment.count]
            if not piece:
                break
            if not segment.flags & SKIP:
                self._access(program, segment, len(piece), True)
                self.cpu.store_real(segment.address, piece)
            offset += len(piece)
        return offset

    @staticmethod
    def _ending_segment(segments: list[CCW], used: int) -> tuple[CCW, int]:
        """The CCW current when ``used`` bytes had moved, and its residual count."""
        for segment in segments:
            if used < segment.count or segment is segments[-1]:
                return segment, max(segment.count - used, 0)
            used -= segment.count
        return segments[-1], 0

    # -- interruptions and CSWs --

    def _queue(self, address: int, csw: bytes) -> None:
        self.interrupts.pop(address, None)
        self.interrupts[address] = csw
        self.cpu.channel_posted = True

    def _queue_pci(self, program: _Program) -> None:
        ccw = program.command
        assert ccw is not None
        if program.address not in self.interrupts:
            self.interrupts[program.address] = make_csw(
                program.key, ccw.at + 8, 0, PCI, ccw.count)
            self.cpu.channel_posted = True

    def _pci_only(self, address: int) -> bool:
        csw = self.interrupts.get(address)
        return csw is not None and csw[4] == 0 and csw[5] == PCI

    def _halt_csw(self, program: _Program, unit: int) -> bytes:
        ccw = program.command
        at = ccw.at if ccw is not None else 0
        count = ccw.count if ccw is not None else 0
        return make_csw(program.key, at + 8, unit, 0, count)

    def _store_csw(self, csw: bytes) -> None:
        self.cpu.store_real(CSW_ADDRESS, csw)
