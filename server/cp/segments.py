"""Named segments: DEFSEG, SAVESEG, QUERY NSS, and what DIAGNOSE X'64' loads.

VM/370 Release 6 defined named (discontiguous saved) segments in DMKSNT and
saved them with SAVESYS; it has no command to define one. vm370 uses the
class E forms z/VM gives for the same job:

* ``DEFSEG name hexpage1-hexpage2 SR|EW`` defines the segment's pages (a
  skeleton: nothing saved yet); SR is shared and read-only once loaded, EW
  exclusive (each loader gets a writable copy);
* ``SAVESEG name`` saves those pages of the issuing virtual machine;
* ``QUERY NSS`` lists the named saved systems and segments.

A segment lives in ``<data dir>/savesys/NAME.seg``: a 4 KB information page
(``NAMEDSEG``, the start address and length as fullwords, the type, and a
saved flag), then its pages. It is vm370's exchange format for segments
(``vm370 savesys export/import`` move it), as ``.nss`` is for saved systems.

DIAGNOSE X'64' (System Programmer's Guide GC20-1807-7, "DIAGNOSE Code X'64'"):
Rx = the address of the 8-character name (doubleword aligned), Ry = subcode
0 LOADSYS shared, 4 LOADSYS non-shared, 8 PURGESYS, X'C' FINDSYS.
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass

from server.cp.savesys import SaveFolder
from server.machine import Machine

log = logging.getLogger(__name__)

INFO_PAGE = 4096
PAGE = 4096
MAGIC = b"NAMEDSEG"
TYPES = ("SR", "EW")
BLOCK = 2048
NO_SUCH_SEGMENT = 44
CODEPAGE = "cp037"


class SegmentError(Exception):
    """A named segment that cannot be defined, saved or read."""


@dataclass
class Segment:
    """One named segment: where it goes, its type, and (once saved) its pages."""

    name: str
    start: int  # byte address, on a page
    length: int  # bytes, whole pages
    kind: str  # SR or EW
    pages: bytes | None = None  # None: defined (a skeleton), not saved

    @property
    def end(self) -> int:
        """The segment's highest address."""
        return self.start + self.length - 1

    @property
    def shared(self) -> bool:
        return self.kind == "SR"

    def pack(self) -> bytes:
        info = bytearray(INFO_PAGE)
        info[0:8] = MAGIC
        struct.pack_into(">II2sB", info, 8, self.start, self.length, self.kind.encode(), 1
                         if self.pages is not None else 0)
        return bytes(info) + (self.pages or b"")

    @classmethod
    def unpack(cls, name: str, data: bytes) -> Segment:
        if len(data) < INFO_PAGE or data[0:8] != MAGIC:
            raise SegmentError("not a named segment: no NAMEDSEG information page")
        start, length, kind, saved = struct.unpack_from(">II2sB", data, 8)
        pages = data[INFO_PAGE:]
        text = kind.decode(errors="replace")
        if start % PAGE or length % PAGE or not length or text not in TYPES:
            raise SegmentError("the information page of the segment is not valid")
        if saved and len(pages) != length:
            raise SegmentError(f"the segment has {len(pages)} bytes of pages, not {length}")
        return cls(name.upper(), start, length, text, pages if saved else None)


def parse_range(text: str) -> tuple[int, int]:
    """``hexpage1-hexpage2`` as (start address, length in bytes); ValueError if bad."""
    first, _, last = text.partition("-")
    low, high = int(first, 16), int(last or first, 16)
    if not 0 <= low <= high <= 0xFFF:
        raise ValueError(text)
    return low * PAGE, (high - low + 1) * PAGE


class Segments(SaveFolder):
    """The named segments of an installation (``<data dir>/savesys/*.seg``)."""

    suffix = ".seg"
    kind = "segment"
    error = SegmentError

    def get(self, name: str) -> Segment | None:
        """The segment of that name (defined or saved), or None."""
        try:
            path = self.path(name)
        except SegmentError:
            return None
        if not path.exists():
            return None
        return Segment.unpack(name, path.read_bytes())

    def put(self, segment: Segment) -> None:
        self.write(segment.name, segment.pack())


