"""ASSEMBLE fn [(options)]: assemble ``fn ASSEMBLE`` into ``fn TEXT`` and ``fn LISTING``.

reference/cp-cms.md 10.2; the assembler is guests/cms/assembler. The source
must be fixed 80-character records. As the R6 logic manual describes for
the CMS assembler interfaces, the TEXT and LISTING files go to the source's
disk when it is read/write, to the disk it extends when it is a read-only
extension of a read/write disk, and otherwise to the A-disk.

Options: LIST|NOLIST (source and object in the listing), XREF|NOXREF
(``XREF(SHORT)``: only the symbols referred to), ESD|NOESD, RLD|NORLD, DISK|PRINT|NOPRINT
(the listing as ``fn LISTING`` on disk, on the virtual printer, or not at
all), DECK|NODECK (the object deck on the virtual punch),
OBJECT|NOOBJECT (``fn TEXT`` on disk), TERMINAL|NOTERM (flagged statements
and their messages typed at the terminal), NUMBER|NONUM and STMT|NOSTMT
(what those typed lines show), LINECOUN(n) (listing lines per page),
FLAG(n) (list only messages of severity n or more). MCALL|NOMCALL,
NOALOGIC, NOMLOGIC, NOLIBMAC and YFLAG|NOYFLAG are accepted and change
nothing (the listing always shows the macro calls and their generated
statements, as PRINT GEN/NOGEN choose). ALOGIC, MLOGIC, LIBMAC, SYSPARM,
TEST, RENT and NOALIGN are refused with DMSASM003E.

Macros not defined in the source are looked for in the GLOBAL MACLIBs in
their order, then among the CMSLIB macros of guests/cms/assembler/cmslib.py.

The R6 Service Routines Program Logic (the ASM3705 command, DMSARX, which
follows the same steps) gives the output disk rule above, that the old
TEXT and LISTING files are erased first, and the texts of 001E, 003E, 006E
NO READ/WRITE DISK ACCESSED and 007E FILE 'fn ft' IS NOT FIXED, 80-CHAR.
RECORDS. Best estimates: the module id ASM (by analogy with ARX), the
terminal summary (the statistics lines VM/370 CE's Assembler XF types:
NO STATEMENTS FLAGGED IN THIS ASSEMBLY, HIGHEST SEVERITY WAS n, TOTAL
RECORDS READ FROM SYSTEM LIBRARY n, TOTAL RECORDS PUNCHED n) and the
return code being the highest severity.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from guests.cms.assembler.cmslib import cmslib_member
from guests.cms.assembler.core import Assembly, assemble
from guests.cms.assembler.maclib import MaclibError, MacLibrary, read_maclib
from guests.cms.assembler.output import NEW_PAGE, listing_lines, object_deck, summary_lines
from guests.cms.commands import command
from guests.cms.commands.common import (
    CommandError,
    decode,
    encode,
    invalid_option,
    numeric,
)
from guests.cms.commands.unitrec import PRINTER_ADDRESS, PUNCH_ADDRESS, print_records, punch_cards
from guests.cms.fs.errors import FileNotFound
from guests.cms.plist import Call

if TYPE_CHECKING:
    from guests.cms.disks import AccessedDisk
    from guests.cms.nucleus import Cms

__all__ = ["AssembleOptions", "parse_options"]

LISTING_LRECL = 121
FLAGS = {"LIST": ("list", True), "NOLIST": ("list", False), "XREF": ("xref", True),
         "NOXREF": ("xref", False), "ESD": ("esd", True), "NOESD": ("esd", False),
         "RLD": ("rld", True), "NORLD": ("rld", False), "DECK": ("deck", True),
         "NODECK": ("deck", False), "OBJECT": ("object", True), "NOOBJECT": ("object", False),
         "LOAD": ("object", True), "NOLOAD": ("object", False), "TERMINAL": ("term", True),
         "TERM": ("term", True), "NOTERM": ("term", False), "NUMBER": ("number", True),
         "NONUM": ("number", False), "STMT": ("stmt", True), "NOSTMT": ("stmt", False),
         "DISK": ("where", "DISK"), "PRINT": ("where", "PRINT"),
         "NOPRINT": ("where", "NONE"), "ALIGN": ("align", True), "NORENT": ("rent", False),
         "NOTEST": ("test", False)}  # fmt: skip
# what this assembler's listing already does; ALOGIC, MLOGIC, LIBMAC and SYSPARM
# would change the listing or &SYSPARM and are refused (003E)
MACRO_OPTIONS = {"NOALOGIC", "MCALL", "NOMCALL", "NOMLOGIC", "NOLIBMAC", "YFLAG", "NOYFLAG"}
VALUED = {"LINECOUN", "FLAG", "SYSPARM", "BUFSIZE", "XREF"}


@dataclass
class AssembleOptions:
    list: bool = True
    xref: bool = True
    esd: bool = True
    rld: bool = True
    deck: bool = False
    object: bool = True
    term: bool = True
    number: bool = True
    stmt: bool = False
    where: str = "DISK"
    align: bool = True
    rent: bool = False
    test: bool = False
    linecount: int = 55
    flag: int = 0
    xref_short: bool = False


def parse_options(options: list[str]) -> AssembleOptions:
    """The option list; 003E for one this assembler does not know or cannot honour."""
    chosen = AssembleOptions()
    index = 0
    while index < len(options):
        word = options[index]
        value = ""
        if word in VALUED and index + 1 < len(options) and options[index + 1] == "(":
            value = options[index + 2] if index + 2 < len(options) else ""
            index += 2
        index += 1
        _apply(chosen, word, value)
    return chosen


def _apply(chosen: AssembleOptions, word: str, value: str) -> None:
    if word in FLAGS:
        setattr(chosen, *FLAGS[word])
        if word == "XREF" and value not in ("", "FULL", "SHORT"):
            raise CommandError(29, f"INVALID PARAMETER '{value}' IN THE OPTION 'XREF' FIELD")
        if word == "XREF":
            chosen.xref_short = value == "SHORT"
    elif word == "LINECOUN":
        chosen.linecount = numeric(value, word) if value else 55
    elif word == "FLAG":
        chosen.flag = numeric(value, word) if value else 0
    elif word in MACRO_OPTIONS or word == "BUFSIZE":
        return
    else:
        raise invalid_option(word)


def _output_disk(cms: Cms, source: AccessedDisk) -> AccessedDisk:
    if not source.read_only:
        return source
    if source.parent is not None:
        parent = cms.disks.get(source.parent)
        if parent is not None and not parent.read_only:
            return parent
    a_disk = cms.disks.get("A")
    if a_disk is None or a_disk.read_only:
        raise CommandError(6, "NO READ/WRITE DISK ACCESSED", rc=36)
    return a_disk


def _paged(lines: list[str], linecount: int, title: str) -> list[str]:
    """ASA carriage control: a heading on a new page every ``linecount`` lines, at
    EJECT, and at TITLE (whose text heads the pages from then on)."""
    paged: list[str] = []
    per_page, on_page, page = max(10, linecount), 0, 0
    for line in lines:
        if line.startswith(NEW_PAGE):
            title = line[1:] or title
            on_page = 0
            continue
        if on_page == 0:
            page += 1
            paged += [f"1{title[:100]:<100}PAGE {page:4d}", "0"]
        paged.append(" " + line)
        on_page = (on_page + 1) % per_page
    return paged


def _terminal_lines(assembly: Assembly, options: AssembleOptions) -> list[str]:
    lines = []
    for diagnostic in assembly.diagnostics:
        if diagnostic.severity < options.flag:
            continue
        statement = next(line.statement for line in assembly.lines
                         if line.statement is not None
                         and line.statement.number == diagnostic.statement)  # fmt: skip
        prefix = f"{statement.number:5d} " if options.stmt else ""
        sequence = statement.text[72:80].strip() if options.number else ""
        lines.append(f"{prefix}{sequence} {statement.text[:71].rstrip()}".strip())
        lines.append(f"IFO{diagnostic.number:03d} {diagnostic.text}")
    return lines


@command("ASSEMBLE", 1, "ASM")
async def assemble_command(cms: Cms, call: Call) -> int:
    """ASSEMBLE fn [(options)]."""
    if not call.operands:
        raise CommandError(1, "NO FILENAME SPECIFIED")
    if len(call.operands) > 1:
        raise CommandError(70, f"INVALID PARAMETER '{call.operands[1]}'")
    name = call.operands[0]
    options = parse_options(call.options)
    found = cms.disks.find(name, "ASSEMBLE")
    if found is None:
        raise FileNotFound(f"{name} ASSEMBLE *")
    source, entry = found
    if entry.recfm != "F" or entry.lrecl != 80:
        raise CommandError(7, f"FILE '{name} ASSEMBLE' IS NOT FIXED, 80-CHAR. RECORDS", rc=32)
    target = _output_disk(cms, source)
    for filetype in ("TEXT", "LISTING"):  # the old outputs go first, as DMSERS erases them
        if target.disk.find(name, filetype) is not None:
            target.disk.erase(name, filetype)
    records = [decode(record) for record in source.disk.read(entry.fn, entry.ft)]
    # a long assembly must not hold up the other users: it runs off the event loop
    assembly = await asyncio.to_thread(assemble, records, _macro_library(cms))
    deck_records = await _write_outputs(cms, target, name, assembly, options)
    if options.term:
        cms.console.type(*_terminal_lines(assembly, options))
    cms.console.type("ASSEMBLER DONE", *summary_lines(assembly),
                     f"TOTAL RECORDS READ FROM SYSTEM LIBRARY {assembly.library_records:8d}",
                     f"TOTAL RECORDS PUNCHED {deck_records:24d}")  # fmt: skip
    return assembly.severity


def _macro_library(cms: Cms) -> Callable[[str], list[str] | None]:
    """Member lookup: the GLOBAL MACLIBs in order, then the built-in CMSLIB macros."""
    libraries: list[MacLibrary] = []
    for name in cms.settings.maclibs:
        found = cms.disks.find(name, "MACLIB")
        if found is None:
            continue
        accessed, entry = found
        try:
            libraries.append(read_maclib(accessed.disk.read(entry.fn, entry.ft)))
        except MaclibError as error:
            cms.console.error("ASM", 88, "W", f"MACLIB '{name}' IGNORED: {error}")

    def lookup(member: str) -> list[str] | None:
        for library in libraries:
            found = library.find(member)
            if found is not None:
                return [decode(record) for record in found.records]
        return cmslib_member(member)

    return lookup


async def _write_outputs(cms: Cms, target: AccessedDisk, name: str, assembly: Assembly,
                         options: AssembleOptions) -> int:  # fmt: skip
    """Write the TEXT file, the deck and the listing; the number of object cards."""
    deck = object_deck(assembly)
    if options.object:
        target.disk.write(name, "TEXT", deck, recfm="F", lrecl=80)
    if options.deck:
        punch_cards(cms, deck)
        await cms.guest.cp(f"CLOSE {PUNCH_ADDRESS:03X} NAME {name} TEXT", capture=True)
    if options.where == "NONE":
        return len(deck)
    lines = listing_lines(assembly, source=options.list, xref=options.xref, esd=options.esd,
                          rld=options.rld, flag=options.flag,
                          xref_short=options.xref_short)  # fmt: skip
    paged = _paged(lines, options.linecount, f"{name} ASSEMBLE")
    if options.where == "PRINT":
        print_records(cms, [encode(line) for line in paged], carriage=True)
        await cms.guest.cp(f"CLOSE {PRINTER_ADDRESS:03X} NAME {name} LISTING", capture=True)
        return len(deck)
    records = [encode(line[:LISTING_LRECL].ljust(LISTING_LRECL)) for line in paged]
    target.disk.write(name, "LISTING", records, recfm="F", lrecl=LISTING_LRECL)
    return len(deck)
