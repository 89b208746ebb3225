"""R6 CMS commands this CMS does not provide, and the two that have nothing left to do.

A user who names one of them gets a CMS-style message and return code 1,
never "UNKNOWN CP/CMS COMMAND" (reference cp-cms.md 10.25 TAPE, 10.28): the
tape utilities need tape devices (vm370 has none), the CMS/DOS commands the DOS
simulation, CMSBATCH the batch monitor, ZAP/CPEREP/GENDIRT service tools not
built.  Module codes after DMS are (unverified).

CONWAIT waits until console output is complete and FINIS closes files left
open: console output is written before a command returns and a program's
files are closed when it ends, so both return 0 at once (the FINIS nucleus
function for programs is in guests/cms/nucfunc.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guests.cms.commands import COMMANDS, command
from guests.cms.commands.common import CommandError
from guests.cms.plist import Call

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

NO_TAPES = "NO TAPE DEVICES"
NO_DOS = "NO CMS/DOS"
UNAVAILABLE = (
    ("TAPE", "TPE", NO_TAPES), ("TAPPDS", "TPD", NO_TAPES), ("TAPEMAC", "TMA", NO_TAPES),
    ("VMFPLC2", "VPL", NO_TAPES), ("CMSBATCH", "BTP", "NO BATCH MONITOR"),
    ("GENDIRT", "GND", "NOT BUILT"), ("ZAP", "ZAP", "NOT BUILT"), ("CPEREP", "IFC", "NOT BUILT"),
    ("AMSERV", "AMS", NO_DOS), ("ASSGN", "ASN", NO_DOS), ("DLBL", "DLB", NO_DOS),
    ("DOSLIB", "DSL", NO_DOS), ("DOSLKED", "DLK", NO_DOS), ("DSERV", "DSV", NO_DOS),
    ("ESERV", "SRV", NO_DOS), ("FETCH", "FET", NO_DOS), ("LISTDS", "LDS", NO_DOS),
    ("LISTIO", "LST", NO_DOS), ("OPTION", "OPT", NO_DOS), ("PSERV", "PRV", NO_DOS),
    ("RSERV", "RRV", NO_DOS), ("SSERV", "SSV", NO_DOS),
)  # fmt: skip


def _register(name: str, module: str, why: str) -> None:
    async def handler(cms: Cms, call: Call) -> int:
        raise CommandError(0, f"{name} IS NOT AVAILABLE IN THIS CMS YET ({why})", rc=1)

    command(name, len(name), module)(handler)


for _name, _module, _why in UNAVAILABLE:
    if _name not in COMMANDS:  # a module imported earlier may provide it already
        _register(_name, _module, _why)


@command("CONWAIT", 7, "CWT")
async def conwait(cms: Cms, call: Call) -> int:
    """CONWAIT: console output is complete when a command returns."""
    return 0


@command("FINIS", 5, "FNS")
async def finis(cms: Cms, call: Call) -> int:
    """FINIS [fn [ft [fm]]]: no file stays open between commands."""
    return 0
