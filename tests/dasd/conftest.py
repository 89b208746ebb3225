"""Shared helpers for the DASD volume tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

from server.dasd.geometry import CkdGeometry, ckd_geometry
from server.dasd.track import Record, Track


def formatted_track(
    cylinder: int,
    head: int,
    records: int = 19,
    length: int = 800,
    record_cylinder: int | None = None,
    fill: int | None = None,
) -> Track:
    """A track as CMS FORMAT leaves it: R0 and ``records`` keyless records.

    Count fields carry ``record_cylinder`` (default the HA cylinder); record n's
    data is ``length`` bytes of ``fill`` (default n).
    """
    recorded = cylinder if record_cylinder is None else record_cylinder
    track = Track.null(cylinder, head, recorded)
    for number in range(1, records + 1):
        value = number if fill is None else fill
        track.records.append(Record(recorded, head, number, b"", bytes([value & 0xFF]) * length))
    return track


def run_tool(*command: str) -> subprocess.CompletedProcess[str]:
    """Run a Hercules utility quietly; the caller checks the outcome."""
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def tool_ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, (result.stdout + result.stderr)[-2000:]


def same_file(first: Path, second: Path) -> bool:
    with open(first, "rb") as one, open(second, "rb") as two:
        while True:
            a, b = one.read(1 << 20), two.read(1 << 20)
            if a != b:
                return False
            if not a:
                return True


def ckd(name: str) -> CkdGeometry:
    """The CKD model ``name`` (which must exist)."""
    geometry = ckd_geometry(name)
    assert geometry is not None
    return geometry
