"""PUNCH, PRINT and READCARD (reference/cp-cms.md 10.15, 10.16, 10.18; diagnose.md 4).

PUNCH and PRINT drive the virtual punch (00D) and printer (00E) with
channel programs issued through DIAGNOSE X'20' (synchronous general I/O):
Write (X'01') of 80-byte cards, or printer writes with carriage control,
then ``CP CLOSE cuu NAME fn ft`` makes the spool file, which goes where the
user's SPOOL settings send it. PUNCH puts a ``:READ`` control card first
(HEADER, the default; layout in 10.16). PRINT (CC) takes the first column as
ASA carriage control (the default for LISTING files); NOCC prints one line
a record and starts a page every LINECOUN lines; UPCASE prints lowercase
letters in uppercase.

READCARD takes the first file of the virtual reader through the reader-file
service of the guest interface (DIAGNOSE X'14'): ``READCARD fn ft [fm]``
keeps the whole file as one CMS file; ``READCARD *`` splits it at ``:READ``
cards (DMSRDC702I), data before the first one going to ``READCARD CMSUT1 A1``
(R6 CMS Command and Macro Reference, GC20-1818 PLC 17, READCARD usage note 2,
p. 155, which also gives the 80-151 character fixed-length record limits).
Message numbers other than 701I/702I/738I are (unverified).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guests.cms.commands import command
from guests.cms.commands.common import (
    CommandError,
    decode,
    encode,
    find_file,
    incomplete_fileid,
    invalid_option,
    invalid_parameter,
    numeric,
    parse_mode,
    read_write_disk,
)
from guests.cms.diag import diagnose_now
from guests.cms.disks import AccessedDisk
from guests.cms.fs import FstEntry
from guests.cms.plist import Call

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

PUNCH_ADDRESS, PRINTER_ADDRESS = 0x00D, 0x00E
CARD = 80
CHAIN_AREA = 0x6000  # nucleus storage: the user area (X'20000' up) belongs to a loaded program
AREA_SIZE = 0x8000  # CCWs and data of one channel program (a longer record goes alone)
BATCH = 200  # records per channel program
WRITE, WRITE_SPACE_1, SKIP_TO_1 = 0x01, 0x09, 0x8B
ASA = {" ": 0x0B, "0": 0x13, "-": 0x1B, "1": 0x8B, "+": None}  # space before the line


def _ccw(opcode: int, address: int, flags: int, count: int) -> bytes:
    return (
        bytes([opcode]) + address.to_bytes(3, "big") + bytes([flags, 0]) + count.to_bytes(2, "big")
    )


def _run(cms: Cms, vaddr: int, commands: list[tuple[int, bytes]], what: str) -> None:
    """Issue ``commands`` (opcode, data) as chained CCWs on ``vaddr`` in batches."""
    for batch in _batches(commands):
        data_at = CHAIN_AREA + 8 * len(batch)
        chain, area = bytearray(), bytearray()
        for index, (opcode, data) in enumerate(batch):
            flags = 0x40 if index < len(batch) - 1 else 0
            count = len(data) or 1
            chain += _ccw(opcode, data_at + len(area), flags | 0x20, count)
            area += data or b"\x00"
        cms.guest.write_storage(CHAIN_AREA, bytes(chain) + bytes(area))
        result = diagnose_now(cms.guest, 0x20, rx=vaddr, ry=CHAIN_AREA)
        if result.cc == 3:
            raise CommandError(
                8, f"DEVICE {vaddr:03X} {what} NOT OPERATIONAL", rc=100, severity="S"
            )


def _batches(commands: list[tuple[int, bytes]]) -> list[list[tuple[int, bytes]]]:
    """Up to BATCH commands whose CCWs and data fit in AREA_SIZE (at least one each)."""
    batches: list[list[tuple[int, bytes]]] = [[]]
    size = 0
    for command_ in commands:
        cost = 8 + (len(command_[1]) or 1)
        if batches[-1] and (len(batches[-1]) == BATCH or size + cost > AREA_SIZE):
            batches.append([])
            size = 0
        batches[-1].append(command_)
        size += cost
    return [batch for batch in batches if batch]


def punch_cards(cms: Cms, cards: list[bytes]) -> None:
    """Cards (padded or cut to 80 columns) on the virtual punch."""
    commands = [(WRITE, card[:CARD].ljust(CARD, b"\x40")) for card in cards]
    _run(cms, PUNCH_ADDRESS, commands, "PUNCH")


def print_records(cms: Cms, records: list[bytes], carriage: bool, lines: int = 55) -> None:
    """Records on the virtual printer: ASA control in column 1 (CC), or plain lines."""
    _run(cms, PRINTER_ADDRESS, print_commands(records, carriage, lines), "PRINTER")


def map_destination(options: list[str]) -> str:
    """A library MAP's option: DISK (the default), PRINT or TERM[INAL]; 003E otherwise."""
    where = "DISK"
    for option in options:
        if option not in ("DISK", "PRINT", "TERM", "TERMINAL"):
            raise invalid_option(option)
        where = option[:4]
    return where


