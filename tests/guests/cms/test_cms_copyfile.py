"""COPYFILE through the nucleus on in-memory disks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guests.cms.commands.copyfile import pack, unpack
from guests.cms.fs import CmsDisk
from tests.guests.cms.cmsfake import MemoryDisks, put_file, session, standard_disks
from tests.guests.cms.test_cms_commands import after


@pytest.fixture
def disks() -> MemoryDisks:
    disks = standard_disks()
    put_file(disks, 0x191, "DATA", "FILE", ["ALPHA", "BETA  ", "GAMMA", "DELTA"], recfm="V")
    put_file(disks, 0x191, "OTHER", "FILE", ["ONE", "TWO"], recfm="V")
    return disks


def text(disks: MemoryDisks, fn: str, ft: str) -> list[str]:
    return [r.decode("cp037") for r in CmsDisk.access(disks.devices[0x191]).read(fn, ft)]


def entry(disks: MemoryDisks, fn: str, ft: str) -> tuple[str, int, str]:
    found = CmsDisk.access(disks.devices[0x191]).state(fn, ft)
    return found.recfm, found.lrecl, found.mode


async def test_format_change_in_place(disks: MemoryDisks) -> None:
    await session(disks, "copyfile data file a (recfm f lrecl 8 fill *")
    assert entry(disks, "DATA", "FILE") == ("F", 8, "A1")
    assert text(disks, "DATA", "FILE") == ["ALPHA***", "BETA  **", "GAMMA***", "DELTA***"]


async def test_newfile_is_the_default_for_two_fileids(disks: MemoryDisks) -> None:
    output = await session(
        disks, "copyfile data file a other file a", "copyfile data file a other file a (replace"
    )
    assert after(output, "copyfile data file a other file a")[:2] == [
        "DMSCPY024E FILE 'OTHER FILE A1' ALREADY EXISTS",
        "Ready(00028); T=0.01/0.01 01:02:03",
    ]
    assert text(disks, "OTHER", "FILE") == ["ALPHA", "BETA  ", "GAMMA", "DELTA"]


async def test_record_selection(disks: MemoryDisks) -> None:
    await session(
        disks,
        "copyfile data file a part1 file a (from 2 for 2",
        "copyfile data file a part2 file a (frlabel GAM tolabel DEL",
        "copyfile data file a part3 file a (trunc upcase",
    )
    assert text(disks, "PART1", "FILE") == ["BETA  ", "GAMMA"]
    assert text(disks, "PART2", "FILE") == ["GAMMA"]
    assert text(disks, "PART3", "FILE")[1] == "BETA"


async def test_append_join_and_multiple_outputs(disks: MemoryDisks) -> None:
    output = await session(
        disks,
        "copyfile other file a data file a (append type",
        "copyfile other file a data file a joined file a",
        "copyfile * file a = backup = (type",
    )
    assert text(disks, "DATA", "FILE")[-2:] == ["ONE", "TWO"]
    assert after(output, "copyfile other file a data file a (append type")[0] == (
        "DMSCPY721I COPY 'OTHER FILE A1' APPEND 'DATA FILE A1' OLD FILE"
    )
    assert text(disks, "JOINED", "FILE")[:3] == ["ONE", "TWO", "ALPHA"]
    assert text(disks, "OTHER", "BACKUP") == ["ONE", "TWO"]
    assert text(disks, "DATA", "BACKUP")[0] == "ALPHA"
    assert len([line for line in output if line.startswith("DMSCPY721I")]) == 4


async def test_translation_list_is_read_from_the_console(disks: MemoryDisks) -> None:
    output = await session(disks, "copyfile other file a tr file a (trans", "O 0 W C1")
    assert "DMSCPY602R ENTER TRANSLATION LIST:" in output
    assert text(disks, "TR", "FILE") == ["0NE", "TA0"]


async def test_conflicts_and_missing_input(disks: MemoryDisks) -> None:
    output = await session(
        disks, "copyfile data file a x y a (append recfm f", "copyfile nope file a x y a"
    )
    assert after(output, "copyfile data file a x y a (append recfm f")[0] == (
        "DMSCPY066E 'APPEND' AND 'RECFM' ARE CONFLICTING OPTIONS"
    )
    assert after(output, "copyfile nope file a x y a")[0] == (
        "DMSCPY002E FILE 'NOPE FILE A' NOT FOUND"
    )


async def test_pack_and_unpack(disks: MemoryDisks) -> None:
    put_file(disks, 0x191, "WIDE", "DATA", ["A" + " " * 70 + "BBBBBBBBB"] * 50, recfm="F")
    await session(
        disks,
        "copyfile wide data a packed data a (pack",
        "copyfile packed data a back data a (unpack",
    )
    assert entry(disks, "PACKED", "DATA") == ("F", 1024, "A1")
    assert len(CmsDisk.access(disks.devices[0x191]).read("PACKED", "DATA")) == 1
    assert text(disks, "BACK", "DATA") == text(disks, "WIDE", "DATA")
    assert entry(disks, "BACK", "DATA") == ("F", 80, "A1")


@given(st.lists(st.binary(min_size=1, max_size=300), min_size=1, max_size=20))
def test_pack_round_trip(records: list[bytes]) -> None:
    assert unpack(pack(records, "V", 300)) == (records, "V", 300)


async def test_specs_rearranges_columns(disks: MemoryDisks) -> None:
    output = await session(
        disks, "copyfile data file a sp file a (specs", "3-4 1 /-/ 3 ++", "h5C5C 6 ++", "1-1 10"
    )
    assert "DMSCPY601R ENTER SPECIFICATION LIST:" in output
    assert text(disks, "SP", "FILE")[:2] == ["PH-  **  A", "TA-  **  B"]
