"""Volumes for the directory: create every volume an MDISK statement names that is missing.

When the CP directory is loaded, each MDISK extent must lie on an existing
volume (VM/370 R6 Planning and System Generation Guide, "MDISK"; reference
cp-cms.md section 7).  :func:`ensure_volumes` creates the missing ones as
initialised, sparse packs of the device type the MDISK statements give, sized
to the smallest model that holds every extent on them, and reports (as log
lines) what it created and which extents do not fit an existing volume.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

from server.dasd.errors import VolumeError
from server.dasd.geometry import CKD_DEVICES, ckd_geometry, device_geometry, fba_geometry
from server.dasd.volumes import VolumeInfo, VolumeRegistry

__all__ = ["ensure_volumes", "model_for"]


# What ensure_volumes reads of directory.model (Directory, UserEntry, Minidisk),
# as protocols so that server/dasd does not depend on the directory package.
class Minidisk(Protocol):
    @property
    def address(self) -> int: ...
    @property
    def device_type(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def volser(self) -> str: ...


class _User(Protocol):
    @property
    def userid(self) -> str: ...
    @property
    def mdisks(self) -> Sequence[Minidisk]: ...


class Directory(Protocol):
    @property
    def users(self) -> Sequence[_User]: ...


def model_for(device_type: str, end: int) -> tuple[str, int | None] | None:
    """(model name, size or None for the model's own) of a new volume of ``device_type``
    holding extents that end before cylinder/block ``end``; None for an unknown type.

    The smallest model of the type that holds ``end`` (a 3330 extent past cylinder
    410 makes a 3330-11); past the largest model the image is made larger.
    """
    fba = fba_geometry(device_type)
    if fba is not None:
        return (fba.name, end if end > fba.blocks else None)
    base = ckd_geometry(device_type)
    if base is None:
        return None
    models = [
        model
        for model in CKD_DEVICES
        if model.device_type == base.device_type and model.total_cylinders >= base.total_cylinders
    ]
    chosen = next((model for model in models if model.total_cylinders >= end), models[-1])
    return (chosen.name, None if chosen.total_cylinders >= end else end)


def _owners(disks: Iterable[tuple[str, Minidisk]]) -> str:
    return ", ".join(f"{userid} {disk.address:03X}" for userid, disk in disks)


def _check_existing(info: VolumeInfo, disks: list[tuple[str, Minidisk]]) -> list[str]:
    """Warnings for MDISK extents that do not fit the existing volume."""
    volume = device_geometry(info.device)
    lines = []
    for userid, disk in disks:
        geometry = device_geometry(disk.device_type)
        where = f"MDISK {userid} {disk.address:03X}"
        if volume is None or geometry is None or geometry.device_type != volume.device_type:
            lines.append(
                f"volume {info.volser} is a {info.device}; {where} says {disk.device_type}"
            )
        elif disk.end > info.size:
            lines.append(
                f"{where} extent {disk.start}-{disk.end - 1} is beyond the "
                f"{info.size} {info.unit} of volume {info.volser}"
            )
    return lines


def ensure_volumes(data_dir: Path, directory: Directory) -> list[str]:
    """Create every volume named by an MDISK statement that does not exist yet.

    Returns log lines: one per volume created, one per extent that does not fit
    an existing volume or names an unknown device type.
    """
    wanted: dict[str, list[tuple[str, Minidisk]]] = {}
    for user in directory.users:
        for disk in user.mdisks:
            wanted.setdefault(disk.volser.upper(), []).append((user.userid, disk))
    registry = VolumeRegistry(data_dir)
    lines: list[str] = []
    for volser, disks in sorted(wanted.items()):
        existing = registry.find(volser)
        if existing is not None:
            lines += _check_existing(existing, disks)
            continue
        device_type = disks[0][1].device_type
        end = max(disk.end for _userid, disk in disks)
        model = model_for(device_type, end)
        if model is None:
            lines.append(f"volume {volser} not created: unknown device type {device_type}")
            continue
        try:
            info = registry.create(volser, model[0], model[1])
        except VolumeError as error:
            lines.append(f"volume {volser} not created: {error}")
            continue
        lines.append(
            f"volume {volser} created: {info.device}, {info.size} {info.unit}, "
            f"for MDISK {_owners(disks)}"
        )
        lines += _check_existing(info, disks)
    return lines
