"""Checks across directory entries: volumes, overlapping extents, links.

What R6's directory program could not see card by card (reference cp-cms.md
7.3-7.4):

* Every MDISK on one volume serial must name the same kind of device (3333
  counts as 3330, 3344 as 3340, 2319 as 2314): a pack has one geometry, and
  CP could not use an extent on a volume of another type.  This is an error.
* Overlapping MDISK extents on one volume draw a warning: two users would
  write the same cylinders.  Overlays are legal and draw none, as in real
  directories: an extent that is a *full pack* (starts at 0 and covers at
  least the smallest model of its device type, such as MAINT's
  ``MDISK 131 3330 000 404``), and any extent of a NOLOG entry (pack-map
  pseudo-users such as CE's ``$ALLOC$``, which only reserve areas).
* A LINK to a userid or minidisk not in the directory draws a warning: CP
  reports it at logon and goes on.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from directory.errors import Issue
from directory.model import Directory, Link, Minidisk, UserEntry

__all__ = ["Placed", "check_directory"]

#: Device types that share one geometry.
BASE_DEVICE_TYPE = {"3333": "3330", "3344": "3340", "2319": "2314"}


@dataclass(frozen=True)
class Placed:
    """Where a statement came from: its entry, line number and text."""

    user: UserEntry
    line: int
    statement: str


def _is_overlay(place: Placed, disk: Minidisk) -> bool:
    return disk.is_full_pack() or not place.user.can_logon


def _volume_types(disks: list[tuple[Placed, Minidisk]]) -> list[Issue]:
    errors: list[Issue] = []
    first: dict[str, tuple[str, int]] = {}
    for place, disk in disks:
        base = BASE_DEVICE_TYPE.get(disk.device_type, disk.device_type)
        known = first.setdefault(disk.volser, (base, place.line))
        if known[0] != base:
            message = (
                f"volume {disk.volser} is a {disk.device_type} here"
                f" but a {known[0]} on line {known[1]}"
            )
            errors.append(Issue(place.line, place.statement, message))
    return errors


def _overlaps(disks: list[tuple[Placed, Minidisk]]) -> list[Issue]:
    warnings: list[Issue] = []
    by_volume: dict[str, list[tuple[Placed, Minidisk]]] = defaultdict(list)
    for place, disk in disks:
        if not _is_overlay(place, disk):
            by_volume[disk.volser].append((place, disk))
    for extents in by_volume.values():
        extents.sort(key=lambda item: (item[1].start, item[0].line))
        for index, (place, disk) in enumerate(extents):
            for other_place, other in extents[index + 1 :]:
                if other.start >= disk.end:
                    break
                message = (
                    f"extent {other.start}-{other.end - 1} on {other.volser} overlaps"
                    f" {place.user.userid} {disk.address:03X} (line {place.line})"
                )
                warnings.append(Issue(other_place.line, other_place.statement, message))
    return warnings


def _links(directory: Directory, links: list[tuple[Placed, Link]]) -> list[Issue]:
    warnings: list[Issue] = []
    for place, link in links:
        owner = directory.user(link.userid)
        if owner is None:
            message = f"LINK to {link.userid}, which is not in the directory"
        elif owner.minidisk(link.target_address) is None:
            message = f"{link.userid} has no minidisk {link.target_address:03X}"
        else:
            continue
        warnings.append(Issue(place.line, place.statement, message))
    return warnings


def check_directory(
    directory: Directory,
    disks: list[tuple[Placed, Minidisk]],
    links: list[tuple[Placed, Link]],
) -> tuple[list[Issue], list[Issue]]:
    """Errors and warnings about the directory as a whole."""
    errors = _volume_types(disks)
    warnings = _overlaps(disks) + _links(directory, links)
    if not directory.users:
        warnings.append(Issue(0, "", "no USER statements"))
    return errors, warnings
