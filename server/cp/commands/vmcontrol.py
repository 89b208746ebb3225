"""Virtual machine control: BEGIN, DISPLAY, STORE, SYSTEM, DEFINE STORAGE, EXTERNAL, INDICATE.

These take the place of the System/370 console's switches and lights
(reference/cp-cms.md 5.4, 5.9, 5.13, 5.16, 5.17, 5.30, 5.31). DISPLAY and
STORE work on the virtual machine's real storage and registers with CP's
authority (no storage keys apply); SYSTEM RESET leaves the reset PSW
X'0002000000000000', and BEGIN leaves CP mode.
"""

from __future__ import annotations

import asyncio

from server.cp.context import CommandContext
from server.cp.definedev import couple, define_device
from server.cp.messages import (
    CPError,
    invalid_operand,
    not_available,
    not_logged_on,
    operand_missing,
)
from server.cp.registry import command
from server.cp.savesys import SavedSystem, SavedSystemError
from server.cp.timefmt import cpu_time
from server.cp.trace import ALL as ALL_TRACES
from server.cp.trace import KINDS as TRACE_KINDS
from server.cp.user import User
from server.cp.vdevices import VirtualDevice
from server.cp.vm import RunState, VirtualMachine
from server.cp.vmdisplay import display_operands
from server.cp.vmstore import store_operands
from server.machine.devices.base import DEVICE_END
from server.machine.devices.unitrecord import UnitRecord as UnitRecordDevice


def vm_of(ctx: CommandContext) -> VirtualMachine:
    vm = ctx.user.vm
    if vm is None:
        raise not_available("CFC", "VIRTUAL MACHINE")
    return vm


def hexloc(token: str, module: str) -> int:
    try:
        value = int(token, 16)
    except ValueError:
        raise invalid_operand(module, token) from None
    if len(token) > 6:
        raise invalid_operand(module, token)
    return value


@command("BEGIN", minimum=1, syntax="Begin [hexloc]")
async def begin(ctx: CommandContext) -> None:
    vm = vm_of(ctx)
    if len(ctx.operands) > 1:
        raise invalid_operand("CFC", ctx.operands[1])
    address = hexloc(ctx.operands[0], "CFC") if ctx.operands else None
    if address is not None and address >= vm.storage_size:
        raise CPError("CDB", 160, f"HEXLOC {address:06X} EXCEEDS STORAGE")
    ctx.user.cp_read = False
    ctx.user.console_state("RUNNING")
    vm.begin(address)


@command(
    "DISPLAY",
    minimum=1,
    syntax="Display [K|L|T]hexloc[-hexloc|.count|-END] | G|X|Y[reg] | PSW | CAW | CSW",
)
async def display(ctx: CommandContext) -> None:
    vm = vm_of(ctx)
    ctx.reply(*display_operands(vm.machine, vm.storage_size, ctx.operands or ["L0"]))


@command("STORE", minimum=2, syntax="STore [L|S]hexloc data... | G|X|Yreg data... | Psw [w1] w2")
async def store(ctx: CommandContext) -> None:
    vm = vm_of(ctx)
    if not ctx.operands:
        raise operand_missing("CDB")
    try:
        store_operands(vm.machine, vm.storage_size, ctx.operands)
    finally:  # storing into a shared segment gives the user a copy (cp-cms.md 5.30)
        linkage = vm.diagnose.segments
        for name in linkage.unshare_altered(vm.machine) if linkage is not None else []:
            ctx.reply(f"SHARED SEGMENT {name} REPLACED WITH NON-SHARED COPY")
    ctx.reply("STORE COMPLETE")


@command("SYSTEM", minimum=3, syntax="SYStem CLEAR|RESET|RESTART")
async def system_command(ctx: CommandContext) -> None:
    vm = vm_of(ctx)
    if len(ctx.operands) != 1:
        raise operand_missing("CFC")
    action = ctx.operands[0]
    if action == "CLEAR":
        vm.system_reset(clear=True)
        ctx.reply("STORAGE CLEARED - SYSTEM RESET")
    elif action == "RESET":
        vm.system_reset()
        ctx.reply("SYSTEM RESET")
    elif action == "RESTART":
        ctx.user.console_state("RUNNING")
        vm.restart()
    else:
        raise invalid_operand("CFC", action)
    if action != "RESTART":
        ctx.user.console_state("CP READ")


