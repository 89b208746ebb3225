"""Program development: LOAD, INCLUDE, START, GENMOD, LOADMOD, MODMAP, and MODULE files.

reference/cp-cms.md 10.13; R6 CMS Command and Macro Reference (GC20-1818,
LOAD usage notes: LOAD MAP A5 replaced on each LOAD, unresolved names set to
0, duplicate sections bypassed with a warning under DUP, entry point from
START, then RESET, then ENTRY/LDT cards, then the first END with an entry).

A MODULE file (RECFM V) is a header record, then (GENMOD MAP, the default)
the loader table, one 16-byte entry per name, "placed in front of the load
module" as the R6 GENMOD help says, then the storage image from its first
to its last location, in records of up to 65520 bytes. The header
follows the layout later CMS documents as MODHDCB: start address, first
location, last location (exclusive), location counter, 16 reserved bytes,
flags (X'01' SYSTEM; X'80' in the second byte: STR), 4 reserved bytes, the
number of loader table entries; 80 bytes in all. Whether R6 wrote exactly
this is a best estimate. A loader table entry is CL8 name, CL2 type
(``SD``, ``LD``, ``CM``, ``PC``), X'0000', A(address).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from guests.cms.commands import command
from guests.cms.commands.common import (
    CommandError,
    decode,
    encode,
    invalid_option,
    parse_mode,
    read_write_disk,
)
from guests.cms.commands.txtlib import library_members  # registers TXTLIB
from guests.cms.fs.errors import FileNotFound
from guests.cms.loader import USER_AREA, CardError, Loader, MapEntry, Section
from guests.cms.plist import Call
from guests.cms.program import TRANSIENT_AREA, ProgramRun, run_program

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

__all__ = ["Module", "load_module", "run_module"]

HEADER = 80
IMAGE_RECORD = 65520
ENTRY_SIZE = 16
SYSTEM_FLAG, STR_FLAG = 0x01, 0x80


@dataclass
class LoadOptions:
    clear: bool = False
    reset: str = ""
    origin: int | None = None
    map: bool = True
    type: bool = False
    auto: bool = True
    start: bool = False
    dup: bool = True
    libe: bool = True


def _load_options(options: list[str], cms: Cms) -> LoadOptions:
    chosen = LoadOptions()
    flags = {"CLEAR": ("clear", True), "NOCLEAR": ("clear", False), "MAP": ("map", True),
             "NOMAP": ("map", False), "TYPE": ("type", True), "NOTYPE": ("type", False),
             "AUTO": ("auto", True), "NOAUTO": ("auto", False), "START": ("start", True),
             "DUP": ("dup", True), "NODUP": ("dup", False), "LIBE": ("libe", True),
             "NOLIBE": ("libe", False), "NOLIB": ("libe", False)}  # fmt: skip
    accepted = {"INV", "NOINV", "REP", "NOREP", "SAME"}
    words = iter(options)
    for word in words:
        if word in flags:
            setattr(chosen, *flags[word])
        elif word == "RESET":
            chosen.reset = next(words, "")
            if not chosen.reset:
                raise CommandError(5, "NO ENTRY POINT SPECIFIED FOR 'RESET' OPTION")
        elif word == "ORIGIN":
            chosen.origin = _origin(next(words, ""), cms)
        elif word not in accepted:
            raise invalid_option(word)
    return chosen


def _origin(value: str, cms: Cms) -> int:
    if value == "TRANS":
        return TRANSIENT_AREA
    try:
        origin = int(value, 16)
    except ValueError:
        origin = -1
    if len(value) > 6 or not TRANSIENT_AREA <= origin < cms.program_guest.storage_size:
        raise CommandError(29, f"INVALID PARAMETER '{value}' IN THE OPTION 'ORIGIN' FIELD")
    return origin


def _read_text(cms: Cms, name: str) -> list[bytes] | None:
    found = cms.disks.find(name, "TEXT")
    if found is None:
        return None
    return found[0].disk.read(name, "TEXT")


def _load_deck(loader: Loader, name: str, cards: list[bytes]) -> None:
    try:
        loader.load_deck(name, cards)
    except CardError as error:
        raise CommandError(106, f"INVALID CARD IN {error}", rc=32, severity="S") from None


def _library_deck(cms: Cms, name: str) -> list[bytes] | None:
    """The cards of the member holding entry ``name`` in the first GLOBAL TXTLIB that has it."""
    for library_name in cms.settings.txtlibs:
        library = library_members(cms, library_name)
        member = library.find(name) if library is not None else None
        if member is not None:
            return member.cards
    return None


def _load_files(cms: Cms, loader: Loader, names: list[str], options: LoadOptions) -> None:
    """The named TEXT files (or TXTLIB members), then what resolves the open names:
    TEXT files of those names (AUTO), then members of the GLOBAL TXTLIBs (LIBE)."""
    for name in names:
        cards = _read_text(cms, name)
        if cards is None and options.libe:
            cards = _library_deck(cms, name)
        if cards is None:
            raise CommandError(2, f"FILE '{name} TEXT' NOT FOUND", rc=28)
        _load_deck(loader, name, cards)
    tried: set[str] = set()
    while options.auto or options.libe:
        found = False
        for name in loader.wanted():
            if name in tried:
                continue
            tried.add(name)
            cards = _read_text(cms, name) if options.auto else None
            if cards is None and options.libe:
                cards = _library_deck(cms, name)
            if cards is not None:
                _load_deck(loader, name, cards)
                found = True
        if not found:
            break


def _finish_load(cms: Cms, loader: Loader, options: LoadOptions) -> int:
    """Storage, the duplicate and undefined-name warnings, the load map; the return code."""
    if loader.end > cms.program_guest.storage_size:
        raise CommandError(109, "VIRTUAL STORAGE CAPACITY EXCEEDED", rc=104, severity="S")
    cms.program_guest.write_storage(loader.origin, loader.relocated())
    if options.reset:
        if options.reset != "*":
            loader.entry_name = options.reset
            loader.entry_address = None
    if options.dup:
        for name in loader.duplicates:
            cms.console.error("LIO", 202, "W", f"DUPLICATE IDENTIFIER '{name}'")
    loader.duplicates.clear()
    return_code = 0
    undefined = loader.undefined()
    if undefined:
        cms.console.error("LIO", 201, "W", "THE FOLLOWING NAMES ARE UNDEFINED:")
        cms.console.type(*undefined)
        return_code = 4
    lines = map_lines(loader.map_entries())
    if options.map:
        _write_map(cms, lines)
    if options.type and options.map:
        cms.console.type(*lines)
    return return_code


def map_lines(entries: list[MapEntry]) -> list[str]:
    """The load map: name, type, address (format a best estimate)."""
    return [f"{entry.name:<8} {entry.kind:<2} {entry.address:06X}" for entry in entries]


def _write_map(cms: Cms, lines: list[str]) -> None:
    accessed = cms.disks.get("A")
    if accessed is None or accessed.read_only:
        cms.console.error("LIO", 37, "W", "DISK 'A' IS NOT ACCESSED READ/WRITE: NO LOAD MAP")
        return
    records = [encode(line.ljust(80)) for line in lines] or [encode(" " * 80)]
    accessed.disk.write("LOAD", "MAP", records, recfm="F", lrecl=80, mode_number=5)


@command("LOAD", 4, "LIO")
async def load(cms: Cms, call: Call) -> int:
    """LOAD fn... [(options)]: a new set of TEXT files in the user area."""
    if not call.operands:
        raise CommandError(1, "NO FILENAME SPECIFIED")
    options = _load_options(call.options, cms)
    origin = options.origin if options.origin is not None else USER_AREA
    loader = Loader(origin=origin, next_address=origin)
    cms.loader = None
    if options.clear:
        _clear(cms, origin)
    _load_files(cms, loader, call.operands, options)
    cms.loader = loader
    return_code = _finish_load(cms, loader, options)
    if options.start:
        return await _start(cms, loader, "", [])
    return return_code


@command("INCLUDE", 2, "LIO")
async def include(cms: Cms, call: Call) -> int:
    """INCLUDE fn... [(options)]: more TEXT files, the loader tables kept."""
    if not call.operands:
        raise CommandError(1, "NO FILENAME SPECIFIED")
    options = _load_options(call.options, cms)
    loader = cms.loader
    if loader is None:
        origin = options.origin if options.origin is not None else USER_AREA
        loader = cms.loader = Loader(origin=origin, next_address=origin)
    elif options.origin is not None:
        loader.next_address = max(options.origin, loader.origin)
    if options.clear:
        _clear(cms, loader.next_address)
    _load_files(cms, loader, call.operands, options)
    return_code = _finish_load(cms, loader, options)
    if options.start:
        return await _start(cms, loader, "", [])
    return return_code


def _clear(cms: Cms, origin: int) -> None:
    top = min(cms.program_guest.storage_size, cms.free_storage.floor_of_blocks())
    if top > origin:
        cms.program_guest.write_storage(origin, bytes(top - origin))


@command("START", 5, "LIO")
async def start(cms: Cms, call: Call) -> int:
    """START [*|entry [args...]]: run the loaded program."""
    words = call.args
    entry = words[0] if words else "*"
    if entry == "NO":
        if cms.loader is not None:
            cms.loader.allocate_commons()
            return 0
    loader = cms.loader
    if loader is None:
        raise CommandError(55, "NO ENTRY POINT DEFINED", rc=40)
    return await _start(cms, loader, "" if entry == "*" else entry, words[1:], entry)


async def _start(cms: Cms, loader: Loader, entry: str, args: list[str], operand: str = "*") -> int:
    """Run from ``entry`` (the default entry when empty); R1 -> [operand, args...]."""
    loader.allocate_commons()  # storage as it is: START does not load the program again
    address = loader.entry(entry or None)
    if address is None:
        if entry or loader.entry_name:
            raise CommandError(21, f"ENTRY POINT '{entry or loader.entry_name}' NOT FOUND", rc=40)
        raise CommandError(55, "NO ENTRY POINT DEFINED", rc=40)
    cms.console.error("LIO", 740, "I", "EXECUTION BEGINS...")
    name = entry or loader.entry_name or loader.section_at(address) or "*"
    run = ProgramRun(name, address, args, _sections(loader.sections), operand)
    return await run_program(cms, run)


def _sections(sections: list[Section]) -> list[tuple[str, int, int]]:
    return [
        (section.name, section.address, section.address + section.length) for section in sections
    ]


# ---- MODULE files ----------------------------------------------------------------------
@dataclass
class Module:
    """A MODULE file's contents."""

    start: int
    first: int
    last: int
    counter: int
    flags: int
    image: bytes
    entries: list[MapEntry]

    def records(self) -> list[bytes]:
        header = bytearray(HEADER)
        for at, value in ((0, self.start), (4, self.first), (8, self.last), (12, self.counter),
                          (32, self.flags)):  # fmt: skip
            header[at : at + 4] = value.to_bytes(4, "big")
        header[40:42] = len(self.entries).to_bytes(2, "big")
        images = [
            self.image[at : at + IMAGE_RECORD] for at in range(0, len(self.image), IMAGE_RECORD)
        ]
        table = b"".join(
            encode(entry.name.ljust(8)[:8] + entry.kind.ljust(2)[:2]) + bytes(2)
            + entry.address.to_bytes(4, "big")
            for entry in self.entries
        )  # fmt: skip
        tables = [table[at : at + IMAGE_RECORD] for at in range(0, len(table), IMAGE_RECORD)]
        return [bytes(header), *tables, *images]


