"""The system operator's SEND, ACNT, DISABLE/ENABLE, VARY and HALT (reference/cp-cms.md
section 6).

* ``SEND [CP] userid line`` (classes A and C): console input for a disconnected
  machine. With ``CP`` the line runs as a CP command of that user; its
  responses come back to the sender, each line headed ``userid:``. Without it
  the line goes to the guest's console read (``NOT ACCEPTED`` when a line is
  already waiting there).
* ``ACNT userid...|ALL`` (class A): an accounting record (the R6 type 01 card,
  ``accounting.py``) is written for each user and the user's counters (connect
  time, CPU time, SIOs, unit-record counts) start again from zero.
* ``DISABLE ALL`` / ``ENABLE ALL`` (class A): the terminal listener refuses or
  again allows logons. A terminal that connects while logons are disabled is
  told so under the logo; LOGON is refused (the primary operator excepted, so
  the system can still be run); sessions already logged on stay.
* ``VARY ONLINE|OFFLINE raddr|volser`` (class B): a real printer or punch that
  is offline takes no files (its queue stays; it cannot be STARTed until it is
  online again); a volume that is offline cannot be LINKed or ATTACHed. A device
  or volume in use cannot be varied offline.
* ``HALT raddr`` (class A): no real device here runs a channel program that can
  hang; the answer says so and names the command that does act on the device.

Responses ``COMMAND COMPLETE``, ``raddr VARIED ONLINE|OFFLINE`` follow R6's
style; the texts of the refusals are vm370's (unverified).
"""

from __future__ import annotations

from server.cp.accounting import write_records
from server.cp.context import CommandContext, text_after
from server.cp.messages import CPError, invalid_operand, not_logged_on, operand_missing
from server.cp.realur import raddr_of
from server.cp.registry import command
from server.cp.session import LOGONS_DISABLED, Session
from server.cp.user import User
from server.dasd.errors import VolumeError

MODULE = "CFC"


# ---- SEND ----------------------------------------------------------------------------


class RelayConsole:
    """The console of a SEND CP command: its output goes back to the sender."""

    kind = "LINE"

    def __init__(self, sender: Session, userid: str) -> None:
        self.sender = sender
        self.userid = userid
        self.peer = "SEND"

    def write_lines(self, lines: list[str]) -> None:
        self.sender.write(*(f"{self.userid}: {line}" for line in lines))

    def set_hidden_input(self, hidden: bool) -> None:
        return None

    def show_logo(self) -> None:
        return None

    def set_state(self, state: str) -> None:
        return None

    def close(self) -> None:
        return None


def disconnected_user(ctx: CommandContext, userid: str) -> User:
    target = ctx.system.find_user(userid)
    if target is None:
        raise not_logged_on(MODULE, userid)
    if target.session is not None:
        raise CPError(MODULE, 46, f"{target.userid} NOT DISCONNECTED")
    return target


@command("SEND", minimum=3, classes="AC", syntax="SENd [CP] userid line")
async def send_command(ctx: CommandContext) -> None:
    words = ctx.operands
    to_cp = bool(words) and words[0] == "CP"
    skip = 2 if to_cp else 1
    if len(words) < skip:
        raise CPError(MODULE, 20, "USERID MISSING OR INVALID")
    target = disconnected_user(ctx, words[skip - 1])
    line = text_after(ctx.text, skip)
    if to_cp:
        await send_to_cp(ctx, target, line)
        return
    vm = target.vm
    if vm is None or not vm.console_input(line):
        ctx.reply("NOT ACCEPTED")


async def send_to_cp(ctx: CommandContext, target: User, line: str) -> None:
    """Run ``line`` as a CP command of the disconnected ``target``."""
    if not line.strip():
        raise operand_missing(MODULE)
    relay = Session(ctx.system, RelayConsole(ctx.session, target.userid), raddr=-1)
    relay.user = target
    try:
        await relay.guarded(relay.execute(line))
    finally:
        relay.user = None


# ---- ACNT ----------------------------------------------------------------------------


@command("ACNT", classes="A", syntax="ACNT userid...|ALL")
async def acnt_command(ctx: CommandContext) -> None:
    system = ctx.system
    if not ctx.operands:
        raise operand_missing(MODULE)
    if ctx.operands == ["ALL"]:
        users = sorted(system.users.values(), key=lambda u: u.userid)
    else:
        users = []
        for userid in ctx.operands:
            user = system.find_user(userid)
            if user is None:
                raise not_logged_on(MODULE, userid)
            users.append(user)
    await write_records(system, users)
    ctx.reply("COMMAND COMPLETE")


# ---- DISABLE / ENABLE ------------------------------------------------------------------


def all_operand(ctx: CommandContext) -> None:
    if not ctx.operands:
        raise operand_missing(MODULE)
    if ctx.operands != ["ALL"]:
        word = ctx.operands[0] if ctx.operands[0] != "ALL" else ctx.operands[1]
        raise invalid_operand(MODULE, word)


