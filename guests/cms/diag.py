"""The DIAGNOSE codes CMS issues, and minidisk block I/O through DIAGNOSE X'18'.

reference/diagnose.md section 1 gives the register conventions: X'0C' pseudo
timer (the ready message's CPU times), X'18' standard DASD I/O, X'24' device
type, X'5C' error-message editing under CP SET EMSG. The channel program for
one 800-byte block is the R6 DMSDIO chain of reference/dasd.md 4.4 (Seek,
Set Sector, Search ID Equal, TIC back to the search, Read or Write Data),
built in the virtual machine's storage with ``write_storage``.

``GuestInterface.diagnose`` is a coroutine, but for these codes CP answers at
once (only X'08' waits for CP), so ``diagnose_now`` drives it to completion
without suspending; that lets the file system's synchronous ``BlockDevice``
protocol sit on DIAGNOSE X'18'. A handler that did suspend is reported as a
device error, never hangs CMS.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, Protocol

from guests.cms.fs.device import BLOCK_SIZE, block_records, cms_geometry, track_records
from guests.cms.fs.errors import BlockIOError
from server.cp.abi import DiagnoseRefused, DiagnoseResult

__all__ = [
    "DiagGuest",
    "DiagnoseDevice",
    "DiskNotAttached",
    "NotDasd",
    "cpu_microseconds",
    "device_type",
    "diagnose_now",
    "edit_message",
]

# Where CMS keeps its channel programs and buffers in virtual storage (below the
# user area; Python CMS has no nucleus in storage).
CCW_AREA = 0x4000
SEEK_ARGUMENT = 0x4040
SEARCH_ARGUMENT = 0x4048
SECTOR_ARGUMENT = 0x4050
TIMER_AREA = 0x4080  # doubleword aligned, 32 bytes
BUFFER = 0x4100  # one 800-byte block
MESSAGE_AREA = 0x4800
FORMAT_AREA = 0x10000  # a track's CCWs, then its count fields and zero data

SEEK, SET_SECTOR, NOP, SEARCH_ID_EQUAL, TIC = 0x07, 0x23, 0x03, 0x31, 0x08
SET_FILE_MASK, SEARCH_HA_EQUAL, WRITE_R0, WRITE_CKD = 0x1F, 0x39, 0x15, 0x1D
ALLOW_ALL_WRITES = 0xC0
READ_DATA, WRITE_DATA = 0x06, 0x05
CHAIN_COMMAND, SLI = 0x40, 0x20
CLASS_DASD = 0x04
# VM/370 virtual device type byte (DIAGNOSE X'24' Ry byte 1) -> device type.
DASD_TYPES = {0x80: 0x2311, 0x01: 0x2314, 0x04: 0x3330, 0x02: 0x3340, 0x08: 0x3350}
NO_RPS = (0x2311, 0x2314, 0x2319)  # no Set Sector: a NOP takes its place
CYLINDER_OUT_OF_RANGE = 13  # DIAGNOSE X'18' R15: unit check (a seek beyond the minidisk)
MAX_CYLINDERS = 1024


class DiagGuest(Protocol):
    """The part of ``GuestInterface`` these functions use."""

    def diagnose(
        self, code: int, rx: int = 0, ry: int = 0, rx1: int = 0, ry1: int = 0, r15: int = 0
    ) -> Coroutine[Any, Any, DiagnoseResult]: ...

    def write_storage(self, address: int, data: bytes) -> None: ...

    def read_storage(self, address: int, length: int) -> bytes: ...


class DiskNotAttached(Exception):
    """DIAGNOSE X'24' answers cc 3: there is no device at that address."""


class NotDasd(Exception):
    """The device is there but is not a DASD CMS can use."""


def diagnose_now(
    guest: DiagGuest, code: int, *, rx: int = 0, ry: int = 0, rx1: int = 0, ry1: int = 0,
    r15: int = 0,
) -> DiagnoseResult:  # fmt: skip
    """Issue a DIAGNOSE that CP completes at once; BlockIOError if it would wait."""
    coroutine = guest.diagnose(code, rx=rx, ry=ry, rx1=rx1, ry1=ry1, r15=r15)
    try:
        coroutine.send(None)
    except StopIteration as done:
        result: DiagnoseResult = done.value
        return result
    except DiagnoseRefused as error:
        raise BlockIOError(str(error)) from None
    coroutine.close()
    raise BlockIOError(f"DIAGNOSE X'{code:02X}' did not complete")


def device_type(guest: DiagGuest, vaddr: int) -> int:
    """The DASD type at ``vaddr`` (X'3350'); DiskNotAttached or NotDasd otherwise."""
    try:
        result = diagnose_now(guest, 0x24, rx=vaddr)
    except BlockIOError:
        raise DiskNotAttached(f"{vaddr:03X}") from None
    if result.cc == 3:
        raise DiskNotAttached(f"{vaddr:03X}")
    device_class, type_byte = result.ry >> 24 & 0xFF, result.ry >> 16 & 0xFF
    if device_class != CLASS_DASD or type_byte not in DASD_TYPES:
        raise NotDasd(f"{vaddr:03X}")
    return DASD_TYPES[type_byte]


def edit_message(guest: DiagGuest, message: str) -> str:
    """The message as CP SET EMSG lets it be shown (DIAGNOSE X'5C'); '' for none."""
    data = message.encode("cp037", errors="replace")
    try:
        guest.write_storage(MESSAGE_AREA, data)
        result = diagnose_now(guest, 0x5C, rx=MESSAGE_AREA, ry=len(data))
    except BlockIOError:
        return message
    if result.ry <= 0:
        return ""
    return guest.read_storage(result.rx & 0xFFFFFF, result.ry).decode("cp037", errors="replace")


def cpu_microseconds(guest: DiagGuest) -> tuple[int, int, str]:
    """(virtual, total) CPU microseconds and the time of day, from DIAGNOSE X'0C'."""
    try:
        diagnose_now(guest, 0x0C, rx=TIMER_AREA)
    except BlockIOError:
        return 0, 0, "00:00:00"
    area = guest.read_storage(TIMER_AREA, 32)
    clock = area[8:16].decode("cp037", errors="replace")
    return int.from_bytes(area[16:24], "big"), int.from_bytes(area[24:32], "big"), clock


def _ccw(opcode: int, address: int, flags: int, count: int) -> bytes:
    return (
        bytes([opcode]) + address.to_bytes(3, "big") + bytes([flags, 0]) + count.to_bytes(2, "big")
    )


class DiagnoseDevice:
    """A ``BlockDevice`` on the virtual DASD at ``vaddr``, one DIAGNOSE X'18' per record."""

    def __init__(self, guest: DiagGuest, vaddr: int, device_type: int) -> None:
        cms_geometry(device_type)  # UnsupportedDevice for a DASD CMS cannot use
        self._guest = guest
        self.vaddr = vaddr
        self._device_type = device_type
        self._cylinders: int | None = None
        self.read_only = False

    @property
    def device_type(self) -> int:
        return self._device_type

    def known_cylinders(self, cylinders: int) -> None:
        """The minidisk's size as CP reports it (QUERY VIRTUAL)."""
        self._cylinders = cylinders

    @property
    def cylinders(self) -> int:
        """The minidisk's size; unless CP told it, found by probing where seeks fail."""
        if self._cylinders is None:
            low, high = 1, MAX_CYLINDERS
            while low < high:
                middle = (low + high + 1) // 2
                if self._cylinder_exists(middle - 1):
                    low = middle
                else:
                    high = middle - 1
            self._cylinders = low
        return self._cylinders

    def _cylinder_exists(self, cylinder: int) -> bool:
        result = self._issue(READ_DATA, cylinder, 0, 1, 8)
        return not (result.cc != 0 and result.r15 == CYLINDER_OUT_OF_RANGE)

    def _issue(
        self, opcode: int, cylinder: int, head: int, record: int, length: int
    ) -> DiagnoseResult:
        cchh = cylinder.to_bytes(2, "big") + head.to_bytes(2, "big")
        guest = self._guest
        guest.write_storage(SEEK_ARGUMENT, bytes(2) + cchh)
        guest.write_storage(SEARCH_ARGUMENT, cchh + bytes([record]))
        guest.write_storage(SECTOR_ARGUMENT, bytes(1))
        sector = NOP if self._device_type in NO_RPS else SET_SECTOR
        chain = (
            _ccw(SEEK, SEEK_ARGUMENT, CHAIN_COMMAND, 6)
            + _ccw(sector, SECTOR_ARGUMENT, CHAIN_COMMAND | SLI, 1)
            + _ccw(SEARCH_ID_EQUAL, SEARCH_ARGUMENT, CHAIN_COMMAND, 5)
            + _ccw(TIC, CCW_AREA + 16, 0, 0)
            + _ccw(opcode, BUFFER, SLI, length)
        )
        guest.write_storage(CCW_AREA, chain)
        return diagnose_now(guest, 0x18, rx=self.vaddr, ry=CCW_AREA, r15=1)

    def _check(self, result: DiagnoseResult, block: int, what: str) -> None:
        if result.cc != 0:
            raise BlockIOError(
                f"{what} BLOCK {block} ON {self.vaddr:03X}: CC {result.cc} CODE {result.r15}"
            )

    def read_block(self, block: int) -> bytes:
        data = b""
        for piece in block_records(self._device_type, block):
            result = self._issue(READ_DATA, piece.cylinder, piece.head, piece.record, piece.length)
            self._check(result, block, "READING")
            data += self._guest.read_storage(BUFFER, piece.length)
        return data

    def write_block(self, block: int, data: bytes) -> None:
        if len(data) != BLOCK_SIZE:
            raise BlockIOError(f"BLOCK {block}: {len(data)} BYTES")
        at = 0
        for piece in block_records(self._device_type, block):
            self._guest.write_storage(BUFFER, data[at : at + piece.length])
            result = self._issue(WRITE_DATA, piece.cylinder, piece.head, piece.record, piece.length)
            self._check(result, block, "WRITING")
            at += piece.length

    def format_track(self, cylinder: int, head: int) -> bool:
        """Write R0 and the keyless records of ``track_records`` on one track, as FORMAT
        does before it writes the label (DIAGNOSE X'20', general I/O). False when CP
        refuses the channel program; the track is then left as it was."""
        cchh = cylinder.to_bytes(2, "big") + head.to_bytes(2, "big")
        records = track_records(self._device_type, head)
        data_at = FORMAT_AREA + 8 * (5 + len(records))
        chain = bytearray()
        chain += _ccw(SET_FILE_MASK, data_at, CHAIN_COMMAND, 1)
        chain += _ccw(SEEK, data_at + 8, CHAIN_COMMAND, 6)
        chain += _ccw(SEARCH_HA_EQUAL, data_at + 16, CHAIN_COMMAND, 4)
        chain += _ccw(TIC, FORMAT_AREA + 16, 0, 0)
        chain += _ccw(WRITE_R0, data_at + 24, CHAIN_COMMAND, 16)
        area = bytearray([ALLOW_ALL_WRITES]) + bytes(7) + bytes(2) + cchh + bytes(2) + cchh
        area += bytes(4) + cchh + bytes([0, 0, 0, 8]) + bytes(8)
        for index, (record, length) in enumerate(records):
            flags = CHAIN_COMMAND if index < len(records) - 1 else 0
            chain += _ccw(WRITE_CKD, data_at + len(area), flags, 8 + length)
            area += cchh + bytes([record, 0]) + length.to_bytes(2, "big") + bytes(length)
        self._guest.write_storage(FORMAT_AREA, bytes(chain) + bytes(area))
        result = diagnose_now(self._guest, 0x20, rx=self.vaddr, ry=FORMAT_AREA)
        return result.cc == 0
