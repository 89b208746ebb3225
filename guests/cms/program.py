"""User programs on the virtual CPU, and the SVCs they make (DMSITS, DMSITP, DMSABN).

reference/cp-cms.md 12.1 and 12.2; R6 System Logic and Problem Determination
Guide Vol. 2 (SY20-0887-1), "Types of SVCs and linkage conventions". A
program runs from its entry point with R15 = the entry address, R14 = a
return address in the nucleus, R13 = a save area, R1 = its tokenized
parameter list (START: the entry operand as typed and the arguments, one
doubleword each, as the R6 START help says; a MODULE: its name and the
arguments) and R0 = an extended one (CE). CMS takes back control when it

* issues SVC 202: R1 points at a PLIST whose first doubleword names a
  nucleus function or a command (the high byte of R1 = X'01': R0 points at
  an extended PLIST); R15 gets the return code. If the byte after the SVC is
  zero, a ``DC AL4(error address)`` follows: with R15 = 0, or an error
  address of 1, control goes on after the DC, otherwise to that address.
  Every other register is as the program left it (R0 for WAITRD excepted);
* issues SVC 35 (WTO: the text is typed) or SVC 13 (ABEND: the code in
  ``DMSABN148T``), two of the OS macros R6 CMS simulates;
* issues SVC 203 with its inline halfword code (the low byte picks the
  routine: 4 DMSFREE, 8 DMSFRET, 12 LINEDIT; best estimates). A failure with a negative
  code (the macro's ERR=) returns R15 = 4 after the halfword; with a positive
  one the program abends, as the R6 DMSFREE description says;
* returns through R14 (R15 = its return code), takes a program check
  (``DMSITP141T``), issues an SVC this CMS does not serve (``DMSABN148T
  SYSTEM ABEND 0F0``), or loads a disabled wait PSW: then it ends, and, as
  R6 abend recovery does (SY20-0887-1, CMS Diagnostic Aids, "Abend
  Recovery"), CMS closes its files, frees its storage, types ``CMS`` and
  reads the next command;
* is interrupted by the attention key: the line typed then is an immediate
  command (HX ends the program, the ready message follows) or the next
  command line, and the program goes on.

Nucleus storage below the user area holds the new PSWs (disabled waits that
tell CMS what happened), the return SVC and save area, and parameter lists.
It has storage key X'F' and the user area X'E'; programs run in supervisor
state (they may issue DIAGNOSE) with PSW key X'E', so a store into the
nucleus is a protection exception, unless ``SET PROTECT OFF`` (PSW key 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NoReturn, Protocol

from guests.cms.console import Halted
from guests.cms.debug import DebugGuest, Snapshot
from guests.cms.linedit import LINEDIT_CODE, LineditError
from guests.cms.loader import USER_AREA
from server.cp.abi import ProgramEvent

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

__all__ = ["Abend", "FreeStorage", "PlistError", "ProgramGuest", "ProgramRun", "run_program"]

SVC_OLD, PROGRAM_OLD = 0x20, 0x28
EXTERNAL_NEW, SVC_NEW, PROGRAM_NEW, MACHINE_NEW, IO_NEW = 0x58, 0x60, 0x68, 0x70, 0x78
WAIT_PROGRAM, WAIT_SVC, WAIT_OTHER = 0xF01, 0xF02, 0xF03
RETURN_SVC = 0x5000  # SVC 202 here is "the program returned"
SAVE_AREA = 0x5800  # 18 words, in a 2K block of user key: the program stores into it
EPLIST_AREA = 0x5050
FST_AREA = 0x5060  # STATE's copy of the FST (40 bytes)
PLIST_AREA = 0x5100  # START and MODULE arguments, up to 64 doublewords
TEXT_AREA = 0x5400  # the argument text the extended PLIST points at
MAX_TOKENS = 64
TRANSIENT_AREA, TRANSIENT_END = 0xE000, 0x10000  # the transient area (8K)
NUCLEUS_KEY, USER_KEY = 0xF, 0xE  # user programs run with PSW key X'E' (SET PROTECT ON)
SVC_202, SVC_203 = 202, 203
SVC_ABEND_MACRO, SVC_WTO = 13, 35  # OS macros CMS simulates (DMSSVT): ABEND, WTO
SERVED_SVCS = frozenset({SVC_202, SVC_203, SVC_ABEND_MACRO, SVC_WTO})
SVC_ABEND = 0x0F0  # DMSITS's abend code (R6 SY20-0887 figure 24); its meaning is a best estimate
DMSFREE, DMSFRET = 4, 8
TRACE_BATCH = 400  # SVCTRACE lines kept before they are written on the printer

EXCEPTIONS = {
    0x01: "OPERATION", 0x02: "PRIVILEGED OPERATION", 0x03: "EXECUTE", 0x04: "PROTECTION",
    0x05: "ADDRESSING", 0x06: "SPECIFICATION", 0x07: "DECIMAL DATA",
    0x08: "FIXED-POINT OVERFLOW", 0x09: "FIXED-POINT DIVIDE", 0x0A: "DECIMAL OVERFLOW",
    0x0B: "DECIMAL DIVIDE", 0x0C: "EXPONENT OVERFLOW", 0x0D: "EXPONENT UNDERFLOW",
    0x0E: "SIGNIFICANCE", 0x0F: "FLOATING-POINT DIVIDE", 0x10: "SEGMENT-TRANSLATION",
    0x11: "PAGE-TRANSLATION", 0x12: "TRANSLATION-SPECIFICATION", 0x13: "SPECIAL OPERATION",
}  # fmt: skip


class ProgramGuest(DebugGuest, Protocol):
    """What the program runner uses of ``GuestInterface``: DEBUG's storage and registers,
    and the storage keys."""

    def set_storage_keys(self, start: int, end: int, key: int) -> None: ...

    async def run_program(self, psw: bytes, svcs: frozenset[int]) -> ProgramEvent: ...


class Abend(Exception):
    """The program ended abnormally; its message has been typed."""


class PlistError(Exception):
    """A parameter list or buffer outside storage: an addressing exception."""


def bc_psw(address: int, *, wait: bool = False, cc: int = 0, key: int = 0) -> bytes:
    """A BC-mode supervisor-state PSW, disabled for I/O and external interrupts."""
    flags = (key & 0xF) << 4 | (0x02 if wait else 0)
    return bytes([0, flags, 0, 0, (cc & 3) << 4]) + (address & 0xFFFFFF).to_bytes(3, "big")


@dataclass
class FreeStorage:
    """DMSFREE/DMSFRET: doubleword blocks taken from the top of storage downwards."""

    top: int
    floor: int
    blocks: dict[int, int] = field(default_factory=dict)  # address -> doublewords

    def take(self, dwords: int) -> int | None:
        size = dwords * 8
        lowest = min(self.blocks, default=self.top)
        address = (lowest - size) & ~7
        if dwords <= 0 or address < self.floor:
            return None
        self.blocks[address] = dwords
        return address

    def floor_of_blocks(self) -> int:
        """The lowest address given out (the top of storage when none is)."""
        return min(self.blocks, default=self.top)

    def give_back(self, address: int, dwords: int) -> bool:
        if self.blocks.get(address) != dwords:
            return False
        del self.blocks[address]
        return True


@dataclass
class ProgramRun:
    """One program's run: where it is, what it is called."""

    name: str
    entry: int
    args: list[str]
    sections: list[tuple[str, int, int]] = field(default_factory=list)  # name, start, end
    first_token: str = ""  # START: the entry operand as typed; a MODULE: its name

    def routine_at(self, address: int) -> str:
        for name, start, end in self.sections:
            if start <= address < end:
                return name
        return self.name


