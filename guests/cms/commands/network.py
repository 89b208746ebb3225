"""TELL and SENDFILE: messages and files to users here or on other nodes.

These are the z/VM-style conveniences issue 10 asks for on top of RSCS
(R6 CMS has none): ``TELL userid [AT node] message`` is CP MSG for a local
user and ``SMSG RSCS MSG node userid message`` for a remote one;
``SENDFILE fn ft [fm] [TO] userid [AT node]`` punches the file (with its
``:READ`` card) to the local user's reader, or to RSCS tagged with the
destination, restoring the punch to the system afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guests.cms.commands import command
from guests.cms.commands.common import CommandError, incomplete_fileid
from guests.cms.commands.unitrec import PUNCH_ADDRESS, _close, _source, punch_cards, read_card
from guests.cms.plist import Call

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

RSCS = "RSCS"


async def local_node(cms: Cms) -> str:
    """This system's node name, from CP's ``QUERY USERID`` (``userid AT node``)."""
    _, lines = await cms.guest.cp("QUERY USERID", capture=True)
    words = lines[0].split() if lines else []
    return words[2] if len(words) >= 3 and words[1] == "AT" else ""


def destination(words: list[str]) -> tuple[str, str | None, list[str]]:
    """``userid [AT node] rest...`` -> (userid, node or None, rest)."""
    if not words:
        raise CommandError(54, "INCOMPLETE FILEID SPECIFIED", rc=24)
    if len(words) >= 3 and words[1] == "AT":
        return words[0], words[2], words[3:]
    return words[0], None, words[1:]


@command("TELL", 4, "TEL")
async def tell(cms: Cms, call: Call) -> int:
    words = call.text.split()
    if not words:
        raise CommandError(54, "NO USERID SPECIFIED", rc=24)
    userid, node, rest = destination(words)
    message = " ".join(rest)
    here = await local_node(cms)
    if node is None or node == here:
        code, lines = await cms.guest.cp(f"MSG {userid} {message}", capture=True)
    else:
        code, lines = await cms.guest.cp(f"SMSG {RSCS} MSG {node} {userid} {message}", capture=True)
    for line in lines:
        cms.console.type(line)
    return code


@command("SENDFILE", 4, "SND")
async def sendfile(cms: Cms, call: Call) -> int:
    words = call.operands
    if len(words) < 3:
        raise incomplete_fileid()
    split = words.index("TO") if "TO" in words else 3 if len(words) > 3 else 2
    fileid, target = words[:split], [w for w in words[split:] if w != "TO"]
    userid, node, rest = destination(target)
    if rest:
        raise CommandError(70, f"INVALID PARAMETER '{rest[0]}'", rc=24)
    accessed, entry = _source(cms, fileid)
    here = await local_node(cms)
    remote = node is not None and node != here
    await cms.guest.cp(f"SPOOL PUNCH TO {RSCS if remote else userid}", capture=True)
    if remote:
        await cms.guest.cp(f"TAG DEV PUNCH {node} {userid}", capture=True)
    try:
        records = accessed.disk.read(entry.fn, entry.ft)
        cards = [read_card(entry, accessed.disk.label)]
        cards += [record[:80].ljust(80, b"\x40") for record in records]
        punch_cards(cms, cards)
        await _close(cms, PUNCH_ADDRESS, entry)
    finally:
        await cms.guest.cp("SPOOL PUNCH TO SYSTEM", capture=True)
    where = f" AT {node}" if remote else ""
    cms.console.type(f"FILE '{entry.fn} {entry.ft} {entry.mode}' SENT TO {userid}{where}")
    return 0
