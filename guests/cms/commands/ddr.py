"""DDR: the DASD Dump Restore program as a CMS command (reference/cp-cms.md 10.6).

``DDR [fn ft [fm|*]]`` takes its control statements from that file, or from the
console after the prompt ``ENTER:`` (a null line there ends a function's
extents, a second one ends DDR). What it does is in the R6 CMS Command and
Macro Reference (DDR):

- ``INPUT|OUTPUT cuu type [volser|SCRATCH]`` define the devices. Under CMS the
  type must be that of the virtual device (DMKDDR708E INVALID OPTION), a
  device that is not there gives ``INVALID INPUT OR OUTPUT DEFINITION``, and
  an output DASD is released from CMS first. A volser other than SCRATCH is
  checked against the volume label (DMKDDR711R asks whether to go on).
- ``SYSPRINT cuu`` is accepted and, as the manual says for CMS, ignored: PRINT
  output goes to the printer 00E.
- ``COPY ALL | cyl1 [TO] [cyl2 [REORDER] [TO] [cyl3]]`` (up to 20 extents, each
  statement or console line one extent; ``COPY`` alone asks ``ENTER CYLINDER
  EXTENTS``) copies whole tracks between two DASDs of the same type.
- ``TYPE|PRINT cyl1 [hh1 [rr1]] [TO cyl2 [hh2 [rr2]]] [(HEX|GRAPHIC|COUNT)]`` lists
  one extent of the input on the console or the printer (ddrtrack.dump_lines).
- ``DUMP`` and ``RESTORE`` need a tape, and vm370 has no tape devices: they,
  and INPUT/OUTPUT statements naming a tape type, are refused with a message
  saying so. ``CPVOL`` and ``NUCLEUS`` extents describe CP system volumes and are
  refused the same way.

Every track moves through DIAGNOSE X'20' channel programs (ddrtrack); DDR never
touches a volume image. Message numbers other than 702E and 708E, and the
texts COPYING, END OF COPY, END OF JOB, are best estimates from later DDR.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from guests.cms.commands import command
from guests.cms.commands.access import release_letter
from guests.cms.commands.common import CommandError, decode, invalid_parameter
from guests.cms.commands.ddrtrack import (
    STORAGE_NEEDED,
    TrackError,
    dump_lines,
    read_track,
    write_track,
)
from guests.cms.commands.unitrec import PRINTER_ADDRESS, print_records
from guests.cms.diag import DiskNotAttached, NotDasd, device_type, diagnose_now
from guests.cms.fs.device import cms_geometry
from guests.cms.fs.errors import BlockIOError
from guests.cms.plist import Call

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

__all__ = ["Ddr", "Extent", "parse_extent"]

DASD_TYPES = {"2314": 0x2314, "2319": 0x2314, "3330": 0x3330, "3330-1": 0x3330,
              "3330-11": 0x3330, "3333": 0x3330, "3340": 0x3340, "3340-35": 0x3340,
              "3340-70": 0x3340, "3344": 0x3340, "3350": 0x3350}  # fmt: skip
TAPE_TYPES = ("2400", "2415", "2420", "3410", "3411", "3420")
MAX_EXTENTS = 20
NO_TAPES = "DUMP AND RESTORE NEED A TAPE; THIS SYSTEM HAS NO TAPE DEVICES"


class DdrError(Exception):
    """One statement failed: the lines DDR shows before it prompts again."""

    def __init__(self, *lines: str) -> None:
        super().__init__(lines[0])
        self.lines = lines


@dataclass
class Unit:
    """An INPUT or OUTPUT device."""

    vaddr: int
    device_type: int
    volser: str
    cylinders: int
    heads: int
    read_only: bool


@dataclass(frozen=True)
class Extent:
    """Cylinders ``first``..``last`` of the input to ``to`` on the output."""

    first: int
    last: int
    to: int


@dataclass
class Ddr:
    """One DDR run: its devices, the function being collected, the printer state."""

    cms: Cms
    from_console: bool
    lines: list[str] = field(default_factory=list)
    input: Unit | None = None
    output: Unit | None = None
    function: str = ""
    extents: list[Extent] = field(default_factory=list)
    all_cylinders: bool = False
    printed: bool = False
    failed: bool = False

    def say(self, *lines: str) -> None:
        self.cms.console.type(*lines)

    def show(self, error: DdrError) -> None:
        """A failed statement's lines: DMKDDR messages under CP SET EMSG, the rest typed."""
        self.failed = True
        for line in error.lines:
            if line.startswith("DMKDDR"):
                self.cms.console.message(line)
            else:
                self.say(line)

    async def read(self, prompt: str = "ENTER:") -> str | None:
        """The next statement (columns 1-71, upper case); None at the end of the file."""
        if not self.from_console:
            return self.lines.pop(0)[:71].upper() if self.lines else None
        self.say(prompt)
        return (await self.cms.console.read(upper=True))[:71]


