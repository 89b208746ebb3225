"""SPOOL and CLOSE: the settings and files of the virtual unit-record devices.

reference/cp-cms.md 5.6 (CLOSE), 5.29 (SPOOL) and 8.2: SPOOL sets a device's
class, CONT, HOLD, COPY, TO/FOR and (reader) EOF, and may CLOSE or PURGE
its open file; CLOSE makes the open output file a spool file (queued for
the system, or in the TO user's reader with the arrival message), or ends
the reader file by the CLOSE table. Console spooling (SPOOL CONSOLE) is not
built yet and says so.
"""

from __future__ import annotations

from server.cp.context import CommandContext
from server.cp.messages import CPError, invalid_operand, not_available, operand_missing
from server.cp.registry import command
from server.cp.spooldev import UnitRecord
from server.cp.system import System, device_address
from server.cp.user import ConsoleSpool, User
from spool.listing import close_notice
from spool.model import DeviceType, FileName
from spool.unitrecord import OutputDevice, notice_wanted

DEVICE_WORDS = {
    "READER": DeviceType.RDR, "RDR": DeviceType.RDR, "R": DeviceType.RDR,
    "PRINTER": DeviceType.PRT, "PRT": DeviceType.PRT, "P": DeviceType.PRT,
    "PUNCH": DeviceType.PUN, "PUN": DeviceType.PUN, "PCH": DeviceType.PUN, "PU": DeviceType.PUN,
}  # fmt: skip


CONSOLE_WORDS = ("CONSOLE", "CON", "CONS", "CONSO", "CONSOL")


async def spool_console(ctx: CommandContext, words: list[str]) -> None:
    """``SPOOL CONSOLE START|STOP [TERM|NOTERM] [TO userid] [CLASS c] [CLOSE]``."""
    user, system = ctx.user, ctx.system
    if system.spool is None:
        raise not_available("CSP", "CONSOLE SPOOLING")
    if user.console_spool is None:
        user.console_spool = ConsoleSpool(
            OutputDevice(system.spool, user.userid, DeviceType.CON), terminal=True
        )
    spool = user.console_spool
    started = spool.started
    index = 0
    while index < len(words):
        word, value = words[index], words[index + 1] if index + 1 < len(words) else None
        index += 1
        if word == "START":
            started = True
        elif word == "STOP":
            started = False
        elif word in ("TERM", "NOTERM"):
            spool.terminal = word == "TERM"
        elif word == "OFF":
            spool.output.to, spool.output.for_user = None, None
        elif word in ("TO", "FOR") and value is not None:
            who = user.userid if value == "*" else None if value == "SYSTEM" else value
            spool.output.to, spool.output.for_user = (who, None) if word == "TO" else (None, who)
            index += 1
        elif word in ("CLASS", "CL") and value is not None and len(value) == 1:
            spool.output.spool_class = value
            index += 1
        elif word == "CLOSE":
            await close_console(system, user, False, None, None, None)
        else:
            raise invalid_operand("CSP", word)
    spool.started = started
    if not started:
        await close_console(system, user, False, None, None, None)
        user.console_spool = None


async def close_console(
    system: System,
    user: User,
    purge: bool,
    hold: bool | None,
    dist: str | None,
    name: FileName | None,
) -> None:
    """CLOSE CONSOLE: the console file so far becomes a spool file (printer class)."""
    spool = user.console_spool
    if spool is None or not spool.output.is_open:
        return
    if purge:
        spool.output.purge()
        return
    spool_file = await spool.output.close(force=True, hold=hold, dist=dist, name=name)
    if spool_file is not None:
        if notice_wanted(spool_file) and user.settings.imsg:
            user.write(close_notice(spool_file))
        await system.spool_arrived(spool_file)


def units(user: User, token: str, module: str) -> list[UnitRecord]:
    """The spooled devices a SPOOL or CLOSE operand names (a type, or one vaddr)."""
    if user.vm is None:
        raise not_available(module, "VIRTUAL MACHINE")
    devices = [v.unit for v in user.vm.devices.values() if v.unit is not None]
    kind = DEVICE_WORDS.get(token)
    if kind is not None:
        found = [unit for unit in devices if unit.kind is kind]
    elif (address := device_address(token)) is not None:
        found = [unit for unit in devices if unit.address == address]
        if not found:
            raise CPError(module, 40, f"DEV {address:03X} DOES NOT EXIST")
    else:
        raise CPError(module, 22, "VADDR MISSING OR INVALID")
    if not found:
        raise CPError(module, 40, f"DEV {token} DOES NOT EXIST")
    return sorted(found, key=lambda unit: unit.address)


async def close_output(
    system: System,
    user: User,
    unit: UnitRecord,
    purge: bool,
    hold: bool | None,
    dist: str | None,
    name: FileName | None,
) -> None:
    output = unit.output
    assert output is not None
    if purge:
        output.purge()
        return
    spool_file = await output.close(force=True, hold=hold, dist=dist, name=name)
    if spool_file is None:
        return
    if notice_wanted(spool_file) and user.settings.imsg:
        user.write(close_notice(spool_file))
    await system.spool_arrived(spool_file)