def storage_size(token: str) -> int:
    unit = token[-1:]
    digits = token[:-1]
    if unit not in ("K", "M") or not digits.isdigit():
        raise CPError("DEH", 25, "STORAGE MISSING OR INVALID")
    return int(digits) * (1024 if unit == "K" else 1024 * 1024)


def storage_text(size: int) -> str:
    return f"STORAGE = {size // 1024:05d}K"


@command("DEFINE", minimum=3, syntax="DEFine STORage [AS] nnnnnK|nnM | device [AS] vaddr")
async def define(ctx: CommandContext) -> None:
    vm = vm_of(ctx)
    words = [word for word in ctx.operands if word != "AS"]
    if not words:
        raise operand_missing("DEF")
    if len(words[0]) >= 4 and "STORAGE".startswith(words[0]):
        if len(words) != 2:
            raise CPError("DEH", 25, "STORAGE MISSING OR INVALID")
        size = storage_size(words[1])
        if size > vm.max_storage:
            raise CPError("DEF", 94, "STORAGE EXCEEDS ALLOWED MAXIMUM")
        defined = vm.define_storage(size)
        ctx.user.console_state("CP READ")
        if ctx.user.settings.imsg:
            ctx.reply(storage_text(defined))
        return
    response = define_device(ctx.system, ctx.user, words)
    if ctx.user.settings.imsg:
        ctx.reply(response)


@command("COUPLE", minimum=3, syntax="COUple vaddr1 [TO] userid vaddr2")
async def couple_command(ctx: CommandContext) -> None:
    """Join two virtual channel-to-channel adapters (cp-cms.md 5.7)."""
    mine, theirs, partner = couple(ctx.system, ctx.user, ctx.operands)
    ctx.reply(mine)
    partner.write(theirs)


@command("EXTERNAL", minimum=3, syntax="EXTernal")
async def external(ctx: CommandContext) -> None:
    """The console's interrupt key: external interruption code X'0040'."""
    vm = vm_of(ctx)
    if ctx.operands:
        raise invalid_operand("CFC", ctx.operands[0])
    vm.machine.press_interrupt_key()
    if vm.state is RunState.WAITING:
        vm.dispatcher.wake(vm)


def unit_record_counts(vm: VirtualMachine) -> dict[str, int]:
    """Cards read, lines printed and cards punched by the spooled devices now defined
    (each count wraps at six digits, as the INDICATE line has room for)."""
    counts = {"RDR": 0, "PRT": 0, "PUN": 0}
    for virtual in vm.devices.values():
        if virtual.unit is not None and isinstance(virtual.device, UnitRecordDevice):
            counts[virtual.unit.kind.value] += virtual.device.records
    return {kind: count % 1000000 for kind, count in counts.items()}


@command(
    "INDICATE",
    minimum=3,
    syntax="INDicate [LOAD|USER] | (class E) USER userid|QUEUES|I/O|PAGING [WAIT|ALL]",
)
async def indicate(ctx: CommandContext) -> None:
    """INDICATE (cp-cms.md 5.17); class E adds another user's USER, QUEUES, I/O and
    PAGING (section 6), all from the dispatcher's and the machines' real state."""
    vm = vm_of(ctx)
    words = ctx.operands or ["LOAD"]
    form, rest = words[0], words[1:]
    extended = "E" in ctx.user.classes
    if "LOAD".startswith(form):
        no_more(rest)
        ctx.reply(load_line(vm))
    elif "USER".startswith(form):
        if rest and not extended:
            raise invalid_operand("CFC", rest[0])
        no_more(rest[1:])
        target = ctx.user if not rest else ctx.system.find_user(rest[0])
        if target is None or target.vm is None:
            raise not_logged_on("CFC", rest[0])
        ctx.reply(*user_lines(target, target.vm))
    elif extended and len(form) >= 2 and "QUEUES".startswith(form):
        no_more(rest)
        ctx.reply(*queue_lines(vm))
    elif extended and form in ("I/O", "IO"):
        no_more(rest)
        ctx.reply(*io_lines(ctx))
    elif extended and len(form) >= 4 and "PAGING".startswith(form):
        if rest and rest[0] not in ("WAIT", "ALL"):
            raise invalid_operand("CFC", rest[0])
        no_more(rest[1:])
        ctx.reply("NO USERS IN PAGE WAIT; GUEST STORAGE IS NEVER PAGED")
    else:
        raise invalid_operand("CFC", form)


