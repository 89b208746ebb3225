"""LISTFILE, TYPE, STATE/STATEW, ERASE and RENAME (reference/cp-cms.md 10.9, 10.14,
10.20, 10.23; CMS Command and Macro Reference GC20-1818, those commands).

Patterns: ``*`` alone or at the end of a name (``PROF*``) selects many files.
LISTFILE's information options imply those with higher priority numbers
(LABEL > DATE > ALLOC > FORMAT > FMODE > FTYPE > FNAME); its EXEC option writes
``CMS EXEC A1`` (F 80, ``&1 &2 fn ft fm`` and the requested data per file).
Column layouts of LISTFILE's extra data and of TYPE (HEX) are (unverified).
STATEW for a file that exists only on a read-only disk gives DMSSTT002E, as
STATE does for a missing file (R6 CMS Command and Macro Reference, GC20-1818
PLC 17, STATE/STATEW usage note 1, p. 177).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guests.cms.commands import command
from guests.cms.commands.common import (
    CommandError,
    decode,
    encode,
    file_not_found,
    find_file,
    incomplete_fileid,
    invalid_option,
    invalid_parameter,
    matching_files,
    not_accessed,
    numeric,
    parse_mode,
    read_write_disk,
)
from guests.cms.disks import AccessedDisk
from guests.cms.fs import FstEntry
from guests.cms.plist import Call

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

LEVELS = ("LABEL", "DATE", "ALLOC", "FORMAT", "FMODE", "FTYPE", "FNAME")  # priority 1..7


def _listfile_options(options: list[str]) -> tuple[int, dict[str, bool]]:
    level = LEVELS.index("FMODE")
    flags = {"HEADER": False, "NOHEADER": False, "EXEC": False, "APPEND": False, "STACK": False}
    lifo = False
    chosen: int | None = None
    for option in options:
        if option in LEVELS:
            index = LEVELS.index(option)
            chosen = index if chosen is None else min(chosen, index)
        elif option in flags:
            flags[option] = True
        elif option in ("FIFO", "LIFO"):
            flags["STACK"], lifo = True, option == "LIFO"
        else:
            raise invalid_option(option)
    flags["LIFO"] = lifo
    return (level if chosen is None else chosen), flags


def _listfile_line(accessed: AccessedDisk, entry: FstEntry, level: int) -> str:
    words = [f"{entry.fn:<8}"]
    if level <= 5:
        words.append(f"{entry.ft:<8}")
    if level <= 4:
        words.append(f"{entry.mode:<2}")
    if level <= 3:
        words.append(f"{entry.recfm} {entry.lrecl:>5} {entry.item_count:>6}")
    if level <= 2:
        words.append(f"{entry.data_blocks:>6}")
    if level <= 1:
        words.append(entry.written())
    if level <= 0:
        words.append(accessed.disk.label)
    return " ".join(words).rstrip()


def _header(level: int) -> str:
    names = ["FILENAME", "FILETYPE", "FM", "FORMAT    RECS", "BLOCKS", "DATE     TIME", "LABEL"]
    return " ".join(names[: 7 - level]).rstrip()


@command("LISTFILE", 1, "LST")
async def listfile(cms: Cms, call: Call) -> int:
    operands = call.operands
    if len(operands) > 3:
        raise invalid_parameter(operands[3])
    fn, ft, fm = (operands + ["*", "*", "A"][len(operands) :])[:3]
    letter, number = parse_mode(fm)
    if letter != "*" and letter not in cms.disks:
        raise not_accessed(letter)
    disks = cms.disks.search_order() if letter == "*" else [cms.disks.by_letter[letter]]
    found = matching_files(disks, fn, ft, number)
    if not found:
        if call.nomsg:
            return 28
        raise CommandError(2, "FILE NOT FOUND", rc=28)
    level, flags = _listfile_options(call.options)
    if flags["EXEC"] or flags["APPEND"]:
        return _write_cms_exec(cms, found, level, append=flags["APPEND"])
    lines = [_listfile_line(accessed, entry, level) for accessed, entry in found]
    if flags["STACK"]:
        for line in lines:
            cms.console.stack_line(line, lifo=flags["LIFO"])
        return 0
    if level <= 3 and not flags["NOHEADER"] or flags["HEADER"]:
        cms.console.type(_header(level))
    for line in lines:
        cms.console.type(line)
        await cms.checkpoint()
    return 0


def _write_cms_exec(
    cms: Cms, found: list[tuple[AccessedDisk, FstEntry]], level: int, *, append: bool
) -> int:
    target = read_write_disk(cms, "A")
    level = min(level, LEVELS.index("FMODE"))
    records = [
        encode(f" &1 &2 {_listfile_line(accessed, entry, level)}".ljust(80)[:80])
        for accessed, entry in found
    ]
    if append and target.disk.find("CMS", "EXEC") is not None:
        target.disk.append("CMS", "EXEC", records, recfm="F")
    else:
        target.disk.write("CMS", "EXEC", records, recfm="F", lrecl=80, mode_number=1)
    return 0


def _find_one(cms: Cms, fn: str, ft: str, fm: str) -> tuple[AccessedDisk, FstEntry]:
    letter, _ = parse_mode(fm)
    if letter != "*" and letter not in cms.disks:
        raise not_accessed(letter)
    return find_file(cms, fn, ft, fm)


def _type_range(operands: list[str]) -> tuple[int, int | None]:
    first = numeric(operands[3], "TYPE") if len(operands) > 3 else 1
    last: int | None = None
    if len(operands) > 4 and operands[4] != "*":
        last = numeric(operands[4], "TYPE")
    if len(operands) > 5:
        raise invalid_parameter(operands[5])
    return max(first, 1), last


def _type_options(options: list[str]) -> tuple[bool, int, int | None]:
    hex_dump, start, end = False, 1, None
    index = 0
    while index < len(options):
        option = options[index]
        if option == "HEX":
            hex_dump = True
        elif option == "COL" and index + 1 < len(options):
            index += 1
            first, _, last = options[index].partition("-")
            start = numeric(first, "COL")
            end = numeric(last, "COL") if last else None
        else:
            raise invalid_option(option)
        index += 1
    return hex_dump, start, end


def hex_lines(record: bytes) -> list[str]:
    """A record in hexadecimal, 32 bytes to a line in groups of four (TYPE HEX)."""
    lines = []
    for at in range(0, max(len(record), 1), 32):
        chunk = record[at : at + 32]
        lines.append(" ".join(chunk[i : i + 4].hex().upper() for i in range(0, len(chunk), 4)))
    return lines


@command("TYPE", 1, "TYP")
async def type_file(cms: Cms, call: Call) -> int:
    operands = call.operands
    if len(operands) < 2:
        raise incomplete_fileid()
    fm = operands[2] if len(operands) > 2 else "*"
    accessed, entry = _find_one(cms, operands[0], operands[1], fm)
    first, last = _type_range(operands)
    hex_dump, start, end = _type_options(call.options)
    records = accessed.disk.read(entry.fn, entry.ft)
    for record in records[first - 1 : last]:
        piece = record[start - 1 : end]
        if hex_dump:
            cms.console.type(*hex_lines(piece))
        else:
            cms.console.type(decode(piece).rstrip())
        await cms.checkpoint()
    return 0


@command("STATE", 5, "STT")
async def state(cms: Cms, call: Call) -> int:
    return _state(cms, call, writable=False)


@command("STATEW", 6, "STT")
async def statew(cms: Cms, call: Call) -> int:
    return _state(cms, call, writable=True)


def _state(cms: Cms, call: Call, *, writable: bool) -> int:
    operands = call.operands
    if len(operands) < 2:
        raise incomplete_fileid()
    fn, ft = operands[0], operands[1]
    fm = operands[2] if len(operands) > 2 else "*"
    letter, number = parse_mode(fm)
    if fn != "*" and ft != "*":
        number = None  # the mode number is ignored when fn and ft are both given
    disks = cms.disks.disks_for(letter)
    if writable:
        disks = [accessed for accessed in disks if not accessed.read_only]
    if matching_files(disks, fn, ft, number):
        return 0
    if call.nomsg:
        return 28
    raise file_not_found(f"{fn} {ft} {fm}")


@command("ERASE", 5, "ERS")
async def erase(cms: Cms, call: Call) -> int:
    operands = call.operands
    if len(operands) < 2:
        raise incomplete_fileid()
    if len(operands) > 3:
        raise invalid_parameter(operands[3])
    fn, ft = operands[0], operands[1]
    fm = operands[2] if len(operands) > 2 else "A"
    letter, number = parse_mode(fm)
    if fn == "*" and ft == "*" and number is None:  # "* * fm" needs letter and number
        raise incomplete_fileid()
    show = _type_option(call.options)
    if letter == "*":
        disks = [accessed for accessed in cms.disks.search_order() if not accessed.read_only]
    else:
        disks = [read_write_disk(cms, letter)]
    found = matching_files(disks, fn, ft, number)
    if not found:
        if call.nomsg:
            return 28
        raise file_not_found(f"{fn} {ft} {fm}")
    for accessed, entry in found:
        accessed.disk.erase(entry.fn, entry.ft)
        if show:
            cms.console.type(f"{entry.fn:<8} {entry.ft:<8} {entry.mode}")
    return 0


def _type_option(options: list[str]) -> bool:
    show = False
    for option in options:
        if option not in ("TYPE", "NOTYPE", "UPDIRT", "NOUPDIRT"):
            raise invalid_option(option)
        if option in ("TYPE", "NOTYPE"):
            show = option == "TYPE"
    return show


def _renamed(pattern: str, value: str) -> str:
    return value if pattern == "=" else pattern.replace("=", value)


@command("RENAME", 1, "RNM")
async def rename(cms: Cms, call: Call) -> int:
    operands = call.operands
    if len(operands) < 6:
        raise incomplete_fileid()
    if len(operands) > 6:
        raise invalid_parameter(operands[6])
    fn, ft, fm, new_fn, new_ft, new_fm = operands
    show = _type_option(call.options)
    letter, number = parse_mode(fm, star=False)
    accessed = read_write_disk(cms, letter)
    new_number: int | None = None
    if new_fm not in ("*", "="):
        new_letter, new_number = parse_mode(new_fm, star=False)
        if new_letter not in (letter, "="):
            raise CommandError(48, f"INVALID MODE '{new_fm}'")
    found = accessed.files(fn, ft, number)
    if not found:
        if call.nomsg:
            return 28
        raise file_not_found(f"{fn} {ft} {fm}")
    for entry in found:
        renamed = accessed.disk.rename(
            entry.fn, entry.ft, _renamed(new_fn, entry.fn), _renamed(new_ft, entry.ft), new_number
        )
        if show and "*" in fn + ft:
            cms.console.type(f"{renamed.fn:<8} {renamed.ft:<8} {renamed.mode}")
    return 0