def parse_extent(words: list[str], cylinders: int) -> Extent:
    """``cyl1 [TO] [cyl2 [REORDER] [TO] [cyl3]]``; DdrError for anything else."""
    numbers: list[int] = []
    for word in words:
        if word in ("TO", "REORDER", "REORD", "RE", "T"):
            continue
        if not word.isdigit():
            raise DdrError(f"DMKDDR701E INVALID OPERAND - {word}")
        numbers.append(int(word))
    if not numbers or len(numbers) > 3:
        raise DdrError("DMKDDR703E OPERAND MISSING" if not numbers else "DMKDDR701E INVALID "
                       f"OPERAND - {words[-1]}")  # fmt: skip
    first, last = numbers[0], numbers[1] if len(numbers) > 1 else numbers[0]
    if last < first or last >= cylinders:
        raise DdrError("DMKDDR713E OVERLAPPING OR INVALID EXTENTS")
    return Extent(first, last, numbers[2] if len(numbers) > 2 else first)


async def _unit(ddr: Ddr, words: list[str]) -> Unit:
    """``cuu type [volser]`` of an INPUT or OUTPUT statement."""
    if len(words) < 2:
        raise DdrError("DMKDDR703E OPERAND MISSING")
    if words[1] in TAPE_TYPES:
        raise DdrError("INVALID INPUT OR OUTPUT DEFINITION", NO_TAPES)
    wanted = DASD_TYPES.get(words[1])
    try:
        vaddr = int(words[0], 16)
    except ValueError:
        raise DdrError(f"DMKDDR701E INVALID OPERAND - {words[0]}") from None
    if wanted is None or not 0 < vaddr <= 0xFFF or len(words[0]) > 3:
        raise DdrError(f"DMKDDR701E INVALID OPERAND - {words[1] if wanted is None else words[0]}")
    try:
        actual = device_type(ddr.cms.guest, vaddr)
    except (DiskNotAttached, NotDasd):
        raise DdrError("INVALID INPUT OR OUTPUT DEFINITION") from None
    if actual != wanted:
        raise DdrError("DMKDDR708E INVALID OPTION")
    cylinders, read_only = await _size(ddr.cms, vaddr)
    volser = words[2] if len(words) > 2 else "SCRATCH"
    return Unit(vaddr, actual, volser, cylinders, cms_geometry(actual).heads, read_only)


async def _size(cms: Cms, vaddr: int) -> tuple[int, bool]:
    """(cylinders, read-only) from CP's ``QUERY VIRTUAL vaddr``."""
    _, lines = await cms.guest.cp(f"QUERY VIRTUAL {vaddr:03X}")
    for line in lines:
        words = line.split()
        if len(words) >= 6 and words[0] == "DASD" and words[-1] == "CYL" and words[-2].isdigit():
            return int(words[-2]), "R/O" in words
    raise DdrError("INVALID INPUT OR OUTPUT DEFINITION")


def _label_of(ddr: Ddr, unit: Unit) -> str:
    """The volume label: an OS VOL1 label or a CMS label in record 3 of track 0."""
    try:
        track = read_track(ddr.cms.guest, unit.vaddr, 0, 0)
    except TrackError:
        return ""
    for record in track.records:
        if record[4] == 3:
            data = decode(record[8 + record[5] :][:10])
            if data[:4] in ("VOL1", "CMS="):
                return data[4:10].strip()
    return ""


