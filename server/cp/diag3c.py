"""DIAGNOSE X'3C': replace the CP directory from the source a virtual machine hands CP.

VM/370 Release 6 ran the directory program (DMKDIR, the CMS command DIRECT,
reference cp-cms.md 7.1) in the virtual machine: it wrote the object
directory itself on the volume of the DIRECTORY statement, then issued
DIAGNOSE X'3C' with R6 = that volume's address so that CP swapped to it
(Planning and System Generation Guide, "Directory Program": only class A,
B or C swaps; reference diagnose.md 1). vm370 keeps the directory in its
database, so the guest cannot write it; as a vm370 extension of the
register interface the guest hands CP the *source* and CP does what
``vm370 directory load`` does:

* Rx   = address of the USER DIRECT text, EBCDIC, records separated by X'15'
* Ry   = its length in bytes (at most ``MAX_SOURCE``)
* Rx+1 = address of a response buffer
* Ry+1 = flags in bits 0-7 (``EDIT`` X'80': check only, change nothing) and
  the response buffer's length in bits 8-31

CP parses and validates every card with ``directory/`` and, unless EDIT,
replaces the stored directory in one transaction and creates (and
CMS-formats) the volumes the new MDISKs name, off the event loop. On
return the response buffer holds X'15'-separated lines (each error, then
its card) and Ry+1 its length; Ry = the number of errors; cc 0 the
directory is valid (and in use unless EDIT), cc 1 errors (nothing changed),
cc 2 it could not be stored (nothing changed). As in R6 a file without a
DIRECTORY statement is refused (and one without a USER: it would lock
everyone out), which ``vm370 directory load`` only warns about. Without class A, B or C an
update (not EDIT) is a specification exception, as the code is for other
privileged DIAGNOSEs; R6's DMKDIR would have written the directory without
swapping, which a database directory cannot do. Users logged on keep their
entry until their next logon, as in R6.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from directory.errors import DirectoryError, Issue
from directory.model import Directory
from directory.parser import Hasher, parse_directory
from directory.passwords import hash_password
from directory.store import DirectoryStore
from server.machine import Machine

__all__ = ["EDIT", "MAX_SOURCE", "DirectoryUpdate", "Installer", "response_lines"]

log = logging.getLogger(__name__)

CODEPAGE = "cp037"
EDIT = 0x80  # Ry+1 bits 0-7
MAX_SOURCE = 4 * 1024 * 1024
NEWLINE = b"\x15"

#: Creates the volumes a directory names and formats their CMS minidisks (the
#: composition root's ``server.install.install_volumes``); returns log lines.
Installer = Callable[[Directory], list[str]]


@dataclass(frozen=True)
class Outcome:
    """What CP answers: condition code, error count and the response lines."""

    cc: int
    errors: int
    lines: list[str]


def response_lines(errors: list[Issue], warnings: list[Issue]) -> list[str]:
    """Each finding with its line number, then its card (as ``vm370 directory check``)."""
    findings = [(issue, "ERROR") for issue in errors] + [(issue, "WARNING") for issue in warnings]
    findings.sort(key=lambda finding: finding[0].line)
    lines: list[str] = []
    for issue, severity in findings:
        where = f"LINE {issue.line}" if issue.line else "FILE"
        lines.append(f"{severity} {where}: {issue.message.upper()}")
        if issue.statement:
            lines.append(f"  {issue.statement}")
    return lines


def _r6_required(directory: Directory) -> str:
    """What the directory program refuses that the host's loader only warns about: a
    file without a DIRECTORY statement (R6 ends the program) or without any USER."""
    if directory.volume is None:
        return "the first statement must be DIRECTORY"
    if not directory.users:
        return "no USER statements"
    return ""


class DirectoryUpdate:
    """DIAGNOSE X'3C' of one virtual machine; CP gives it the store and the installer."""

    def __init__(
        self,
        store: DirectoryStore,
        installer: Installer | None = None,
        *,
        hasher: Hasher = hash_password,
    ) -> None:
        self.store = store
        self.installer = installer
        self.hasher = hasher

    async def run(self, text: str, *, edit: bool) -> Outcome:
        """Validate ``text``; unless ``edit``, make it the directory in use."""
        hasher = None if edit else self.hasher
        try:
            # Parsing and hashing clear passwords take a while: off the event loop.
            result = await asyncio.to_thread(parse_directory, text, hasher=hasher)
        except DirectoryError as error:
            return Outcome(1, len(error.errors), response_lines(error.errors, error.warnings))
        if missing := _r6_required(result.directory):
            errors = [Issue(0, "", missing)]
            return Outcome(1, 1, response_lines(errors, result.warnings))
        lines = response_lines([], result.warnings)
        if edit:
            return Outcome(0, 0, lines)
        try:
            await self.store.replace(result.directory)
        except (ValueError, OSError, SQLAlchemyError) as error:  # nothing changed: one transaction
            return Outcome(2, 0, [*lines, f"DIRECTORY NOT STORED: {error}"])
        if self.installer is not None:
            for line in await asyncio.to_thread(self.installer, result.directory):
                log.info("%s", line)
        return Outcome(0, 0, lines)


def read_source(machine: Machine, address: int, length: int) -> str | None:
    """The source text from the guest's storage; None if the operands are bad."""
    if not 0 <= length <= MAX_SOURCE or not machine.storage.installed(address, length):
        return None
    raw = machine.read(address, length)
    return "\n".join(
        record.decode(CODEPAGE, errors="replace") for record in raw.split(NEWLINE)
    )


def answer(machine: Machine, rx: int, ry: int, outcome: Outcome) -> None:
    """Put the response in the buffer of Rx+1 and the results in Ry, Ry+1 and the cc."""
    r = machine.cpu.r
    buffer = r[(rx + 1) & 15] & 0xFFFFFF
    room = r[(ry + 1) & 15] & 0xFFFFFF
    data = NEWLINE.join(line.encode(CODEPAGE, errors="replace") for line in outcome.lines)
    stored = data[:room]
    if stored and machine.storage.installed(buffer, len(stored)):
        machine.load(buffer, stored)
    else:
        stored = b""
    r[ry & 15] = outcome.errors
    r[(ry + 1) & 15] = len(stored)
    machine.cpu.cc = outcome.cc


def deferred_work(
    update: DirectoryUpdate, machine: Machine, rx: int, ry: int, text: str, edit: bool
) -> Callable[[], Awaitable[None]]:
    """The part CP does after the slice stops: the database and the volumes."""

    async def work() -> None:
        answer(machine, rx, ry, await update.run(text, edit=edit))

    return work
