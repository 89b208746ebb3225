"""CP's time and date formats (reference/cp-cms.md 4.3).

``hh:mm:ss zzz WEEKDAY mm/dd/yy`` for LOGON/LOGOFF/QUERY TIME, and
``mmm:ss.hs`` for CPU times. The zone is the host's local zone unless the
configuration names one (an IANA name such as ``America/New_York``).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


class Clock:
    """Wall-clock time in the system's zone; tests may pin ``now``."""

    def __init__(self, timezone: str | None = None) -> None:
        self.zone: dt.tzinfo | None = ZoneInfo(timezone) if timezone else None

    def now(self) -> dt.datetime:
        if self.zone is None:
            return dt.datetime.now().astimezone()
        return dt.datetime.now(self.zone)


def zone_name(moment: dt.datetime) -> str:
    name = moment.tzname() or "UTC"
    if not name.isalpha():  # numeric zones such as "+03" read badly in CP lines
        name = "GMT" if moment.utcoffset() == dt.timedelta(0) else "LCL"
    return name.upper()


def stamp(moment: dt.datetime) -> str:
    """``hh:mm:ss zzz WEEKDAY mm/dd/yy``."""
    weekday = moment.strftime("%A").upper()
    return f"{moment:%H:%M:%S} {zone_name(moment)} {weekday} {moment:%m/%d/%y}"


def short_stamp(moment: dt.datetime) -> str:
    """``hh:mm:ss mm/dd/yy`` as in the LOGMSG header."""
    return f"{moment:%H:%M:%S} {moment:%m/%d/%y}"


def connect_time(seconds: float) -> str:
    """``hh:mm:ss`` of connect time."""
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def cpu_time(seconds: float) -> str:
    """``mmm:ss.hs``: minutes, seconds and hundredths."""
    hundredths = int(round(seconds * 100))
    minutes, rest = divmod(hundredths, 6000)
    return f"{minutes:03d}:{rest // 100:02d}.{rest % 100:02d}"
