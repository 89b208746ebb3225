"""Alembic revisions of the spool schema."""
