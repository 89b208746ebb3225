"""The block device under the CMS file system, and CMS R6 block addressing on CKD.

The file system reads and writes whole 800-byte CMS blocks through ``BlockDevice``.
The CMS guest implements it with DIAGNOSE X'18' channel programs on a virtual CKD
minidisk (Seek, Set Sector, Search ID Equal, TIC *-8, Read/Write Data: reference/
dasd.md 4.4); tests use ``MemoryBlockDevice``.

Block numbers start at 1 (0 means "no block"). Where a block lives on a CKD
minidisk is fixed by the device type (reference/dasd.md 5.1, 5.13):

- 2311, 3330, 3340, 3350: ``rpt`` keyless 800-byte records per track;
  block n is record ``(n-1) mod rpt + 1`` of track ``(n-1) div rpt``.
- 2314/2319: fifteen blocks per even/odd track pair, as 829-byte records:
  even track R1-R7 and R8 (first 414 bytes), odd track R8 (remaining 415 bytes)
  and R9-R15; block = first 800 bytes of its record.

``block_address`` gives the (cylinder, head, record) of the record holding a block
(for the 2314 block at position 8, the even-track R8 where it starts);
``block_records`` gives every record piece of a block, ``block_number`` is the
inverse and ``track_records`` the records FORMAT writes on a track. Cylinders are
minidisk-relative, as recorded in the count fields (dasd.md 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Protocol

from guests.cms.fs.errors import BlockIOError, UnsupportedDevice

__all__ = [
    "BLOCK_SIZE",
    "MAX_BLOCKS",
    "BlockDevice",
    "CmsGeometry",
    "MemoryBlockDevice",
    "RecordPiece",
    "block_address",
    "block_number",
    "block_records",
    "cms_geometry",
    "geometry_for_unit_code",
    "total_blocks",
    "track_records",
]

BLOCK_SIZE = 800
MAX_BLOCKS = 65531  # halfword block numbers; X'FFFD' and X'FFFF' are reserved (5.1)

_PAIR_BLOCKS = 15  # 2314: blocks per even/odd track pair (5.13)
_RECORD_2314 = 829  # 2314: physical record length; the block is its first 800 bytes
_SPLIT_EVEN = 414  # 2314: bytes of the position-8 record on the even track


@dataclass(frozen=True)
class CmsGeometry:
    """How CMS R6 lays 800-byte blocks on one CKD device type (dasd.md 5.1)."""

    name: str
    device_type: int  # X'3350'
    heads: int  # tracks per cylinder
    records_per_track: int  # 2314: 15 per track *pair*
    unit_code: int  # MFD byte 599
    track_pairs: bool = False  # the 2314/2319 variant (5.13)

    def blocks_per_cylinder(self) -> int:
        if self.track_pairs:
            return self.heads // 2 * self.records_per_track
        return self.heads * self.records_per_track


_GEOMETRIES = (
    CmsGeometry("2311", 0x2311, 10, 4, 0x01),
    CmsGeometry("2314", 0x2314, 20, _PAIR_BLOCKS, 0x08, track_pairs=True),
    CmsGeometry("2319", 0x2319, 20, _PAIR_BLOCKS, 0x08, track_pairs=True),
    CmsGeometry("3330", 0x3330, 19, 14, 0x09),
    CmsGeometry("3340", 0x3340, 12, 8, 0x0A),
    CmsGeometry("3350", 0x3350, 30, 19, 0x0B),
)
_BY_TYPE = {geometry.device_type: geometry for geometry in _GEOMETRIES}
_BY_UNIT = {geometry.unit_code: geometry for geometry in reversed(_GEOMETRIES)}


def cms_geometry(device_type: int) -> CmsGeometry:
    """The CMS layout of ``device_type`` (X'3350'); UnsupportedDevice otherwise."""
    try:
        return _BY_TYPE[device_type]
    except KeyError:
        raise UnsupportedDevice(device_type) from None


def geometry_for_unit_code(unit_code: int) -> CmsGeometry | None:
    """The device an MFD unit-type byte names, None if unknown."""
    return _BY_UNIT.get(unit_code)


def total_blocks(device_type: int, cylinders: int) -> int:
    """ADTNUM for a minidisk of ``cylinders`` cylinders (dasd.md 5.1)."""
    return min(cylinders * cms_geometry(device_type).blocks_per_cylinder(), MAX_BLOCKS)


class RecordPiece(NamedTuple):
    """Part of a block held in one CKD record, from data offset 0 of that record."""

    cylinder: int
    head: int
    record: int
    length: int  # bytes of the block in this record


def _check_block(block: int) -> None:
    if not 1 <= block <= MAX_BLOCKS:
        raise ValueError(f"block {block} outside 1-{MAX_BLOCKS}")


def block_records(device_type: int, block: int) -> tuple[RecordPiece, ...]:
    """The record pieces that hold ``block``, in order (two only for 2314 position 8)."""
    _check_block(block)
    geometry = cms_geometry(device_type)
    index = block - 1
    if not geometry.track_pairs:
        track, record = divmod(index, geometry.records_per_track)
        cylinder, head = divmod(track, geometry.heads)
        return (RecordPiece(cylinder, head, record + 1, BLOCK_SIZE),)
    pair, position = divmod(index, _PAIR_BLOCKS)
    record = position + 1
    even = 2 * pair
    cylinder, even_head = divmod(even, geometry.heads)
    if record < 8:
        return (RecordPiece(cylinder, even_head, record, BLOCK_SIZE),)
    if record > 8:
        return (RecordPiece(cylinder, even_head + 1, record, BLOCK_SIZE),)
    return (
        RecordPiece(cylinder, even_head, 8, _SPLIT_EVEN),
        RecordPiece(cylinder, even_head + 1, 8, BLOCK_SIZE - _SPLIT_EVEN),
    )


def block_address(device_type: int, block: int) -> tuple[int, int, int]:
    """(cylinder, head, record) of the record where ``block`` starts."""
    first = block_records(device_type, block)[0]
    return first.cylinder, first.head, first.record


def block_number(device_type: int, cylinder: int, head: int, record: int) -> int:
    """The block held (or begun) in record ``record`` of track (cylinder, head)."""
    geometry = cms_geometry(device_type)
    if cylinder < 0 or not 0 <= head < geometry.heads:
        raise ValueError(f"no track {cylinder}/{head} on a {geometry.name}")
    track = cylinder * geometry.heads + head
    if not geometry.track_pairs:
        if not 1 <= record <= geometry.records_per_track:
            raise ValueError(f"no record {record} on a {geometry.name} track")
        block = track * geometry.records_per_track + record
    else:
        low, high = (1, 8) if track % 2 == 0 else (8, _PAIR_BLOCKS)
        if not low <= record <= high:
            raise ValueError(f"no record {record} on {geometry.name} track {track}")
        block = track // 2 * _PAIR_BLOCKS + record
    _check_block(block)
    return block


def track_records(device_type: int, head: int) -> tuple[tuple[int, int], ...]:
    """(record number, data length) of every record FORMAT writes on a track."""
    geometry = cms_geometry(device_type)
    if not geometry.track_pairs:
        return tuple((record, BLOCK_SIZE) for record in range(1, geometry.records_per_track + 1))
    if head % 2 == 0:
        return tuple((record, _RECORD_2314) for record in range(1, 8)) + ((8, _SPLIT_EVEN),)
    return ((8, _RECORD_2314 - _SPLIT_EVEN),) + tuple(
        (record, _RECORD_2314) for record in range(9, _PAIR_BLOCKS + 1)
    )


class BlockDevice(Protocol):
    """800-byte CMS blocks of one minidisk, numbered from 1.

    Implementations raise ``BlockIOError`` when a block cannot be read or written
    (the I/O failed or the block is beyond the minidisk); a write of one block is
    all-or-nothing. Reading a block never written returns zeros.
    """

    @property
    def device_type(self) -> int: ...  # X'3350'

    @property
    def cylinders(self) -> int: ...  # cylinders of the minidisk

    @property
    def read_only(self) -> bool: ...  # the link is read-only

    def read_block(self, block: int) -> bytes: ...

    def write_block(self, block: int, data: bytes) -> None: ...


class MemoryBlockDevice:
    """A ``BlockDevice`` held in a dict (tests, scratch disks)."""

    def __init__(self, device_type: int, cylinders: int, *, read_only: bool = False) -> None:
        geometry = cms_geometry(device_type)
        self._device_type = device_type
        self._cylinders = cylinders
        self.raw_blocks = cylinders * geometry.blocks_per_cylinder()
        self.read_only = read_only
        self.blocks: dict[int, bytes] = {}
        self.writes = 0

    @property
    def device_type(self) -> int:
        return self._device_type

    @property
    def cylinders(self) -> int:
        return self._cylinders

    def _check(self, block: int) -> None:
        if not 1 <= block <= self.raw_blocks:
            raise BlockIOError(f"block {block} outside the minidisk")

    def read_block(self, block: int) -> bytes:
        self._check(block)
        return self.blocks.get(block, bytes(BLOCK_SIZE))

    def write_block(self, block: int, data: bytes) -> None:
        self._check(block)
        if self.read_only:
            raise BlockIOError(f"block {block}: write to a read-only minidisk")
        if len(data) != BLOCK_SIZE:
            raise BlockIOError(f"block {block}: {len(data)} bytes, not {BLOCK_SIZE}")
        self.blocks[block] = bytes(data)
        self.writes += 1