class BadModule(CommandError):
    def __init__(self, fileid: str) -> None:
        super().__init__(32, f"FILE '{fileid}' IS NOT A VALID MODULE", rc=32)


def parse_module(records: list[bytes], fileid: str) -> Module:
    """A MODULE file's records; BadModule if they do not hold together."""
    if not records or len(records[0]) < 42:
        raise BadModule(fileid)
    header = records[0]
    word = [int.from_bytes(header[at : at + 4], "big") for at in (0, 4, 8, 12, 32)]
    start, first, last, counter, flags = word
    count = int.from_bytes(header[40:42], "big")
    stream = b"".join(records[1:])
    size = last - first
    table, image = stream[: count * ENTRY_SIZE], stream[count * ENTRY_SIZE :]
    if not 0 <= size <= len(image) or not first <= start < max(last, first + 1):
        raise BadModule(fileid)
    entries = []
    for at in range(0, count * ENTRY_SIZE, ENTRY_SIZE):
        raw = table[at : at + ENTRY_SIZE]
        name, kind = decode(raw[:8]).strip(), decode(raw[8:10]).strip()
        entries.append(MapEntry(name, kind, int.from_bytes(raw[12:16], "big")))
    return Module(start, first, last, counter, flags, image[:size], entries)


def _find_module(cms: Cms, operands: list[str]) -> tuple[str, list[bytes], str]:
    if not operands:
        raise CommandError(1, "NO FILENAME SPECIFIED")
    name = operands[0]
    if len(operands) > 1 and operands[1] not in ("MODULE", "*"):
        raise CommandError(70, f"INVALID PARAMETER '{operands[1]}'")
    mode = operands[2] if len(operands) > 2 else "*"
    letter, _ = parse_mode(mode)
    found = cms.disks.find(name, "MODULE", letter if letter != "*" else "*")
    if found is None:
        raise FileNotFound(f"{name} MODULE {mode if mode != '*' else '*'}")
    accessed, entry = found
    return f"{name} MODULE {entry.mode}", accessed.disk.read(name, "MODULE"), name