def tokens_bytes(tokens: list[str]) -> bytes:
    """A tokenized PLIST: 8-byte blank-padded tokens and the X'FF' fence."""
    body = b"".join(token[:8].ljust(8).encode("cp037", errors="replace") for token in tokens)
    return body + b"\xff" * 8


def protect_storage(guest: ProgramGuest) -> None:
    """Storage keys as R6 CMS assigns them (SY20-0887-1, "Storage Protection Keys"):
    X'F' for the nucleus, X'E' for the transient area, the user area and the save
    area a program gets in R13."""
    guest.set_storage_keys(0, TRANSIENT_AREA, NUCLEUS_KEY << 4)
    guest.set_storage_keys(SAVE_AREA, SAVE_AREA + 0x800, USER_KEY << 4)
    guest.set_storage_keys(TRANSIENT_AREA, TRANSIENT_END, USER_KEY << 4)
    guest.set_storage_keys(TRANSIENT_END, USER_AREA, NUCLEUS_KEY << 4)
    guest.set_storage_keys(USER_AREA, guest.storage_size, USER_KEY << 4)


def prepare_low_core(guest: ProgramGuest) -> None:
    """New PSWs that stop the program with a code, the return SVC, an empty save area."""
    guest.write_storage(EXTERNAL_NEW, bc_psw(WAIT_OTHER, wait=True))
    guest.write_storage(SVC_NEW, bc_psw(WAIT_SVC, wait=True))
    guest.write_storage(PROGRAM_NEW, bc_psw(WAIT_PROGRAM, wait=True))
    guest.write_storage(MACHINE_NEW, bc_psw(WAIT_OTHER, wait=True))
    guest.write_storage(IO_NEW, bc_psw(WAIT_OTHER, wait=True))
    guest.write_storage(RETURN_SVC, bytes.fromhex("0ACA") + bytes(6))
    guest.write_storage(SAVE_AREA, bytes(72))


