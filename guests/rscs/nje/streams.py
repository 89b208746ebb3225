"""One file on one stream, in each direction (reference/nje-rscs.md sections 12.1-12.7).

:func:`file_blocks` turns an :class:`~guests.rscs.nje.files.OutboundFile` into the record
bodies of successive transmission blocks, in the order section 12.1 requires: NJH segments,
NDH segments, packed data records, NJT, end of file; each header segment travels alone.
:class:`InboundStream` assembles a received file and raises :class:`StreamError` for a
record out of order, so the link can refuse that file (B0) without dropping the link.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator

from guests.rscs.nje.block import (
    SRCB_CARD,
    SRCB_NDH,
    SRCB_NJH,
    SRCB_NJT,
    Record,
    RecordStatus,
    encode_record,
)
from guests.rscs.nje.files import (
    FileRecord,
    OutboundFile,
    ReceivedFile,
    decode_data_record,
    encode_data_record,
)
from guests.rscs.nje.headers import (
    DatasetHeader,
    HeaderAssembler,
    JobHeader,
    JobTrailer,
    segment_header,
)
from guests.rscs.nje.wire import NJEDecodeError

BLOCK_OVERHEAD = 6  # DLE STX BCB FCS1 FCS2 ... final RCB


class StreamError(Exception):
    """A record that cannot belong to the file being received on its stream."""


def header_bytes(header: JobHeader | DatasetHeader | JobTrailer | bytes) -> bytes:
    return header if isinstance(header, bytes) else header.encode()


def file_blocks(file: OutboundFile, rcb: int, max_block: int) -> Iterator[bytes]:
    """Yield the encoded records of each block of ``file`` on stream RCB ``rcb``."""
    for segment in segment_header(header_bytes(file.njh)):
        yield encode_record(Record(rcb, SRCB_NJH, segment))
    if not file.sysin:
        for ndh in file.ndhs:
            for segment in segment_header(header_bytes(ndh)):
                yield encode_record(Record(rcb, SRCB_NDH, segment))
    yield from _data_blocks(file, rcb, max_block - BLOCK_OVERHEAD)
    count = len(file.records)
    trailer = file.njt if file.njt is not None else JobTrailer(lines=count, cards=count)
    for segment in segment_header(header_bytes(trailer)):
        yield encode_record(Record(rcb, SRCB_NJT, segment))
    yield encode_record(Record(rcb, SRCB_CARD, b""))


def _data_blocks(file: OutboundFile, rcb: int, limit: int) -> Iterator[bytes]:
    batch = bytearray()
    for record in file.records:
        data = encode_data_record(record, file.record_srcb)
        encoded = encode_record(Record(rcb, file.record_srcb, data))
        if batch and len(batch) + len(encoded) > limit:
            yield bytes(batch)
            batch.clear()
        batch += encoded
    if batch:
        yield bytes(batch)


class InboundState(enum.Enum):
    OPEN = "open"
    COMPLETE = "complete"  # EOF seen, waiting for the caller to commit and confirm


class InboundStream:
    """The file arriving on one inbound stream."""

    def __init__(self, stream: int, sysin: bool) -> None:
        self.stream = stream
        self.sysin = sysin
        self.state = InboundState.OPEN
        self._assembler = HeaderAssembler()
        self._assembling: int | None = None
        self._njh: JobHeader | None = None
        self._ndhs: list[DatasetHeader] = []
        self._njt: JobTrailer | None = None
        self._records: list[FileRecord] = []
        self._record_srcb = SRCB_CARD
        self.file: ReceivedFile | None = None

    def add(self, record: Record) -> bool:
        """Take one stream record; True when it completed the file. An abort raises
        :class:`StreamError` too (the caller tells them apart by ``record.status``)."""
        if self.state is not InboundState.OPEN:
            raise StreamError(f"stream {self.stream}: record after end of file")
        if record.status is not RecordStatus.OK:
            raise StreamError(f"stream {self.stream}: {record.status.value} record")
        if self._assembling is not None and record.srcb & 0xF0 != self._assembling:
            raise StreamError(f"stream {self.stream}: record inside a segmented header")
        if not record.data:
            return self._end_of_file()  # an empty record ends the file, whatever its SRCB
        kind = record.srcb & 0xF0
        if kind in (SRCB_NJH, SRCB_NDH, SRCB_NJT):
            self._add_header(kind, record.data)
            return False
        if self._njh is None:
            raise StreamError(f"stream {self.stream}: data before the job header")
        try:
            self._records.append(decode_data_record(record.srcb, record.data))
        except NJEDecodeError as error:
            raise StreamError(f"stream {self.stream}: {error}") from None
        self._record_srcb = record.srcb
        return False

    def _add_header(self, kind: int, segment: bytes) -> None:
        if self._assembling not in (None, kind):
            raise StreamError(f"stream {self.stream}: interleaved header segments")
        if kind != SRCB_NJH and self._njh is None:
            raise StreamError(f"stream {self.stream}: header X'{kind:02X}' before the NJH")
        if kind == SRCB_NJH and self._njh is not None and self._assembling is None:
            raise StreamError(f"stream {self.stream}: second job header")
        try:
            whole = self._assembler.add(segment)
            self._assembling = kind if whole is None else None
            if whole is not None:
                self._store_header(kind, whole)
        except NJEDecodeError as error:
            raise StreamError(f"stream {self.stream}: {error}") from None

    def _store_header(self, kind: int, whole: bytes) -> None:
        if kind == SRCB_NJH:
            self._njh = JobHeader.decode(whole)
        elif kind == SRCB_NDH:
            self._ndhs.append(DatasetHeader.decode(whole))
        else:
            self._njt = JobTrailer.decode(whole)

    def _end_of_file(self) -> bool:
        if self._njh is None:
            raise StreamError(f"stream {self.stream}: end of file without a job header")
        self.state = InboundState.COMPLETE
        self.file = ReceivedFile(
            self.stream, self.sysin, self._njh, self._ndhs, self._njt, self._records,
            self._record_srcb,
        )  # fmt: skip
        return True
