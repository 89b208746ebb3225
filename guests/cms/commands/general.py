"""CP, EXEC, QUERY, SET and GLOBAL (reference/cp-cms.md 10.5, 10.10, 10.13, 10.17,
10.21, 9.3).

QUERY and SET options CMS does not know are passed to CP, as R6 does: from
an EXEC an unknown one then gives return code -3. The ``name = value``
layout of the QUERY answers is (unverified). ``SET RDYMSG R6`` chooses
Release 6's terse ready message ``R; T=...`` (a vm370 choice beside LMSG and
SMSG). BLIP, LDRTBLS, UPSI, ABEND, INPUT, OUTPUT, DOS and DOSPART are checked
and kept for QUERY but have no effect yet (neither the console nor the
program runner uses them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guests.cms.commands import command
from guests.cms.commands.access import disk_line
from guests.cms.commands.common import CommandError, invalid_parameter
from guests.cms.commands.filedef import filedef_lines
from guests.cms.commands.synonym import synonym_lines
from guests.cms.plist import Call

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

SWITCHES = ("IMPEX", "IMPCP", "ABBREV", "PROTECT", "REDTYPE", "RELPAGE", "AUTOREAD")
LIBRARIES = ("MACLIB", "TXTLIB", "DOSLIB")
# SET functions whose value is only kept and shown, with defaults.  RELPAGE and LDRTBLS
# need nothing done (guest storage is never paged; the loader's tables have no fixed
# size); the others, and NONSHARE, have no effect in this CMS and SET says so.
INERT = frozenset({"REDTYPE", "AUTOREAD", "BLIP", "UPSI", "ABEND", "INPUT", "OUTPUT", "DOS",
                   "DOSPART", "NONSHARE"})  # fmt: skip
VALUES = {"BLIP": "OFF", "LDRTBLS": "2", "UPSI": "OFF", "ABEND": "NONE", "INPUT": "NONE",
          "OUTPUT": "NONE", "DOS": "OFF", "DOSPART": "OFF"}  # fmt: skip
UNKNOWN_CP_COMMAND = 1


@command("CP", 2, "CPC")
async def cp(cms: Cms, call: Call) -> int:
    text = call.text if not call.from_exec else " ".join(call.args)
    if not text.strip():  # CP READ: DIAGNOSE X'08' with a length of zero
        await cms.guest.diagnose(0x08, rx=0, ry=0)
        return 0
    code, _ = await cms.guest.cp(text, capture=False)
    if code == UNKNOWN_CP_COMMAND and not call.from_exec:
        return -1
    return code


@command("EXEC", 2, "EXC")
async def exec_command(cms: Cms, call: Call) -> int:
    if not call.args:
        raise CommandError(1, "NO FILENAME SPECIFIED")
    return await cms.run_exec(call.args[0], call.args[1:])


async def _pass_to_cp(cms: Cms, verb: str, call: Call) -> int:
    text = call.text if not call.from_exec else " ".join(call.args)
    code, lines = await cms.guest.cp(f"{verb} {text}".strip())
    cms.console.type(*lines)
    if code and call.from_exec:
        return -3
    return code


def _query_disk(cms: Cms, which: str) -> list[str]:
    disks = cms.disks.search_order()
    if which == "MAX":
        writable = [disk for disk in disks if not disk.read_only]
        disks = [max(writable, key=lambda disk: disk.disk.free_blocks)] if writable else []
    elif which == "R/W":
        disks = [disk for disk in disks if not disk.read_only]
    elif which != "*":
        accessed = cms.disks.get(which)
        if accessed is None:
            raise CommandError(69, f"DISK '{which}' NOT ACCESSED", rc=36)
        disks = [accessed]
    return [disk_line(accessed) for accessed in disks]


def _query_search(cms: Cms) -> list[str]:
    lines = []
    for accessed in cms.disks.search_order():
        state = "R/O" if accessed.read_only else "R/W"
        parent = f"/{accessed.parent}" if accessed.parent else ""
        lines.append(
            f"{accessed.disk.label:<6} {accessed.vaddr:03X}  {accessed.letter}{parent:<2}  {state}"
        )
    return lines


def _query_answer(cms: Cms, option: str, operands: list[str]) -> list[str] | None:
    settings = cms.settings
    if option in SWITCHES:
        return [f"{option} = {'ON' if settings.on(option) else 'OFF'}"]
    if option == "RDYMSG":
        return [f"RDYMSG = {settings.rdymsg}"]
    if option in VALUES:
        return [f"{option} = {settings.values.get(option, VALUES[option])}"]
    if option in LIBRARIES:
        names = {"MACLIB": settings.maclibs, "TXTLIB": settings.txtlibs}.get(option, [])
        return [f"{option} = {' '.join(names) if names else 'NONE'}"]
    if option == "LIBRARY":
        return [f"{name} = {' '.join(libs) or 'NONE'}" for name, libs in
                (("MACLIB", settings.maclibs), ("TXTLIB", settings.txtlibs))]  # fmt: skip
    if option == "DISK":
        return _query_disk(cms, operands[0] if operands else "*")
    if option == "SEARCH":
        return _query_search(cms)
    if option == "FILEDEF":
        return filedef_lines(cms)
    if option == "DLBL":
        return ["NO USER DEFINED DLBL'S IN EFFECT"]
    if option == "SYNONYM":
        which = operands[0] if operands else "ALL"
        if which not in ("ALL", "SYSTEM", "USER"):
            raise invalid_parameter(which)
        return synonym_lines(cms, which)
    if option == "CMSLEVEL":
        return ["VM/370 CMS RELEASE 6"]
    return None


@command("QUERY", 1, "QRY")
async def query(cms: Cms, call: Call) -> int:
    if not call.operands:
        raise CommandError(47, "NO FUNCTION SPECIFIED")
    option = call.operands[0]
    answer = _query_answer(cms, option, call.operands[1:])
    if answer is None:
        return await _pass_to_cp(cms, "QUERY", call)
    stack = [word for word in call.options if word in ("STACK", "FIFO", "LIFO")]
    for line in answer:
        if stack:
            cms.console.stack_line(line, lifo="LIFO" in stack)
        else:
            cms.console.type(line)
    return 0


def _checked_value(function: str, value: list[str]) -> str:
    """The value of a SET function kept for QUERY (10.21); 070E when it is malformed."""
    text = " ".join(value)
    if function == "LDRTBLS":
        ok = len(value) == 1 and value[0].isdigit() and int(value[0]) <= 128
    elif function == "UPSI":
        ok = text == "OFF" or (len(text) == 8 and set(text) <= set("01X"))
    elif function in ("DOS", "DOSPART"):
        ok = bool(value) and (value[0] in ("ON", "OFF") or value[0].endswith("K"))
    elif function in ("INPUT", "OUTPUT"):
        ok = len(value) in (1, 2)
    else:  # BLIP, ABEND
        ok = bool(value)
    if not ok:
        raise invalid_parameter(text or function)
    return text


def _on_off(value: list[str]) -> bool:
    if len(value) != 1 or value[0] not in ("ON", "OFF"):
        raise invalid_parameter(value[0] if value else "")
    return value[0] == "ON"


@command("SET", 3, "SET")
async def set_command(cms: Cms, call: Call) -> int:
    if not call.operands:
        raise CommandError(47, "NO FUNCTION SPECIFIED")
    function, value = call.operands[0], call.operands[1:]
    settings = cms.settings
    if function in SWITCHES:
        settings.switches[function] = _on_off(value)
    elif function == "RDYMSG":
        if len(value) != 1 or value[0] not in ("LMSG", "SMSG", "R6"):
            raise invalid_parameter(value[0] if value else "")
        settings.rdymsg = value[0]
    elif function in VALUES:
        settings.values[function] = _checked_value(function, value)
    elif function == "NONSHARE":
        if len(value) != 1:
            raise invalid_parameter(value[1] if value else function)
    else:
        return await _pass_to_cp(cms, "SET", call)
    if function in INERT:
        cms.console.error("SET", 0, "W", f"SET {function} IS KEPT BUT HAS NO EFFECT IN THIS CMS")
    return 0


@command("GLOBAL", 6, "GLB")
async def global_command(cms: Cms, call: Call) -> int:
    if not call.operands or call.operands[0] not in LIBRARIES:
        raise invalid_parameter(call.operands[0] if call.operands else "")
    kind, names = call.operands[0], call.operands[1:]
    if len(names) > 8:
        raise invalid_parameter(names[8])
    missing = [name for name in names if cms.disks.find(name, kind) is None]
    for name in missing:
        cms.console.error("GLB", 2, "W", f"FILE '{name} {kind} *' NOT FOUND")
    chosen = [name for name in names if name not in missing]
    target = {"MACLIB": cms.settings.maclibs, "TXTLIB": cms.settings.txtlibs}.get(
        kind, cms.settings.doslibs
    )
    target[:] = chosen
    return 28 if missing else 0
