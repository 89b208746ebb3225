"""The spool file store: open files in memory, closed files in the database.

A spool file exists only once its CLOSE has committed (ARCHITECTURE.md
"Persistence"; reference cp-cms.md 8.2, 8.5).  Until then it is a
`SpoolWriter` collecting records in memory; `SpoolStore.close` writes the
file row and all its record chunks in ONE transaction, so a crash before the
commit leaves no trace and after it the file is complete.

The interface the virtual unit-record devices use (cp-cms.md 5.6, 5.29, 8.2;
`spool.unitrecord` wraps it with the SPOOL settings, CONT and EOF of a device):

Printer, punch, console (output)::

    writer = store.open_output(userid, OutputSettings(device=DeviceType.PUN,
                               spool_class="A", copies=1, hold=False, to="BOB",
                               dist=..., name=FileName("PROG", "TEXT")))
    writer.write(record)          # a card (80 bytes) or a print line (CCW code + data)
    spool_file = await store.close(writer, hold=None, dist=None, name=None)
    store.discard(writer)         # CLOSE PURGE / SPOOL ... PURGE: nothing is kept

``close`` raises `SpoolQuotaExceeded` or `SpoolFull` (nothing is kept) and
returns the closed file; with ``to`` it is in that user's reader (the caller
sends the arrival message and the CLOSE notice), otherwise in the system
printer or punch queue owned by the FOR user or the originator.

Reader (input)::

    spool_file = await store.next_reader_file(userid, reader_class)  # None: reader empty
    async for chunk in store.read_records(spool_file.spoolid):       # lists of records
        ...
    await store.finish_reader(spoolid, reader_disposition(hold, cont, close_option))

``next_reader_file`` picks the first file in the user's reader queue that
is of the reader's class (any class for None, i.e. ``CLASS *``) and not
held, and marks it active: active files are not counted by QUERY FILES and
cannot be changed, purged or transferred until ``finish_reader`` (or
``release``) ends the reading.  Active marks live in this process only: a
restart leaves every file readable again.

Every method opens and closes its own session; write transactions are short
and start by updating the control row, so concurrent writers (the server and
a ``vm370 spool`` host command on the same SQLite file) queue for the lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Row, Select, delete, func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from spool.db import ChunkRow, ControlRow, FileRow
from spool.model import (
    MAX_SPOOLID,
    TAG_LENGTH,
    DeviceType,
    Disposition,
    FileName,
    HoldStatus,
    OutputSettings,
    Queue,
    RecordFormat,
    SpoolError,
    SpoolFile,
    SpoolFull,
    SpoolLimits,
    SpoolQuotaExceeded,
    check_userid,
)
from spool.records import CHUNK_BYTES, CHUNK_RECORDS, pack, unpack

__all__ = [
    "MIGRATIONS",
    "FileChanges",
    "Outcome",
    "Selector",
    "SpoolStore",
    "SpoolWriter",
    "alembic_config",
]

MIGRATIONS = Path(__file__).parent / "migrations"
#: Queue positions are the control serial times this, so one transaction can
#: place up to this many files (TRANSFER) after every earlier file.
POSITION_STEP = 100_000


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration for the spool migrations, without an ini file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url)
    return config


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


class SpoolWriter:
    """An open output spool file: records packed into chunks in memory until CLOSE."""

    def __init__(self, originator: str, settings: OutputSettings) -> None:
        self.originator = check_userid(originator)
        self.settings = settings
        self.opened = dt.datetime.now(dt.UTC)
        self.records = 0
        self.chunks: list[tuple[int, bytes]] = []
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self.finished = False

    def write(self, record: bytes) -> None:
        """Add one record (a card, or a carriage-control byte and a print line)."""
        if self.finished:
            raise SpoolError("FILE ALREADY CLOSED")
        self._pending.append(bytes(record))
        self._pending_bytes += len(record) + 2
        self.records += 1
        if len(self._pending) >= CHUNK_RECORDS or self._pending_bytes >= CHUNK_BYTES:
            self._seal()

    def _seal(self) -> None:
        if self._pending:
            self.chunks.append((len(self._pending), pack(self._pending)))
            self._pending, self._pending_bytes = [], 0

    def sealed_chunks(self) -> list[tuple[int, bytes]]:
        """Every record, packed: (record count, chunk bytes) in order."""
        self._seal()
        return self.chunks


@dataclass(frozen=True)
class Selector:
    """Which closed files a command means.

    ``items`` are spoolids (int) and classes (str), as PURGE, ORDER and
    CHANGE take them; empty means all.  ``originator`` with
    ``other_owners`` selects files one sent to other users (TRANSFER FROM).
    """

    owner: str | None = None
    queues: tuple[Queue, ...] = ()
    items: tuple[int | str, ...] = ()
    originator: str | None = None
    other_owners: bool = False

    def statement(self) -> Select[FileRow]:
        query = select(FileRow).order_by(FileRow.position)
        if self.owner is not None:
            query = query.where(FileRow.owner == self.owner)
        if self.queues:
            query = query.where(FileRow.queue.in_([queue.value for queue in self.queues]))
        if self.originator is not None:
            query = query.where(FileRow.originator == self.originator)
            if self.other_owners:
                query = query.where(FileRow.owner != self.originator)
        spoolids = [item for item in self.items if isinstance(item, int)]
        classes = [item for item in self.items if isinstance(item, str)]
        if self.items:
            query = query.where(FileRow.spoolid.in_(spoolids) | FileRow.spool_class.in_(classes))
        return query

    def missing(self, found: Iterable[int]) -> list[int]:
        """Spoolids named that are not among the ``found`` spoolids."""
        present = set(found)
        return [item for item in self.items if isinstance(item, int) and item not in present]


@dataclass(frozen=True)
class FileChanges:
    """What CHANGE alters (cp-cms.md 5.5); None leaves an attribute alone."""

    spool_class: str | None = None
    copies: int | None = None
    hold: bool | None = None
    dist: str | None = None
    name: FileName | None = None


@dataclass
class Outcome:
    """Files a command acted on, and spoolids it was given that do not exist."""

    files: list[SpoolFile] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.files)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def _spool_file(row: FileRow | Row[Any]) -> SpoolFile:
    return SpoolFile(
        spoolid=row.spoolid,
        owner=row.owner,
        originator=row.originator,
        queue=Queue(row.queue),
        device=DeviceType(row.device),
        spool_class=row.spool_class,
        records=row.records,
        copies=row.copies,
        hold=HoldStatus.of(row.user_hold, row.system_hold),
        created=_utc(row.created),
        name=FileName(row.filename, row.filetype, row.dsname),
        dist=row.dist,
        tag=row.tag,
        record_format=RecordFormat(row.record_format),
        origin_node=row.origin_node,
        origin_userid=row.origin_userid,
        network_id=row.network_id,
        position=row.position,
    )


def _destination(writer: SpoolWriter) -> tuple[str, Queue]:
    settings = writer.settings
    if settings.to is not None:
        return settings.to, Queue.RDR
    owner = settings.for_user or writer.originator
    if settings.device is DeviceType.PUN:
        return owner, Queue.PUN
    if settings.device is DeviceType.RDR:
        return owner, Queue.RDR
    return owner, Queue.PRT


async def _lock(session: AsyncSession) -> ControlRow:
    """Take the spool write lock (the control row) and return the row, serial advanced."""
    await session.execute(
        update(ControlRow).where(ControlRow.id == 1).values(serial=ControlRow.serial + 1)
    )
    control = await session.get(ControlRow, 1, populate_existing=True)
    if control is None:
        raise SpoolError("SPOOL SYSTEM NOT INITIALIZED")
    return control


async def _free_spoolid(session: AsyncSession, last: int) -> int:
    """The next unused spoolid after ``last``, wrapping from 9900 to 1."""
    candidate = last % MAX_SPOOLID + 1
    if await session.scalar(select(FileRow.key).where(FileRow.spoolid == candidate)) is None:
        return candidate
    used = set(await session.scalars(select(FileRow.spoolid)))
    for step in range(MAX_SPOOLID):
        candidate = (last + step) % MAX_SPOOLID + 1
        if candidate not in used:
            return candidate
    raise SpoolFull("SPOOL SPACE FULL; NO SPOOLID AVAILABLE")


@dataclass(frozen=True)
class NetworkOrigin:
    """Where a file received from the network was created (RSCS fills it in)."""

    node: str
    userid: str
    network_id: str | None = None


class SpoolStore:
    """Spool files in a database; every method opens and closes its own session."""

    def __init__(
        self, engine: AsyncEngine, limits: SpoolLimits | None = None, node: str | None = None
    ) -> None:
        self.engine = engine
        self.limits = limits or SpoolLimits()
        self.node = node
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._active: set[int] = set()

    async def migrate(self) -> None:
        """Bring the schema to the newest migration (creates it in a fresh database)."""
        async with self.engine.begin() as connection:
            await connection.run_sync(_upgrade)

    # ---- output files ---------------------------------------------------------------------
    def open_output(self, originator: str, settings: OutputSettings) -> SpoolWriter:
        """A new open output file of ``originator`` (only in memory until `close`)."""
        return SpoolWriter(originator, settings)

    def discard(self, writer: SpoolWriter) -> None:
        """CLOSE PURGE: the open file is dropped; it never existed."""
        writer.finished = True
        writer.chunks, writer._pending = [], []

    async def close(
        self,
        writer: SpoolWriter,
        *,
        hold: bool | None = None,
        dist: str | None = None,
        name: FileName | None = None,
        origin: NetworkOrigin | None = None,
    ) -> SpoolFile:
        """CLOSE: the open file becomes a spool file, in one transaction.

        ``origin`` is given by RSCS for a file that came from another node."""
        if writer.finished:
            raise SpoolError("FILE ALREADY CLOSED")
        chunks = writer.sealed_chunks()
        async with self._sessions() as session, session.begin():
            control = await _lock(session)
            await self._check_quota(session, writer.originator, writer.records)
            spoolid = await _free_spoolid(session, control.last_spoolid)
            position = control.serial * POSITION_STEP
            row = self._file_row(writer, spoolid, position, hold, dist, name)
            if origin is not None:
                row.origin_node, row.origin_userid = origin.node, origin.userid
                row.network_id = origin.network_id
            session.add(row)
            await session.flush()
            session.add_all(
                ChunkRow(file_key=row.key, seq=seq, count=count, data=data)
                for seq, (count, data) in enumerate(chunks)
            )
            control.last_spoolid = spoolid
        writer.finished = True
        return _spool_file(row)

    def _file_row(
        self,
        writer: SpoolWriter,
        spoolid: int,
        position: int,
        hold: bool | None,
        dist: str | None,
        name: FileName | None,
    ) -> FileRow:
        settings = writer.settings
        owner, queue = _destination(writer)
        file_name = name if name is not None else settings.name
        return FileRow(
            spoolid=spoolid,
            owner=owner,
            originator=writer.originator,
            queue=queue.value,
            device=settings.device.value,
            spool_class=settings.spool_class,
            records=writer.records,
            copies=settings.copies,
            user_hold=settings.hold if hold is None else hold,
            system_hold=False,
            created=writer.opened.replace(tzinfo=None),
            filename=file_name.filename,
            filetype=file_name.filetype,
            dsname=file_name.dsname,
            dist=(dist if dist is not None else settings.dist).upper()[:8],
            tag=settings.tag,
            record_format=settings.record_format.value,
            origin_node=self.node,
            origin_userid=writer.originator,
            network_id=None,
            position=position,
        )

    async def _check_quota(self, session: AsyncSession, originator: str, records: int) -> None:
        limits = self.limits
        if limits.user_records is not None:
            used = await self._records_sum(session, originator)
            if used + records > limits.user_records:
                raise SpoolQuotaExceeded(f"SPOOL SPACE LIMIT EXCEEDED FOR {originator}")
        if limits.system_records is not None:
            used = await self._records_sum(session, None)
            if used + records > limits.system_records:
                raise SpoolQuotaExceeded("SYSTEM SPOOL SPACE FULL")

    @staticmethod
    async def _records_sum(session: AsyncSession, originator: str | None) -> int:
        query = select(func.coalesce(func.sum(FileRow.records), 0))
        if originator is not None:
            query = query.where(FileRow.originator == originator)
        return int(await session.scalar(query) or 0)

    async def usage(self, originator: str | None = None) -> int:
        """Records in closed files ``originator`` created (all files for None)."""
        async with self._sessions() as session:
            return await self._records_sum(session, originator)

    # ---- looking -----------------------------------------------------------------------------
    async def get(self, spoolid: int) -> SpoolFile | None:
        async with self._sessions() as session:
            row = await session.scalar(select(FileRow).where(FileRow.spoolid == spoolid))
            return None if row is None else _spool_file(row)

    async def files(self, selector: Selector) -> list[SpoolFile]:
        """Closed files the selector names, in queue order."""
        # Plain column rows, not ORM objects: a third faster on a full queue.
        query = selector.statement().with_only_columns(*FileRow.__table__.columns)
        async with self._sessions() as session:
            return [_spool_file(row) for row in await session.execute(query)]

    async def counts(self, owner: str) -> dict[Queue, int]:
        """Files in the user's reader, printer and punch queues, not counting active ones."""
        query = (
            select(FileRow.queue, func.count())
            .where(FileRow.owner == owner.upper())
            .group_by(FileRow.queue)
        )
        if self._active:
            query = query.where(FileRow.spoolid.not_in(self._active))
        counts = dict.fromkeys(Queue, 0)
        async with self._sessions() as session:
            for queue, count in await session.execute(query):
                counts[Queue(queue)] = count
        return counts

    def is_active(self, spoolid: int) -> bool:
        return spoolid in self._active

    # ---- reading -------------------------------------------------------------------------------
    async def next_reader_file(self, owner: str, reader_class: str | None) -> SpoolFile | None:
        """The first readable file in the reader queue, marked active; None when none is."""
        query = select(FileRow).where(
            FileRow.owner == owner.upper(), FileRow.queue == Queue.RDR.value
        )
        if reader_class is not None:
            query = query.where(FileRow.spool_class == reader_class.upper())
        return await self._take_first(query)

    async def _take_first(self, query: Select[FileRow]) -> SpoolFile | None:
        """The first file ``query`` finds, in queue order, that is not held and not in
        process, marked active; None when there is none."""
        query = query.where(FileRow.user_hold.is_(False), FileRow.system_hold.is_(False))
        async with self._sessions() as session:
            for row in await session.scalars(query.order_by(FileRow.position)):
                if row.spoolid not in self._active:
                    self._active.add(row.spoolid)
                    return _spool_file(row)
        return None

    async def read_records(self, spoolid: int) -> AsyncGenerator[list[bytes], None]:
        """The file's records, one chunk (a list of records) at a time, each in a short session."""
        async with self._sessions() as session:
            key = await session.scalar(select(FileRow.key).where(FileRow.spoolid == spoolid))
            if key is None:
                raise SpoolError(f"SPOOLID {spoolid:04d} DOES NOT EXIST")
            seqs = list(
                await session.scalars(
                    select(ChunkRow.seq).where(ChunkRow.file_key == key).order_by(ChunkRow.seq)
                )
            )
        for seq in seqs:
            async with self._sessions() as session:
                chunk = await session.get(ChunkRow, (key, seq))
            if chunk is None:
                raise SpoolError(f"SPOOLID {spoolid:04d} WAS PURGED WHILE BEING READ")
            yield unpack(chunk.data)

    async def records(self, spoolid: int) -> AsyncIterator[bytes]:
        """The file's records one by one (streams chunk by chunk)."""
        async for chunk in self.read_records(spoolid):
            for record in chunk:
                yield record

    async def finish_reader(self, spoolid: int, disposition: Disposition) -> None:
        """End reading a file: purge it, keep it, or put it in user hold (cp-cms.md 5.6)."""
        hold = "user_hold" if disposition is Disposition.HOLD else None
        await self._finish(spoolid, disposition is Disposition.PURGE, hold)

    async def _finish(self, spoolid: int, purge: bool, hold: str | None) -> None:
        """A reader or a real device is done with a file: purge it, or set the ``hold``
        flag (``user_hold``/``system_hold``), or leave it; it is no longer in process."""
        try:
            async with self._sessions() as session, session.begin():
                await _lock(session)
                row = await session.scalar(select(FileRow).where(FileRow.spoolid == spoolid))
                if row is None:
                    return
                if purge:
                    await _delete_rows(session, [row])
                elif hold is not None:
                    setattr(row, hold, True)
        finally:
            self._active.discard(spoolid)

    # ---- the system's real printers and punches ---------------------------------------------
    async def next_output_file(self, queue: Queue, classes: str) -> SpoolFile | None:
        """The first file of the system printer or punch queue a real device of ``classes``
        may take (not held, not in process), marked active; None when there is none."""
        return await self._take_first(
            select(FileRow).where(
                FileRow.queue == queue.value, FileRow.spool_class.in_(list(classes))
            )
        )

    async def finish_output(self, spoolid: int, *, hold: bool) -> None:
        """A real device is done with a file: purge it, or with ``hold`` (FLUSH HOLD, an
        interrupted file) keep it in system hold."""
        await self._finish(spoolid, not hold, "system_hold" if hold else None)

    def release(self, spoolid: int) -> None:
        """Forget that a file is being read, changing nothing (reader reset)."""
        self._active.discard(spoolid)

    # ---- commands ----------------------------------------------------------------------------
    async def _selected(
        self, session: AsyncSession, selector: Selector
    ) -> tuple[list[FileRow], list[int]]:
        rows = list(await session.scalars(selector.statement()))
        missing = selector.missing(row.spoolid for row in rows)
        return [row for row in rows if row.spoolid not in self._active], missing

    async def purge(self, selector: Selector) -> Outcome:
        """PURGE: delete the selected files that are not being processed."""
        async with self._sessions() as session, session.begin():
            await _lock(session)
            rows, missing = await self._selected(session, selector)
            outcome = Outcome([_spool_file(row) for row in rows], missing)
            await _delete_rows(session, rows)
        return outcome

    async def change(self, selector: Selector, changes: FileChanges) -> Outcome:
        """CHANGE: alter class, copies, hold, dist or name of the selected files."""
        async with self._sessions() as session, session.begin():
            await _lock(session)
            rows, missing = await self._selected(session, selector)
            for row in rows:
                _apply(row, changes)
            return Outcome([_spool_file(row) for row in rows], missing)

    async def transfer(self, selector: Selector, to_owner: str) -> Outcome:
        """TRANSFER: move the selected reader files to the end of ``to_owner``'s reader."""
        to_owner = check_userid(to_owner)
        async with self._sessions() as session, session.begin():
            control = await _lock(session)
            rows, missing = await self._selected(session, replace(selector, queues=(Queue.RDR,)))
            moved = []
            for offset, row in enumerate(rows):
                moved.append(_spool_file(row))
                row.owner = to_owner
                row.position = control.serial * POSITION_STEP + offset
            return Outcome(moved, missing)

    async def order(self, owner: str, queue: Queue, items: Sequence[int | str]) -> Outcome:
        """ORDER: move the named files and classes, in the order given, to the queue's front."""
        selector = Selector(owner=owner.upper(), queues=(queue,))
        async with self._sessions() as session, session.begin():
            await _lock(session)
            rows, _ = await self._selected(session, selector)
            moved = _ordering(rows, items)
            first = min((row.position for row in rows), default=0)
            for index, row in enumerate(moved):
                row.position = first - len(moved) + index
            present = {row.spoolid for row in rows}
            missing = [item for item in items if isinstance(item, int) and item not in present]
            return Outcome([_spool_file(row) for row in moved], missing)

    async def set_system_hold(self, owner: str, queues: Sequence[Queue], hold: bool) -> Outcome:
        """HOLD / FREE (class D): put a user's files in system hold, or release them."""
        selector = Selector(owner=owner.upper(), queues=tuple(queues))
        async with self._sessions() as session, session.begin():
            await _lock(session)
            rows, _ = await self._selected(session, selector)
            changed = [row for row in rows if row.system_hold != hold]
            for row in changed:
                row.system_hold = hold
            return Outcome([_spool_file(row) for row in changed])

    async def set_tag(self, spoolid: int, text: str, owner: str | None = None) -> SpoolFile:
        """TAG FILE: replace the file's 136-byte tag (blank when ``text`` is empty)."""
        async with self._sessions() as session, session.begin():
            await _lock(session)
            query = select(FileRow).where(FileRow.spoolid == spoolid)
            if owner is not None:
                query = query.where(FileRow.owner == owner.upper())
            row = await session.scalar(query)
            if row is None:
                raise SpoolError(f"SPOOLID {spoolid:04d} DOES NOT EXIST")
            row.tag = text[:TAG_LENGTH]
            return _spool_file(row)


