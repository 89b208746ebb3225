"""A guest's bad channel programs, issued with SIO/TIO by the CPU, end with the
architected status and sense and never raise out of the machine."""

from __future__ import annotations

import pytest

from server.machine.channel import Channel
from server.machine.devices.base import CC, CE_DE, PROGRAM_CHECK, SLI, UNIT_CHECK
from server.machine.devices.ckd import MODEL_3350, CkdDevice, MemoryTrackStore, Track
from tests.machine.ckd_rig import Rig, ccw, count_field, ident, seek_argument
from tests.machine.run_helpers import code, prepare

DISK = 0x191
# SIO 191; save cc; TIO 191; save cc; save the CSW; SIO a Sense into X'400'; TIO.
PROGRAM = code("""
    9C00 0191 | 05F0 | 50F0 0300
    9D00 0191 | 05F0 | 50F0 0304
    D207 0308 0040
    D203 0048 0310
    9C00 0191 | 9D00 0191
""")
SENSE_CAW = 0x0F00


def disk(read_only: bool = False) -> MemoryTrackStore:
    store = MemoryTrackStore(MODEL_3350, cylinders=2)
    Rig(store).format_track(0, 0, [(b"", b"D" * 800)])
    store.read_only = read_only
    return store


def chain(*ccws: bytes) -> bytes:
    return b"".join(ccws)


def search(*last: bytes) -> bytes:
    return chain(ccw(0x07, 0x2000, CC, 6), ccw(0x31, 0x2008, CC, 5), ccw(0x08, 0x1008, 0, 1),
                 *last)


CASES = {
    "invalid opcode": (chain(ccw(0x27, 0x2000, SLI, 1)), False, 0, CE_DE | UNIT_CHECK, 0,
                       b"\x80"),
    "TIC to TIC": (chain(ccw(0x03, 0, CC | SLI, 1), ccw(0x08, 0x1010, 0, 1),
                         ccw(0x08, 0x1008, 0, 1)), False, 0, 0, PROGRAM_CHECK, b"\0"),
    "beyond storage": (chain(ccw(0x07, 0x2000, CC, 6), ccw(0x06, 0xFFF00, SLI, 800)), False,
                       0, CE_DE, PROGRAM_CHECK, b"\0"),
    "count zero": (chain(ccw(0x07, 0x2000, 0, 0)), False, 1, 0, PROGRAM_CHECK, b"\0"),
    "write read-only": (search(ccw(0x05, 0x3000, SLI, 800)), True, 0, CE_DE | UNIT_CHECK, 0,
                        b"\x80\x02"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_channel_program(case: str) -> None:
    program, read_only, sio_cc, unit, channel_status, sense = CASES[case]
    machine = prepare(PROGRAM, size=64 * 1024)
    channel = Channel(machine.cpu)
    machine.channel = channel
    store = disk(read_only)
    channel.attach(DISK, CkdDevice(store))
    machine.load(0x1000, program)
    machine.load(0x2000, seek_argument(0, 0) + bytes(2) + ident(0, 0, 1))
    machine.load(0x48, (0x1000).to_bytes(4, "big"))
    machine.load(0x310, SENSE_CAW.to_bytes(4, "big"))
    machine.load(SENSE_CAW, ccw(0x04, 0x400, SLI, 24))
    machine.run(10_000)
    assert machine.psw()[4:] == bytes.fromhex("0000EE00")
    assert machine.read(0x300, 1)[0] >> 4 & 3 == sio_cc
    csw = machine.read(0x308, 8)
    # condition code 1 from SIO: the CSW was stored by SIO and TIO found nothing pending;
    # otherwise TIO found the ending pending and stored it
    assert machine.read(0x304, 1)[0] >> 4 & 3 == (0 if sio_cc == 1 else 1)
    assert csw[4:6] == bytes([unit, channel_status]), csw.hex()
    assert machine.read(0x400, len(sense)) == sense
    records = Track.parse(store.read_track_image(0, 0)).records
    assert [r.count for r in records[1:]] == [count_field(0, 0, 1, 0, 800)]
    assert records[1].data == b"D" * 800