@dataclass
class Attached:
    """A segment loaded into one virtual machine by LOADSYS."""

    segment: Segment
    shared: bool


class SegmentLinkage:
    """DIAGNOSE X'64' for one virtual machine: the segments it has loaded.

    A segment is loaded at its saved address: within the machine's storage it
    replaces what was there; above it, its pages become addressable (and stop
    being so at PURGESYS), as CP attached them past a virtual machine's size.
    Loaded shared (subcode 0) an SR segment is read-only to the guest (a store
    is a protection exception). Loading ends with PURGESYS, IPL, and SYSTEM
    CLEAR or DEFINE STORAGE (a new machine)."""

    def __init__(self, segments: Segments) -> None:
        self.segments = segments
        self.attached: dict[str, Attached] = {}
        self.machine: Machine | None = None

    def _current(self, machine: Machine) -> dict[str, Attached]:
        if machine is not self.machine:  # IPL, SYSTEM RESET/CLEAR: a new machine
            self.machine, self.attached = machine, {}
        return self.attached

    def _protect(self, machine: Machine) -> None:
        """Shared segments read-only; segments above the machine's size addressable."""
        readonly: set[int] = set()
        extra: set[int] = set()
        limit = machine.storage.size // BLOCK
        for attached in self.attached.values():
            segment = attached.segment
            blocks = range(segment.start // BLOCK, (segment.end + 1) // BLOCK)
            if attached.shared:
                readonly.update(blocks)
            extra.update(block for block in blocks if block >= limit)
        machine.storage.extra = frozenset(extra)
        machine.cpu.set_readonly(frozenset(readonly))

    def find(self, name: str) -> Segment | None:
        """The saved segment of that name; None (no such segment) if it is not
        saved or its file cannot be read, so a bad file never check-stops the guest."""
        try:
            segment = self.segments.get(name)
        except (SegmentError, OSError) as error:
            log.warning("named segment %s cannot be loaded: %s", name, error)
            return None
        return segment if segment is not None and segment.pages is not None else None

    def load(self, machine: Machine, segment: Segment, shared: bool) -> None:
        """LOADSYS: segments it overlays are purged first, then its pages are put in place."""
        attached = self._current(machine)
        for other in list(attached.values()):
            if other.segment.start <= segment.end and segment.start <= other.segment.end:
                self.purge(machine, other.segment.name)
        assert segment.pages is not None
        attached[segment.name] = Attached(segment, shared and segment.shared)
        self._protect(machine)  # above the machine's size: its pages become storage
        machine.load(segment.start, segment.pages)

    def purge(self, machine: Machine, name: str) -> bool:
        """PURGESYS: its storage reads back as zeros; False if it was not loaded."""
        attached = self._current(machine).pop(name, None)
        if attached is None:
            return False
        machine.load(attached.segment.start, bytes(attached.segment.length))
        self._protect(machine)  # above the machine's size: no longer addressable
        return True

    def loaded(self, machine: Machine, name: str) -> bool:
        return name in self._current(machine)

    def unshare_altered(self, machine: Machine) -> list[str]:
        """After CP's STORE: shared segments whose pages changed become the user's own
        (writable) copy; their names."""
        altered = []
        for attached in self._current(machine).values():
            segment = attached.segment
            if attached.shared and machine.read(segment.start, segment.length) != segment.pages:
                attached.shared = False
                altered.append(segment.name)
        if altered:
            self._protect(machine)
        return altered

    def release_all(self, machine: Machine) -> None:
        """IPL: no segment stays loaded (their storage is the IPL's to overwrite)."""
        for attached in self.attached.values():
            if machine is self.machine and attached.segment.end >= machine.storage.size:
                machine.load(attached.segment.start, bytes(attached.segment.length))
        self.machine, self.attached = machine, {}
        self._protect(machine)
