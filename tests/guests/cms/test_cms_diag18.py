"""CMS's DIAGNOSE X'18' block device, its channel programs run by the real channel and
CKD device (a stand-in for CP's X'18' handler, which runs the chain synchronously)."""

from __future__ import annotations

import pytest

from guests.cms.diag import DiagnoseDevice, DiskNotAttached, NotDasd, device_type
from guests.cms.fs import CmsDisk
from guests.cms.fs.errors import BlockIOError
from server.cp.abi import DiagnoseResult
from server.machine import Machine
from server.machine.channel import Channel
from server.machine.devices.ckd import MODEL_2314, MODEL_3350, CkdModel
from tests.guests.cms.helpers import clock
from tests.guests.cms.test_fs_on_ckd import CkdBlocks

CE_DE = 0x0C
STATUS_MODIFIER = 0x40


class ChannelGuest:
    """DIAGNOSE X'18' and X'24' over a machine with one CKD minidisk at 191."""

    def __init__(self, model: CkdModel, cylinders: int, type_byte: int) -> None:
        self.machine = Machine(1 << 20)
        self.channel = Channel(self.machine.cpu)
        self.blocks = CkdBlocks(model, cylinders)
        self.blocks.format_tracks()
        self.channel.attach(0x191, self.blocks.ckd)
        self.cylinders = cylinders
        self.type_byte = type_byte
        self.issued = 0

    def write_storage(self, address: int, data: bytes) -> None:
        self.machine.load(address, data)

    def read_storage(self, address: int, length: int) -> bytes:
        return self.machine.read(address, length)

    async def diagnose(
        self, code: int, rx: int = 0, ry: int = 0, rx1: int = 0, ry1: int = 0, r15: int = 0
    ) -> DiagnoseResult:
        if code == 0x24:
            if rx != 0x191:
                return DiagnoseResult(3, rx, rx1, ry, ry1, r15)
            return DiagnoseResult(0, rx, rx1, 0x04000000 | self.type_byte << 16, ry1, r15)
        if code == 0x20:
            csw = self.channel.run_program(0x191, ry).csw
            assert csw is not None
            return DiagnoseResult(
                0 if csw[4] & ~STATUS_MODIFIER == CE_DE else 3, rx, rx1, ry, ry1, r15
            )
        assert code == 0x18 and rx == 0x191 and r15 == 1
        self.issued += 1
        seek = self.machine.read(int.from_bytes(self.machine.read(ry + 1, 3), "big"), 6)
        if int.from_bytes(seek[2:4], "big") >= self.cylinders:
            return DiagnoseResult(3, rx, rx1, ry, ry1, 13)  # seek beyond: unit check
        csw = self.channel.run_program(0x191, ry).csw
        assert csw is not None
        cc = 0 if csw[4] & ~STATUS_MODIFIER == CE_DE else 2
        return DiagnoseResult(cc, rx, rx1, ry, ry1, 0 if cc == 0 else 13)


@pytest.mark.parametrize(("model", "type_byte"), [(MODEL_3350, 0x08), (MODEL_2314, 0x01)])
def test_format_write_and_read_back_through_diagnose(model: CkdModel, type_byte: int) -> None:
    guest = ChannelGuest(model, 3, type_byte)
    kind = device_type(guest, 0x191)
    assert kind == model.device_type
    device = DiagnoseDevice(guest, 0x191, kind)
    assert device.cylinders == 3  # found by probing where seeks fail
    disk = CmsDisk.format(device, "DIAG18", clock=clock)
    records = [f"RECORD {n:04d}".encode("cp037") * 10 for n in range(300)]
    disk.write("BIG", "FILE", records, recfm="V")
    again = CmsDisk.access(DiagnoseDevice(guest, 0x191, kind))
    assert again.label == "DIAG18"
    assert again.read("BIG", "FILE") == records
    assert CmsDisk.access(guest.blocks).read("BIG", "FILE") == records  # the same records


def test_missing_and_non_dasd_devices() -> None:
    guest = ChannelGuest(MODEL_3350, 1, 0x08)
    with pytest.raises(DiskNotAttached):
        device_type(guest, 0x192)
    guest.type_byte = 0x77
    with pytest.raises(NotDasd):
        device_type(guest, 0x191)


def test_unformatted_track_is_an_io_error() -> None:
    guest = ChannelGuest(MODEL_3350, 2, 0x08)
    guest.blocks.store.tracks.clear()  # null tracks: no records
    device = DiagnoseDevice(guest, 0x191, 0x3350)
    with pytest.raises(BlockIOError, match="READING BLOCK 3 ON 191"):
        device.read_block(3)


def test_format_tracks_then_cms_format() -> None:
    guest = ChannelGuest(MODEL_3350, 2, 0x08)
    guest.blocks.store.tracks.clear()  # a new minidisk: home addresses and R0 only
    device = DiagnoseDevice(guest, 0x191, 0x3350)
    assert all(device.format_track(cylinder, head) for cylinder in range(2) for head in range(30))
    disk = CmsDisk.format(device, "NEWDSK", clock=clock)
    disk.write("A", "B", [b"\xc1" * 80] * 500, recfm="F")
    assert CmsDisk.access(guest.blocks).read("A", "B") == [b"\xc1" * 80] * 500
