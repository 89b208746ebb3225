"""The CMS nucleus: IPL, the command loop and command resolution (DMSINI, DMSINT, DMSITS).

reference/cp-cms.md 9.1 (IPL: the version line, the default disks, PROFILE
EXEC), 9.2 (the ready message), 9.3 (command line processing) and 9.6
(return codes). Resolution of a line typed at the terminal:

1. scan into 8-character tokens, upper case;
2. implied EXEC (``SET IMPEX ON``): ``name EXEC`` on an accessed disk runs;
3. SVC 202: a nucleus or transient command of that name, a ``name MODULE``
   file (loaded and run on the virtual CPU, guests/cms/program.py), a system
   abbreviation (``SET ABBREV ON``); otherwise return code -3;
4. implied CP (``SET IMPCP ON``): the line goes to CP;
5. ``UNKNOWN CP/CMS COMMAND`` and ``Ready(-0003)``.

Inside an EXEC neither implied EXEC nor implied CP applies. A program that
ends abnormally (program check, ``DMSITP141T``) ends the EXEC and the command
too: CMS types ``CMS`` instead of the ready message and reads the next
command, as R6 does after abend recovery. ``Cms`` also implements the EXEC 1
interpreter's ``ExecHost``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, cast

from guests.cms.commands import abbreviation, lookup
from guests.cms.commands.common import CommandError
from guests.cms.commands.debug import print_trace
from guests.cms.commands.filedef import definitions
from guests.cms.commands.programs import run_module
from guests.cms.commands.synonym import resolve_synonym
from guests.cms.commands.unitrec import punch_cards
from guests.cms.console import Console, ConsoleGuest, Halted
from guests.cms.debug import DebugReturn, DebugState
from guests.cms.diag import DiskNotAttached, NotDasd, cpu_microseconds
from guests.cms.disks import AccessedDisk, DiagnoseDisks, DiskProvider, DiskTable
from guests.cms.exec1 import ExecFile, ExecSession, format_return_code
from guests.cms.fs import CmsDisk, CmsFsError
from guests.cms.fs.errors import BlockIOError, NotCmsDisk
from guests.cms.loader import USER_AREA, Loader
from guests.cms.nucfunc import OpenFile, program_call
from guests.cms.plist import Call, tokenize
from guests.cms.program import Abend, FreeStorage, ProgramGuest, ProgramRun
from guests.cms.svctrace import SvcTrace
from server.cp.abi import GuestInterface, ReaderFile

__all__ = ["VERSION_LINE", "Cms", "CmsGuest", "Settings", "main", "run_cms"]

log = logging.getLogger("vm370.cms")

# The nucleus's version identification (DMSINI611R), fixed when "the nucleus was written".
VERSION_LINE = "CMS VERSION 6.0 - 11/22/26 00:00"
DEFAULT_DISKS = ((0x190, "S", None), (0x191, "A", None), (0x192, "D", None), (0x19E, "Y", "S"))
NOT_FOUND = -3


class CmsGuest(ConsoleGuest, Protocol):
    """What CMS uses of ``GuestInterface``."""

    @property
    def userid(self) -> str: ...

    @property
    def parm(self) -> str: ...

    async def cp(self, text: str, capture: bool = True) -> tuple[int, list[str]]: ...

    async def next_reader_file(self, spool_class: str | None = None) -> ReaderFile | None: ...

    async def finish_reader_file(self, reader_file: ReaderFile, keep: bool = False) -> None: ...


@dataclass
class Settings:
    """CMS SET values (reference/cp-cms.md 10.21)."""

    switches: dict[str, bool] = field(
        default_factory=lambda: {
            "IMPEX": True, "IMPCP": True, "ABBREV": True, "PROTECT": True,
            "REDTYPE": False, "RELPAGE": True, "AUTOREAD": True,
        }
    )  # fmt: skip
    rdymsg: str = "LMSG"  # LMSG, SMSG, or R6 for Release 6's terse "R;"
    # SYNONYM: the user's synonym -> (command, shortest form); (STD / NOSTD
    synonyms: dict[str, tuple[str, int]] = field(default_factory=dict)
    standard_abbreviations: bool = True
    values: dict[str, str] = field(default_factory=dict)  # SET BLIP, LDRTBLS, UPSI, ...
    txtlibs: list[str] = field(default_factory=list)
    maclibs: list[str] = field(default_factory=list)
    doslibs: list[str] = field(default_factory=list)

    def on(self, name: str) -> bool:
        return self.switches.get(name, False)


class Cms:
    """One CMS virtual machine: its console, disks, settings and EXEC processor."""

    def __init__(self, guest: CmsGuest, provider: DiskProvider | None = None) -> None:
        self.guest = guest
        self.console = Console(guest)
        self.disks = DiskTable()
        self.provider: DiskProvider = provider or DiagnoseDisks(guest)
        self.settings = Settings()
        self.exec_session = ExecSession(self)
        self._last_cpu = cpu_microseconds(guest)[:2]
        self.loader: Loader | None = None  # what LOAD/INCLUDE/LOADMOD put in the user area
        self.running: ProgramRun | None = None
        self.program_files: dict[tuple[str, str, str], OpenFile] = {}
        size = getattr(guest, "storage_size", 0)
        self.free_storage = FreeStorage(top=size, floor=USER_AREA)
        self.debug = DebugState()  # DEBUG's symbols, breakpoints, origin (guests/cms/debug.py)
        self.svctrace = SvcTrace()
        self.console.trace_control = self.svctrace.immediate  # HO, SO, RO

    # ---- the program interface (guests/cms/program.py) -------------------------------
    @property
    def program_guest(self) -> ProgramGuest:
        """The virtual CPU side of the guest interface."""
        if not hasattr(self.guest, "run_program"):
            raise CommandError(0, "THIS VIRTUAL MACHINE CANNOT RUN PROGRAMS", rc=40, severity="S")
        return cast(ProgramGuest, self.guest)

    async def program_call(self, flag: int, plist: int, r0: int) -> int:
        """SVC 202 from a program: R1's high byte, the PLIST address, R0."""
        return await program_call(self, flag, plist, r0)

    def close_program_files(self) -> None:
        """The files a program left open are closed when it ends (R6: at command end)."""
        self.program_files.clear()

    # ---- IPL ----------------------------------------------------------------------------
    async def ipl(self) -> int | None:
        """The version line, the default disks, then PROFILE EXEC; its return code."""
        self.console.type(VERSION_LINE)
        for vaddr, letter, parent in DEFAULT_DISKS:
            await self.access_at_ipl(vaddr, letter, parent)
        if self.disks.find("PROFILE", "EXEC") is None:
            return 0
        return await self.terminal_line("EXEC PROFILE")

    async def access_at_ipl(self, vaddr: int, letter: str, parent: str | None) -> None:
        """Access one default disk; only a missing A-disk or a bad disk is reported."""
        try:
            device = await self.provider.attach(vaddr)
        except (DiskNotAttached, NotDasd):
            if letter == "A":
                self.console.error("ACC", 113, "S", f"{letter}({vaddr:03X}) NOT ATTACHED")
            return
        try:
            disk = CmsDisk.access(device, mode_letter=letter, read_only=letter in "SY")
        except (NotCmsDisk, BlockIOError):
            self.console.error("ACC", 112, "S", f"DISK '{letter}({vaddr:03X})' DEVICE ERROR")
            return
        except CmsFsError as error:
            self.console.message(error.message("ACC"))
            return
        self.disks.by_letter[letter] = AccessedDisk(vaddr, letter, disk, parent)
        if disk.read_only and letter != "S":
            self.console.error("ACC", 723, "I", f"{letter} ({vaddr:03X}) R/O")

    # ---- the command loop -----------------------------------------------------------
    async def run(self) -> None:
        """IPL, then read and run command lines forever."""
        self.command_done(await self.ipl())
        while True:
            line = await self.console.read()
            _ = self.guest.attention  # an attention while CMS was reading is spent
            if not line.strip():
                continue
            self.command_done(await self.terminal_line(line))

    def command_done(self, return_code: int | None) -> None:
        """The ready message; after an abend (None) R6 types ``CMS`` instead."""
        if return_code is None:
            self.console.ready()
            self.console.type("CMS")
            return
        self.ready(return_code)

    async def terminal_line(self, line: str) -> int | None:
        """One line typed at the terminal (or read from the stack as a command);
        None after a program ended abnormally."""
        words = line.split()
        if not words or words[0].upper() != "DEBUG":
            self.debug.abend = None  # DEBUG sees an abend only as the next command
        try:
            return await self._terminal_line(line)
        finally:
            if self.svctrace.print_pending:  # HO while the command ran
                await print_trace(self)

    async def _terminal_line(self, line: str) -> int | None:
        try:
            return await self.resolve(line, from_exec=False)
        except DebugReturn:  # RETURN at a breakpoint: back to CMS, the program ends
            return 0
        except Halted:  # HX: every FILEDEF goes, PERM ones too (9.8); SVCTRACE ends
            definitions(self).clear()
            if self.svctrace.on:
                self.svctrace.print_pending = True
            return 0
        except Abend:
            return None
        except CmsFsError as error:  # an EXEC file that cannot be read
            self.console.message(error.message("EXT"))
            return error.rc
        except Exception:
            log.exception("CMS failed on %r", line)
            self.console.error("ITP", 143, "T", "PROGRAM CHECK IN SYSTEM ROUTINE DMSINT")
            return 256

    def ready(self, return_code: int) -> None:
        """``Ready; T=v.vv/t.tt hh:mm:ss`` (``Ready(rc);`` for a non-zero code)."""
        self.console.ready()
        virtual, total, clock = cpu_microseconds(self.guest)
        used_virtual = (virtual - self._last_cpu[0]) / 1_000_000
        used_total = (total - self._last_cpu[1]) / 1_000_000
        self._last_cpu = (virtual, total)
        word = "R" if self.settings.rdymsg == "R6" else "Ready"
        code = f"({format_return_code(return_code)})" if return_code else ""
        if self.settings.rdymsg == "SMSG":
            self.console.type(f"{word}{code};")
            return
        self.console.type(f"{word}{code}; T={used_virtual:.2f}/{used_total:.2f} {clock}")

    async def resolve(self, line: str, *, from_exec: bool, nomsg: bool = False) -> int:
        """Resolve and run one command line (9.3)."""
        tokens = tokenize(line)
        if not tokens:
            return 0
        name, args = tokens[0], tokens[1:]
        text = _after_first_word(line).upper()
        if not from_exec:
            name = resolve_synonym(self, name)
        if not from_exec and self.settings.on("IMPEX"):
            if self.disks.find(name, "EXEC") is not None:
                return await self.run_exec(name, args)
        return_code = await self.svc202(Call(name, args, text, from_exec, nomsg))
        if return_code != NOT_FOUND or from_exec:
            return return_code
        if self.settings.on("IMPCP"):
            code, lines = await self.guest.cp(line.strip().upper())
            if code != 1:
                self.console.type(*lines)
                return code
        self.console.type("UNKNOWN CP/CMS COMMAND")
        return NOT_FOUND

    async def svc202(self, call: Call) -> int:
        """The SVC 202 search: command, MODULE file, abbreviation; -3 if none."""
        spec = lookup(call.name)
        if spec is None and self.disks.find(call.name, "MODULE") is not None:
            return await self._module(call)
        if spec is None and self.settings.on("ABBREV") and self.settings.standard_abbreviations:
            spec = abbreviation(call.name)
        if spec is None:
            return NOT_FOUND
        call.name = spec.name
        try:
            return await spec.handler(self, call)
        except CmsFsError as error:
            self.console.message(error.message(spec.module))
            return error.rc
        except (Halted, Abend):
            raise
        except Exception:
            log.exception("CMS command %s failed", spec.name)
            self.console.error("ITP", 143, "T", f"PROGRAM CHECK IN SYSTEM ROUTINE {spec.name}")
            return 256

    async def _module(self, call: Call) -> int:
        """A ``name MODULE`` file: loaded (LOADMOD) and run. From a running program
        too, as R6 does (System Programmer's Guide, "Search hierarchy for SVC 202"): the
        module is loaded where it was generated, over the caller if they overlap."""
        try:
            return await run_module(self, call)
        except CmsFsError as error:
            self.console.message(error.message("MOD"))
            return error.rc

    async def run_exec(self, name: str, args: Sequence[str]) -> int:
        return await self.exec_session.run(name, list(args))

    # ---- ExecHost ---------------------------------------------------------------------
    async def command(self, plist: Sequence[str], *, nomsg: bool) -> int:
        tokens = [token for token in plist]
        if not tokens:
            return 0
        text = " ".join(tokens[1:])
        return await self.svc202(Call(tokens[0], tokens[1:], text, True, nomsg))

    async def read_exec_file(self, filename: str) -> ExecFile | None:
        found = self.disks.find(filename, "EXEC")
        if found is None:
            return None
        accessed, entry = found
        records = accessed.disk.read(entry.fn, entry.ft)
        text = [record.decode("cp037", errors="replace") for record in records]
        return ExecFile(text, entry.recfm, entry.lrecl, entry.mode)

    async def read_line(self) -> str:
        return await self.console.read(upper=True)

    async def checkpoint(self) -> None:
        await self.console.checkpoint()

    def type_line(self, text: str) -> None:
        self.console.type(text)

    def error_message(self, message_id: str, text: str) -> None:
        self.console.message(f"{message_id} {text}")

    def stack_line(self, text: str, *, lifo: bool) -> None:
        self.console.stack_line(text, lifo=lifo)

    def stacked_lines(self) -> int:
        return len(self.console.stack)

    def immediate(self, command: str) -> None:
        self.console.immediate(command)

    def typing_halted(self) -> bool:
        return self.console.typing_halted

    def punch_card(self, card: str) -> None:
        """&PUNCH, &BEGPUNCH: one card on the virtual punch (closed by the user's CP CLOSE)."""
        try:
            punch_cards(self, [card.encode("cp037", errors="replace")])
        except CmsFsError as error:
            self.console.message(error.message("EXT"))

    def disk_type(self, mode: str) -> str:
        return "CMS" if mode[:1] in self.disks else "NA"

    def first_rw_disk(self) -> str | None:
        accessed = self.disks.first_read_write()
        return accessed.letter if accessed else None

    def roomiest_rw_disk(self) -> str | None:
        writable = [disk for disk in self.disks.search_order() if not disk.read_only]
        if not writable:
            return None
        return max(writable, key=lambda accessed: accessed.disk.free_blocks).letter

    def dos_active(self) -> bool:
        return False

    def cpu_seconds(self) -> tuple[float, float]:
        virtual, total, _ = cpu_microseconds(self.guest)
        return virtual / 1_000_000, total / 1_000_000

    def time_of_day(self) -> str:
        return cpu_microseconds(self.guest)[2]


def _after_first_word(line: str) -> str:
    stripped = line.strip()
    if stripped.startswith("("):
        return stripped
    parts = stripped.split(None, 1)
    rest = parts[1] if len(parts) > 1 else ""
    word = parts[0] if parts else ""
    if "(" in word:  # "LISTFILE(DATE": the option list starts inside the first word
        return word[word.index("(") :] + (" " + rest if rest else "")
    return rest


async def run_cms(guest: CmsGuest, provider: DiskProvider | None = None) -> None:
    """Run CMS in a virtual machine with the given disks (the test seam)."""
    await Cms(guest, provider).run()


async def main(guest: GuestInterface) -> None:
    """``IPL CMS``: the entry point registered with CP."""
    await run_cms(guest)
