"""EXEC 1, the CMS EXEC procedure language of VM/370 Release 6 (CMS Command and
Macro Reference, GC20-1818, "EXEC" and section 5 "EXEC Control Statements";
CMS User's Guide, GC20-1819, "Using the EXEC facility").

``ExecSession(host).run(filename, arguments)`` runs ``filename EXEC`` and
returns its return code; ``host`` implements ``ExecHost`` over the CMS
console, program stack, file system and command processor.

How CMS uses it: one ``ExecSession`` per CMS virtual machine (it holds
&GLOBAL0-&GLOBAL9 and the nesting level). The EXEC command, implied EXEC
from the terminal, PROFILE EXEC at IPL and ``EXEC CMS`` from LISTFILE (EXEC
all call ``session.run`` with the 8-character tokens of the command line;
the result is the return code for the ready message. Inside an EXEC the
interpreter runs ``EXEC fn args`` itself (the next level); every other
command goes to ``host.command`` as a parameter list, with no implied EXEC
or CP. Arguments ``%`` (or starting with X'FF') are blank; more than 30 is
an error.
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