def load_module(cms: Cms, fileid: str, records: list[bytes]) -> Module:
    """LOADMOD: the image into storage and the loader tables from its map."""
    module = parse_module(records, fileid)
    if module.last > cms.program_guest.storage_size or module.first < TRANSIENT_AREA:
        raise CommandError(109, "VIRTUAL STORAGE CAPACITY EXCEEDED", rc=104, severity="S")
    cms.program_guest.write_storage(module.first, module.image)
    loader = Loader(origin=module.first, next_address=module.counter or module.last)
    loader.image = bytearray(module.image)
    for entry in module.entries:
        loader.symbols.setdefault(entry.name, (entry.kind, entry.address))
        if entry.kind in ("SD", "PC", "CM"):
            loader.sections.append(Section(entry.name, entry.kind, entry.address, 0))
    _section_lengths(loader.sections, module.last)
    loader.entry_address = module.start if module.entries else None
    cms.loader = loader
    return module


def _section_lengths(sections: list[Section], last: int) -> None:
    ordered = sorted(sections, key=lambda section: section.address)
    ends = [section.address for section in ordered[1:]] + [last]
    for section, end in zip(ordered, ends, strict=False):
        section.length = end - section.address


@command("LOADMOD", 5, "MOD")
async def loadmod(cms: Cms, call: Call) -> int:
    """LOADMOD fn [MODULE [fm]]: bring a MODULE into storage without starting it."""
    fileid, records, _ = _find_module(cms, call.operands)
    load_module(cms, fileid, records)
    return 0


