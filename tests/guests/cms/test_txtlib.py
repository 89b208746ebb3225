"""TXTLIB files (guests/cms/txtlib.py), the TXTLIB command, and LOAD searching GLOBAL TXTLIBs."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guests.cms.fs import CmsDisk
from guests.cms.loader import Loader, text_card
from guests.cms.txtlib import LibraryError, Member, build_library, member_names, read_library
from tests.guests.cms.cmsfake import MemoryDisks, session, standard_disks
from tests.guests.cms.test_loader import ReturningFake, item, main_deck, sub_deck

SUB2 = [
    text_card("ESD", item("SUB2", 0x00, 0, 8) + item("ALT", 0x01, 4, 1), esdid=1, count=32),
    text_card("TXT", bytes(8), address=0, esdid=1, count=8),
    text_card("END", b""),
]


def test_a_library_round_trips_with_its_directory() -> None:
    big = [text_card("TXT", bytes(8), address=0, esdid=1, count=8)] * 300
    members = [Member(["SUB"], sub_deck()), Member(["BIG"], big), Member(["SUB2", "ALT"], SUB2)]
    records = build_library(members)
    assert all(len(record) == 80 for record in records)
    assert records[0][:6] == "LIBPDS".encode("cp037")
    assert int.from_bytes(records[0][8:12], "big") == 4 * 16  # SUB, BIG, SUB2, ALT
    library = read_library(records)
    assert [member.names for member in library.members] == [["SUB"], ["BIG"], ["SUB2", "ALT"]]
    assert library.members[0].item == 2
    assert library.members[0].cards == sub_deck()
    assert library.members[1].cards == big
    assert library.members[2].item % 256  # never at a record 0 (it would be item 512 here)
    assert library.find("ALT") is library.members[2]
    assert library.entries()[-1] == ("ALT", library.members[2].item)


def test_member_names_are_the_sd_and_ld_names() -> None:
    assert member_names(SUB2) == ["SUB2", "ALT"]
    assert member_names(main_deck()) == ["MAIN", "INNER"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(min_size=0, max_size=80), max_size=6), st.binary(max_size=16))
def test_garbage_libraries_are_refused_or_read(records: list[bytes], header: bytes) -> None:
    ident = "LIBPDS".encode("cp037")
    try:
        library = read_library([ident + header, *records])
    except LibraryError:
        return
    assert all(member.item >= 2 for member in library.members)


def test_library_cards_name_what_to_take_from_the_txtlibs() -> None:
    loader = Loader()
    card = b"\x40" + "LIBRARY SUB2,ALT".encode("cp037")
    never = b"\x40" + "LIBRARY (SUB)".encode("cp037")
    loader.load_deck("MAIN", [card, never, *main_deck()])
    assert loader.wanted() == ["SUB2", "ALT"]  # SUB is undefined, but never called


def disks_with_decks() -> MemoryDisks:
    disks = standard_disks()
    disk = CmsDisk.access(disks.devices[0x191])
    disk.write("MAIN", "TEXT", main_deck(), recfm="F", lrecl=80)
    disk.write("SUB", "TEXT", sub_deck(), recfm="F", lrecl=80)
    disk.write("SUB2", "TEXT", SUB2, recfm="F", lrecl=80)
    return disks


def run(*lines: str) -> tuple[list[str], CmsDisk]:
    disks = disks_with_decks()
    output = asyncio.run(session(disks, *lines, guest=ReturningFake()))
    return output, CmsDisk.access(disks.devices[0x191])


def test_txtlib_gen_map_and_load_through_global() -> None:
    lines = ["TXTLIB GEN MYLIB SUB SUB2", "ERASE SUB TEXT", "LOAD MAIN", "GLOBAL TXTLIB MYLIB",
             "LOAD MAIN (NOMAP", "TXTLIB MAP MYLIB (TERM"]  # fmt: skip
    output, disk = run(*lines)
    text = "\n".join(output)
    assert disk.find("MYLIB", "TXTLIB") is not None
    first, second = text.split("> LOAD MAIN (NOMAP")
    assert "DMSLIO201W" in first and "SUB" in first.split("DMSLIO201W")[1]
    assert "DMSLIO201W" not in second.split("> TXTLIB MAP")[0]
    assert "SUB       00002" in second and "ALT" in second
    assert "3 ENTRIES IN LIBRARY." in second


def test_txtlib_add_del_and_errors() -> None:
    output, disk = run("TXTLIB GEN MYLIB SUB", "TXTLIB ADD MYLIB SUB2", "TXTLIB DEL MYLIB SUB",
                       "TXTLIB DEL MYLIB NOPE", "TXTLIB GEN MYLIB NOSUCH", "TXTLIB FOO X",
                       "TXTLIB", "TXTLIB MAP NOLIB", "TXTLIB MAP MYLIB")  # fmt: skip
    text = "\n".join(output)
    library = read_library(disk.read("MYLIB", "TXTLIB"))
    assert [member.names for member in library.members] == [["SUB2", "ALT"]]
    assert "DMSLBT013W MEMBER 'NOPE' NOT FOUND IN LIBRARY 'MYLIB'" in text
    assert "Ready(00004)" in text
    assert "NOSUCH TEXT" in text and "Ready(00028)" in text
    assert "DMSLBT003E INVALID OPTION 'FOO'" in text
    assert "DMSLBT047E NO FUNCTION SPECIFIED" in text
    assert disk.find("MYLIB", "MAP") is not None


@pytest.mark.parametrize("garbage", [[b"NOT A LIBRARY"], ["LIBPDS".encode("cp037") + b"\xff" * 74]])
def test_a_damaged_txtlib_gives_a_message(garbage: list[bytes]) -> None:
    disks = disks_with_decks()
    CmsDisk.access(disks.devices[0x191]).write(
        "BAD", "TXTLIB", [record.ljust(80, b"\x40") for record in garbage], recfm="F", lrecl=80
    )
    lines = ["GLOBAL TXTLIB BAD", "LOAD MAIN (NOAUTO", "TXTLIB MAP BAD (TERM"]
    output = asyncio.run(session(disks, *lines, guest=ReturningFake()))
    assert not [line for line in output if "DMSITP143T" in line], output
    assert sum("INVALID TXTLIB" in line for line in output) == 2


TXTLIB_WORDS = st.sampled_from(
    ["TXTLIB", "GEN", "ADD", "DEL", "MAP", "MYLIB", "SUB", "SUB2", "MAIN", "NOPE", "(", ")",
     "TERM", "PRINT", "DISK", "GLOBAL", "LOAD", "INCLUDE", "NOLIBE", "NOAUTO", "X", "*"]
)  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(TXTLIB_WORDS, min_size=1, max_size=6), min_size=1, max_size=5))
def test_garbage_txtlib_commands_answer_with_cms_messages(lines: list[list[str]]) -> None:
    disks = disks_with_decks()
    output = asyncio.run(session(disks, "TXTLIB GEN MYLIB SUB SUB2", "GLOBAL TXTLIB MYLIB",
                                 *[" ".join(line) for line in lines],
                                 guest=ReturningFake()))  # fmt: skip
    assert not [line for line in output if "DMSITP143T" in line], output
