"""DISK DUMP and DISK LOAD: a CMS file as a deck of cards and back (reference/cp-cms.md 10.7).

``DISK DUMP fn ft [fm]`` punches the file's data stream as it lies in its
800-byte blocks (F records back to back, V records each behind its halfword
length, dasd.md 5.9) on the virtual punch (00D) and closes the punch with the
file's name, so the deck goes where ``SPOOL PUNCH`` sends it. ``DISK LOAD``
takes the first file of the virtual reader, rebuilds the file from the cards
and writes it on the A-disk, replacing a file of the same name.

The card (R6 CMS Command and Macro Reference, DISK and the TAPE record it
mirrors; the documented facts are column 1 X'02', columns 2-4 ``CMS``, and
an ``N`` in column 5 of the last card, which carries the file's directory
entry):

=========  ==============================================================
column     contents
=========  ==============================================================
1          X'02'
2-4        ``CMS``
5          blank on a data card, ``N`` on the last card
6-55       50 bytes of the data stream (the last data card padded with
           X'00'); on the ``N`` card the 40-byte FST (dasd.md 5.6)
56         blank
57-74      the fileid: fn (8), ft (8), fm (2)  -- best estimate
75-76      blank
77-80      card sequence number, decimal from 0001  -- best estimate
=========  ==============================================================

Messages (numbers best estimate): 078E a card of the reader file that is not
a DISK DUMP card or a deck without its ``N`` card (the reader file is kept,
RC 32), 701I an empty reader (RC 8), 047E no function, 070E bad operands.
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
    read_write_disk,
)
from guests.cms.commands.unitrec import PUNCH_ADDRESS, punch_cards
from guests.cms.fs import FstEntry
from guests.cms.fs.errors import CmsFsError, DirectoryError, FileFormatError
from guests.cms.fs.layout import decode_fst, decode_records, encode_fst, encode_records
from guests.cms.plist import Call

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

__all__ = ["DumpedFile", "dump_cards", "load_cards"]

CARD = 80
DATA_PER_CARD = 50
MARK = b"\x02" + "CMS".encode("cp037")
DATA_CARD, LAST_CARD = encode(" "), encode("N")
FILEID_AT, SEQUENCE_AT = 56, 76


class DumpedFile:
    """What DISK LOAD rebuilds from a deck: the directory entry and the records."""

    def __init__(self, entry: FstEntry, records: list[bytes]) -> None:
        self.entry = entry
        self.records = records


def _card(kind: bytes, payload: bytes, fileid: bytes, sequence: int) -> bytes:
    card = bytearray(encode(" " * CARD))
    card[0:5] = MARK + kind
    card[5 : 5 + DATA_PER_CARD] = payload.ljust(DATA_PER_CARD, b"\x00")
    card[FILEID_AT : FILEID_AT + 18] = fileid
    card[SEQUENCE_AT:CARD] = encode(f"{sequence % 10000:04d}")
    return bytes(card)


def dump_cards(entry: FstEntry, records: list[bytes]) -> list[bytes]:
    """The deck of one file: its data stream 50 bytes a card, then the ``N`` card."""
    stream = encode_records(entry.recfm, records)
    fileid = encode(f"{entry.fn:<8}{entry.ft:<8}{entry.mode:<2}")
    cards = [
        _card(DATA_CARD, stream[at : at + DATA_PER_CARD], fileid, number + 1)
        for number, at in enumerate(range(0, len(stream), DATA_PER_CARD))
    ]
    cards.append(_card(LAST_CARD, encode_fst(entry), fileid, len(cards) + 1))
    return cards


def _bad_card() -> CommandError:
    return CommandError(78, "INVALID CARD IN READER FILE", rc=32)


def load_cards(cards: list[bytes]) -> DumpedFile:
    """The file a DISK DUMP deck holds; 078E for any card that does not belong to one."""
    stream = bytearray()
    for index, card in enumerate(cards):
        card = card[:CARD].ljust(CARD, encode(" "))
        if card[0:4] != MARK or card[4:5] not in (DATA_CARD, LAST_CARD):
            raise _bad_card()
        if card[4:5] == DATA_CARD:
            stream += card[5 : 5 + DATA_PER_CARD]
            continue
        if index != len(cards) - 1:
            raise _bad_card()
        try:
            entry = decode_fst(card[5:45])
            records = decode_records(entry.recfm, entry.lrecl, entry.item_count, bytes(stream))
        except (DirectoryError, FileFormatError):
            raise _bad_card() from None
        if not records or decode(card[FILEID_AT : FILEID_AT + 16]).split() != [entry.fn, entry.ft]:
            raise _bad_card()
        return DumpedFile(entry, records)
    raise _bad_card()  # no N card: the deck is not complete


def _dump_source(cms: Cms, operands: list[str]) -> tuple[FstEntry, list[bytes]]:
    if len(operands) < 2:
        raise incomplete_fileid()
    if len(operands) > 3:
        raise invalid_parameter(operands[3])
    fn, ft = operands[0], operands[1]
    if "*" in (fn, ft):
        raise invalid_parameter("*")
    fm = operands[2] if len(operands) > 2 else "A"
    accessed, entry = find_file(cms, fn, ft, fm)
    return entry, accessed.disk.read(entry.fn, entry.ft)


async def _dump(cms: Cms, operands: list[str]) -> int:
    entry, records = _dump_source(cms, operands)
    punch_cards(cms, dump_cards(entry, records))
    await cms.guest.cp(f"CLOSE {PUNCH_ADDRESS:03X} NAME {entry.fn} {entry.ft}", capture=True)
    return 0


async def _load(cms: Cms, operands: list[str]) -> int:
    if operands:
        raise invalid_parameter(operands[0])
    disk = read_write_disk(cms, "A").disk
    reader_file = await cms.guest.next_reader_file()
    if reader_file is None:
        cms.console.error("DSK", 701, "I", "NULL FILE")
        return 8
    try:
        dumped = load_cards(reader_file.records)
        entry = dumped.entry
        disk.write(
            entry.fn, entry.ft, dumped.records, recfm=entry.recfm,
            lrecl=entry.lrecl if entry.recfm == "F" else None, mode_number=entry.mode_number,
        )  # fmt: skip
    except CmsFsError:  # a bad deck, a full disk: the file stays in the reader
        await cms.guest.finish_reader_file(reader_file, keep=True)
        raise
    await cms.guest.finish_reader_file(reader_file)
    return 0


@command("DISK", 4, "DSK")
async def disk(cms: Cms, call: Call) -> int:
    """``DISK DUMP fn ft [fm]`` or ``DISK LOAD``."""
    if call.options:
        raise invalid_option(call.options[0])
    if not call.operands:
        raise CommandError(47, "NO FUNCTION SPECIFIED")
    function, rest = call.operands[0], call.operands[1:]
    if function == "DUMP":
        return await _dump(cms, rest)
    if function == "LOAD":
        return await _load(cms, rest)
    raise invalid_parameter(function)