def set_arguments(guest: ProgramGuest, tokens: list[str], text: str) -> None:
    """R1 -> the tokenized PLIST, R0 -> the extended PLIST (command, args, end, 0)."""
    tokens = tokens[: MAX_TOKENS - 1]
    guest.write_storage(PLIST_AREA, tokens_bytes(tokens))
    line = text.encode("cp037", errors="replace")[:240]
    guest.write_storage(TEXT_AREA, line)
    name_length = len(tokens[0]) + 1 if tokens else 0
    begin = TEXT_AREA + min(name_length, len(line))
    eplist = b"".join(value.to_bytes(4, "big") for value in (
        TEXT_AREA, begin, TEXT_AREA + len(line), 0))  # fmt: skip
    guest.write_storage(EPLIST_AREA, eplist)
    guest.set_gpr(1, PLIST_AREA)
    guest.set_gpr(0, EPLIST_AREA)


async def run_program(cms: Cms, run: ProgramRun) -> int:
    """Run a loaded program to its end; its return code (Abend after an abnormal end).

    Called while another program runs (a MODULE it named in an SVC 202), the caller's
    registers and the nucleus areas it uses (save area, parameter lists) are kept and
    given back when the called program returns; its files and DMSFREE storage stay."""
    guest = cms.program_guest
    caller = cms.running
    kept = _keep_caller(guest) if caller is not None else None
    try:
        return await _run(cms, run)
    finally:
        cms.running = caller
        if kept is not None:
            _give_back(guest, kept)
        else:
            cms.close_program_files()
            cms.free_storage.blocks.clear()  # DMSFREE storage goes with the program


def _keep_caller(guest: ProgramGuest) -> tuple[list[int], bytes]:
    registers = [guest.gpr(number) for number in range(16)]
    return registers, guest.read_storage(RETURN_SVC, SAVE_AREA + 0x800 - RETURN_SVC)


def _give_back(guest: ProgramGuest, kept: tuple[list[int], bytes]) -> None:
    registers, area = kept
    guest.write_storage(RETURN_SVC, area)
    for number, value in enumerate(registers):
        guest.set_gpr(number, value)


async def _run(cms: Cms, run: ProgramRun) -> int:
    guest = cms.program_guest
    protect_storage(guest)
    prepare_low_core(guest)
    tokens = [run.first_token or run.name, *run.args]
    set_arguments(guest, tokens, " ".join(tokens))
    guest.set_gpr(13, SAVE_AREA)
    guest.set_gpr(14, RETURN_SVC)
    guest.set_gpr(15, run.entry)
    psw = bc_psw(run.entry, key=USER_KEY if cms.settings.on("PROTECT") else 0)
    cms.running = run
    while True:
        if cms.guest.attention:  # the key was pressed while CMS was serving the program
            await _attention(cms)
        event = await guest.run_program(psw, SERVED_SVCS)
        try:
            resumed = await _event(cms, run, event)
        except Abend:
            cms.debug.abend = _abend_snapshot(guest, event)
            raise
        if resumed is None:
            return _signed(guest.gpr(15))
        psw = resumed


