"""The CKD and FBA devices of server/machine over minidisk views of volume images.

The views are the devices' TrackStore and BlockStore: a guest's channel
programs run against cylinder 0 at the extent's start, count fields land as
written, and refusals become unit check with the architected sense.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from server.dasd.ckd import CkdImage
from server.dasd.fba import FbaImage
from server.dasd.geometry import fba_geometry
from server.dasd.minidisk import CkdMinidisk, FbaMinidisk
from server.machine.devices.base import CC, CE_DE, SLI, STATUS_MODIFIER, UNIT_CHECK, CCWResult
from server.machine.devices.ckd import CkdDevice
from server.machine.devices.fba import FbaDevice
from tests.dasd.conftest import ckd, formatted_track

Command = tuple[int, bytes, int]


def run(device: CkdDevice | FbaDevice, commands: list[Command]) -> list[CCWResult]:
    """One channel program without TICs: stops at the first status other than CE+DE(+SM)."""
    device.begin_chain()
    results = []
    for opcode, data, count in commands:
        result = device.execute_ccw(opcode, CC | SLI, data, count)
        results.append(result)
        if result.status & ~(CE_DE | STATUS_MODIFIER):
            break
    return results


def seek(cylinder: int, head: int) -> Command:
    return (0x07, struct.pack(">HHH", 0, cylinder, head), 6)


def search_id(cylinder: int, head: int, record: int) -> Command:
    return (0x31, struct.pack(">HHB", cylinder, head, record), 5)


def search(device: CkdDevice, cylinder: int, head: int, record: int) -> None:
    """The CMS R6 search loop (dasd.md 4.4): Seek, Search ID Equal until SM."""
    device.begin_chain()
    assert device.execute_ccw(*_flags(seek(cylinder, head))).status == CE_DE
    for _ in range(40):
        searched = device.execute_ccw(*_flags(search_id(cylinder, head, record)))
        if searched.status & STATUS_MODIFIER:
            return
        assert searched.status == CE_DE
    raise AssertionError("search never matched")


def read_block(device: CkdDevice, cylinder: int, head: int, record: int) -> bytes:
    """Search loop, then Read Data."""
    search(device, cylinder, head, record)
    return device.execute_ccw(0x06, SLI, b"", 800).data


def _flags(command: Command) -> tuple[int, int, bytes, int]:
    return (command[0], CC | SLI, command[1], command[2])


@pytest.fixture
def volume(tmp_path: Path) -> CkdImage:
    return CkdImage.create(tmp_path / "V.ckd", ckd("3350"))


def test_guest_formats_a_minidisk_track(volume: CkdImage) -> None:
    device = CkdDevice(CkdMinidisk(volume, 100, 10))
    r0 = struct.pack(">HHBBH", 2, 0, 0, 0, 8) + bytes(8)
    records = [
        (0x1D, struct.pack(">HHBBH", 2, 0, n, 0, 800) + bytes([n]) * 800, 808) for n in (1, 2, 3)
    ]
    results = run(
        device,
        [seek(2, 0), (0x1F, b"\xc0", 1), (0x39, struct.pack(">HH", 2, 0), 4), (0x15, r0, 16)]
        + records,
    )
    assert [result.status for result in results] == [CE_DE, CE_DE, CE_DE | STATUS_MODIFIER] + [
        CE_DE
    ] * 4
    stored = volume.read_track(102, 0)
    assert stored.cylinder == 102  # the image keeps the real home address
    assert [record.ident().hex() for record in stored.records] == [
        f"00020000{n:02x}" for n in range(4)
    ]
    assert read_block(device, 2, 0, 3) == bytes([3]) * 800


def test_search_loop_reads_and_writes_through_the_view(volume: CkdImage) -> None:
    minidisk = CkdMinidisk(volume, 200, 5)
    for head in range(3):
        minidisk.write_track(4, head, formatted_track(4, head))
    device = CkdDevice(minidisk)
    assert read_block(device, 4, 2, 17) == bytes([17]) * 800
    search(device, 4, 1, 9)
    written = device.execute_ccw(0x05, SLI, b"W" * 800, 800)
    assert written.status == CE_DE
    assert volume.read_record(204, 1, 9).data == b"W" * 800
    assert read_block(CkdDevice(CkdMinidisk(volume, 200, 5)), 4, 1, 9) == b"W" * 800


def test_refusals_become_unit_check_with_sense(volume: CkdImage) -> None:
    minidisk = CkdMinidisk(volume, 10, 2)
    minidisk.write_track(0, 0, formatted_track(0, 0, records=2))
    read_only = CkdDevice(CkdMinidisk(volume, 10, 2, read_only=True))
    results = run(read_only, [seek(0, 0), search_id(0, 0, 1), (0x05, b"x" * 800, 800)])
    assert results[-1].status == CE_DE | UNIT_CHECK
    assert results[-1].sense is not None and results[-1].sense[:2] == bytes([0x80, 0x02])
    beyond = run(CkdDevice(minidisk), [seek(2, 0)])  # the minidisk has cylinders 0 and 1
    assert beyond[-1].status & UNIT_CHECK
    assert beyond[-1].sense is not None and beyond[-1].sense[0] == 0x80
    assert not volume.is_written(12, 0)
    assert CkdDevice(minidisk).execute_ccw(0xE4, 0, b"", 7).data == bytes.fromhex("FF383002335000")


def test_fba_device_over_a_minidisk(tmp_path: Path) -> None:
    geometry = fba_geometry("3370")
    assert geometry is not None
    image = FbaImage.create(tmp_path / "F.fba", geometry)
    device = FbaDevice(FbaMinidisk(image, 5000, 100))
    extent = bytes([0xC0, 0, 0, 0]) + struct.pack(">III", 0, 0, 99)
    locate_write = bytes([0x01, 0]) + struct.pack(">HI", 2, 10)
    results = run(device, [(0x63, extent, 16), (0x43, locate_write, 8), (0x41, b"B" * 1024, 1024)])
    assert [result.status for result in results] == [CE_DE] * 3
    assert image.read_blocks(5010, 2) == b"B" * 1024
    locate_read = bytes([0x06, 0]) + struct.pack(">HI", 1, 11)
    read = run(device, [(0x63, extent, 16), (0x43, locate_read, 8), (0x42, b"", 512)])
    assert read[-1].data == b"B" * 512
    outside = bytes([0xC0, 0, 0, 0]) + struct.pack(">III", 0, 0, 100)  # 101 blocks
    refused = run(device, [(0x63, outside, 16)])
    assert refused[-1].status & UNIT_CHECK


def test_a_store_refusal_reaches_the_guest_as_sense(volume: CkdImage) -> None:
    # A slot damaged outside vm370 (no end-of-track marker): the view refuses to
    # read it and the device ends the command with unit check, not an exception.
    offset = 512 + (100 * 30 + 1) * volume.trksize
    with open(volume.path, "r+b") as handle:
        handle.seek(offset)
        handle.write(b"\x00\x00\x64\x00\x01" + b"\x00\x64\x00\x01\x01\x00\x40\x00" + b"\x01" * 40)
    device = CkdDevice(CkdMinidisk(volume, 100, 2))
    results = run(device, [seek(0, 1), search_id(0, 1, 1)])
    assert results[-1].status == CE_DE | UNIT_CHECK
    assert results[-1].sense is not None and results[-1].sense[1] == 0x40  # invalid track format
    assert read_block(device, 0, 0, 0) == bytes(8)  # other tracks still work