def apply_setting(unit: UnitRecord, words: list[str], index: int) -> int:
    """Apply the SPOOL operand at ``index``; returns how many words it used."""
    word = words[index]
    value = words[index + 1] if index + 1 < len(words) else None
    target = unit.output if unit.output is not None else unit.reader
    assert target is not None
    if word in ("CLASS", "CL", "CLA", "CLAS"):
        star_allowed = unit.reader is not None
        if value is None or not (
            (value == "*" and star_allowed) or (len(value) == 1 and value.isalnum())
        ):
            raise CPError("CSP", 28, "CLASS MISSING OR INVALID")
        if unit.reader is not None:
            unit.reader.spool_class = None if value == "*" else value
        elif unit.output is not None:
            unit.output.spool_class = value
        return 2
    if word in ("CONT", "CON", "NOCONT", "NOC", "NOCO", "NOCON"):
        target.cont = not word.startswith("NO")
    elif word in ("HOLD", "HO", "HOL", "NOHOLD", "NOH", "NOHO", "NOHOL"):
        target.hold = not word.startswith("NO")
    elif unit.reader is not None and word in ("EOF", "NOEOF", "NOE", "NOEO"):
        unit.reader.eof = word == "EOF"
    elif unit.output is not None and word in ("COPY", "CO", "COP"):
        if value is None or not value.isdigit() or not 1 <= int(value) <= 99:
            raise operand_missing("CSP")
        unit.output.copies = int(value)
        return 2
    elif unit.output is not None and word in ("TO", "FOR"):
        return set_destination(unit, word, value)
    elif unit.output is not None and word == "OFF":  # no TO/FOR: the system queue
        unit.output.to, unit.output.for_user = None, None
    else:
        raise invalid_operand("CSP", word)
    return 1


async def check_destinations(ctx: CommandContext, words: list[str]) -> None:
    """TO and FOR name users of the directory (a file for nobody would be lost)."""
    for word, value in zip(words, words[1:], strict=False):
        if word in ("TO", "FOR") and value not in ("*", "SYSTEM"):
            if len(value) > 8 or await ctx.system.store.get_user(value) is None:
                raise CPError("CSP", 53, f"{value[:8]} NOT IN CP DIRECTORY")


def set_destination(unit: UnitRecord, word: str, value: str | None) -> int:
    output = unit.output
    assert output is not None
    if value is None:
        raise CPError("CSP", 20, "USERID MISSING OR INVALID")
    who = None if value == "SYSTEM" else value
    if word == "TO":
        output.to, output.for_user = who, None
    else:
        output.for_user, output.to = who, None
    return 2


@command(
    "SPOOL",
    minimum=2,
    syntax="SPool device [CLass c] [CONt|NOCont] [HOld|NOHold] "
    "[COpy nn] [TO|FOR userid|*|SYSTEM|OFF] [EOF|NOEof] [CLOSE|PURGE]",
)
async def spool(ctx: CommandContext) -> None:
    words = ctx.operands
    if not words:
        raise operand_missing("CSP")
    await check_destinations(ctx, words[1:])
    if words[0] in CONSOLE_WORDS:
        await spool_console(ctx, words[1:])
        return
    for unit in units(ctx.user, words[0], "CSP"):
        index, action = 1, None
        while index < len(words):
            word = words[index]
            if word in ("CLOSE", "PURGE"):
                action, index = word, index + 1
                continue
            if word in ("TO", "FOR") and index + 1 < len(words) and words[index + 1] == "*":
                words = [*words[: index + 1], ctx.user.userid, *words[index + 2 :]]
            index += apply_setting(unit, words, index)
        if action is not None and unit.output is not None:
            await close_output(ctx.system, ctx.user, unit, action == "PURGE", None, None, None)


def close_options(words: list[str]) -> tuple[bool, bool | None, str | None, FileName | None]:
    purge, hold, dist, name = False, None, None, None
    index = 0
    while index < len(words):
        word = words[index]
        if word in ("PURGE", "PU", "PUR", "PURG"):
            purge = True
        elif word in ("HOLD", "HO", "HOL", "NOHOLD", "NOH", "NOHO", "NOHOL"):
            hold = not word.startswith("NO")
        elif word in ("DIST", "DI", "DIS") and index + 1 < len(words):
            dist, index = words[index + 1], index + 1
        elif word in ("NAME", "NA", "NAM") and index + 1 < len(words):
            name = FileName.parse(words[index + 1 :])
            break
        else:
            raise CPError("CSQ", 3, f"INVALID OPTION - {word[:8]}")
        index += 1
    return purge, hold, dist, name


@command("CLOSE", minimum=2, syntax="CLose device [PUrge] [HOld|NOHold] [DIst code] [NAme fn ft]")
async def close(ctx: CommandContext) -> None:
    if not ctx.operands:
        raise operand_missing("CSQ")
    purge, hold, dist, name = close_options(ctx.operands[1:])
    if ctx.operands[0] in CONSOLE_WORDS:
        await close_console(ctx.system, ctx.user, purge, hold, dist, name)
        return
    for unit in units(ctx.user, ctx.operands[0], "CSQ"):
        if unit.reader is not None:
            staged = unit.device.take_file()  # type: ignore[attr-defined]
            if staged is not None:
                option = None if hold is None else ("HOLD" if hold else "NOHOLD")
                staged.close(option)
        else:
            await close_output(ctx.system, ctx.user, unit, purge, hold, dist, name)
