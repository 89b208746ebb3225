"""Disks built byte by byte from reference/dasd.md 5, read (and updated) by CmsDisk.

Nothing here uses the file system's encoders: blocks are assembled from the
offsets and values of the reference tables.
"""

from __future__ import annotations

import pytest

from guests.cms.fs.device import MemoryBlockDevice
from guests.cms.fs.disk import CmsDisk
from guests.cms.fs.errors import DirectoryError, DirectoryFull
from tests.guests.cms.helpers import clock, reread
from tests.guests.cms.r6reader import read_disk


def ebcdic(text: str, length: int) -> bytes:
    return text.encode("cp037").ljust(length, b"\x40")


def halfwords(*values: int) -> bytes:
    return b"".join(value.to_bytes(2, "big") for value in values)


def fst(
    name: str, type_: str, mode: str, recfm: str, lrecl: int, items: int, fcl: int, dbc: int
) -> bytes:
    """A 40-byte entry from the table of 5.6, written 06/06/79 20:16."""
    entry = (
        ebcdic(name, 8) + ebcdic(type_, 8) + bytes.fromhex("06062016")
        + halfwords(items + 1, 1) + mode.encode("cp037") + halfwords(items, fcl)
        + recfm.encode("cp037") + b"\x00" + lrecl.to_bytes(4, "big") + halfwords(dbc)
        + b"\xf7\xf9"
    )  # fmt: skip
    assert len(entry) == 40
    return entry


def block(data: bytes) -> bytes:
    return data.ljust(800, b"\x00")


