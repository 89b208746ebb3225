"""Fixtures for the directory tests: a cheap hasher and a migrated SQLite store."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from directory.db import make_engine, sqlite_url
from directory.passwords import hash_password
from directory.store import DirectoryStore

#: Real scrypt at a tiny cost, so tests that hash many passwords stay fast.
fast_hash = functools.partial(hash_password, log2_n=4)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[DirectoryStore]:
    engine = make_engine(sqlite_url(str(tmp_path / "vm370.db")))
    directory_store = DirectoryStore(engine)
    await directory_store.migrate()
    try:
        yield directory_store
    finally:
        await engine.dispose()
