"""The EDIT command through the CMS nucleus, on in-memory disks with a fake guest interface."""

from __future__ import annotations

import pytest

from guests.cms.fs import CmsDisk, MemoryBlockDevice
from guests.cms.fs.errors import BlockIOError
from tests.guests.cms.cmsfake import ATTENTION, MemoryDisks, put_file, session, standard_disks


def after(output: list[str], line: str) -> list[str]:
    """The output after the input ``line`` up to the next input line."""
    start = output.index(f"> {line}") + 1
    end = next((i for i in range(start, len(output)) if output[i].startswith("> ")), None)
    return output[start:end]


def text(disks: MemoryDisks, vaddr: int, fn: str, ft: str) -> list[str]:
    records = CmsDisk.access(disks.devices[vaddr]).read(fn, ft)
    return [record.decode("cp037").rstrip() for record in records]


@pytest.fixture
def disks() -> MemoryDisks:
    disks = standard_disks()
    put_file(disks, 0x191, "OLD", "DATA", [line.ljust(80) for line in ("ONE", "TWO")])
    put_file(disks, 0x190, "SYS", "MEMO", ["System memo"], recfm="V", mode_number=2)
    return disks


async def test_whole_session_new_file(disks: MemoryDisks) -> None:
    output = await session(
        disks, "edit new script", "", "First line", "Second line", "", "top", "n", "c/First/1st/",
        "l /Second/", "delete", "file", "type new script",
    )  # fmt: skip
    assert after(output, "edit new script") == ["NEW FILE:", "EDIT:"]
    assert after(output, "c/First/1st/") == ["1st line"]
    assert text(disks, 0x191, "NEW", "SCRIPT") == ["1st line"]
    assert after(output, "type new script")[0] == "1st line"
    entry = CmsDisk.access(disks.devices[0x191]).find("NEW", "SCRIPT")
    assert entry is not None and entry.recfm == "V"


async def test_existing_file_keeps_format_and_quit_leaves_it(disks: MemoryDisks) -> None:
    output = await session(disks, "e old data", "t *", "c/ONE/1/", "quit", "e old data", "file")
    assert after(output, "e old data")[0] == "EDIT:"
    assert after(output, "t *") == ["TOF:", "ONE", "TWO", "EOF:"]
    assert after(output, "quit")[0].startswith("Ready;")
    assert text(disks, 0x191, "OLD", "DATA") == ["ONE", "TWO"]
    entry = CmsDisk.access(disks.devices[0x191]).find("OLD", "DATA")
    assert entry is not None and (entry.recfm, entry.lrecl) == ("F", 80)


async def test_read_only_file_saved_elsewhere(disks: MemoryDisks) -> None:
    output = await session(disks, "edit sys memo s", "b", "i Added", "file", "fmode a", "file")
    assert after(output, "file")[0] == "DMSEDI037E DISK 'S' IS READ/ONLY"
    assert text(disks, 0x191, "SYS", "MEMO") == ["System memo", "Added"]
    assert text(disks, 0x190, "SYS", "MEMO") == ["System memo"]


async def test_edit_errors(disks: MemoryDisks) -> None:
    output = await session(
        disks, "edit", "edit a b (lrecl 200", "edit a b (bogus", "edit a b q", "edit a b (lrecl x"
    )
    assert after(output, "edit")[0] == "DMSEDI054E INCOMPLETE FILEID SPECIFIED"
    assert after(output, "edit")[1].startswith("Ready(00024);")
    assert after(output, "edit a b (lrecl 200")[0] == (
        "DMSEDI044E RECORD LENGTH EXCEEDS ALLOWABLE MAXIMUM"
    )
    assert after(output, "edit a b (bogus")[0] == "DMSEDI003E INVALID OPTION 'BOGUS'"
    assert after(output, "edit a b q")[0] == "DMSEDI069E DISK 'Q' NOT ACCESSED"
    assert after(output, "edit a b (lrecl x")[0].startswith("DMSEDI029E")


