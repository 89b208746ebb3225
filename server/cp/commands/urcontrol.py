"""The spooling operator's commands for the real printers, punches and card reader (class D).

Reference cp-cms.md section 6 and 8.4; VM/370 Operator's Guide R6 (BACKSPAC,
FLUSH, "Operator Spooling Functions"); z/VM CP Commands for DRAIN where R6
text was not found.  The devices are `server.cp.realur.RealDevice`; the card
reader is the hopper (`server.cp.hopper`).

* ``START raddr|ALL|PRINTERS|PUNCHES|READERS [CLASS c1 [c2 [c3 [c4]]]] [SEP|NOSEP]``
* ``DRAIN raddr|ALL|PRINTERS|PUNCHES|READERS``: at once when idle, else after the file
* ``FLUSH raddr [ALL] [HOLD]``: end the current copy (ALL: every copy; HOLD: keep the
  file in system hold)
* ``BACKSPAC raddr [FILE | [nnn] [EOF]]`` (a punch: FILE)
* ``REPEAT raddr [nn]``: nn more copies of the file being produced
* ``SPACE raddr``: single spacing for the rest of the file
* ``QUERY UR|PRINTERS|PUNCHES|READERS|raddr`` (classes B and D): device status.
* ``LOADBUF`` and (class G) ``LOADVFCB``: this system has no UCS or FCB images; both say so.

The responses ``PRT 00E FLUSHED userid FILE = ...`` and ``... BACKSPACE ...``
follow the Operator's Guide; ``STARTED``/``DRAINED`` and the QUERY layout
are vm370's (unverified); message numbers DMKCSO... are (unverified).
"""

from __future__ import annotations

from server.cp.commands.realquery import all_real_query, offline_status, other_real_query
from server.cp.context import CommandContext
from server.cp.messages import CPError, invalid_operand, not_available, operand_missing
from server.cp.realur import DeviceState, RealDevice, RealUnitRecord, raddr_of
from server.cp.registry import command
from spool.model import CLASSES, Queue

MODULE = "CSO"
READER_WORDS = ("READERS", "READER", "RDR")


def devices(ctx: CommandContext) -> RealUnitRecord:
    table = ctx.system.real_ur
    if table is None:
        raise CPError(MODULE, 40, "NO REAL UNIT RECORD DEVICES ARE DEFINED")
    return table


def is_hopper(ctx: CommandContext, word: str) -> bool:
    """``word`` is the card reader's real address (00C, 0C or C)."""
    hopper = ctx.system.hopper
    return hopper is not None and word.upper().lstrip("0") == f"{hopper.raddr:X}"


def reader_named(ctx: CommandContext, operand: str) -> bool:
    word = operand.upper()
    if ctx.system.hopper is None:
        return False
    return word in ("ALL", *READER_WORDS) or is_hopper(ctx, word)


def named(ctx: CommandContext, operand: str) -> list[RealDevice]:
    found = devices(ctx).select(operand)
    if not found and not reader_named(ctx, operand):
        raise CPError(MODULE, 40, f"DEV {operand.upper()[:4]} DOES NOT EXIST")
    return found


def one_device(ctx: CommandContext, printer_only: bool = False) -> RealDevice:
    if not ctx.operands:
        raise operand_missing(MODULE)
    operand = ctx.operands[0].upper()
    found = devices(ctx).select(operand)
    if len(found) != 1 or operand in ("ALL", "PRINTERS", "PUNCHES", "PRINTER", "PUNCH"):
        raise CPError(MODULE, 40, f"DEV {operand[:4]} DOES NOT EXIST")
    device = found[0]
    if printer_only and device.settings.queue is not Queue.PRT:
        raise CPError(MODULE, 41, f"DEV {device.settings.raddr:03X} IS NOT A PRINTER")
    return device


def active_file(device: RealDevice) -> None:
    if device.active is None:
        raise CPError(MODULE, 140, f"{device.name} NOT ACTIVE")


def start_options(words: list[str]) -> tuple[str | None, bool | None]:
    classes: str | None = None
    separator: bool | None = None
    index = 0
    while index < len(words):
        word = words[index]
        if word in ("CLASS", "CL"):
            picked = []
            index += 1
            while index < len(words) and len(words[index]) == 1 and words[index] in CLASSES:
                picked.append(words[index])
                index += 1
            if not 1 <= len(picked) <= 4:
                raise invalid_operand(MODULE, words[index] if index < len(words) else "CLASS")
            classes = "".join(picked)
            continue
        if word in ("SEP", "NOSEP"):
            separator = word == "SEP"
        else:
            raise invalid_operand(MODULE, word)
        index += 1
    return classes, separator


@command(
    "START",
    minimum=3,
    classes="D",
    syntax="STArt raddr|ALL|PRINTERS|PUNCHES|READERS [CLass c1 [c2 [c3 [c4]]]] [SEP|NOSEP]",
)
async def start_command(ctx: CommandContext) -> None:
    if not ctx.operands:
        raise operand_missing(MODULE)
    operand = ctx.operands[0]
    found = named(ctx, operand)
    classes, separator = start_options(ctx.operands[1:])
    offline = [d for d in found if d.settings.raddr in ctx.system.offline_units]
    if offline and len(found) == 1:
        raise CPError(MODULE, 42, f"{offline[0].name} IS OFFLINE")
    for device in found:
        if device in offline:
            continue  # VARY ONLINE first
        device.start(classes, separator)
        ctx.reply(f"{device.name} STARTED")
    switch_reader(ctx, operand, True)


