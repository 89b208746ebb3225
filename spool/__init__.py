"""The spool system: spool files, queues and unit-record semantics (persisted with SQLAlchemy)."""