def no_more(words: list[str]) -> None:
    if words:
        raise invalid_operand("CFC", words[0])


def load_line(vm: VirtualMachine) -> str:
    dispatcher = vm.dispatcher
    q1, q2 = dispatcher.queue_lengths
    cpu = min(100, int(dispatcher.load() * 100))
    active = q1 + q2
    ratio = 1.0 if active == 0 else (active + len(dispatcher.waiting)) / active
    return f"CPU-{cpu:03d}%  APU-000%  Q1-{q1:02d}  Q2-{q2:02d}  STORAGE-000%  RATIO-{ratio:.1f}"


def user_lines(user: User, vm: VirtualMachine) -> list[str]:
    pages = vm.storage_size // 4096
    seconds = user.virtual_seconds
    total = seconds + user.cp_seconds
    records = unit_record_counts(vm)
    return [
        f"PAGES: RES-{pages:04d} WS-{pages:04d} READS=000000 WRITES=000000 MH-0000 FH-0000",
        f"VTIME={cpu_time(seconds)[:6]} TTIME={cpu_time(total)[:6]} "
        f"SIO={vm.channel.programs_started % 1000000:06d} "
        f"RDR-{records['RDR']:06d} PRT-{records['PRT']:06d} PCH-{records['PUN']:06d}",
    ]


def queue_lines(vm: VirtualMachine) -> list[str]:
    """The machines in the dispatcher's queues: userid, queue, R (runnable) and the
    resident pages over the working set (all of storage: nothing is paged)."""
    dispatcher = vm.dispatcher
    lines = []
    for name, queue in (("Q1", dispatcher.q1), ("Q2", dispatcher.q2)):
        for machine in queue:
            pages = machine.storage_size // 4096
            lines.append(f"{machine.user.userid:<8} {name} R  {pages:05d}/{pages:05d}")
    return lines or ["NO USERS IN QUEUES"]


def io_lines(ctx: CommandContext) -> list[str]:
    """Users whose machines have channel programs under way, with the device addresses."""
    lines = []
    for user in sorted(ctx.system.users.values(), key=lambda u: u.userid):
        if user.vm is None:
            continue
        for address in sorted(user.vm.channel.running):
            lines.append(f"{user.userid:<8} I/O WAIT {address:03X}")
    return lines or ["NO USERS IN I/O WAIT"]


@command("IPL", minimum=1, syntax="IPL vaddr|sysname [CLEAR|NOCLEAR] [STOP] [PARM string]")
async def ipl(ctx: CommandContext) -> None:
    """IPL a system by name (guests written in Python are registered by name)."""
    words = ctx.text.split()
    if not words:
        raise operand_missing("CFG")
    target = words[0].upper()
    parm = ""
    stop = clear = False
    for index, word in enumerate(words[1:], start=1):
        upper = word.upper()
        if upper == "PARM":
            parm = " ".join(words[index + 1 :])
            break
        if upper not in ("CLEAR", "NOCLEAR", "STOP"):
            raise invalid_operand("CFG", word)
        stop = stop or upper == "STOP"
        clear = clear or upper == "CLEAR"
    ctx.user.cp_read = False
    await ctx.system.ipl(ctx.user, target, parm, stop=stop, clear=clear)


@command("ADSTOP", minimum=6, syntax="ADSTOP hexloc|OFF")
async def adstop(ctx: CommandContext) -> None:
    """Stop the machine when it reaches an instruction address (cp-cms.md 5.2)."""
    vm = vm_of(ctx)
    if len(ctx.operands) != 1:
        raise operand_missing("CFC")
    if ctx.operands[0] == "OFF":
        vm.clear_adstop()
        return
    address = hexloc(ctx.operands[0], "CFC")
    if address & 1:
        raise invalid_operand("CFC", ctx.operands[0])
    if address + 2 > vm.storage_size:
        raise CPError("CDB", 160, f"HEXLOC {address:06X} EXCEEDS STORAGE")
    vm.set_adstop(address)


