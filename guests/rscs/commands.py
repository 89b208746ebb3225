"""RSCS commands from the RSCS console, from local users (``SMSG RSCS command``) and from
other nodes (command NMRs) (reference/nje-rscs.md section 2.3).

QUERY SYSTEM|LINKS|QUEUES|FILES|ROUTES|linkid, START, DRAIN, FORCE, DEFINE, DELETE, ROUTE,
HOLD, FREE, FLUSH, PURGE, ORDER, CHANGE, TRANSFER, TRACE, CMD, MSG and HELP. Commands that
change the network or its queues are for the console and the configured operators; a remote
node may only QUERY and ask for HELP, as section 2.3 recommends.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from guests.rscs import messages
from guests.rscs.config import link_from_table
from guests.rscs.links import Link, LinkState
from guests.rscs.routing import route, route_lines

if TYPE_CHECKING:
    from guests.rscs.service import RSCS


@dataclass(frozen=True)
class Issuer:
    """Who issued a command: the console, a local user, or a user at another node."""

    user: str
    node: str
    console: bool = False

    def remote(self, local_node: str) -> bool:
        return self.node != local_node


Handler = Callable[["RSCS", Issuer, list[str], str], Awaitable[list[str]]]
# name -> (minimum abbreviation, handler, operators only)
COMMANDS: dict[str, tuple[int, Handler, bool]] = {}
SYNTAX: dict[str, str] = {}
REMOTE_ALLOWED = frozenset({"QUERY", "CPQUERY", "HELP"})
# CPQUERY operands and the CP command each one runs (section 2.3): read-only queries only.
CP_QUERIES = {
    "TIME": "QUERY TIME", "T": "QUERY TIME", "NAMES": "QUERY NAMES", "N": "QUERY NAMES",
    "USERS": "QUERY USERS", "U": "QUERY USERS", "LOG": "QUERY LOGMSG",
    "CPLEVEL": "QUERY CPLEVEL", "CPU": "QUERY CPLEVEL", "INDICATE": "INDICATE",
    "IND": "INDICATE",
}  # fmt: skip


def rscs_command(name: str, minimum: int, syntax: str, operator: bool = False) -> Callable[
    [Handler], Handler
]:  # fmt: skip
    def register(handler: Handler) -> Handler:
        COMMANDS[name] = (minimum, handler, operator)
        SYNTAX[name] = syntax
        return handler

    return register


def resolve(word: str) -> str | None:
    for name, (minimum, _, _) in COMMANDS.items():
        if len(word) >= minimum and name.startswith(word):
            return name
    return None


def authorized(rscs: RSCS, issuer: Issuer, name: str) -> bool:
    if issuer.remote(rscs.local_node):
        return name in REMOTE_ALLOWED
    operator = COMMANDS[name][2]
    return issuer.console or not operator or issuer.user in rscs.config.operators


async def execute(rscs: RSCS, issuer: Issuer, text: str) -> list[str]:
    """Run one command line; the response lines."""
    words = text.split()
    if not words:
        return []
    name = resolve(words[0].upper())
    if name is None:
        return [messages.invalid_command(words[0].upper())]
    if not authorized(rscs, issuer, name):
        return [messages.not_authorized(name)]
    rest = text.split(None, 1)[1] if len(words) > 1 else ""
    return await COMMANDS[name][1](rscs, issuer, [word.upper() for word in words[1:]], rest)


# ---- QUERY ---------------------------------------------------------------------------------


def link_line(link: Link) -> str:
    definition = link.definition
    return (
        f"LINK {link.name:<8} {link.state.value:<8} NJE {definition.host}:{definition.port} "
        f"Q={len(link.queue)}"
    )


def queue_lines(links: list[Link]) -> list[str]:
    lines = []
    for link in links:
        for queued in link.queue:
            status = "SENDING" if queued is link.sending else "HELD" if queued.held else "WAITING"
            lines.append(
                f"FILE {queued.spoolid:04d} {queued.origin_node}({queued.origin_user}) TO "
                f"{queued.dest_node}({queued.dest_user}) LINK {link.name} "
                f"REC {queued.records} {status}"
            )
    return lines or ["NO FILES QUEUED"]


def system_lines(rscs: RSCS) -> list[str]:
    config = rscs.config
    active = sum(link.state is LinkState.ACTIVE for link in rscs.links.values())
    queued = sum(len(link.queue) for link in rscs.links.values())
    listen = f"{config.listen_host}:{rscs.listen_port}" if rscs.listen_port else "NONE"
    return [
        f"RSCS NODE {config.node} LISTENING ON {listen}",
        f"{len(rscs.links)} LINK(S) DEFINED, {active} ACTIVE, {queued} FILE(S) QUEUED",
        *(link_line(link) for link in rscs.links.values()),
    ]


@rscs_command("QUERY", 1, "Query SYStem|LINKS|Queues|Files|ROUTES|linkid")
async def query(rscs: RSCS, issuer: Issuer, words: list[str], rest: str) -> list[str]:
    if len(words) > 1:
        return [messages.invalid_operand(words[1])]
    what = words[0] if words else "SYSTEM"
    if what in rscs.links:
        link = rscs.links[what]
        return [link_line(link), *queue_lines([link])]
    if "SYSTEM".startswith(what) and len(what) >= 3:
        return system_lines(rscs)
    if what in ("LINKS", "LINK", "L"):
        return [link_line(link) for link in rscs.links.values()] or ["NO LINKS DEFINED"]
    if what in ("QUEUES", "QUEUE", "Q", "FILES", "FILE", "F"):
        return queue_lines(list(rscs.links.values()))
    if what in ("ROUTES", "ROUTE"):
        return route_lines(rscs.config) or ["NO ROUTES DEFINED"]
    return [messages.invalid_operand(what)]


@rscs_command("HELP", 1, "Help")
async def help_command(rscs: RSCS, issuer: Issuer, words: list[str], rest: str) -> list[str]:
    return [SYNTAX[name] for name in COMMANDS]


# ---- links ---------------------------------------------------------------------------------


def named_link(rscs: RSCS, words: list[str]) -> Link | str:
    """The link the first operand names, or the error line."""
    if not words:
        return messages.invalid_operand("LINKID")
    link = rscs.links.get(words[0])
    return link if link is not None else messages.link_not_defined(words[0])


def only_link(rscs: RSCS, words: list[str]) -> Link | str:
    """The link of a command whose only operand is a linkid, or the error line (an extra
    operand is refused, not ignored)."""
    if len(words) > 1:
        return messages.invalid_operand(words[1])
    return named_link(rscs, words)


@rscs_command("START", 3, "STArt linkid", operator=True)
async def start(rscs: RSCS, issuer: Issuer, words: list[str], rest: str) -> list[str]:
    link = only_link(rscs, words)
    if isinstance(link, str):
        return [link]
    link.start()
    return [messages.link_started(link.name)]


@rscs_command("DRAIN", 2, "DRain linkid", operator=True)
async def drain(rscs: RSCS, issuer: Issuer, words: list[str], rest: str) -> list[str]:
    link = only_link(rscs, words)
    if isinstance(link, str):
        return [link]
    await link.drain()
    return [messages.link_drained(link.name)]


@rscs_command("FORCE", 5, "FORCE linkid", operator=True)
async def force(rscs: RSCS, issuer: Issuer, words: list[str], rest: str) -> list[str]:
    link = only_link(rscs, words)
    if isinstance(link, str):
        return [link]
    await link.force()
    return [messages.link_drained(link.name)]


DEFINE_KEYS = {"HOST": "host", "PORT": "port", "BUFFER": "buffer", "RETRY": "retry"}


@rscs_command(
    "DEFINE", 3, "DEFine linkid [HOST h] [PORT p] [BUFFER b] [RETRY s] [NOSTART]", operator=True
)
async def define(rscs: RSCS, issuer: Issuer, words: list[str], rest: str) -> list[str]:
    if not words:
        return [messages.invalid_operand("LINKID")]
    name, operands = words[0], words[1:]
    existing = rscs.links.get(name)
    if existing is not None and existing.state is not LinkState.INACTIVE:
        return [messages.link_busy(name)]
    table: dict[str, object] = dict(vars(existing.definition)) if existing else {}
    table.pop("name", None)
    index = 0
    while index < len(operands):
        word = operands[index]
        if word == "NOSTART":
            table["start"], index = False, index + 1
            continue
        if word not in DEFINE_KEYS or index + 1 >= len(operands):
            return [messages.invalid_operand(word)]
        value = rest.split()[index + 2] if word == "HOST" else operands[index + 1]
        table[DEFINE_KEYS[word]], index = value, index + 2
    try:
        definition = link_from_table(name, table)
    except ValueError as error:
        return [messages.invalid_operand(str(error).upper())]
    await rscs.define_link(definition)
    return [messages.link_defined(definition.name)]


@rscs_command("DELETE", 3, "DELete linkid", operator=True)
async def delete(rscs: RSCS, issuer: Issuer, words: list[str], rest: str) -> list[str]:
    link = only_link(rscs, words)
    if isinstance(link, str):
        return [link]
    if link.state is not LinkState.INACTIVE or link.queue:
        return [messages.link_busy(link.name)]
    await rscs.delete_link(link.name)
    return [messages.link_deleted(link.name)]


@rscs_command("ROUTE", 5, "ROUTE nodeid|DEFAULT [TO] linkid|OFF", operator=True)
async def route_command(rscs: RSCS, issuer: Issuer, words: list[str], rest: str) -> list[str]:
    operands = [word for word in words if word != "TO"]
    if len(operands) != 2:
        return [messages.invalid_operand(" ".join(words) or "NODEID")]
    node, link = operands
    target = None if link == "OFF" else link
    if target is not None and target not in rscs.links:
        return [messages.link_not_defined(target)]
    await rscs.set_route(node, target)
    return [messages.route_set(node, target)]


# ---- HOLD, FREE, FLUSH, PURGE, ORDER, CHANGE, TRANSFER, TRACE --------------------------------


def spoolids(words: list[str]) -> list[int] | str:
    """Spool ids (``nnnn``), or the error line."""
    for word in words:
        if not word.isdigit() or not 1 <= int(word) <= 9999:
            return messages.invalid_operand(word)
    return [int(word) for word in words] if words else messages.invalid_operand("SPOOLID")


@rscs_command("HOLD", 4, "HOLD linkid", operator=True)
async def hold(rscs: RSCS, issuer: Issuer, words: list[str], rest: str) -> list[str]:
    link = only_link(rscs, words)
    if isinstance(link, str):
        return [link]
    link.set_hold(True)
    return [messages.link_held(link.name, True)]


@rscs_command("FREE", 4, "FREE linkid", operator=True)
async def free(rscs: RSCS, issuer: Issuer, words: list[str], rest: str) -> list[str]:
    link = only_link(rscs, words)
    if isinstance(link, str):
        return [link]
    link.set_hold(False)
    return [messages.link_held(link.name, False)]


@rscs_command("FLUSH", 3, "FLUsh linkid", operator=True)
async def flush(rscs: RSCS, issuer: Issuer, words: list[str], rest: str) -> list[str]:
    link = only_link(rscs, words)
    if isinstance(link, str):
        return [link]
    flushed = await link.flush()
    return [messages.files_changed(0 if flushed is None else 1, "FLUSHED", link.name)]


@rscs_command("PURGE", 3, "PURge linkid spoolid...|ALL", operator=True)
async def purge(rscs: RSCS, issuer: Issuer, words: list[str], rest: str) -> list[str]:
    link = named_link(rscs, words)
    if isinstance(link, str):
        return [link]
    if words[1:] == ["ALL"]:
        ids: list[int] | str = [queued.spoolid for queued in link.queue]
    else:
        ids = spoolids(words[1:])
    if isinstance(ids, str):
        return [ids]
    lines, count = [], 0
    for spoolid in ids:
        queued = link.take(spoolid)
        if queued is None:
            lines.append(messages.file_not_queued(spoolid, link.name))
            continue
        await rscs.purge_file(queued, f"PURGED BY {issuer.user}")
        count += 1
    return [*lines, messages.files_changed(count, "PURGED", link.name)]


@rscs_command("ORDER", 3, "ORDer linkid spoolid...", operator=True)
async def order(rscs: RSCS, issuer: Issuer, words: list[str], rest: str) -> list[str]:
    link = named_link(rscs, words)
    if isinstance(link, str):
        return [link]
    ids = spoolids(words[1:])
    if isinstance(ids, str):
        return [ids]
    missing = [messages.file_not_queued(i, link.name) for i in ids if link.find(i) is None]
    link.order(ids)
    return [*missing, messages.files_changed(len(ids) - len(missing), "ORDERED", link.name)]


@rscs_command("CHANGE", 2, "CHange linkid spoolid HOLD|NOHOLD", operator=True)
async def change(rscs: RSCS, issuer: Issuer, words: list[str], rest: str) -> list[str]:
    link = named_link(rscs, words)
    if isinstance(link, str):
        return [link]
    if len(words) != 3 or words[2] not in ("HOLD", "NOHOLD"):
        return [messages.invalid_operand(" ".join(words[1:]) or "SPOOLID")]
    ids = spoolids(words[1:2])
    if isinstance(ids, str):
        return [ids]
    queued = link.find(ids[0])
    if queued is None:
        return [messages.file_not_queued(ids[0], link.name)]
    queued.held = words[2] == "HOLD"
    link.set_hold(link.hold)  # wake the sender for a freed file
    return [messages.files_changed(1, "CHANGED", link.name)]


@rscs_command("TRANSFER", 4, "TRANsfer linkid spoolid [TO] linkid", operator=True)
async def transfer(rscs: RSCS, issuer: Issuer, words: list[str], rest: str) -> list[str]:
    operands = [word for word in words if word != "TO"]
    link = named_link(rscs, operands)
    if isinstance(link, str):
        return [link]
    if len(operands) != 3:
        return [messages.invalid_operand(" ".join(words[1:]) or "SPOOLID")]
    target = named_link(rscs, operands[2:])
    ids = spoolids(operands[1:2])
    if isinstance(target, str) or isinstance(ids, str):
        return [target if isinstance(target, str) else str(ids)]
    queued = link.take(ids[0])
    if queued is None:
        return [messages.file_not_queued(ids[0], link.name)]
    target.enqueue(queued)
    return [messages.files_changed(1, f"TRANSFERRED TO {target.name} FROM", link.name)]


@rscs_command("TRACE", 5, "TRACE linkid ON|OFF", operator=True)
async def trace(rscs: RSCS, issuer: Issuer, words: list[str], rest: str) -> list[str]:
    link = named_link(rscs, words)
    if isinstance(link, str):
        return [link]
    if words[1:] not in (["ON"], ["OFF"]):
        return [messages.invalid_operand(" ".join(words[1:]) or "ON|OFF")]
    link.tracing = words[1] == "ON"
    return [messages.trace_set(link.name, link.tracing)]


@rscs_command("CPQUERY", 3, "CPQuery Time|Names|Users [userid]|LOG|CPLEVEL|CPU|INDicate")
async def cpquery(rscs: RSCS, issuer: Issuer, words: list[str], rest: str) -> list[str]:
    what = words[0] if words else ""
    cp_command = CP_QUERIES.get(what)
    if cp_command is None:
        return [messages.invalid_operand(what or "CPQUERY")]
    if cp_command == "QUERY USERS" and len(words) == 2 and words[1].isalnum():
        cp_command = f"QUERY {words[1]}"
    elif len(words) > 1:
        return [messages.invalid_operand(words[1])]
    _, lines = await rscs.guest.cp(cp_command)
    return lines


# ---- messages and remote commands ------------------------------------------------------------


@rscs_command("MSG", 1, "Msg nodeid userid text")
async def msg(rscs: RSCS, issuer: Issuer, words: list[str], rest: str) -> list[str]:
    parts = rest.split(None, 2)
    if len(parts) < 2:
        return [messages.invalid_operand("USERID" if parts else "NODEID")]
    text = parts[2] if len(parts) > 2 else ""
    return await rscs.send_message(issuer, parts[0].upper(), parts[1].upper(), text)


@rscs_command("CMD", 3, "CMD nodeid command")
async def cmd(rscs: RSCS, issuer: Issuer, words: list[str], rest: str) -> list[str]:
    parts = rest.split(None, 1)
    if len(parts) < 2:
        return [messages.invalid_operand("COMMAND" if parts else "NODEID")]
    node = parts[0].upper()
    if node == rscs.local_node:
        return await execute(rscs, issuer, parts[1])
    found = route(rscs.config, node)
    if found is None or found.link is None:
        return [messages.node_unknown(node)]
    return await rscs.send_command(issuer, node, found.link, parts[1])
