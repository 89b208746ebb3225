"""Create the CP directory schema: users and one table per device statement.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PASSWORD = sa.String(length=200)


def _owned(table: str, *columns: sa.Column[Any], key: str = "address") -> None:
    """A child table of directory_users keyed by (userid, key)."""
    op.create_table(
        table,
        sa.Column("userid", sa.String(length=8), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(
            ["userid"],
            ["directory_users.userid"],
            name=op.f(f"fk_{table}_userid_directory_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("userid", key, name=op.f(f"pk_{table}")),
    )


def _text(name: str, length: int, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def _number(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "directory_users",
        _text("userid", 8),
        _number("seq"),
        sa.Column("password", PASSWORD, nullable=False),
        _number("storage"),
        _number("max_storage"),
        _text("classes", 8),
        _number("priority"),
        *(_text(name, 3, True) for name in ("line_end", "line_delete", "char_delete", "escape")),
        _text("account", 8, True),
        _text("distcode", 8, True),
        _text("cpuid", 6, True),
        _number("affinity", True),
        _text("ipl_target", 8, True),
        _text("ipl_parm", 64, True),
        _number("console_address", True),
        _text("console_device_type", 8, True),
        _text("console_class", 1, True),
        sa.PrimaryKeyConstraint("userid", name=op.f("pk_directory_users")),
    )
    op.create_table(
        "directory_volume",
        _number("id"),
        _number("address"),
        _text("device_type", 8),
        _text("volser", 6),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_volume")),
    )
    _owned("directory_options", _text("option", 16), key="option")
    _owned(
        "directory_spool_devices",
        _number("address"),
        _number("seq"),
        _text("device_type", 8),
        sa.Column(
            "kind",
            sa.Enum("READER", "PUNCH", "PRINTER", name="spoolkind", native_enum=False, length=8),
            nullable=False,
        ),
        _text("spool_class", 1),
    )
    _owned(
        "directory_links",
        _number("address"),
        _number("seq"),
        _text("target_userid", 8),
        _number("target_address"),
        _text("mode", 2),
    )
    _owned(
        "directory_minidisks",
        _number("address"),
        _number("seq"),
        _text("device_type", 8),
        _number("start"),
        _number("count"),
        _text("volser", 6),
        _text("mode", 2),
        *(
            sa.Column(f"{kind}_password", PASSWORD, nullable=True)
            for kind in ("read", "write", "multi")
        ),
    )
    op.create_index(
        op.f("ix_directory_minidisks_volser"), "directory_minidisks", ["volser"], unique=False
    )
    _owned("directory_dedicates", _number("address"), _number("seq"), _number("real_address"))
    _owned(
        "directory_specials",
        _number("address"),
        _number("seq"),
        _text("device_type", 8),
        _text("mode", 4, True),
    )


def downgrade() -> None:
    for table in (
        "directory_specials",
        "directory_dedicates",
        "directory_minidisks",
        "directory_links",
        "directory_spool_devices",
        "directory_options",
        "directory_volume",
        "directory_users",
    ):
        op.drop_table(table)
