"""CmsDisk: FORMAT, ACCESS and the file operations, checked by the independent reader."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from guests.cms.fs.device import BLOCK_SIZE, MemoryBlockDevice
from guests.cms.fs.disk import CmsDisk
from guests.cms.fs.errors import (
    DirectoryError,
    DiskFull,
    DiskReadOnly,
    FileExists,
    FileNotFound,
    FileTooLarge,
    InvalidFileId,
    InvalidMode,
    InvalidParameter,
    InvalidRecfm,
    NoRecords,
    RecfmMismatch,
    RecordLengthError,
)
from guests.cms.fs.layout import FstEntry
from tests.guests.cms.helpers import clock, fresh, reread


def card(text: str) -> bytes:
    return text.encode("cp037").ljust(80, b"\x40")


def test_format_writes_the_observed_empty_disk() -> None:
    device, disk = fresh(cylinders=1, label="MNT191")
    assert device.read_block(1) == device.read_block(2) == device.read_block(5) == bytes(800)
    assert device.read_block(3)[:10].decode("cp037") == "CMS=MNT191"
    mfd = device.read_block(4)
    assert mfd[:4] == bytes.fromhex("0005FFFF")
    assert [int.from_bytes(mfd[o : o + 4], "big") for o in range(364, 384, 4)] == [
        570, 5, 565, 0, 1,
    ]  # fmt: skip
    assert mfd[384] == 0xF8 and mfd[385:599] == bytes(214) and mfd[599] == 0x0B
    assert (disk.total_blocks, disk.used_blocks, disk.free_blocks, disk.file_count) == (
        570, 5, 565, 0,
    )  # fmt: skip
    on_disk = reread(device)
    assert (on_disk.label, on_disk.files, on_disk.adtcyl) == ("MNT191", [], 1)


def test_format_options() -> None:
    device = MemoryBlockDevice(0x3330, 10)
    disk = CmsDisk.format(device, "T1", cylinders=4, mode_letter="T")
    assert disk.total_blocks == 4 * 19 * 14 and disk.cylinders == 4 and disk.mode_letter == "T"
    assert reread(device).unit_type == 0x09
    for bad_label in ("", "SEVENXX", "A B"):
        with pytest.raises(InvalidParameter):
            CmsDisk.format(device, bad_label)
    for bad_cylinders in (0, 11):
        with pytest.raises(InvalidParameter):
            CmsDisk.format(device, "X", cylinders=bad_cylinders)
    with pytest.raises(InvalidMode):
        CmsDisk.format(device, "X", mode_letter="1")
    device.read_only = True
    with pytest.raises(DiskReadOnly):
        CmsDisk.format(device, "X")


def test_write_read_f_and_v_and_the_reader_agrees() -> None:
    device, disk = fresh()
    cards = [card(f"LINE {n}") for n in range(30)]
    lines = [f"V{n}".encode() * n for n in range(40)]
    f_entry = disk.write("PROFILE", "EXEC", cards)
    v_entry = disk.write("NOTES", "SCRIPT", lines, recfm="V", mode_number=5)
    assert (f_entry.recfm, f_entry.lrecl, f_entry.item_count, f_entry.data_blocks) == (
        "F", 80, 30, 3,
    )  # fmt: skip
    assert (v_entry.lrecl, v_entry.mode, v_entry.write_pointer) == (117, "A5", 41)
    assert disk.read("PROFILE", "EXEC") == cards and disk.read("NOTES", "SCRIPT") == lines
    on_disk = reread(device)
    profile = on_disk.file("PROFILE", "EXEC")
    assert (profile.records, profile.mode, profile.date, profile.year) == (
        cards, "A1", (6, 6, 20, 16), "79",
    )  # fmt: skip
    assert on_disk.file("NOTES", "SCRIPT").records == lines
    again = CmsDisk.access(device, mode_letter="C", clock=clock)
    assert [entry.fileid for entry in again.files()] == ["PROFILE EXEC C1", "NOTES SCRIPT C5"]
    assert again.read("NOTES", "SCRIPT") == lines and again.used_blocks == disk.used_blocks


def test_listfile_patterns_and_state() -> None:
    _, disk = fresh()
    for name, type_, number in [("ABC", "EXEC", 1), ("ABD", "TEXT", 2), ("XYZ", "EXEC", 1)]:
        disk.write(name, type_, [card(name)], mode_number=number)

    def names(entries: list[FstEntry]) -> list[str]:
        return [entry.fn for entry in entries]

    assert names(disk.files()) == ["ABC", "ABD", "XYZ"]
    assert names(disk.files("AB*")) == ["ABC", "ABD"]
    assert names(disk.files("*", "EXEC")) == ["ABC", "XYZ"]
    assert names(disk.files("*", "*", 2)) == ["ABD"]
    assert disk.files("Q*") == []
    assert disk.state("XYZ", "EXEC").fileid == "XYZ EXEC A1"
    with pytest.raises(FileNotFound) as caught:
        disk.state("NONE", "EXEC")
    assert caught.value.message("STT") == "DMSSTT002E FILE 'NONE EXEC A' NOT FOUND"
    assert (caught.value.rc, caught.value.fs_rc) == (28, 28)


def test_many_files_grow_the_fst_blocks() -> None:
    device, disk = fresh()
    for n in range(45):
        disk.write(f"F{n}", "DATA", [card(str(n))])
    on_disk = reread(device)
    assert len(on_disk.fst_blocks) == 3 and len(on_disk.files) == 45
    for n in range(0, 45, 2):
        disk.erase(f"F{n}", "DATA")
    on_disk = reread(device)
    assert len(on_disk.fst_blocks) == 2 and sorted(f.name for f in on_disk.files) == sorted(
        f"F{n}" for n in range(1, 45, 2)
    )


@pytest.mark.parametrize("blocks", [60, 61, 460, 461, 900])
def test_large_files_use_nth_chain_links(blocks: int) -> None:
    device, disk = fresh()
    records = [bytes([n % 256]) * BLOCK_SIZE for n in range(blocks)]
    entry = disk.write("BIG", "FILE", records)
    assert entry.data_blocks == blocks
    big = reread(device).file("BIG", "FILE")
    assert len(big.link_blocks) == 1 + -(-max(0, blocks - 60) // 400)
    assert big.records == records and disk.read("BIG", "FILE") == records


def test_extension_blocks_appear_and_go() -> None:
    device, disk = fresh(cylinders=115)  # 65,531 blocks: 10 QMSK extension blocks
    assert disk.total_blocks == 65531
    disk.write("SMALL", "FILE", [card("x")])
    assert reread(device).extension_blocks == []
    records = [bytes(BLOCK_SIZE)] * 1800
    disk.write("BIG", "FILE", records)
    on_disk = reread(device)
    assert len(on_disk.extension_blocks) == 10
    assert int.from_bytes(device.read_block(4)[:2], "big") in on_disk.fst_blocks
    assert CmsDisk.access(device).read("BIG", "FILE") == records
    disk.erase("BIG", "FILE")
    assert reread(device).extension_blocks == []
    assert disk.used_blocks == 4 + 1 + 2


def test_erase_and_rename() -> None:
    device, disk = fresh()
    disk.write("A", "B", [card("1")])
    disk.write("C", "D", [card("2")])
    with pytest.raises(FileExists) as caught:
        disk.rename("A", "B", "C", "D")
    assert caught.value.message("RNM") == "DMSRNM024E FILE 'C D A1' ALREADY EXISTS"
    renamed = disk.rename("A", "B", "E", "F", mode_number=3)
    assert renamed.fileid == "E F A3" and disk.read("E", "F") == [card("1")]
    assert disk.find("A", "B") is None
    assert disk.rename("E", "F", "E", "F").fileid == "E F A3"  # same name: a no-op rename
    with pytest.raises(InvalidFileId):
        disk.rename("E", "F", "E*", "F")
    assert disk.erase("C", "D").fn == "C"
    with pytest.raises(FileNotFound):
        disk.erase("C", "D")
    assert [f.name for f in reread(device).files] == ["E"]
    assert disk.used_blocks == 4 + 1 + 2


def test_replace_and_newfile() -> None:
    device, disk = fresh()
    disk.write("X", "Y", [card("old")], mode_number=2)
    entry = disk.write("X", "Y", [b"new"], recfm="V")
    assert entry.mode == "A2" and disk.read("X", "Y") == [b"new"]
    with pytest.raises(FileExists):
        disk.write("X", "Y", [b"newer"], recfm="V", replace=False)
    assert disk.used_blocks == 4 + 1 + 2
    reread(device)


def test_append_keeps_full_blocks() -> None:
    device, disk = fresh()
    first = [card(f"{n}") for n in range(25)]  # 2000 bytes: 2 full blocks + 400
    disk.write("LOG", "FILE", first)
    before = reread(device).file("LOG", "FILE").data_blocks
    disk.append("LOG", "FILE", [card("more")] * 10)
    after = reread(device).file("LOG", "FILE")
    assert after.records == first + [card("more")] * 10
    assert after.data_blocks[:2] == before[:2] and after.data_blocks[2] != before[2]
    v = disk.append("VAR", "FILE", [b"a"])  # created when absent, RECFM V
    assert (v.recfm, v.lrecl) == ("V", 1)
    v = disk.append("VAR", "FILE", [b"longer" * 200] * 3)
    assert v.lrecl == 1200 and disk.read("VAR", "FILE") == [b"a"] + [b"longer" * 200] * 3
    with pytest.raises(RecfmMismatch):
        disk.append("VAR", "FILE", [b"x"], recfm="F")
    with pytest.raises(RecordLengthError):
        disk.append("LOG", "FILE", [b"short"])
    reread(device)


def test_write_errors_write_nothing() -> None:
    device, disk = fresh()
    writes = device.writes
    cases: list[tuple[type[Exception], Callable[[], object]]] = [
        (InvalidRecfm, lambda: disk.write("F", "T", [b"AB"], recfm="U")),
        (NoRecords, lambda: disk.write("F", "T", [])),
        (RecordLengthError, lambda: disk.write("F", "T", [b"AB", b"ABC"])),
        (RecordLengthError, lambda: disk.write("F", "T", [b"AB"], lrecl=3)),
        (RecordLengthError, lambda: disk.write("F", "T", [b""])),
        (InvalidFileId, lambda: disk.write("BAD NAME", "T", [b"AB"])),
        (InvalidFileId, lambda: disk.write("F", "TOOLONGXX", [b"AB"])),
        (InvalidMode, lambda: disk.write("F", "T", [b"AB"], mode_number=7)),
    ]
    for error, operation in cases:
        with pytest.raises(error):
            operation()
    with pytest.raises(FileTooLarge):
        disk.write("F", "T", [b"x"] * 65536, recfm="V")
    assert device.writes == writes
    assert InvalidFileId("X", in_type=True).fs_rc == 21


def test_disk_full_is_clean() -> None:
    device, disk = fresh(cylinders=1)  # 570 blocks
    disk.write("KEEP", "ME", [card("keep")])
    free = disk.free_blocks  # chain links and a new FST block are needed as well
    writes, used = device.writes, disk.used_blocks
    with pytest.raises(DiskFull) as caught:
        disk.write("HUGE", "FILE", [bytes(BLOCK_SIZE)] * free)
    assert (
        caught.value.message("CPY") == "DMSCPY105S ERROR '13' WRITING FILE 'HUGE FILE A1' ON DISK"
    )
    assert (device.writes, disk.used_blocks) == (writes, used)
    # free - 4 data blocks, a first and two Nth chain links, a new FST block; the old
    # FST block is free again after the commit
    fits = disk.write("HUGE", "FILE", [bytes(BLOCK_SIZE)] * (free - 4))
    assert disk.free_blocks == 1 and fits.data_blocks == free - 4
    with pytest.raises(DiskFull):  # replacing needs room for both copies until the commit
        disk.write("HUGE", "FILE", [bytes(BLOCK_SIZE)])
    with pytest.raises(DiskFull):
        disk.write("KEEP", "ME", [card("new")])
    assert disk.read("KEEP", "ME") == [card("keep")]
    disk.erase("HUGE", "FILE")  # erasing needs no new data blocks, only an FST block
    assert disk.free_blocks == 570 - 7
    reread(device)


def test_read_only_disks() -> None:
    device, disk = fresh()
    disk.write("PRIV", "FILE", [card("p")], mode_number=0)
    disk.write("PUB", "FILE", [card("q")], mode_number=2)
    device.read_only = True
    ro = CmsDisk.access(device, mode_letter="S")
    assert ro.read_only and [entry.fileid for entry in ro.files()] == ["PUB FILE S2"]
    assert ro.file_count == 1 and ro.find("PRIV", "FILE") is None
    with pytest.raises(DiskReadOnly) as caught:
        ro.write("NEW", "FILE", [card("x")])
    error = caught.value
    assert error.message("CPY") == "DMSCPY037E DISK 'S' IS READ/ONLY"
    assert (error.rc, error.fs_rc) == (36, 12)
    for operation in (
        lambda: ro.erase("PUB", "FILE"),
        lambda: ro.rename("PUB", "FILE", "X", "Y"),
        lambda: ro.append("PUB", "FILE", [card("x")]),
        lambda: ro.relabel("NEW"),
        lambda: ro.recomp(1),
        ro.erase_all,
    ):
        with pytest.raises(DiskReadOnly):
            operation()
    ro.rewrite_directory()  # RELEASE of a R/O disk writes nothing
    assert [e.fn for e in CmsDisk.access(device, mode0=True).files()] == ["PRIV", "PUB"]
    device.read_only = False
    forced = CmsDisk.access(device, read_only=True)  # ACCESS 191 A/A
    with pytest.raises(DiskReadOnly):
        forced.erase("PUB", "FILE")
    assert CmsDisk.access(device).find("PRIV", "FILE") is not None


def test_rewrite_directory_sorts_and_erase_all() -> None:
    device, disk = fresh()
    for name in ("ZED", "ALPHA", "MID"):
        disk.write(name, "EXEC", [card(name)])
    disk.write("ALPHA", "AAA", [card("a")])
    disk.rewrite_directory()
    assert [(f.name, f.type) for f in reread(device).files] == [
        ("ALPHA", "AAA"), ("ALPHA", "EXEC"), ("MID", "EXEC"), ("ZED", "EXEC"),
    ]  # fmt: skip
    disk.erase_all()
    assert reread(device).files == [] and disk.used_blocks == 5 and disk.file_count == 0


def test_relabel_and_recomp() -> None:
    device, disk = fresh(cylinders=10)
    disk.write("KEEP", "ME", [card("k")])
    disk.relabel("NEWLAB")
    assert CmsDisk.access(device).label == "NEWLAB" and reread(device).label == "NEWLAB"
    disk.recomp(3)
    assert (disk.total_blocks, disk.cylinders) == (1710, 3)
    on_disk = reread(device)
    assert (on_disk.adtnum, on_disk.adtcyl) == (1710, 3)
    disk.write("BIG", "ONE", [bytes(BLOCK_SIZE)] * 1500)
    with pytest.raises(InvalidParameter):
        disk.recomp(2)  # blocks in use beyond 1,140
    with pytest.raises(InvalidParameter):
        disk.recomp(11)
    disk.recomp(10)
    assert disk.total_blocks == 5700 and disk.read("KEEP", "ME") == [card("k")]
    reread(device)


def test_2314_disk() -> None:
    device, disk = fresh(device_type=0x2314, cylinders=3)
    assert disk.total_blocks == 450
    records = [f"{n}".encode() for n in range(500)]
    disk.write("ON", "2314", records, recfm="V")
    on_disk = reread(device)
    assert on_disk.unit_type == 0x08 and on_disk.file("ON", "2314").records == records


def test_access_rejects_a_directory_beyond_the_device() -> None:
    device, _ = fresh(cylinders=10)
    small = MemoryBlockDevice(0x3350, 2)
    small.blocks = {n: device.read_block(n) for n in range(1, 10)}
    with pytest.raises(DirectoryError) as caught:
        CmsDisk.access(small)
    assert "BEYOND" in str(caught.value)


def test_2314_first_chain_links_stay_below_16384() -> None:
    """FSTFCL's top two bits are a segment number on 2314 disks (5.13)."""
    device, disk = fresh(device_type=0x2314, cylinders=203)
    assert disk.total_blocks == 30450
    full = bytearray(disk._bitmap)  # mark blocks 1-16,383 in use
    full[: 16383 // 8] = b"\xff" * (16383 // 8)
    full[16383 // 8] = 0xFE
    disk._bitmap = full
    with pytest.raises(DiskFull):
        disk.write("NO", "LINK", [b"x"], recfm="V")
    full[99 // 8] &= ~(0x80 >> (99 % 8)) & 0xFF  # free block 100
    entry = disk.write("LOW", "LINK", [b"x"], recfm="V")
    assert entry.first_chain_link == 100 and disk.read("LOW", "LINK") == [b"x"]


def test_unchanged_fst_blocks_are_not_rewritten() -> None:
    device, disk = fresh()
    for n in range(45):
        disk.write(f"F{n}", "DATA", [card(str(n))])
    before = reread(device).fst_blocks
    writes = device.writes
    disk.write("F25", "DATA", [card("again")])  # its entry lives in the second FST block
    after = reread(device).fst_blocks
    assert (after[0], after[2]) == (before[0], before[2]) and after[1] != before[1]
    assert device.writes - writes == 2 + 1 + 1  # data block, first chain link, FST, MFD
    disk.rewrite_directory(sort=False)  # nothing changed: only the MFD is written
    assert reread(device).fst_blocks == after


def test_replace_records_rewrites_only_changed_blocks() -> None:
    device, disk = fresh()
    cards = [card(f"{n}") for n in range(100)]  # 8,000 bytes: blocks 0-9
    disk.write("F", "FILE", cards)
    before = reread(device).file("F", "FILE").data_blocks
    disk.replace_records("F", "FILE", 21, [card("twenty-one")])  # bytes 1600-1679: block 2
    after = reread(device).file("F", "FILE")
    assert after.records == cards[:20] + [card("twenty-one")] + cards[21:]
    changed = [n for n, (a, b) in enumerate(zip(before, after.data_blocks, strict=True)) if a != b]
    assert changed == [2]
    disk.replace_records("F", "FILE", 100, [card("last"), card("new")])  # past the end
    assert disk.read("F", "FILE")[98:] == [cards[98], card("last"), card("new")]
    for bad in (0, 103):
        with pytest.raises(InvalidParameter):
            disk.replace_records("F", "FILE", bad, [card("x")])
    with pytest.raises(RecordLengthError):
        disk.replace_records("F", "FILE", 1, [b"short"])
    reread(device)


def test_replace_records_in_v_files_keeps_lengths() -> None:
    device, disk = fresh()
    lines = [b"a" * n for n in range(1, 50)]
    disk.write("V", "FILE", lines, recfm="V")
    disk.replace_records("V", "FILE", 10, [b"B" * 10, b"C" * 11])
    assert disk.read("V", "FILE") == lines[:9] + [b"B" * 10, b"C" * 11] + lines[11:]
    with pytest.raises(RecordLengthError):
        disk.replace_records("V", "FILE", 10, [b"B" * 9])
    entry = disk.replace_records("V", "FILE", 50, [b"D" * 300])
    assert (entry.lrecl, entry.item_count) == (300, 50)
    assert reread(device).file("V", "FILE").records[-1] == b"D" * 300
