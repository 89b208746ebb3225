"""Spooled virtual unit-record devices: the SPOOL/CLOSE semantics of R6, without the channel.

A virtual printer, punch or console (`OutputDevice`) and a virtual reader
(`ReaderDevice`) as CP keeps them for a virtual machine (reference
cp-cms.md 5.6 CLOSE, 5.29 SPOOL, 8.2 life cycle).  The channel's device
objects own CCWs and status; they call these for data:

Output::

    punch = OutputDevice(store, "ALICE", DeviceType.PUN)   # SPOOL defaults
    punch.spool_class, punch.to, punch.hold, punch.cont = "B", "BOB", False, False
    punch.write(card_image)                  # opens a spool file at the first record
    closed = await punch.close()             # CLOSE: None while CONT or nothing open
    closed = await punch.close(force=True)   # SPOOL ... CLOSE, LOGOFF: ignores CONT
    punch.purge()                            # CLOSE PURGE / SPOOL ... PURGE

The settings of a file are those of the device when its first record was
written.  COPY is kept for the system queues; a file sent TO a user is one
copy (cp-cms.md 5.29).  The caller shows `spool.listing.close_notice` when
`notice_wanted` says so and sends the receiver `arrival_notice`.

Reader::

    reader = ReaderDevice(store, "BOB")       # CLASS * NOCONT NOHOLD EOF
    item = await reader.read()                # a card (bytes), END_OF_FILE or NO_FILE
    await reader.close("HOLD")                # CLOSE RDR [HOLD|NOHOLD]

`read` opens the first readable file of the reader's class; after its last
card it ends the file by the CLOSE table and answers `END_OF_FILE` (EOF) or
`NOT_READY` (NOEOF, the unit check of a real reader); with CONT the next
file follows at once and only the end of the last one is signalled.
`NO_FILE` means the reader is empty (intervention required).
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import AsyncGenerator

from spool.model import (
    DeviceType,
    FileName,
    OutputSettings,
    SpoolFile,
    reader_disposition,
)
from spool.store import SpoolStore, SpoolWriter

__all__ = [
    "END_OF_FILE",
    "NOT_READY",
    "NO_FILE",
    "OutputDevice",
    "ReaderDevice",
    "ReaderSignal",
    "notice_wanted",
]

#: The console's default class (cp-cms.md 5.29 defaults table).
CONSOLE_CLASS = "T"


class ReaderSignal(enum.Enum):
    """What a read gives instead of a card."""

    END_OF_FILE = "EOF"  # unit exception after the last card
    NOT_READY = "NOT READY"  # NOEOF: unit check after the last card
    NO_FILE = "NO FILE"  # nothing to read


END_OF_FILE = ReaderSignal.END_OF_FILE
NOT_READY = ReaderSignal.NOT_READY
NO_FILE = ReaderSignal.NO_FILE


def notice_wanted(spool_file: SpoolFile) -> bool:
    """CLOSE answers (IMSG) for several copies, a file for another user, or a held file."""
    elsewhere = spool_file.owner != spool_file.originator
    return spool_file.copies > 1 or elsewhere or spool_file.held


class OutputDevice:
    """A spooled virtual printer, punch or console and its open spool file."""

    def __init__(self, store: SpoolStore, userid: str, device: DeviceType) -> None:
        self.store = store
        self.userid = userid.upper()
        self.device = device
        self.spool_class = CONSOLE_CLASS if device is DeviceType.CON else "A"
        self.cont = False
        self.hold = False
        self.copies = 1
        self.to: str | None = None
        self.for_user: str | None = None
        self.dist = ""
        self.tag = ""
        self.writer: SpoolWriter | None = None

    def settings(self) -> OutputSettings:
        """The SPOOL settings a file opened now gets."""
        return OutputSettings(
            device=self.device,
            spool_class=self.spool_class,
            copies=1 if self.to is not None else self.copies,
            hold=self.hold,
            to=self.to,
            for_user=self.for_user,
            dist=self.dist,
            tag=self.tag,
        )

    @property
    def is_open(self) -> bool:
        return self.writer is not None

    def write(self, record: bytes) -> None:
        """One record; the first after a close opens a new spool file."""
        if self.writer is None:
            self.writer = self.store.open_output(self.userid, self.settings())
        self.writer.write(record)

    async def close(
        self,
        *,
        force: bool = False,
        hold: bool | None = None,
        dist: str | None = None,
        name: FileName | None = None,
    ) -> SpoolFile | None:
        """CLOSE: the open file becomes a spool file (not while CONT unless ``force``)."""
        if self.writer is None or (self.cont and not force):
            return None
        writer, self.writer = self.writer, None
        return await self.store.close(writer, hold=hold, dist=dist, name=name)

    def purge(self) -> None:
        """CLOSE PURGE: the open file is discarded."""
        if self.writer is not None:
            self.store.discard(self.writer)
            self.writer = None


class ReaderDevice:
    """A spooled virtual reader: its SPOOL settings and the file it is reading."""

    def __init__(self, store: SpoolStore, userid: str) -> None:
        self.store = store
        self.userid = userid.upper()
        self.spool_class: str | None = None  # CLASS *
        self.cont = False
        self.hold = False
        self.eof = True
        self.current: SpoolFile | None = None
        self._records: AsyncGenerator[list[bytes], None] | None = None
        self._pending: deque[bytes] = deque()

    async def _open_next(self) -> bool:
        spool_file = await self.store.next_reader_file(self.userid, self.spool_class)
        if spool_file is None:
            return False
        self.current = spool_file
        self._records = self.store.read_records(spool_file.spoolid)
        self._pending.clear()
        return True

    async def _next_record(self) -> bytes | None:
        while not self._pending:
            if self._records is None:
                return None
            try:
                self._pending.extend(await anext(self._records))
            except StopAsyncIteration:
                self._records = None
        return self._pending.popleft()

    async def read(self) -> bytes | ReaderSignal:
        """The next card, or why there is none."""
        if self.current is None and not await self._open_next():
            return NO_FILE
        while True:
            record = await self._next_record()
            if record is not None:
                return record
            await self.close()
            if not self.cont or not await self._open_next():
                return END_OF_FILE if self.eof else NOT_READY

    async def close(self, option: str | None = None) -> None:
        """End the file being read as the CLOSE table says (``option`` HOLD, NOHOLD or None)."""
        if self.current is None:
            return
        spoolid, self.current = self.current.spoolid, None
        if self._records is not None:
            await self._records.aclose()
            self._records = None
        self._pending.clear()
        disposition = reader_disposition(self.hold, self.cont, option)
        await self.store.finish_reader(spoolid, disposition)
