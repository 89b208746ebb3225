"""The CP directory: users, their virtual machines and minidisks, persisted with SQLAlchemy.

Modules (reference cp-cms.md section 7):

* `directory.model` - the parsed directory as dataclasses (`Directory`, `UserEntry`, ...).
* `directory.passwords` - scrypt hashes in a stored text form; `verify_password`.
* `directory.parser` - USER DIRECT to `Directory` (`parse_directory`), with `directory.check`.
* `directory.writer` - `Directory` back to canonical USER DIRECT (`write_directory`).
* `directory.default` - the built-in default directory (``default.direct``).
* `directory.db`, `directory.store` - tables, engine, `DirectoryStore`; Alembic in ``migrations``.
* `directory.commands` - ``vm370 directory check|load|dump|password`` as functions.
"""