async def _check_volser(ddr: Ddr, unit: Unit) -> bool:
    """DMKDDR711R when the label is not the volser named; True to go on."""
    if unit.volser == "SCRATCH":
        return True
    found = _label_of(ddr, unit)
    if found == unit.volser:
        return True
    ddr.say(f"DMKDDR711R VOLID READ IS {found or 'NONE'} NOT {unit.volser}")
    answer = await ddr.read("DO YOU WISH TO CONTINUE?  RESPOND YES NO OR REREAD:")
    return (answer or "").strip() == "YES"


async def _define(ddr: Ddr, keyword: str, words: list[str]) -> None:
    """INPUT or OUTPUT: a pending function runs first; an output DASD leaves CMS."""
    await _run_pending(ddr)
    unit = await _unit(ddr, words)
    if keyword == "INPUT":
        ddr.input = unit
        return
    for letter in ddr.cms.disks.letters_of(unit.vaddr):
        release_letter(ddr.cms, letter)
    ddr.output = unit


def _add_extent(ddr: Ddr, function: str, words: list[str]) -> None:
    """One extent of a COPY; DUMP and RESTORE need a tape."""
    if function in ("DUMP", "RESTORE"):
        raise DdrError(NO_TAPES)
    if (ddr.function and ddr.function != function) or ddr.input is None or ddr.output is None:
        raise DdrError("DMKDDR702E CONTROL STATEMENT SEQUENCE ERROR")
    if words[0] in ("CPVOL", "CP", "NUCLEUS", "NU", "NUC"):
        raise DdrError(
            f"DMKDDR701E INVALID OPERAND - {words[0]}",
            "CPVOL AND NUCLEUS APPLY TO CP SYSTEM VOLUMES, NOT TO MINIDISKS",
        )
    if words[0] == "ALL":
        ddr.all_cylinders = True
        extent = Extent(0, ddr.input.cylinders - 1, 0)
    else:
        extent = parse_extent(words, ddr.input.cylinders)
    if len(ddr.extents) >= MAX_EXTENTS:
        raise DdrError("DMKDDR712E NUMBER OF EXTENTS EXCEEDS 20")
    span = range(extent.to, extent.to + extent.last - extent.first + 1)
    for other in ddr.extents:
        if other.to <= span[-1] and span[0] <= other.to + other.last - other.first:
            raise DdrError("DMKDDR713E OVERLAPPING OR INVALID EXTENTS")
    ddr.function = function
    ddr.extents.append(extent)


async def _run_pending(ddr: Ddr) -> None:
    """Run the COPY whose extents were collected (at a delimiter)."""
    if not ddr.function:
        return
    extents, all_cylinders = ddr.extents, ddr.all_cylinders
    ddr.function, ddr.extents, ddr.all_cylinders = "", [], False
    source, target = ddr.input, ddr.output
    assert source is not None and target is not None
    if source.device_type != target.device_type or source.vaddr == target.vaddr:
        raise DdrError("INVALID INPUT OR OUTPUT DEFINITION")
    if target.read_only:
        raise DdrError("DMKDDR718E OUTPUT UNIT IS FILE PROTECTED")
    extents = await _fit(ddr, extents, all_cylinders, target)
    if not extents or not await _check_volser(ddr, source) or not await _check_volser(ddr, target):
        return
    ddr.say(f"COPYING   {_label_of(ddr, source)}")
    for extent in extents:
        await _copy_extent(ddr, extent, source, target)
    ddr.say("END OF COPY")


async def _fit(ddr: Ddr, extents: list[Extent], all_cylinders: bool, target: Unit) -> list[Extent]:
    """The extents that fit the output (DMKDDR725R for COPY ALL to a smaller device)."""
    last = max(extent.to + extent.last - extent.first for extent in extents)
    if last < target.cylinders:
        return extents
    if not all_cylinders:
        raise DdrError("DMKDDR713E OVERLAPPING OR INVALID EXTENTS")
    ddr.say("DMKDDR725R ORIGINAL INPUT DEVICE WAS LARGER THAN OUTPUT DEVICE.")
    answer = await ddr.read("DO YOU WISH TO CONTINUE?  RESPOND YES OR NO:")
    if (answer or "").strip() != "YES":
        return []
    return [Extent(0, target.cylinders - 1, 0)]


