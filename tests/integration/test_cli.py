"""The vm370 command: serve with the default directory, the directory subcommands, config."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from server.config import ConfigError, load_config
from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY


def vm370(*args: str, data_dir: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", *args, "--data-dir", str(data_dir)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_first_start_loads_default_directory_and_sigterm_stops_cleanly(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh"
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--port", "0", "--data-dir", str(data_dir)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert process.stderr is not None
    first = process.stderr.readline()
    assert f"vm370 data directory: {data_dir}" in first
    port = 0
    for line in process.stderr:
        if "VM/370 ONLINE at" in line:
            port = int(line.rsplit(":", 1)[1].split(",")[0])
            break
    tty = TTY(port)
    tty.logon("MAINT", "CPCMS")
    process.terminate()
    tty.expect("SYSTEM SHUTDOWN")
    tty.expect("LOGOFF AT")
    tty.expect(pexpect.EOF)
    assert process.wait(20) == 0
    assert (data_dir / "vm370.db").exists()


def test_directory_check_load_dump_round_trip(tmp_path: Path) -> None:
    source = tmp_path / "USER.DIRECT"
    source.write_text(make_test_directory())
    checked = vm370("directory", "check", str(source), data_dir=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    loaded = vm370("directory", "load", str(source), data_dir=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    dumped = tmp_path / "DUMP.DIRECT"
    assert vm370("directory", "dump", str(dumped), data_dir=tmp_path).returncode == 0
    text = dumped.read_text()
    assert "USER ALICE SCRYPT:" in text
    assert "ALICEPW" not in text
    assert vm370("directory", "load", str(dumped), data_dir=tmp_path).returncode == 0
    again = tmp_path / "AGAIN.DIRECT"
    assert vm370("directory", "dump", str(again), data_dir=tmp_path).returncode == 0
    assert again.read_text() == text


def test_directory_check_reports_line_numbers_and_load_changes_nothing(tmp_path: Path) -> None:
    good = tmp_path / "GOOD.DIRECT"
    good.write_text(make_test_directory())
    assert vm370("directory", "load", str(good), data_dir=tmp_path).returncode == 0
    bad = tmp_path / "BAD.DIRECT"
    bad.write_text(
        "DIRECTORY 123 3350 VM370S\nUSER NEWGUY PW 99M\nUSER BOB PW 1M 1M G\n"
        " MDISK 191 9999 0 1 VOL001\n"
    )
    checked = vm370("directory", "check", str(bad), data_dir=tmp_path)
    assert checked.returncode != 0
    assert ":2:" in checked.stdout + checked.stderr or "line 2" in checked.stdout + checked.stderr
    assert vm370("directory", "load", str(bad), data_dir=tmp_path).returncode != 0
    dump = vm370("directory", "dump", "-", data_dir=tmp_path)
    assert "USER ALICE" in dump.stdout and "NEWGUY" not in dump.stdout


def test_password_command_changes_logon_password(tmp_path: Path) -> None:
    server = VMServer(tmp_path / "pw", make_test_directory())
    try:
        changed = vm370("directory", "password", "bob", data_dir=tmp_path / "pw", stdin="newpw\n")
        assert changed.returncode == 0, changed.stderr
        tty = TTY(server.port)
        tty.send("LOGON BOB BOBPW")
        tty.expect("PASSWORD INCORRECT")
        tty.logon("BOB", "NEWPW")
        tty.send("LOGOFF")
        tty.expect(pexpect.EOF)
    finally:
        server.stop()


def test_bad_directory_at_start_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "BAD.DIRECT"
    bad.write_text("USER X\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "server",
            "serve",
            "--port",
            "0",
            "--data-dir",
            str(tmp_path / "d"),
            "--directory",
            str(bad),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_config_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config_file = tmp_path / "vm370.toml"
    config_file.write_text('port = 3333\nnode = "filenode"\nhost = "0.0.0.0"\n')
    monkeypatch.setenv("VM370_NODE", "envnode")
    config = load_config({"data_dir": str(tmp_path), "host": "127.0.0.2"})
    assert config.port == 3333  # from the file in the data directory
    assert config.node == "ENVNODE"  # environment beats the file
    assert config.host == "127.0.0.2"  # command line beats everything
    assert config.database.endswith(str(tmp_path / "vm370.db"))
    config_file.write_text("bogus = 1\n")
    with pytest.raises(ConfigError):
        load_config({"data_dir": str(tmp_path)})
    monkeypatch.setenv("VM370_PORT", "notaport")
    with pytest.raises(ConfigError):
        load_config({}, str(tmp_path / "missing.toml"))


def test_default_data_dir_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("VM370_DATA_DIR", raising=False)
    assert load_config({}).data_dir == tmp_path / "vm370"
    assert os.environ["XDG_DATA_HOME"] == str(tmp_path)
