"""EXEC 1, the CMS EXEC procedure language of VM/370 Release 6 (CMS Command and
Macro Reference, GC20-1818, "EXEC" and section 5 "EXEC Control Statements";
CMS User's Guide, GC20-1819, "Using the EXEC facility").

``ExecSession(host).run(filename, arguments)`` runs ``filename EXEC`` and
returns its return code; ``host`` implements ``ExecHost`` over the CMS
console, program stack, file system and command processor.
"""

from .errors import MESSAGE_ID, ExecError, ExecErrorKind, ExecExit
from .host import ExecFile, ExecHost
from .interpreter import ExecSession, Interpreter, format_return_code
from .variables import SharedState

__all__ = [
    "MESSAGE_ID",
    "ExecError",
    "ExecErrorKind",
    "ExecExit",
    "ExecFile",
    "ExecHost",
    "ExecSession",
    "Interpreter",
    "SharedState",
    "format_return_code",
]
