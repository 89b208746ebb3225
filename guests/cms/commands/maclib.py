"""MACLIB GEN|ADD|REP|DEL|COMP|MAP: macro libraries (DMSLBM; reference/cp-cms.md 10.2).

As the R6 MACLIB command works: GEN creates ``libname MACLIB A1`` from
``fn MACRO`` files (one member per macro definition, named by its
prototype) or ``fn COPY`` files (one member, named by the file, or one per
``*COPY name`` record), ADD appends members to an existing library, REP
replaces members of the same name (adding those that are new), DEL removes
members, COMP rewrites the library without unused space, and MAP lists the
members with their index (item number) and size (records) as VM/370 CE's
MACLIB MAP does, on the terminal (TERM), the printer (PRINT) or, the
default, as ``libname MAP A5`` (DISK). For each input name ``fn MACRO`` is
looked for first, then ``fn COPY``. The file layout is in
guests/cms/assembler/maclib.py. Message numbers and texts (001E, 002E,
003E, 013W, 037E, 047E) follow TXTLIB's best estimates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guests.cms.assembler.maclib import (
    MaclibError,
    MacLibrary,
    MacMember,
    build_maclib,
    members_of,
    read_maclib,
)
from guests.cms.commands import command
from guests.cms.commands.common import CommandError, read_write_disk
from guests.cms.commands.unitrec import deliver_map, map_destination
from guests.cms.fs.errors import FileNotFound
from guests.cms.plist import Call

if TYPE_CHECKING:
    from guests.cms.disks import AccessedDisk
    from guests.cms.nucleus import Cms

__all__ = ["map_lines"]

FUNCTIONS = ("GEN", "ADD", "REP", "DEL", "COMP", "MAP")


def _read(cms: Cms, name: str) -> tuple[AccessedDisk, MacLibrary]:
    found = cms.disks.find(name, "MACLIB")
    if found is None:
        raise FileNotFound(f"{name} MACLIB *")
    accessed, entry = found
    try:
        return accessed, read_maclib(accessed.disk.read(entry.fn, entry.ft))
    except MaclibError as error:
        raise CommandError(88, f"INVALID MACLIB: {error}", rc=32) from None


def _inputs(cms: Cms, names: list[str]) -> list[MacMember]:
    members: list[MacMember] = []
    for name in names:
        for filetype in ("MACRO", "COPY"):
            found = cms.disks.find(name, filetype)
            if found is not None:
                accessed, entry = found
                records = accessed.disk.read(entry.fn, entry.ft)
                members.extend(members_of(records, filetype, name))
                break
        else:
            raise FileNotFound(f"{name} MACRO *")
    return members


def _write(accessed: AccessedDisk, name: str, library: MacLibrary) -> None:
    entry = accessed.disk.find(name, "MACLIB")
    number = entry.mode_number if entry is not None else 1
    accessed.disk.write(name, "MACLIB", build_maclib(library.members), recfm="F", lrecl=80,
                        mode_number=number)  # fmt: skip


@command("MACLIB", 6, "LBM")
async def maclib(cms: Cms, call: Call) -> int:
    """MACLIB GEN|ADD|REP|DEL|COMP|MAP libname [names...] [(DISK|PRINT|TERM)]."""
    if not call.operands:
        raise CommandError(47, "NO FUNCTION SPECIFIED")
    function = call.operands[0]
    if function not in FUNCTIONS:
        raise CommandError(3, f"INVALID OPTION '{function}'")
    if len(call.operands) < 2:
        raise CommandError(1, "NO FILENAME SPECIFIED")
    name, names = call.operands[1], call.operands[2:]
    where = map_destination(call.options)
    if function in ("MAP", "COMP"):
        accessed, library = _read(cms, name)
        if function == "MAP":
            await deliver_map(cms, name, map_lines(library), where)
        else:
            _write(_writable(accessed), name, library)
        return 0
    if not names:
        raise CommandError(1, "NO FILENAME SPECIFIED")
    if function == "GEN":
        _write(read_write_disk(cms, "A"), name, MacLibrary(_inputs(cms, names)))
        return 0
    accessed, library = _read(cms, name)
    _writable(accessed)
    return_code = _change(cms, function, name, library, names)
    _write(accessed, name, library)
    return return_code


def _writable(accessed: AccessedDisk) -> AccessedDisk:
    if accessed.read_only:
        raise CommandError(37, f"DISK '{accessed.letter}' IS READ/ONLY", rc=36)
    return accessed


def _change(cms: Cms, function: str, name: str, library: MacLibrary, names: list[str]) -> int:
    if function == "ADD":
        library.members.extend(_inputs(cms, names))
        return 0
    if function == "REP":
        for member in _inputs(cms, names):
            old = library.find(member.name)
            if old is None:
                library.members.append(member)
            else:
                library.members[library.members.index(old)] = member
        return 0
    return_code = 0
    for wanted in names:
        old = library.find(wanted)
        if old is None:
            cms.console.error("LBM", 13, "W", f"MEMBER '{wanted}' NOT FOUND IN LIBRARY '{name}'")
            return_code = 4
        else:
            library.members.remove(old)
    return return_code


def map_lines(library: MacLibrary) -> list[str]:
    """MACRO, INDEX and SIZE, two members to a line (as VM/370 CE's MACLIB MAP types)."""
    cells = [f"{member.name:<8}{member.item:>6}{len(member.records):>6}"
             for member in library.members]  # fmt: skip
    lines = ["MACRO    INDEX  SIZE"]
    lines += ["        ".join(cells[at : at + 2]) for at in range(0, len(cells), 2)]
    return lines
