"""Text of spool listings: QUERY READER/PRINTER/PUNCH and QUERY FILES (cp-cms.md 5.25).

Shared by CP's QUERY and the host's ``vm370 spool list``.  Layout::

    OWNERID  FILE CLASS RECDS  CPY HOLD   DATE  TIME    NAME    TYPE     DIST
    MAINT    0709 A PUN 00000104 01 NONE  11/27 21:17:40 RELEASE6 DIRECT   MAINT

Without ALL or a spoolid only the first six columns appear.  OWNERID is the
originator; the date and time of creation are shown in the system's zone.
R6 CP has no column for a file's network origin (Operator's Guide, QUERY
READER): a file RSCS brought from another node has RSCS as its originator,
so its line ends with ``FROM NODEA(ALICE)``, the node and user that created
it, in the form of the arrival notice (a vm370 addition)::

    RSCS     0012 A PUN 00000006 01 NONE  FROM NODEA(ALICE)

``FILES: 002 RDR,  NO PRT,  NO PUN`` counts a user's queues (CE layout).
The CLOSE notice (5.6) and the receiver's arrival notice (8.2) are here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from spool.model import Queue, SpoolFile

__all__ = [
    "HEADER_LONG",
    "HEADER_SHORT",
    "arrival_notice",
    "close_notice",
    "empty_line",
    "file_line",
    "files_line",
    "listing",
    "network_origin",
]

HEADER_SHORT = "OWNERID  FILE CLASS RECDS  CPY HOLD"
HEADER_LONG = "OWNERID  FILE CLASS RECDS  CPY HOLD   DATE  TIME    NAME    TYPE     DIST"


def network_origin(spool_file: SpoolFile, local_node: str | None) -> str | None:
    """``NODEA(ALICE)`` for a file created at another node, else None."""
    node, user = spool_file.origin_node, spool_file.origin_userid
    if not node or not user or not local_node or node == local_node:
        return None
    return f"{node}({user})"


def file_line(
    spool_file: SpoolFile,
    long: bool,
    zone: dt.tzinfo | None = None,
    local_node: str | None = None,
) -> str:
    """One file's line; ``zone`` None is the host's local zone; a file from another node than
    ``local_node`` ends with ``FROM node(user)``."""
    line = (
        f"{spool_file.originator:<8} {spool_file.spoolid:04d} {spool_file.spool_class} "
        f"{spool_file.device.value} {spool_file.records:08d} {spool_file.copies:02d} "
        f"{spool_file.hold.value:<4}"
    )
    if long:
        local = spool_file.created.astimezone(zone)
        line += f"  {local:%m/%d} {local:%H:%M:%S} {spool_file.name.columns()} {spool_file.dist:<8}"
    origin = network_origin(spool_file, local_node)
    if origin:
        line += f"  FROM {origin}"
    return line.rstrip()


def empty_line(queue: Queue) -> str:
    """The answer for an empty queue (text unverified, cp-cms.md 15)."""
    return f"NO {queue.value} FILES"


def listing(
    files: Iterable[SpoolFile],
    queue: Queue,
    long: bool,
    zone: dt.tzinfo | None = None,
    local_node: str | None = None,
) -> list[str]:
    """Header and one line per file, or the empty-queue answer."""
    lines = [file_line(spool_file, long, zone, local_node) for spool_file in files]
    if not lines:
        return [empty_line(queue)]
    return [HEADER_LONG if long else HEADER_SHORT, *lines]


def _count(number: int) -> str:
    return f"{number:03d}" if number else " NO"


def files_line(counts: Mapping[Queue, int]) -> str:
    """``FILES: nnn RDR, nnn PRT, nnn PUN`` with ``NO`` for zero."""
    return (
        f"FILES: {_count(counts.get(Queue.RDR, 0))} RDR, "
        f"{_count(counts.get(Queue.PRT, 0))} PRT, {_count(counts.get(Queue.PUN, 0))} PUN"
    )


def _hold(spool_file: SpoolFile) -> str:
    return "HOLD" if spool_file.held else "NOHOLD"


def close_notice(spool_file: SpoolFile) -> str:
    """The CLOSE response, CE layout: ``PUN FILE 0709  TO  MAINT    COPY 01 NOHOLD``."""
    to_for = "TO  " if spool_file.queue is Queue.RDR else "FOR "
    return (
        f"{spool_file.device.value} FILE {spool_file.spoolid:04d}  {to_for}"
        f"{spool_file.owner:<8} COPY {spool_file.copies:02d} {_hold(spool_file)}"
    )


def arrival_notice(spool_file: SpoolFile, local_node: str | None = None) -> str:
    """The receiver's notice: ``RDR FILE 0012 FROM ALICE    PUN COPY 01 NOHOLD`` (unverified);
    a file from another node names its origin: ``FROM NODEA(ALICE)``."""
    sender = network_origin(spool_file, local_node) or f"{spool_file.originator:<8}"
    return (
        f"RDR FILE {spool_file.spoolid:04d} FROM {sender} "
        f"{spool_file.device.value} COPY {spool_file.copies:02d} {_hold(spool_file)}"
    )
