"""CP commands on closed spool files (reference cp-cms.md 5.5, 5.23, 5.24, 5.25, 5.32,
5.35, section 6 class D, section 8).

CHANGE, ORDER, PURGE, TRANSFER and TAG work on one's own files; QUERY
READER|PRINTER|PUNCH and QUERY FILES list them.  A class D user may name
another user's files (``PURGE userid RDR ALL``, ``QUERY RDR userid ALL``,
``CHANGE userid ...``, ``ORDER userid ...``, ``QUERY FILES userid``) or,
with ``SYSTEM``, everyone's, and puts a user's output in or out of system
hold with HOLD and FREE.

Count responses (``nnnn FILES PURGED``, ``0001 FILE  ORDERED``, ``NO FILES
CHANGED``) and the issuer's TRANSFER lines are informational messages: SET
IMSG OFF suppresses them.  The receiver's spool notices (``RDR FILE nnnn
TRANSFERRED FROM userid``, and the arrival notice of a file closed TO a user)
follow SET MSG.  Message identifiers DMKCSU... for these commands are
(unverified); the texts follow the reference.

SPOOL and CLOSE need virtual devices (a later step); they answer with
`spool.listing.close_notice` and tell the receiver with `notify_arrival`.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.cp.context import CommandContext
from server.cp.messages import CPError, CPMessage, invalid_operand, not_available
from server.cp.registry import command
from server.cp.spooldev import UnitRecord
from server.cp.system import System
from spool.listing import arrival_notice, files_line, listing
from spool.model import (
    MAX_COPIES,
    MAX_SPOOLID,
    TAG_LENGTH,
    FileName,
    Queue,
    SpoolError,
    SpoolFile,
    check_class,
)
from spool.store import FileChanges, Outcome, Selector, SpoolStore

MODULE = "CSU"
QUERY_MODULE = "CQG"
#: Device operands: name, minimum abbreviation, queue.
DEVICES = (
    ("READER", 1, Queue.RDR),
    ("RDR", 3, Queue.RDR),
    ("PRINTER", 1, Queue.PRT),
    ("PRT", 3, Queue.PRT),
    ("PUNCH", 2, Queue.PUN),
    ("PCH", 3, Queue.PUN),
)
ALL_QUEUES = (Queue.RDR, Queue.PRT, Queue.PUN)
Items = tuple[int | str, ...]


def keyword(token: str, name: str, minimum: int) -> bool:
    return len(token) >= minimum and name.startswith(token)


def device_queue(token: str) -> Queue | None:
    """The queue a device operand (READER, RDR, PRINTER, PRT, PUNCH, PCH) names."""
    for name, minimum, queue in DEVICES:
        if keyword(token, name, minimum):
            return queue
    return None


def spool_store(ctx: CommandContext) -> SpoolStore:
    store = ctx.system.spool
    if store is None:
        raise not_available(MODULE, "THE SPOOL SYSTEM")
    return store


def operand_missing() -> CPError:
    return CPError(MODULE, 26, "OPERAND MISSING OR INVALID")


def class_invalid() -> CPError:
    return CPError(MODULE, 28, "CLASS MISSING OR INVALID")


def no_such_file(spoolid: int, module: str = MODULE) -> CPMessage:
    return CPMessage(module, 42, "E", f"SPOOLID {spoolid:04d} DOES NOT EXIST")


def parse_class(token: str | None) -> str:
    try:
        return check_class(token or "")
    except ValueError:
        raise class_invalid() from None


def parse_spoolid(token: str) -> int | None:
    if not token.isdigit():
        return None
    spoolid = int(token)
    if not 1 <= spoolid <= MAX_SPOOLID:
        raise invalid_operand(MODULE, token)
    return spoolid


def parse_items(tokens: list[str]) -> Items:
    """``ALL`` (or nothing) is every file: (); else spoolids and ``CLASS c`` pairs."""
    if not tokens or tokens == ["ALL"]:
        return ()
    items: list[int | str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        spoolid = parse_spoolid(token)
        if spoolid is not None:
            items.append(spoolid)
        elif keyword(token, "CLASS", 2):
            index += 1
            items.append(parse_class(tokens[index] if index < len(tokens) else None))
        else:
            raise invalid_operand(MODULE, token)
        index += 1
    return tuple(items)


def count_line(count: int, verb: str) -> str:
    """``nnnn FILES verb``, ``0001 FILE  verb`` or ``NO FILES verb``."""
    if count == 0:
        return f"NO FILES {verb}"
    return f"{count:04d} {'FILE' if count == 1 else 'FILES':<5} {verb}"


def is_operator(ctx: CommandContext) -> bool:
    return "D" in ctx.user.classes


@dataclass
class Target:
    """Whose files a command means: the user's own, one user's (class D) or all (SYSTEM)."""

    owner: str | None
    operands: list[str]


def target(ctx: CommandContext, operands: list[str]) -> Target:
    """A class D user's leading ``userid|SYSTEM`` operand, when it is not a device."""
    first = operands[0] if operands else ""
    if is_operator(ctx) and first and device_queue(first) is None and first != "ALL":
        return Target(None if first == "SYSTEM" else first, operands[1:])
    return Target(ctx.user.userid, operands)


