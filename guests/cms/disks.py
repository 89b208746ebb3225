"""The accessed disks of one CMS virtual machine and the standard search order.

reference/cp-cms.md 9.4 and 10.1: each accessed minidisk has a mode letter;
the search order is A to Z, with a read-only extension (``ACCESS cuu x/y``)
searched right after its parent y. An extension may be limited to the files
matching an ``fn ft fm`` filter.

Where the disks come from is a seam: ``DiskProvider.attach(vaddr)`` gives
the ``BlockDevice`` of a virtual DASD. CMS uses ``DiagnoseDisks`` (DIAGNOSE
X'24' to see the device, X'18' for its blocks); tests may pass their own
provider of in-memory disks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from guests.cms.diag import DiagGuest, DiagnoseDevice, device_type
from guests.cms.fs import BlockDevice, CmsDisk, FstEntry
from guests.cms.fs.layout import matches

__all__ = ["AccessedDisk", "DiagnoseDisks", "DiskProvider", "DiskTable"]

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class DiskProvider(Protocol):
    """Virtual DASD by address; raises ``diag.DiskNotAttached`` or ``diag.NotDasd``."""

    async def attach(self, vaddr: int) -> BlockDevice: ...


class CpGuest(DiagGuest, Protocol):
    async def cp(self, text: str, capture: bool = True) -> tuple[int, list[str]]: ...


class DiagnoseDisks:
    """The real thing: the user's virtual DASD through DIAGNOSE X'24' and X'18'.

    Whether the link is read-only and how many cylinders it has come from CP's
    ``QUERY VIRTUAL vaddr`` (``DASD vaddr type volser R/O|R/W nnn CYL``).
    """

    def __init__(self, guest: CpGuest) -> None:
        self.guest = guest

    async def attach(self, vaddr: int) -> BlockDevice:
        kind = device_type(self.guest, vaddr)
        device = DiagnoseDevice(self.guest, vaddr, kind)
        _, lines = await self.guest.cp(f"QUERY VIRTUAL {vaddr:03X}")
        for line in lines:
            words = line.split()
            if len(words) >= 6 and words[0] == "DASD" and words[-1] == "CYL":
                device.read_only = "R/O" in words
                if words[-2].isdigit():
                    device.known_cylinders(int(words[-2]))
        return device


@dataclass
class AccessedDisk:
    """One disk at one mode letter."""

    vaddr: int
    letter: str
    disk: CmsDisk
    parent: str | None = None  # the letter this disk extends (read-only extension)
    pattern: tuple[str, str, str] = ("*", "*", "*")  # the extension's fn ft fm filter

    @property
    def read_only(self) -> bool:
        return self.disk.read_only

    def label(self) -> str:
        return f"{self.letter} ({self.vaddr:03X})"

    def shows(self, entry: FstEntry) -> bool:
        fn, ft, number = self.pattern
        return (
            matches(fn, entry.fn)
            and matches(ft, entry.ft)
            and (number == "*" or entry.mode[1:] == number)
        )

    def files(self, fn: str = "*", ft: str = "*", number: int | None = None) -> list[FstEntry]:
        return [entry for entry in self.disk.files(fn, ft, number) if self.shows(entry)]

    def find(self, fn: str, ft: str) -> FstEntry | None:
        entry = self.disk.find(fn, ft)
        return entry if entry is not None and self.shows(entry) else None


class DiskTable:
    """The disks by mode letter."""

    def __init__(self) -> None:
        self.by_letter: dict[str, AccessedDisk] = {}

    def __contains__(self, letter: str) -> bool:
        return letter in self.by_letter

    def get(self, letter: str) -> AccessedDisk | None:
        return self.by_letter.get(letter)

    def search_order(self) -> list[AccessedDisk]:
        """A to Z; an extension right after its parent (or at its own letter without one)."""
        order: list[AccessedDisk] = []
        for letter in LETTERS:
            accessed = self.by_letter.get(letter)
            if accessed is None or (accessed.parent and accessed.parent in self.by_letter):
                continue
            order.append(accessed)
            order.extend(self._extensions_of(letter, {letter}))
        return order

    def _extensions_of(self, letter: str, seen: set[str]) -> Iterator[AccessedDisk]:
        for other in LETTERS:
            accessed = self.by_letter.get(other)
            if accessed is not None and accessed.parent == letter and other not in seen:
                seen.add(other)
                yield accessed
                yield from self._extensions_of(other, seen)

    def with_extensions(self, letter: str) -> list[AccessedDisk]:
        """The disk at ``letter`` and its extensions, in search order."""
        first = self.by_letter.get(letter)
        if first is None:
            return []
        return [first, *self._extensions_of(letter, {letter})]

    def disks_for(self, mode: str) -> list[AccessedDisk]:
        """``*`` or empty: all disks in search order; a letter: that disk and extensions."""
        if mode in ("", "*"):
            return self.search_order()
        return self.with_extensions(mode[0])

    def find(self, fn: str, ft: str, mode: str = "*") -> tuple[AccessedDisk, FstEntry] | None:
        """The first ``fn ft`` in the search order (or on ``mode`` and its extensions)."""
        for accessed in self.disks_for(mode):
            entry = accessed.find(fn, ft)
            if entry is not None and (len(mode) < 2 or entry.mode[1] == mode[1]):
                return accessed, entry
        return None

    def letters_of(self, vaddr: int) -> list[str]:
        return [letter for letter, disk in self.by_letter.items() if disk.vaddr == vaddr]

    def first_read_write(self) -> AccessedDisk | None:
        for accessed in self.search_order():
            if not accessed.read_only:
                return accessed
        return None