def switch_reader(ctx: CommandContext, operand: str, running: bool) -> None:
    """START or DRAIN of the card reader (the hopper), when ``operand`` names it."""
    hopper = ctx.system.hopper
    if hopper is not None and reader_named(ctx, operand):
        hopper.running = running
        ctx.reply(f"RDR {hopper.raddr:03X} {'STARTED' if running else 'DRAINED'}")


@command("DRAIN", minimum=2, classes="D", syntax="DRain raddr|ALL|PRINTERS|PUNCHES|READERS")
async def drain_command(ctx: CommandContext) -> None:
    if len(ctx.operands) != 1:
        raise operand_missing(MODULE) if not ctx.operands else invalid_operand(
            MODULE, ctx.operands[1]
        )
    operand = ctx.operands[0]
    for device in named(ctx, operand):
        if device.drain():
            ctx.reply(f"{device.name} DRAINED")
    switch_reader(ctx, operand, False)


@command("FLUSH", minimum=2, classes="D", syntax="FLush raddr [ALL] [HOld]")
async def flush_command(ctx: CommandContext) -> None:
    device = one_device(ctx)
    options = set()
    for word in ctx.operands[1:]:
        if word == "ALL":
            options.add("ALL")
        elif len(word) >= 2 and "HOLD".startswith(word):
            options.add("HOLD")
        else:
            raise invalid_operand(MODULE, word)
    active_file(device)
    assert device.active is not None
    device.active.flush = "HOLD" if "HOLD" in options else "ALL" if "ALL" in options else "COPY"
    ctx.reply(device.file_line("FLUSHED"))
    if "HOLD" in options:
        ctx.reply(device.file_line("HELD"))


@command("BACKSPAC", minimum=2, classes="D", syntax="BAckspac raddr [FILE | [nnn] [EOF]]")
async def backspac_command(ctx: CommandContext) -> None:
    device = one_device(ctx)
    words = ctx.operands[1:]
    printer = device.settings.queue is Queue.PRT
    active_file(device)
    assert device.active is not None
    if words == ["FILE"]:
        target = 0
    elif not printer:
        raise invalid_operand(MODULE, words[0]) if words else operand_missing(MODULE)
    else:
        count, from_end = 0, False
        for word in words:
            if word == "EOF" and not from_end:
                from_end = True
            elif word.isdigit() and len(word) <= 3 and count == 0:
                count = int(word)
            else:
                raise invalid_operand(MODULE, word)
        target = device.active.pages_back(count, from_end)
    device.active.restart_at = target
    ctx.reply(device.file_line("BACKSPACE"))


@command("REPEAT", minimum=3, classes="D", syntax="REPeat raddr [nn]")
async def repeat_command(ctx: CommandContext) -> None:
    device = one_device(ctx)
    words = ctx.operands[1:]
    if len(words) > 1:
        raise invalid_operand(MODULE, words[1])
    if words and not (words[0].isdigit() and 1 <= int(words[0]) <= 99):
        raise invalid_operand(MODULE, words[0])
    active_file(device)
    assert device.active is not None
    device.active.copies_left = min(99, device.active.copies_left + int(words[0] if words else 1))
    ctx.reply(device.file_line("REPEAT"))


@command("SPACE", minimum=3, classes="D", syntax="SPAce raddr")
async def space_command(ctx: CommandContext) -> None:
    device = one_device(ctx, printer_only=True)
    if len(ctx.operands) > 1:
        raise invalid_operand(MODULE, ctx.operands[1])
    active_file(device)
    assert device.active is not None
    device.active.single_space = True
    ctx.reply(device.file_line("SPACED"))


@command("LOADBUF", minimum=5, classes="D", syntax="LOADBUF raddr UCS|FCB name [FOLD] [VER]")
async def loadbuf_command(ctx: CommandContext) -> None:
    one_device(ctx, printer_only=True)
    raise not_available(MODULE, "UCS AND FCB IMAGES")


@command("LOADVFCB", minimum=5, syntax="LOADVFCB vaddr FCB name [INDex [nnn]]")
async def loadvfcb_command(ctx: CommandContext) -> None:
    raise not_available("VFC", "FCB IMAGES")


def real_query(ctx: CommandContext, operand: str) -> list[str] | None:
    """QUERY of real devices: DASD, TAPES, LINES, GRAF and ALL for class B
    (``realquery.py``), unit-record devices for classes B and D; None when ``operand``
    is not about them (or the user may not ask)."""
    word = operand.upper()
    if "B" in ctx.user.classes:
        if word == "ALL":
            return all_real_query(ctx, real_query(ctx, "UR") or [])
        lines = other_real_query(ctx, word)
        if lines is not None:
            return lines
    if not set(ctx.user.classes) & set("BD") or ctx.system.real_ur is None:
        return None
    table = ctx.system.real_ur
    hopper = ctx.system.hopper
    if word == "UR":
        chosen = list(table.devices.values())
    elif word in ("PRINTERS", "PUNCHES"):
        chosen = table.select(word)
    elif word == "READERS":
        chosen = []
    else:
        address = raddr_of(word)  # an address only: QUERY PRT/PRINTER are spool queries
        chosen = [table.devices[address]] if address in table.devices else []
        if not chosen and not is_hopper(ctx, word):
            return None
    lines = [line for device in sorted(chosen, key=lambda d: d.settings.raddr)
             for line in offline_status(ctx, device)]  # fmt: skip
    if hopper is not None and (word in ("UR", "READERS") or is_hopper(ctx, word)):
        state = DeviceState.STARTED if hopper.running else DeviceState.DRAINED
        lines.insert(0, f"RDR {hopper.raddr:03X} {state.value:<8} SYSTEM   HOPPER")
    return lines or [f"NO {word}"]
