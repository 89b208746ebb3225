"""Database tables of the spool system (reference cp-cms.md 8.1 and 8.5).

`spool_files` holds one row per closed spool file with every attribute of
8.1; `spool_records` holds its records in chunks (see `spool.records`);
`spool_control` is a one-row table with the last spoolid given out (the
spoolid space wraps after 9900) and a serial that orders queues.  Every
write transaction starts by updating the control row, which serialises
spool writers on SQLite and PostgreSQL alike.  The schema is created by the
Alembic migrations in ``spool/migrations``; only ``spool_*`` tables belong
to this package, though they live in the same database as the directory.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["TABLE_PREFIX", "Base", "ChunkRow", "ControlRow", "FileRow"]

TABLE_PREFIX = "spool_"

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: A userid: 1-8 characters.
Userid = Annotated[str, mapped_column(String(8))]


class Base(DeclarativeBase):
    """Declarative base of the spool tables, with its own MetaData."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ControlRow(Base):
    """The one row (id 1) of spool-wide counters."""

    __tablename__ = "spool_control"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_spoolid: Mapped[int] = mapped_column(Integer)
    serial: Mapped[int] = mapped_column(BigInteger)


class FileRow(Base):
    """A closed spool file: its attributes and its place in its queue."""

    __tablename__ = "spool_files"

    key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    spoolid: Mapped[int] = mapped_column(Integer, unique=True)
    owner: Mapped[Userid] = mapped_column(index=True)
    originator: Mapped[Userid] = mapped_column(index=True)
    queue: Mapped[str] = mapped_column(String(3))
    device: Mapped[str] = mapped_column(String(3))
    spool_class: Mapped[str] = mapped_column(String(1))
    records: Mapped[int] = mapped_column(Integer)
    copies: Mapped[int] = mapped_column(Integer)
    user_hold: Mapped[bool] = mapped_column(Boolean)
    system_hold: Mapped[bool] = mapped_column(Boolean)
    created: Mapped[dt.datetime] = mapped_column(DateTime())  # UTC
    filename: Mapped[str] = mapped_column(String(8))
    filetype: Mapped[str] = mapped_column(String(8))
    dsname: Mapped[str] = mapped_column(String(24))
    dist: Mapped[str] = mapped_column(String(8))
    tag: Mapped[str] = mapped_column(String(136))
    record_format: Mapped[str] = mapped_column(String(5))
    origin_node: Mapped[str | None] = mapped_column(String(8))
    origin_userid: Mapped[str | None] = mapped_column(String(8))
    network_id: Mapped[str | None] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(BigInteger, index=True)


class ChunkRow(Base):
    """Up to a chunk's worth of records of one file (`spool.records.pack`)."""

    __tablename__ = "spool_records"

    file_key: Mapped[int] = mapped_column(
        ForeignKey("spool_files.key", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
