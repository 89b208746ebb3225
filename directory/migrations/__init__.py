"""Alembic migrations of the CP directory schema (run by `DirectoryStore.migrate`)."""
