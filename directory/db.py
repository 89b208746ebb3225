"""Database models for the CP directory, and the engine that reaches them.

One table per USER DIRECT statement type (reference cp-cms.md 7.3): the
USER statement with its ACCOUNT, IPL and CONSOLE (at most one of each per
entry) in `directory_users`, OPTION flags, SPOOL, MDISK, LINK, DEDICATE and
SPECIAL in child tables keyed by userid and virtual address, and the
DIRECTORY statement in a one-row table.  `seq` keeps statement order so a
dump writes the entries as they were loaded.

The database is SQLite (aiosqlite, WAL, busy timeout, so a host command and a
running server can share the file) or PostgreSQL (asyncpg) by URL.  The
schema is created by the Alembic migrations in ``directory/migrations``.
"""

from __future__ import annotations

from typing import Annotated, Any

from sqlalchemy import Enum, ForeignKey, Integer, MetaData, String, event
from sqlalchemy.engine.url import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from directory.model import SpoolKind

__all__ = [
    "TABLE_PREFIX",
    "Base",
    "DedicateRow",
    "LinkRow",
    "MinidiskRow",
    "OptionRow",
    "SpecialRow",
    "SpoolRow",
    "UserRow",
    "VolumeRow",
    "make_engine",
    "sqlite_url",
]

TABLE_PREFIX = "directory_"
SQLITE_BUSY_MS = 30_000

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: A userid: 1-8 characters.
Userid = Annotated[str, mapped_column(String(8))]
#: A stored password: NOLOG, ALL or an scrypt hash (see directory.passwords).
StoredPassword = Annotated[str, mapped_column(String(200))]
#: A device type: 3350, 2540, TIMER, ...
DeviceType = Annotated[str, mapped_column(String(8))]
#: A device address (virtual or real), 0-FFF.
Address = Annotated[int, mapped_column(Integer)]


class Base(DeclarativeBase):
    """Declarative base of the directory tables, with its own MetaData."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _owner() -> Any:
    return mapped_column(
        String(8), ForeignKey("directory_users.userid", ondelete="CASCADE"), primary_key=True
    )


class VolumeRow(Base):
    """DIRECTORY cuu devtype volser (one row, id 1)."""

    __tablename__ = "directory_volume"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[Address]
    device_type: Mapped[DeviceType]
    volser: Mapped[str] = mapped_column(String(6))


class UserRow(Base):
    """USER with ACCOUNT, IPL and CONSOLE of the entry."""

    __tablename__ = "directory_users"

    userid: Mapped[Userid] = mapped_column(primary_key=True)
    seq: Mapped[int]
    password: Mapped[StoredPassword]
    storage: Mapped[int]
    max_storage: Mapped[int]
    classes: Mapped[str] = mapped_column(String(8))
    priority: Mapped[int]
    line_end: Mapped[str | None] = mapped_column(String(3))
    line_delete: Mapped[str | None] = mapped_column(String(3))
    char_delete: Mapped[str | None] = mapped_column(String(3))
    escape: Mapped[str | None] = mapped_column(String(3))
    account: Mapped[str | None] = mapped_column(String(8))
    distcode: Mapped[str | None] = mapped_column(String(8))
    cpuid: Mapped[str | None] = mapped_column(String(6))
    affinity: Mapped[int | None]
    ipl_target: Mapped[str | None] = mapped_column(String(8))
    ipl_parm: Mapped[str | None] = mapped_column(String(64))
    console_address: Mapped[int | None]
    console_device_type: Mapped[str | None] = mapped_column(String(8))
    console_class: Mapped[str | None] = mapped_column(String(1))

    options: Mapped[list[OptionRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="OptionRow.option"
    )
    spool: Mapped[list[SpoolRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="SpoolRow.seq"
    )
    links: Mapped[list[LinkRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="LinkRow.seq"
    )
    mdisks: Mapped[list[MinidiskRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MinidiskRow.seq"
    )
    dedicates: Mapped[list[DedicateRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="DedicateRow.seq"
    )
    specials: Mapped[list[SpecialRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="SpecialRow.seq"
    )


class OptionRow(Base):
    """One OPTION flag of an entry."""

    __tablename__ = "directory_options"

    userid: Mapped[str] = _owner()
    option: Mapped[str] = mapped_column(String(16), primary_key=True)


class SpoolRow(Base):
    """SPOOL vaddr devtype class."""

    __tablename__ = "directory_spool_devices"

    userid: Mapped[str] = _owner()
    address: Mapped[Address] = mapped_column(primary_key=True)
    seq: Mapped[int]
    device_type: Mapped[DeviceType]
    kind: Mapped[SpoolKind] = mapped_column(
        Enum(SpoolKind, native_enum=False, length=8, validate_strings=True)
    )
    spool_class: Mapped[str] = mapped_column(String(1))


class MinidiskRow(Base):
    """MDISK vaddr devtype start count volser mode passwords."""

    __tablename__ = "directory_minidisks"

    userid: Mapped[str] = _owner()
    address: Mapped[Address] = mapped_column(primary_key=True)
    seq: Mapped[int]
    device_type: Mapped[DeviceType]
    start: Mapped[int]
    count: Mapped[int]
    volser: Mapped[str] = mapped_column(String(6), index=True)
    mode: Mapped[str] = mapped_column(String(2))
    read_password: Mapped[str | None] = mapped_column(String(200))
    write_password: Mapped[str | None] = mapped_column(String(200))
    multi_password: Mapped[str | None] = mapped_column(String(200))


class LinkRow(Base):
    """LINK userid vaddr1 vaddr2 mode (address is vaddr2, this entry's own)."""

    __tablename__ = "directory_links"

    userid: Mapped[str] = _owner()
    address: Mapped[Address] = mapped_column(primary_key=True)
    seq: Mapped[int]
    target_userid: Mapped[Userid]
    target_address: Mapped[Address]
    mode: Mapped[str] = mapped_column(String(2))


class DedicateRow(Base):
    """DEDICATE vaddr raddr."""

    __tablename__ = "directory_dedicates"

    userid: Mapped[str] = _owner()
    address: Mapped[Address] = mapped_column(primary_key=True)
    seq: Mapped[int]
    real_address: Mapped[Address]


class SpecialRow(Base):
    """SPECIAL vaddr devtype [IBM|TELE]."""

    __tablename__ = "directory_specials"

    userid: Mapped[str] = _owner()
    address: Mapped[Address] = mapped_column(primary_key=True)
    seq: Mapped[int]
    device_type: Mapped[DeviceType]
    mode: Mapped[str | None] = mapped_column(String(4))


def sqlite_url(path: str) -> str:
    """The async URL of an SQLite database file."""
    return f"sqlite+aiosqlite:///{path}"


def _async_url(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers go on while a writer commits; the busy timeout makes a
    # second process wait for the lock instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> AsyncEngine:
    """An async engine for an SQLite or PostgreSQL URL (plain driver names accepted)."""
    async_url = _async_url(url)
    if async_url.startswith("sqlite"):
        engine = create_async_engine(async_url, connect_args={"timeout": SQLITE_BUSY_MS / 1000})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(async_url, pool_pre_ping=True)