def bitmap_for(used: set[int], size: int = 215) -> bytearray:
    bits = bytearray(size)
    for number in used:
        bits[(number - 1) // 8] |= 0x80 >> ((number - 1) % 8)
    return bits


def mfd(fst_blocks: list[int], used: set[int], adtnum: int, cylinders: int, unit: int) -> bytes:
    data = bytearray(800)
    data[: 2 * len(fst_blocks) + 2] = halfwords(*fst_blocks, 0xFFFF)
    last = max((n - 1) // 8 for n in used)
    fields = (adtnum, len(used), adtnum - len(used), last, cylinders)
    data[364:384] = b"".join(value.to_bytes(4, "big") for value in fields)
    data[384:599] = bitmap_for(used)
    data[599] = unit
    return bytes(data)


PROFILE = [ebcdic("&CONTROL OFF", 80), ebcdic("ACCESS 192 D", 80)]
MEMMGR = [b"\xc1" * 797, b"HELLO", b""]  # the second length prefix straddles blocks
BIG = [bytes([n]) * 800 for n in range(61)]


def fixture_3350() -> MemoryBlockDevice:
    """1 cylinder of 3350: three files, a hole in the FST block, an Nth chain link."""
    device = MemoryBlockDevice(0x3350, 1)
    put = device.blocks.__setitem__
    put(3, block(bytes.fromhex("C3D4E27E") + ebcdic("FIX191", 6)))
    put(9, block(
        fst("PROFILE", "EXEC", "P1", "F", 80, 2, 6, 1) + bytes(40)
        + fst("__MEMMGR", "H", "P2", "V", 797, 3, 12, 3)
        + fst("BIG", "DATA", "Z1", "F", 800, 61, 13, 61)
    ))  # fmt: skip
    put(6, block(bytes(80) + halfwords(7)))
    put(7, block(b"".join(PROFILE)))
    stream = halfwords(797) + MEMMGR[0] + halfwords(5) + b"HELLO" + halfwords(0)
    put(10, stream[:800])
    put(8, block(stream[800:]))
    put(12, block(bytes(80) + halfwords(10, 8, 11)))  # block 11: a trailing zero block
    put(13, block(halfwords(14) + bytes(78) + halfwords(*range(100, 160))))
    put(14, block(halfwords(160)))
    for n, number in enumerate(range(100, 161)):
        put(number, BIG[n])
    used = {1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, *range(100, 161)}
    put(4, mfd([9], used, 570, 1, 0x0B))
    return device


def test_fs_reads_the_byte_built_disk() -> None:
    device = fixture_3350()
    disk = CmsDisk.access(device, mode_letter="B", clock=clock)
    assert (disk.label, disk.total_blocks, disk.used_blocks, disk.file_count) == (
        "FIX191", 570, 74, 3,
    )  # fmt: skip
    assert [entry.fileid for entry in disk.files()] == [
        "PROFILE EXEC B1", "__MEMMGR H B2", "BIG DATA B1",
    ]  # fmt: skip
    profile = disk.state("PROFILE", "EXEC")
    assert profile.written() == "06/06/79 20:16" and profile.lrecl == 80
    assert disk.read("PROFILE", "EXEC") == PROFILE
    assert disk.read("__MEMMGR", "H") == MEMMGR
    assert disk.read("BIG", "DATA") == BIG
    on_disk = read_disk(device.read_block)  # the reader agrees; the hole is not "packed"
    assert on_disk.file("BIG", "DATA").records == BIG
    assert on_disk.problems == ["FST entries not packed", "trailing FST entries not zero"]


def test_fs_updates_the_byte_built_disk_in_place() -> None:
    device = fixture_3350()
    disk = CmsDisk.access(device, clock=clock)
    disk.write("NEW", "FILE", [b"x" * 80] * 30)
    disk.erase("__MEMMGR", "H")
    disk.append("BIG", "DATA", [bytes(800)])
    on_disk = reread(device)  # invariants hold, the rewritten FST is packed
    assert [f.name for f in on_disk.files] == ["PROFILE", "BIG", "NEW"]
    assert on_disk.file("PROFILE", "EXEC").records == PROFILE
    assert on_disk.file("BIG", "DATA").records == BIG + [bytes(800)]
    assert on_disk.file("PROFILE", "EXEC").mode == "A1"  # rewritten with the access letter
    assert not {100, 160} & set(on_disk.file("NEW", "FILE").data_blocks)


def fixture_2314() -> MemoryBlockDevice:
    """A CP-67-style 2314 disk: two files whose first chain links share block 6 (5.13)."""
    device = MemoryBlockDevice(0x2314, 1)
    put = device.blocks.__setitem__
    put(3, block(bytes.fromhex("C3D4E27E") + ebcdic("CP67", 6)))
    put(5, block(
        fst("ONE", "FILE", "A1", "V", 3, 1, 0x0006, 1)
        + fst("TWO", "FILE", "A1", "V", 3, 1, 0x4006, 1)
    ))  # fmt: skip
    put(6, block(bytes(80) + halfwords(7) + bytes(118) + bytes(80) + halfwords(8)))
    put(7, block(halfwords(3) + b"ONE"))
    put(8, block(halfwords(3) + b"TWO"))
    put(4, mfd([5], {1, 2, 3, 4, 5, 6, 7, 8}, 150, 1, 0x08))
    return device


def test_2314_shared_first_chain_link_block() -> None:
    device = fixture_2314()
    disk = CmsDisk.access(device, clock=clock)
    assert disk.read("ONE", "FILE") == [b"ONE"] and disk.read("TWO", "FILE") == [b"TWO"]
    disk.erase("ONE", "FILE")  # block 6 still holds TWO's first chain link
    assert disk.used_blocks == 7
    disk.write("NEW", "FILE", [b"NEW"], recfm="V")  # must not land on block 6
    again = CmsDisk.access(device)
    assert again.read("TWO", "FILE") == [b"TWO"] and again.read("NEW", "FILE") == [b"NEW"]
    again.erase("TWO", "FILE")
    assert again.used_blocks == 4 + 1 + 2


def test_full_directory_space() -> None:
    """181 FST blocks fill the MFD's list space (5.10): the next one is refused."""
    device = MemoryBlockDevice(0x3350, 2)
    entry = fst("SAME", "LINK", "A1", "V", 1, 1, 400, 1)
    fst_blocks = list(range(5, 186))
    for number in fst_blocks:
        device.blocks[number] = entry * 20
    device.blocks[3] = block(bytes.fromhex("C3D4E27E") + ebcdic("FULL", 6))
    device.blocks[4] = mfd(fst_blocks, {1, 2, 3, 4, *fst_blocks}, 1140, 2, 0x0B)
    disk = CmsDisk.access(device, clock=clock)
    assert disk.file_count == 3620
    writes = device.writes
    with pytest.raises(DirectoryFull):
        disk.write("ONE", "MORE", [b"x"], recfm="V")
    assert device.writes == writes


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ((3, 0, b"CMS="), "LABEL"),  # ASCII, not EBCDIC
        ((4, 0, halfwords(0xFFFF)), "NO FST BLOCKS"),
        ((4, 364, (600).to_bytes(4, "big")), "BEYOND"),
        ((9, 24, b"\x00\x00"), "MODE"),
    ],
)
def test_damaged_fixture_gives_directory_errors(
    patch: tuple[int, int, bytes], message: str
) -> None:
    device = fixture_3350()
    number, offset, data = patch
    raw = bytearray(device.blocks[number])
    raw[offset : offset + len(data)] = data
    device.blocks[number] = bytes(raw)
    with pytest.raises(DirectoryError, match=message):
        CmsDisk.access(device)
