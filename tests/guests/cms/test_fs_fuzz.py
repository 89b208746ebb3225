"""Corrupted disks: random bytes in directory and data blocks give CmsFsError only.

Whatever the damage, ACCESS, LISTFILE, reading every file and the update
operations must either work or raise a ``CmsFsError`` (which the command layer
turns into a DMS message), never another exception.
"""

from __future__ import annotations

from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guests.cms.fs.device import BLOCK_SIZE, MemoryBlockDevice
from guests.cms.fs.disk import CmsDisk
from guests.cms.fs.errors import CmsFsError
from tests.guests.cms.helpers import clock, fresh
from tests.guests.cms.r6reader import read_disk


@cache
def sample_blocks() -> dict[int, bytes]:
    """A disk with F, V, multi-link and many small files (two FST blocks)."""
    device, disk = fresh(cylinders=3)
    disk.write("PROFILE", "EXEC", [b"&CONTROL OFF".ljust(80)] * 12)
    disk.write("NOTES", "SCRIPT", [bytes([n]) * n for n in range(120)], recfm="V")
    disk.write("BIG", "DATA", [bytes([n % 256]) * 400 for n in range(1000)])
    for n in range(22):
        disk.write(f"F{n}", "TEXT", [f"{n}".encode() * 3], recfm="V", mode_number=n % 7)
    return dict(device.blocks)


@cache
def structural_blocks() -> list[int]:
    """Label, MFD, FST blocks and chain links of the sample disk."""
    device = MemoryBlockDevice(0x3350, 3)
    device.blocks = dict(sample_blocks())
    disk = read_disk(device.read_block)
    return [3, 4, *disk.fst_blocks, *(b for f in disk.files for b in f.link_blocks)]


def exercise(device: MemoryBlockDevice) -> None:
    """Everything the command layer does with a disk, stopping at the first error."""
    try:
        disk = CmsDisk.access(device, clock=clock)
        entries = disk.files()
        _ = disk.used_blocks, disk.free_blocks, disk.file_count, disk.label
        for entry in entries:
            try:
                disk.read(entry.fn, entry.ft)
                _ = entry.written(), entry.fileid, entry.mode_number
            except CmsFsError:
                pass
        disk.write("NEW", "FILE", [b"new record"] * 30, recfm="V")
        if entries:
            first = entries[0]
            disk.append(first.fn, first.ft, [bytes(first.lrecl) or b"x"])
            disk.replace_records(first.fn, first.ft, 1, disk.read(first.fn, first.ft)[:1])
            disk.rename(first.fn, first.ft, "RENAMED", "FILE")
            disk.erase("RENAMED", "FILE")
        disk.rewrite_directory()
        CmsDisk.access(device).files()
    except CmsFsError:
        pass


def corrupt(blocks: dict[int, bytes], number: int, edits: list[tuple[int, int]]) -> bytes:
    raw = bytearray(blocks.get(number, bytes(BLOCK_SIZE)))
    for offset, value in edits:
        raw[offset] = value
    return bytes(raw)


edits = st.lists(
    st.tuples(st.integers(0, BLOCK_SIZE - 1), st.integers(0, 255)), min_size=1, max_size=12
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_byte_edits_in_used_blocks(data: st.DataObject) -> None:
    blocks = sample_blocks()
    anywhere = st.sampled_from(sorted(blocks))
    structure = st.sampled_from(structural_blocks())
    device = MemoryBlockDevice(0x3350, 3)
    device.blocks = dict(blocks)
    for _ in range(data.draw(st.integers(1, 3))):
        number = data.draw(st.one_of(structure, anywhere))
        device.blocks[number] = corrupt(device.blocks, number, data.draw(edits))
    exercise(device)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(list(range(3, 12))),
    st.binary(min_size=BLOCK_SIZE, max_size=BLOCK_SIZE),
)
def test_random_whole_blocks(number: int, garbage: bytes) -> None:
    device = MemoryBlockDevice(0x3350, 3)
    device.blocks = dict(sample_blocks())
    device.blocks[number] = garbage
    exercise(device)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mfd_fields_and_chain_numbers(data: st.DataObject) -> None:
    """Targeted damage: MFD counts, FST halfwords and chain-link entries."""
    blocks = sample_blocks()
    device = MemoryBlockDevice(0x3350, 3)
    device.blocks = dict(blocks)
    mfd = bytearray(blocks[4])
    fst_block = int.from_bytes(mfd[0:2], "big")
    offset = data.draw(st.sampled_from([0, 2, 4, 364, 366, 368, 376, 380, 384, 599]))
    mfd[offset : offset + 2] = data.draw(st.binary(min_size=2, max_size=2))
    device.blocks[4] = bytes(mfd)
    fst = bytearray(blocks[fst_block])
    field = data.draw(st.sampled_from([20, 22, 26, 28, 30, 32, 34, 36]))
    entry = 40 * data.draw(st.integers(0, 19))
    fst[entry + field : entry + field + 2] = data.draw(st.binary(min_size=2, max_size=2))
    device.blocks[fst_block] = bytes(fst)
    exercise(device)


def test_exercise_runs_clean_on_the_undamaged_disk() -> None:
    device = MemoryBlockDevice(0x3350, 3)
    device.blocks = dict(sample_blocks())
    exercise(device)
    disk = CmsDisk.access(device)
    assert disk.find("NEW", "FILE") is not None and disk.find("RENAMED", "FILE") is None
