"""Plain FBA images: sparse creation, blocks, limits, Hercules compatibility."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.dasd.errors import DasdError, Fault, ImageFormatError
from server.dasd.fba import FbaImage, export_fba
from server.dasd.geometry import FbaGeometry, fba_geometry
from tests.dasd.conftest import run_tool, tool_ok
from tests.tools import require_tool


def _geometry(name: str) -> FbaGeometry:
    geometry = fba_geometry(name)
    assert geometry is not None
    return geometry


def test_create_sparse_and_read_write(tmp_path: Path) -> None:
    path = tmp_path / "F.fba"
    with FbaImage.create(path, _geometry("3370")) as image:
        assert image.blocks == 558000
        image.write_blocks(557999, b"last")
        image.write_blocks(10, bytes(range(256)) * 4)
    assert path.stat().st_size == 558000 * 512
    assert path.stat().st_blocks * 512 < 1 << 20
    with FbaImage.open(path, _geometry("3370")) as image:
        assert image.read_blocks(557999) == b"last" + bytes(508)
        assert image.read_blocks(10, 2) == bytes(range(256)) * 4
        assert image.read_blocks(0) == bytes(512)
        with pytest.raises(DasdError) as caught:
            image.read_blocks(557999, 2)
        assert caught.value.fault is Fault.OUTSIDE_EXTENT


def test_read_only_and_bad_sizes(tmp_path: Path) -> None:
    path = tmp_path / "F.fba"
    FbaImage.create(path, _geometry("3310"), 100).close()
    with FbaImage.open(path, _geometry("3310"), read_only=True) as image:
        with pytest.raises(DasdError) as caught:
            image.write_blocks(0, b"x")
        assert caught.value.fault is Fault.WRITE_INHIBITED
    (tmp_path / "odd.fba").write_bytes(bytes(700))
    with pytest.raises(ImageFormatError):
        FbaImage.open(tmp_path / "odd.fba", _geometry("3310"))


def test_export_matches_dasdinit_layout(tmp_path: Path) -> None:
    dasdinit = require_tool("dasdinit")
    theirs = tmp_path / "theirs.fba"
    tool_ok(run_tool(dasdinit, str(theirs), "3310", "FBA001"))
    with FbaImage.create(tmp_path / "ours.fba", _geometry("3310")) as image:
        image.write_blocks(1, "VOL1FBA001".encode("cp037"))
        export_fba(image, tmp_path / "full.fba")
    assert (tmp_path / "full.fba").stat().st_size == theirs.stat().st_size
    with open(tmp_path / "full.fba", "rb") as ours, open(theirs, "rb") as hercules:
        assert ours.read(1024) == hercules.read(1024)
