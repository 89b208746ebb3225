"""SLEEP, FORCE, SHUTDOWN and HELP (reference/cp-cms.md 5.27 and section 6)."""

from __future__ import annotations

from server.cp.context import CommandContext
from server.cp.messages import CPError, not_logged_on, operand_missing, unknown_command
from server.cp.registry import ANY, REGISTRY, command

UNITS = {"SEC": 1, "MIN": 60, "HR": 3600, "HRS": 3600}


def sleep_seconds(operands: list[str]) -> float | None:
    if not operands:
        return None
    count = operands[0]
    if not count.isdigit() or int(count) > 99 or len(operands) > 2:
        raise operand_missing()
    unit = operands[1] if len(operands) == 2 else "MIN"
    if unit in UNITS:
        return int(count) * UNITS[unit]
    raise CPError("CFC", 2, f"INVALID OPERAND - {unit[:8]}")


@command("SLEEP", minimum=2, classes=ANY, syntax="SLeep [nn [SEC|MIN|HRs]]")
async def sleep(ctx: CommandContext) -> None:
    await ctx.session.sleep(sleep_seconds(ctx.operands))


@command("FORCE", classes="A", syntax="FORCE userid")
async def force(ctx: CommandContext) -> None:
    if len(ctx.operands) != 1:
        raise operand_missing("CFC")
    target = ctx.system.find_user(ctx.operands[0])
    if target is None:
        raise not_logged_on("CFC", ctx.operands[0])
    session = target.session
    lines = ctx.system.logoff(target, forced=True)
    if session is not None:
        session.write(*lines)
        session.hang_up()
    ctx.reply("COMMAND COMPLETE")


@command("SHUTDOWN", classes="A", syntax="SHUTDOWN")
async def shutdown(ctx: CommandContext) -> None:
    if ctx.operands:
        raise CPError("CFC", 2, f"INVALID OPERAND - {ctx.operands[0][:8]}")
    await ctx.system.shutdown(by=ctx.user.userid)


@command("HELP", classes=ANY, syntax="HELP [command]")
async def help_command(ctx: CommandContext) -> None:
    classes = ctx.session.user.classes if ctx.session.user is not None else None
    if ctx.operands:
        spec = REGISTRY.lookup(ctx.operands[0], classes)
        if spec is None:
            raise unknown_command(ctx.operands[0])
        ctx.reply(spec.syntax)
        return
    names = [spec.name for spec in REGISTRY.available(classes)]
    ctx.reply(f"CP COMMANDS FOR CLASSES {classes or 'ANY'}:")
    for start in range(0, len(names), 6):
        ctx.reply(" ".join(f"{name:<10}" for name in names[start : start + 6]).rstrip())


@command("AUTOLOG", minimum=5, classes="A", syntax="AUTOLOG userid password")
async def autolog(ctx: CommandContext) -> None:
    """Log a user on without a terminal, running its directory IPL."""
    if len(ctx.operands) != 2:
        raise operand_missing("CFC")
    userid, password = ctx.operands
    system = ctx.system
    if system.find_user(userid) is not None:
        raise CPError("LOG", 54, f"{userid} ALREADY LOGGED ON")
    entry = await system.store.authenticate(userid, password)
    if entry is None:
        raise CPError("LOG", 50, "PASSWORD INCORRECT - REINITIATE LOGON PROCEDURE")
    await system.autolog(entry)
    ctx.reply("COMMAND COMPLETE")
