"""An in-memory stand-in for the guest interface, and in-memory minidisks, for CMS tests.

``FakeGuest`` answers the DIAGNOSE codes CMS issues (X'0C' timer, X'24' no
device, X'5C' under a settable EMSG), keeps console output in ``output`` and
serves console input from ``lines``; reading past them ends the session with
``SessionOver``. ``MemoryDisks`` is the provider seam: virtual addresses to
``MemoryBlockDevice`` minidisks.
"""

from __future__ import annotations

import asyncio
from collections import deque

from guests.cms.diag import DiskNotAttached
from guests.cms.fs import BlockDevice, CmsDisk, MemoryBlockDevice
from guests.cms.nucleus import Cms, run_cms
from server.cp.abi import DiagnoseResult, GuestInterface, ReaderFile

ATTENTION = "<attention>"  # in FakeGuest lines: the user signals attention after the line before


class SessionOver(Exception):
    """The test supplied no more console lines."""


class FakeGuest:
    def __init__(self, *lines: str, emsg: str = "ON") -> None:
        self.lines = deque(lines)
        self.output: list[str] = []
        self.storage = bytearray(0x40000)
        self.unit_record: dict[int, list[tuple[int, bytes]]] = {}
        self.reader: list[ReaderFile] = []
        self.finished: list[ReaderFile] = []
        self.emsg = emsg
        self.cp_commands: list[str] = []
        self.pending_attention = False
        self.armed = False
        self.userid = "ALICE"
        self.parm = ""
        self.cpu = 0

    def write(self, *lines: str) -> None:
        self.output.extend(lines)

    async def read(self) -> str:
        if not self.lines:
            raise SessionOver
        line = self.lines.popleft()
        self.output.append(f"> {line}")
        if self.lines and self.lines[0] == ATTENTION:
            self.lines.popleft()
            self.armed = True  # the attention comes while the command runs
        return line

    @property
    def attention(self) -> bool:
        pending, self.pending_attention = self.pending_attention, False
        return pending

    async def checkpoint(self) -> None:
        if self.armed:
            self.armed, self.pending_attention = False, True
        await asyncio.sleep(0)

    async def cp(self, text: str, capture: bool = True) -> tuple[int, list[str]]:
        self.cp_commands.append(text)
        if text.split()[0] in ("QUERY", "Q", "MSG", "DETACH", "SET"):
            answer = [f"CP: {text}"]
            if capture:
                return 0, answer
            self.output.extend(answer)
            return 0, []
        if not capture:
            self.output.append("DMKCFM001E UNKNOWN CP COMMAND")
        return 1, []

    def _chain(self, address: int) -> list[tuple[int, bytes]]:
        """(opcode, data) of each CCW of a chain, following command chaining."""
        done: list[tuple[int, bytes]] = []
        while True:
            ccw = self.read_storage(address, 8)
            data_at, count = int.from_bytes(ccw[1:4], "big"), int.from_bytes(ccw[6:8], "big")
            done.append((ccw[0], self.read_storage(data_at, count)))
            if not ccw[4] & 0x40:
                return done
            address += 8

    async def next_reader_file(self, spool_class: str | None = None) -> ReaderFile | None:
        return self.reader.pop(0) if self.reader else None

    async def finish_reader_file(self, reader_file: ReaderFile, keep: bool = False) -> None:
        self.finished.append(reader_file)

    def write_storage(self, address: int, data: bytes) -> None:
        self.storage[address : address + len(data)] = data

    def read_storage(self, address: int, length: int) -> bytes:
        return bytes(self.storage[address : address + length])

    async def diagnose(
        self, code: int, rx: int = 0, ry: int = 0, rx1: int = 0, ry1: int = 0, r15: int = 0
    ) -> DiagnoseResult:
        if code == 0x0C:
            self.cpu += 10_000
            area = "11/22/26".encode("cp037") + "01:02:03".encode("cp037")
            self.write_storage(rx, area + self.cpu.to_bytes(8, "big") * 2)
            return DiagnoseResult(0, rx, rx1, ry, ry1, r15)
        if code == 0x20 and rx in (0x00D, 0x00E):
            self.unit_record.setdefault(rx, []).extend(self._chain(ry))
            return DiagnoseResult(0, rx, rx1, ry, ry1, r15)
        if code == 0x5C:
            if self.emsg == "TEXT":
                return DiagnoseResult(0, rx + 11, rx1, ry - 11, ry1, r15)
            if self.emsg == "OFF":
                return DiagnoseResult(0, rx, rx1, 0, ry1, r15)
            return DiagnoseResult(0, rx, rx1, ry, ry1, r15)
        return DiagnoseResult(3, rx, rx1, ry, ry1, r15)


class MemoryDisks:
    """Minidisks in memory by virtual address (the ``DiskProvider`` seam)."""

    def __init__(self) -> None:
        self.devices: dict[int, MemoryBlockDevice] = {}

    def add(
        self, vaddr: int, *, cylinders: int = 2, label: str | None = None, read_only: bool = False
    ) -> MemoryBlockDevice:
        device = MemoryBlockDevice(0x3350, cylinders)
        if label is not None:
            CmsDisk.format(device, label)
        device.read_only = read_only
        self.devices[vaddr] = device
        return device

    async def attach(self, vaddr: int) -> BlockDevice:
        try:
            return self.devices[vaddr]
        except KeyError:
            raise DiskNotAttached(f"{vaddr:03X}") from None


def standard_disks() -> MemoryDisks:
    disks = MemoryDisks()
    disks.add(0x191, label="ALI191")
    disks.add(0x190, label="CMS190", read_only=True)
    return disks


def put_file(
    disks: MemoryDisks, vaddr: int, fn: str, ft: str, lines: list[str], **kw: object
) -> None:
    device = disks.devices[vaddr]
    was = device.read_only
    device.read_only = False
    disk = CmsDisk.access(device)
    disk.write(fn, ft, [line.encode("cp037") for line in lines], **kw)  # type: ignore[arg-type]
    device.read_only = was


async def session(
    disks: MemoryDisks, *lines: str, emsg: str = "ON", guest: FakeGuest | None = None
) -> list[str]:
    """IPL CMS, type ``lines``, return the console output (input lines as ``> line``)."""
    guest = guest or FakeGuest(emsg=emsg)
    guest.lines.extend(lines)
    try:
        await Cms(guest, disks).run()
    except SessionOver:
        pass
    return guest.output


_USER_DISKS: dict[str, MemoryDisks] = {}
LOOP_EXEC = ["&CONTROL OFF", "&I = 0", "-TOP", "&I = &I + 1", "&GOTO -TOP"]


def user_disks(userid: str) -> MemoryDisks:
    """The in-memory disks of a user, kept for the life of the server process."""
    if userid not in _USER_DISKS:
        disks = standard_disks()
        put_file(disks, 0x190, "LOOP", "EXEC", LOOP_EXEC, recfm="V")
        if userid == "BOB":
            put_file(disks, 0x191, "PROFILE", "EXEC", ["&TYPE BOB'S PROFILE RAN"], recfm="V")
        _USER_DISKS[userid] = disks
    return _USER_DISKS[userid]


async def memory_main(guest: GuestInterface) -> None:
    """``IPL CMS`` with in-memory disks (registered by telnet tests through VM370_GUESTS)."""
    await run_cms(guest, user_disks(guest.userid))
