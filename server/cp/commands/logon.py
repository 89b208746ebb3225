"""LOGON/LOGIN, LOGOFF/LOGOUT and DISCONN (reference/cp-cms.md 4.2-4.5).

A wrong password, an unknown userid and a NOLOG userid all get the same
answer, so the response never tells which was wrong; failed attempts are
counted per userid and per address and, past the limit, answered slowly.
"""

from __future__ import annotations

import asyncio
import re

from server.cp.commands.operator import logon_refused
from server.cp.commands.spoolfiles import logon_files_line
from server.cp.context import CommandContext
from server.cp.messages import CPError, userid_missing
from server.cp.registry import ANY, command
from server.cp.session import Session
from server.cp.timefmt import short_stamp, stamp
from server.cp.user import User

USERID = re.compile(r"^[A-Z0-9@#$_-]{1,8}$")


def _password_incorrect() -> CPError:
    return CPError("LOG", 50, "PASSWORD INCORRECT - REINITIATE LOGON PROCEDURE")


@command(
    "LOGON",
    minimum=1,
    classes=ANY,
    prelogon=True,
    aliases=(("LOGIN", 5),),
    syntax="Logon|LOGIN userid [password] [Mask] [Noipl]",
)
async def logon(ctx: CommandContext) -> None:
    session = ctx.session
    if session.user is not None:
        raise CPError("LOG", 51, f"{session.user.userid} ALREADY LOGGED ON THIS TERMINAL")
    words = ctx.text.split()
    if not words or not USERID.match(words[0].upper()):
        raise userid_missing("LOG")
    userid = words[0].upper()
    refused = logon_refused(session, userid)
    if refused is not None:
        raise refused
    rest = words[1:]
    password: str | None = None
    if rest and rest[0].upper() not in ("MASK", "NOIPL"):
        password = rest.pop(0)
    noipl = any(word.upper() in ("N", "NO", "NOI", "NOIP", "NOIPL") for word in rest)
    if password is not None:
        await _complete_logon(session, userid, password, noipl)
        return

    async def with_password(line: str) -> None:
        await _complete_logon(session, userid, line.strip(), noipl)

    session.prompt_hidden("ENTER PASSWORD:", with_password)


async def _complete_logon(session: Session, userid: str, password: str, noipl: bool) -> None:
    system = session.system
    keys = (f"user:{userid}", f"addr:{session.console.peer}")
    penalty = system.throttle.penalty(*keys)
    if penalty:
        await asyncio.sleep(penalty)
    # Unknown, NOLOG and wrong-password logons cost the same and get the same answer.
    entry = await system.store.authenticate(userid, password)
    if entry is None:
        system.throttle.record_failure(*keys)
        raise _password_incorrect()
    if session.closed:
        return
    existing = system.find_user(userid)
    if existing is not None:
        _reconnect(session, existing)
        return
    user = system.add_user(entry, session)
    await system.configure_devices(user)
    _logon_banner(session)
    if (files := await logon_files_line(system, user.userid)) is not None:
        session.write(files)
    session.write(f"LOGON AT {stamp(system.clock.now())}")
    system.operator_console(
        f"{session.device} LOGON  AS {user.userid:<8} USERS = {system.user_count:03d}"
    )
    if entry.ipl is not None and not noipl:
        try:
            await system.ipl(user, entry.ipl.target, entry.ipl.parm or "")
        except CPError as failure:
            session.error(failure.message)


def _logon_banner(session: Session) -> None:
    logmsg = session.system.logmsg
    if logmsg.set_at is not None and logmsg.lines:
        session.write(f"LOGMSG - {short_stamp(logmsg.set_at)}")
        session.write(*(line for line in logmsg.lines if line.startswith("*")))


def _reconnect(session: Session, user: User) -> None:
    """LOGON to a disconnected user reattaches it; a connected one is refused."""
    system = session.system
    if user.session is not None:
        raise CPError("LOG", 54, f"ALREADY LOGGED ON {user.session.device}")
    system.attach(user, session)
    # After a reconnect LINEDEL reverts to the system default (cp-cms.md 1.3).
    user.terminal.symbols = user.terminal.symbols.with_symbol(
        "linedel", system.default_symbols.linedel
    )
    _logon_banner(session)
    session.write(f"RECONNECTED AT {stamp(system.clock.now())}")
    system.operator_console(
        f"{session.device} RECONNECT AS {user.userid:<8} USERS = {system.user_count:03d}"
    )


@command("LOGOFF", minimum=3, classes=ANY, aliases=(("LOGOUT", 4),), syntax="LOGoff|LOGout [HOld]")
async def logoff(ctx: CommandContext) -> None:
    hold = _hold_operand(ctx)
    session = ctx.session
    await ctx.system.close_spool_files(ctx.user)
    lines = ctx.system.logoff(ctx.user)
    session.write(*lines)
    if hold:
        session.console.show_logo()
        session.prelogon_notice()
    else:
        session.hang_up()


@command("DISCONN", minimum=4, classes=ANY, syntax="DISConn [HOld]")
async def disconn(ctx: CommandContext) -> None:
    hold = _hold_operand(ctx)
    session = ctx.session
    session.write(f"DISCONNECT AT {stamp(ctx.system.clock.now())}")
    ctx.system.disconnect(ctx.user)
    if hold:
        session.console.show_logo()
        session.prelogon_notice()
    else:
        session.hang_up()


def _hold_operand(ctx: CommandContext) -> bool:
    if not ctx.operands:
        return False
    if len(ctx.operands) == 1 and "HOLD".startswith(ctx.operands[0]) and len(ctx.operands[0]) >= 2:
        return True
    raise CPError("CFC", 2, f"INVALID OPERAND - {ctx.operands[-1][:8]}")
