"""Helpers for the CMS file-system tests: a fixed clock, fresh disks, the reader."""

from __future__ import annotations

from datetime import datetime

from guests.cms.fs.device import BlockDevice, MemoryBlockDevice
from guests.cms.fs.disk import CmsDisk
from tests.guests.cms.r6reader import R6Disk, read_disk

WHEN = datetime(1979, 6, 6, 20, 16)


def clock() -> datetime:
    return WHEN


def fresh(
    device_type: int = 0x3350, cylinders: int = 5, label: str = "WORK01"
) -> tuple[MemoryBlockDevice, CmsDisk]:
    device = MemoryBlockDevice(device_type, cylinders)
    return device, CmsDisk.format(device, label, clock=clock)


def reread(device: BlockDevice) -> R6Disk:
    """The disk as the independent reader sees it; it must keep every invariant."""
    disk = read_disk(device.read_block)
    assert disk.problems == []
    return disk
