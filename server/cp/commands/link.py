"""LINK, DETACH and QUERY LINKS (reference/cp-cms.md 5.10, 5.19, 5.25).

``LINK [TO] userid|* vaddr1 [AS] vaddr2 [mode] [[PASS=] password]``: the
password for the requested primary mode (read, write or multiple) is needed
unless the disk is one's own, the MDISK password is ``ALL``, or the user has
the LNKNOPAS option; CP prompts for it when it is not on the line. After
more than ten wrong passwords LINK is refused for the rest of the session.
"""

from __future__ import annotations

import asyncio

from directory.model import Minidisk
from directory.passwords import verify_password
from server.cp.context import CommandContext
from server.cp.links import MODES
from server.cp.messages import CPError, invalid_operand, operand_missing
from server.cp.registry import command
from server.cp.system import System, device_address, not_in_directory
from server.cp.user import User
from server.machine.devices import ChannelToChannel, uncouple

PASSWORD_LIMIT = 10
KIND_WORDS = {"R": "READ", "W": "WRITE", "M": "MULT"}


def vaddr(token: str | None) -> int:
    address = None if token is None else device_address(token)
    if address is None:
        raise CPError("LNK", 22, "VADDR MISSING OR INVALID")
    return address


def parse_link(user: User, words: list[str]) -> tuple[str, int, int, str | None, str | None]:
    """(owner, vaddr1, vaddr2, mode or None, password or None)."""
    words = list(words)
    if words[:1] in (["TO"], ["T"]):
        words.pop(0)
    if not words:
        raise CPError("LNK", 20, "USERID MISSING OR INVALID")
    owner = user.userid if words[0] == "*" else words[0]
    words.pop(0)
    first = vaddr(words.pop(0) if words else None)
    if words[:1] in (["AS"], ["A"]):
        words.pop(0)
    second = vaddr(words.pop(0) if words else None)
    mode = words.pop(0) if words and words[0] in MODES else None
    if words[:1] == ["PASS="]:
        words.pop(0)
    password = words.pop(0) if words else None
    if words:
        raise invalid_operand("LNK", words[0])
    return owner, first, second, mode, password


def password_needed(user: User, owner: str, disk: Minidisk, mode: str) -> str | None:
    """The stored password the mode needs, "" for none needed; None: no such password."""
    if owner == user.userid or "LNKNOPAS" in user.entry.options:
        return ""
    stored = {"R": disk.read_password, "W": disk.write_password, "M": disk.multi_password}
    password = stored[mode[0]]
    if password is None:
        return None
    return "" if password == "ALL" else password


@command("LINK", syntax="LINK [To] userid|* vaddr1 [As] vaddr2 [mode] [[PASS=] password]")
async def link(ctx: CommandContext) -> None:
    user, system = ctx.user, ctx.system
    if user.bad_link_passwords > PASSWORD_LIMIT:
        raise CPError("LNK", 116, "LINK INVALID; EXCESSIVE INCORRECT PASSWORDS")
    if not ctx.operands:
        raise operand_missing("LNK")
    owner, first, second, mode, typed = parse_link(user, ctx.operands)
    entry = user.entry if owner == user.userid else await system.store.get_user(owner)
    disk = entry.minidisk(first) if entry is not None else None
    if disk is None:
        raise not_in_directory(owner, first)
    mode = mode or (disk.mode if owner == user.userid else "R")
    needed = password_needed(user, owner, disk, mode)
    if needed is None:
        raise CPError(
            "LNK", 108, f"{owner} {first:03X} NOT LINKED; NO {KIND_WORDS[mode[0]]} PASSWORD"
        )
    if needed == "":
        ctx.reply(system.link_minidisk(user, owner, disk, second, mode))
        return
    if typed is not None:
        await finish_link(ctx, system, owner, disk, second, mode, typed, needed)
        return

    async def with_password(line: str) -> None:
        await finish_link(ctx, system, owner, disk, second, mode, line.strip(), needed)

    ctx.session.prompt_hidden(f"ENTER {KIND_WORDS[mode[0]]} PASSWORD:", with_password)


async def finish_link(
    ctx: CommandContext,
    system: System,
    owner: str,
    disk: Minidisk,
    address: int,
    mode: str,
    typed: str,
    stored: str,
) -> None:
    user = ctx.user
    if not await asyncio.to_thread(verify_password, typed, stored):
        user.bad_link_passwords += 1
        raise CPError("LNK", 113, f"{owner} {disk.address:03X} NOT LINKED; PASSWORD INCORRECT")
    ctx.reply(system.link_minidisk(user, owner, disk, address, mode))


@command("DETACH", minimum=3, syntax="DETach vaddr")
async def detach(ctx: CommandContext) -> None:
    user, system = ctx.user, ctx.system
    if len(ctx.operands) > 1 and "B" in user.classes:  # DETACH volser [FROM] userid
        from server.cp.commands.attach import parse, take_back

        await take_back(ctx, parse(ctx.operands, "FROM"))
        return
    if len(ctx.operands) != 1:
        raise operand_missing("VDD")
    address = vaddr(ctx.operands[0])
    vm = user.vm
    virtual = vm.devices.get(address) if vm is not None else None
    if vm is None or virtual is None:
        raise CPError("VDD", 40, f"DEV {address:03X} DOES NOT EXIST")
    if virtual.kind == "CONS":
        raise CPError("VDD", 41, f"DEV {address:03X} IS THE VIRTUAL CONSOLE; NOT DETACHED")
    if virtual.unit is not None and virtual.unit.output is not None:
        await system.close_spool_files(user)
    if virtual.unit is not None and virtual.unit.reader is not None:
        virtual.unit.reader.unstage()
    if isinstance(virtual.device, ChannelToChannel):
        uncouple(virtual.device)
    vm.detach(address)
    system.links.remove((user.userid, address))
    if virtual.owner == "$TDISK$" and system.tdisks is not None:
        system.tdisks.release(user.userid, address)  # cleared for the next user
    if user.settings.imsg:
        ctx.reply(f"{virtual.kind} {address:03X} DETACHED")


def query_links(system: System, user: User, token: str | None) -> list[str]:
    """``QUERY LINKS vaddr``: every user linked to that minidisk of one's own."""
    address = vaddr(token)
    disk = system.links.disk_of((user.userid, address))
    if disk is None:
        raise CPError("CQG", 40, f"DEV {address:03X} DOES NOT EXIST")
    entries = [f"{u} {a:03X} {'R/W' if w else 'R/O'}" for u, a, w in system.links.holders(disk)]
    return [", ".join(entries[i : i + 4]) for i in range(0, len(entries), 4)]
