"""The CMS line editor's core: the line buffer, the pointer, the settings and the command loop.

reference/cp-cms.md 11.2: the file is a list of records with a current-line
pointer; above the first record is the null line ``TOF:``, below the last
``EOF:``. In edit mode each console line is a subcommand; in input mode each
line is inserted after the current line (which then advances) and a null
line returns to edit mode. With VERIFY ON the new current line is typed after
every pointer move or change. An unknown subcommand gives ``?EDIT: text``
(LONG) or ``?`` (SHORT).

This module is pure: it talks to the terminal and the disks only through
``EditHost``. A subcommand ``$name`` that is not built in is an edit macro:
``$name EXEC`` runs, and the subcommands it stacks are read next.
Subcommands are declared with ``@subcommand(name, shortest)`` (modules
``moves``, ``numbers`` and ``settings``) and get the editor and the operand text.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from guests.cms.edit.profile import TypeDefaults, defaults_for

__all__ = [
    "SUBCOMMANDS",
    "EditError",
    "EditHost",
    "Editor",
    "FileId",
    "Settings",
    "subcommand",
]


class EditError(Exception):
    """A subcommand's error message (shown whole in LONG mode, as ``?`` in SHORT)."""


class EditHost(Protocol):
    """What the editor needs from CMS: the console, the disks and the CMS subset."""

    def type(self, *lines: str) -> None: ...

    async def read(self) -> str: ...

    def stack(self, line: str) -> None: ...

    def read_file(self, fn: str, ft: str, fm: str) -> list[str]: ...

    def write_file(self, fileid: FileId, records: list[bytes], recfm: str, lrecl: int) -> None: ...

    async def subset(self, line: str) -> int: ...

    async def macro(self, name: str, operands: str) -> bool: ...

    def writable(self, fm: str) -> bool: ...


@dataclass
class FileId:
    fn: str
    ft: str
    fm: str  # letter and mode number, as "A1"


@dataclass
class Settings:
    """What PRESERVE saves and RESTORE brings back."""

    lrecl: int = 80
    recfm: str = "F"
    trunc: int = 80
    zone: tuple[int, int] = (1, 80)
    verify: bool = True
    verify_columns: tuple[int, int] = (1, 80)
    tabs: tuple[int, ...] = (1,)
    case: str = "U"
    serial: bool = False
    serial_id: str = ""
    serial_incr: int = 10
    serial_all: bool = False
    long: bool = True
    fileid: FileId = field(default_factory=lambda: FileId("", "", "A1"))

    @classmethod
    def for_type(cls, fileid: FileId, defaults: TypeDefaults, lrecl: int | None) -> Settings:
        width = lrecl or defaults.lrecl
        trunc = min(defaults.trunc or width, width)
        verify_end = min(defaults.verify_end or trunc, width)
        return cls(
            lrecl=width, recfm=defaults.recfm, trunc=trunc, zone=(1, trunc),
            verify_columns=(1, verify_end), tabs=defaults.tabs, case=defaults.case,
            serial=defaults.serial, serial_id=fileid.fn[:3], fileid=fileid,
        )  # fmt: skip


Handler = Callable[["Editor", str], Awaitable[None]]


@dataclass(frozen=True)
class Subcommand:
    name: str
    shortest: int
    handler: Handler
    changes: bool  # counts toward AUTOSAVE
    text: bool  # its operands are text, kept in mixed case under CASE M


SUBCOMMANDS: dict[str, Subcommand] = {}


def subcommand(
    name: str, shortest: int | None = None, *, changes: bool = False, text: bool = False
) -> Callable[[Handler], Handler]:
    """Register an EDIT subcommand, abbreviable down to ``shortest`` characters."""

    def register(handler: Handler) -> Handler:
        SUBCOMMANDS[name] = Subcommand(name, shortest or len(name), handler, changes, text)
        return handler

    return register


def find_subcommand(word: str) -> Subcommand | None:
    if word in SUBCOMMANDS:
        return SUBCOMMANDS[word]
    for spec in SUBCOMMANDS.values():
        if spec.shortest <= len(word) <= len(spec.name) and spec.name.startswith(word):
            return spec
    return None


class Leave(Exception):
    """FILE or QUIT: the editing session ends with this return code."""

    def __init__(self, rc: int = 0) -> None:
        super().__init__(rc)
        self.rc = rc