def report(ctx: CommandContext, outcome: Outcome, verb: str) -> None:
    for spoolid in outcome.missing:
        ctx.session.error(no_such_file(spoolid))
    if ctx.user.settings.imsg:
        ctx.reply(count_line(outcome.count, verb))


def queue_operand(token: str | None) -> Queue:
    queue = device_queue(token or "")
    if queue is None:
        raise invalid_operand(MODULE, token) if token else operand_missing()
    return queue


# ---- PURGE ---------------------------------------------------------------------------------


@command(
    "PURGE",
    minimum=3,
    classes="DG",
    syntax="PURge [userid|SYSTEM] Reader|Printer|PUnch|ALL [ALL | {CLass c | spoolid}...]",
)
async def purge(ctx: CommandContext) -> None:
    store = spool_store(ctx)
    aim = target(ctx, ctx.operands)
    if not aim.operands:
        raise operand_missing()
    first = aim.operands[0]
    queues: tuple[Queue, ...]
    items: Items
    if first == "ALL":
        queues, items = ALL_QUEUES, ()  # PURGE ALL ignores further operands
    else:
        queues, items = (queue_operand(first),), parse_items(aim.operands[1:])
    outcome = await store.purge(Selector(owner=aim.owner, queues=queues, items=items))
    report(ctx, outcome, "PURGED")


# ---- ORDER ---------------------------------------------------------------------------------


@command(
    "ORDER",
    minimum=3,
    classes="DG",
    syntax="ORDer [userid] Reader|Printer|PUnch {CLass c | spoolid}...",
)
async def order(ctx: CommandContext) -> None:
    store = spool_store(ctx)
    aim = target(ctx, ctx.operands)
    if aim.owner is None or not aim.operands:
        raise operand_missing()
    queue = queue_operand(aim.operands[0])
    items = parse_items(aim.operands[1:])
    if not items:
        raise operand_missing()
    report(ctx, await store.order(aim.owner, queue, items), "ORDERED")


# ---- CHANGE --------------------------------------------------------------------------------


def parse_changes(tokens: list[str], queue: Queue) -> FileChanges:
    """CLass c, COpy nn, HOld|NOHold, DIst code, NAme fn [ft] | NAme dsname (NAME last)."""
    values: dict[str, object] = {}
    index = 0
    while index < len(tokens):
        token = tokens[index]
        operand = tokens[index + 1] if index + 1 < len(tokens) else None
        if keyword(token, "NAME", 2):
            values["name"] = parse_name(tokens[index + 1 :])
            break
        if keyword(token, "HOLD", 2) or keyword(token, "NOHOLD", 3):
            values["hold"] = token.startswith("HO")
            index += 1
            continue
        if keyword(token, "CLASS", 2):
            values["spool_class"] = parse_class(operand)
        elif keyword(token, "COPY", 2) and queue is not Queue.RDR:
            values["copies"] = parse_copies(operand)
        elif keyword(token, "DIST", 2) and operand is not None and len(operand) <= 8:
            values["dist"] = operand
        else:
            raise invalid_operand(MODULE, token)
        index += 2
    if not values:
        raise operand_missing()
    return FileChanges(**values)  # type: ignore[arg-type]


