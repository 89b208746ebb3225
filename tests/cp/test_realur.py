"""Real printer/punch configuration and BACKSPAC page arithmetic."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from server.cp.realur import (
    ActiveFile,
    RealDevice,
    RealUnitRecord,
    UnitRecordConfigError,
    device_settings,
)
from spool.model import DeviceType, FileName, HoldStatus, Queue, RecordFormat, SpoolFile
from spool.records import print_line


def test_default_devices_are_a_1403_and_a_2540_punch() -> None:
    devices = device_settings({})
    assert [(d.raddr, d.queue, d.model, d.classes) for d in devices] == [
        (0x00E, Queue.PRT, "1403", "A"),
        (0x00D, Queue.PUN, "2540P", "A"),
    ]
    assert devices[0].pdf and not devices[1].pdf


def test_configured_devices_replace_the_defaults() -> None:
    devices = device_settings(
        {"printer": {"00F": {"type": "3211", "classes": "AB C", "separator": False}}}
    )
    assert len(devices) == 1
    assert (devices[0].raddr, devices[0].model, devices[0].classes) == (0x00F, "3211", "ABC")
    assert not devices[0].separator


@pytest.mark.parametrize(
    "sections",
    [
        {"printer": {"XYZ": {}}},
        {"printer": {"00E": {"type": "3800"}}},
        {"printer": {"00E": {"classes": "ABCDE"}}},
        {"printer": {"00E": {"classes": "*"}}},
        {"printer": {"00E": {"per_minute": 0}}},
        {"printer": {"00E": {"separator": "yes"}}},
        {"printer": {"00E": {"speed": 3}}},
        {"printer": {"00E": 3}},
        {"printer": "00E"},
        {"printer": {"00E": {}}, "punch": {"00e": {}}},
    ],
)
def test_bad_configuration_is_refused_with_a_reason(sections: dict[str, object]) -> None:
    with pytest.raises(UnitRecordConfigError):
        device_settings(sections)


def listing(records: list[bytes]) -> ActiveFile:
    spool_file = SpoolFile(
        1, "A", "A", Queue.PRT, DeviceType.PRT, "A", len(records), 1, HoldStatus.NONE,
        dt.datetime.now(dt.UTC), FileName(), "", "", RecordFormat.PRINT,
    )  # fmt: skip
    return ActiveFile(spool_file, records, 1)


def test_backspace_counts_pages_by_skips_to_channel_one() -> None:
    records = [print_line(f"L{n}", 0x89 if n % 10 == 9 else 0x09) for n in range(35)]
    active = listing(records)  # pages start at records 0, 10, 20, 30
    active.position = 25
    assert active.pages_back(0, from_end=False) == 20
    assert active.pages_back(1, from_end=False) == 10
    assert active.pages_back(9, from_end=False) == 0
    assert active.pages_back(0, from_end=True) == 30
    assert active.pages_back(2, from_end=True) == 10
    no_skips = listing([print_line("X")] * 5)
    no_skips.position = 4
    assert no_skips.pages_back(3, from_end=False) == 0  # without skips: the file's start


def test_output_cut_short_by_a_crash_is_renamed_at_start(tmp_path: Path) -> None:
    owner = RealUnitRecord.__new__(RealUnitRecord)
    owner.data_dir = tmp_path
    device = RealDevice(owner, device_settings({})[0])
    folder = tmp_path / "printer" / "00E"
    folder.mkdir(parents=True)
    (folder / "20261122-010203-0007-ALICE.txt.partial").write_text("half")
    (folder / "20261122-010203-0006-ALICE.txt").write_text("whole")
    device.tidy()
    assert sorted(p.name for p in folder.iterdir()) == [
        "20261122-010203-0006-ALICE.txt",
        "20261122-010203-0007-ALICE.interrupted.txt",
    ]
