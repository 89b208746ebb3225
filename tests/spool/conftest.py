"""Fixtures for the spool tests: a migrated SpoolStore on a real SQLite file.

With ``VM370_TEST_DATABASE_URL`` set (e.g.
``postgresql://postgres@127.0.0.1:5432/spooltest``, needs ``pip install
asyncpg``), the store tests run against that database instead: each test
drops the spool tables first.  The crash and queue-model tests copy or share
SQLite files and always use SQLite.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from directory.db import make_engine, sqlite_url
from spool.model import DeviceType, FileName, OutputSettings, SpoolFile, SpoolLimits
from spool.records import card, print_line
from spool.store import SpoolStore

DATABASE_URL = os.environ.get("VM370_TEST_DATABASE_URL")
SPOOL_TABLES = "spool_records, spool_files, spool_control, alembic_version_spool"


async def make_store(
    path: Path, limits: SpoolLimits | None = None, fresh: bool = True
) -> SpoolStore:
    """A migrated store on the SQLite file ``path`` (or on the test database URL)."""
    engine = make_engine(DATABASE_URL or sqlite_url(str(path)))
    if DATABASE_URL and fresh:
        async with engine.begin() as connection:
            await connection.execute(text(f"DROP TABLE IF EXISTS {SPOOL_TABLES} CASCADE"))
    store = SpoolStore(engine, limits, node="TESTNODE")
    await store.migrate()
    return store


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SpoolStore]:
    spool_store = await make_store(tmp_path / "vm370.db")
    try:
        yield spool_store
    finally:
        await spool_store.engine.dispose()


async def punch(
    store: SpoolStore,
    originator: str,
    cards: list[str],
    *,
    to: str | None = None,
    spool_class: str = "A",
    hold: bool = False,
    name: tuple[str, str] = ("", ""),
) -> SpoolFile:
    """Punch a deck and close it (TO a user's reader, or into the punch queue)."""
    settings = OutputSettings(
        device=DeviceType.PUN, spool_class=spool_class, to=to, hold=hold, name=FileName(*name)
    )
    writer = store.open_output(originator, settings)
    for line in cards:
        writer.write(card(line))
    return await store.close(writer)


async def print_file(store: SpoolStore, originator: str, lines: list[str]) -> SpoolFile:
    writer = store.open_output(originator, OutputSettings(device=DeviceType.PRT))
    for line in lines:
        writer.write(print_line(line))
    return await store.close(writer)
