"""Host commands: check, load, dump and password, as the CLI calls them."""

from __future__ import annotations

import stat
from pathlib import Path

from directory.commands import (
    check_file,
    dump_file,
    load_default_if_empty,
    load_file,
    set_password,
)
from directory.default import default_directory_text
from directory.parser import parse_directory
from directory.passwords import verify_password
from directory.store import DirectoryStore
from tests.directory.conftest import fast_hash
from tests.directory.examples import CE_DIRECT, R6_DIRECT

BAD = """\
DIRECTORY 123 3350 VM370S
USER A PASSWORD 1M
USER B PW 2M 1M
 MDISK 191 3350 0 10 VOL1
 MDISK 192 3350 5 10 VOL1
 OPTION TURBO
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_check_reports_every_error_and_warning_with_line_numbers(tmp_path: Path) -> None:
    path = _write(tmp_path, "BAD.DIRECT", BAD)
    code, lines = check_file(path)
    assert code == 1
    assert f"{path}:3: error: storage is above the maximum storage" in lines
    assert f"{path}:5: warning: extent 5-14 on VOL1 overlaps B 191 (line 4)" in lines
    assert f"{path}:6: error: unknown option TURBO" in lines
    assert "    OPTION TURBO" in lines
    assert lines[-1] == f"{path}: 2 errors, 1 warning; not valid"


def test_check_accepts_a_good_file(tmp_path: Path) -> None:
    code, lines = check_file(_write(tmp_path, "R6.DIRECT", R6_DIRECT))
    assert code == 0
    assert lines[-1].endswith("3 users, 0 warnings; valid")


def test_check_reports_an_unreadable_file(tmp_path: Path) -> None:
    code, lines = check_file(tmp_path / "MISSING.DIRECT")
    assert code == 2 and "cannot read" in lines[0]


async def test_bad_load_changes_nothing(store: DirectoryStore, tmp_path: Path) -> None:
    r6 = _write(tmp_path, "R6.DIRECT", R6_DIRECT)
    assert (await load_file(store, r6, hasher=fast_hash))[0] == 0
    before = await store.dump()
    code, lines = await load_file(store, _write(tmp_path, "BAD.DIRECT", BAD), hasher=fast_hash)
    assert code == 1 and lines[-1].endswith("2 errors; nothing loaded")
    assert await store.dump() == before


async def test_dump_then_load_round_trips(store: DirectoryStore, tmp_path: Path) -> None:
    await load_file(store, _write(tmp_path, "CE.DIRECT", CE_DIRECT), hasher=fast_hash)
    before = await store.dump()
    dumped = tmp_path / "DUMP.DIRECT"
    code, lines = await dump_file(store, dumped)
    assert (code, lines) == (0, [f"{dumped}: wrote 3 users"])
    text = dumped.read_text(encoding="utf-8")
    assert "CMSUSER CMSUSER" not in text and "MULT" not in text
    assert stat.S_IMODE(dumped.stat().st_mode) == 0o600
    assert (await load_file(store, dumped, hasher=fast_hash))[0] == 0
    assert await store.dump() == before
    code, text_lines = await dump_file(store, "-")
    assert code == 0 and "\n".join(text_lines) + "\n" == text


async def test_dump_to_an_unwritable_place(store: DirectoryStore, tmp_path: Path) -> None:
    code, lines = await dump_file(store, tmp_path / "no" / "such" / "dir")
    assert code == 2 and "cannot write" in lines[0]


async def test_password_command(store: DirectoryStore, tmp_path: Path) -> None:
    await load_file(store, _write(tmp_path, "R6.DIRECT", R6_DIRECT), hasher=fast_hash)
    assert await set_password(store, "rscs", "secret") == (0, ["password of RSCS changed"])
    entry = await store.get_user("RSCS")
    assert entry is not None and verify_password("SECRET", entry.password)
    assert (await set_password(store, "NOBODY", "X"))[0] == 2
    assert (await set_password(store, "RSCS", "TOO LONG"))[0] == 1


async def test_default_directory_loads_only_into_an_empty_database(
    store: DirectoryStore,
) -> None:
    assert await load_default_if_empty(store) is True
    assert "MAINT" in await store.userids()
    await store.set_password("MAINT", "CHANGED")
    assert await load_default_if_empty(store) is False
    entry = await store.get_user("MAINT")
    assert entry is not None and verify_password("CHANGED", entry.password)


def test_default_directory_checks_clean(tmp_path: Path) -> None:
    code, lines = check_file(_write(tmp_path, "DEFAULT.DIRECT", default_directory_text()))
    assert (code, lines[-1].endswith("8 users, 0 warnings; valid")) == (0, True)
    assert parse_directory(default_directory_text(), hasher=None).warnings == []
