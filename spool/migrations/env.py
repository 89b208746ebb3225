"""Alembic environment for the spool schema.

Configured from code (`spool.store.alembic_config`), never from an
alembic.ini.  `SpoolStore.migrate` hands in an open connection through
``config.attributes["connection"]``; otherwise the URL in the config's
``sqlalchemy.url`` is opened with an async engine.  The version table is
``alembic_version_spool`` and only ``spool_*`` tables are looked at, because
the directory package keeps its own migrations in the same database.
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from spool.db import TABLE_PREFIX, Base

VERSION_TABLE = "alembic_version_spool"


def _include_name(name: str | None, type_: str, _parent: Any) -> bool:
    if type_ == "table":
        return name is not None and name.startswith(TABLE_PREFIX)
    return True


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        include_name=_include_name,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_url(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


def _main() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"),
            target_metadata=Base.metadata,
            version_table=VERSION_TABLE,
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    elif connection is not None:
        _run(connection)
    else:
        asyncio.run(_run_with_url(str(config.get_main_option("sqlalchemy.url"))))


_main()
