"""Hercules compressed images (``CKD_C370``, ``FBA_C370``): reading, import and export.

Models reference/dasd.md section 2.4: the device header (2.1), the compressed
device header at offset 512, the L1 table at 1024 (one entry per 256 tracks),
L2 tables of 256 eight-byte entries (offset, length, size), null tracks of
formats 0, 1 and 2, and stored track images whose home address stays
uncompressed while the rest is a zlib (RFC 1950) or bzip2 stream.  Compressed
FBA images group 120 blocks per "track" (2.5).

Import turns a compressed CKD image into a plain sparse one (:mod:`.ckd`),
leaving every track that is a freshly initialised null track unwritten.
:func:`export_cckd` writes the compact form a reader of section 2.4.6
expects: header, L1, L2 tables and track images back to back, no free space.
Shadow files and the 64-bit ``*_C064`` variants are refused.
"""

from __future__ import annotations

import bz2
import os
import zlib
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Literal

from server.dasd.ckd import DEVICE_HEADER_LENGTH, CkdImage, DeviceHeader
from server.dasd.errors import ImageFormatError
from server.dasd.geometry import FBA_BLOCK_SIZE, CkdGeometry, ckd_geometry_for_image
from server.dasd.track import Record, Track

__all__ = [
    "CKD_COMPRESSED_MAGIC",
    "FBA_COMPRESSED_MAGIC",
    "FBA_GROUP_BLOCKS",
    "CompressedHeader",
    "CompressedImage",
    "Compression",
    "export_cckd",
    "import_cckd",
    "null_track",
]

CKD_COMPRESSED_MAGIC = b"CKD_C370"
FBA_COMPRESSED_MAGIC = b"FBA_C370"
FBA_GROUP_BLOCKS = 120
_COMPRESSED_HEADER_AT = 512
_L1_AT = 1024
_L2_ENTRIES = 256
_L2_ENTRY = 8
_OPT_BIG_ENDIAN = 0x02
_OPT_NO_FUDGE = 0x01


class Compression(IntEnum):
    """Compression code in byte 0 of a stored track image (dasd.md 2.4.4)."""

    NONE = 0
    ZLIB = 1
    BZIP2 = 2


@dataclass
class CompressedHeader:
    """The compressed device header (dasd.md 2.4.1)."""

    numl1: int
    cylinders: int  # CKD: cylinders; CFBA: blocks
    nullfmt: int = 0
    compression: int = 0
    options: int = _OPT_NO_FUDGE
    size: int = 0
    numl2: int = _L2_ENTRIES
    compression_parameter: int = -1

    @property
    def byteorder(self) -> Literal["little", "big"]:
        return "big" if self.options & _OPT_BIG_ENDIAN else "little"

    @classmethod
    def unpack(cls, data: bytes) -> CompressedHeader:
        if len(data) < 48:
            raise ImageFormatError("compressed header is truncated")
        order: Literal["little", "big"] = "big" if data[3] & _OPT_BIG_ENDIAN else "little"

        def word(offset: int) -> int:
            return int.from_bytes(data[offset : offset + 4], order)

        return cls(
            numl1=word(4),
            numl2=word(8),
            size=word(12),
            cylinders=word(40),
            nullfmt=data[44],
            compression=data[45],
            options=data[3],
            compression_parameter=int.from_bytes(data[46:48], order, signed=True),
        )

    def pack(self) -> bytes:
        def word(value: int) -> bytes:
            return value.to_bytes(4, "little")

        head = bytes([0, 3, 1, self.options & ~_OPT_BIG_ENDIAN]) + word(self.numl1)
        head += word(self.numl2) + word(self.size) + word(self.size) + bytes(20)
        head += word(self.cylinders) + bytes([self.nullfmt, self.compression])
        head += self.compression_parameter.to_bytes(2, "little", signed=True)
        return head.ljust(512, b"\x00")


def null_track(cylinder: int, head: int, nullfmt: int) -> bytes:
    """The image of a null track of format 0, 1 or 2 (dasd.md 2.4.3) at a real address."""
    track = Track.null(cylinder, head)
    if nullfmt == 0:
        track.records.append(Record(cylinder, head, 1))
    elif nullfmt == 2:
        track.records.extend(Record(cylinder, head, n, b"", bytes(4096)) for n in range(1, 13))
    elif nullfmt != 1:
        raise ImageFormatError(f"unknown null track format {nullfmt}")
    return track.image()


