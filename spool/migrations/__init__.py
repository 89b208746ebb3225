"""Alembic migrations of the spool schema (run by `SpoolStore.migrate`)."""
