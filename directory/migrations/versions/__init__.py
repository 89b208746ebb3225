"""Alembic revisions of the CP directory schema."""
