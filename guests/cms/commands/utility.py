"""COMPARE and SORT (reference/cp-cms.md 10.3, 10.22).

COMPARE shows ``DMSCMP179I COMPARING ...``, types each pair of records that
differ (within ``COL mmm-nnn`` if given), and ends with ``DMSCMP209W FILES
DO NOT COMPARE`` and return code 4 when any did; records past the end of the
shorter file count as differences. SORT asks ``DMSSRT604R ENTER SORT
FIELDS:`` for ``start end`` pairs (major field first) and writes the second
fileid with the records in ascending EBCDIC order of those fields; the sort
is stable. The return code 4 of COMPARE is (unverified).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guests.cms.commands import command
from guests.cms.commands.common import (
    CommandError,
    decode,
    find_file,
    incomplete_fileid,
    invalid_option,
    numeric,
    parse_mode,
    read_write_disk,
)
from guests.cms.disks import AccessedDisk
from guests.cms.fs import FstEntry
from guests.cms.plist import Call

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

Fileid = tuple[str, str, str]


def _fileids(operands: list[str]) -> tuple[Fileid, Fileid]:
    if len(operands) != 6:
        raise incomplete_fileid()
    first = (operands[0], operands[1], operands[2])
    second = tuple(
        given if given != "=" else original
        for given, original in zip(operands[3:], first, strict=True)
    )
    return first, (second[0], second[1], second[2])


def _locate(cms: Cms, fileid: Fileid) -> tuple[AccessedDisk, FstEntry]:
    fn, ft, fm = fileid
    return find_file(cms, fn, ft, fm, star=False)


def _columns(options: list[str]) -> tuple[int, int | None]:
    if not options:
        return 1, None
    if options[0] != "COL" or len(options) != 2:
        raise invalid_option(options[0])
    first, _, last = options[1].partition("-")
    return numeric(first, "COL"), numeric(last, "COL") if last else None


@command("COMPARE", 3, "CMP")
async def compare(cms: Cms, call: Call) -> int:
    first, second = _fileids(call.operands)
    start, end = _columns(call.options)
    one_disk, one = _locate(cms, first)
    two_disk, two = _locate(cms, second)
    cms.console.error("CMP", 179, "I", f"COMPARING '{one.fileid}' WITH '{two.fileid}'")
    left = one_disk.disk.read(one.fn, one.ft)
    right = two_disk.disk.read(two.fn, two.ft)
    differ = False
    for index in range(max(len(left), len(right))):
        a = left[index][start - 1 : end] if index < len(left) else None
        b = right[index][start - 1 : end] if index < len(right) else None
        if a == b:
            continue
        differ = True
        cms.console.type(*(decode(record).rstrip() for record in (a, b) if record is not None))
        cms.console.type("")
        await cms.checkpoint()
    if differ:
        cms.console.error("CMP", 209, "W", "FILES DO NOT COMPARE")
        return 4
    return 0


async def _sort_fields(cms: Cms) -> list[tuple[int, int]]:
    cms.console.error("SRT", 604, "R", "ENTER SORT FIELDS:")
    words = (await cms.console.read()).split()
    if not words or len(words) % 2:
        raise CommandError(70, f"INVALID PARAMETER '{words[-1] if words else ''}'")
    fields = []
    for at in range(0, len(words), 2):
        low, high = numeric(words[at], "SORT"), numeric(words[at + 1], "SORT")
        if not 1 <= low <= high:
            raise CommandError(70, f"INVALID PARAMETER '{words[at]}'")
        fields.append((low, high))
    if sum(high - low + 1 for low, high in fields) > 253:
        raise CommandError(70, "INVALID PARAMETER 'SORT FIELDS'")
    return fields


@command("SORT", 4, "SRT")
async def sort(cms: Cms, call: Call) -> int:
    if call.options:
        raise invalid_option(call.options[0])
    first, second = _fileids(call.operands)
    if first == second:
        raise CommandError(19, "IDENTICAL FILEIDS")
    accessed, entry = _locate(cms, first)
    letter, number = parse_mode(second[2], star=False)
    target = read_write_disk(cms, letter)
    fields = await _sort_fields(cms)
    records = accessed.disk.read(entry.fn, entry.ft)

    def key(record: bytes) -> bytes:
        return b"".join(
            record[low - 1 : high].ljust(high - low + 1, b"\x40") for low, high in fields
        )

    ordered = sorted(records, key=key)
    target.disk.write(
        second[0], second[1], ordered, recfm=entry.recfm,
        lrecl=entry.lrecl if entry.recfm == "F" else None, mode_number=number,
    )  # fmt: skip
    return 0