class Editor:
    """One editing session over a file's lines."""

    def __init__(
        self, host: EditHost, fileid: FileId, lines: list[str], *, new: bool,
        lrecl: int | None = None, recfm: str | None = None,
    ) -> None:  # fmt: skip
        self.host = host
        self.defaults = defaults_for(fileid.ft)
        self.settings = Settings.for_type(fileid, self.defaults, lrecl)
        self.settings.recfm = recfm or self.settings.recfm
        self.lines = lines
        self.current = 0  # 0 = TOF, 1..len = a line, len+1 = EOF
        self.new = new
        self.input_mode = False
        self.last: list[str] = []  # the previous subcommand line(s), for = and ?
        self.preserved: Settings | None = None
        self.autosave = 0
        self.changes_since_save = 0
        self.repeat_count = 1  # REPEAT: lines the next OVERLAY applies to
        self.stored: dict[str, str] = {}  # X and Y
        self.linemode = "LEFT" if self.defaults.line_numbers else "OFF"

    # ---- the pointer ------------------------------------------------------------------
    @property
    def at_tof(self) -> bool:
        return self.current == 0

    @property
    def at_eof(self) -> bool:
        return self.current > len(self.lines)

    @property
    def line(self) -> str:
        """The current line ("" at TOF and EOF)."""
        if self.at_tof or self.at_eof:
            return ""
        return self.lines[self.current - 1]

    def set_line(self, text: str) -> None:
        self.lines[self.current - 1] = text

    def move_to(self, position: int) -> None:
        self.current = max(0, min(position, len(self.lines) + 1))

    def verify(self) -> None:
        """Type the current line if VERIFY is on (``TOF:``/``EOF:`` at the null lines).

        In display mode the screen shows it (``guests.cms.edit.display``)."""
        if self.settings.verify and not getattr(self.host, "active", False):
            self.show_current()

    def show_current(self) -> None:
        if self.at_tof:
            self.host.type("TOF:")
        elif self.at_eof:
            self.host.type("EOF:")
        else:
            start, end = self.settings.verify_columns
            self.host.type(self.line[start - 1 : end].rstrip())

    # ---- input text -------------------------------------------------------------------
    def prepare(self, text: str) -> str:
        """A line of input: tabs expanded, translated under CASE U, cut at TRUNC."""
        expanded = self.expand_tabs(text)
        if self.settings.case == "U":
            expanded = expanded.upper()
        expanded = expanded.rstrip()
        if len(expanded) > self.settings.trunc:
            expanded = expanded[: self.settings.trunc].rstrip()
            self.host.type("TRUNCATED")
        return expanded

    def expand_tabs(self, text: str) -> str:
        out = ""
        for char in text.replace("\x05", "\t"):
            if char != "\t":
                out += char
                continue
            column = len(out) + 1
            stop = next((tab for tab in self.settings.tabs if tab > column), column + 1)
            out += " " * (stop - column)
        return out

    def insert_after(self, text: str) -> None:
        """Insert a line after the current one (at EOF: at the end) and make it current."""
        at = min(self.current, len(self.lines))
        self.lines.insert(at, text)
        self.current = at + 1
        self.changed()

    def changed(self, count: int = 1) -> None:
        self.changes_since_save += count

    # ---- messages ----------------------------------------------------------------------
    def error(self, text: str) -> None:
        self.host.type(text if self.settings.long else "?")

    # ---- the session -------------------------------------------------------------------
    async def run(self) -> int:
        """Edit until FILE or QUIT; the return code for CMS."""
        if self.new:
            self.host.type("NEW FILE:")
        self.host.type("EDIT:")
        while True:
            raw = await self.host.read()
            try:
                if self.input_mode:
                    self.input_line(raw)
                else:
                    await self.execute(raw, remember=True)
            except Leave as leave:
                return leave.rc

    def input_line(self, raw: str) -> None:
        if raw == "":
            self.input_mode = False
            self.host.type("EDIT:")
            return
        text = self.prepare(raw)
        if self.linemode != "OFF":
            from guests.cms.edit.numbers import next_number, numbered

            text = numbered(self, text, next_number(self))
        self.insert_after(text)
        self.after_change()

    def enter_input(self) -> None:
        self.input_mode = True
        self.host.type("INPUT:")

    async def execute(self, raw: str, *, remember: bool = False) -> None:
        """Run one subcommand line."""
        line = raw.upper() if self.settings.case == "U" else raw
        stripped = line.lstrip()
        if not stripped:  # a null line in edit mode switches to input mode
            self.enter_input()
            return
        name, operands = split_subcommand(stripped)
        if name.isdigit():  # nnnnn [text]: line-number editing
            name, operands = "LINE NUMBER", stripped
        spec = find_subcommand(name.upper())
        if spec is None:
            if not (name.startswith("$") and await self.host.macro(name.upper(), operands)):
                self.error(f"?EDIT: {stripped}")
            return
        if remember and spec.name not in ("REUSE", "=", "?"):
            self.last = [stripped]
        if not spec.text:
            operands = operands.upper()
        try:
            await spec.handler(self, operands)
        except EditError as error:
            self.error(str(error))
            return
        if spec.changes:
            self.after_change()

    def after_change(self) -> None:
        """AUTOSAVE: write the file after every n changes."""
        if self.autosave and self.changes_since_save >= self.autosave:
            from guests.cms.edit.settings import save_file

            try:
                save_file(self, None)
            except EditError as error:
                self.error(str(error))
                return
            self.host.type("SAVED")

    def snapshot(self) -> Settings:
        return copy.deepcopy(self.settings)


def split_subcommand(line: str) -> tuple[str, str]:
    """(name, operands): the name is the leading letters (or ``=``, ``?``, ``$``...)."""
    if line[0] in "=?":
        return line[0], line[1:].strip()
    end = 0
    while end < len(line) and (line[end].isalnum() or line[end] in "$#@"):
        end += 1
    if end == 0:
        return line.split(None, 1)[0], ""
    rest = line[end:]
    return line[:end], rest[1:] if rest.startswith(" ") else rest
