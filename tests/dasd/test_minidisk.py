"""Minidisk views: relocation, recorded cylinders, extent checks (reference/dasd.md 3)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from server.dasd.ckd import CkdImage
from server.dasd.errors import DasdError, Fault
from server.dasd.fba import FbaImage
from server.dasd.geometry import fba_geometry
from server.dasd.minidisk import CkdMinidisk, FbaMinidisk
from server.dasd.track import Record, Track
from tests.dasd.conftest import ckd, formatted_track

G3350 = ckd("3350")


@pytest.fixture
def volume(tmp_path: Path) -> CkdImage:
    return CkdImage.create(tmp_path / "V.ckd", G3350)


def test_virtual_cylinder_zero_is_the_extent_start(volume: CkdImage) -> None:
    minidisk = CkdMinidisk(volume, 100, 10)
    assert (minidisk.cylinders, minidisk.heads) == (10, 30)
    assert minidisk.real_cylinder(7) == 107
    minidisk.write_track(7, 0, formatted_track(7, 0))
    real = volume.read_track(107, 0)
    assert real.cylinder == 107  # the home address is the real track
    assert real.records[10].ident() == bytes.fromhex("000700000A")  # counts as written
    assert minidisk.home_address(7, 0) == bytes.fromhex("0000070000")  # the guest's view
    seen = minidisk.read_track(7, 0)
    assert (seen.cylinder, seen.head) == (7, 0)
    assert minidisk.read_track_image(7, 0)[:5] == bytes.fromhex("0000070000")
    assert minidisk.read_record(7, 0, 10).data == bytes([10]) * 800
    assert minidisk.read_track(7, 0).index_of(bytes.fromhex("000700000A")) == 10


def test_cms_block_4000_lands_where_the_reference_says(volume: CkdImage) -> None:
    # dasd.md 5.1 worked example: 3350 minidisk at cylinder 100, block 4000.
    minidisk = CkdMinidisk(volume, 100, 70)
    track_number, record = divmod(4000 - 1, 19)
    cylinder, head = divmod(track_number, 30)
    assert (cylinder, head, record + 1) == (7, 0, 10)
    minidisk.write_track(cylinder, head, formatted_track(cylinder, head, fill=0))
    minidisk.update_record(cylinder, head, record + 1, b"BLOCK 4000")
    assert volume.read_record(107, 0, 10).data.startswith(b"BLOCK 4000")
    assert (107 * 30) >> 8 == 12 and (107 * 30) & 0xFF == 138


def test_unwritten_minidisk_tracks_carry_virtual_cylinders(volume: CkdImage) -> None:
    minidisk = CkdMinidisk(volume, 200, 5)
    assert minidisk.read_track(3, 4) == Track.null(3, 4)
    assert minidisk.read_track_image(3, 4)[:13] == bytes.fromhex("00 0003 0004 0003000400000008")
    assert volume.read_track(203, 4) == Track.null(203, 4)


@pytest.mark.parametrize(("cylinder", "head"), [(10, 0), (-1, 0), (0, 30), (0, -1), (99, 99)])
def test_access_outside_the_extent_is_refused(volume: CkdImage, cylinder: int, head: int) -> None:
    minidisk = CkdMinidisk(volume, 100, 10)
    error = minidisk.check(cylinder, head)
    assert error is not None and error.fault is Fault.OUTSIDE_EXTENT
    assert error.fault.sense[0] == 0x80  # suggested: command reject
    for operation in (
        lambda: minidisk.read_track(cylinder, head),
        lambda: minidisk.write_track(cylinder, head, Track.null(0, 0)),
        lambda: minidisk.read_record(cylinder, head, 1),
        lambda: minidisk.update_record(cylinder, head, 1, b"x"),
    ):
        with pytest.raises(DasdError) as caught:
            operation()
        assert caught.value.fault is Fault.OUTSIDE_EXTENT
    assert not volume.is_written(110, 0) and not volume.is_written(99, 29)
    assert minidisk.check(9, 29) is None


def test_neighbouring_extents_do_not_see_each_other(volume: CkdImage) -> None:
    first = CkdMinidisk(volume, 10, 5)
    second = CkdMinidisk(volume, 15, 5)
    first.write_track(4, 29, formatted_track(4, 29, fill=1))
    second.write_track(0, 0, formatted_track(0, 0, fill=2))
    assert first.read_record(4, 29, 1).data[0] == 1
    assert second.read_record(0, 0, 1).data[0] == 2
    with pytest.raises(DasdError):
        first.read_track(5, 0)


def test_extent_must_lie_on_the_volume(volume: CkdImage) -> None:
    for start, count in ((555, 6), (-1, 3), (0, 0), (560, 1)):
        with pytest.raises(DasdError) as caught:
            CkdMinidisk(volume, start, count)
        assert caught.value.fault is Fault.OUTSIDE_EXTENT
    assert CkdMinidisk(volume, 0, 560).cylinders == 560


def test_read_only_view_refuses_writes(volume: CkdImage) -> None:
    minidisk = CkdMinidisk(volume, 0, 5, read_only=True)
    operations: tuple[Callable[[], object], ...] = (
        lambda: minidisk.write_track(1, 0, Track.null(1, 0)),
        lambda: minidisk.update_record(0, 0, 1, b"x"),
        minidisk.clear,
    )
    for operation in operations:
        with pytest.raises(DasdError) as caught:
            operation()
        assert caught.value.fault is Fault.WRITE_INHIBITED
    assert minidisk.read_track(1, 0).r0.number == 0


def test_clear_empties_only_the_extent(volume: CkdImage) -> None:
    tdisk = CkdMinidisk(volume, 50, 2)
    for cylinder in (49, 50, 51, 52):
        volume.write_track(cylinder, 0, formatted_track(cylinder, 0))
    tdisk.clear()
    assert [volume.is_written(c, 0) for c in (49, 50, 51, 52)] == [True, False, False, True]


def test_fba_minidisk(tmp_path: Path) -> None:
    geometry = fba_geometry("3370")
    assert geometry is not None
    image = FbaImage.create(tmp_path / "F.fba", geometry)
    minidisk = FbaMinidisk(image, 1000, 64)
    assert minidisk.blocks == 64 and minidisk.real_block(3) == 1003
    minidisk.write_blocks(62, b"A" * 600)  # two blocks, the second padded
    assert image.read_blocks(1062, 2) == b"A" * 600 + bytes(424)
    assert minidisk.read_blocks(63) == b"A" * 88 + bytes(424)
    for operation in (
        lambda: minidisk.read_blocks(63, 2),
        lambda: minidisk.write_blocks(63, bytes(513)),
        lambda: minidisk.read_blocks(-1),
        lambda: minidisk.real_block(64),
    ):
        with pytest.raises(DasdError) as caught:
            operation()
        assert caught.value.fault is Fault.OUTSIDE_EXTENT
    assert image.read_blocks(1064) == bytes(512)
    minidisk.clear()
    assert image.read_blocks(1062, 2) == bytes(1024)
    with pytest.raises(DasdError):
        FbaMinidisk(image, geometry.blocks - 10, 11)
    with pytest.raises(DasdError) as caught:
        FbaMinidisk(image, 0, 10, read_only=True).write_blocks(0, b"x")
    assert caught.value.fault is Fault.WRITE_INHIBITED


def test_record_writes_on_a_fresh_minidisk_track_keep_virtual_cylinders(volume: CkdImage) -> None:
    minidisk = CkdMinidisk(volume, 300, 4)
    minidisk.write_record_after(2, 5, 0, Record(2, 5, 1, b"", b"first"))
    minidisk.write_record_after(2, 5, 1, Record(2, 5, 2, b"K", b"second"))
    minidisk.update_record(2, 5, 0, b"R0DATA")
    track = volume.read_track(302, 5)
    assert track.cylinder == 302
    assert [r.ident().hex() for r in track.records] == ["0002000500", "0002000501", "0002000502"]
    assert track.r0.data == b"R0DATA\x00\x00"
    assert minidisk.read_record_by_id(2, 5, bytes.fromhex("0002000502")).key == b"K"
    minidisk.write_record_after(2, 5, 0, Record(2, 5, 1, b"", b"again"))  # erases R2
    assert [r.number for r in minidisk.read_track(2, 5).records] == [0, 1]
    with pytest.raises(DasdError) as caught:
        minidisk.write_record_after(2, 5, 7, Record(2, 5, 8))
    assert caught.value.fault is Fault.NO_RECORD_FOUND
    with pytest.raises(DasdError) as caught:
        minidisk.read_record_by_id(2, 5, bytes.fromhex("012E000501"))  # real cylinder
    assert caught.value.fault is Fault.NO_RECORD_FOUND


def test_track_images_through_the_view(volume: CkdImage) -> None:
    minidisk = CkdMinidisk(volume, 40, 3)
    image = formatted_track(1, 2, records=3).image()
    minidisk.write_track_image(1, 2, image + bytes(100))  # slot padding is dropped
    assert minidisk.read_track_image(1, 2) == image
    assert volume.read_track_image(41, 2)[:5] == bytes.fromhex("0000290002")
    assert volume.read_track_image(41, 2)[5:] == image[5:]
    with pytest.raises(DasdError) as caught:
        minidisk.write_track_image(1, 3, image[:-8])
    assert caught.value.fault is Fault.INVALID_TRACK_FORMAT
    assert caught.value.sense[1] == 0x40  # what a device presents
