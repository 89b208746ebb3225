"""A logged-on user: the userid's CP state, which outlives a disconnect.

Settings are the logon defaults of reference/cp-cms.md 4.2 (MSG ON, WNG ON,
IMSG ON, EMSG TEXT, RUN OFF, LINEDIT ON, ACNT ON, TIMER ON, TERMINAL MODE VM,
all editing symbols ON) and are changed with SET and TERMINAL.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from directory.model import UserEntry
from server.cp.lineedit import EditSymbols
from server.cp.messages import EmsgSetting
from server.cp.pfkeys import PFKey
from spool.unitrecord import OutputDevice

if TYPE_CHECKING:
    from server.cp.session import Session
    from server.cp.vm import VirtualMachine


@dataclass
class UserSettings:
    """SET operands (reference/cp-cms.md 5.26)."""

    msg: bool = True
    wng: bool = True
    imsg: bool = True
    emsg: EmsgSetting = EmsgSetting.TEXT
    run: bool = False
    linedit: bool = True
    acnt: bool = True
    timer: str = "ON"
    isam: bool = False
    ecmode: bool = False
    pagex: bool = False
    smsg: bool = False


@dataclass
class TerminalOptions:
    """TERMINAL operands (reference/cp-cms.md 5.33)."""

    symbols: EditSymbols = field(default_factory=EditSymbols)
    mode: str = "VM"
    linesize: int | None = 80
    attn: bool = True
    apl: bool = False
    text: bool = False
    autocr: bool = False
    hilight: bool = False
    hold: bool = True
    mask: bool = False
    more: tuple[int, int] = (50, 10)
    pf: dict[int, PFKey] = field(default_factory=dict)


def directory_symbols(entry: UserEntry) -> EditSymbols:
    """The system's editing symbols with the USER statement's overrides applied."""
    symbols = EditSymbols()
    overrides = {
        "linend": entry.line_edit.line_end,
        "linedel": entry.line_edit.line_delete,
        "chardel": entry.line_edit.char_delete,
        "escape": entry.line_edit.escape,
    }
    for function, value in overrides.items():
        if value is not None:
            symbols = symbols.with_symbol(function, None if value == "OFF" else value)
    return symbols


class ConsoleSpool:
    """SPOOL CONSOLE START: the console sheet goes into a spool file too."""

    def __init__(self, output: OutputDevice, terminal: bool) -> None:
        self.output = output
        self.terminal = terminal
        self.started = False  # TERM: still shown on the terminal; NOTERM: only spooled

    def record(self, lines: tuple[str, ...] | list[str]) -> None:
        if not self.started:
            return
        for line in lines:
            self.output.write(b"\x09" + line.encode("cp037", errors="replace")[:132])


class User:
    """A logged-on userid, connected to a session or disconnected."""

    def __init__(self, entry: UserEntry, logon_at: dt.datetime) -> None:
        self.entry = entry
        self.userid = entry.userid
        self.classes = entry.classes
        self.session: Session | None = None
        self.logon_at = logon_at
        self.logon_monotonic = time.monotonic()
        self.settings = UserSettings(ecmode="ECMODE" in entry.options, isam="ISAM" in entry.options)
        if "REALTIMER" in entry.options:
            self.settings.timer = "REAL"
        self.terminal = TerminalOptions(symbols=directory_symbols(entry))
        self.cp_seconds = 0.0  # CP time spent on this user's behalf
        self.virtual_seconds = 0.0  # virtual CPU time (no virtual CPU runs yet)
        self.logged_off = False
        self.vm: VirtualMachine | None = None
        self.priority = entry.priority  # SET PRIORITY (1 highest ... 99)
        self.favored = False  # SET FAVORED
        self.console_spool: ConsoleSpool | None = None  # SPOOL CONSOLE START
        self.bad_link_passwords = 0  # LINK refuses after more than ten in a session
        self.cp_read = False  # CP READ while the guest keeps running (SET RUN ON)

    @property
    def connected(self) -> bool:
        return self.session is not None

    def connect_seconds(self) -> float:
        return time.monotonic() - self.logon_monotonic

    def console_state(self, state: str) -> None:
        """Tell the terminal the execution state (CP READ, VM READ, RUNNING)."""
        if self.session is not None:
            self.session.console.set_state(state)

    def write(self, *lines: str, message: bool = False) -> None:
        """Console output; while disconnected it is kept only on a spooled console.
        ``message``: a MSG or WNG (see ``Session.write``)."""
        if self.session is not None:
            self.session.write(*lines, message=message)
        elif self.console_spool is not None:
            self.console_spool.record(lines)
