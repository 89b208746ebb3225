"""ensure_volumes: the volumes MDISK statements name are created when the directory loads."""

from __future__ import annotations

from pathlib import Path

from directory.model import Directory, Minidisk, UserEntry
from directory.parser import parse_directory
from server.dasd.label import read_volser
from server.dasd.minidisk import CkdMinidisk
from server.dasd.provision import ensure_volumes, model_for
from server.dasd.volumes import VolumeRegistry
from tests.directory.examples import R6_DIRECT


def _directory(*disks: tuple[str, int, str, int, int, str]) -> Directory:
    users: dict[str, UserEntry] = {}
    for userid, address, device, start, count, volser in disks:
        entry = users.setdefault(userid, UserEntry(userid, "PW"))
        entry.mdisks.append(Minidisk(address, device, start, count, volser))
    return Directory(users=list(users.values()))


def test_missing_volumes_are_created_and_logged(tmp_path: Path) -> None:
    directory = _directory(
        ("MAINT", 0x190, "3350", 1, 50, "VMSYS1"),
        ("ALICE", 0x191, "3350", 51, 5, "VMSYS1"),
        ("BOB", 0x191, "3330", 400, 20, "USER01"),
        ("CAROL", 0x191, "3370", 1000, 4000, "FBA001"),
    )
    lines = ensure_volumes(tmp_path, directory)
    assert lines == [
        "volume FBA001 created: 3370, 558000 blocks, for MDISK CAROL 191",
        "volume USER01 created: 3330-11, 815 cylinders, for MDISK BOB 191",
        "volume VMSYS1 created: 3350, 560 cylinders, for MDISK MAINT 190, ALICE 191",
    ]
    registry = VolumeRegistry(tmp_path)
    assert [(i.volser, i.device) for i in registry.list()] == [
        ("FBA001", "3370"),
        ("USER01", "3330-11"),
        ("VMSYS1", "3350"),
    ]
    assert read_volser(registry.open("VMSYS1")) == "VMSYS1"
    minidisk = registry.minidisk("VMSYS1", 51, 5)
    assert isinstance(minidisk, CkdMinidisk) and minidisk.cylinders == 5
    registry.close()
    assert ensure_volumes(tmp_path, directory) == []  # nothing left to create


def test_extents_that_do_not_fit_existing_volumes_are_reported(tmp_path: Path) -> None:
    VolumeRegistry(tmp_path).create("SMALL1", "2314", size=10)
    directory = _directory(
        ("ALICE", 0x191, "2314", 5, 10, "SMALL1"),
        ("BOB", 0x192, "3350", 0, 1, "SMALL1"),
        ("CAROL", 0x193, "2314", 0, 5, "SMALL1"),
    )
    assert ensure_volumes(tmp_path, directory) == [
        "MDISK ALICE 191 extent 5-14 is beyond the 10 cylinders of volume SMALL1",
        "volume SMALL1 is a 2314; MDISK BOB 192 says 3350",
    ]


def test_drums_are_created_and_unknown_types_reported(tmp_path: Path) -> None:
    lines = ensure_volumes(tmp_path, _directory(("ALICE", 0x191, "2305", 0, 10, "DRUM01")))
    assert lines == ["volume DRUM01 created: 2305-1, 54 cylinders, for MDISK ALICE 191"]
    lines = ensure_volumes(tmp_path, _directory(("ALICE", 0x192, "9999", 0, 10, "ODD001")))
    assert lines == ["volume ODD001 not created: unknown device type 9999"]


def test_model_choice() -> None:
    assert model_for("3330", 411) == ("3330", None)
    assert model_for("3330", 412) == ("3330-11", None)
    assert model_for("3340", 696) == ("3340-70", None)
    assert model_for("3350", 560) == ("3350", None)
    assert model_for("3350", 600) == ("3350", 600)
    assert model_for("2319", 203) == ("2314", None)
    assert model_for("3310", 126016) == ("3310", 126016)  # R6's 3310 is larger than Hercules'
    assert model_for("3370", 10) == ("3370", None)
    assert model_for("1403", 1) is None


def test_a_parsed_user_direct(tmp_path: Path) -> None:
    parsed = parse_directory(R6_DIRECT, hasher=None).directory
    wanted = {disk.volser for user in parsed.users for disk in user.mdisks}
    lines = ensure_volumes(tmp_path, parsed)
    assert len(lines) == len(wanted)
    assert all(line.startswith("volume ") and " created: " in line for line in lines)
    registry = VolumeRegistry(tmp_path)
    assert {info.volser for info in registry.list()} == wanted
    for user in parsed.users:
        for disk in user.mdisks:  # every extent is now a usable minidisk
            assert registry.minidisk(disk.volser, disk.start, disk.count).count == disk.count
    registry.close()
    assert ensure_volumes(tmp_path, parsed) == []
