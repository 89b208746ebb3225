"""NOTE: a short letter to users here or at other nodes, written with EDIT and sent as a
spool file (z/VM CMS NOTE; R6 CMS has none, issue 10).

``NOTE name ... [CC: name ...] [(options]`` where a name is ``userid``, ``userid AT node``,
``userid@node`` or a nickname from the user's ``userid NAMES`` file (``:nick.`` entries with
``:userid.``, ``:node.``, ``:name.`` or a ``:list.`` of further names). NOTE writes the
header lines into ``userid NOTE A1``::

    Date: 22 November 2026, 03:04:05 UTC
    From: ALICE    at NODEA
    To:   CAROL    at NODEB
    cc:   BOB      at NODEA

and runs the line editor on it, in mixed case (CASE M). A note FILEd with text after the
header is punched, one file per addressee, to the local user's reader or to RSCS tagged
``node userid`` (as SENDFILE does), named ``userid NOTE``; then it is appended to the notebook
(``ALL NOTEBOOK A``, option NOTEBOOK fn; NOLOG: none) and the NOTE file is erased. A note
left without text is not sent and stays on the A-disk.

Options: CLASS c (default A); LOG|NOLOG; NOTEBOOK fn; SHORT|LONG (LONG puts the sender's
``:name.`` from the NAMES file on the From line); NOACK. ACK (an acknowledgement when the
note is read) needs RECEIVE, which this CMS does not have: NOTE says so and sends nothing.
The header layout follows z/VM NOTE as far as it is known (best estimate: exact column
positions and the date form are not verified against a z/VM listing).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from guests.cms.commands import command
from guests.cms.commands.common import (
    CommandError,
    decode,
    encode,
    invalid_option,
    read_write_disk,
)
from guests.cms.commands.network import RSCS, local_node
from guests.cms.commands.unitrec import PUNCH_ADDRESS, punch_cards
from guests.cms.plist import Call

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

MODULE = "NOT"
CARD = 80
MAX_LIST_DEPTH = 4  # nicknames naming lists of nicknames: enough, and no endless loop
TIME_IS = re.compile(r"TIME IS (\d\d:\d\d:\d\d) (\S+) \S+ (\d\d)/(\d\d)/(\d\d)")
TAG = re.compile(r":(\w+)\.")
MONTHS = (
    "January February March April May June July August September October November December"
).split()


@dataclass(frozen=True)
class Addressee:
    userid: str
    node: str


@dataclass
class NoteOptions:
    spool_class: str = "A"
    log: bool = True
    notebook: str = "ALL"
    long: bool = False


@dataclass
class Names:
    """The ``:nick.`` entries of a NAMES file: nickname -> {tag: value}."""

    entries: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, lines: list[str]) -> Names:
        names = cls()
        current: dict[str, str] | None = None
        for line in lines:
            parts = TAG.split(line)  # ['', tag, value, tag, value, ...]
            for tag, value in zip(parts[1::2], parts[2::2], strict=True):
                tag, value = tag.upper(), value.strip()
                if tag == "NICK":
                    current = names.entries.setdefault(value.upper(), {})
                elif current is not None:
                    current[tag] = value
        return names


def note_options(words: list[str]) -> NoteOptions:
    options = NoteOptions()
    index = 0
    while index < len(words):
        word = words[index]
        if word in ("CLASS", "CL", "NOTEBOOK") and index + 1 < len(words):
            index += 1
            if word == "NOTEBOOK":
                options.notebook = words[index][:8]
            elif len(words[index]) == 1 and words[index].isalnum():
                options.spool_class = words[index]
            else:
                raise CommandError(29, f"INVALID PARAMETER '{words[index]}' IN THE OPTION "
                                   f"'{word}' FIELD")  # fmt: skip
        elif word in ("LOG", "NOLOG"):
            options.log = word == "LOG"
        elif word in ("SHORT", "LONG"):
            options.long = word == "LONG"
        elif word == "ACK":
            raise CommandError(3, "OPTION 'ACK' NOT AVAILABLE: NO RECEIVE COMMAND TO ANSWER IT")
        elif word != "NOACK":
            raise invalid_option(word)
        index += 1
    return options


def _name_ok(text: str) -> bool:
    return 1 <= len(text) <= 8 and text.replace("$", "").replace("#", "").replace("@", "").isalnum()


class Resolver:
    """Names as typed -> addressees, through the NAMES file."""

    def __init__(self, names: Names, here: str) -> None:
        self.names = names
        self.here = here

    def one(self, userid: str, node: str | None) -> Addressee:
        node = node or self.here
        for part in (userid, node or userid):
            if not _name_ok(part):
                raise CommandError(70, f"INVALID PARAMETER '{part}'")
        return Addressee(userid, node)

    def nickname(self, nick: str, depth: int = 0) -> list[Addressee] | None:
        entry = self.names.entries.get(nick)
        if entry is None or depth > MAX_LIST_DEPTH:
            return None
        if "LIST" in entry:
            found: list[Addressee] = []
            for member in entry["LIST"].upper().split():
                found += self.nickname(member, depth + 1) or [self.one(member, None)]
            return found
        userid = entry.get("USERID", nick).upper()
        return [self.one(userid, entry.get("NODE", "").upper() or None)]

    def resolve(self, words: list[str]) -> list[Addressee]:
        found: list[Addressee] = []
        index = 0
        while index < len(words):
            word = words[index]
            if index + 2 < len(words) and words[index + 1] == "AT":
                found.append(self.one(word, words[index + 2]))
                index += 3
                continue
            if "@" in word.strip("@"):
                userid, node = word.split("@", 1)
                found.append(self.one(userid, node))
            else:
                found += self.nickname(word) or [self.one(word, None)]
            index += 1
        return found


def _read_lines(cms: Cms, fn: str, ft: str) -> list[str] | None:
    found = cms.disks.find(fn, ft, "*")
    if found is None:
        return None
    accessed, entry = found
    return [decode(record).rstrip() for record in accessed.disk.read(entry.fn, entry.ft)]


def _date_line(answer: list[str]) -> str:
    """``Date: 22 November 2026, 03:04:05 UTC`` from CP's ``TIME IS ...``."""
    match = TIME_IS.search(" ".join(answer))
    if match is None:
        now = dt.datetime.now(dt.UTC)
        return f"Date: {now.day} {MONTHS[now.month - 1]} {now.year}, {now:%H:%M:%S} UTC"
    clock, zone, month, day, year = match.groups()
    return f"Date: {int(day)} {MONTHS[int(month) - 1]} {2000 + int(year)}, {clock} {zone}"


