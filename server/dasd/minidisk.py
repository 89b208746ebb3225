"""Minidisk views: a cylinder extent of a CKD volume or a block extent of an FBA volume.

Models reference/dasd.md section 3.  The guest sees cylinder 0 (block 0) at the
extent's start; virtual cylinder v is real cylinder ``start + v`` with heads and
record layout unchanged.  Count fields are stored exactly as the guest writes
them, so on a minidisk they carry minidisk-relative cylinders and a Search ID
argument compares with them without translation.  The image keeps the real
track address in each home address (as a volume image must); the view presents
the virtual one, so Read Home Address and Search Home Address see the minidisk
as a device of its own (how R6 CP treats Search Home Address on minidisks is
unverified, reference/dasd.md 3).  A never-written track seen through a
minidisk reads as a fresh track whose R0 count carries the virtual cylinder, as
if the guest had formatted it.

:class:`CkdMinidisk` is the ``TrackStore`` and :class:`FbaMinidisk` the
``BlockStore`` of the devices in ``server/machine/devices``; a full pack is the
extent from cylinder (block) 0.

Every access outside the extent is refused with ``DasdError(Fault.OUTSIDE_EXTENT)``
(and every write through a read-only view with ``Fault.WRITE_INHIBITED``), which the
channel layer turns into the architected unit check and sense; :meth:`check`
returns the same error as a value without raising.
"""

from __future__ import annotations

from server.dasd.ckd import CkdImage
from server.dasd.errors import DasdError, Fault
from server.dasd.fba import FbaImage
from server.dasd.geometry import CkdGeometry, FbaGeometry
from server.dasd.track import Record, Track

__all__ = ["CkdMinidisk", "FbaMinidisk", "Minidisk"]


def _extent_error(what: str) -> DasdError:
    return DasdError(Fault.OUTSIDE_EXTENT, what)


class CkdMinidisk:
    """Cylinders ``start`` ... ``start + count - 1`` of a CKD volume as cylinders 0 ... count-1."""

    def __init__(self, image: CkdImage, start: int, count: int, *, read_only: bool = False):
        if start < 0 or count <= 0 or start + count > image.cylinders:
            raise _extent_error(
                f"extent {start}-{start + count - 1} does not lie within the "
                f"{image.cylinders} cylinders of {image.path.name}"
            )
        self.image = image
        self.start = start
        self.count = count
        self.read_only = read_only or image.read_only

    @property
    def geometry(self) -> CkdGeometry:
        return self.image.geometry

    @property
    def cylinders(self) -> int:
        return self.count

    @property
    def heads(self) -> int:
        return self.image.heads

    def check(self, cylinder: int, head: int) -> DasdError | None:
        """The error an access to virtual ``cylinder``/``head`` would raise, or None."""
        if 0 <= cylinder < self.count and 0 <= head < self.image.heads:
            return None
        return _extent_error(
            f"cylinder {cylinder} head {head} is outside the minidisk "
            f"({self.count} cylinders, {self.image.heads} heads)"
        )

    def real_cylinder(self, cylinder: int, head: int = 0) -> int:
        """The volume cylinder of virtual ``cylinder`` (checked together with ``head``)."""
        error = self.check(cylinder, head)
        if error is not None:
            raise error
        return self.start + cylinder

    def _writable(self) -> None:
        if self.read_only:
            raise DasdError(Fault.WRITE_INHIBITED, "the minidisk is linked read-only")

    def home_address(self, cylinder: int, head: int) -> bytes:
        """The 5 Home Address bytes F CC HH of a virtual track, as the guest sees them."""
        self.real_cylinder(cylinder, head)
        return b"\x00" + cylinder.to_bytes(2, "big") + head.to_bytes(2, "big")

    def read_track_image(self, cylinder: int, head: int) -> bytes:
        """The track image at a virtual address: home address virtual, records as recorded."""
        image = self.image.read_track_image(self.real_cylinder(cylinder, head), head, cylinder)
        return image[:1] + cylinder.to_bytes(2, "big") + image[3:]

    def write_track_image(self, cylinder: int, head: int, image: bytes) -> None:
        """Replace a whole track (one positioned write, done before the call returns)."""
        self._writable()
        self.image.write_track_image(self.real_cylinder(cylinder, head), head, image)

    def read_track(self, cylinder: int, head: int) -> Track:
        """The parsed track at a virtual address (see :meth:`read_track_image`)."""
        return Track.parse(self.read_track_image(cylinder, head))

    def write_track(self, cylinder: int, head: int, track: Track) -> None:
        """Write a whole track at a virtual address (one positioned write)."""
        self._writable()
        self.image.write_track(self.real_cylinder(cylinder, head), head, track)
        track.cylinder = cylinder

    def read_record(self, cylinder: int, head: int, number: int) -> Record:
        """Record ``number`` of a virtual track (DasdError NO_RECORD_FOUND if absent)."""
        return self.read_track(cylinder, head).record(number)

    def read_record_by_id(self, cylinder: int, head: int, ident: bytes) -> Record:
        """The record of a virtual track whose recorded CCHHR equals ``ident`` (5 bytes)."""
        return self.read_track(cylinder, head).record_by_id(ident)

    def update_record(
        self, cylinder: int, head: int, number: int, data: bytes, key: bytes | None = None
    ) -> None:
        """Rewrite data (and key) of an existing record in place, lengths unchanged."""
        self._writable()
        track = self.read_track(cylinder, head)
        track.update(number, data, key)
        self.write_track(cylinder, head, track)

    def write_record_after(self, cylinder: int, head: int, number: int, record: Record) -> None:
        """Write CKD on a virtual track: ``record`` after record ``number``, rest erased."""
        self._writable()
        track = self.read_track(cylinder, head)
        track.write_record_after(number, record)
        self.write_track(cylinder, head, track)

    def clear(self) -> None:
        """Return every track of the extent to the never-written state (T-disk release)."""
        self._writable()
        self.image.clear_tracks(self.start * self.heads, self.count * self.heads)


