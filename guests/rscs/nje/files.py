"""Spool files as NJE carries them: data records and the header set of one file
(reference/nje-rscs.md sections 12.1, 12.4 and 14.4).

A data record decompresses to ``LL [CC] data``: LL is the logical record length excluding the
carriage-control byte, CC is present for SRCB X'90' (CCW opcodes), X'A0' (ASA) and X'B0'.
:class:`OutboundFile` is what the link sends (headers, records); :class:`ReceivedFile` is what
it delivers, with the attributes RSCS needs derived as section 14.4 maps them.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from guests.rscs.nje.block import SRCB_ASA, SRCB_CARD, SRCB_CCW, SRCB_CPDS
from guests.rscs.nje.headers import (
    DEVICE_PRINT,
    DEVICE_PUNCH,
    NDH_PRINT,
    NDH_PUNCH,
    DatasetHeader,
    JobHeader,
    JobTrailer,
    set_hops,
)
from guests.rscs.nje.wire import BLANK, NJEDecodeError

CC_SRCBS = frozenset({SRCB_CCW, SRCB_ASA, SRCB_CPDS})
TOD_EPOCH = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class FileRecord:
    """One logical record: its data and, for print files, the carriage-control byte."""

    data: bytes
    cc: int | None = None


def encode_data_record(record: FileRecord, srcb: int) -> bytes:
    """The decompressed form ``LL [CC] data`` of a data record for SRCB ``srcb``."""
    if len(record.data) > 255:
        raise ValueError(f"record of {len(record.data)} bytes exceeds 255")
    if srcb & 0xF0 in CC_SRCBS:
        return bytes([len(record.data), 0x09 if record.cc is None else record.cc]) + record.data
    return bytes([len(record.data)]) + record.data


def decode_data_record(srcb: int, data: bytes) -> FileRecord:
    """Decode ``LL [CC] data``; short data is padded with blanks to LL, excess is dropped."""
    if not data:
        raise NJEDecodeError("empty data record")
    length = data[0]
    has_cc = srcb & 0xF0 in CC_SRCBS
    if has_cc and len(data) < 2:
        raise NJEDecodeError("data record without its carriage-control byte")
    body = data[2:] if has_cc else data[1:]
    body = body[:length].ljust(length, bytes([BLANK]))
    return FileRecord(body, data[1] if has_cc else None)


def tod_from_datetime(moment: datetime.datetime) -> int:
    """S/370 TOD clock value: microseconds since 1900-01-01 UTC, shifted left 12."""
    delta = moment.astimezone(datetime.UTC) - TOD_EPOCH
    microseconds = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    return (microseconds << 12) & 0xFFFFFFFFFFFFFFFF


@dataclass(eq=False)
class OutboundFile:
    """A file to send: headers (objects, or encoded bytes forwarded unchanged) and records.
    ``sysin`` sends it on a job stream (no NDH). ``key`` is the caller's own handle."""

    njh: JobHeader | bytes
    records: Sequence[FileRecord] = field(repr=False)
    ndhs: Sequence[DatasetHeader | bytes] = ()
    njt: JobTrailer | bytes | None = None
    sysin: bool = False
    record_srcb: int = SRCB_CARD
    key: object = None


