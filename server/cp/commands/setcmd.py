"""SET (reference/cp-cms.md 5.26) and the class B SET LOGMSG.

``SET`` with no visible effect produces no response; a bad operand gives
``DMKCFC026E OPERAND MISSING OR INVALID`` and leaves earlier settings alone.
"""

from __future__ import annotations

from server.cp.context import CommandContext, text_after
from server.cp.messages import CPError, EmsgSetting, not_available, operand_missing
from server.cp.pfkeys import parse_set_pf, pf_number
from server.cp.registry import command
from server.cp.user import UserSettings

FLAGS = {
    "ACNT": ("acnt", 4),
    "ECMODE": ("ecmode", 2),
    "IMSG": ("imsg", 4),
    "ISAM": ("isam", 4),
    "LINEDIT": ("linedit", 5),
    "MSG": ("msg", 3),
    "PAGEX": ("pagex", 5),
    "RUN": ("run", 3),
    "SMSG": ("smsg", 4),
    "WNG": ("wng", 3),
}
NOT_BUILT = ("ASSIST", "NOTRANS")


def on_off(value: str | None) -> bool:
    if value == "ON":
        return True
    if value == "OFF":
        return False
    raise operand_missing()


def find_flag(token: str) -> str | None:
    for name, (attribute, minimum) in FLAGS.items():
        if len(token) >= minimum and name.startswith(token):
            return attribute
    return None


def apply_setting(settings: UserSettings, token: str, value: str | None) -> None:
    attribute = find_flag(token)
    if attribute is not None:
        setattr(settings, attribute, on_off(value))
    elif token == "EMSG":
        if value not in ("ON", "OFF", "CODE", "TEXT"):
            raise operand_missing()
        settings.emsg = EmsgSetting(value)
    elif token == "TIMER":
        if value not in ("ON", "OFF", "REAL"):
            raise operand_missing()
        settings.timer = value
    elif token in NOT_BUILT:
        raise not_available("CFC", f"SET {token}")
    else:
        raise operand_missing()


@command("SET", classes="ABCDEFG", syntax="SET function ON|OFF|value")
async def set_command(ctx: CommandContext) -> None:
    if not ctx.operands:
        raise operand_missing()
    token = ctx.operands[0]
    if token == "LOGMSG":
        await set_logmsg(ctx)
        return
    if token in ("PRIORITY", "FAVORED"):
        set_scheduling(ctx, token)
        return
    if token == "RESERVE":
        set_reserve(ctx)
        return
    number = pf_number(token)
    if number is not None:
        setting = parse_set_pf(text_after(ctx.text, 1))
        if setting is None:
            ctx.user.terminal.pf.pop(number, None)
        else:
            ctx.user.terminal.pf[number] = setting
        return
    if len(ctx.operands) > 2:
        raise operand_missing()
    apply_setting(ctx.user.settings, token, ctx.operand(1))
    if token == "TIMER" and ctx.user.vm is not None:  # the running machine's timers follow
        machine = ctx.user.vm.machine
        machine.cpu.timers.set_mode(ctx.user.settings.timer, machine.cpu.instructions_executed)


async def set_logmsg(ctx: CommandContext) -> None:
    """``SET LOGMSG NULL`` clears it; ``SET LOGMSG nn [text]`` sets or removes line nn."""
    if "B" not in ctx.user.classes:  # SET LOGMSG is class B (DMKCFO)
        raise operand_missing()
    logmsg = ctx.system.logmsg
    words = ctx.text.split(None, 2)  # "LOGMSG", line number or NULL, text
    if len(words) < 2:
        raise operand_missing()
    selector = words[1].upper()
    if selector == "NULL" and len(words) == 2:
        logmsg.lines = []
    elif selector.isdigit() and 1 <= int(selector) <= 99:
        number = int(selector)
        text = words[2] if len(words) > 2 else None
        lines = logmsg.lines + [""] * max(0, number - len(logmsg.lines))
        if text is None:
            del lines[number - 1]
        else:
            lines[number - 1] = text
        while lines and not lines[-1]:
            lines.pop()
        logmsg.lines = lines
    else:
        raise operand_missing()
    logmsg.set_at = ctx.system.clock.now()
    logmsg.save()


def set_scheduling(ctx: CommandContext, token: str) -> None:
    """Class A: ``SET PRIORITY userid nn``, ``SET FAVORED userid [nn]|OFF``."""
    if "A" not in ctx.user.classes:
        raise operand_missing()
    words = ctx.operands[1:]
    if not words:
        raise operand_missing()
    target = ctx.system.find_user(words[0])
    if target is None:
        raise CPError("CFC", 45, f"{words[0]} NOT LOGGED ON")
    value = words[1] if len(words) > 1 else None
    if token == "PRIORITY":
        if value is None or not value.isdigit() or not 1 <= int(value) <= 99:
            raise operand_missing()
        target.priority = int(value)
    elif value == "OFF":
        target.favored = False
    elif value is None or (value.isdigit() and 1 <= int(value) <= 100):
        target.favored = True
    else:
        raise operand_missing()


def set_reserve(ctx: CommandContext) -> None:
    """Class A ``SET RESERVE userid nnn``: real page frames for a user. Guest storage
    here is never paged, so every page is already resident; said plainly."""
    if "A" not in ctx.user.classes:
        raise operand_missing()
    words = ctx.operands[1:]
    if len(words) != 2 or not words[1].isdigit():
        raise operand_missing()
    if ctx.system.find_user(words[0]) is None:
        raise CPError("CFC", 45, f"{words[0]} NOT LOGGED ON")
    raise CPError(
        "CFC", 995, "RESERVE NOT NEEDED: GUEST STORAGE IS NEVER PAGED; EVERY PAGE IS RESIDENT", "I"
    )