async def _copy_extent(ddr: Ddr, extent: Extent, source: Unit, target: Unit) -> None:
    guest = ddr.cms.guest
    for cylinder in range(extent.first, extent.last + 1):
        to = extent.to + cylinder - extent.first
        for head in range(source.heads):
            try:
                track = read_track(guest, source.vaddr, cylinder, head)
                write_track(guest, target.vaddr, track, to, head, cylinder)
            except TrackError as error:
                if error.write_inhibited:
                    raise DdrError("DMKDDR718E OUTPUT UNIT IS FILE PROTECTED") from None
                raise DdrError(f"DMKDDR705E I/O ERROR {error}") from None
            await ddr.cms.checkpoint()


@dataclass(frozen=True)
class Listing:
    """The extent of a TYPE or PRINT: first and last track, the record bounds, the style."""

    start: tuple[int, int]
    end: tuple[int, int]
    first_record: int
    last_record: int
    style: str


def _listing(words: list[str], unit: Unit) -> Listing:
    """``cyl1 [hh1 [rr1]] [TO cyl2 [hh2 [rr2]]] [(options)]``."""
    options = words[words.index("(") + 1 :] if "(" in words else []
    words = words[: words.index("(")] if "(" in words else words
    style = "BOTH"
    for option in [word for word in options if word != ")"]:
        if option not in ("HEX", "GRAPHIC", "COUNT"):
            raise DdrError("DMKDDR708E INVALID OPTION")
        style = option
    at = words.index("TO") if "TO" in words else len(words)
    low, high = _numbers(words[:at]), _numbers(words[at + 1 :])
    if not low or len(low) > 3 or len(high) > 3 or (at < len(words) and not high):
        raise DdrError("DMKDDR703E OPERAND MISSING" if not low else "DMKDDR701E INVALID OPERAND")
    if at == len(words):  # no TO: the cylinder, track or record named
        high = low
    last_head = unit.heads - 1
    start = (low[0], low[1] if len(low) > 1 else 0)
    end = (high[0], high[1] if len(high) > 1 else last_head)
    first_record = low[2] if len(low) > 2 else 0
    last_record = high[2] if len(high) > 2 else 255
    if start > end or end[0] >= unit.cylinders or max(start[1], end[1]) > last_head:
        raise DdrError("DMKDDR713E OVERLAPPING OR INVALID EXTENTS")
    return Listing(start, end, first_record, last_record, style)


def _numbers(words: list[str]) -> list[int]:
    for word in words:
        if not word.isdigit():
            raise DdrError(f"DMKDDR701E INVALID OPERAND - {word}")
    return [int(word) for word in words]


async def _list(ddr: Ddr, keyword: str, words: list[str]) -> None:
    """TYPE (console) or PRINT (printer 00E) of one extent of the input."""
    if ddr.input is None:
        raise DdrError("DMKDDR702E CONTROL STATEMENT SEQUENCE ERROR")
    listing, unit = _listing(words, ddr.input), ddr.input
    printed: list[str] = []
    cylinder, head = listing.start
    while (cylinder, head) <= listing.end:
        try:
            track = read_track(ddr.cms.guest, unit.vaddr, cylinder, head)
        except TrackError as error:
            raise DdrError(f"DMKDDR705E I/O ERROR {error}") from None
        low = listing.first_record if (cylinder, head) == listing.start else 0
        high = listing.last_record if (cylinder, head) == listing.end else 255
        lines = dump_lines(track, cylinder, head, range(low, high + 1), listing.style)
        if keyword == "TYPE":
            ddr.say(*lines)
        else:
            printed += lines
        await ddr.cms.checkpoint()
        cylinder, head = (cylinder, head + 1) if head < unit.heads - 1 else (cylinder + 1, 0)
    if printed:
        print_records(ddr.cms, [line.encode("cp037") for line in printed], carriage=False)
        ddr.printed = True


KEYWORDS = (("INPUT", 2), ("OUTPUT", 3), ("SYSPRINT", 2), ("DUMP", 2), ("COPY", 2),
            ("RESTORE", 2), ("PRINT", 2), ("TYPE", 2))  # fmt: skip


def _keyword(word: str) -> str | None:
    for name, shortest in KEYWORDS:
        if shortest <= len(word) <= len(name) and name.startswith(word):
            return name
    return None


