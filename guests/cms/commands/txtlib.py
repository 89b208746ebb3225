"""TXTLIB GEN|ADD|DEL|MAP: text libraries (DMSLBT; reference/cp-cms.md 10.13).

As the R6 TXTLIB help describes: GEN creates ``libname TXTLIB A1`` from TEXT
files (replacing one of that name), ADD appends TEXT files to a library on
a read/write disk without checking for duplicates, DEL removes members (the
first of each name) and compresses the library, MAP lists the entry names,
their locations in the library and the number of entries, on the disk as
``libname MAP A5`` (DISK, the default), on the printer (PRINT) or the
terminal (TERM). The file layout is in guests/cms/txtlib.py. Message texts
and numbers (001E, 002E, 003E, 013W, 037E, 047E) and the MAP line format are
best estimates in the style of the other DMS messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guests.cms.commands import command
from guests.cms.commands.common import CommandError, read_write_disk
from guests.cms.commands.unitrec import deliver_map, map_destination
from guests.cms.fs.errors import FileNotFound
from guests.cms.plist import Call
from guests.cms.txtlib import (
    Library,
    LibraryError,
    Member,
    build_library,
    member_names,
    read_library,
)

if TYPE_CHECKING:
    from guests.cms.disks import AccessedDisk
    from guests.cms.nucleus import Cms

__all__ = ["library_members", "read_txtlib"]

FUNCTIONS = ("GEN", "ADD", "DEL", "MAP")


def read_txtlib(cms: Cms, name: str) -> tuple[AccessedDisk, Library] | None:
    """``name TXTLIB`` from the search order, its members read; None when not found."""
    found = cms.disks.find(name, "TXTLIB")
    if found is None:
        return None
    accessed, entry = found
    records = accessed.disk.read(entry.fn, entry.ft)
    try:
        return accessed, read_library(records, f"{entry.fn} {entry.ft} {entry.mode}")
    except LibraryError as error:
        raise CommandError(88, f"INVALID TXTLIB: {error}", rc=32) from None


def library_members(cms: Cms, name: str) -> Library | None:
    found = read_txtlib(cms, name)
    return found[1] if found else None


def _text_members(cms: Cms, names: list[str]) -> list[Member]:
    members = []
    for name in names:
        found = cms.disks.find(name, "TEXT")
        if found is None:
            raise FileNotFound(f"{name} TEXT *")
        accessed, entry = found
        cards = accessed.disk.read(entry.fn, entry.ft)
        members.append(Member(member_names(cards) or [name], cards))
    return members


@command("TXTLIB", 3, "LBT")
async def txtlib(cms: Cms, call: Call) -> int:
    """TXTLIB GEN|ADD|DEL|MAP libname [names...] [(DISK|PRINT|TERM)]."""
    if not call.operands:
        raise CommandError(47, "NO FUNCTION SPECIFIED")
    function = call.operands[0]
    if function not in FUNCTIONS:
        raise CommandError(3, f"INVALID OPTION '{function}'")
    if len(call.operands) < 2:
        raise CommandError(1, "NO FILENAME SPECIFIED")
    name, names = call.operands[1], call.operands[2:]
    where = map_destination(call.options)
    if function == "MAP":
        found = read_txtlib(cms, name)
        if found is None:
            raise FileNotFound(f"{name} TXTLIB *")
        await deliver_map(cms, name, map_lines(found[1]), where)
        return 0
    if not names:
        raise CommandError(1, "NO FILENAME SPECIFIED")
    if function == "GEN":
        target = read_write_disk(cms, "A")
        library = Library(_text_members(cms, names))
        _write(target, name, library)
        return 0
    found = read_txtlib(cms, name)
    if found is None:
        raise FileNotFound(f"{name} TXTLIB *")
    accessed, library = found
    if accessed.read_only:
        raise CommandError(37, f"DISK '{accessed.letter}' IS READ/ONLY", rc=36)
    if function == "ADD":
        library.members.extend(_text_members(cms, names))
        _write(accessed, name, library)
        return 0
    return_code = 0
    for member in names:
        hit = next((each for each in library.members if each.name == member), None)
        if hit is None:
            cms.console.error("LBT", 13, "W", f"MEMBER '{member}' NOT FOUND IN LIBRARY '{name}'")
            return_code = 4
            continue
        library.members.remove(hit)
    _write(accessed, name, library)
    return return_code


def _write(accessed: AccessedDisk, name: str, library: Library) -> None:
    entry = accessed.disk.find(name, "TXTLIB")
    number = entry.mode_number if entry is not None else 1
    accessed.disk.write(name, "TXTLIB", build_library(library.members), recfm="F", lrecl=80,
                        mode_number=number)  # fmt: skip


def map_lines(library: Library) -> list[str]:
    """ENTRY / INDEX columns, one line per directory entry, then the count (best estimate)."""
    entries = library.entries()
    lines = ["ENTRY     INDEX", "NAME      NUMBER"]
    lines += [f"{name:<8}  {item:05d}" for name, item in entries]
    lines.append(f"{len(entries)} ENTRIES IN LIBRARY.")
    return lines
