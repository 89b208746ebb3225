"""DIAGNOSE X'14': input spool file manipulation on a virtual reader.

VM/370 Release 6 System Programmer's Guide (GC20-1807-7, "DIAGNOSE Code
X'14'") and System Logic Vol. 1 (SY20-0886-1, DMKDRD): ``DIAGNOSE Rx,Ry,X'14'``
with Ry even, Ry = the virtual reader (for X'0FFF': a spoolid) and Ry+1 =
the function subcode:

======  =========================================================  ==========
0000    read the next page buffer of the file into the page at Rx
0004    read the next printer file's SFBLOK into the 13 doublewords at Rx
0008    the same for card (punch) files
000C    select file Rx: moved to the head of the reader queue
0010    Rx = new copy count of the active file (at most 255, mod 256)
0014    restart the active file: its first page buffer at Rx
0018    back up one page buffer and give it at Rx
001C    monitor spool file SFBLOK; 0020 monitor page buffer
0FFF    the SFBLOK and first record (the TAG) of the file after spoolid
        Ry (Ry = 0: the first) into 252 bytes at Rx
======  =========================================================  ==========

Condition codes: 0 done, 1 end of file (or no more files), 2 no file; 3 with
Ry+1 = 4 no such device, 8 not a reader, 12 busy or not ready. A buffer that
is not a page (0000, 0014, 0018) is a specification exception, as is an SFBLOK
buffer crossing a page, an odd Ry, an unknown subcode and a copy count that is
not positive; a buffer outside storage is an addressing exception.

The file a DIAGNOSE activates is the reader's open file (the one a SIO read
would go on with, and the one CLOSE ends); at its end without CONT the file
stays open (cc 1) until CLOSE, so 0014 can read it again. This system has no
monitor spool files: 001C and 0020 find none (cc 2).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from server.cp.spooldev import StagedFile
from server.machine import Machine
from server.machine.isa import ADDRESSING, SPECIFICATION, ProgramCheck
from spool.buffers import PAGE_SIZE, SFBLOK_SIZE, TAG_RECORD_SIZE, fill_page, sfblok
from spool.model import DeviceType, Queue, SpoolFile
from spool.store import Selector, SpoolStore

if TYPE_CHECKING:
    from server.cp.spooldev import ReaderBridge
    from server.cp.vm import VirtualMachine

READ_NEXT = 0x0000
PRINT_SFBLOK = 0x0004
CARD_SFBLOK = 0x0008
SELECT = 0x000C
REPEAT = 0x0010
RESTART = 0x0014
BACKSPACE = 0x0018
MONITOR_SFBLOK = 0x001C
MONITOR_READ = 0x0020
NEXT_DESCRIPTOR = 0x0FFF
DESCRIPTOR_SIZE = 252
NO_DEVICE, NOT_READER, BUSY = 4, 8, 12
PRINT_DEVICES = (DeviceType.PRT, DeviceType.CON)
CODEPAGE = "cp037"

Deferred = Callable[[], Awaitable[None]]


@dataclass
class Cursor:
    """Where DIAGNOSE reading stands in a reader's open file: first record of each page given."""

    staged: StagedFile
    starts: list[int] = field(default_factory=list)
    copies: int = 1


@dataclass
class Scan:
    """A run of SFBLOK calls (0004/0008): the spoolids already given."""

    subcode: int
    given: set[int] = field(default_factory=set)