class FbaMinidisk:
    """Blocks ``start`` ... ``start + count - 1`` of an FBA volume as blocks 0 ... count-1."""

    def __init__(self, image: FbaImage, start: int, count: int, *, read_only: bool = False):
        if start < 0 or count <= 0 or start + count > image.blocks:
            raise _extent_error(
                f"extent {start}-{start + count - 1} does not lie within the "
                f"{image.blocks} blocks of {image.path.name}"
            )
        self.image = image
        self.start = start
        self.count = count
        self.read_only = read_only or image.read_only

    @property
    def geometry(self) -> FbaGeometry:
        return self.image.geometry

    @property
    def blocks(self) -> int:
        return self.count

    def check(self, first: int, count: int = 1) -> DasdError | None:
        """The error an access to ``count`` blocks from virtual ``first`` would raise, or None."""
        if first >= 0 and count >= 0 and first + count <= self.count:
            return None
        return _extent_error(
            f"blocks {first}-{first + count - 1} are outside the minidisk ({self.count} blocks)"
        )

    def real_block(self, block: int) -> int:
        """The volume block of virtual ``block``."""
        error = self.check(block)
        if error is not None:
            raise error
        return self.start + block

    def read_blocks(self, first: int, count: int = 1) -> bytes:
        """``count`` blocks from virtual block ``first``."""
        error = self.check(first, count)
        if error is not None:
            raise error
        return self.image.read_blocks(self.start + first, count)

    def write_blocks(self, first: int, data: bytes) -> None:
        """Write ``data`` from virtual block ``first``; a short last block is padded."""
        if self.read_only:
            raise DasdError(Fault.WRITE_INHIBITED, "the minidisk is linked read-only")
        error = self.check(first, -(-len(data) // 512))
        if error is not None:
            raise error
        self.image.write_blocks(self.start + first, data)

    def clear(self) -> None:
        """Zero every block of the extent (T-disk release)."""
        if self.read_only:
            raise DasdError(Fault.WRITE_INHIBITED, "the minidisk is linked read-only")
        self.image.clear_blocks(self.start, self.count)


Minidisk = CkdMinidisk | FbaMinidisk
