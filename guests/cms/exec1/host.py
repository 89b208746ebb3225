"""What the EXEC 1 interpreter needs from CMS (VM/370 R6 CMS Command and Macro
Reference, section 5 "EXEC Control Statements"; System Programmer's Guide,
"CMS command processing").

The interpreter is pure code: everything it does to the outside world goes
through an ``ExecHost``, which the CMS command processor implements over its
console, program stack, file system and SVC 202. Commands are handed over as
the tokenized parameter list (8-character tokens) EXEC builds; implied EXEC
and implied CP never apply to them (the host must not add either).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class ExecFile:
    """The records of an ``fn EXEC`` file with its record format."""

    records: Sequence[str]
    recfm: str = "V"
    lrecl: int = 80
    filemode: str = field(default="A1")


class ExecHost(Protocol):
    """The CMS services an EXEC uses."""

    async def command(self, plist: Sequence[str], *, nomsg: bool) -> int:
        """Run a CMS command (SVC 202, no implied EXEC or CP) and return its rc.

        ``nomsg`` is &CONTROL NOMSG: ERASE, LISTFILE, RENAME and STATE then
        leave out their FILE NOT FOUND message.
        """
        ...

    async def read_exec_file(self, filename: str) -> ExecFile | None:
        """The records of ``filename EXEC`` in the standard search order."""
        ...

    async def read_line(self) -> str:
        """The next console line: the program stack first, else the terminal."""
        ...

    async def checkpoint(self) -> None:
        """Called before every statement: yield, charge CPU, honour HX.

        To halt the EXEC (HX) the host raises its own exception here; the
        interpreter does not catch it.
        """
        ...

    def type_line(self, text: str) -> None:
        """Display a line (suppressed by the host while HT is in effect)."""
        ...

    def error_message(self, message_id: str, text: str) -> None:
        """Display a CMS message ``DMSmmmnnns text`` obeying CP SET EMSG."""
        ...

    def stack_line(self, text: str, *, lifo: bool) -> None:
        """Put a line on the program stack (FIFO or LIFO)."""
        ...

    def stacked_lines(self) -> int:
        """How many lines are waiting in the program stack."""
        ...

    def immediate(self, command: str) -> None:
        """Run an immediate command stacked by &STACK (HT, RT, HX, HO, SO, RO, HB).

        For HX the host may raise its halt exception here.
        """
        ...

    def typing_halted(self) -> bool:
        """True while HT is in effect."""
        ...

    def punch_card(self, card: str) -> None:
        """Write one 80-column card to the virtual punch."""
        ...

    def disk_type(self, mode: str) -> str:
        """``CMS``, ``OS``, ``DOS`` or ``NA`` for the disk at that mode letter."""
        ...

    def first_rw_disk(self) -> str | None:
        """Mode letter of the first read/write disk in the search order."""
        ...

    def roomiest_rw_disk(self) -> str | None:
        """Mode letter of the read/write disk with the most free space."""
        ...

    def dos_active(self) -> bool:
        """True when CMS/DOS is active (SET DOS ON)."""
        ...

    def cpu_seconds(self) -> tuple[float, float]:
        """Virtual and total CPU seconds used so far by this virtual machine."""
        ...

    def time_of_day(self) -> str:
        """Local time as ``hh:mm:ss``."""
        ...