async def _event(cms: Cms, run: ProgramRun, event: ProgramEvent) -> bytes | None:
    """Service one stop: the PSW to resume with, or None when the program has returned."""
    guest = cms.program_guest
    address = int.from_bytes(event.psw[5:8], "big") if len(event.psw) >= 8 else 0
    if event.reason == "SVC" and event.svc == SVC_202 and address == RETURN_SVC + 2:
        return None
    if event.reason == "SVC" and cms.svctrace.recording:
        return await _traced_svc(cms, event, address)
    if event.reason == "SVC":
        return await _svc(cms, event, address)
    if event.reason == "ATTENTION":
        await _attention(cms)
        return event.psw
    if event.reason == "WAIT" and address == WAIT_PROGRAM:
        resumed = await _breakpoint(cms)
        if resumed is not None:
            return resumed
        _program_check(cms, run)
    if event.reason == "WAIT" and address == WAIT_SVC:
        old = guest.read_storage(SVC_OLD, 8)
        at = int.from_bytes(old[5:8], "big")
        if cms.svctrace.recording:  # the SVC is recorded before the abend it causes
            number = int.from_bytes(old[2:4], "big") & 0xFF
            cms.svctrace.before(guest, f"SVC{number}", at - 2, old, event.psw)
        _system_abend(cms, SVC_ABEND, at - 2)  # SVC ``number`` is not one CMS serves
    psw_text = event.psw.hex().upper()
    cms.console.type(f"DMKDSP450W CP ENTERED; DISABLED WAIT PSW '{psw_text[:8]} {psw_text[8:]}'")
    raise Abend


async def _svc(cms: Cms, event: ProgramEvent, address: int) -> bytes:
    """One SVC CMS serves (202, 203, WTO, ABEND): the PSW that goes back to the program."""
    guest = cms.program_guest
    if event.svc == SVC_202:
        return await _svc202(cms, address, event.psw)
    if event.svc == SVC_203:
        return await _svc203(cms, address, event.psw)
    if event.svc == SVC_WTO:
        _wto(cms, address)
        return event.psw
    code = guest.gpr(1)
    _system_abend(cms, (code >> 12) & 0xFFF or code & 0xFFF, address - 2)


async def _traced_svc(cms: Cms, event: ProgramEvent, address: int) -> bytes:
    """An SVC served with SVCTRACE ON: recorded before and after (guests/cms/svctrace.py)."""
    guest = cms.program_guest
    trace = cms.svctrace
    name = _svc_name(guest, event.svc or 0, address)
    new = guest.read_storage(SVC_NEW, 8)
    number = trace.before(guest, name, address - 2, event.psw, new)
    resumed = await _svc(cms, event, address)
    if trace.recording:
        cms_svc = event.svc in (SVC_202, SVC_203)
        trace.after(guest, number, name, address - 2, event.psw, resumed, cms_svc)
    if len(trace.lines) >= TRACE_BATCH:  # on the printer as it goes, as DMSOVR writes it
        from guests.cms.commands.debug import print_lines

        if not print_lines(cms, trace.take()):
            trace.stop()  # no printer: the trace ends with its message
    return resumed


def _svc_name(guest: ProgramGuest, svc: int, after: int) -> str:
    """What an SVC calls: the command or function its PLIST names, the SVC 203
    routine, or the OS macro."""
    if svc == SVC_202:
        plist = guest.gpr(1) & 0xFFFFFF
        if plist + 8 <= guest.storage_size:
            return guest.read_storage(plist, 8).decode("cp037", errors="replace").strip()
        return "SVC202"
    if svc == SVC_203 and after + 2 <= guest.storage_size:
        code = abs(int.from_bytes(guest.read_storage(after, 2), "big", signed=True)) & 0xFF
        return {DMSFREE: "DMSFREE", DMSFRET: "DMSFRET", LINEDIT_CODE: "LINEDIT"}.get(
            code, "SVC203"
        )
    return {SVC_WTO: "WTO", SVC_ABEND_MACRO: "ABEND"}.get(svc, f"SVC{svc}")