async def deliver_map(cms: Cms, name: str, lines: list[str], where: str) -> None:
    """A library MAP (MACLIB, TXTLIB): typed (TERM), printed (PRIN), or ``name MAP A5``."""
    if where == "TERM":
        cms.console.type(*lines)
    elif where == "PRIN":
        print_records(cms, [encode(line) for line in lines], carriage=False)
        await cms.guest.cp(f"CLOSE {PRINTER_ADDRESS:03X} NAME {name} MAP", capture=True)
    else:
        target = read_write_disk(cms, "A")
        records = [encode(line.ljust(80)) for line in lines]
        target.disk.write(name, "MAP", records, recfm="F", lrecl=80, mode_number=5)


def _source(cms: Cms, operands: list[str]) -> tuple[AccessedDisk, FstEntry]:
    if len(operands) < 2:
        raise incomplete_fileid()
    if len(operands) > 3:
        raise invalid_parameter(operands[3])
    fn, ft = operands[0], operands[1]
    fm = operands[2] if len(operands) > 2 else "A"  # the A-disk and its extensions
    return find_file(cms, fn, ft, fm)


def read_card(entry: FstEntry, label: str) -> bytes:
    """The ``:READ`` control card PUNCH puts before a file (cp-cms.md 10.16)."""
    text = (
        f":READ  {entry.fn:<8} {entry.ft:<8} {entry.mode:<2} {label:<6} "
        f"{entry.month:02d}/{entry.day:02d}/{entry.year}  {entry.hour:02d}:{entry.minute:02d}"
    )
    return encode(text.ljust(CARD))


async def _close(cms: Cms, vaddr: int, entry: FstEntry) -> None:
    await cms.guest.cp(f"CLOSE {vaddr:03X} NAME {entry.fn} {entry.ft}", capture=True)


@command("PUNCH", 2, "PUN")
async def punch(cms: Cms, call: Call) -> int:
    header = True
    for option in call.options:
        if option not in ("HEADER", "NOHEADER"):
            raise invalid_option(option)
        header = option == "HEADER"
    accessed, entry = _source(cms, call.operands)
    records = accessed.disk.read(entry.fn, entry.ft)
    if any(len(record) > CARD for record in records):
        raise CommandError(119, f"RECORD LENGTH OF FILE '{entry.fileid}' EXCEEDS 80", rc=32)
    cards = [record.ljust(CARD, b"\x40") for record in records]
    if header:
        cards.insert(0, read_card(entry, accessed.disk.label))
    punch_cards(cms, cards)
    await _close(cms, PUNCH_ADDRESS, entry)
    return 0


def _print_options(options: list[str], filetype: str) -> tuple[bool, bool, int, bool]:
    carriage, hex_dump, lines, upcase = filetype == "LISTING", False, 55, False
    index = 0
    while index < len(options):
        option = options[index]
        if option in ("CC", "NOCC"):
            carriage = option == "CC"
        elif option == "HEX":
            hex_dump = True
        elif option in ("LINECOUN", "LINECOUNT") and index + 1 < len(options):
            index += 1
            lines = numeric(options[index], "LINECOUN")
        elif option == "UPCASE":
            upcase = True
        else:
            raise invalid_option(option)
        index += 1
    return carriage, hex_dump, lines, upcase