def parse_copies(token: str | None) -> int:
    if token is None or not token.isdigit() or not 1 <= int(token) <= MAX_COPIES:
        raise invalid_operand(MODULE, token or "COPY")
    return int(token)


def parse_name(tokens: list[str]) -> FileName:
    try:
        return FileName.parse(tokens)
    except ValueError:
        raise invalid_operand(MODULE, tokens[0] if tokens else "NAME") from None


def parse_selector_item(tokens: list[str]) -> tuple[Items, list[str]]:
    """CHANGE's file selection (CLass c | spoolid | ALL) and the operands after it."""
    if not tokens:
        raise operand_missing()
    if tokens[0] == "ALL":
        return (), tokens[1:]
    if keyword(tokens[0], "CLASS", 2):
        return (parse_class(tokens[1] if len(tokens) > 1 else None),), tokens[2:]
    spoolid = parse_spoolid(tokens[0])
    if spoolid is None:
        raise invalid_operand(MODULE, tokens[0])
    return (spoolid,), tokens[1:]


@command(
    "CHANGE",
    minimum=2,
    classes="DG",
    syntax="CHange [userid] Reader|Printer|PUnch CLass c|spoolid|ALL "
    "[CLass c] [COpy nn] [HOld|NOHold] [DIst code] [NAme fn [ft]]",
)
async def change(ctx: CommandContext) -> None:
    store = spool_store(ctx)
    aim = target(ctx, ctx.operands)
    if not aim.operands:
        raise operand_missing()
    queue = queue_operand(aim.operands[0])
    items, rest = parse_selector_item(aim.operands[1:])
    changes = parse_changes(rest, queue)
    selector = Selector(owner=aim.owner, queues=(queue,), items=items)
    report(ctx, await store.change(selector, changes), "CHANGED")


# ---- TRANSFER ------------------------------------------------------------------------------


async def transfer_target(ctx: CommandContext, token: str) -> str:
    """``*`` or a userid in the directory."""
    if token == "*":
        return ctx.user.userid
    if await ctx.system.store.get_user(token) is None:
        raise CPError(MODULE, 53, f"{token} NOT IN CP DIRECTORY")
    return token


def transfer_operands(operands: list[str]) -> tuple[Items, bool, str]:
    """(selection, reclaiming FROM, userid) of TRANSFER's operands."""
    tokens = list(operands)
    if tokens and device_queue(tokens[0]) is Queue.RDR:
        tokens = tokens[1:]
    items, rest = parse_selector_item(tokens)
    reclaim = False
    if rest and keyword(rest[0], "FROM", 1):
        reclaim, rest = True, rest[1:]
    elif rest and rest[0] == "TO":
        rest = rest[1:]
    if len(rest) != 1:
        raise invalid_operand(MODULE, rest[1]) if len(rest) > 1 else operand_missing()
    return items, reclaim, rest[0]


def notify(system: System, userid: str, text: str) -> None:
    """A spool notice for a user who is logged on and accepts messages (SET MSG ON)."""
    user = system.find_user(userid)
    if user is not None and user.settings.msg:
        user.write(text)


def wake_reader(system: System, userid: str) -> None:
    """A file was given to ``userid``'s reader: a guest waiting for one (RSCS) takes it now."""
    user = system.find_user(userid)
    if user is not None and user.vm is not None:
        user.vm.reader_arrival.set()


@command(
    "TRANSFER",
    minimum=4,
    classes="G",
    syntax="TRANsfer [Reader] spoolid|CLass c|ALL [To] userid|* | From userid|ALL",
)
async def transfer(ctx: CommandContext) -> None:
    store = spool_store(ctx)
    items, reclaim, who = transfer_operands(ctx.operands)
    me = ctx.user.userid
    if reclaim:
        owner = None if who == "ALL" else await transfer_target(ctx, who)
        selector = Selector(owner=owner, items=items, originator=me, other_owners=True)
        outcome = await store.transfer(selector, me)
        lines = [f"RDR FILE {f.spoolid:04d} TRANSFERRED FROM {f.owner}" for f in outcome.files]
    else:
        receiver = await transfer_target(ctx, who)
        outcome = await store.transfer(Selector(owner=me, items=items), receiver)
        lines = [f"RDR FILE {f.spoolid:04d} TRANSFERRED TO {receiver}" for f in outcome.files]
        for spool_file in outcome.files:
            notify(ctx.system, receiver, f"RDR FILE {spool_file.spoolid:04d} TRANSFERRED FROM {me}")
        wake_reader(ctx.system, receiver)
    if ctx.user.settings.imsg:
        ctx.reply(*lines)
    report(ctx, outcome, "TRANSFERRED")


