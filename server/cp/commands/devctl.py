"""RESET, REWIND, ECHO and DIAL (reference/cp-cms.md 5.11, 5.15, 5.22).

* ``RESET vaddr``: the device's pending interruption, channel program, unit
  check and sense are cleared; response ``DEVICE RESET`` (cp-cms.md 5.22).
* ``REWIND vaddr``: this system has no tape drives, so any device is the wrong
  type: ``DMKCFC022E INVALID DEVICE TYPE - vaddr`` as NOTREADY gives for one.
* ``ECho [nn]``: the line test of the R6 CP Command Reference: each line typed is
  sent back nn times (1 when nn is missing, over 99 or not a number), unedited,
  until ``END``.
* ``DIAL userid [vaddr]`` (class Any, instead of LOGON): no virtual machine here
  has virtual 270x lines or 3270s to dial to, so the terminal is told so plainly.
"""

from __future__ import annotations

from server.cp.commands.vmcontrol import hexloc, vm_of
from server.cp.context import CommandContext
from server.cp.messages import CPError, invalid_operand, not_logged_on, operand_missing
from server.cp.registry import ANY, command
from server.cp.session import Session
from server.cp.vdevices import VirtualDevice
from server.cp.vm import VirtualMachine

MODULE = "CFC"
ECHO_BANNER = "ECHO ENTERED;  TO TERMINATE TEST, TYPE END"
ECHO_PROMPT = "ENTER LINE"


def one_device(ctx: CommandContext) -> tuple[VirtualMachine, int, VirtualDevice]:
    vm = vm_of(ctx)
    if not ctx.operands:
        raise operand_missing(MODULE)
    if len(ctx.operands) > 1:
        raise invalid_operand(MODULE, ctx.operands[1])
    address = hexloc(ctx.operands[0], MODULE)
    virtual = vm.devices.get(address)
    if virtual is None:
        raise CPError(MODULE, 40, f"DEV {address:03X} DOES NOT EXIST")
    return vm, address, virtual


@command("RESET", classes="G", syntax="RESET vaddr")
async def reset_command(ctx: CommandContext) -> None:
    """Clear the device's pending interruption, channel program, unit check and sense."""
    vm, address, virtual = one_device(ctx)
    channel = vm.channel
    program = channel.running.pop(address, None)
    if program is not None:
        program.device.halt()
    channel.interrupts.pop(address, None)
    channel.last_sense.pop(address, None)
    virtual.device.reset()
    ctx.reply("DEVICE RESET")


@command("REWIND", minimum=3, classes="G", syntax="REWind vaddr")
async def rewind_command(ctx: CommandContext) -> None:
    """Rewind a dedicated tape; no tape drive exists on this system."""
    _, address, _ = one_device(ctx)
    raise CPError(MODULE, 22, f"INVALID DEVICE TYPE - {address:03X}")


def echo_count(operands: list[str]) -> int:
    """nn, with anything missing, not numeric or over 99 taken as 1 (R6 ECHO)."""
    if not operands:
        return 1
    word = operands[0]
    return int(word) if word.isdigit() and 1 <= int(word) <= 99 else 1


@command("ECHO", minimum=2, classes="G", syntax="ECho [nn]")
async def echo_command(ctx: CommandContext) -> None:
    """Return each line typed nn times until END."""
    count = echo_count(ctx.operands)
    session = ctx.session
    ctx.reply(ECHO_BANNER)
    ask_line(session, count)


def ask_line(session: Session, count: int) -> None:
    async def echoed(line: str) -> None:
        if line.strip().upper() == "END":
            return
        session.write(*([line] * count))
        ask_line(session, count)

    session.prompt_line(ECHO_PROMPT, echoed)


@command("DIAL", classes=ANY, prelogon=True, syntax="DIAL userid [vaddr]")
async def dial_command(ctx: CommandContext) -> None:
    """Connect this terminal to a multi-access machine's virtual line: none exists."""
    if ctx.session.user is not None:
        raise CPError("DIA", 1, "DIAL IS ACCEPTED ONLY INSTEAD OF LOGON")
    if not ctx.operands:
        raise CPError("DIA", 20, "USERID MISSING OR INVALID")
    userid = ctx.operands[0]
    if len(ctx.operands) > 2:
        raise invalid_operand("DIA", ctx.operands[2])
    if len(ctx.operands) == 2:
        hexloc(ctx.operands[1], "DIA")
    if ctx.system.find_user(userid) is None:
        raise not_logged_on("DIA", userid)
    raise CPError(
        "DIA",
        999,
        f"DIAL NOT AVAILABLE: {userid} HAS NO VIRTUAL LINES; NO MACHINE ON THIS "
        "SYSTEM ACCEPTS DIALED TERMINALS",
    )
