"""The CP directory: users, their virtual machines and minidisks, persisted with SQLAlchemy."""