@command("SAVESYS", minimum=7, classes="E", syntax="SAVESYS systemname")
async def savesys(ctx: CommandContext) -> None:
    """Save the virtual machine (storage, keys, registers, PSW) as a named system."""
    vm = vm_of(ctx)
    if len(ctx.operands) != 1:
        raise operand_missing("CFC")
    name = ctx.operands[0]
    if vm.guest_name is not None:
        raise CPError("CFC", 410, f"SYSTEM {name} NOT SAVED; {vm.guest_name} RUNS IN PYTHON")
    saved = SavedSystem.of(vm.machine, vm.storage_size)
    try:
        await asyncio.to_thread(ctx.system.saved_systems.save, name, saved)
    except (SavedSystemError, OSError) as error:
        raise CPError("CFC", 411, f"SYSTEM {name} NOT SAVED: {error}") from None
    ctx.reply("SYSTEM SAVED")


@command(
    "TRACE",
    minimum=2,
    syntax="TRace SVC|I/O|PROgram|EXTernal|PRIV|SIO|CCW|BRanch|"
    "INSTruct|ALL|CSW ... [PRINter|TERMinal|BOTH] [RUN|NORun] [OFf] | TRace END",
)
async def trace(ctx: CommandContext) -> None:
    """Trace guest events (cp-cms.md 5.34); cumulative until TRACE END."""
    vm = vm_of(ctx)
    settings = vm.trace
    if ctx.operands == ["END"]:
        settings.kinds.clear()
        settings.terminal, settings.printer, settings.run = True, False, False
        ctx.reply("TRACE ENDED")
        return
    if not ctx.operands:
        raise operand_missing("CFC")
    was_active = settings.active
    named: set[str] = set()
    off = False
    for word in ctx.operands:
        if word == "ALL":
            named |= ALL_TRACES
        elif word in TRACE_KINDS:
            named.add(TRACE_KINDS[word])
        elif word in ("PRINTER", "PRIN", "PRINT", "PRINTE"):
            settings.terminal, settings.printer, settings.run = False, True, True
        elif word in ("TERMINAL", "TERM", "TERMI", "TERMIN", "TERMINA"):
            settings.terminal, settings.printer = True, False
        elif word == "BOTH":
            settings.terminal = settings.printer = True
        elif word == "RUN":
            settings.run = True
        elif word in ("NORUN", "NOR", "NORU"):
            settings.run = False
        elif word in ("OFF", "OF"):
            off = True
        else:
            raise invalid_operand("CFC", word)
    if off:
        settings.kinds -= named
    else:
        settings.kinds |= named
    if settings.active and not was_active:
        ctx.reply("TRACE STARTED")
    elif was_active and not settings.active:
        ctx.reply("TRACE ENDED")


@command("REQUEST", minimum=3, aliases=(("ATTN", 4),), syntax="REQuest | ATTN")
async def request(ctx: CommandContext) -> None:
    """An attention interruption pending at the virtual console (cp-cms.md 5.3)."""
    vm = vm_of(ctx)
    if ctx.operands:
        raise invalid_operand("CFC", ctx.operands[0])
    if vm.guest_name is not None:
        vm.guest_attention = True
        vm.interrupt_program()
        return
    console = vm.console()
    if console is None:
        raise CPError("CFC", 40, "DEV CONSOLE DOES NOT EXIST")
    console.attention()
    vm.io_posted()


def device_operand(ctx: CommandContext) -> tuple[VirtualMachine, int, VirtualDevice]:
    """The virtual machine and the one virtual device a READY/NOTREADY operand names."""
    vm = vm_of(ctx)
    if len(ctx.operands) != 1:
        raise operand_missing("CFC")
    address = hexloc(ctx.operands[0], "CFC")
    virtual = vm.devices.get(address)
    if virtual is None:
        raise CPError("CFC", 40, f"DEV {address:03X} DOES NOT EXIST")
    return vm, address, virtual


@command("READY", minimum=5, syntax="READY vaddr")
async def ready(ctx: CommandContext) -> None:
    """A device-end interruption from the device, as when it becomes ready (cp-cms.md 5.22)."""
    vm, address, virtual = device_operand(ctx)
    virtual.device.ready = True
    virtual.device.signal(DEVICE_END)
    vm.io_posted()


@command("NOTREADY", minimum=4, syntax="NOTReady vaddr")
async def notready(ctx: CommandContext) -> None:
    """A spooled unit-record device or the console is not ready from its next SIO on:
    unit check, intervention required, until READY (cp-cms.md 5.22)."""
    vm, address, virtual = device_operand(ctx)
    if virtual.unit is None and virtual.kind != "CONS":
        raise CPError("CFC", 22, f"INVALID DEVICE TYPE - {address:03X}")
    virtual.device.ready = False
