"""Plain CKD images (CKD_P370): sparse creation, tracks, records, durability."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from server.dasd.ckd import CkdImage, DeviceHeader, export_plain
from server.dasd.errors import DasdError, Fault, ImageFormatError
from server.dasd.fileio import SyncPolicy
from server.dasd.track import Record, Track, null_track_image
from tests.dasd.conftest import ckd, formatted_track, run_tool, same_file, tool_ok
from tests.tools import require_tool

G3350 = ckd("3350")
G2314 = ckd("2314")


def test_create_is_sparse_and_sized_like_hercules(tmp_path: Path) -> None:
    path = tmp_path / "V.ckd"
    with CkdImage.create(path, G3350) as image:
        assert (image.cylinders, image.heads, image.trksize) == (560, 30, 19456)
    assert path.stat().st_size == 512 + 560 * 30 * 19456
    assert path.stat().st_blocks * 512 < 1 << 20  # a 326 MB pack costs almost nothing
    header = DeviceHeader.unpack(path.read_bytes()[:512])
    assert header == DeviceHeader(b"CKD_P370", 30, 19456, 0x50)


def test_header_matches_dasdinit(tmp_path: Path) -> None:
    dasdinit = require_tool("dasdinit")
    theirs = tmp_path / "theirs.ckd"
    tool_ok(run_tool(dasdinit, "-a", str(theirs), "2314", "HERC01"))
    CkdImage.create(tmp_path / "ours.ckd", G2314).close()
    ours = tmp_path / "ours.ckd"
    assert ours.stat().st_size == theirs.stat().st_size
    assert ours.read_bytes()[:512] == theirs.read_bytes()[:512]
    with CkdImage.open(theirs, read_only=True) as image:
        assert image.geometry.name == "2314"
        # dasdinit writes empty tracks as HA + R0 + end marker: what ours read as.
        assert image.read_track_image(150, 7) == null_track_image(150, 7)


def test_unwritten_tracks_read_as_fresh_tracks(tmp_path: Path) -> None:
    with CkdImage.create(tmp_path / "V.ckd", G3350) as image:
        assert not image.is_written(300, 29)
        track = image.read_track(300, 29)
        assert track == Track.null(300, 29)
        assert image.read_track_image(300, 29, r0_cylinder=4)[5:7] == bytes.fromhex("0004")
        with pytest.raises(DasdError) as caught:
            image.read_record(300, 29, 1)
        assert caught.value.fault is Fault.NO_RECORD_FOUND


def test_write_and_read_back_tracks_and_records(tmp_path: Path) -> None:
    path = tmp_path / "V.ckd"
    with CkdImage.create(path, G3350) as image:
        image.write_track(7, 3, formatted_track(7, 3))
        image.update_record(7, 3, 5, b"hello")
        assert image.is_written(7, 3)
    with CkdImage.open(path) as image:
        assert image.geometry.name == "3350"
        track = image.read_track(7, 3)
        assert [r.number for r in track.records] == list(range(20))
        record = image.read_record(7, 3, 5)
        assert record.data == b"hello" + bytes(795)
        assert image.read_record_by_id(7, 3, bytes.fromhex("0007000306")).data[0] == 6
        assert image.read_track(7, 4) == Track.null(7, 4)
    raw = path.read_bytes()
    offset = 512 + (7 * 30 + 3) * 19456
    assert raw[offset : offset + 5] == bytes.fromhex("0000070003")


def test_home_address_is_always_the_real_address(tmp_path: Path) -> None:
    with CkdImage.create(tmp_path / "V.ckd", G3350) as image:
        image.write_track(9, 1, formatted_track(0, 0, records=2))
        track = image.read_track(9, 1)
        assert (track.cylinder, track.head) == (9, 1)
        assert track.records[1].ident() == bytes.fromhex("0000000001")


def test_update_keeps_recorded_lengths(tmp_path: Path) -> None:
    with CkdImage.create(tmp_path / "V.ckd", G3350) as image:
        track = Track.null(1, 1)
        track.records.append(Record(1, 1, 1, b"KEY1", b"data"))
        image.write_track(1, 1, track)
        image.update_record(1, 1, 1, b"DA", key=b"K")
        record = image.read_record(1, 1, 1)
        assert (record.key, record.data) == (b"K\x00\x00\x00", b"DA\x00\x00")
        with pytest.raises(DasdError) as caught:
            image.update_record(1, 1, 1, b"too long")
        assert caught.value.fault is Fault.INVALID_ARGUMENT
        with pytest.raises(DasdError):
            image.update_record(1, 1, 2, b"x")


def test_track_slot_overflow_is_invalid_track_format(tmp_path: Path) -> None:
    with CkdImage.create(tmp_path / "V.ckd", G3350) as image:
        fits = Track.null(0, 1)
        fits.records.append(Record(0, 1, 1, b"", bytes(G3350.r1_max)))
        image.write_track(0, 1, fits)
        too_big = formatted_track(0, 2, records=25)  # 25 x 808 + 29 > 19456
        with pytest.raises(DasdError) as caught:
            image.write_track(0, 2, too_big)
        assert caught.value.fault is Fault.INVALID_TRACK_FORMAT
        assert not image.is_written(0, 2)
        with pytest.raises(DasdError):
            image.write_track_image(0, 3, b"\x00\x00\x00\x00\x03" + bytes(30))  # no end marker


def test_addresses_outside_the_volume_are_refused(tmp_path: Path) -> None:
    with CkdImage.create(tmp_path / "V.ckd", G2314, cylinders=10) as image:
        for cylinder, head in ((10, 0), (0, 20), (-1, 0), (0, -1)):
            with pytest.raises(DasdError) as caught:
                image.read_track(cylinder, head)
            assert caught.value.fault is Fault.OUTSIDE_EXTENT
        with pytest.raises(DasdError):
            image.write_track(10, 0, Track.null(10, 0))


def test_read_only_image_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "V.ckd"
    CkdImage.create(path, G2314, cylinders=5).close()
    with CkdImage.open(path, read_only=True) as image:
        with pytest.raises(DasdError) as caught:
            image.write_track(0, 0, Track.null(0, 0))
        assert caught.value.fault is Fault.WRITE_INHIBITED
        with pytest.raises(DasdError):
            image.clear_tracks(0, 1)


def test_clear_tracks_returns_them_to_never_written(tmp_path: Path) -> None:
    with CkdImage.create(tmp_path / "V.ckd", G3350) as image:
        for head in range(30):
            image.write_track(2, head, formatted_track(2, head))
        image.write_track(3, 0, formatted_track(3, 0))
        image.clear_tracks(2 * 30, 30)
        assert not any(image.is_written(2, head) for head in range(30))
        assert image.is_written(3, 0)
        with pytest.raises(DasdError):
            image.clear_tracks(560 * 30 - 1, 2)


def test_bad_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "V.ckd"
    CkdImage.create(path, G2314, cylinders=2).close()
    with open(path, "ab") as handle:
        handle.write(b"\x00" * 100)
    with pytest.raises(ImageFormatError, match="whole number"):
        CkdImage.open(path)
    other = tmp_path / "X.ckd"
    other.write_bytes(b"NOTADISK" + bytes(1000))
    with pytest.raises(ImageFormatError, match="not a plain CKD"):
        CkdImage.open(other)
    with pytest.raises(FileExistsError):
        CkdImage.create(other, G2314)


def test_sync_policy_write_fsyncs_every_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(os, "fsync", lambda descriptor: calls.append(descriptor))
    with CkdImage.create(tmp_path / "A.ckd", G2314, cylinders=2) as image:
        image.write_track(0, 1, Track.null(0, 1))
        assert calls == []
    with CkdImage.create(tmp_path / "B.ckd", G2314, cylinders=2, sync=SyncPolicy.WRITE) as image:
        before = len(calls)
        image.write_track(0, 1, formatted_track(0, 1, records=2))
        image.update_record(0, 1, 1, b"x")
        assert len(calls) == before + 2


CHILD = """
import sys, time
from pathlib import Path
from server.dasd.ckd import CkdImage
from tests.dasd.conftest import ckd, formatted_track
image = CkdImage.open(Path(sys.argv[1]))
image.write_track(4, 4, formatted_track(4, 4, fill=0xAB))
print("written", flush=True)
time.sleep(60)
"""


def test_a_killed_process_loses_nothing_it_wrote(tmp_path: Path) -> None:
    path = tmp_path / "V.ckd"
    CkdImage.create(path, G3350).close()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "written"
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    with CkdImage.open(path, read_only=True) as image:
        assert image.read_track(4, 4) == formatted_track(4, 4, fill=0xAB)


def test_export_plain_materialises_every_track(tmp_path: Path) -> None:
    with CkdImage.create(tmp_path / "V.ckd", G2314, cylinders=3) as image:
        image.write_track(1, 5, formatted_track(1, 5, records=7))
        export_plain(image, tmp_path / "full.ckd")
    with CkdImage.open(tmp_path / "full.ckd", read_only=True) as full:
        assert full.is_written(2, 19) and full.is_written(0, 0)
        assert full.read_slot(2, 19)[:29] == null_track_image(2, 19)
        assert full.read_track(1, 5) == formatted_track(1, 5, records=7)


def test_exported_image_is_read_by_hercules(tmp_path: Path) -> None:
    dasdcopy = require_tool("dasdcopy")
    with CkdImage.create(tmp_path / "V.ckd", G2314) as image:
        image.write_track(100, 3, formatted_track(100, 3, records=7))
        export_plain(image, tmp_path / "full.ckd")
    # Hercules copies our plain image track by track; a copy back must be identical.
    tool_ok(
        run_tool(
            dasdcopy, "-q", "-o", "CKD", str(tmp_path / "full.ckd"), str(tmp_path / "copy.ckd")
        )
    )
    assert same_file(tmp_path / "full.ckd", tmp_path / "copy.ckd")


def test_data_tracks_covers_every_written_track(tmp_path: Path) -> None:
    with CkdImage.create(tmp_path / "V.ckd", G3350) as image:
        assert len(image.data_tracks()) <= 1  # only the header's block
        written = {(5, 3), (5, 4), (300, 0), (559, 29)}
        for cylinder, head in written:
            image.write_track(cylinder, head, formatted_track(cylinder, head))
        found = image.data_tracks()
        assert {c * 30 + h for c, h in written} <= found
        assert len(found) < 20