async def _breakpoint(cms: Cms) -> bytes | None:
    """A program check at a DEBUG breakpoint (guests/cms/debug.py): the halfword is put
    back, the breakpoint cleared and the debug environment entered; the PSW GO resumes
    with. None when the program check is not a breakpoint's."""
    from guests.cms.debug import DebugReturn, Session

    guest = cms.program_guest
    old = guest.read_storage(PROGRAM_OLD, 8)
    if int.from_bytes(old[2:4], "big") & 0xFF != 0x01:  # an operation exception only
        return None
    at = (int.from_bytes(old[5:8], "big") - 2) & 0xFFFFFF
    number = cms.debug.breakpoint_at(guest, at)
    if number is None:
        return None
    cms.debug.clear(guest, number)
    psw = old[:2] + bytes(2) + bytes([old[4] & 0x3F]) + at.to_bytes(3, "big")
    session = Session.enter(cms, guest, psw, at_break=True)
    cms.console.error("DBG", 728, "I", f"DEBUG ENTERED BREAKPOINT {number:02d} AT {at:06X}")
    if await session.run() == "RETURN":
        raise DebugReturn
    target = session.go_address if session.go_address is not None else at
    return session.saved.psw[:5] + (target & 0xFFFFFF).to_bytes(3, "big")


def _abend_snapshot(guest: ProgramGuest, event: ProgramEvent) -> Snapshot:
    """The registers and old PSW of an abend, for a DEBUG typed next (R6 DEBUG)."""
    address = int.from_bytes(event.psw[5:8], "big") if len(event.psw) >= 8 else 0
    psw = event.psw[:8].ljust(8, b"\x00")
    if event.reason == "WAIT" and address == WAIT_PROGRAM:
        psw = guest.read_storage(PROGRAM_OLD, 8)
    elif event.reason == "WAIT" and address == WAIT_SVC:
        psw = guest.read_storage(SVC_OLD, 8)
    return Snapshot([guest.gpr(number) & 0xFFFFFFFF for number in range(16)], psw)


def _wto(cms: Cms, after: int) -> None:
    """WTO (SVC 35): R1 -> AL2(length + 4), AL2(flags), the text; typed on the console."""
    guest = cms.program_guest
    plist = guest.gpr(1) & 0xFFFFFF
    if plist + 4 > guest.storage_size:
        _system_abend(cms, 0x0C5, after - 2)  # the list is not addressable
    length = int.from_bytes(guest.read_storage(plist, 2), "big")
    if not 4 <= length <= 130 or plist + length > guest.storage_size:
        _system_abend(cms, 0x0D2, after - 2)  # an invalid WTO parameter list
    text = guest.read_storage(plist + 4, length - 4).decode("cp037", errors="replace")
    cms.console.type(text.rstrip())
    guest.set_gpr(1, 0)  # no message identifier
    guest.set_gpr(15, 0)


def _system_abend(cms: Cms, code: int, at: int) -> NoReturn:
    """``DMSABN148T SYSTEM ABEND xxx CALLED FROM xxxxxx``, then abend recovery."""
    cms.console.error("ABN", 148, "T", f"SYSTEM ABEND {code:03X} CALLED FROM {at:06X}")
    raise Abend


def _program_check(cms: Cms, run: ProgramRun) -> None:
    old = cms.program_guest.read_storage(PROGRAM_OLD, 8)
    code, at = int.from_bytes(old[2:4], "big") & 0xFF, int.from_bytes(old[5:8], "big")
    kind = EXCEPTIONS.get(code, f"X'{code:02X}'")
    routine = run.routine_at(at)
    text = f"{kind} EXCEPTION OCCURRED AT {at:06X} IN ROUTINE {routine}"
    cms.console.error("ITP", 141, "T", text)
    raise Abend


async def _attention(cms: Cms) -> None:
    """The attention key while the program runs: an immediate command or a typed-ahead line."""
    _ = cms.guest.attention
    line = (await cms.guest.read()).strip()
    if not cms.console.immediate(line.upper()):
        cms.console.typed.append(line)
    if cms.svctrace.print_pending:  # HO
        from guests.cms.commands.debug import print_trace

        await print_trace(cms)
    if cms.console.halt_requested:
        cms.console.halt_requested = False
        raise Halted


