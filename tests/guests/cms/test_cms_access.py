"""ACCESS, RELEASE, FORMAT and QUERY DISK/SEARCH through the CMS nucleus."""

from __future__ import annotations

import pytest

from guests.cms.fs import CmsDisk
from tests.guests.cms.cmsfake import MemoryDisks, put_file, session, standard_disks
from tests.guests.cms.test_cms_commands import after


@pytest.fixture
def disks() -> MemoryDisks:
    disks = standard_disks()
    disks.add(0x192, label="DDISK")
    disks.add(0x193, label="EDISK")
    put_file(disks, 0x191, "AFILE", "DATA", ["A"], recfm="V")
    put_file(disks, 0x192, "DFILE", "DATA", ["D"], recfm="V")
    put_file(disks, 0x192, "DFILE", "SCRIPT", ["D"], recfm="V")
    put_file(disks, 0x192, "HIDDEN", "DATA", ["H"], recfm="V", mode_number=0)
    return disks


async def test_default_disks_and_search_order(disks: MemoryDisks) -> None:
    output = await session(disks, "query search", "access 193 b/d", "query search")
    first = after(output, "query search")
    assert [line.split()[2] for line in first[:-1]] == ["A", "D", "S"]
    assert after(output, "access 193 b/d")[0] == "DMSACC723I B (193) R/O"
    second = output[output.index("> access 193 b/d") :]
    order = [line.split()[2] for line in second if line[:5] in ("ALI19", "DDISK", "EDISK", "CMS19")]
    assert order == ["A", "D", "B/D", "S"]  # an extension right after its parent


async def test_extension_filter_and_read_only_mode_zero(disks: MemoryDisks) -> None:
    output = await session(
        disks, "access 192 c/a * data", "listfile * * c", "access 192 c/a", "listfile * * c"
    )
    assert after(output, "listfile * * c")[0] == "DFILE    DATA     C1"
    listed = output[output.index("> access 192 c/a") :]
    assert "DFILE    SCRIPT   C1" in listed
    assert not any("HIDDEN" in line for line in output)  # mode 0 is private on R/O access
    assert "DMSACC726I 192 D RELEASED" not in output  # R/O: the disk stays at D as well


async def test_replacing_a_letter_and_moving_a_read_write_disk(disks: MemoryDisks) -> None:
    output = await session(disks, "access 193 d", "access 192 e", "access 192 f/a", "query disk")
    assert after(output, "access 193 d")[:2] == [
        "DMSACC724I 193 REPLACES D (192)",
        "DMSACC726I 192 D RELEASED",
    ]
    assert after(output, "access 192 f/a")[:2] == [
        "DMSACC725I 192 ALSO = E DISK",
        "DMSACC723I F (192) R/O",
    ]
    # F extends A: it follows A in the search order
    disks_shown = [line[:7] for line in after(output, "query disk")[:-1]]
    assert disks_shown == ["A (191)", "F (192)", "D (193)", "E (192)", "S (190)"]


async def test_access_erase_release_and_errors(disks: MemoryDisks) -> None:
    output = await session(
        disks, "access 192 d (erase", "listfile * * d", "release d", "listfile * * d",
        "release 192", "release s", "access 199 g", "access 191 a/a", "erase afile data",
        "release",
    )  # fmt: skip
    assert after(output, "listfile * * d")[0] == "DMSLST002E FILE NOT FOUND"
    assert "DMSLST069E DISK 'D' NOT ACCESSED" in output
    assert after(output, "release 192")[0] == "DMSARE069E DISK '192' NOT ACCESSED"
    assert after(output, "release s")[0] == "DMSARE048E INVALID MODE 'S'"
    assert after(output, "release")[0] == "DMSARE028E NO DEVICE SPECIFIED"  # R6 C&MR p.158
    assert after(output, "access 199 g")[0] == "DMSACC113S G(199) NOT ATTACHED"
    assert after(output, "erase afile data")[0] == "DMSERS037E DISK 'A' IS READ/ONLY"
    assert CmsDisk.access(disks.devices[0x192]).files() == []


async def test_format_label_and_recomp(disks: MemoryDisks) -> None:
    output = await session(
        disks, "format 192 d (label", "newlab", "format 193 e 1 (recomp", "query disk e",
        "format 190 t", "format",
    )  # fmt: skip
    assert CmsDisk.access(disks.devices[0x192]).label == "NEWLAB"
    assert CmsDisk.access(disks.devices[0x192]).find("DFILE", "DATA") is not None
    recomp = after(output, "format 193 e 1 (recomp")[0]
    assert recomp.startswith("E (193): 0 FILES, 5 REC IN USE, 565 LEFT (OF 570), 0% FULL (1 CYL)")
    assert after(output, "format 190 t")[0] == "DMSFOR037E DISK 'T(190)' IS READ/ONLY"
    assert after(output, "format")[0] == "DMSFOR028E NO DEVICE SPECIFIED"