def _who(addressee: Addressee) -> str:
    return f"{addressee.userid:<8} at {addressee.node}" if addressee.node else addressee.userid


def header(date: str, sender: str, to: list[Addressee], cc: list[Addressee]) -> list[str]:
    lines = [date, f"From: {sender}"]
    lines += [f"{'To:' if n == 0 else '':<6}{_who(a)}" for n, a in enumerate(to)]
    lines += [f"{'cc:' if n == 0 else '':<6}{_who(a)}" for n, a in enumerate(cc)]
    return [*lines, ""]


async def _punch_note(cms: Cms, cards: list[bytes], to: Addressee, here: str, options: NoteOptions,
                      name: str) -> tuple[int, list[str]]:  # fmt: skip
    """Punch the note to one addressee; CP's code and answer of the first failing command."""
    remote = to.node != here
    spool = f"SPOOL PUNCH TO {RSCS if remote else to.userid} CLASS {options.spool_class}"
    code, lines = await cms.guest.cp(spool, capture=True)
    if code:
        return code, lines
    try:
        if remote:
            await cms.guest.cp(f"TAG DEV PUNCH {to.node} {to.userid}", capture=True)
        punch_cards(cms, cards)
        code, lines = await cms.guest.cp(f"CLOSE {PUNCH_ADDRESS:03X} NAME {name} NOTE")
    finally:
        await cms.guest.cp("SPOOL PUNCH TO SYSTEM CLASS A", capture=True)
        if remote:
            await cms.guest.cp("TAG DEV PUNCH", capture=True)
    return code, lines


async def send_note(cms: Cms, lines: list[str], everyone: list[Addressee], here: str,
                    options: NoteOptions) -> int:  # fmt: skip
    userid = cms.guest.userid
    cards = [encode(line[:CARD]).ljust(CARD, b"\x40") for line in lines]
    worst = 0
    for to in everyone:
        code, answer = await _punch_note(cms, cards, to, here, options, userid)
        if code:
            cms.console.type(*answer)
            cms.console.error(MODULE, 600, "E", f"NOTE NOT SENT TO {to.userid} AT {to.node}")
            worst = max(worst, 28)
            continue
        where = f" AT {to.node}" if to.node != here else ""
        cms.console.type(f"NOTE '{userid} NOTE A1' SENT TO {to.userid}{where}")
    return worst


@command("NOTE", 4, MODULE)
async def note(cms: Cms, call: Call) -> int:
    options = note_options(call.options)
    words = call.operands
    split = words.index("CC:") if "CC:" in words else len(words)
    if split == 0:
        raise CommandError(54, "NO USERID SPECIFIED", rc=24)
    here = await local_node(cms)
    names = Names.parse(_read_lines(cms, cms.guest.userid, "NAMES") or [])
    resolver = Resolver(names, here)
    to, cc = resolver.resolve(words[:split]), resolver.resolve(words[split + 1 :])
    disk = read_write_disk(cms, "A").disk
    userid = cms.guest.userid
    sender = _who(Addressee(userid, here))
    if options.long and names.entries.get(userid, {}).get("NAME"):
        sender = f"{names.entries[userid]['NAME'][:30]:<30} {sender}"
    _, answer = await cms.guest.cp("QUERY TIME", capture=True)
    top = header(_date_line(answer), sender, to, cc)
    disk.write(userid, "NOTE", [encode(line) for line in top], recfm="V")
    cms.stack_line("CASE M", lifo=True)  # a letter keeps its lower case (the editor's first line)
    code = await cms.command(["EDIT", userid, "NOTE", "A"], nomsg=False)
    lines = _read_lines(cms, userid, "NOTE")
    if code or lines is None or not any(line.strip() for line in lines[len(top) :]):
        cms.console.error(MODULE, 601, "I", f"NOTE NOT SENT; '{userid} NOTE A1' KEPT")
        return code
    everyone = list(dict.fromkeys([*to, *cc]))
    worst = await send_note(cms, lines, everyone, here, options)
    if options.log:
        disk.append(options.notebook, "NOTEBOOK", [encode(line or " ") for line in lines])
    disk.erase(userid, "NOTE")
    return worst
