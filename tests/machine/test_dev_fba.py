"""FBA 3310/3370 commands (reference/dasd.md 4.6) against an in-memory block store."""

from __future__ import annotations

import struct

import pytest

from server.machine.devices.base import CC, CE_DE, INCORRECT_LENGTH, SLI, UNIT_CHECK
from server.machine.devices.fba import MODEL_3310, MODEL_3370, FbaDevice, MemoryBlockStore
from tests.machine.ckd_rig import Bench, ccw


def extent(mask: int, origin: int, first: int, last: int) -> bytes:
    return struct.pack(">B3xIII", mask, origin, first, last)


def locate(operation: int, blocks: int, first: int) -> bytes:
    return struct.pack(">BxHI", operation, blocks, first)


@pytest.fixture
def bench() -> Bench:
    store = MemoryBlockStore(MODEL_3370, blocks=1000)
    for number in range(20):
        store.data[number] = bytes([number]) * 512
    return Bench(FbaDevice(store), 0x200)


def setup_args(bench: Bench, *pieces: bytes) -> list[int]:
    addresses = []
    at = 0x3000
    for piece in pieces:
        bench.machine.load(at, piece)
        addresses.append(at)
        at += 0x100
    return addresses


def test_define_extent_locate_read(bench: Bench) -> None:
    ext, loc = setup_args(bench, extent(0, 10, 0, 9), locate(0x06, 2, 3))
    csw = bench.run(ccw(0x63, ext, CC, 16), ccw(0x43, loc, CC, 8), ccw(0x42, 0x4000, 0, 1024))
    assert csw[4:] == bytes([CE_DE, 0, 0, 0])
    assert bench.machine.read(0x4000, 1024) == bytes([13]) * 512 + bytes([14]) * 512


def test_write_pads_last_block_and_reaches_store(bench: Bench) -> None:
    ext, loc = setup_args(bench, extent(0xC0, 100, 0, 99), locate(0x01, 2, 5))
    bench.machine.load(0x4000, b"W" * 600)
    csw = bench.run(ccw(0x63, ext, CC, 16), ccw(0x43, loc, CC, 8),
                    ccw(0x41, 0x4000, SLI, 600))
    assert csw[4:6] == bytes([CE_DE, 0])
    device = bench.device
    assert isinstance(device, FbaDevice)
    store = device.store
    assert isinstance(store, MemoryBlockStore)
    assert store.data[105] == b"W" * 512
    assert store.data[106] == b"W" * 88 + bytes(424)


def test_short_read_count_incorrect_length(bench: Bench) -> None:
    ext, loc = setup_args(bench, extent(0, 0, 0, 99), locate(0x06, 2, 0))
    csw = bench.run(ccw(0x63, ext, CC, 16), ccw(0x43, loc, CC, 8), ccw(0x42, 0x4000, 0, 512))
    assert csw[4:6] == bytes([CE_DE, INCORRECT_LENGTH])


@pytest.mark.parametrize(
    ("pieces", "why"),
    [
        ((extent(0, 0, 5, 4), locate(6, 1, 5)), "last before first"),
        ((extent(0, 990, 0, 20), locate(6, 1, 0)), "extent beyond the device"),
        ((extent(0x20, 0, 0, 9), locate(6, 1, 0)), "reserved mask bit"),
        ((extent(0, 0, 0, 9), locate(6, 2, 9)), "locate beyond the extent"),
        ((extent(0, 0, 0, 9), locate(6, 0, 0)), "block count 0"),
        ((extent(0, 0, 0, 9), locate(0x03, 1, 0)), "invalid operation"),
        ((extent(0x40, 0, 0, 9), locate(0x01, 1, 0)), "write with writes inhibited"),
    ],
)
def test_command_rejects(bench: Bench, pieces: tuple[bytes, bytes], why: str) -> None:
    ext, loc = setup_args(bench, *pieces)
    csw = bench.run(ccw(0x63, ext, CC, 16), ccw(0x43, loc, CC, 8), ccw(0x42, 0x4000, SLI, 512))
    assert csw[4] == CE_DE | UNIT_CHECK, why
    bench.run(ccw(0x04, 0x5000, 0, 24))
    assert bench.machine.read(0x5000, 1) == b"\x80"


def test_sequence_rules(bench: Bench) -> None:
    ext, loc = setup_args(bench, extent(0, 0, 0, 9), locate(6, 1, 0))
    # Locate without Define Extent
    assert bench.run(ccw(0x43, loc, CC, 8), ccw(0x42, 0x4000, 0, 512))[4] == CE_DE | UNIT_CHECK
    # Read not immediately after Locate
    csw = bench.run(ccw(0x63, ext, CC, 16), ccw(0x43, loc, CC, 8), ccw(0x03, 0, CC | SLI, 1),
                    ccw(0x42, 0x4000, 0, 512))
    assert csw[4] == CE_DE | UNIT_CHECK
    # Write after a read Locate
    csw = bench.run(ccw(0x63, ext, CC, 16), ccw(0x43, loc, CC, 8), ccw(0x41, 0x4000, 0, 512))
    assert csw[4] == CE_DE | UNIT_CHECK
    # a second Define Extent
    csw = bench.run(ccw(0x63, ext, CC, 16), ccw(0x63, ext, 0, 16))
    assert csw[4] == CE_DE | UNIT_CHECK


def test_read_ipl_then_read(bench: Bench) -> None:
    csw = bench.run(ccw(0x02, 0x4000, CC | SLI, 24), ccw(0x42, 0x4100, 0, 1024))
    assert csw[4:] == bytes([CE_DE, 0, 0, 0])
    assert bench.machine.read(0x4000, 24) == bytes(24)
    assert bench.machine.read(0x4100, 1024) == bytes([1]) * 512 + bytes([2]) * 512


def test_read_only_store() -> None:
    bench = Bench(FbaDevice(MemoryBlockStore(MODEL_3310, blocks=100, read_only=True)), 0x200)
    ext, loc = setup_args(bench, extent(0xC0, 0, 0, 9), locate(0x01, 1, 0))
    csw = bench.run(ccw(0x63, ext, CC, 16), ccw(0x43, loc, CC, 8), ccw(0x41, 0x4000, 0, 512))
    assert csw[4] == CE_DE | UNIT_CHECK


def test_sense_id_and_characteristics(bench: Bench) -> None:
    bench.run(ccw(0xE4, 0x4000, CC, 7), ccw(0x64, 0x4100, 0, 32))
    assert bench.machine.read(0x4000, 7).hex() == "ff388001337000"
    rdc = bench.machine.read(0x4100, 32)
    assert rdc[:4] == bytes([0x30, 0x08, 0x21, 0x02])
    assert rdc[4:6] == (512).to_bytes(2, "big") and rdc[14:18] == (1000).to_bytes(4, "big")
    small = Bench(FbaDevice(MemoryBlockStore(MODEL_3310, blocks=100)), 0x201)
    small.run(ccw(0xE4, 0x4000, 0, 7))
    assert small.machine.read(0x4000, 7).hex() == "ff433101331001"


def test_invalid_command(bench: Bench) -> None:
    assert bench.run(ccw(0x06, 0x4000, 0, 512))[4] == CE_DE | UNIT_CHECK
