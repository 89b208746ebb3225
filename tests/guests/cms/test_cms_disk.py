"""DISK DUMP and DISK LOAD on the fake guest: the card deck, the round trip, bad decks."""

from __future__ import annotations

from typing import cast

from hypothesis import given, settings
from hypothesis import strategies as st

from guests.cms.commands.common import CommandError
from guests.cms.commands.disk import dump_cards, load_cards
from guests.cms.fs import CmsDisk
from server.cp.abi import ReaderFile
from spool.model import SpoolFile
from tests.guests.cms.cmsfake import FakeGuest, put_file, session, standard_disks
from tests.guests.cms.helpers import fresh
from tests.guests.cms.test_cms_commands import after


def reader_file(cards: list[bytes]) -> ReaderFile:
    return ReaderFile(cast(SpoolFile, None), cards)


def test_deck_layout_and_round_trip_of_v_records() -> None:
    _, disk = fresh()
    records = [b"ONE", b"", b"\xc1" * 130, b"LAST"]
    entry = disk.write("MIXED", "DATA", records, recfm="V", mode_number=2)
    cards = dump_cards(entry, records)
    assert all(len(card) == 80 for card in cards)
    assert [card[:5] for card in cards] == [b"\x02\xc3\xd4\xe2\x40"] * 3 + [b"\x02\xc3\xd4\xe2\xd5"]
    assert cards[0][56:74].decode("cp037") == "MIXED   DATA    A2"
    assert [card[76:80].decode("cp037") for card in cards] == ["0001", "0002", "0003", "0004"]
    loaded = load_cards(cards)
    assert loaded.records == records
    assert (loaded.entry.fn, loaded.entry.ft, loaded.entry.recfm, loaded.entry.mode) == (
        "MIXED", "DATA", "V", "A2",
    )  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(st.lists(st.binary(min_size=1, max_size=300), min_size=1, max_size=20))
def test_any_v_file_survives_the_deck(records: list[bytes]) -> None:
    _, disk = fresh()
    entry = disk.write("ANY", "FILE", records, recfm="V")
    assert load_cards(dump_cards(entry, records)).records == records


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=90), max_size=8))
def test_garbage_decks_are_refused_with_078e(cards: list[bytes]) -> None:
    try:
        load_cards(cards)
    except CommandError as error:
        assert error.number == 78 and error.rc == 32
    else:  # only a real deck loads
        raise AssertionError("garbage loaded")


async def test_dump_punches_and_load_restores_on_the_a_disk() -> None:
    disks = standard_disks()
    put_file(disks, 0x191, "FIXED", "DATA", ["ALPHA", "BETA "], recfm="F", lrecl=5)
    guest = FakeGuest()
    await session(disks, "disk dump fixed data", guest=guest)
    cards = [data for _, data in guest.unit_record[0x00D]]
    assert guest.cp_commands[-1] == "CLOSE 00D NAME FIXED DATA"
    target = standard_disks()
    taker = FakeGuest()
    taker.reader.append(reader_file(cards))
    output = await session(target, "disk load", "disk load", guest=taker)
    assert after(output, "disk load")[0].startswith("Ready;")
    assert "DMSDSK701I NULL FILE" in output
    disk = CmsDisk.access(target.devices[0x191])
    entry = disk.find("FIXED", "DATA")
    assert entry is not None and (entry.recfm, entry.lrecl) == ("F", 5)
    assert disk.read("FIXED", "DATA") == ["ALPHA".encode("cp037"), "BETA ".encode("cp037")]
    assert taker.finished and taker.finished[0].records == cards


async def test_bad_operands_and_a_bad_deck() -> None:
    disks = standard_disks()
    guest = FakeGuest()
    guest.reader.append(reader_file(["NOT A DUMP CARD".ljust(80).encode("cp037")]))
    output = await session(
        disks, "disk", "disk dump", "disk dump nofile data", "disk spin", "disk load", guest=guest
    )
    assert after(output, "disk")[0] == "DMSDSK047E NO FUNCTION SPECIFIED"
    assert after(output, "disk dump")[0] == "DMSDSK054E INCOMPLETE FILEID SPECIFIED"
    assert after(output, "disk dump nofile data")[0].startswith("DMSDSK002E")
    assert after(output, "disk spin")[0] == "DMSDSK070E INVALID PARAMETER 'SPIN'"
    answer = after(output, "disk load")
    assert answer[0] == "DMSDSK078E INVALID CARD IN READER FILE"
    assert answer[1].startswith("Ready(00032);")
