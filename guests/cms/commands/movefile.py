"""MOVEFILE: copy one FILEDEF'd data set to another (reference/cp-cms.md 10.28, 10.11).

``MOVEfile [inddname [outddname]] [(PDS)]``; the ddnames default to INMOVE
and OUTMOVE, and a ddname without a FILEDEF is ``DISK FILE ddname A1``.

Input: a CMS file (DISK), the first reader file (READER: its cards), console
lines up to a null line or ``/*`` (TERMINAL), nothing (DUMMY). Output: a CMS
file (DISK; replaced, or extended with DISP MOD), the virtual printer
(PRINTER; RECFM ..A takes column 1 as ASA control) or punch (PUNCH), each
closed when the move ends, the console (TERMINAL), or nothing (DUMMY).

Record format: RECFM and LRECL of the output FILEDEF, else those of the
input (a CMS file's own, F 80 for cards -- longer for a printer file in the
reader --, V for console lines). F records are
padded with blanks or cut to LRECL; V records are cut to LRECL when one is
given. A CMS file keeps logical records, so the blocked and spanned forms
(FB, VB, FBS, VBS) and BLKSIZE leave the records as they are and U is kept as
V (best estimate of the OS simulation's result on a CMS disk).

Not here: tapes (vm370 has no tape devices: DMSMVE113S TAPn(cuu) NOT
ATTACHED), OS data sets (no OS disks), the PDS option and MEMBER (a CMS-style
message says so). Message numbers other than 002E are best estimates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from guests.cms.commands import command
from guests.cms.commands.common import (
    CommandError,
    decode,
    encode,
    file_not_found,
    invalid_option,
    invalid_parameter,
    read_write_disk,
)
from guests.cms.commands.filedef import TAPES, Definition, definition_of
from guests.cms.commands.unitrec import (
    PRINTER_ADDRESS,
    PUNCH_ADDRESS,
    print_records,
    punch_cards,
)
from guests.cms.fs import CmsFsError
from guests.cms.plist import Call

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms
    from server.cp.abi import ReaderFile

__all__ = ["DataSet", "reformat"]

CARD = 80
BLANK = b"\x40"
END_OF_TERMINAL_INPUT = ("", "/*")


@dataclass
class DataSet:
    """Records read from the input ddname, with their format and (for DISK) their name."""

    records: list[bytes]
    recfm: str
    lrecl: int | None
    name: tuple[str, str] | None = None
    reader_file: ReaderFile | None = None  # finished once the output is written


def _not_attached(definition: Definition) -> CommandError:
    device = definition.device
    return CommandError(113, f"{device}({TAPES[device]:03X}) NOT ATTACHED", rc=100, severity="S")


def _unsupported(what: str) -> CommandError:
    return CommandError(0, f"{what} IS NOT AVAILABLE IN THIS CMS YET", rc=1)


async def _read_disk(cms: Cms, definition: Definition) -> DataSet:
    assert definition.fileid is not None
    if "MEMBER" in definition.options:
        raise _unsupported("MEMBER")
    fn, ft, fm = definition.fileid
    found = cms.disks.find(fn, ft, fm[0])
    if found is None:
        raise file_not_found(f"{fn} {ft} {fm}")
    accessed, entry = found
    records = accessed.disk.read(entry.fn, entry.ft)
    return DataSet(records, entry.recfm, entry.lrecl, (entry.fn, entry.ft))


async def _read_terminal(cms: Cms) -> DataSet:
    records: list[bytes] = []
    while True:
        line = await cms.console.read()
        if line.strip() in END_OF_TERMINAL_INPUT:
            return DataSet(records, "V", None)
        records.append(encode(line))
        await cms.checkpoint()


async def _read_input(cms: Cms, definition: Definition) -> DataSet | None:
    """The input records; None for an empty reader (701I)."""
    device = definition.device
    if device == "DISK":
        return await _read_disk(cms, definition)
    if device == "TERMINAL":
        return await _read_terminal(cms)
    if device == "DUMMY":
        return DataSet([], "F", CARD)
    if device == "READER":
        reader_file = await cms.guest.next_reader_file()
        if reader_file is None:
            return None
        longest = max((len(card) for card in reader_file.records), default=CARD)
        return DataSet(list(reader_file.records), "F", max(longest, CARD), None, reader_file)
    if device in TAPES:
        raise _not_attached(definition)
    raise CommandError(27, f"INVALID DEVICE '{device}' FOR DDNAME '{definition.ddname}'")


def reformat(data: DataSet, definition: Definition) -> tuple[str, int | None, list[bytes]]:
    """(CMS RECFM, LRECL, records) of the output: its FILEDEF's values, else the input's."""
    wanted = definition.options.get("RECFM", "")
    base = wanted.rstrip("AM") if wanted else data.recfm
    recfm = "F" if base.startswith("F") else "V"
    lrecl = definition.number("LRECL")
    if lrecl is None and recfm == data.recfm:
        lrecl = data.lrecl
    if recfm == "F":
        if lrecl is None:
            lrecl = max((len(record) for record in data.records), default=CARD) or CARD
        return recfm, lrecl, [record[:lrecl].ljust(lrecl, BLANK) for record in data.records]
    if lrecl is not None and "LRECL" in definition.options:
        return recfm, lrecl, [record[:lrecl] for record in data.records]
    return recfm, None, data.records


async def _close(cms: Cms, vaddr: int, name: tuple[str, str] | None) -> None:
    named = f" NAME {name[0]} {name[1]}" if name else ""
    await cms.guest.cp(f"CLOSE {vaddr:03X}{named}", capture=True)


def _write_disk(cms: Cms, definition: Definition, recfm: str, lrecl: int | None,
                records: list[bytes]) -> None:  # fmt: skip
    assert definition.fileid is not None
    fn, ft, fm = definition.fileid
    disk = read_write_disk(cms, fm[0]).disk
    number = int(fm[1]) if fm[1:].isdigit() else None
    if definition.options.get("DISP") == "MOD" and disk.find(fn, ft) is not None:
        disk.append(fn, ft, records, recfm=recfm)
        return
    disk.write(fn, ft, records, recfm=recfm, lrecl=lrecl, mode_number=number)


async def _write_output(
    cms: Cms, definition: Definition, data: DataSet, output: tuple[str, int | None, list[bytes]]
) -> None:
    recfm, lrecl, records = output
    device = definition.device
    if device == "DISK":
        if records:
            _write_disk(cms, definition, recfm, lrecl, records)
    elif device == "TERMINAL":
        cms.console.type(*(decode(record) for record in records))
    elif device == "PRINTER":
        carriage = definition.options.get("RECFM", "").endswith("A")
        if any(len(record) > 132 + carriage for record in records):
            raise CommandError(119, "RECORD LENGTH EXCEEDS 132 FOR THE PRINTER", rc=32)
        print_records(cms, records, carriage)
        await _close(cms, PRINTER_ADDRESS, data.name)
    elif device == "PUNCH":
        if any(len(record) > CARD for record in records):
            raise CommandError(119, "RECORD LENGTH EXCEEDS 80 FOR THE PUNCH", rc=32)
        punch_cards(cms, records)
        await _close(cms, PUNCH_ADDRESS, data.name)
    elif device != "DUMMY":
        raise CommandError(27, f"INVALID DEVICE '{device}' FOR DDNAME '{definition.ddname}'")


@command("MOVEFILE", 4, "MVE")
async def movefile(cms: Cms, call: Call) -> int:
    """Copy the input ddname's data set to the output ddname's."""
    for option in call.options:
        if option != "PDS":
            raise invalid_option(option)
        raise _unsupported("MOVEFILE (PDS")
    if len(call.operands) > 2:
        raise invalid_parameter(call.operands[2])
    names = [*call.operands, *("INMOVE", "OUTMOVE")[len(call.operands) :]]
    source, target = definition_of(cms, names[0]), definition_of(cms, names[1])
    if target.device in TAPES:  # refused before any input is taken
        raise _not_attached(target)
    if target.device == "READER":
        raise CommandError(27, f"INVALID DEVICE 'READER' FOR DDNAME '{target.ddname}'")
    data = await _read_input(cms, source)
    if data is None:
        cms.console.error("MVE", 701, "I", "NULL FILE")
        return 8
    try:
        await _write_output(cms, target, data, reformat(data, target))
    except CmsFsError:  # the reader file stays in the reader when the move fails
        if data.reader_file is not None:
            await cms.guest.finish_reader_file(data.reader_file, keep=True)
        raise
    if data.reader_file is not None:
        await cms.guest.finish_reader_file(data.reader_file)
    return 0