@command("DISABLE", minimum=4, classes="A", syntax="DISAble ALL")
async def disable_command(ctx: CommandContext) -> None:
    all_operand(ctx)
    ctx.system.logons_enabled = False
    ctx.reply("COMMAND COMPLETE")


@command("ENABLE", minimum=3, classes="A", syntax="ENAble ALL")
async def enable_command(ctx: CommandContext) -> None:
    all_operand(ctx)
    ctx.system.logons_enabled = True
    ctx.reply("COMMAND COMPLETE")


def logon_refused(session: Session, userid: str) -> CPError | None:
    """The refusal of a new logon while terminals are disabled (None: allowed)."""
    system = session.system
    if system.logons_enabled or userid.upper() == system.operator_userid:
        return None
    return CPError("LOG", 998, f"LOGON REFUSED: {LOGONS_DISABLED}")


# ---- VARY ----------------------------------------------------------------------------


@command("VARY", classes="B", syntax="VARY ONline|OFFline raddr|volser")
async def vary_command(ctx: CommandContext) -> None:
    words = ctx.operands
    if len(words) != 2:
        raise operand_missing(MODULE) if len(words) < 2 else invalid_operand(MODULE, words[2])
    direction, target = words
    if len(direction) >= 2 and "ONLINE".startswith(direction):
        online = True
    elif len(direction) >= 3 and "OFFLINE".startswith(direction):
        online = False
    else:
        raise invalid_operand(MODULE, direction)
    address = raddr_of(target)
    table = ctx.system.real_ur
    if address is not None and table is not None and address in table.devices:
        vary_unit(ctx, address, online)
    elif volume_exists(ctx, target):
        vary_volume(ctx, target, online)
    else:
        raise CPError(MODULE, 40, f"DEV {target[:6]} DOES NOT EXIST")


def volume_exists(ctx: CommandContext, volser: str) -> bool:
    volumes = ctx.system.volumes
    try:
        return volumes is not None and volumes.find(volser) is not None
    except VolumeError:
        return False


def vary_unit(ctx: CommandContext, address: int, online: bool) -> None:
    table = ctx.system.real_ur
    assert table is not None
    device = table.devices[address]
    offline = ctx.system.offline_units
    if online:
        offline.discard(address)
    else:
        if device.active is not None:
            raise CPError(MODULE, 47, f"{device.name} IN USE; DRAIN IT FIRST")
        device.drain()
        offline.add(address)
    ctx.reply(f"{device.name} VARIED {'ONLINE' if online else 'OFFLINE'}")


def volume_users(ctx: CommandContext, volser: str) -> list[str]:
    """Who has a minidisk on ``volser``, or the volume attached."""
    found = {
        user.userid
        for user in ctx.system.users.values()
        if user.vm is not None
        for virtual in user.vm.devices.values()
        if virtual.kind == "DASD" and virtual.volser.upper() == volser
    }
    holder = ctx.system.attached.get(volser)
    if holder is not None:
        found.add(holder[0])
    return sorted(found)


def vary_volume(ctx: CommandContext, volser: str, online: bool) -> None:
    offline = ctx.system.offline_volumes
    if online:
        offline.discard(volser)
    else:
        users = volume_users(ctx, volser)
        if users:
            raise CPError(MODULE, 47, f"DASD {volser} IN USE BY {', '.join(users[:4])}")
        offline.add(volser)
    ctx.reply(f"DASD {volser} VARIED {'ONLINE' if online else 'OFFLINE'}")


# ---- HALT ----------------------------------------------------------------------------


@command("HALT", classes="A", syntax="HALT raddr")
async def halt_command(ctx: CommandContext) -> None:
    if len(ctx.operands) != 1:
        raise operand_missing(MODULE) if not ctx.operands else invalid_operand(
            MODULE, ctx.operands[1]
        )
    word = ctx.operands[0]
    address = raddr_of(word)
    if address is None:
        raise invalid_operand(MODULE, word)
    system = ctx.system
    table = system.real_ur
    if table is not None and address in table.devices:
        device = table.devices[address]
        raise CPError(
            MODULE, 141, f"{device.name} HAS NO CHANNEL PROGRAM TO HALT; USE FLUSH OR DRAIN"
        )
    if system.hopper is not None and address == system.hopper.raddr:
        raise CPError(MODULE, 141, f"RDR {address:03X} HAS NO CHANNEL PROGRAM TO HALT; USE DRAIN")
    for session in system.sessions:
        if session.raddr == address:
            raise CPError(
                MODULE, 141, f"{session.device} HAS NO CHANNEL PROGRAM TO HALT; USE FORCE"
            )
    raise CPError(MODULE, 40, f"DEV {address:03X} DOES NOT EXIST")
