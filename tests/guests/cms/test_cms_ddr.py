"""DDR on a fake guest whose DIAGNOSE X'20' runs channel programs on real CKD devices."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from guests.cms.commands.ddr import parse_extent
from guests.cms.commands.ddrtrack import parse_records
from guests.cms.fs import CmsDisk
from server.cp.abi import DiagnoseResult
from server.machine import Machine
from server.machine.channel import Channel
from server.machine.devices.ckd import (
    MODEL_2314,
    MODEL_3350,
    CkdDevice,
    MemoryTrackStore,
    null_track,
)
from tests.guests.cms.cmsfake import FakeGuest, put_file, session, standard_disks
from tests.guests.cms.test_fs_on_ckd import CkdBlocks

SOURCE, TARGET, SMALL, LINKED = 0x300, 0x301, 0x302, 0x303


class DasdGuest(FakeGuest):
    """FakeGuest with virtual storage and a channel of CKD minidisks."""

    def __init__(self, *lines: str) -> None:
        super().__init__(*lines)
        self.machine = Machine(storage_size=0x80000)
        self.channel = Channel(self.machine.cpu)
        self.dasd: dict[int, tuple[CkdDevice, int, bool]] = {}
        self.type_bytes: dict[int, int] = {}
        self.storage_size = 0x80000

    def add(
        self, vaddr: int, device: CkdDevice, cylinders: int, read_only: bool = False,
        type_byte: int = 0x08,
    ) -> None:  # fmt: skip
        self.channel.attach(vaddr, device)
        self.dasd[vaddr] = (device, cylinders, read_only)
        self.type_bytes[vaddr] = type_byte  # DIAGNOSE X'24': X'08' 3350, X'01' 2314

    def write_storage(self, address: int, data: bytes) -> None:
        if address >= 0x30000:
            self.machine.load(address, data)
        else:
            super().write_storage(address, data)

    def read_storage(self, address: int, length: int) -> bytes:
        if address >= 0x30000:
            return bytes(self.machine.read(address, length))
        return super().read_storage(address, length)

    async def diagnose(
        self, code: int, rx: int = 0, ry: int = 0, rx1: int = 0, ry1: int = 0, r15: int = 0
    ) -> DiagnoseResult:
        if code == 0x60:
            return DiagnoseResult(0, self.storage_size, rx1, ry, ry1, r15)
        if code == 0x24 and rx in self.dasd:
            return DiagnoseResult(0, rx, rx1, 0x04000000 | self.type_bytes[rx] << 16, ry1, r15)
        if code == 0x20 and rx in self.dasd:
            result = self.channel.run_program(rx, ry)
            csw = result.csw
            assert csw is not None
            if csw[5] or csw[4] & 0x02:
                sense = (result.sense or b"\0\0")[:2]
                return DiagnoseResult(3, rx, rx1, sense[0] << 8 | sense[1], ry1, r15)
            return DiagnoseResult(0, rx, rx1, ry, ry1, r15)
        return await super().diagnose(code, rx, ry, rx1, ry1, r15)

    async def cp(self, text: str, capture: bool = True) -> tuple[int, list[str]]:
        words = text.split()
        if words[:2] == ["QUERY", "VIRTUAL"] and int(words[2], 16) in self.dasd:
            _, cylinders, read_only = self.dasd[int(words[2], 16)]
            state = "R/O" if read_only else "R/W"
            return 0, [f"DASD {words[2]} 3350 VOLSER {state} {cylinders:5d} CYL"]
        return await super().cp(text, capture)


def cms_source() -> CkdBlocks:
    blocks = CkdBlocks(MODEL_3350, 3)
    blocks.format_tracks()
    disk = CmsDisk.format(blocks, "SRC001")
    disk.write("HELLO", "DATA", [b"\xc8\xc5\xd3\xd3\xd6" * 16] * 40, recfm="F")
    return blocks


def ddr_guest(*lines: str) -> tuple[DasdGuest, CkdBlocks, MemoryTrackStore]:
    guest = DasdGuest(*lines)
    source = cms_source()
    target = MemoryTrackStore(MODEL_3350, 3)
    guest.add(SOURCE, source.ckd, 3)
    guest.add(TARGET, CkdDevice(target), 3)
    guest.add(SMALL, CkdDevice(MemoryTrackStore(MODEL_3350, 2)), 2)
    guest.add(LINKED, CkdDevice(MemoryTrackStore(MODEL_3350, 3, read_only=True)), 3, True)
    return guest, source, target


async def run(guest: DasdGuest) -> list[str]:
    return await session(standard_disks(), guest=guest)


async def test_copy_all_makes_every_track_the_same() -> None:
    guest, source, target = ddr_guest(
        "ddr", "input 300 3350 src001", "output 301 3350 scratch", "copy all", "", ""
    )
    output = await run(guest)
    assert "VM/370 DASD DUMP/RESTORE PROGRAM" in output
    assert "COPYING   SRC001" in output and "END OF COPY" in output and "END OF JOB" in output
    for cylinder in range(3):
        for head in range(MODEL_3350.heads):
            assert target.read_track_image(cylinder, head) == source.store.read_track_image(
                cylinder, head
            )
    copy = CkdBlocks(MODEL_3350, 3)
    copy.store, copy.ckd = target, CkdDevice(target)
    assert CmsDisk.access(copy).read("HELLO", "DATA")[0] == b"\xc8\xc5\xd3\xd3\xd6" * 16


async def test_reorder_extents_from_a_control_file() -> None:
    guest, source, target = ddr_guest("ddr copy ctl")
    disks = standard_disks()
    put_file(disks, 0x191, "COPY", "CTL", ["INPUT 300 3350", "OUTPUT 301 3350",
                                          "COPY 0 TO 0 REORDER 2"], recfm="V")  # fmt: skip
    output = await session(disks, guest=guest)
    assert "END OF COPY" in output
    moved = target.read_track_image(2, 0)
    original = source.store.read_track_image(0, 0)
    assert moved[1:5] == b"\x00\x02\x00\x00"  # the home address of the track written
    moved_records, original_records = parse_records(moved[5:]), parse_records(original[5:])
    assert [record[:4] for record in moved_records] == [b"\x00\x02\x00\x00"] * 20
    assert [record[4:] for record in moved_records] == [record[4:] for record in original_records]


async def test_type_print_and_errors() -> None:
    guest, _, _ = ddr_guest(
        "ddr",
        "type 0",
        "input 300 3330",
        "input 399 3350",
        "input 300 3350 wrong",
        "type 0 0 3",
        "type 0 0 3 (count",
        "print 0 0 0 to 0 0 1",
        "output 301 2400",
        "output 303 3350",
        "copy all",
        "",
        "output 302 3350",
        "copy 0 to 2",
        "copy 0",
        "dump all",
        "frobnicate",
        "",
        "",
    )
    output = await run(guest)
    assert "DMKDDR702E CONTROL STATEMENT SEQUENCE ERROR" in output
    assert "DMKDDR708E INVALID OPTION" in output
    assert "INVALID INPUT OR OUTPUT DEFINITION" in output
    assert "COUNT 0000 0000 03 00 0320" in output
    assert any(line.startswith("000000 C3D4E27E") and "*CMS=SRC001" in line for line in output)
    assert guest.unit_record[0x00E] and "CLOSE 00E" in guest.cp_commands
    assert "DUMP AND RESTORE NEED A TAPE; THIS SYSTEM HAS NO TAPE DEVICES" in output
    assert "DMKDDR718E OUTPUT UNIT IS FILE PROTECTED" in output
    assert "DMKDDR713E OVERLAPPING OR INVALID EXTENTS" in output
    assert "DMKDDR701E INVALID OPERAND - FROBNICATE" in output
    assert output[-1].startswith("Ready(00004);")


async def test_copy_all_to_a_smaller_disk_asks() -> None:
    guest, _, _ = ddr_guest(
        "ddr", "input 300 3350", "output 302 3350", "copy all", "", "no", "", "ddr nofile exec"
    )
    output = await run(guest)
    assert "DMKDDR725R ORIGINAL INPUT DEVICE WAS LARGER THAN OUTPUT DEVICE." in output
    assert "COPYING   SRC001" not in output
    assert "DMKDDR719E INVALID FILE NAME OR FILE NOT FOUND" in output


async def test_a_wrong_volser_asks_before_copying() -> None:
    guest, _, target = ddr_guest(
        "ddr", "input 300 3350 other", "output 301 3350", "copy all", "", "no", "",
        "ddr", "input 300 3350 other", "output 301 3350", "copy 0", "", "yes", "",
    )  # fmt: skip
    output = await run(guest)
    assert output.count("DMKDDR711R VOLID READ IS SRC001 NOT OTHER") == 2
    assert output.count("COPYING   SRC001") == 1
    assert "CMS=SRC001".encode("cp037") in target.read_track_image(0, 0)  # COPY 0 after YES
    assert target.read_track_image(1, 0) == null_track(1, 0)  # COPY ALL was answered NO


async def test_copy_of_a_2314_cms_disk_with_split_records() -> None:
    guest = DasdGuest("ddr", "input 310 2314", "output 311 2314", "copy all", "", "")
    source = CkdBlocks(MODEL_2314, 2)
    source.format_tracks()
    CmsDisk.format(source, "OLD231").write("SPLIT", "DATA", [bytes([n]) * 800 for n in range(30)])
    target = MemoryTrackStore(MODEL_2314, 2)
    guest.add(0x310, source.ckd, 2, type_byte=0x01)
    guest.add(0x311, CkdDevice(target), 2, type_byte=0x01)
    output = await run(guest)
    assert "END OF COPY" in output
    copy = CkdBlocks(MODEL_2314, 2)
    copy.store, copy.ckd = target, CkdDevice(target)
    assert CmsDisk.access(copy).read("SPLIT", "DATA")[29] == bytes([29]) * 800


async def test_too_little_storage_is_refused() -> None:
    guest, _, _ = ddr_guest("ddr")
    guest.storage_size = 0x40000
    output = await run(guest)
    assert "DMSDDR109S VIRTUAL STORAGE CAPACITY EXCEEDED" in output


def test_extents() -> None:
    extent = parse_extent(["1", "TO", "2", "REORDER", "5"], 10)
    assert (extent.first, extent.last, extent.to) == (1, 2, 5)
    assert parse_extent(["3"], 10).last == 3


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(alphabet="0123456789ABCDEFTOYPRINTCOPYALL() ", max_size=10), max_size=6))
def test_garbage_statements_only_give_messages(lines: list[str]) -> None:
    guest, _, _ = ddr_guest("ddr", "input 300 3350", *[line for line in lines if line.strip()], "")
    guest.lines.append("")
    output = asyncio.run(run(guest))
    assert not any("DMSITP143T" in line for line in output)
    assert "END OF JOB" in output
