"""Installation: the CMS minidisks of newly created volumes are delivered formatted.

Part of the composition root (imported by ``server/app.py`` and the
``vm370 directory load`` command only; CP itself never imports ``guests/``).
An IBM installation arrived with the CMS system disk (S, 190) built and the
system programmer formatted the users' A-disks before giving out the userids
(CMS User's Guide: FORMAT).  vm370 does that step when it creates a volume a
directory names: on a volume that did not exist before, every CKD minidisk at
virtual address 190, 19E or 191 gets the CMS R6 format of reference dasd.md 5
(all tracks written with 800-byte records, label ``CMS190``/``CMS19E``/
``CMS191``, an empty directory) through the same file-system code CMS's own
FORMAT uses; the S-disk (190) gets ``CMSLIB MACLIB`` with the CMS macros.
Existing volumes are never touched, so nothing a user wrote is
ever formatted away; a minidisk of a device type CMS cannot format is left as
it is.
"""

from __future__ import annotations

from pathlib import Path

from directory.model import Directory
from guests.cms.assembler.cmslib import CMSLIB, cmslib_member
from guests.cms.assembler.maclib import MacMember, build_maclib
from guests.cms.fs.device import BLOCK_SIZE, block_records, cms_geometry, track_records
from guests.cms.fs.disk import CmsDisk
from guests.cms.fs.errors import BlockIOError, CmsFsError
from server.dasd.errors import DasdError, VolumeError
from server.dasd.minidisk import CkdMinidisk
from server.dasd.provision import ensure_volumes
from server.dasd.track import Record, Track
from server.dasd.volumes import VolumeRegistry

__all__ = [
    "CMS_ADDRESSES",
    "MinidiskBlocks",
    "format_new_cms_disks",
    "install_volumes",
    "missing_volumes",
]

#: The minidisks installation formats, and their labels.
CMS_ADDRESSES = {0x190: "CMS190", 0x19E: "CMS19E", 0x191: "CMS191"}


class MinidiskBlocks:
    """CMS's 800-byte blocks on a CKD minidisk of the host (the file system's BlockDevice)."""

    def __init__(self, minidisk: CkdMinidisk, device_type: int) -> None:
        self.minidisk = minidisk
        self._device_type = device_type
        self.read_only = False

    @property
    def device_type(self) -> int:
        return self._device_type

    @property
    def cylinders(self) -> int:
        return self.minidisk.cylinders

    def read_block(self, block: int) -> bytes:
        data = bytearray()
        try:
            for piece in block_records(self._device_type, block):
                record = self.minidisk.read_record(piece.cylinder, piece.head, piece.record)
                data += record.data[: piece.length]
        except DasdError as error:
            raise BlockIOError(f"block {block}: {error}") from None
        return bytes(data.ljust(BLOCK_SIZE, b"\x00"))

    def write_block(self, block: int, data: bytes) -> None:
        at = 0
        try:
            for piece in block_records(self._device_type, block):
                record = self.minidisk.read_record(piece.cylinder, piece.head, piece.record)
                chunk = data[at : at + piece.length]
                padded = chunk + record.data[len(chunk) :]
                self.minidisk.update_record(piece.cylinder, piece.head, piece.record, padded)
                at += piece.length
        except DasdError as error:
            raise BlockIOError(f"block {block}: {error}") from None


def _format_tracks(minidisk: CkdMinidisk, device_type: int) -> None:
    for cylinder in range(minidisk.cylinders):
        for head in range(minidisk.heads):
            records = [Record(cylinder, head, 0, b"", bytes(8))]
            records += [
                Record(cylinder, head, number, b"", bytes(length))
                for number, length in track_records(device_type, head)
            ]
            minidisk.write_track(cylinder, head, Track(cylinder, head, records))


def system_files(disk: CmsDisk) -> None:
    """The files the S-disk (190) is delivered with: ``CMSLIB MACLIB S2``, the CMS macros
    ASSEMBLE offers (WRTERM, RDTERM, FSREAD, ...), so ``GLOBAL MACLIB CMSLIB`` works."""
    members = [
        MacMember(name, [record.encode("cp037") for record in cmslib_member(name) or []])
        for name in CMSLIB
    ]
    disk.write("CMSLIB", "MACLIB", build_maclib(members), recfm="F", lrecl=80, mode_number=2)


def missing_volumes(data_dir: Path, directory: Directory) -> set[str]:
    """The volsers the directory's MDISKs name that have no volume image yet."""
    registry = VolumeRegistry(data_dir)
    try:
        named = {disk.volser.upper() for user in directory.users for disk in user.mdisks}
        return {volser for volser in named if registry.find(volser) is None}
    finally:
        registry.close()


def format_new_cms_disks(data_dir: Path, directory: Directory, new_volumes: set[str]) -> list[str]:
    """CMS-format the 190, 19E and 191 minidisks on ``new_volumes``; log lines."""
    registry = VolumeRegistry(data_dir)
    lines: list[str] = []
    try:
        for user in directory.users:
            for disk in user.mdisks:
                label = CMS_ADDRESSES.get(disk.address)
                if label is None or disk.volser.upper() not in new_volumes:
                    continue
                try:
                    device_type = int(disk.device_type, 16)
                    cms_geometry(device_type)
                    minidisk = registry.ckd_minidisk(disk.volser, disk.start, disk.count)
                    _format_tracks(minidisk, device_type)
                    cms_disk = CmsDisk.format(MinidiskBlocks(minidisk, device_type), label)
                    if disk.address == 0x190:
                        system_files(cms_disk)
                except (ValueError, CmsFsError, DasdError, VolumeError) as error:
                    lines.append(f"{user.userid} {disk.address:03X} not formatted for CMS: {error}")
                    continue
                lines.append(
                    f"{user.userid} {disk.address:03X} formatted for CMS, label {label}, "
                    f"{disk.count} cylinders"
                )
    finally:
        registry.close()
    return lines


def install_volumes(data_dir: Path, directory: Directory) -> list[str]:
    """Create the volumes the directory names that do not exist yet, and CMS-format the
    CMS minidisks on them; log lines."""
    new_volumes = missing_volumes(data_dir, directory)
    lines = ensure_volumes(data_dir, directory)
    return lines + format_new_cms_disks(data_dir, directory, new_volumes)