class SpoolDiagnose:
    """DIAGNOSE X'14' for one virtual machine."""

    def __init__(self, vm: VirtualMachine) -> None:
        self.vm = vm
        self.cursors: dict[int, Cursor] = {}
        self.scans: dict[int, Scan] = {}

    # ---- entry --------------------------------------------------------------------------------
    def __call__(self, machine: Machine, rx: int, ry: int) -> Deferred | None:
        """Do the function now, or return the work CP must finish (database) before the
        guest goes on; the condition code and registers are set either way."""
        if ry & 1:
            raise ProgramCheck(SPECIFICATION)
        r = machine.cpu.r
        subcode = r[ry + 1] & 0xFFFF
        operand = r[rx]
        if subcode == NEXT_DESCRIPTOR:
            return self._descriptor(machine, operand & 0xFFFFFF, r[ry] & 0xFFFF)
        if subcode not in HANDLED:
            raise ProgramCheck(SPECIFICATION)
        bridge = self._reader(machine, ry, r[ry] & 0xFFFF)
        if bridge is None:
            return None
        if subcode not in (PRINT_SFBLOK, CARD_SFBLOK):
            self.scans.pop(bridge.address, None)
        return HANDLED[subcode](self, machine, bridge, operand)

    def _reader(self, machine: Machine, ry: int, address: int) -> ReaderBridge | None:
        """The virtual reader Ry names, or None with cc 3 and the reason in Ry+1."""
        virtual = self.vm.devices.get(address & 0xFFF)
        reason = 0
        if virtual is None:
            reason = NO_DEVICE
        elif virtual.unit is None or virtual.unit.reader is None:
            reason = NOT_READER
        else:
            bridge = virtual.unit.reader
            device = bridge.device
            if device is None or device.pending_count is not None or not device.ready:
                reason = BUSY
            else:
                return bridge
        machine.cpu.r[(ry + 1) & 15] = reason
        machine.cpu.cc = 3
        return None

    # ---- checks ------------------------------------------------------------------------------
    @staticmethod
    def _page(machine: Machine, address: int) -> int:
        address &= 0xFFFFFF
        if address & (PAGE_SIZE - 1):
            raise ProgramCheck(SPECIFICATION)
        if address + PAGE_SIZE > machine.storage.size:
            raise ProgramCheck(ADDRESSING)
        return address

    @staticmethod
    def _area(machine: Machine, address: int, length: int, one_page: bool) -> int:
        address &= 0xFFFFFF
        if one_page and address // PAGE_SIZE != (address + length - 1) // PAGE_SIZE:
            raise ProgramCheck(SPECIFICATION)
        if address + length > machine.storage.size:
            raise ProgramCheck(ADDRESSING)
        return address

    # ---- page buffers ------------------------------------------------------------------------
    def _cursor(self, bridge: ReaderBridge) -> Cursor | None:
        """The open file's cursor (a new one for a file a SIO opened), or None."""
        device = bridge.device
        staged = device.file if device is not None else None
        if not isinstance(staged, StagedFile):
            self.cursors.pop(bridge.address, None)
            return None
        cursor = self.cursors.get(bridge.address)
        if cursor is None or cursor.staged is not staged:
            cursor = Cursor(staged, [staged.position] if staged.position else [])
            self.cursors[bridge.address] = cursor
        return cursor

    def _give(self, machine: Machine, buffer: int, cursor: Cursor, start: int) -> None:
        """Page buffer beginning with record ``start`` into the guest's page; cc 0."""
        staged = cursor.staged
        number = len(cursor.starts) + 1
        tag = staged.spool_file.tag if number == 1 else None
        page, following = fill_page(
            staged.records, start, buffer, number, staged.spool_file.record_format, tag
        )
        machine.load(buffer, page)
        cursor.starts.append(start)
        staged.position = following
        machine.cpu.cc = 0

    def read_next(self, machine: Machine, bridge: ReaderBridge, operand: int) -> Deferred | None:
        """0000: the next page buffer; the reader's next file when none is open."""
        buffer = self._page(machine, operand)
        cursor = self._cursor(bridge)
        if cursor is None:
            return lambda: self._open_and_give(machine, bridge, buffer)
        staged = cursor.staged
        if not cursor.starts or staged.position < len(staged.records):
            self._give(machine, buffer, cursor, staged.position)
            return None
        if not bridge.cont:
            machine.cpu.cc = 1
            return None
        if cursor.copies > 1:
            cursor.copies -= 1
            cursor.starts.clear()
            self._give(machine, buffer, cursor, 0)
            return None
        self._close(bridge)
        return lambda: self._open_and_give(machine, bridge, buffer, at_end=True)

    def _close(self, bridge: ReaderBridge) -> None:
        device = bridge.device
        if device is not None:
            device.close()
        self.cursors.pop(bridge.address, None)

    async def _open_and_give(
        self, machine: Machine, bridge: ReaderBridge, buffer: int, at_end: bool = False
    ) -> None:
        await bridge.prepare()
        staged = bridge.open_input()
        device = bridge.device
        if staged is None or device is None:
            machine.cpu.cc = 1 if at_end else 2
            return
        device.file = staged
        cursor = Cursor(staged, copies=staged.spool_file.copies)
        self.cursors[bridge.address] = cursor
        self._give(machine, buffer, cursor, 0)

    def restart(self, machine: Machine, bridge: ReaderBridge, operand: int) -> Deferred | None:
        """0014: the active file from its first page buffer."""
        buffer = self._page(machine, operand)
        cursor = self._cursor(bridge)
        if cursor is None:
            machine.cpu.cc = 2
            return None
        cursor.starts.clear()
        self._give(machine, buffer, cursor, 0)
        return None

    def backspace(self, machine: Machine, bridge: ReaderBridge, operand: int) -> Deferred | None:
        """0018: the page buffer before the last one given (the first stays the first)."""
        buffer = self._page(machine, operand)
        cursor = self._cursor(bridge)
        if cursor is None:
            machine.cpu.cc = 2
            return None
        if len(cursor.starts) > 1:
            cursor.starts.pop()
        start = cursor.starts.pop() if cursor.starts else 0
        self._give(machine, buffer, cursor, start)
        return None

    def repeat(self, machine: Machine, bridge: ReaderBridge, operand: int) -> Deferred | None:
        """0010: a new copy count for the active file."""
        count = operand - (1 << 32) if operand & 0x80000000 else operand
        if count <= 0:
            raise ProgramCheck(SPECIFICATION)
        cursor = self._cursor(bridge)
        if cursor is None:
            machine.cpu.cc = 2
            return None
        cursor.copies = count % 256 if count > 255 else count
        machine.cpu.cc = 0
        return None

    # ---- files ---------------------------------------------------------------------------------
    def _store(self) -> SpoolStore | None:
        """The spool, as the machine's readers reach it."""
        for virtual in self.vm.devices.values():
            if virtual.unit is not None and virtual.unit.reader is not None:
                return virtual.unit.reader.store
        return None

    async def _reader_files(self, store: SpoolStore) -> list[SpoolFile]:
        return await store.files(Selector(owner=self.vm.userid, queues=(Queue.RDR,)))

    def _sfblok_scan(self, machine: Machine, bridge: ReaderBridge, operand: int,
                     subcode: int) -> Deferred:
        buffer = self._area(machine, operand, SFBLOK_SIZE, one_page=True)
        scan = self.scans.get(bridge.address)
        repeated = scan is not None and scan.subcode == subcode
        if scan is None or not repeated:
            scan = self.scans[bridge.address] = Scan(subcode)

        async def find() -> None:
            store = bridge.store
            for spool_file in await self._reader_files(store):
                if spool_file.spoolid in scan.given:
                    continue
                if (spool_file.device in PRINT_DEVICES) != (subcode == PRINT_SFBLOK):
                    continue
                scan.given.add(spool_file.spoolid)
                machine.load(buffer, sfblok(spool_file, store.is_active(spool_file.spoolid)))
                machine.cpu.cc = 0
                return
            machine.cpu.cc = 1 if repeated else 2

        return find

    def print_sfblok(self, machine: Machine, bridge: ReaderBridge, operand: int) -> Deferred:
        return self._sfblok_scan(machine, bridge, operand, PRINT_SFBLOK)

    def card_sfblok(self, machine: Machine, bridge: ReaderBridge, operand: int) -> Deferred:
        return self._sfblok_scan(machine, bridge, operand, CARD_SFBLOK)

    def select(self, machine: Machine, bridge: ReaderBridge, operand: int) -> Deferred:
        """000C: file Rx to the head of the reader queue; cc 2 if the user has no such file."""
        spoolid = operand & 0xFFFF

        async def move() -> None:
            outcome = await bridge.store.order(self.vm.userid, Queue.RDR, [spoolid])
            machine.cpu.cc = 0 if outcome.files else 2

        return move

    def monitor(self, machine: Machine, bridge: ReaderBridge, operand: int) -> Deferred | None:
        """001C/0020: monitor spool files; this system writes none."""
        machine.cpu.cc = 2
        return None

    def _descriptor(self, machine: Machine, address: int, spoolid: int) -> Deferred | None:
        """0FFF: SFBLOK and TAG of the user's reader file after ``spoolid`` (0: the first)."""
        buffer = self._area(machine, address, DESCRIPTOR_SIZE, one_page=False)
        store = self._store()
        if store is None:  # no reader, no reader files
            machine.cpu.cc = 2
            return None

        async def find() -> None:
            files = await self._reader_files(store)
            index = 0
            if spoolid:
                ids = [spool_file.spoolid for spool_file in files]
                if spoolid not in ids:
                    machine.cpu.cc = 2
                    return
                index = ids.index(spoolid) + 1
            if index >= len(files):
                machine.cpu.cc = 1
                return
            found = files[index]
            active = store.is_active(found.spoolid)
            tag = found.tag.encode(CODEPAGE, errors="replace")[:TAG_RECORD_SIZE]
            rest = tag.ljust(DESCRIPTOR_SIZE - SFBLOK_SIZE, b"\x40")
            machine.load(buffer, sfblok(found, active) + rest)
            machine.cpu.cc = 0

        return find


Handler = Callable[[SpoolDiagnose, Machine, "ReaderBridge", int], "Deferred | None"]
HANDLED: dict[int, Handler] = {
    READ_NEXT: SpoolDiagnose.read_next,
    PRINT_SFBLOK: SpoolDiagnose.print_sfblok,
    CARD_SFBLOK: SpoolDiagnose.card_sfblok,
    SELECT: SpoolDiagnose.select,
    REPEAT: SpoolDiagnose.repeat,
    RESTART: SpoolDiagnose.restart,
    BACKSPACE: SpoolDiagnose.backspace,
    MONITOR_SFBLOK: SpoolDiagnose.monitor,
    MONITOR_READ: SpoolDiagnose.monitor,
}