@command("MODMAP", 3, "MOD")
async def modmap(cms: Cms, call: Call) -> int:
    """MODMAP fn: the load map kept in a MODULE file."""
    fileid, records, name = _find_module(cms, call.operands[:1])
    module = parse_module(records, fileid)
    if not module.entries:
        raise CommandError(38, f"NO LOADER TABLE PRESENT FOR MODULE '{name}'", rc=32)
    cms.console.type(*map_lines(module.entries))
    return 0


@command("GENMOD", 3, "MOD")
async def genmod(cms: Cms, call: Call) -> int:
    """GENMOD [fn [MODULE [fm]]] [(FROM entry TO entry MAP|NOMAP STR|NOSTR SYSTEM ...)]."""
    loader = cms.loader
    if loader is None or not loader.sections:
        raise CommandError(40, "NO FILES LOADED", rc=40)
    loader.allocate_commons()
    operands = call.operands
    # no name: "the first entry point in the LOAD MAP" (R6 GENMOD help)
    name = operands[0] if operands else loader.map_entries()[0].name
    if len(operands) > 1 and operands[1] != "MODULE":
        raise CommandError(70, f"INVALID PARAMETER '{operands[1]}'")
    letter, number = parse_mode(operands[2] if len(operands) > 2 else "A1", star=False)
    first, last, flags, with_map = _genmod_options(call.options, loader)
    accessed = read_write_disk(cms, letter)
    start = loader.entry() or first
    image = cms.program_guest.read_storage(first, last - first)
    entries = loader.map_entries() if with_map else []
    module = Module(start, first, last, loader.next_address, flags, image, entries)
    accessed.disk.write(name, "MODULE", module.records(), recfm="V",
                        mode_number=number if number is not None else 1)  # fmt: skip
    return 0


def _genmod_options(options: list[str], loader: Loader) -> tuple[int, int, int, bool]:
    first, last, flags, with_map = loader.origin, loader.end, 0, True
    words = iter(options)
    for word in words:
        if word in ("FROM", "TO"):
            name = next(words, "")
            found = loader.symbols.get(name)
            if found is None:
                raise CommandError(21, f"ENTRY POINT '{name}' NOT FOUND", rc=40)
            if word == "FROM":
                first = found[1]
            else:
                last = found[1]
        elif word in ("MAP", "NOMAP"):
            with_map = word == "MAP"
        elif word == "STR":
            flags |= STR_FLAG << 16
        elif word == "SYSTEM":
            flags |= SYSTEM_FLAG << 24
        elif word not in ("NOSTR", "OS", "DOS", "ALL"):
            raise invalid_option(word)
    if last <= first:
        raise CommandError(70, "INVALID PARAMETER 'TO'")
    return first, last, flags, with_map


async def run_module(cms: Cms, call: Call) -> int:
    """``name args``: a ``name MODULE`` found by SVC 202, loaded and run with its PLIST."""
    fileid, records, name = _find_module(cms, [call.name])
    module = load_module(cms, fileid, records)
    loader = cms.loader
    sections = _sections(loader.sections) if loader is not None else []
    return await run_program(cms, ProgramRun(name, module.start, call.args, sections))