async def test_lrecl_option(disks: MemoryDisks) -> None:
    await session(disks, "edit wide data (lrecl 100 nodisp", "i " + "W" * 99, "file")
    entry = CmsDisk.access(disks.devices[0x191]).find("WIDE", "DATA")
    assert entry is not None and entry.lrecl == 100


async def test_exec_stacks_lines_for_edit(disks: MemoryDisks) -> None:
    put_file(
        disks, 0x191, "MAKE", "EXEC",
        ["&STACK INPUT MADE BY AN EXEC", "&STACK FILE", "EDIT MADE DATA A", "&TYPE RC &RETCODE"],
        recfm="V",
    )  # fmt: skip
    output = await session(disks, "make")
    assert text(disks, 0x191, "MADE", "DATA") == ["MADE BY AN EXEC"]
    assert "RC 0" in output


async def test_cms_subset(disks: MemoryDisks) -> None:
    output = await session(
        disks, "edit old data", "cms", "listfile old data", "e x y", "return", "qu"
    )
    assert after(output, "cms") == ["CMS SUBSET"]
    assert after(output, "listfile old data")[0] == "OLD      DATA     A1"
    assert after(output, "e x y")[0] == "INVALID SUBSET COMMAND"
    assert after(output, "return") == ["EDIT:"]


async def test_file_on_read_only_extension_goes_back_to_the_parent(disks: MemoryDisks) -> None:
    output = await session(disks, "access 190 b/a", "edit sys memo", "b", "i From B", "file")
    assert after(output, "edit sys memo") == ["EDIT:"]
    assert text(disks, 0x191, "SYS", "MEMO") == ["System memo", "From B"]
    assert text(disks, 0x190, "SYS", "MEMO") == ["System memo"]


async def test_star_searches_every_disk_and_new_file_goes_to_a(disks: MemoryDisks) -> None:
    output = await session(disks, "edit sys memo *", "quit", "edit none memo *", "i x", "file")
    assert after(output, "edit sys memo *") == ["EDIT:"]
    assert after(output, "edit none memo *") == ["NEW FILE:", "EDIT:"]
    assert text(disks, 0x191, "NONE", "MEMO") == ["x"]


class CrashingDisk(MemoryBlockDevice):
    """A minidisk whose writes fail once ``writes_left`` runs out (None: never)."""

    writes_left: int | None = None

    def write_block(self, block: int, data: bytes) -> None:
        if self.writes_left is not None:
            if self.writes_left <= 0:
                raise BlockIOError(f"crash before writing block {block}")
            self.writes_left -= 1
        super().write_block(block, data)


@pytest.mark.parametrize("writes", [0, 1, 2])
async def test_a_failed_file_leaves_the_old_file(disks: MemoryDisks, writes: int) -> None:
    crashing = CrashingDisk(0x3350, 2)
    crashing.blocks = dict(disks.devices[0x191].blocks)
    disks.devices[0x191] = crashing
    crashing.writes_left = writes
    output = await session(disks, "e old data", "c/ONE/1/", "file", "quit")
    assert after(output, "file")[0].startswith("DMSEDI")
    assert text(disks, 0x191, "OLD", "DATA") == ["ONE", "TWO"]
    crashing.writes_left = None
    await session(disks, "e old data", "c/ONE/1/", "file")
    assert text(disks, 0x191, "OLD", "DATA") == ["1", "TWO"]


async def test_hx_ends_the_editor_without_writing(disks: MemoryDisks) -> None:
    output = await session(disks, "e old data", "c/ONE/1/", ATTENTION, "HX", "type old data")
    assert after(output, "HX")[0].startswith("Ready;")
    assert after(output, "type old data")[:2] == ["ONE", "TWO"]


async def test_edit_macro_exec_stacks_subcommands(disks: MemoryDisks) -> None:
    put_file(
        disks,
        0x191,
        "$SWAP",
        "EXEC",
        ["&S = &CONCAT C/ &1 / &2 /", "&STACK &S * G", "&STACK TOP"],
        recfm="V",
    )
    output = await session(disks, "e old data", "n", "$swap O 0", "t *", "quit")
    assert after(output, "t *") == ["TOF:", "0NE", "TW0", "EOF:"]
