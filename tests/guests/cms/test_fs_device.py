"""CMS R6 block addressing on CKD devices (reference/dasd.md 5.1, 5.13)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guests.cms.fs.device import (
    BLOCK_SIZE,
    MAX_BLOCKS,
    MemoryBlockDevice,
    RecordPiece,
    block_address,
    block_number,
    block_records,
    cms_geometry,
    geometry_for_unit_code,
    total_blocks,
    track_records,
)
from guests.cms.fs.errors import BlockIOError, UnsupportedDevice

# (device type, records per track, heads, unit code) from dasd.md 5.1 and 1.2
R6_DEVICES = [
    (0x2311, 4, 10, 0x01),
    (0x3330, 14, 19, 0x09),
    (0x3340, 8, 12, 0x0A),
    (0x3350, 19, 30, 0x0B),
]


@pytest.mark.parametrize(
    ("device", "block", "address"),
    [
        (0x3350, 4000, (7, 0, 10)),  # the worked example of 5.1
        (0x3350, 1, (0, 0, 1)),
        (0x3350, 19, (0, 0, 19)),
        (0x3350, 20, (0, 1, 1)),
        (0x3350, 570, (0, 29, 19)),  # last block of cylinder 0 (1 cyl = 570 blocks)
        (0x3350, 571, (1, 0, 1)),
        (0x3330, 14, (0, 0, 14)),
        (0x3330, 15, (0, 1, 1)),
        (0x3330, 14 * 19 + 1, (1, 0, 1)),
        (0x3340, 9, (0, 1, 1)),
        (0x2311, 41, (1, 0, 1)),
        # 2314: 15 blocks per even/odd track pair (5.13)
        (0x2314, 1, (0, 0, 1)),
        (0x2314, 7, (0, 0, 7)),
        (0x2314, 8, (0, 0, 8)),
        (0x2314, 9, (0, 1, 9)),
        (0x2314, 15, (0, 1, 15)),
        (0x2314, 16, (0, 2, 1)),
        (0x2314, 150, (0, 19, 15)),
        (0x2314, 151, (1, 0, 1)),
        (0x2319, 23, (0, 2, 8)),
    ],
)
def test_block_address_table(device: int, block: int, address: tuple[int, int, int]) -> None:
    assert block_address(device, block) == address
    assert block_number(device, *address) == block


def test_2314_position_8_spans_the_track_pair() -> None:
    assert block_records(0x2314, 8) == (RecordPiece(0, 0, 8, 414), RecordPiece(0, 1, 8, 386))
    assert block_records(0x2314, 23) == (RecordPiece(0, 2, 8, 414), RecordPiece(0, 3, 8, 386))
    assert block_number(0x2314, 0, 1, 8) == 8  # the odd-track half names the same block
    assert block_records(0x2314, 9) == (RecordPiece(0, 1, 9, BLOCK_SIZE),)


def test_track_records_2314_is_829_byte_records_split_at_r8() -> None:
    even, odd = track_records(0x2314, 0), track_records(0x2314, 1)
    assert even == tuple((r, 829) for r in range(1, 8)) + ((8, 414),)
    assert odd == ((8, 415),) + tuple((r, 829) for r in range(9, 16))
    assert sum(length for _, length in even + odd) == 15 * 829


@pytest.mark.parametrize(("device", "rpt", "heads", "unit"), R6_DEVICES)
def test_track_records_and_unit_codes(device: int, rpt: int, heads: int, unit: int) -> None:
    assert track_records(device, 3) == tuple((r, BLOCK_SIZE) for r in range(1, rpt + 1))
    geometry = cms_geometry(device)
    assert (geometry.heads, geometry.unit_code) == (heads, unit)
    assert geometry_for_unit_code(unit) == geometry


@pytest.mark.parametrize(
    ("device", "cylinders", "blocks"),
    [
        (0x3350, 1, 570),  # observed
        (0x3350, 70, 39900),  # observed
        (0x3350, 115, 65531),  # observed: 65,550 raw blocks capped at X'FFFB'
        (0x3330, 10, 2660),
        (0x2314, 2, 300),
        (0x3340, 3, 288),
    ],
)
def test_total_blocks(device: int, cylinders: int, blocks: int) -> None:
    assert total_blocks(device, cylinders) == blocks


@given(
    st.sampled_from([0x2311, 0x2314, 0x3330, 0x3340, 0x3350]),
    st.integers(min_value=1, max_value=MAX_BLOCKS),
)
def test_block_number_inverts_block_records(device: int, block: int) -> None:
    pieces = block_records(device, block)
    assert sum(piece.length for piece in pieces) == BLOCK_SIZE
    for piece in pieces:
        assert block_number(device, piece.cylinder, piece.head, piece.record) == block
        assert piece.head < cms_geometry(device).heads


def test_addresses_are_dense_and_in_order() -> None:
    for device in (0x3350, 0x2314):
        seen = [block_address(device, n) for n in range(1, 1000)]
        assert len(set(seen)) == len(seen)
        tracks = [c * 30 + h for c, h, _ in seen]
        assert tracks == sorted(tracks)


def test_bad_addresses_and_devices() -> None:
    with pytest.raises(UnsupportedDevice):
        cms_geometry(0x3380)
    with pytest.raises(ValueError):
        block_address(0x3350, 0)
    with pytest.raises(ValueError):
        block_number(0x3350, 0, 30, 1)
    with pytest.raises(ValueError):
        block_number(0x3350, 0, 0, 20)
    with pytest.raises(ValueError):
        block_number(0x2314, 0, 0, 9)  # R9 lives on the odd track
    with pytest.raises(ValueError):
        block_number(0x2314, 0, 1, 7)


def test_memory_device() -> None:
    device = MemoryBlockDevice(0x3350, 1)
    assert device.read_block(570) == bytes(BLOCK_SIZE)
    device.write_block(7, b"\x01" * BLOCK_SIZE)
    assert device.read_block(7) == b"\x01" * BLOCK_SIZE and device.writes == 1
    for bad in (0, 571):
        with pytest.raises(BlockIOError):
            device.read_block(bad)
    with pytest.raises(BlockIOError):
        device.write_block(8, b"short")
    device.read_only = True
    with pytest.raises(BlockIOError):
        device.write_block(8, bytes(BLOCK_SIZE))
