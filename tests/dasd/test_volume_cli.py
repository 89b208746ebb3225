"""``vm370 volume``: through the real command and through ``server.cli.main``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from server.cli import main
from server.dasd.cckd import CompressedImage
from server.dasd.volumes import VolumeRegistry


def vm370(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", "volume", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_create_list_export_import_through_the_command(tmp_path: Path) -> None:
    data = tmp_path / "data"
    created = vm370("create", "vmres1", "3350", data_dir=data)
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith("volume VMRES1 created: 3350, 560 cylinders, ")
    assert main(["volume", "create", "CMS001", "3370", "--data-dir", str(data)]) == 0
    listed = vm370("list", data_dir=data)
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["VOLSER", "DEVICE", "SIZE", "ON", "DISK", "FILE"]
    assert lines[1].split()[:4] == ["CMS001", "3370", "558000", "blocks"]
    assert lines[2].split()[:4] == ["VMRES1", "3350", "560", "cylinders"]
    assert lines[2].endswith("VMRES1.3350.ckd")
    packed = tmp_path / "v.cckd"
    arguments = ["volume", "export", "VMRES1", str(packed), "--compress", "zlib"]
    assert main([*arguments, "--data-dir", str(data)]) == 0
    with CompressedImage(packed) as image:
        assert image.cylinders == 560
    other = tmp_path / "other"
    imported = vm370("import", str(packed), "--volser", "COPY", data_dir=other)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("volume COPY imported: 3350, 560 cylinders")
    again = ["volume", "import", str(packed), "--volser", "COPY", "--data-dir", str(other)]
    assert main(again) == 1
    assert [info.volser for info in VolumeRegistry(other).list()] == ["COPY"]


def test_errors_exit_nonzero_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "data")
    assert main(["volume", "create", "X", "3350", "--data-dir", data]) == 0
    capsys.readouterr()
    assert main(["volume", "create", "X", "3350", "--data-dir", data]) == 1
    assert capsys.readouterr().err.strip() == "vm370: volume X already exists"
    assert main(["volume", "export", "NOPE", str(tmp_path / "n.ckd"), "--data-dir", data]) == 1
    assert capsys.readouterr().err.strip() == "vm370: volume NOPE does not exist"
    assert main(["volume", "import", str(tmp_path / "none"), "--data-dir", data]) == 1
    assert "No such file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["volume", "create", "ONLYVOLSER", "--data-dir", data])
    assert usage.value.code == 2 and "devtype" in capsys.readouterr().err


def test_direct_calls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "data")
    assert main(["volume", "list", "--data-dir", data]) == 0
    assert capsys.readouterr().out.startswith("no volumes in ")
    assert main(["volume", "create", "T1", "2314", "--size", "5", "--data-dir", data]) == 0
    assert "2314, 5 cylinders" in capsys.readouterr().out
    target = tmp_path / "t1.ckd"
    assert main(["volume", "export", "T1", str(target), "--data-dir", data]) == 0
    assert target.stat().st_size == 512 + 5 * 20 * 7680
    assert main(["volume", "create", "T2", "9999", "--data-dir", data]) == 1
    assert "unknown DASD device type" in capsys.readouterr().err


def test_data_dir_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VM370_DATA_DIR", str(tmp_path / "env"))
    assert main(["volume", "create", "ENV001", "3340"]) == 0
    assert (tmp_path / "env" / "volumes" / "ENV001.3340.ckd").exists()
