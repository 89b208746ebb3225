"""Class B QUERY of real devices other than unit record: DASD, TAPES, LINES, GRAF, ALL
(reference/cp-cms.md section 6, QUERY (real)).

vm370's real DASD are the volumes of the volume registry, named by volser
(they have no real addresses); each line says whether the volume is attached
to a user, offline, or how many logged-on users have minidisks on it. The
terminals are the telnet sessions, with the LINE (TTY) and GRAF (3270)
addresses CP gave them at connection. There are no tape drives. The line
layouts follow R6's ``type raddr status`` style and are vm370's own
(unverified); QUERY UR, PRINTERS, PUNCHES and READERS are in ``urcontrol.py``.
"""

from __future__ import annotations

from server.cp.context import CommandContext
from server.cp.realur import DeviceState, RealDevice, raddr_of
from server.dasd.errors import VolumeError


def dasd_lines(ctx: CommandContext) -> list[str]:
    system = ctx.system
    if system.volumes is None:
        return []
    try:
        volumes = system.volumes.list()
    except (VolumeError, OSError):
        return []
    users: dict[str, set[str]] = {}
    for user in system.users.values():
        for virtual in user.vm.devices.values() if user.vm is not None else []:
            if virtual.kind == "DASD" and virtual.volser:
                users.setdefault(virtual.volser.upper(), set()).add(user.userid)
    lines = []
    for info in volumes:
        head = f"DASD {info.volser:<6} {info.device:<7}"
        holder = system.attached.get(info.volser)
        if holder is not None:
            lines.append(f"{head} ATTACHED TO {holder[0]:<8} {holder[1]:03X}")
        elif info.volser in system.offline_volumes:
            lines.append(f"{head} OFFLINE")
        else:
            lines.append(f"{head} ONLINE   USERS = {len(users.get(info.volser, ())):03d}")
    return lines


def terminal_lines(ctx: CommandContext, kind: str, raddr: int | None = None) -> list[str]:
    """The telnet sessions of one kind (LINE or GRAF), or the one at ``raddr``."""
    system = ctx.system
    lines = []
    for session in sorted(system.sessions, key=lambda s: s.raddr):
        if session.console.kind != kind or (raddr is not None and session.raddr != raddr):
            continue
        if session.user is not None:
            lines.append(f"{session.device} LOGON AS {session.user.userid:<8}")
        else:
            state = "ENABLED" if system.logons_enabled else "DISABLED"
            lines.append(f"{session.device} {state}")
    return lines


def other_real_query(ctx: CommandContext, word: str) -> list[str] | None:
    """Lines for DASD, TAPES, LINES, GRAF or a terminal's raddr; None for other words."""
    if len(word) >= 2 and "DASD".startswith(word):
        return dasd_lines(ctx) or ["NO DASD"]
    if word in ("TAPES", "TAPE"):
        return ["NO TAPES"]
    if word in ("LINES", "LINE"):
        return terminal_lines(ctx, "LINE") or ["NO LINES"]
    if word == "GRAF":
        return terminal_lines(ctx, "GRAF") or ["NO GRAF"]
    address = raddr_of(word)
    if address is not None:
        found = terminal_lines(ctx, "LINE", address) + terminal_lines(ctx, "GRAF", address)
        return found or None
    return None


def all_real_query(ctx: CommandContext, unit_record: list[str]) -> list[str]:
    """QUERY ALL: every real device, DASD first."""
    found = [
        *dasd_lines(ctx),
        *unit_record,
        *terminal_lines(ctx, "LINE"),
        *terminal_lines(ctx, "GRAF"),
    ]
    return found or ["NO DEVICES"]


def offline_status(ctx: CommandContext, device: RealDevice) -> list[str]:
    """A printer's or punch's QUERY lines, OFFLINE when it was VARYed so."""
    lines = device.status_lines()
    if device.settings.raddr in ctx.system.offline_units and device.active is None:
        drained = f"{device.name} {DeviceState.DRAINED.value:<8}"
        lines[0] = lines[0].replace(drained, f"{device.name} {'OFFLINE':<8}", 1)
    return lines