def _decompress(stored: bytes, what: str) -> bytes:
    code = stored[0]
    if code & ~0x03:
        raise ImageFormatError(f"{what}: bad compression byte X'{code:02X}'")
    body = stored[5:]
    try:
        if code == Compression.ZLIB:
            body = zlib.decompress(body)
        elif code == Compression.BZIP2:
            body = bz2.decompress(body)
        elif code != Compression.NONE:
            raise ImageFormatError(f"{what}: unknown compression {code}")
    except (zlib.error, OSError, ValueError) as error:
        raise ImageFormatError(f"{what}: cannot decompress: {error}") from error
    return b"\x00" + stored[1:5] + body


class CompressedImage:
    """A Hercules compressed base image opened for reading."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with open(path, "rb") as handle:
            head = handle.read(_L1_AT)
        self.header = DeviceHeader.unpack(head[:DEVICE_HEADER_LENGTH])
        if self.header.devid not in (CKD_COMPRESSED_MAGIC, FBA_COMPRESSED_MAGIC):
            raise ImageFormatError(f"{path}: not a compressed base image ({self.header.devid!r})")
        self.compressed = CompressedHeader.unpack(head[_COMPRESSED_HEADER_AT:])
        if self.compressed.numl2 != _L2_ENTRIES:
            raise ImageFormatError(f"{path}: {self.compressed.numl2} L2 entries, expected 256")
        self._file = open(path, "rb")  # noqa: SIM115 - closed by close()
        order = self.compressed.byteorder
        raw = self._read(_L1_AT, 4 * self.compressed.numl1)
        self._l1 = [int.from_bytes(raw[i : i + 4], order) for i in range(0, len(raw), 4)]
        self._l2_cache: dict[int, list[tuple[int, int, int]]] = {}

    @property
    def is_fba(self) -> bool:
        return self.header.devid == FBA_COMPRESSED_MAGIC

    @property
    def cylinders(self) -> int:
        """CKD: cylinders.  CFBA: blocks."""
        return self.compressed.cylinders

    @property
    def heads(self) -> int:
        return self.header.heads

    @property
    def tracks(self) -> int:
        """CKD tracks, or CFBA block groups."""
        if self.is_fba:
            return -(-self.cylinders // FBA_GROUP_BLOCKS)
        return self.cylinders * self.heads

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> CompressedImage:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _read(self, offset: int, length: int) -> bytes:
        data = os.pread(self._file.fileno(), length, offset)
        if len(data) != length:
            raise ImageFormatError(f"{self.path}: truncated at offset {offset}")
        return data

    def _entry(self, track: int) -> tuple[int, int, int]:
        group = track >> 8
        if group >= len(self._l1):
            raise ImageFormatError(f"{self.path}: track {track} beyond the L1 table")
        offset = self._l1[group]
        if offset == 0:
            return (0, self.compressed.nullfmt, self.compressed.nullfmt)
        if offset == 0xFFFFFFFF:
            raise ImageFormatError(f"{self.path}: L1 entry {group} points to a shadow file")
        table = self._l2_cache.get(group)
        if table is None:
            raw = self._read(offset, _L2_ENTRIES * _L2_ENTRY)
            order = self.compressed.byteorder
            table = [
                (
                    int.from_bytes(raw[i : i + 4], order),
                    int.from_bytes(raw[i + 4 : i + 6], order),
                    int.from_bytes(raw[i + 6 : i + 8], order),
                )
                for i in range(0, len(raw), _L2_ENTRY)
            ]
            self._l2_cache[group] = table
        return table[track & 0xFF]

    def stored(self, track: int) -> bytes | None:
        """The decompressed image of a stored track (or group), or None for a null one."""
        offset, length, _size = self._entry(track)
        if offset == 0:
            return None
        if offset == 0xFFFFFFFF:
            raise ImageFormatError(f"{self.path}: track {track} is in a shadow file")
        return _decompress(self._read(offset, length), f"{self.path} track {track}")

    def null_format(self, track: int) -> int:
        """The null format of an unstored track."""
        return self._entry(track)[1]

    def track_image(self, track: int) -> bytes:
        """The uncompressed image of CKD relative track ``track``, null tracks synthesised."""
        cylinder, head = divmod(track, self.heads)
        image = self.stored(track)
        if image is None:
            return null_track(cylinder, head, self.null_format(track))
        recorded = (int.from_bytes(image[1:3], "big"), int.from_bytes(image[3:5], "big"))
        if recorded != (cylinder, head):
            raise ImageFormatError(
                f"{self.path}: track {track} holds the image of cylinder {recorded[0]} "
                f"head {recorded[1]}"
            )
        return image

    def group_blocks(self, group: int) -> bytes:
        """The 120 blocks (61,440 bytes) of CFBA block group ``group``."""
        size = FBA_GROUP_BLOCKS * FBA_BLOCK_SIZE
        image = self.stored(group)
        if image is None:
            return bytes(size)
        return image[5 : 5 + size].ljust(size, b"\x00")


def import_cckd(source: Path, destination: Path, geometry: CkdGeometry | None = None) -> CkdImage:
    """Create plain sparse image ``destination`` from compressed CKD image ``source``."""
    with CompressedImage(source) as compressed:
        if compressed.is_fba:
            raise ImageFormatError(f"{source}: a compressed FBA image, not CKD")
        devtyp = compressed.header.devtyp
        model = geometry or ckd_geometry_for_image(devtyp, compressed.cylinders)
        if model is None:
            raise ImageFormatError(f"{source}: unknown device type X'{devtyp:02X}'")
        if compressed.header.trksize > model.track_slot or compressed.heads != model.heads:
            raise ImageFormatError(f"{source}: geometry does not match a {model.name}")
        image = CkdImage.create(destination, model, compressed.cylinders)
        try:
            for track in range(compressed.tracks):
                cylinder, head = divmod(track, compressed.heads)
                data = compressed.track_image(track)
                if data != null_track(cylinder, head, 1):
                    image.write_track_image(cylinder, head, data)
        except BaseException:
            image.close()
            destination.unlink(missing_ok=True)
            raise
        return image


def export_cckd(image: CkdImage, path: Path, compression: Compression = Compression.ZLIB) -> None:
    """Write ``image`` as a compact compressed CKD file (``dasdinit -z`` shape).

    Null format-1 tracks (HA + standard R0 at the real address) become L2 null
    entries; groups of 256 such tracks get an L1 entry of 0.
    """
    numl1 = -(-image.tracks // _L2_ENTRIES)
    stored: list[tuple[int, bytes | int]] = []
    written = image.data_tracks()
    for track in range(image.tracks):
        if track not in written:
            stored.append((track, 1))
            continue
        cylinder, head = divmod(track, image.heads)
        data = image.read_track_image(cylinder, head)
        null_format = _null_format(data, cylinder, head)
        stored.append((track, null_format if null_format >= 0 else _pack(data, compression)))
    groups = [stored[g * _L2_ENTRIES : (g + 1) * _L2_ENTRIES] for g in range(numl1)]
    position = _L1_AT + 4 * numl1
    l1: list[int] = []
    for group in groups:
        if all(data == 1 for _track, data in group):
            l1.append(0)
        else:
            l1.append(position)
            position += _L2_ENTRIES * _L2_ENTRY
    tables, images = _layout(groups, l1, position)
    size = position + sum(len(data) for data in images)
    header = DeviceHeader(CKD_COMPRESSED_MAGIC, image.heads, image.trksize, image.geometry.devtyp)
    compressed = CompressedHeader(
        numl1=numl1, cylinders=image.cylinders, nullfmt=1, compression=int(compression), size=size
    )
    with open(path, "xb") as output:
        output.write(header.pack() + compressed.pack())
        output.write(b"".join(entry.to_bytes(4, "little") for entry in l1))
        output.write(b"".join(tables))
        output.write(b"".join(images))


def _null_format(image: bytes, cylinder: int, head: int) -> int:
    """1 or 0 when ``image`` is a null track of that format (kept as an L2 entry), else -1."""
    if image == null_track(cylinder, head, 1):
        return 1
    return 0 if image == null_track(cylinder, head, 0) else -1


def _pack(image: bytes, compression: Compression) -> bytes:
    """A stored track image: HA uncompressed, the rest compressed when it is worth it."""
    if compression is Compression.NONE or len(image) < 512:
        return image
    body = image[5:]
    packed = zlib.compress(body) if compression is Compression.ZLIB else bz2.compress(body)
    return bytes([int(compression)]) + image[1:5] + packed


def _layout(
    groups: list[list[tuple[int, bytes | int]]], l1: list[int], position: int
) -> tuple[list[bytes], list[bytes]]:
    """L2 tables (for groups with an L1 entry) and the track images they point to."""
    tables: list[bytes] = []
    images: list[bytes] = []
    for group, entry in zip(groups, l1, strict=True):
        if entry == 0:
            continue
        table = bytearray(_L2_ENTRIES * _L2_ENTRY)
        for index, (_track, data) in enumerate(group):
            if isinstance(data, int):
                fields = (0, data, data)
            else:
                fields = (position, len(data), len(data))
                images.append(data)
                position += len(data)
            table[index * 8 : index * 8 + 8] = (
                fields[0].to_bytes(4, "little")
                + fields[1].to_bytes(2, "little")
                + fields[2].to_bytes(2, "little")
            )
        tables.append(bytes(table))
    return tables, images