def print_commands(records: list[bytes], carriage: bool, lines: int) -> list[tuple[int, bytes]]:
    """Printer CCWs: ASA control in column 1 (CC), or pages of ``lines`` lines (NOCC)."""
    commands: list[tuple[int, bytes]] = [(SKIP_TO_1, b"")]
    for number, record in enumerate(records):
        if carriage:
            space = ASA.get(decode(record[:1]) or " ", 0x0B)
            if space is not None:
                commands.append((space, b""))
            commands.append((WRITE, record[1:] or b"\x40"))
            continue
        if lines and number and number % lines == 0:
            commands.append((SKIP_TO_1, b""))
        commands.append((WRITE_SPACE_1, record or b"\x40"))
    return commands


@command("PRINT", 2, "PRT")
async def print_file(cms: Cms, call: Call) -> int:
    accessed, entry = _source(cms, call.operands)
    carriage, hex_dump, lines, upcase = _print_options(call.options, entry.ft)
    records = accessed.disk.read(entry.fn, entry.ft)
    if upcase:  # lowercase letters are printed in uppercase
        records = [encode(decode(record).upper()) for record in records]
    if hex_dump:
        from guests.cms.commands.files import hex_lines

        records = [encode(line) for record in records for line in hex_lines(record)]
        carriage = False
    limit = 133 if carriage else 132
    if any(len(record) > limit for record in records):
        raise CommandError(119, f"RECORD LENGTH OF FILE '{entry.fileid}' EXCEEDS {limit}", rc=32)
    _run(cms, PRINTER_ADDRESS, print_commands(records, carriage, lines), "PRINTER")
    await _close(cms, PRINTER_ADDRESS, entry)
    return 0


def _target(operands: list[str]) -> tuple[str, str, str]:
    """READCARD's fileid; ``*`` names come from the :READ cards, mode A unless given."""
    if not operands or (operands[0] != "*" and len(operands) < 2):
        raise incomplete_fileid()
    if len(operands) > 3:
        raise invalid_parameter(operands[3])
    fn = operands[0]
    ft = operands[1] if len(operands) > 1 else "*"
    return fn, ft, operands[2] if len(operands) > 2 else "A"


def split_deck(cards: list[bytes]) -> list[tuple[tuple[str, str, str], list[bytes]]]:
    """Files of a deck by its ``:READ fn ft fm`` cards (leading cards: READCARD CMSUT1)."""
    files: list[tuple[tuple[str, str, str], list[bytes]]] = []
    for card in cards:
        text = decode(card)
        if text.startswith(":READ"):
            words = text[5:].split()
            if len(words) >= 2:
                files.append(((words[0], words[1], words[2] if len(words) > 2 else "A1"), []))
                continue
        if not files:
            files.append((("READCARD", "CMSUT1", "A1"), []))
        files[-1][1].append(card)
    return files


def _destination(target: tuple[str, str, str], card_fm: str) -> tuple[str, int]:
    """The mode letter from the command; the number from the command, else the card."""
    letter, number = parse_mode(target[2], star=False)
    if number is None:
        number = int(card_fm[1]) if card_fm[1:2].isdigit() else 1
    return letter, number


@command("READCARD", 4, "RDC")
async def readcard(cms: Cms, call: Call) -> int:
    target = _target(call.operands)
    reader_file = await cms.guest.next_reader_file()
    if reader_file is None:
        cms.console.error("RDC", 701, "I", "NULL FILE")
        return 8
    cards = [record[:CARD].ljust(CARD, b"\x40") for record in reader_file.records]
    named = target[0] != "*"
    files = [(target, cards)] if named else split_deck(cards)
    for (fn, ft, card_fm), records in files:
        letter, number = _destination(target, card_fm)
        disk = read_write_disk(cms, letter).disk
        if not named:
            cms.console.error("RDC", 702, "I", f":READ {fn:<8} {ft:<8} {letter}{number}")
        if records:
            disk.write(fn, ft, records, recfm="F", lrecl=CARD, mode_number=number)
        await cms.checkpoint()
    await cms.guest.finish_reader_file(reader_file)
    return 0