# ---- TAG -------------------------------------------------------------------------------------


def tag_text(ctx: CommandContext, words: int) -> str:
    parts = ctx.text.split(None, words)
    return parts[words] if len(parts) > words else ""


@command(
    "TAG",
    minimum=2,
    classes="G",
    syntax="TAg DEv Printer|PUnch|vaddr [tagtext] | TAg FILe spoolid [tagtext] | "
    "TAg QUery DEv Printer|PUnch|vaddr | TAg QUery FILE spoolid",
)
async def tag(ctx: CommandContext) -> None:
    operands = ctx.operands
    if operands and keyword(operands[0], "QUERY", 2):
        if len(operands) > 1 and keyword(operands[1], "DEV", 2):
            query_device_tags(ctx, operands[2:])
            return
        query_tag(ctx, await tagged_file(ctx, spool_store(ctx), operands[1:]))
        return
    if not operands:
        raise operand_missing()
    if keyword(operands[0], "DEV", 2):
        tag_devices(ctx, operands[1:])
        return
    store = spool_store(ctx)
    if not keyword(operands[0], "FILE", 3) or len(operands) < 2:
        raise invalid_operand(MODULE, operands[0])
    spool_file = await tagged_file(ctx, store, operands[:2])
    await store.set_tag(spool_file.spoolid, tag_text(ctx, 2))


async def tagged_file(ctx: CommandContext, store: SpoolStore, operands: list[str]) -> SpoolFile:
    """The user's file named by ``FILE spoolid`` (any user's for class D)."""
    if len(operands) != 2 or not keyword(operands[0], "FILE", 3):
        raise operand_missing()
    spoolid = parse_spoolid(operands[1])
    if spoolid is None:
        raise invalid_operand(MODULE, operands[1])
    spool_file = await store.get(spoolid)
    if spool_file is None or not (is_operator(ctx) or spool_file.owner == ctx.user.userid):
        raise CPError(MODULE, 42, f"SPOOLID {spoolid:04d} DOES NOT EXIST")
    return spool_file


def query_tag(ctx: CommandContext, spool_file: SpoolFile) -> None:
    ctx.reply(spool_file.tag.rstrip() or "(TAG BLANK)")


def tagged_devices(ctx: CommandContext, operands: list[str]) -> list[UnitRecord]:
    """The virtual printers and punches ``DEV`` names (the console is not spooled yet)."""
    from server.cp.commands.spoolcmd import units

    if not operands:
        raise CPError(MODULE, 22, "VADDR MISSING OR INVALID")
    found = [unit for unit in units(ctx.user, operands[0], MODULE) if unit.output is not None]
    if not found:
        raise CPError(MODULE, 40, f"DEV {operands[0]} DOES NOT EXIST")
    return found


def tag_devices(ctx: CommandContext, operands: list[str]) -> None:
    """TAG DEV: the text goes with the device's next file (its open file too); for RSCS it
    is ``locid [userid [priority]]`` (cp-cms.md 5.32 and 8.6)."""
    text = tag_text(ctx, 2)[:TAG_LENGTH]
    for unit in tagged_devices(ctx, operands):
        output = unit.output
        assert output is not None
        output.tag = text
        if output.writer is not None:
            output.writer.settings.tag = text


def query_device_tags(ctx: CommandContext, operands: list[str]) -> None:
    """TAG QUERY DEV: ``PUN 00D TAG:`` and the text, or ``TAG NOT SET``."""
    for unit in tagged_devices(ctx, operands):
        assert unit.output is not None
        text = unit.output.tag.rstrip()
        ctx.reply(f"{unit.kind.value} {unit.address:03X} TAG:", text if text else "TAG NOT SET")


