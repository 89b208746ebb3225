"""SIGKILL while two processes close spool files on one SQLite file: every acknowledged
CLOSE is complete after the crash, and no partial file exists."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from directory.db import make_engine, sqlite_url
from spool.records import card_text
from spool.store import Selector, SpoolStore


async def make_store(path: Path) -> SpoolStore:
    """A migrated store on the SQLite file the workers share (never the test database URL
    of conftest.make_store: the workers write to this file)."""
    store = SpoolStore(make_engine(sqlite_url(str(path))))
    await store.migrate()
    return store


def _start(path: Path, worker: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.spool.crash_worker", str(path), worker],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _first_lines(process: subprocess.Popen[str], count: int) -> list[str]:
    """Wait (however slow the machine) until the worker has acknowledged ``count`` closes."""
    assert process.stdout is not None
    lines = [process.stdout.readline() for _ in range(count)]
    assert all(lines), process.stderr.read() if process.stderr else "worker ended"
    return lines


def _acknowledged(
    process: subprocess.Popen[str], early: list[str]
) -> dict[int, tuple[int, str, int]]:
    stdout, stderr = process.communicate(timeout=30)
    assert "Traceback" not in stderr, stderr
    closes = {}
    for line in early + stdout.splitlines():
        spoolid, records, worker, sequence = line.split()
        closes[int(spoolid)] = (int(records), worker, int(sequence))
    return closes


async def _check(store: SpoolStore, acknowledged: dict[int, tuple[int, str, int]]) -> None:
    files = {spool_file.spoolid: spool_file for spool_file in await store.files(Selector())}
    assert set(acknowledged) <= set(files), "an acknowledged CLOSE was lost"
    for spoolid, spool_file in files.items():
        cards = [card_text(record) async for record in store.records(spoolid)]
        assert len(cards) == spool_file.records, f"file {spoolid} is partial"
        worker, sequence = cards[0].split()[:2]
        assert cards == [f"{worker} {sequence} C{n}" for n in range(len(cards))]
        if spoolid in acknowledged:
            records, ack_worker, ack_sequence = acknowledged[spoolid]
            assert (len(cards), f"W{ack_worker}", f"F{ack_sequence}") == (
                records,
                worker,
                sequence,
            )


async def test_sigkill_during_closes_leaves_only_complete_files(tmp_path: Path) -> None:
    path = tmp_path / "crash.db"
    store = await make_store(path)
    await store.engine.dispose()
    workers = [_start(path, name) for name in ("1", "2")]
    early = [_first_lines(process, 2) for process in workers]
    time.sleep(random.uniform(0.2, 1.0))  # the kill lands at a random point of some close
    for process in workers:
        process.send_signal(signal.SIGKILL)
    acknowledged: dict[int, tuple[int, str, int]] = {}
    for process, lines in zip(workers, early, strict=True):
        acknowledged.update(_acknowledged(process, lines))
    survivor = await make_store(path)
    try:
        await _check(survivor, acknowledged)
    finally:
        await survivor.engine.dispose()
