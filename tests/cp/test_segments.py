"""Named segments: their file format and what LOADSYS/PURGESYS do to a machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.cp.segments import Segment, SegmentError, SegmentLinkage, Segments, parse_range
from server.machine import Machine
from server.machine.isa import PROTECTION, ProgramCheck


def test_parse_range() -> None:
    assert parse_range("8-9") == (0x8000, 0x2000)
    assert parse_range("F00") == (0xF00000, 0x1000)
    for bad in ("9-8", "G", "1000", "-1"):
        with pytest.raises(ValueError):
            parse_range(bad)


def test_pack_unpack_and_bad_files(tmp_path: Path) -> None:
    segment = Segment("HELLO", 0x8000, 0x1000, "SR", b"\x01" * 0x1000)
    assert Segment.unpack("hello", segment.pack()) == segment
    skeleton = Segment("HELLO", 0x8000, 0x1000, "EW")
    assert Segment.unpack("HELLO", skeleton.pack()).pages is None
    for data in (b"", b"NOTASEG!" + bytes(4088), segment.pack()[:-1]):
        with pytest.raises(SegmentError):
            Segment.unpack("X", data)
    store = Segments(tmp_path)
    store.put(segment)
    assert store.names() == ["HELLO"] and store.get("HELLO") == segment
    with pytest.raises(SegmentError):
        store.path("TOO LONG NAME")


def test_shared_load_is_read_only_until_purged() -> None:
    machine = Machine(storage_size=64 * 1024)
    linkage = SegmentLinkage(Segments(None))
    segment = Segment("HELLO", 0x8000, 0x1000, "SR", b"\xaa" * 0x1000)
    linkage.load(machine, segment, shared=True)
    assert machine.read(0x8000, 2) == b"\xaa\xaa" and linkage.loaded(machine, "HELLO")
    with pytest.raises(ProgramCheck) as check:
        machine.cpu.store1(0x8FFF, 1)
    assert check.value.code == PROTECTION
    machine.cpu.store1(0x9000, 1)  # the page after it is the guest's
    assert linkage.purge(machine, "HELLO") and not linkage.purge(machine, "HELLO")
    assert machine.read(0x8000, 2) == b"\0\0"
    machine.cpu.store1(0x8000, 1)
    linkage.load(machine, segment, shared=False)  # non-shared: writable
    machine.cpu.store1(0x8000, 2)
    assert machine.read(0x8000, 1) == b"\x02"


def test_a_segment_above_the_machine_is_addressable_until_purged() -> None:
    machine = Machine(storage_size=64 * 1024)
    linkage = SegmentLinkage(Segments(None))
    segment = Segment("BIG", 0x20000, 0x1000, "EW", b"\x55" * 0x1000)
    with pytest.raises(ProgramCheck):
        machine.cpu.fetch(0x20000, 1)
    linkage.load(machine, segment, shared=True)  # EW: never read-only
    assert machine.cpu.fetch(0x20FFF, 1) == b"\x55"
    machine.cpu.store1(0x20000, 7)
    with pytest.raises(ProgramCheck):
        machine.cpu.fetch(0x21000, 1)  # the page after it is not storage
    linkage.purge(machine, "BIG")
    with pytest.raises(ProgramCheck):
        machine.cpu.fetch(0x20000, 1)


def test_cp_store_into_a_shared_segment_unshares_it() -> None:
    machine = Machine(storage_size=64 * 1024)
    linkage = SegmentLinkage(Segments(None))
    linkage.load(machine, Segment("HELLO", 0x8000, 0x1000, "SR", bytes(0x1000)), shared=True)
    assert linkage.unshare_altered(machine) == []
    machine.load(0x8000, b"\x01")  # CP's STORE
    assert linkage.unshare_altered(machine) == ["HELLO"]
    machine.cpu.store1(0x8001, 2)  # the user's own copy now
    assert linkage.unshare_altered(machine) == []


def test_a_damaged_segment_file_is_no_such_segment(tmp_path: Path) -> None:
    store = Segments(tmp_path)
    store.put(Segment("HELLO", 0x8000, 0x1000, "SR", b"\x01" * 0x1000))
    linkage = SegmentLinkage(store)
    assert linkage.find("HELLO") is not None
    path = store.path("HELLO")
    path.write_bytes(path.read_bytes()[:-1])  # truncated: SegmentError
    with pytest.raises(SegmentError):
        store.get("HELLO")
    assert linkage.find("HELLO") is None
