"""Spool files in and out of RSCS: the TAG of a file sent to RSCS, reader files as NJE files,
received NJE files as spool records (reference/nje-rscs.md sections 2.2 and 14.4;
cp-cms.md 5.32 TAG and 8.6).

A user's tag is ``locid [userid [priority]]``. A file RSCS stores for the next hop (store
and forward) is a file in RSCS's own reader whose tag names its destination and carries
``HOP=n``, and whose network origin names the node and user that created it.

Two userids are keywords (z/VM RSCS; R6 RSCS knew only ``locid [userid] [priority]``, CP
Command Reference R6, TAG usage note 1): ``SYSTEM`` (or no userid) sends the file to the
destination system's own printer or punch, and ``JOB`` sends a punch file as a job for
execution at the destination, on an NJE SYSIN stream (NJH execution node, no NDH). A vm370
node runs no batch jobs: a job for it is put in the RSCS operator's reader.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from guests.rscs.nje import FileRecord, OutboundFile, ReceivedFile, make_file
from guests.rscs.nje.headers import JobHeader
from server.cp.abi import ReaderFile
from spool.model import DeviceType, FileName, OutputSettings, SpoolFile

DEFAULT_PRIORITY = 50
SYSTEM_USER = "SYSTEM"
JOB_USER = "JOB"


@dataclass(frozen=True)
class Destination:
    """Where a tagged file goes, and how many nodes it has crossed."""

    node: str
    user: str
    priority: int = DEFAULT_PRIORITY
    hops: int = 0
    returned: bool = False  # already on its way back to its origin: never returned again


def _valid_name(text: str) -> bool:
    return 1 <= len(text) <= 8 and text.replace("$", "").replace("#", "").isalnum()


def parse_tag(tag: str) -> Destination | None:
    """``locid [userid [priority]] [HOP=n] [RETURNED]``; None when the tag names no valid node."""
    words = tag.upper().split()
    returned = "RETURNED" in words
    words = [word for word in words if word != "RETURNED"]
    hops = 0
    for word in [w for w in words if w.startswith("HOP=")]:
        words.remove(word)
        hops = int(word[4:]) if word[4:].isdigit() else 0
    if not words or not _valid_name(words[0]):
        return None
    user = words[1] if len(words) > 1 else SYSTEM_USER
    if not _valid_name(user):
        return None
    priority = DEFAULT_PRIORITY
    if len(words) > 2 and words[2].isdigit() and int(words[2]) <= 99:
        priority = int(words[2])
    return Destination(words[0], user, priority, hops, returned)


def origin_of(spool_file: SpoolFile, local_node: str) -> tuple[str, str]:
    """The node and user that created a file (its network origin, else its originator)."""
    node = spool_file.origin_node or local_node
    return node.upper(), (spool_file.origin_userid or spool_file.originator).upper()


def network_id(node: str, spoolid: int, entry_time: int) -> str:
    return f"{node}.{spoolid:04d}.{entry_time:016X}"


def parse_network_id(text: str | None) -> tuple[int, int] | None:
    """The origin spool id and entry time a network id carries."""
    parts = (text or "").split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    try:
        return int(parts[1]), int(parts[2], 16)
    except ValueError:
        return None


def to_file_records(records: list[bytes], print_file: bool) -> list[FileRecord]:
    """Spool records as NJE data records (a print record starts with its CCW opcode)."""
    if not print_file:
        return [FileRecord(record[:255]) for record in records]
    return [FileRecord(record[1:256], record[0] if record else 0x09) for record in records]


def from_file_records(records: list[FileRecord], print_file: bool) -> list[bytes]:
    if not print_file:
        return [record.data for record in records]
    return [bytes([0x09 if record.cc is None else record.cc]) + record.data for record in records]


def outbound_file(reader_file: ReaderFile, dest: Destination, local_node: str) -> OutboundFile:
    """A reader file as the NJE file for its destination (headers as RSCS fills them)."""
    spool_file = reader_file.spool_file
    origin = origin_of(spool_file, local_node)
    print_file = spool_file.device is DeviceType.PRT
    known = parse_network_id(spool_file.network_id)
    job_id, entry_time = known if known else (spool_file.spoolid, 0)
    file = make_file(
        origin, (dest.node, dest.user), to_file_records(reader_file.records, print_file),
        file_name=spool_file.name.filename, file_type=spool_file.name.filetype,
        spool_class=spool_file.spool_class, print_file=print_file, job_id=job_id,
        dist=spool_file.dist or "SYSTEM", entry_time=spool_file.created,
    )  # fmt: skip
    njh = file.njh
    assert isinstance(njh, JobHeader)
    njh = dataclasses.replace(njh, hops=dest.hops, entry_time=entry_time or njh.entry_time)
    if dest.user == JOB_USER:  # SYSIN: the job header names where it runs; no data set header
        njh = dataclasses.replace(njh, exec_node=dest.node, exec_user="")
        return dataclasses.replace(file, njh=njh, ndhs=(), sysin=True, key=reader_file)
    return dataclasses.replace(file, njh=njh, key=reader_file)


def received_network_id(file: ReceivedFile) -> str:
    node, job_id, entry_time = file.network_file_id
    return network_id(node, job_id, entry_time)


def received_destination(file: ReceivedFile) -> tuple[str, str]:
    """(node, user) a received file is for: a job's user is JOB, no user is SYSTEM."""
    if file.sysin:
        return file.dest_node.upper(), JOB_USER
    return file.dest_node.upper(), (file.dest_user or SYSTEM_USER).upper()


def received_settings(file: ReceivedFile, to: str | None, tag: str = "") -> OutputSettings:
    """SPOOL settings for a received file put in ``to``'s reader (None: the system's
    printer or punch queue)."""
    spool_class = (file.spool_class or "A").strip()[:1] or "A"
    if not spool_class.isalnum():
        spool_class = "A"
    settings = OutputSettings(
        device=DeviceType.PRT if file.is_print else DeviceType.PUN,
        spool_class=spool_class, to=to, tag=tag,
    )  # fmt: skip
    name, kind = file.file_name.strip(), file.file_type.strip()
    if name:
        settings.name = FileName(name[:8], kind[:8])
    dist = file.ndhs[0].dist if file.ndhs and file.ndhs[0].has_rscs_section else ""
    settings.dist = (dist or "").strip()[:8]
    return settings
