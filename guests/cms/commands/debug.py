"""DEBUG and SVCTRACE: the commands that enter the debug environment and trace SVCs.

reference/cp-cms.md 10.6; R6 CMS Command and Macro Reference (GC20-1818),
DEBUG ("DMSDBG728I DEBUG ENTERED"; no operands) and SVCTRACE (``SVCTrace
ON|OFF``, transient). The environment itself is guests/cms/debug.py, the
trace guests/cms/svctrace.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guests.cms.commands import command
from guests.cms.commands.common import CommandError, invalid_parameter
from guests.cms.commands.unitrec import PRINTER_ADDRESS, print_records
from guests.cms.debug import Session
from guests.cms.plist import Call
from guests.cms.program import ProgramRun, run_program

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

__all__ = ["print_lines", "print_trace"]


@command("DEBUG", 5, "DBG")
async def debug(cms: Cms, call: Call) -> int:
    """Enter the debug environment; after GO the program runs from the address."""
    if call.args:
        raise invalid_parameter(call.args[0])
    guest = cms.program_guest
    abend = cms.debug.abend
    session = Session.enter(cms, guest, abend.psw if abend else None, at_break=False)
    if abend is not None:
        session.saved.gprs = list(abend.gprs)
    cms.debug.abend = None
    cms.console.error("DBG", 728, "I", "DEBUG ENTERED")
    if await session.run() == "RETURN" or session.go_address is None:
        return 0
    address = session.go_address
    name = _routine(cms, address)
    sections = []
    if cms.loader is not None:
        sections = [(s.name, s.address, s.address + s.length) for s in cms.loader.sections]
    return await run_program(cms, ProgramRun(name, address, [], sections))


def _routine(cms: Cms, address: int) -> str:
    if cms.loader is not None:
        for section in cms.loader.sections:
            if section.address <= address < section.address + section.length:
                return section.name
    return "DEBUG"


@command("SVCTRACE", 4, "OVR")
async def svctrace(cms: Cms, call: Call) -> int:
    """``SVCTRACE ON|OFF``: OFF prints what was recorded on the virtual printer."""
    if not call.args:
        raise CommandError(47, "NO FUNCTION SPECIFIED")
    word = call.args[0]
    if len(call.args) > 1:
        raise invalid_parameter(call.args[1])
    if word == "ON":
        cms.svctrace.start()
        return 0
    if word == "OFF":
        await print_trace(cms)
        return 0
    raise invalid_parameter(word)


async def print_trace(cms: Cms) -> None:
    """Stop tracing, print what is left of the trace and close the printer (spooled)."""
    was_on = cms.svctrace.on or cms.svctrace.print_pending
    lines = cms.svctrace.stop()
    if (was_on or lines) and print_lines(cms, lines):
        await cms.guest.cp(f"CLOSE {PRINTER_ADDRESS:03X}", capture=True)


def print_lines(cms: Cms, lines: list[str]) -> bool:
    """Trace lines on the virtual printer (132 columns); False when it cannot print."""
    if not lines:
        return True
    records = [line.encode("cp037", errors="replace")[:132] for line in lines]
    try:
        print_records(cms, records, carriage=False)
    except CommandError as error:
        cms.console.error("OVR", error.number, error.severity, str(error))
        return False
    return True
