"""PUNCH, PRINT and READCARD on a fake guest that records the channel programs."""

from __future__ import annotations

from typing import cast

from guests.cms.commands.unitrec import print_commands, split_deck
from guests.cms.fs import CmsDisk
from server.cp.abi import ReaderFile
from spool.model import SpoolFile
from tests.guests.cms.cmsfake import FakeGuest, put_file, session, standard_disks
from tests.guests.cms.test_cms_commands import after


def card(text: str) -> bytes:
    return text.ljust(80).encode("cp037")


async def test_punch_writes_a_read_card_then_the_records_and_closes() -> None:
    disks = standard_disks()
    put_file(disks, 0x191, "DECK", "DATA", ["ONE", "TWO"], recfm="V")
    guest = FakeGuest()
    output = await session(disks, "punch deck data", "punch deck data a (noheader", guest=guest)
    cards = guest.unit_record[0x00D]
    assert {opcode for opcode, _ in cards} == {0x01}
    header = cards[0][1].decode("cp037")
    assert header[:5] == ":READ" and header[7:15] == "DECK    " and header[16:24] == "DATA    "
    assert header[25:27] == "A1" and header[28:34] == "ALI191"
    assert [data for _, data in cards[1:]] == [card("ONE"), card("TWO")] * 2
    assert guest.cp_commands.count("CLOSE 00D NAME DECK DATA") == 2
    assert after(output, "punch deck data")[0].startswith("Ready;")


async def test_print_and_long_records() -> None:
    disks = standard_disks()
    put_file(disks, 0x191, "WIDE", "DATA", ["X" * 140], recfm="V")
    put_file(disks, 0x191, "SHORT", "DATA", ["LINE"], recfm="V")
    guest = FakeGuest()
    output = await session(disks, "print wide data", "print short data (hex", guest=guest)
    assert after(output, "print wide data")[0] == (
        "DMSPRT119E RECORD LENGTH OF FILE 'WIDE DATA A1' EXCEEDS 132"
    )
    assert guest.unit_record[0x00E] == [(0x8B, b"\x00"), (0x09, "D3C9D5C5".encode("cp037"))]


async def test_print_upcase_prints_lowercase_letters_in_uppercase() -> None:
    disks = standard_disks()
    put_file(disks, 0x191, "MIXED", "DATA", ["Mixed case"], recfm="V")
    guest = FakeGuest()
    await session(disks, "print mixed data (upcase", "print mixed data", guest=guest)
    written = [data for opcode, data in guest.unit_record[0x00E] if opcode == 0x09]
    assert written == ["MIXED CASE".encode("cp037"), "Mixed case".encode("cp037")]


def test_print_commands_with_asa_control() -> None:
    records = [card("1TITLE"), card(" LINE"), card("0SPACED"), card("+OVER")]
    opcodes = [opcode for opcode, _ in print_commands(records, carriage=True, lines=55)]
    assert opcodes == [0x8B, 0x8B, 0x01, 0x0B, 0x01, 0x13, 0x01, 0x01]
    paged = print_commands([card("X")] * 3, carriage=False, lines=2)
    assert [opcode for opcode, _ in paged] == [0x8B, 0x09, 0x09, 0x8B, 0x09]


def test_split_deck_by_read_cards() -> None:
    deck = [card("STRAY"), card(":READ  ONE      DATA     B2"), card("1"), card(":READ TWO EXEC")]
    files = split_deck(deck)
    assert [name for name, _ in files] == [
        ("READCARD", "CMSUT1", "A1"), ("ONE", "DATA", "B2"), ("TWO", "EXEC", "A1"),
    ]  # fmt: skip
    assert [len(cards) for _, cards in files] == [1, 1, 0]


async def test_readcard_named_and_star() -> None:
    disks = standard_disks()
    guest = FakeGuest()
    spool_file = cast(SpoolFile, None)
    guest.reader = [
        ReaderFile(spool_file, [card(":READ  A  B  A2"), card("DATA 1")]),
        ReaderFile(spool_file, [card("WHOLE")]),
    ]
    output = await session(disks, "readcard *", "readcard whole file", "readcard *", guest=guest)
    assert after(output, "readcard *")[0] == "DMSRDC702I :READ A        B        A2"
    disk = CmsDisk.access(disks.devices[0x191])
    assert disk.read("A", "B") == [card("DATA 1")] and disk.state("A", "B").mode == "A2"
    assert disk.read("WHOLE", "FILE") == [card("WHOLE")]
    assert output[-2:] == ["DMSRDC701I NULL FILE", "Ready(00008); T=0.01/0.01 01:02:03"]
    assert len(guest.finished) == 2


async def test_exec_punch_statements_use_the_virtual_punch() -> None:
    disks = standard_disks()
    put_file(
        disks, 0x191, "CARDS", "EXEC", ["&PUNCH HELLO CARD", "&BEGPUNCH", "RAW", "&END"], recfm="V"
    )
    guest = FakeGuest()
    await session(disks, "cards", guest=guest)
    assert [data for _, data in guest.unit_record[0x00D]] == [card("HELLO CARD"), card("RAW")]