def _apply(row: FileRow, changes: FileChanges) -> None:
    if changes.spool_class is not None:
        row.spool_class = changes.spool_class
    if changes.copies is not None and row.queue != Queue.RDR.value:
        row.copies = changes.copies
    if changes.hold is not None:
        row.user_hold = changes.hold
    if changes.dist is not None:
        row.dist = changes.dist[:8]
    if changes.name is not None:
        row.filename = changes.name.filename
        row.filetype = changes.name.filetype
        row.dsname = changes.name.dsname


def _ordering(rows: Sequence[FileRow], items: Sequence[int | str]) -> list[FileRow]:
    """The files ORDER moves, in the order named (only the first of duplicates)."""
    moved: list[FileRow] = []
    seen: set[int] = set()
    for item in items:
        for row in rows:
            matches = row.spoolid == item if isinstance(item, int) else row.spool_class == item
            if matches and row.spoolid not in seen:
                seen.add(row.spoolid)
                moved.append(row)
    return moved


async def _delete_rows(session: AsyncSession, rows: Sequence[FileRow]) -> None:
    keys = [row.key for row in rows]
    if not keys:
        return
    await session.execute(delete(ChunkRow).where(ChunkRow.file_key.in_(keys)))
    await session.execute(delete(FileRow).where(FileRow.key.in_(keys)))
