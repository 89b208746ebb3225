"""Plain CKD volume images in Hercules' ``CKD_P370`` format.

Models reference/dasd.md sections 2.1-2.3: a 512-byte little-endian device
header, then one fixed-size slot per track (track ``CC * heads + HH`` at
``512 + t * trksize``), each holding a track image.

Images are created to size as sparse files.  A slot that was never written
reads as zeros, and this layer presents it as a freshly initialised track
(home address, standard R0, no records), so a volume costs disk space only
where it was written; :func:`export_plain` materialises every track for tools
that expect a fully written image.

Durability: every track write is one ``os.pwrite`` of the whole slot, done
before the call returns, so a killed or crashed server process loses nothing
already written and never leaves a half-written track behind (the kernel holds
the whole write).  Only a power loss or kernel crash before the page cache
reaches the disk can lose or tear a recent write; ``SyncPolicy.WRITE`` adds an
``fsync`` per write against that (off by default).  Every image read back is
validated, so a torn track whose structure no longer holds is refused as an
invalid track format instead of being misread.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from server.dasd.errors import DasdError, Fault, ImageFormatError
from server.dasd.fileio import SyncPolicy, pwrite_all, zero_range
from server.dasd.geometry import CkdGeometry, ckd_geometry_for_image
from server.dasd.track import Record, Track, image_length, null_track_image

__all__ = [
    "CKD_MAGIC",
    "DEVICE_HEADER_LENGTH",
    "CkdImage",
    "DeviceHeader",
    "SyncPolicy",
    "export_plain",
]

CKD_MAGIC = b"CKD_P370"
DEVICE_HEADER_LENGTH = 512


@dataclass(frozen=True)
class DeviceHeader:
    """The 512-byte Hercules device header (reference/dasd.md 2.1), little-endian."""

    devid: bytes
    heads: int
    trksize: int
    devtyp: int
    fileseq: int = 0
    highcyl: int = 0

    def pack(self) -> bytes:
        head = (
            self.devid
            + self.heads.to_bytes(4, "little")
            + self.trksize.to_bytes(4, "little")
            + bytes([self.devtyp, self.fileseq])
            + self.highcyl.to_bytes(2, "little")
        )
        return head.ljust(DEVICE_HEADER_LENGTH, b"\x00")

    @classmethod
    def unpack(cls, data: bytes) -> DeviceHeader:
        if len(data) < 20:
            raise ImageFormatError("file is shorter than a device header")
        return cls(
            devid=bytes(data[0:8]),
            heads=int.from_bytes(data[8:12], "little"),
            trksize=int.from_bytes(data[12:16], "little"),
            devtyp=data[16],
            fileseq=data[17],
            highcyl=int.from_bytes(data[18:20], "little"),
        )


class CkdImage:
    """An open plain CKD image: whole-track and record access by real address."""

    def __init__(
        self,
        path: Path,
        descriptor: int,
        geometry: CkdGeometry,
        cylinders: int,
        header: DeviceHeader,
        *,
        read_only: bool = False,
        sync: SyncPolicy = SyncPolicy.NONE,
    ) -> None:
        self.path = path
        self.geometry = geometry
        self.cylinders = cylinders
        self.heads = header.heads
        self.trksize = header.trksize
        self.read_only = read_only
        self.sync = sync
        self._descriptor = descriptor
        self._zero_slot = bytes(self.trksize)

    # -- creating and opening -------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        geometry: CkdGeometry,
        cylinders: int | None = None,
        *,
        sync: SyncPolicy = SyncPolicy.NONE,
    ) -> CkdImage:
        """Create a new sparse image (refuses an existing file); every track reads null."""
        size = geometry.total_cylinders if cylinders is None else cylinders
        if not 0 < size <= 0x7FFF:
            raise ValueError(f"cylinder count out of range: {size}")
        header = DeviceHeader(CKD_MAGIC, geometry.heads, geometry.track_slot, geometry.devtyp)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.ftruncate(descriptor, DEVICE_HEADER_LENGTH + size * geometry.heads * header.trksize)
            pwrite_all(descriptor, header.pack(), 0, sync)
        except BaseException:
            os.close(descriptor)
            path.unlink(missing_ok=True)
            raise
        return cls(path, descriptor, geometry, size, header, sync=sync)

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        read_only: bool = False,
        sync: SyncPolicy = SyncPolicy.NONE,
        geometry: CkdGeometry | None = None,
    ) -> CkdImage:
        """Open an existing image; the model comes from the header unless ``geometry`` is given."""
        descriptor = os.open(path, os.O_RDONLY if read_only else os.O_RDWR)
        try:
            header = DeviceHeader.unpack(os.pread(descriptor, DEVICE_HEADER_LENGTH, 0))
            cylinders = _check_plain(path, header, os.fstat(descriptor).st_size)
            model = geometry or ckd_geometry_for_image(header.devtyp, cylinders)
            if model is None:
                raise ImageFormatError(f"{path}: unknown CKD device type X'{header.devtyp:02X}'")
            if model.heads != header.heads or model.devtyp != header.devtyp:
                raise ImageFormatError(f"{path}: the image is not a {model.name}")
        except BaseException:
            os.close(descriptor)
            raise
        return cls(path, descriptor, model, cylinders, header, read_only=read_only, sync=sync)

    def close(self) -> None:
        if self._descriptor >= 0:
            os.close(self._descriptor)
            self._descriptor = -1

    def __enter__(self) -> CkdImage:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- addressing -----------------------------------------------------------

    @property
    def tracks(self) -> int:
        return self.cylinders * self.heads

    def track_number(self, cylinder: int, head: int) -> int:
        """Relative track of a real CC/HH; DasdError(OUTSIDE_EXTENT) beyond the volume."""
        if not (0 <= cylinder < self.cylinders and 0 <= head < self.heads):
            raise DasdError(
                Fault.OUTSIDE_EXTENT,
                f"cylinder {cylinder} head {head} is outside the volume "
                f"({self.cylinders} cylinders, {self.heads} heads)",
            )
        return cylinder * self.heads + head

    def _offset(self, track: int) -> int:
        return DEVICE_HEADER_LENGTH + track * self.trksize

    # -- whole tracks ---------------------------------------------------------

    def read_slot(self, cylinder: int, head: int) -> bytes:
        """The raw slot bytes of a track (all zeros when never written)."""
        track = self.track_number(cylinder, head)
        return os.pread(self._descriptor, self.trksize, self._offset(track))

    def is_written(self, cylinder: int, head: int) -> bool:
        """False while the track's slot is all zeros (never written)."""
        return self.read_slot(cylinder, head) != self._zero_slot

    def data_tracks(self) -> set[int]:
        """Relative tracks whose slots may hold data: all but those lying wholly in holes
        of the sparse file (every track where the filesystem cannot say)."""
        found: set[int] = set()
        end = self._offset(self.tracks)
        position = DEVICE_HEADER_LENGTH
        while position < end:
            try:
                start = os.lseek(self._descriptor, position, os.SEEK_DATA)
            except OSError as error:
                if error.errno == errno.ENXIO:  # no data after position
                    break
                return set(range(self.tracks))  # SEEK_DATA not supported here
            stop = min(os.lseek(self._descriptor, start, os.SEEK_HOLE), end)
            first = max(0, (start - DEVICE_HEADER_LENGTH) // self.trksize)
            last = min((stop - DEVICE_HEADER_LENGTH - 1) // self.trksize, self.tracks - 1)
            found.update(range(first, last + 1))
            position = max(stop, start + 1)
        return found

    def read_track_image(self, cylinder: int, head: int, r0_cylinder: int | None = None) -> bytes:
        """The track image (HA ... end marker) at a real address, as stored.

        A never-written track reads as a null track whose R0 count carries
        ``r0_cylinder`` (default: the real cylinder).
        """
        slot = self.read_slot(cylinder, head)
        if slot == self._zero_slot:
            return null_track_image(cylinder, head, r0_cylinder)
        return slot[: image_length(slot)]

    def read_track(self, cylinder: int, head: int, r0_cylinder: int | None = None) -> Track:
        """The parsed track at a real address (see :meth:`read_track_image`)."""
        slot = self.read_slot(cylinder, head)
        if slot == self._zero_slot:
            return Track.null(cylinder, head, r0_cylinder)
        return Track.parse(slot)

    def write_track(self, cylinder: int, head: int, track: Track) -> None:
        """Write a whole track at a real address in one positioned write.

        The home address is always the real address (as Hercules discards Write
        Home Address data); DasdError(INVALID_TRACK_FORMAT) when the image would
        not fit the track slot.
        """
        track.cylinder, track.head = cylinder, head
        self.write_track_image(cylinder, head, track.image())

    def write_track_image(self, cylinder: int, head: int, image: bytes) -> None:
        """Write a whole track image (validated; bytes after its end marker are dropped)
        at a real address, padded to the slot, with the real address as home address."""
        number = self.track_number(cylinder, head)
        if self.read_only:
            raise DasdError(Fault.WRITE_INHIBITED, f"{self.path.name} is open read-only")
        if len(image) > self.trksize:
            raise DasdError(
                Fault.INVALID_TRACK_FORMAT,
                f"track image of {len(image)} bytes exceeds the {self.trksize}-byte track slot",
            )
        length = image_length(image)  # never store a structurally invalid track
        slot = bytes(image[:1]) + cylinder.to_bytes(2, "big") + head.to_bytes(2, "big")
        slot += bytes(image[5:length]) + bytes(self.trksize - length)
        pwrite_all(self._descriptor, slot, self._offset(number), self.sync)

    def clear_tracks(self, first: int, count: int) -> None:
        """Return relative tracks ``first`` ... ``first + count - 1`` to the never-written
        state (the space is freed where the filesystem allows)."""
        if first < 0 or count < 0 or first + count > self.tracks:
            raise DasdError(Fault.OUTSIDE_EXTENT, f"tracks {first}+{count} outside the volume")
        if self.read_only:
            raise DasdError(Fault.WRITE_INHIBITED, f"{self.path.name} is open read-only")
        zero_range(self._descriptor, self._offset(first), count * self.trksize, self.sync)

    # -- records --------------------------------------------------------------

    def read_record(self, cylinder: int, head: int, number: int) -> Record:
        """Record ``number`` (by R, whatever its recorded CCHH) of a real track."""
        return self.read_track(cylinder, head).record(number)

    def read_record_by_id(self, cylinder: int, head: int, ident: bytes) -> Record:
        """The record whose recorded CCHHR equals ``ident`` on a real track."""
        return self.read_track(cylinder, head).record_by_id(ident)

    def update_record(
        self, cylinder: int, head: int, number: int, data: bytes, key: bytes | None = None
    ) -> None:
        """Rewrite data (and key) of an existing record in place (see :meth:`Track.update`)."""
        track = self.read_track(cylinder, head)
        track.update(number, data, key)
        self.write_track(cylinder, head, track)

    def write_record_after(self, cylinder: int, head: int, number: int, record: Record) -> None:
        """Write CKD: ``record`` after record ``number``, the rest of the track erased."""
        track = self.read_track(cylinder, head)
        track.write_record_after(number, record)
        self.write_track(cylinder, head, track)

    def flush(self) -> None:
        """Force everything written so far to stable storage."""
        os.fsync(self._descriptor)


def _check_plain(path: Path, header: DeviceHeader, size: int) -> int:
    """The cylinder count of a plain image, after checking its header and size."""
    if header.devid != CKD_MAGIC:
        raise ImageFormatError(f"{path}: not a plain CKD image (devid {header.devid!r})")
    if header.fileseq != 0 or header.highcyl != 0:
        raise ImageFormatError(f"{path}: multi-file CKD images are not supported")
    if header.heads == 0 or header.trksize == 0:
        raise ImageFormatError(f"{path}: device header has zero heads or track size")
    cylinder_bytes = header.heads * header.trksize
    body = size - DEVICE_HEADER_LENGTH
    if body <= 0 or body % cylinder_bytes:
        raise ImageFormatError(f"{path}: size {size} is not a whole number of cylinders")
    return body // cylinder_bytes


def export_plain(image: CkdImage, path: Path) -> None:
    """Write ``image`` to a new plain CKD file with every track materialised."""
    header = DeviceHeader(CKD_MAGIC, image.heads, image.trksize, image.geometry.devtyp)
    padding = bytes(image.trksize)
    written = image.data_tracks()
    with open(path, "xb") as output:
        output.write(header.pack())
        for number in range(image.tracks):
            cylinder, head = divmod(number, image.heads)
            if number in written:
                track = image.read_track_image(cylinder, head)
            else:
                track = null_track_image(cylinder, head)
            output.write(track + padding[len(track) :])
