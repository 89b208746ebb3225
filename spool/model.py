"""Spool files as plain typed values: attributes, settings, limits and errors.

The attributes are those VM/370 Release 6 keeps for every spool file
(reference cp-cms.md 8.1): spoolid 1-9900 (system-wide, reused after it
wraps), owner, originator, originating device type, class, record count,
copies, hold status, creation time, name (fn ft or dsname), distribution code
and a 136-byte tag; vm370 adds the origin node, origin user and a network
file id that RSCS fills in.  `OutputSettings` is what SPOOL sets on a virtual
printer, punch or console (cp-cms.md 5.29); `reader_disposition` is the
table of CLOSE for a reader (cp-cms.md 5.6).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "CLASSES",
    "MAX_COPIES",
    "MAX_SPOOLID",
    "TAG_LENGTH",
    "DeviceType",
    "Disposition",
    "FileName",
    "HoldStatus",
    "OutputSettings",
    "Queue",
    "RecordFormat",
    "SpoolError",
    "SpoolFile",
    "SpoolFull",
    "SpoolLimits",
    "SpoolQuotaExceeded",
    "check_class",
    "check_userid",
    "reader_disposition",
]

MAX_SPOOLID = 9900
MAX_COPIES = 99
TAG_LENGTH = 136
#: Spool classes: one letter or digit (cp-cms.md 5.29).
CLASSES = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_USERID = re.compile(r"^[A-Z0-9@#$_-]{1,8}$")


class DeviceType(StrEnum):
    """The originating device type, the ``typ`` column of QUERY."""

    PRT = "PRT"
    PUN = "PUN"
    CON = "CON"
    RDR = "RDR"


class Queue(StrEnum):
    """Where a closed file waits: a user's reader, or the system printer/punch queue."""

    RDR = "RDR"
    PRT = "PRT"
    PUN = "PUN"


class RecordFormat(StrEnum):
    """PRINT: a carriage-control byte (the CCW command code) then the line; CARD: 80 bytes."""

    PRINT = "PRINT"
    CARD = "CARD"


class HoldStatus(StrEnum):
    """The HOLD column: none, user hold, system (operator) hold, or both."""

    NONE = "NONE"
    USER = "USER"
    SYS = "SYS"
    USYS = "USYS"

    @classmethod
    def of(cls, user: bool, system: bool) -> HoldStatus:
        if user and system:
            return cls.USYS
        if system:
            return cls.SYS
        return cls.USER if user else cls.NONE


class Disposition(StrEnum):
    """What happens to a reader file when its reading ends (cp-cms.md 5.6 table)."""

    PURGE = "PURGE"  # released
    KEEP = "KEEP"  # saved: may be read again
    HOLD = "HOLD"  # placed in user hold


def reader_disposition(device_hold: bool, device_cont: bool, close: str | None) -> Disposition:
    """The CLOSE table for a reader: ``close`` is None, "HOLD" or "NOHOLD"."""
    if close == "HOLD":
        return Disposition.KEEP
    if close == "NOHOLD" or not device_hold:
        return Disposition.PURGE
    return Disposition.HOLD if device_cont else Disposition.KEEP


@dataclass(frozen=True)
class FileName:
    """NAME of a spool file: ``fn [ft]`` (8+8) or a dsname of up to 24 characters."""

    filename: str = ""
    filetype: str = ""
    dsname: str = ""

    @classmethod
    def parse(cls, words: list[str]) -> FileName:
        """From NAME's operands; raises ValueError when they are not a name."""
        if len(words) == 1 and 8 < len(words[0]) <= 24:
            return cls(dsname=words[0])
        if not 1 <= len(words) <= 2 or any(len(word) > 8 for word in words):
            raise ValueError("NAME is fn [ft] or a dsname")
        return cls(words[0], words[1] if len(words) > 1 else "")

    @property
    def blank(self) -> bool:
        return not (self.filename or self.filetype or self.dsname)

    def columns(self) -> str:
        """The NAME and TYPE columns of QUERY (a dsname shows 20 characters)."""
        if self.dsname:
            return f"{self.dsname[:20]:<17}"
        return f"{self.filename:<8} {self.filetype:<8}"


def check_class(spool_class: str) -> str:
    """The class upper-cased; ValueError unless it is one letter or digit."""
    folded = spool_class.upper()
    if folded not in CLASSES:
        raise ValueError(f"spool class {spool_class!r} is not A-Z or 0-9")
    return folded


def check_userid(userid: str) -> str:
    folded = userid.upper()
    if not _USERID.match(folded):
        raise ValueError(f"userid {userid!r} is not 1-8 characters")
    return folded


@dataclass(frozen=True)
class SpoolFile:
    """A closed spool file's attributes (its records are read separately)."""

    spoolid: int
    owner: str
    originator: str
    queue: Queue
    device: DeviceType
    spool_class: str
    records: int
    copies: int
    hold: HoldStatus
    created: dt.datetime  # UTC, timezone-aware
    name: FileName
    dist: str
    tag: str
    record_format: RecordFormat
    origin_node: str | None = None
    origin_userid: str | None = None
    network_id: str | None = None
    position: int = 0

    @property
    def held(self) -> bool:
        return self.hold is not HoldStatus.NONE


@dataclass
class OutputSettings:
    """The SPOOL settings of a virtual printer, punch or console for one output file.

    ``to`` sends the file to that user's reader at close (one copy);
    ``for_user`` makes that user the owner of a printer/punch file.
    """

    device: DeviceType = DeviceType.PUN
    spool_class: str = "A"
    copies: int = 1
    hold: bool = False
    to: str | None = None
    for_user: str | None = None
    dist: str = ""
    name: FileName = field(default_factory=FileName)
    tag: str = ""

    def __post_init__(self) -> None:
        self.spool_class = check_class(self.spool_class)
        if not 1 <= self.copies <= MAX_COPIES:
            raise ValueError(f"copies {self.copies} not 1-{MAX_COPIES}")
        if self.to is not None:
            self.to = check_userid(self.to)
        if self.for_user is not None:
            self.for_user = check_userid(self.for_user)
        self.dist = self.dist.upper()[:8]
        self.tag = self.tag[:TAG_LENGTH]

    @property
    def record_format(self) -> RecordFormat:
        if self.device in (DeviceType.PUN, DeviceType.RDR):
            return RecordFormat.CARD
        return RecordFormat.PRINT


@dataclass(frozen=True)
class SpoolLimits:
    """Spool space: records a user may originate, and records the system holds (None = no limit).

    A user's quota counts the records of every closed file that user
    originated, wherever it is queued.
    """

    user_records: int | None = None
    system_records: int | None = None


class SpoolError(Exception):
    """A spool operation failed; ``text`` is the CP message text."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class SpoolQuotaExceeded(SpoolError):
    """Closing the file would pass the user's or the system's spool limit; nothing was kept."""


class SpoolFull(SpoolError):
    """All 9900 spoolids are in use."""
