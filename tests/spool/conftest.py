"""Fixtures for the spool tests: a migrated SpoolStore on a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from directory.db import make_engine, sqlite_url
from spool.model import DeviceType, FileName, OutputSettings, SpoolFile, SpoolLimits
from spool.records import card, print_line
from spool.store import SpoolStore


async def make_store(path: Path, limits: SpoolLimits | None = None) -> SpoolStore:
    store = SpoolStore(make_engine(sqlite_url(str(path))), limits, node="TESTNODE")
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
    for text in cards:
        writer.write(card(text))
    return await store.close(writer)


async def print_file(store: SpoolStore, originator: str, lines: list[str]) -> SpoolFile:
    writer = store.open_output(originator, OutputSettings(device=DeviceType.PRT))
    for text in lines:
        writer.write(print_line(text))
    return await store.close(writer)