@dataclass
class ReceivedFile:
    """A complete file received on inbound ``stream``; confirm it once stored durably."""

    stream: int
    sysin: bool
    njh: JobHeader
    ndhs: list[DatasetHeader] = field(default_factory=list)
    njt: JobTrailer | None = None
    records: list[FileRecord] = field(default_factory=list, repr=False)
    record_srcb: int = SRCB_CARD

    @property
    def origin_node(self) -> str:
        return self.njh.origin_node

    @property
    def origin_user(self) -> str:
        return self.njh.origin_user or self.njh.user_id

    @property
    def dest_node(self) -> str:
        if self.sysin or not self.ndhs:
            return self.njh.exec_node
        return self.ndhs[0].dest_node

    @property
    def dest_user(self) -> str:
        if self.sysin or not self.ndhs:
            return self.njh.exec_user
        return self.ndhs[0].dest_user or self.ndhs[0].writer

    @property
    def file_name(self) -> str:
        if self.ndhs and self.ndhs[0].has_rscs_section:
            return self.ndhs[0].file_name
        return self.njh.job_name

    @property
    def file_type(self) -> str:
        if self.ndhs and self.ndhs[0].has_rscs_section:
            return self.ndhs[0].file_type
        return "OUTPUT"

    @property
    def spool_class(self) -> str:
        if self.ndhs and self.ndhs[0].has_rscs_section and self.ndhs[0].vm_class.strip():
            return self.ndhs[0].vm_class
        return self.ndhs[0].out_class if self.ndhs else self.njh.job_class

    @property
    def is_print(self) -> bool:
        return bool(self.ndhs) and bool(self.ndhs[0].flags2 & NDH_PRINT)

    def forward(self) -> OutboundFile:
        """The same file for the next hop: headers byte for byte as received, with the NJH
        hop count (NJHGHOPS) one higher (section 14.4)."""
        njh = set_hops(self.njh.raw or self.njh.encode(), self.njh.hops + 1)
        ndhs = [ndh.raw or ndh.encode() for ndh in self.ndhs]
        njt = (self.njt.raw or self.njt.encode()) if self.njt is not None else None
        return OutboundFile(njh, self.records, ndhs, njt, self.sysin, self.record_srcb)

    @property
    def hops(self) -> int:
        return self.njh.hops

    @property
    def network_file_id(self) -> tuple[str, int, int]:
        """Origin node, origin spool id and entry time: what identifies a file across hops
        (a receiver uses it to discard a duplicate it has already committed)."""
        return (self.njh.origin_node, self.njh.job_id, self.njh.entry_time)


def make_file(
    origin: tuple[str, str],
    dest: tuple[str, str],
    records: Sequence[FileRecord],
    *,
    file_name: str = "",
    file_type: str = "",
    spool_class: str = "A",
    print_file: bool = False,
    job_id: int = 0,
    tag: str = "",
    dist: str = "SYSTEM",
    forms: str = "",
    entry_time: datetime.datetime | None = None,
) -> OutboundFile:
    """Build the NJH, NDH (with RSCS section) and NJT of a VM punch or print file going from
    ``origin`` (node, user) to ``dest`` (node, user), as FUNET-NJE and RSCS fill them."""
    moment = entry_time or datetime.datetime.now(datetime.UTC)
    count = len(records)
    njh = JobHeader(
        origin_node=origin[0].upper(), origin_user=origin[1].upper(),
        exec_node=origin[0].upper(), exec_user=origin[1].upper(), job_id=job_id,
        job_name=(file_name or "NJE").upper()[:8], user_id=origin[1].upper(),
        entry_time=tod_from_datetime(moment), record_count=count,
    )  # fmt: skip
    lrecl = max((len(record.data) for record in records), default=80)
    ndh = DatasetHeader(
        dest_node=dest[0].upper(), dest_user=dest[1].upper(), proc_name=file_name.upper()[:8],
        step_name=file_type.upper()[:8], out_class=spool_class, record_count=count,
        lrecl=lrecl, forms=forms.upper(), writer="" if print_file else dest[1].upper(),
        flags2=NDH_PRINT if print_file else NDH_PUNCH, vm_class=spool_class,
        origin_device=DEVICE_PRINT if print_file else DEVICE_PUNCH, dist=dist.upper(),
        file_name=file_name.upper(), file_type=file_type.upper(), tag=tag,
    )  # fmt: skip
    njt = JobTrailer(lines=count, cards=count)
    srcb = SRCB_CCW if print_file else SRCB_CARD
    return OutboundFile(njh, records, [ndh], njt, record_srcb=srcb)
