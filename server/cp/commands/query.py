"""QUERY (reference/cp-cms.md 5.25): the forms this system answers so far.

Any operand that is not a QUERY keyword is taken as a userid, as CP does
(``DMKCQY045E userid NOT LOGGED ON``). Keywords for facilities that are not
built yet answer that they are not available rather than pretending.
"""

from __future__ import annotations

from server.cp.commands.spoolfiles import query_spool, spool_query_keyword
from server.cp.commands.urcontrol import real_query
from server.cp.context import CommandContext
from server.cp.messages import CPError, not_logged_on
from server.cp.pfkeys import pf_number, query_pf_lines
from server.cp.qvirtual import query_virtual
from server.cp.registry import command
from server.cp.system import CPLEVEL, System
from server.cp.timefmt import connect_time, cpu_time, short_stamp, stamp
from server.cp.user import User

NAMES_PER_LINE = 5
# QUERY STORAGE, DASD, CONSOLE, CHANNELS: a class of QUERY VIRTUAL, with its shortest form.
VIRTUAL_CLASSES = (("STORAGE", 4), ("DASD", 2), ("CONSOLE", 3), ("CHANNELS", 4))


def keyword(token: str, name: str, minimum: int) -> bool:
    return len(token) >= minimum and name.startswith(token)


def where(user: User) -> str:
    return "DSC" if user.session is None else f"{user.session.raddr:03X}"


def names_lines(system: System) -> list[str]:
    entries = [
        f"{user.userid:<8} - {where(user)}"
        for user in sorted(system.users.values(), key=lambda u: u.userid)
    ]
    return [
        ", ".join(entries[i : i + NAMES_PER_LINE]) for i in range(0, len(entries), NAMES_PER_LINE)
    ]


def time_lines(system: System, user: User) -> list[str]:
    return [
        f"TIME IS {stamp(system.clock.now())}",
        f"CONNECT= {connect_time(user.connect_seconds())} "
        f"VIRTCPU= {cpu_time(user.virtual_seconds)} "
        f"TOTCPU= {cpu_time(user.virtual_seconds + user.cp_seconds)}",
    ]


def onoff(flag: bool) -> str:
    return "ON " if flag else "OFF"


def set_lines(user: User) -> list[str]:
    s = user.settings
    return [
        f"MSG {onoff(s.msg)}, WNG {onoff(s.wng)}, EMSG {s.emsg.value}, ACNT {onoff(s.acnt)}, "
        f"RUN {onoff(s.run)}",
        f"LINEDIT {onoff(s.linedit)}, TIMER {s.timer:<3}, ISAM {onoff(s.isam)}, "
        f"ECMODE {onoff(s.ecmode)}",
        f"PAGEX {onoff(s.pagex)}",
        f"IMSG {onoff(s.imsg)}",
    ]


def symbol(value: str | None) -> str:
    return "OFF" if value is None else value


def terminal_lines(user: User) -> list[str]:
    t = user.terminal
    sym = t.symbols
    linesize = "OFF" if t.linesize is None else f"{t.linesize:03d}"
    return [
        f"LINEND  {symbol(sym.linend)} , LINEDEL  {symbol(sym.linedel)} , "
        f"CHARDEL  {symbol(sym.chardel)} , ESCAPE  {symbol(sym.escape)} , "
        f"TABCHAR {'OFF' if sym.tabchar is None else 'ON'}",
        f"LINESIZE {linesize}, ATTN {onoff(t.attn)}, APL {onoff(t.apl)}, TEXT {onoff(t.text)}, "
        f"MODE {t.mode}, HILIGHT {onoff(t.hilight)}",
        f"AUTOCR {onoff(t.autocr).strip()}, MORE {t.more[0]:03d} {t.more[1]:03d}, "
        f"HOLD {onoff(t.hold)}, TIMESTAMP OFF",
    ]


def logmsg_lines(system: System) -> list[str]:
    logmsg = system.logmsg
    if logmsg.set_at is None or not logmsg.lines:
        return ["NO LOGMSG SET"]
    return [f"LOGMSG - {short_stamp(logmsg.set_at)}", *logmsg.lines]


def user_line(system: System, userid: str) -> str:
    user = system.find_user(userid)
    if user is None:
        raise not_logged_on("CQY", userid)
    return f"{user.userid:<8} - {where(user)}"


def users_line(system: System) -> str:
    return f"{system.user_count:03d} USERS, {0:03d} DIALED"


@command("QUERY", minimum=1, classes="ABCDEFGH", syntax="Query operand ...")
async def query(ctx: CommandContext) -> None:
    system, user = ctx.system, ctx.user
    if not ctx.operands:
        raise CPError("CQG", 26, "OPERAND MISSING OR INVALID")
    first, rest = ctx.operands[0], ctx.operands[1:]
    if keyword(first, "TIME", 1):
        ctx.reply(*time_lines(system, user))
    elif keyword(first, "USERS", 1):
        ctx.reply(user_line(system, rest[0]) if rest else users_line(system))
    elif keyword(first, "NAMES", 1):
        ctx.reply(*names_lines(system))
    elif keyword(first, "LOGMSG", 3):
        ctx.reply(*logmsg_lines(system))
    elif first == "SET":
        ctx.reply(*set_lines(user))
    elif keyword(first, "TERMINAL", 4):
        ctx.reply(*terminal_lines(user))
    elif first == "USERID":
        ctx.reply(f"{user.userid:<8} AT {system.node}")
    elif first == "CPLEVEL":
        ctx.reply(
            CPLEVEL,
            f"IPL AT {stamp(system.started_at)}",
            f"PEAK LOAD {system.peak_users:03d} USERS",
        )
    elif first.startswith("PF") and (first == "PF" or pf_number(first) is not None):
        ctx.reply(*query_pf_lines(user.terminal.pf, pf_number(first)))
    elif first == "PRIV":
        ctx.reply(f"PRIV = {user.classes}")
    elif keyword(first, "LINKS", 4):
        from server.cp.commands.link import query_links

        ctx.reply(*query_links(system, user, rest[0] if rest else None))
    elif (real := real_query(ctx, first)) is not None:  # class B: QUERY DASD is real
        ctx.reply(*real)
    elif keyword(first, "VIRTUAL", 1):
        ctx.reply(*query_virtual(user, rest[0] if rest else None))
    elif any(keyword(first, name, length) for name, length in VIRTUAL_CLASSES):
        ctx.reply(*query_virtual(user, first))
    elif first == "NSS" and "E" in user.classes:
        from server.cp.commands.segments import nss_lines

        ctx.reply(*nss_lines(system))
    elif (spool_keyword := spool_query_keyword(first)) is not None:
        await query_spool(ctx, spool_keyword, rest)
    else:
        ctx.reply(user_line(system, first))
