"""Device tables against reference/dasd.md 1.2-1.5."""

from __future__ import annotations

import pytest

from server.dasd.geometry import (
    CKD_DEVICES,
    ckd_geometry,
    ckd_geometry_for_image,
    device_geometry,
    fba_geometry,
    fba_geometry_for_image,
)

# (device, 800-byte keyless records per track, 4096-byte keyless records per track)
CAPACITY = [
    ("2314", 7, 1),
    ("3330", 14, 3),
    ("3330-11", 14, 3),
    ("3340", 8, 2),
    ("3350", 19, 4),
    ("3375", 30, 8),
    ("3380", 36, 10),
]


@pytest.mark.parametrize(("device", "per_800", "per_4096"), CAPACITY)
def test_records_per_track_match_the_reference(device: str, per_800: int, per_4096: int) -> None:
    geometry = ckd_geometry(device)
    assert geometry is not None
    assert geometry.records_per_track(0, 800) == per_800
    assert geometry.records_per_track(0, 4096) == per_4096


@pytest.mark.parametrize(("device", "per_800", "per_4096"), CAPACITY)
def test_fits_agrees_with_records_per_track(device: str, per_800: int, per_4096: int) -> None:
    geometry = ckd_geometry(device)
    assert geometry is not None
    assert geometry.fits([(0, 800)] * per_800)
    assert not geometry.fits([(0, 800)] * (per_800 + 1))
    assert geometry.fits([(0, geometry.r1_max)])
    assert not geometry.fits([(0, geometry.r1_max + 1)])


# (device, cylinders, alternates, heads, track slot) from table 1.2.
TABLE = [
    ("2311", 200, 3, 10, 4096),
    ("2314", 200, 3, 20, 7680),
    ("3330", 404, 7, 19, 13312),
    ("3330-11", 808, 7, 19, 13312),
    ("3340", 348, 1, 12, 8704),
    ("3340-70", 696, 2, 12, 8704),
    ("3350", 555, 5, 30, 19456),
    ("3375", 959, 3, 12, 35840),
    ("3380", 885, 1, 15, 47616),
    ("3380-K", 2655, 3, 15, 47616),
]


@pytest.mark.parametrize(("device", "cylinders", "alternates", "heads", "slot"), TABLE)
def test_geometry_table(
    device: str, cylinders: int, alternates: int, heads: int, slot: int
) -> None:
    geometry = ckd_geometry(device)
    assert geometry is not None
    assert (geometry.cylinders, geometry.alternate_cylinders) == (cylinders, alternates)
    assert geometry.heads == heads
    assert geometry.track_slot == slot


@pytest.mark.parametrize(
    ("device", "sense_id"),
    [
        ("3330", "FF3830023330 01"),
        ("3330-11", "FF3830023330 11"),
        ("3340", "FF3830023340 01"),
        ("3340-70", "FF3830023340 02"),
        ("3350", "FF3830023350 00"),
        ("3375", "FF3880053375 02"),
        ("3380", "FF3880053380 02"),
        ("3310", "FF4331013310 01"),
        ("3370", "FF3880013370 00"),
    ],
)
def test_sense_id_bytes(device: str, sense_id: str) -> None:
    geometry = device_geometry(device)
    assert geometry is not None
    assert geometry.sense_id_bytes() == bytes.fromhex(sense_id.replace(" ", ""))


def test_2314_rejects_sense_id_and_has_six_sense_bytes() -> None:
    geometry = ckd_geometry("2319")
    assert geometry is not None and geometry.name == "2314"
    assert geometry.sense_id_bytes() is None
    assert geometry.sense_bytes == 6
    assert not geometry.is_rps
    assert ckd_geometry("3350") is not None and ckd_geometry("3350").sense_bytes == 24  # type: ignore[union-attr]


def test_model_from_image_size_follows_hercules_rule() -> None:
    assert ckd_geometry_for_image(0x30, 411).name == "3330"  # type: ignore[union-attr]
    assert ckd_geometry_for_image(0x30, 412).name == "3330-11"  # type: ignore[union-attr]
    assert ckd_geometry_for_image(0x50, 560).name == "3350"  # type: ignore[union-attr]
    assert ckd_geometry_for_image(0x50, 9999).name == "3350"  # type: ignore[union-attr]
    assert ckd_geometry_for_image(0x99, 10) is None
    assert fba_geometry_for_image(0x70, 600000).name == "3370-2"  # type: ignore[union-attr]


def test_names_and_aliases() -> None:
    assert ckd_geometry("3330-1") is ckd_geometry("3330")
    assert ckd_geometry(" 3350 ") is not None
    assert ckd_geometry("3310") is None
    assert fba_geometry("3370-1") is fba_geometry("3370")
    assert device_geometry("9999") is None
    assert len({device.name for device in CKD_DEVICES}) == len(CKD_DEVICES)


def test_fba_device_characteristics() -> None:
    geometry = fba_geometry("3310")
    assert geometry is not None
    data = geometry.device_characteristics()
    assert len(data) == 32
    assert data[:4] == bytes([0x30, 0x08, 0x21, 0x01])
    assert int.from_bytes(data[4:6], "big") == 512
    assert int.from_bytes(data[6:10], "big") == 32
    assert int.from_bytes(data[10:14], "big") == 352
    assert int.from_bytes(data[14:18], "big") == 125664
    assert data[18:] == bytes(14)
    assert int.from_bytes(geometry.device_characteristics(1000)[14:18], "big") == 1000
