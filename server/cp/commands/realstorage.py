"""Operator commands about real storage and paging: LOCK, UNLOCK, STCP, DCP, DMCP,
LOCATE and MONITOR (reference/cp-cms.md section 6).

On VM/370 these fix guest pages in real frames, display or alter CP's own
real storage, find CP control blocks and collect monitor data on tape. This
CP has none of that: a guest's storage is a Python ``bytearray`` that is never
paged, CP's control blocks are Python objects, not storage at real addresses,
and there is no monitor tape. Each command is registered with its R6 class and
abbreviation and answers with one plain CP message saying what this system
does instead; bad operands are still diagnosed first, as CP would. Message
numbers and texts are vm370's own (no R6 text exists for "not provided").
"""

from __future__ import annotations

from server.cp.context import CommandContext
from server.cp.messages import CPError, invalid_operand, not_logged_on, operand_missing
from server.cp.registry import command

MODULE = "CFC"
NEVER_PAGED = "GUEST STORAGE IS NEVER PAGED; EVERY PAGE IS ALWAYS RESIDENT"
NO_REAL_STORAGE = "CP HAS NO REAL STORAGE TO {verb}; USE DISPLAY OR STORE FOR VIRTUAL STORAGE"


def hexadecimal(token: str) -> bool:
    body = token[1:] if token[:1] == "L" else token
    return 1 <= len(body) <= 6 and all(c in "0123456789ABCDEF" for c in body)


def logged_on(ctx: CommandContext, userid: str) -> None:
    if ctx.system.find_user(userid) is None:
        raise not_logged_on(MODULE, userid)


@command("LOCK", classes="A", syntax="LOCK userid firstpage lastpage [MAP]")
async def lock_command(ctx: CommandContext) -> None:
    """LOCK: nothing to fix in real storage; every guest page stays resident."""
    pages(ctx)
    raise CPError(MODULE, 995, f"LOCK NOT NEEDED: {NEVER_PAGED}", "I")


@command("UNLOCK", classes="A", syntax="UNLOCK userid firstpage lastpage | UNLOCK VIRT=REAL")
async def unlock_command(ctx: CommandContext) -> None:
    """UNLOCK: no page was ever locked, so none can be released."""
    if ctx.operands == ["VIRT=REAL"]:
        raise CPError(MODULE, 996, "NO VIRT=REAL AREA EXISTS ON THIS SYSTEM")
    pages(ctx)
    raise CPError(MODULE, 995, f"UNLOCK NOT NEEDED: {NEVER_PAGED}", "I")


def pages(ctx: CommandContext) -> None:
    """Check ``userid firstpage lastpage [MAP]`` as LOCK and UNLOCK take it."""
    words = ctx.operands
    if len(words) < 3:
        raise operand_missing(MODULE)
    logged_on(ctx, words[0])
    for word in words[1:3]:
        if not hexadecimal(word) or word.startswith("L"):
            raise invalid_operand(MODULE, word)
    if int(words[1], 16) > int(words[2], 16):
        raise invalid_operand(MODULE, words[2])
    if len(words) > 4 or (len(words) == 4 and words[3] != "MAP"):
        raise invalid_operand(MODULE, words[-1])


@command("STCP", classes="C", syntax="STCP [L]hexloc data...")
async def stcp_command(ctx: CommandContext) -> None:
    """STCP alters CP's real storage; there is none to alter here."""
    real_location(ctx, "STCP", needs_data=True)


@command("DCP", classes="CE", syntax="DCP [L|T]hexloc[-hexloc|.count|-END]")
async def dcp_command(ctx: CommandContext) -> None:
    real_location(ctx, "DCP")


@command("DMCP", classes="CE", syntax="DMCP [L|T]hexloc[-hexloc|.count|-END]")
async def dmcp_command(ctx: CommandContext) -> None:
    real_location(ctx, "DMCP")


def real_location(ctx: CommandContext, verb: str, needs_data: bool = False) -> None:
    if not ctx.operands:
        raise operand_missing(MODULE)
    first = ctx.operands[0]
    start = first[1:] if first[:1] in ("L", "T") else first
    start = start.split("-")[0].split(".")[0].split(":")[0]
    if not hexadecimal(start):
        raise invalid_operand(MODULE, first)
    if needs_data and len(ctx.operands) < 2:
        raise operand_missing(MODULE)
    action = "ALTER" if verb == "STCP" else "DISPLAY"
    raise CPError(MODULE, 997, NO_REAL_STORAGE.format(verb=action))


@command("LOCATE", minimum=3, classes="CE", syntax="LOCate userid|raddr|...")
async def locate_command(ctx: CommandContext) -> None:
    """LOCATE gives the real addresses of CP control blocks; CP's are Python objects."""
    if not ctx.operands:
        raise operand_missing(MODULE)
    raise CPError(
        MODULE, 998, "CP CONTROL BLOCKS HAVE NO REAL ADDRESSES; USE QUERY OR INDICATE"
    )


MONITOR_WORDS = ("START", "STOP", "ENABLE", "DISABLE", "INTERVAL", "DISPLAY", "TAPE", "SPOOL")


@command("MONITOR", minimum=3, classes="AE", syntax="MONitor START|STOP|ENABLE|INTERVAL ...")
async def monitor_command(ctx: CommandContext) -> None:
    """No monitor data is collected; INDICATE shows the dispatcher's state."""
    if not ctx.operands:
        raise operand_missing(MODULE)
    word = ctx.operands[0]
    if word not in MONITOR_WORDS:
        raise invalid_operand(MODULE, word)
    raise CPError(
        MODULE, 999, "MONITOR NOT AVAILABLE: NO MONITOR DATA IS COLLECTED; USE INDICATE"
    )
