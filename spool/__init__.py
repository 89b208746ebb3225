"""The spool system: spool files, queues and unit-record semantics (reference cp-cms.md 8).

- `spool.model`: attributes of a spool file, SPOOL settings of an output
  device, limits, errors and the reader CLOSE table (plain values).
- `spool.records`: record chunks, card images, print lines and carriage
  control resolved to text.
- `spool.db`: the SQLAlchemy tables (``spool_*``); `spool.migrations`: their
  Alembic migrations (version table ``alembic_version_spool``).
- `spool.store`: `SpoolStore`, the async store: open files in memory,
  CLOSE in one transaction, reader selection and the file commands; its
  docstring is the interface the virtual unit-record devices use.
- `spool.unitrecord`: spooled virtual printer/punch/console and reader (SPOOL
  settings, CONT, EOF, the CLOSE table) for the channel's devices to call.
- `spool.listing`: the text of QUERY listings, FILES: and CLOSE notices.
- `spool.buffers`: page buffers and SFBLOKs as DIAGNOSE X'14' hands them to a
  guest.
- `spool.output`: separator pages and cards, pages and PDFs of the system's
  real printers and punches.
"""
