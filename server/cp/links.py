"""Who has which minidisk linked, and the LINK access-mode rules.

reference/cp-cms.md 5.19: a link asks for a mode; the links other users
already hold decide what it gets:

====  ==========================================================
R     read-only, only if nobody holds the disk R/W
RR    read-only regardless of other links
W     write only if there are no other links at all
WR    write if there are no other links, else read-only
M     write unless someone else has write
MR    write unless someone else has write, else read-only
MW    write in all cases
====  ==========================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field

MODES = ("R", "RR", "W", "WR", "M", "MR", "MW")
DiskKey = tuple[str, int]  # (owner userid, the owner's MDISK address)
Holder = tuple[str, int]  # (userid, virtual address)


class LinkRefused(Exception):
    """The mode cannot be had: ``holders`` is why (``R/W`` or ``R/O`` and who)."""

    def __init__(self, access: str, holders: list[str]) -> None:
        super().__init__(access)
        self.access = access
        self.holders = holders


def describe(holders: list[str]) -> str:
    """One userid by name, several as ``nnn USERS``."""
    return holders[0] if len(holders) == 1 else f"{len(holders):03d} USERS"


@dataclass
class LinkTable:
    """Every minidisk link on the system: disk -> {(userid, vaddr): write access}."""

    disks: dict[DiskKey, dict[Holder, bool]] = field(default_factory=dict)

    def others(self, disk: DiskKey, userid: str) -> tuple[list[str], list[str]]:
        """Other users' links to ``disk``: (writers, readers)."""
        holders = self.disks.get(disk, {})
        writers = sorted({u for (u, _), w in holders.items() if w and u != userid})
        readers = sorted({u for (u, _), w in holders.items() if not w and u != userid})
        return writers, readers

    def decide(self, disk: DiskKey, userid: str, mode: str) -> bool:
        """The access ``mode`` gets now: True for R/W, False for R/O; LinkRefused if none."""
        writers, readers = self.others(disk, userid)
        if mode == "RR":
            return False
        if mode == "R":
            if writers:
                raise LinkRefused("R/W", writers)
            return False
        if mode in ("W", "WR"):
            if not writers and not readers:
                return True
            if mode == "WR":
                return False
            raise LinkRefused("R/W" if writers else "R/O", writers or readers)
        if mode in ("M", "MR"):
            if not writers:
                return True
            if mode == "MR":
                return False
            raise LinkRefused("R/W", writers)
        return True  # MW

    def add(self, disk: DiskKey, holder: Holder, write: bool) -> None:
        self.disks.setdefault(disk, {})[holder] = write

    def remove(self, holder: Holder) -> None:
        for disk in list(self.disks):
            self.disks[disk].pop(holder, None)
            if not self.disks[disk]:
                del self.disks[disk]

    def remove_user(self, userid: str) -> None:
        for disk in list(self.disks):
            for holder in [h for h in self.disks[disk] if h[0] == userid]:
                del self.disks[disk][holder]
            if not self.disks[disk]:
                del self.disks[disk]

    def holders(self, disk: DiskKey) -> list[tuple[str, int, bool]]:
        return sorted((u, a, w) for (u, a), w in self.disks.get(disk, {}).items())

    def disk_of(self, holder: Holder) -> DiskKey | None:
        for disk, holders in self.disks.items():
            if holder in holders:
                return disk
        return None

    def response(self, disk: DiskKey, userid: str, address: int, write: bool) -> str:
        """``DASD vaddr LINKED R/W; R/O BY userid`` (cp-cms.md 5.19)."""
        writers, readers = self.others(disk, userid)
        text = f"DASD {address:03X} LINKED {'R/W' if write else 'R/O'}"
        if writers:
            text += f";R/W BY {describe(writers)}"
        if readers:
            text += f";R/O BY {describe(readers)}"
        return text