# ---- HOLD / FREE (class D) ------------------------------------------------------------------


async def system_hold(ctx: CommandContext, hold: bool) -> None:
    store = spool_store(ctx)
    if not 1 <= len(ctx.operands) <= 2:
        raise operand_missing()
    userid = ctx.operands[0]
    which = ctx.operands[1] if len(ctx.operands) == 2 else "ALL"
    queues = ALL_QUEUES if which == "ALL" else (queue_operand(which),)
    outcome = await store.set_system_hold(userid, queues, hold)
    if ctx.user.settings.imsg:
        ctx.reply(count_line(outcome.count, "HELD" if hold else "FREED"))


@command("HOLD", minimum=4, classes="D", syntax="HOLD userid [Reader|Printer|PUnch|ALL]")
async def hold_command(ctx: CommandContext) -> None:
    await system_hold(ctx, True)


@command("FREE", minimum=4, classes="D", syntax="FREE userid [Reader|Printer|PUnch|ALL]")
async def free_command(ctx: CommandContext) -> None:
    await system_hold(ctx, False)


# ---- QUERY FILES / READER / PRINTER / PUNCH -------------------------------------------------


def spool_query_keyword(token: str) -> Queue | str | None:
    """``FILES`` or the queue a QUERY operand names; None when it names neither."""
    if keyword(token, "FILES", 1):
        return "FILES"
    return device_queue(token)


async def query_spool(ctx: CommandContext, what: Queue | str, operands: list[str]) -> None:
    """QUERY FILES [userid] and QUERY READER|PRINTER|PUNCH [userid|SYSTEM] [ALL|spoolid|CLass c]."""
    store = spool_store(ctx)
    aim = query_target(ctx, operands)
    if not isinstance(what, Queue):
        if aim.operands or aim.owner is None:
            raise CPError(QUERY_MODULE, 26, "OPERAND MISSING OR INVALID")
        ctx.reply(files_line(await store.counts(aim.owner)))
        return
    items, long = query_selection(aim.operands)
    selector = Selector(owner=aim.owner, queues=(what,), items=items)
    files = await store.files(selector)
    for spoolid in selector.missing(spool_file.spoolid for spool_file in files):
        ctx.session.error(no_such_file(spoolid, QUERY_MODULE))
    ctx.reply(*listing(files, what, long, ctx.system.clock.zone, ctx.system.node))


def query_target(ctx: CommandContext, operands: list[str]) -> Target:
    first = operands[0] if operands else ""
    if (
        is_operator(ctx)
        and first
        and first != "ALL"
        and not first.isdigit()
        and not keyword(first, "CLASS", 2)
    ):
        return Target(None if first == "SYSTEM" else first, operands[1:])
    return Target(ctx.user.userid, operands)


def query_selection(operands: list[str]) -> tuple[Items, bool]:
    """(items, long listing) for ALL, one spoolid, CLASS c, or nothing."""
    if not operands:
        return (), False
    if operands == ["ALL"]:
        return (), True
    if len(operands) == 2 and keyword(operands[0], "CLASS", 2):
        return (parse_class(operands[1]),), False
    spoolid = parse_spoolid(operands[0]) if len(operands) == 1 else None
    if spoolid is None:
        raise CPError(QUERY_MODULE, 26, "OPERAND MISSING OR INVALID")
    return (spoolid,), True


# ---- notices for SPOOL/CLOSE (used by the virtual devices) -----------------------------------


def notify_arrival(system: System, spool_file: SpoolFile) -> None:
    """Tell the owner of a new reader file it arrived (suppressed by SET MSG OFF)."""
    if spool_file.queue is Queue.RDR:
        notify(system, spool_file.owner, arrival_notice(spool_file, system.node))


def spool_error(error: SpoolError) -> CPError:
    """A store failure (quota, spool full, missing file) as a CP message."""
    return CPError(MODULE, 428, error.text)


async def logon_files_line(system: System, userid: str) -> str | None:
    """The ``FILES:`` line shown at logon, or None when every queue is empty (cp-cms.md 4.2)."""
    if system.spool is None:
        return None
    counts = await system.spool.counts(userid)
    return files_line(counts) if any(counts.values()) else None