async def _statement(ddr: Ddr, line: str) -> None:
    words = line.replace("(", " ( ").replace(")", " ) ").split()
    keyword = _keyword(words[0])
    rest = words[1:]
    if keyword in ("INPUT", "OUTPUT"):
        await _define(ddr, keyword, rest)
    elif keyword == "SYSPRINT":  # CMS DDR prints on 00E whatever SYSPRINT says (manual)
        if len(rest) != 1 or not all(char in "0123456789ABCDEF" for char in rest[0]):
            raise DdrError("DMKDDR703E OPERAND MISSING" if not rest else
                           f"DMKDDR701E INVALID OPERAND - {rest[0]}")  # fmt: skip
    elif keyword in ("PRINT", "TYPE"):
        await _list(ddr, keyword, rest)
    elif keyword in ("DUMP", "COPY", "RESTORE"):
        await _function(ddr, keyword, rest)
    else:
        raise DdrError(f"DMKDDR701E INVALID OPERAND - {words[0]}")


async def _function(ddr: Ddr, keyword: str, rest: list[str]) -> None:
    """A DUMP/COPY/RESTORE statement; alone on the console it asks for the extents."""
    if rest:
        _add_extent(ddr, keyword, rest)
        return
    if not ddr.from_console:
        raise DdrError("DMKDDR703E OPERAND MISSING")
    if keyword != "COPY":
        raise DdrError(NO_TAPES)
    ddr.say("ENTER CYLINDER EXTENTS")
    while True:
        line = await ddr.read()
        if not line or not line.strip():
            await _run_pending(ddr)
            return
        try:
            _add_extent(ddr, keyword, line.split())
        except DdrError as error:
            ddr.show(error)
        ddr.say("ENTER NEXT EXTENT OR NULL LINE")


def _control_file(cms: Cms, operands: list[str]) -> list[str] | None:
    """The records of ``fn ft [fm|*]``; None (DMKDDR719E shown) when there is no such file."""
    found = None
    if len(operands) in (2, 3):
        mode = operands[2] if len(operands) > 2 else "*"
        if mode == "*" or (len(mode) <= 2 and mode[0].isalpha() and mode[1:] in "0123456"):
            found = cms.disks.find(operands[0], operands[1], mode)
    if found is None:
        cms.console.message("DMKDDR719E INVALID FILE NAME OR FILE NOT FOUND")
        return None
    accessed, entry = found
    return [decode(record).rstrip() for record in accessed.disk.read(entry.fn, entry.ft)]


async def _session(ddr: Ddr) -> None:
    """Statements until the end of the control file or a null line at the console."""
    while True:
        line = await ddr.read()
        try:
            if line is None:  # the end of the control file
                await _run_pending(ddr)
                return
            if not line.strip():
                if ddr.from_console and not ddr.function:
                    return
                await _run_pending(ddr)
                continue
            await _statement(ddr, line)
        except DdrError as error:
            ddr.show(error)


def _check_storage(cms: Cms) -> None:
    """DDR's channel programs and track buffers need storage up to X'60000' (DIAGNOSE X'60')."""
    try:
        result = diagnose_now(cms.guest, 0x60, rx=0)
    except BlockIOError:
        return
    if result.cc == 0 and result.rx < STORAGE_NEEDED:
        raise CommandError(109, "VIRTUAL STORAGE CAPACITY EXCEEDED", rc=104, severity="S")


@command("DDR", 3, "DDR")
async def ddr_command(cms: Cms, call: Call) -> int:
    """``DDR [fn ft [fm|*]]``."""
    if call.options:
        raise invalid_parameter(call.options[0])
    _check_storage(cms)
    lines = _control_file(cms, call.operands) if call.operands else None
    if call.operands and lines is None:
        return 28
    ddr = Ddr(cms, from_console=lines is None, lines=lines or [])
    if ddr.from_console:
        ddr.say("VM/370 DASD DUMP/RESTORE PROGRAM")
    await _session(ddr)
    if ddr.printed:
        await cms.guest.cp(f"CLOSE {PRINTER_ADDRESS:03X}", capture=True)
    ddr.say("END OF JOB")
    return 4 if ddr.failed else 0
