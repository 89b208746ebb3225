"""DIRECT: check a USER DIRECT file and make it the CP directory (reference cp-cms.md 7.1).

``DIRECT [fn [DIRECT [fm|*]]] [(EDIT)]``: default file ``USER DIRECT *``;
the filetype must be DIRECT. R6 ran the directory program (DMKDIR) in the
virtual machine, which wrote the object directory on the DIRECTORY volume
and asked CP to swap to it with DIAGNOSE X'3C' (Planning and System
Generation Guide, "Directory Program"). vm370 keeps the directory in its
database, so CMS hands the file's text to CP through DIAGNOSE X'3C' (the
vm370 register interface of server/cp/diag3c.py) and CP validates it and,
unless EDIT, replaces the directory in one transaction; any error keeps the
old directory. CMS types what CP found, one finding per card with its line
number, then ``EOJ DIRECTORY UPDATED AND ON LINE`` (the directory program's
completion message as VM/370 CE and z/VM print it) or ``EOJ DIRECTORY NOT
UPDATED`` (after EDIT, or errors). Only class A, B or C may update; EDIT is
open to everyone, as R6's "any user may check a file" note says. The return
codes (0; 8 errors; 4 not authorized; 12 not stored) and the texts of the
findings and of the refusal are vm370's (unverified).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guests.cms.commands import command
from guests.cms.commands.common import (
    CommandError,
    decode,
    file_not_found,
    invalid_option,
    invalid_parameter,
    parse_mode,
)
from guests.cms.loader import USER_AREA
from guests.cms.plist import Call
from server.cp.abi import DiagnoseRefused

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

NEWLINE = b"\x15"  # separates the records handed to CP
EDIT_FLAG = 0x80  # Ry+1 bits 0-7: check only
RESPONSE_ROOM = 64 * 1024
UPDATED = "EOJ DIRECTORY UPDATED AND ON LINE"
NOT_UPDATED = "EOJ DIRECTORY NOT UPDATED"


def _fileid(operands: list[str]) -> tuple[str, str, str]:
    if len(operands) > 3:
        raise invalid_parameter(operands[3])
    fn = operands[0] if operands else "USER"
    ft = operands[1] if len(operands) > 1 else "DIRECT"
    fm = operands[2] if len(operands) > 2 else "*"
    if ft != "DIRECT":
        raise invalid_parameter(ft)
    parse_mode(fm)
    return fn, ft, fm


def _edit(options: list[str]) -> bool:
    for option in options:
        if option != "EDIT":
            raise invalid_option(option)
    return bool(options)


def _source(cms: Cms, fileid: tuple[str, str, str]) -> bytes:
    """The file's records, X'15' between them (an X'15' inside a card becomes a blank)."""
    fn, ft, fm = fileid
    found = cms.disks.find(fn, ft, fm)
    if found is None:
        raise file_not_found(f"{fn} {ft} {fm}")
    accessed, entry = found
    records = accessed.disk.read(entry.fn, entry.ft)
    return NEWLINE.join(record.replace(NEWLINE, b"\x40") for record in records)


@command("DIRECT", 6, "DIR")
async def direct(cms: Cms, call: Call) -> int:
    edit = _edit(call.options)
    source = _source(cms, _fileid(call.operands))
    guest = cms.guest
    response = USER_AREA + len(source)
    free = cms.free_storage
    if response + RESPONSE_ROOM > min(free.blocks, default=free.top):
        raise CommandError(109, "VIRTUAL STORAGE CAPACITY EXCEEDED", rc=104)
    guest.write_storage(USER_AREA, source)
    flags = (EDIT_FLAG if edit else 0) << 24 | RESPONSE_ROOM
    try:
        result = await guest.diagnose(
            0x3C, rx=USER_AREA, ry=len(source), rx1=response, ry1=flags
        )
    except DiagnoseRefused:
        cms.console.type("DIRECTORY UPDATE NEEDS PRIVILEGE CLASS A, B OR C", NOT_UPDATED)
        return 4
    answer = guest.read_storage(response, result.ry1) if result.ry1 else b""
    cms.console.type(*(decode(line) for line in answer.split(NEWLINE) if line))
    if result.cc == 0 and not edit:
        cms.console.type(UPDATED)
        return 0
    cms.console.type(NOT_UPDATED)
    return {0: 0, 1: 8}.get(result.cc, 12)