async def _svc202(cms: Cms, after: int, psw: bytes) -> bytes:
    guest = cms.program_guest
    r1 = guest.gpr(1)
    try:
        return_code = await cms.program_call(r1 >> 24, r1 & 0xFFFFFF, guest.gpr(0) & 0xFFFFFF)
    except PlistError:
        routine = cms.running.routine_at(after) if cms.running else "DMSITS"
        cms.console.error("ITP", 141, "T", f"ADDRESSING EXCEPTION OCCURRED AT {after:06X} "
                          f"IN ROUTINE {routine}")  # fmt: skip
        raise Abend from None
    guest.set_gpr(15, return_code & 0xFFFFFFFF)
    return _resume(cms, psw, after, error_dc=True, failed=return_code != 0)


async def _svc203(cms: Cms, after: int, psw: bytes) -> bytes:
    guest = cms.program_guest
    if after + 2 > guest.storage_size:
        _system_abend(cms, SVC_ABEND, after - 2)
    raw = int.from_bytes(guest.read_storage(after, 2), "big")
    code = raw - 0x10000 if raw & 0x8000 else raw
    value = abs(code)
    routine = value & 0xFF
    if routine == DMSFREE:
        ok = _dmsfree(cms, variable=bool(value & 0x0100))
    elif routine == DMSFRET:
        ok = cms.free_storage.give_back(guest.gpr(1) & 0xFFFFFF, guest.gpr(0) & 0xFFFFFF)
    elif routine == LINEDIT_CODE:
        ok = await _linedit(cms, after, negative=code < 0)
    else:
        _system_abend(cms, SVC_ABEND, after - 2)  # no routine with that code
    if routine != LINEDIT_CODE or not ok:
        guest.set_gpr(15, 0 if ok else 4)
    next_address = after + 2  # a negative code (ERR=) gets R15 = 4 here and tests it
    if not ok and code >= 0:
        text = f"INSUFFICIENT STORAGE AVAILABLE TO SATISFY DMSFREE REQUEST FROM {after - 2:06X}"
        cms.console.error("FRE", 159, "T", text)
        raise Abend
    return psw[:5] + next_address.to_bytes(3, "big")


async def _linedit(cms: Cms, after: int, *, negative: bool) -> bool:
    """LINEDIT (guests/cms/linedit.py): False for a list it cannot use and an error
    return (negative code); a positive code abends, an address outside storage is an
    addressing exception."""
    from guests.cms.nucfunc import linedit  # nucfunc builds on this module

    try:
        return_code = await linedit(cms, cms.program_guest.gpr(1) & 0xFFFFFF)
    except LineditError:
        if negative:
            return False
        _system_abend(cms, SVC_ABEND, after - 2)
    except PlistError:
        routine = cms.running.routine_at(after) if cms.running else "DMSERR"
        cms.console.error("ITP", 141, "T", f"ADDRESSING EXCEPTION OCCURRED AT {after:06X} "
                          f"IN ROUTINE {routine}")  # fmt: skip
        raise Abend from None
    cms.program_guest.set_gpr(15, return_code & 0xFFFFFFFF)
    return True


def _dmsfree(cms: Cms, *, variable: bool) -> bool:
    guest = cms.program_guest
    wanted = guest.gpr(0) & 0xFFFFFF
    address = cms.free_storage.take(wanted)
    if address is None and variable:
        minimum = guest.gpr(1) & 0xFFFFFF
        while address is None and wanted > minimum:
            wanted = max(minimum, wanted // 2)
            address = cms.free_storage.take(wanted)
    if address is None:
        return False
    guest.set_gpr(0, wanted)
    guest.set_gpr(1, address)
    return True


def _resume(cms: Cms, psw: bytes, after: int, *, error_dc: bool, failed: bool) -> bytes:
    """Where SVC 202 returns: after the optional ``DC AL4(error)``, or to the error address."""
    guest = cms.program_guest
    if error_dc and after + 4 <= guest.storage_size and guest.read_storage(after, 1) == b"\x00":
        error_address = int.from_bytes(guest.read_storage(after, 4), "big")
        target = after + 4
        if failed and error_address != 1:
            target = error_address & 0xFFFFFF
        return psw[:5] + target.to_bytes(3, "big")
    return psw[:5] + after.to_bytes(3, "big")


def _signed(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value
