"""Create the spool schema: control row, spool files and their record chunks.

Revision ID: spool0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "spool0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(name: str, length: int, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def _number(name: str, big: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.BigInteger() if big else sa.Integer(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "spool_control",
        _number("id"),
        _number("last_spoolid"),
        _number("serial", big=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spool_control")),
    )
    op.create_table(
        "spool_files",
        sa.Column("key", sa.Integer(), autoincrement=True, nullable=False),
        _number("spoolid"),
        _text("owner", 8),
        _text("originator", 8),
        _text("queue", 3),
        _text("device", 3),
        _text("spool_class", 1),
        _number("records"),
        _number("copies"),
        sa.Column("user_hold", sa.Boolean(), nullable=False),
        sa.Column("system_hold", sa.Boolean(), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        _text("filename", 8),
        _text("filetype", 8),
        _text("dsname", 24),
        _text("dist", 8),
        _text("tag", 136),
        _text("record_format", 5),
        _text("origin_node", 8, True),
        _text("origin_userid", 8, True),
        _text("network_id", 32, True),
        _number("position", big=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_spool_files")),
        sa.UniqueConstraint("spoolid", name=op.f("uq_spool_files_spoolid")),
    )
    for column in ("owner", "originator", "position"):
        op.create_index(op.f(f"ix_spool_files_{column}"), "spool_files", [column], unique=False)
    op.create_table(
        "spool_records",
        _number("file_key"),
        _number("seq"),
        _number("count"),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_key"],
            ["spool_files.key"],
            name=op.f("fk_spool_records_file_key_spool_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("file_key", "seq", name=op.f("pk_spool_records")),
    )
    op.execute("INSERT INTO spool_control (id, last_spoolid, serial) VALUES (1, 0, 0)")


def downgrade() -> None:
    for table in ("spool_records", "spool_files", "spool_control"):
        op.drop_table(table)
