"""The file system on the emulated CKD device, through the CMS R6 channel programs.

``CkdBlocks`` is a test model of what the CMS guest will do with DIAGNOSE X'18':
FORMAT writes R0 and the keyless records of ``track_records`` on every track;
a block is read or written with Seek, Search ID Equal looping on itself (the
"TIC *-8" idiom of reference/dasd.md 4.4) and Read/Write Data. It shows that
``block_records`` puts every block where the CKD device finds it, and that the
physical records land where dasd.md 5.1 says (the 3350 worked example).
"""

from __future__ import annotations

import pytest

from guests.cms.fs.device import BLOCK_SIZE, block_address, block_records, track_records
from guests.cms.fs.disk import CmsDisk
from guests.cms.fs.errors import BlockIOError
from server.machine.devices.base import STATUS_MODIFIER, UNIT_CHECK, CCWResult
from server.machine.devices.ckd import (
    MODEL_2314,
    MODEL_3350,
    CkdDevice,
    CkdModel,
    MemoryTrackStore,
    Track,
)
from tests.guests.cms.helpers import clock, reread

SLI = 0x20
SEARCH_ID_EQUAL, SEEK, READ_DATA, WRITE_DATA = 0x31, 0x07, 0x06, 0x05
SET_FILE_MASK, SEARCH_HA_EQUAL, WRITE_R0, WRITE_CKD = 0x1F, 0x39, 0x15, 0x1D


def cchh(cylinder: int, head: int) -> bytes:
    return cylinder.to_bytes(2, "big") + head.to_bytes(2, "big")


class CkdBlocks:
    """A BlockDevice driving a CkdDevice one command at a time."""

    def __init__(self, model: CkdModel, cylinders: int) -> None:
        self.store = MemoryTrackStore(model, cylinders)
        self.ckd = CkdDevice(self.store)
        self.device_type = model.device_type
        self.cylinders = cylinders
        self.read_only = False

    def _do(self, opcode: int, data: bytes, count: int) -> CCWResult:
        result = self.ckd.command(opcode, SLI, data, count)
        if result.status & UNIT_CHECK:
            raise BlockIOError(f"unit check on {opcode:02X}, sense {result.sense!r}")
        return result

    def _locate(self, cylinder: int, head: int, record: int) -> None:
        """Seek, then Search ID Equal until status modifier (the TIC *-8 loop)."""
        self.ckd.begin_chain()
        self._do(SEEK, bytes(2) + cchh(cylinder, head), 6)
        argument = cchh(cylinder, head) + bytes([record])
        while not self._do(SEARCH_ID_EQUAL, argument, 5).status & STATUS_MODIFIER:
            pass

    def format_tracks(self) -> None:
        for cylinder in range(self.cylinders):
            for head in range(self.store.heads):
                self.ckd.begin_chain()
                self._do(SET_FILE_MASK, b"\xc0", 1)
                self._do(SEEK, bytes(2) + cchh(cylinder, head), 6)
                assert self._do(SEARCH_HA_EQUAL, cchh(cylinder, head), 4).status & STATUS_MODIFIER
                self._do(WRITE_R0, cchh(cylinder, head) + bytes([0, 0, 0, 8]) + bytes(8), 16)
                for record, length in track_records(self.device_type, head):
                    count = cchh(cylinder, head) + bytes([record, 0]) + length.to_bytes(2, "big")
                    self._do(WRITE_CKD, count + bytes(length), 8 + length)

    def read_block(self, block: int) -> bytes:
        data = b""
        for piece in block_records(self.device_type, block):
            self._locate(piece.cylinder, piece.head, piece.record)
            data += self._do(READ_DATA, b"", piece.length).data
        return data

    def write_block(self, block: int, data: bytes) -> None:
        at = 0
        for piece in block_records(self.device_type, block):
            self._locate(piece.cylinder, piece.head, piece.record)
            self._do(WRITE_DATA, data[at : at + piece.length], piece.length)
            at += piece.length


def record_data(store: MemoryTrackStore, cylinder: int, head: int, record: int) -> bytes:
    track = Track.parse(store.read_track_image(cylinder, head))
    found = [r for r in track.records if r.ident == cchh(cylinder, head) + bytes([record])]
    assert len(found) == 1
    return found[0].data


def test_3350_blocks_land_where_the_reference_says() -> None:
    device = CkdBlocks(MODEL_3350, 8)  # 4,560 blocks
    device.format_tracks()
    disk = CmsDisk.format(device, "CKD350", clock=clock)
    records = [bytes([n % 256]) * BLOCK_SIZE for n in range(3990)]
    disk.write("FILL", "DATA", records)  # data blocks 5 ... 3994 and more
    entry = disk.write("AT", "4000", [b"\xc1" * BLOCK_SIZE] * 30)
    assert entry.data_blocks == 30
    found = CmsDisk.access(device).read("AT", "4000")
    assert found == [b"\xc1" * BLOCK_SIZE] * 30
    assert block_address(0x3350, 4000) == (7, 0, 10)
    assert record_data(device.store, 7, 0, 10) == device.read_block(4000)
    assert record_data(device.store, 0, 0, 4) == device.read_block(4)  # the MFD: track 0, R4
    on_disk = reread(device)
    assert on_disk.file("FILL", "DATA").records == records


def test_2314_track_pairs_on_the_device() -> None:
    device = CkdBlocks(MODEL_2314, 2)  # 300 blocks in 829-byte records
    device.format_tracks()
    disk = CmsDisk.format(device, "CKD314", clock=clock)
    records = [f"record {n}".encode() * 9 for n in range(900)]
    disk.write("PAIRS", "DATA", records, recfm="V")
    assert CmsDisk.access(device).read("PAIRS", "DATA") == records
    even = record_data(device.store, 0, 0, 8)
    odd = record_data(device.store, 0, 1, 8)
    assert (len(even), len(odd)) == (414, 415)
    assert (even + odd)[:800] == device.read_block(8) and odd[386:] == bytes(29)
    assert record_data(device.store, 0, 0, 3)[:800] == device.read_block(3)  # the label
    assert len(record_data(device.store, 0, 0, 3)) == 829


def test_unformatted_track_is_no_record_found() -> None:
    device = CkdBlocks(MODEL_3350, 1)
    with pytest.raises(BlockIOError, match="unit check"):
        CmsDisk.access(device)
