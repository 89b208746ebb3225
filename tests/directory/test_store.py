"""The stored directory: migrations, replace/dump, lookups, passwords, sharing the file."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from directory.db import Base, _async_url, make_engine, sqlite_url
from directory.model import Directory, UserEntry
from directory.parser import parse_directory
from directory.passwords import verify_password
from directory.store import DirectoryStore, alembic_config
from tests.directory.conftest import fast_hash
from tests.directory.examples import CE_DIRECT, R6_DIRECT
from tests.directory.strategies import directories

VERSION_TABLE = "alembic_version_directory"


def _only_directory_tables(name: str | None, type_: str, _parent: Any) -> bool:
    return type_ != "table" or (name or "").startswith("directory_")


def _schema_diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"include_name": _only_directory_tables, "compare_type": True}
    )
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migrate_creates_schema_matching_models(store: DirectoryStore) -> None:
    async with store.engine.connect() as connection:
        assert await connection.run_sync(_schema_diff) == []
        tables = await connection.run_sync(_tables)
        version = await connection.scalar(text(f"SELECT version_num FROM {VERSION_TABLE}"))
    assert VERSION_TABLE in tables and "alembic_version" not in tables
    assert {table.name for table in Base.metadata.sorted_tables} <= tables
    assert version == "0001"


async def test_migrate_again_is_a_no_op(store: DirectoryStore) -> None:
    await store.replace(parse_directory(R6_DIRECT, hasher=fast_hash).directory)
    await store.migrate()
    assert await store.userids() == ["OPERATOR", "MAINT", "RSCS"]


async def test_migrate_leaves_other_packages_tables_alone(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(str(tmp_path / "shared.db")))
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE spool_files (id INTEGER PRIMARY KEY)"))
    await DirectoryStore(engine).migrate()
    async with engine.connect() as connection:
        assert "spool_files" in await connection.run_sync(_tables)
        assert await connection.run_sync(_schema_diff) == []
    await engine.dispose()


async def test_fresh_store_is_empty(store: DirectoryStore) -> None:
    assert await store.is_empty()
    assert await store.userids() == []
    assert await store.get_user("MAINT") is None
    assert await store.dump() == Directory()


async def test_replace_dump_and_lookup(store: DirectoryStore) -> None:
    directory = parse_directory(CE_DIRECT, hasher=fast_hash).directory
    await store.replace(directory)
    assert not await store.is_empty()
    assert await store.dump() == directory
    assert await store.userids() == ["$ALLOC$", "CMSUSER", "MAINT"]
    entry = await store.get_user("cmsuser")
    assert entry == directory.users[1]
    assert entry is not None and verify_password("CMSUSER", entry.password)


async def test_replace_replaces_everything(store: DirectoryStore) -> None:
    await store.replace(parse_directory(CE_DIRECT, hasher=fast_hash).directory)
    r6 = parse_directory(R6_DIRECT, hasher=fast_hash).directory
    await store.replace(r6)
    assert await store.dump() == r6
    assert await store.get_user("CMSUSER") is None


async def test_replace_refuses_clear_passwords_and_changes_nothing(
    store: DirectoryStore,
) -> None:
    stored = parse_directory(R6_DIRECT, hasher=fast_hash).directory
    await store.replace(stored)
    with pytest.raises(ValueError, match="CMSUSER"):
        await store.replace(parse_directory(CE_DIRECT, hasher=None).directory)
    assert await store.dump() == stored


async def test_failed_replace_is_rolled_back(store: DirectoryStore) -> None:
    stored = parse_directory(R6_DIRECT, hasher=fast_hash).directory
    await store.replace(stored)
    twice = Directory(None, [UserEntry("DUP", "NOLOG"), UserEntry("DUP", "NOLOG")])
    with pytest.raises(IntegrityError):
        await store.replace(twice)
    assert await store.dump() == stored


async def test_set_password(store: DirectoryStore) -> None:
    await store.replace(parse_directory(R6_DIRECT, hasher=fast_hash).directory)
    await store.set_password("maint", "newpw")
    entry = await store.get_user("MAINT")
    assert entry is not None
    assert verify_password("NEWPW", entry.password) and not verify_password("CPCMS", entry.password)
    await store.set_password("MAINT", "nolog")
    entry = await store.get_user("MAINT")
    assert entry is not None and not entry.can_logon
    with pytest.raises(LookupError):
        await store.set_password("NOBODY", "X")
    with pytest.raises(ValueError):
        await store.set_password("MAINT", "MUCHTOOLONG")


@given(directories(max_users=3))
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
async def test_any_valid_directory_round_trips_through_the_database(
    store: DirectoryStore, directory: Directory
) -> None:
    await store.replace(directory)
    assert await store.dump() == directory


async def test_two_engines_share_one_file(tmp_path: Path) -> None:
    url = sqlite_url(str(tmp_path / "shared.db"))
    server, host = make_engine(url), make_engine(url)
    server_store, host_store = DirectoryStore(server), DirectoryStore(host)
    await server_store.migrate()
    r6 = parse_directory(R6_DIRECT, hasher=fast_hash).directory
    ce = parse_directory(CE_DIRECT, hasher=fast_hash).directory
    await server_store.replace(r6)
    lookups = [server_store.get_user("MAINT") for _ in range(20)]
    results = await asyncio.gather(host_store.replace(ce), *lookups)
    assert all(entry is not None for entry in results[1:])
    assert await server_store.dump() == ce
    async with server.connect() as connection:
        mode = await connection.scalar(text("PRAGMA journal_mode"))
    assert mode == "wal"
    await server.dispose()
    await host.dispose()


async def test_authenticate(store: DirectoryStore) -> None:
    await store.replace(parse_directory(CE_DIRECT, hasher=fast_hash).directory)
    entry = await store.authenticate("cmsuser", "CmsUser")
    assert entry is not None and entry.userid == "CMSUSER"
    assert await store.authenticate("CMSUSER", "WRONG") is None
    assert await store.authenticate("NOBODY", "CMSUSER") is None
    assert await store.authenticate("$ALLOC$", "NOLOG") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:////var/vm370/vm370.db", "sqlite+aiosqlite:////var/vm370/vm370.db"),
        ("sqlite+aiosqlite:///vm370.db", "sqlite+aiosqlite:///vm370.db"),
        ("postgresql://vm:secret@db/vm370", "postgresql+asyncpg://vm:secret@db/vm370"),
        ("postgresql+asyncpg://db/vm370", "postgresql+asyncpg://db/vm370"),
    ],
)
def test_urls_get_async_drivers(url: str, expected: str) -> None:
    assert _async_url(url) == expected


async def test_sqlite_connections_wait_for_locks(store: DirectoryStore) -> None:
    async with store.engine.connect() as connection:
        assert await connection.scalar(text("PRAGMA busy_timeout")) == 30_000
        assert await connection.scalar(text("PRAGMA foreign_keys")) == 1


def test_alembic_by_url_upgrades_and_downgrades(tmp_path: Path) -> None:
    path = tmp_path / "by-url.db"
    config = alembic_config(sqlite_url(str(path)))
    command.upgrade(config, "head")
    with sqlite3.connect(path) as connection:
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert {"directory_users", "directory_minidisks", VERSION_TABLE} <= names
    command.downgrade(config, "base")
    with sqlite3.connect(path) as connection:
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert not any(name.startswith("directory_") for name in names)
