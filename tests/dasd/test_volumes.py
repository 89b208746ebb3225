"""The volume registry: create, list, open, import, export; VOL1 labels."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.dasd.cckd import CompressedImage, Compression
from server.dasd.ckd import CkdImage
from server.dasd.errors import DasdError, Fault, VolumeError
from server.dasd.fba import FbaImage
from server.dasd.label import read_volser, vol1_label
from server.dasd.minidisk import CkdMinidisk, FbaMinidisk
from server.dasd.volumes import VolumeRegistry
from tests.dasd.conftest import ckd, formatted_track, run_tool, tool_ok
from tests.tools import require_tool


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[VolumeRegistry]:
    registry = VolumeRegistry(tmp_path / "data")
    yield registry
    registry.close()


def test_vol1_label_layout() -> None:
    label = vol1_label("vmres1")
    assert len(label) == 80
    assert label[:10] == "VOL1VMRES1".encode("cp037")
    assert label[10] == 0xC0
    assert label[11:16] == bytes.fromhex("0000000101")
    assert label[16:37] == b"\x40" * 21
    assert label[37:51].decode("cp037") == "VM370         "
    assert label[51:] == b"\x40" * 29
    assert vol1_label("A")[4:10] == "A     ".encode("cp037")
    with pytest.raises(ValueError):
        vol1_label("TOOLONG")


def test_create_writes_an_initialised_pack(registry: VolumeRegistry) -> None:
    info = registry.create("vmres1", "3350")
    assert (info.volser, info.device, info.size, info.unit) == ("VMRES1", "3350", 560, "cylinders")
    assert info.path == registry.directory / "VMRES1.3350.ckd"
    image = registry.open("VMRES1")
    assert isinstance(image, CkdImage)
    track = image.read_track(0, 0)
    assert [(r.number, r.key.decode("cp037"), r.data_length) for r in track.user_records] == [
        (1, "IPL1", 24),
        (2, "IPL2", 144),
        (3, "VOL1", 80),
    ]
    assert read_volser(image) == "VMRES1"
    assert registry.open("vmres1") is image  # one shared handle per volume


def test_create_fba_and_sized_volumes(registry: VolumeRegistry) -> None:
    fba = registry.create("FBA001", "3370")
    assert (fba.device, fba.size, fba.unit, fba.is_fba) == ("3370", 558000, "blocks", True)
    image = registry.open("FBA001")
    assert isinstance(image, FbaImage) and read_volser(image) == "FBA001"
    small = registry.create("SMALL", "2314", size=20)
    assert (small.device, small.size) == ("2314", 20)
    big = registry.create("BIG", "3330-11")
    assert (big.device, big.size) == ("3330-11", 815)
    assert [info.volser for info in registry.list()] == ["BIG", "FBA001", "SMALL"]


@pytest.mark.parametrize(
    ("volser", "device", "message"),
    [("BAD.1", "3350", "invalid volume serial"), ("OK1", "9999", "unknown DASD device type")],
)
def test_create_refuses_bad_operands(
    registry: VolumeRegistry, volser: str, device: str, message: str
) -> None:
    with pytest.raises(VolumeError, match=message):
        registry.create(volser, device)
    assert registry.list() == []


def test_duplicates_and_unknown_volumes(registry: VolumeRegistry) -> None:
    registry.create("DUP001", "3350")
    with pytest.raises(VolumeError, match="already exists"):
        registry.create("dup001", "3330")
    with pytest.raises(VolumeError, match="does not exist"):
        registry.open("NOPE")
    with pytest.raises(VolumeError, match="does not exist"):
        registry.export("NOPE", registry.directory / "x")
    assert registry.find("NOPE") is None


def test_list_ignores_foreign_files(registry: VolumeRegistry) -> None:
    registry.create("REAL", "3340")
    for name in ("notes.txt", "X.9999.ckd", "Y.3350.fba", "~import-1.tmp"):
        (registry.directory / name).write_bytes(b"")
    assert [info.volser for info in registry.list()] == ["REAL"]


def test_minidisk_views_from_the_registry(registry: VolumeRegistry) -> None:
    registry.create("USR001", "3350")
    registry.create("USRFBA", "3310")
    minidisk = registry.minidisk("USR001", 1, 10)
    assert isinstance(minidisk, CkdMinidisk) and minidisk.start == 1
    minidisk.write_track(0, 0, formatted_track(0, 0))
    other = registry.minidisk("usr001", 1, 10, read_only=True)
    assert isinstance(other, CkdMinidisk)
    assert other.read_record(0, 0, 19).data == bytes([19]) * 800  # the same shared image
    assert isinstance(registry.minidisk("USRFBA", 100, 50), FbaMinidisk)
    assert registry.ckd_minidisk("USR001", 1, 10).read_record(0, 0, 1).data[0] == 1
    assert registry.fba_minidisk("USRFBA", 0, 10).blocks == 10
    with pytest.raises(VolumeError, match="not a CKD volume"):
        registry.ckd_minidisk("USRFBA", 0, 1)
    with pytest.raises(VolumeError, match="not an FBA volume"):
        registry.fba_minidisk("USR001", 0, 1)


def test_export_and_import_round_trip(registry: VolumeRegistry, tmp_path: Path) -> None:
    registry.create("ORIG01", "3350")
    minidisk = registry.minidisk("ORIG01", 5, 5)
    assert isinstance(minidisk, CkdMinidisk)
    minidisk.write_track(2, 3, formatted_track(2, 3))
    registry.export("ORIG01", tmp_path / "plain.ckd")
    registry.export("ORIG01", tmp_path / "packed.cckd", Compression.BZIP2)
    with pytest.raises(VolumeError, match="already exists"):
        registry.export("ORIG01", tmp_path / "plain.ckd")
    assert (tmp_path / "plain.ckd").stat().st_size == 512 + 560 * 30 * 19456
    with CompressedImage(tmp_path / "packed.cckd") as packed:
        assert packed.compressed.compression == Compression.BZIP2
    with pytest.raises(VolumeError, match="already exists"):
        registry.import_image(tmp_path / "plain.ckd")  # the label says ORIG01
    copy = registry.import_image(tmp_path / "plain.ckd", volser="COPY01")
    packed_copy = registry.import_image(tmp_path / "packed.cckd", volser="COPY02")
    original = registry.open("ORIG01")
    for info in (copy, packed_copy):
        assert info.allocated < 1 << 20  # materialised null tracks go back to holes
        image = registry.open(info.volser)
        assert isinstance(image, CkdImage) and isinstance(original, CkdImage)
        assert image.read_track(7, 3) == original.read_track(7, 3)
        assert image.read_track(0, 0) == original.read_track(0, 0)
        assert read_volser(image) == "ORIG01"  # the data is imported as it is


def test_import_takes_the_volser_from_the_label(registry: VolumeRegistry, tmp_path: Path) -> None:
    other = VolumeRegistry(tmp_path / "other")
    other.create("LBL001", "2314")
    other.create("FBALBL", "3310", size=2000)
    other.export("LBL001", tmp_path / "lbl.ckd")
    other.export("FBALBL", tmp_path / "lbl.fba")
    other.close()
    assert registry.import_image(tmp_path / "lbl.ckd").volser == "LBL001"
    with pytest.raises(VolumeError, match="give the device type"):
        registry.import_image(tmp_path / "lbl.fba")  # 2000 blocks: not a standard size
    info = registry.import_image(tmp_path / "lbl.fba", device="3310")
    assert (info.volser, info.device, info.size) == ("FBALBL", "3310", 2000)


def test_import_refuses_unlabelled_and_unknown_files(
    registry: VolumeRegistry, tmp_path: Path
) -> None:
    unlabelled = tmp_path / "raw.ckd"
    with CkdImage.create(unlabelled, ckd("2314"), 3):
        pass
    with pytest.raises(VolumeError, match="no VOL1 label"):
        registry.import_image(unlabelled)
    assert registry.import_image(unlabelled, volser="RAW001").volser == "RAW001"
    (tmp_path / "junk").write_bytes(b"hello")
    with pytest.raises(VolumeError, match="not a Hercules"):
        registry.import_image(tmp_path / "junk", volser="JUNK")
    (tmp_path / "shadow").write_bytes(b"CKD_S370" + bytes(2000))
    with pytest.raises(VolumeError, match="not supported"):
        registry.import_image(tmp_path / "shadow", volser="SHADOW")
    assert [info.volser for info in registry.list()] == ["RAW001"]
    assert list(registry.directory.glob("~*")) == []


def test_import_of_hercules_images(registry: VolumeRegistry, tmp_path: Path) -> None:
    dasdinit = require_tool("dasdinit")
    tool_ok(run_tool(dasdinit, "-z", str(tmp_path / "a.cckd"), "3330", "HER001", "20"))
    tool_ok(run_tool(dasdinit, str(tmp_path / "b.ckd"), "3380", "HER002", "10"))
    tool_ok(run_tool(dasdinit, "-bz2", str(tmp_path / "c.cfba"), "3370", "HER003"))
    tool_ok(run_tool(dasdinit, str(tmp_path / "d.fba"), "3310", "HER004"))
    found = [registry.import_image(tmp_path / name) for name in ("a.cckd", "b.ckd", "c.cfba")]
    found.append(registry.import_image(tmp_path / "d.fba"))
    assert [(i.volser, i.device, i.size) for i in found] == [
        ("HER001", "3330", 20),
        ("HER002", "3380", 10),
        ("HER003", "3370", 558000),
        ("HER004", "3310", 125664),
    ]


def test_import_refuses_a_device_type_that_does_not_match(
    registry: VolumeRegistry, tmp_path: Path
) -> None:
    other = VolumeRegistry(tmp_path / "other")
    other.create("M3350", "3350", size=3)
    other.export("M3350", tmp_path / "m.ckd")
    other.close()
    with pytest.raises(VolumeError, match="not a 3330"):
        registry.import_image(tmp_path / "m.ckd", device="3330")
    with pytest.raises(VolumeError, match="not a CKD device type"):
        registry.import_image(tmp_path / "m.ckd", device="3370")
    assert registry.import_image(tmp_path / "m.ckd", device="3350").size == 3


def test_a_file_without_write_permission_opens_read_only(
    registry: VolumeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = registry.create("RO0001", "2314", size=2)
    info.path.chmod(0o444)
    real_open = os.open

    def no_write(path: str | Path, flags: int, *args: int) -> int:
        if Path(path) == info.path and flags & os.O_RDWR:
            raise PermissionError(13, "Permission denied", str(path))  # as for a non-root user
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", no_write)
    image = registry.open("RO0001")
    assert image.read_only
    minidisk = registry.ckd_minidisk("RO0001", 0, 2)
    assert minidisk.read_only
    with pytest.raises(DasdError) as caught:
        minidisk.write_track(0, 1, formatted_track(0, 1))
    assert caught.value.fault is Fault.WRITE_INHIBITED


def test_export_failures_leave_nothing_behind(registry: VolumeRegistry, tmp_path: Path) -> None:
    registry.create("EXP001", "2314", size=2)
    with pytest.raises(VolumeError, match="No such file"):
        registry.export("EXP001", tmp_path / "missing" / "x.ckd")
    with pytest.raises(VolumeError, match="for CKD volumes only"):
        registry.create("EXPFBA", "3310", size=10)
        registry.export("EXPFBA", tmp_path / "x.cfba", Compression.ZLIB)
    assert not (tmp_path / "x.cfba").exists()


def test_import_refuses_a_taken_volser_before_converting(
    registry: VolumeRegistry, tmp_path: Path
) -> None:
    registry.create("TAKEN", "2314", size=2)
    (tmp_path / "junk").write_bytes(b"not an image at all")
    with pytest.raises(VolumeError, match="TAKEN already exists"):
        registry.import_image(tmp_path / "junk", volser="taken")
