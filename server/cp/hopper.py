"""The system card reader: decks placed in the card hopper become reader files.

reference/cp-cms.md 8.4 and issue 4: ``<data dir>/hopper/`` is the hopper
of the system's real card reader. A deck is a file whose first card is a
CP ID card, ``ID userid [CLASS c] [NAME fn [ft]]`` (``USERID`` is accepted
for ``ID``); the rest becomes a reader file of device type RDR for that
user. DRAIN of the reader (00C) leaves decks in the hopper until START.
Text files are converted to 80-column EBCDIC cards (cp037); files
ending in ``.ebcdic`` or ``.bin`` are 80-byte binary cards whose first card
(the ID card) is EBCDIC too. A deck CP cannot read (no ID card, unknown
user) is moved to ``hopper/rejected/`` with the reason in a ``.why`` file;
a read deck is removed once its spool file has committed.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from spool.model import DeviceType, FileName, OutputSettings
from spool.store import SpoolStore

if TYPE_CHECKING:
    from server.cp.system import System

log = logging.getLogger(__name__)

CARD = 80
BINARY_SUFFIXES = (".ebcdic", ".bin")
POLL_SECONDS = 1.0
READER_RADDR = 0x00C  # the system card reader's real address


class DeckError(Exception):
    """A deck without a usable ID card."""


@dataclass(frozen=True)
class Deck:
    userid: str
    spool_class: str
    name: FileName
    cards: list[bytes]


def parse_id_card(text: str) -> tuple[str, str, FileName]:
    words = text.upper().split()
    if len(words) < 2 or words[0] not in ("ID", "USERID"):
        raise DeckError("the first card is not an ID card (ID userid [CLASS c] [NAME fn ft])")
    userid, spool_class, name = words[1], "A", FileName()
    rest = words[2:]
    while rest:
        keyword = rest.pop(0)
        if keyword == "CLASS" and rest:
            spool_class = rest.pop(0)
        elif keyword == "NAME" and rest:
            name = FileName(rest.pop(0)[:8], rest.pop(0)[:8] if rest else "")
        else:
            raise DeckError(f"ID card operand {keyword} not understood")
    return userid, spool_class, name


def read_deck(path: Path) -> Deck:
    data = path.read_bytes()
    if path.suffix.lower() in BINARY_SUFFIXES:
        cards = [data[i : i + CARD].ljust(CARD, b"\x40") for i in range(0, len(data), CARD)]
        if not cards:
            raise DeckError("empty deck")
        id_text = cards[0].decode("cp037", errors="replace")
        body = cards[1:]
    else:
        lines = data.decode("utf-8", errors="replace").splitlines()
        if not lines:
            raise DeckError("empty deck")
        id_text = lines[0]
        body = [line[:CARD].ljust(CARD).encode("cp037", errors="replace") for line in lines[1:]]
    userid, spool_class, name = parse_id_card(id_text)
    return Deck(userid, spool_class, name, body)


class CardHopper:
    """Reads decks from the hopper folder into users' readers."""

    def __init__(self, system: System, store: SpoolStore, folder: Path) -> None:
        self.system = system
        self.store = store
        self.folder = folder
        self.task: asyncio.Task[None] | None = None
        self.raddr = READER_RADDR
        self.running = True  # START / DRAIN of the reader (class D)

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()

    async def _run(self) -> None:
        while True:
            try:
                await self.read_all()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("card hopper")
            await asyncio.sleep(POLL_SECONDS)

    async def read_all(self) -> None:
        if not self.running:
            return  # DRAINed: decks wait in the hopper
        for path in sorted(p for p in self.folder.iterdir() if p.is_file()):
            if path.name.startswith(".") or path.suffix == ".tmp":
                continue  # a deck still being written
            await self.read_one(path)

    async def read_one(self, path: Path) -> None:
        try:
            deck = read_deck(path)
            if await self.system.store.get_user(deck.userid) is None:
                raise DeckError(f"{deck.userid} is not in the CP directory")
        except (DeckError, OSError) as error:
            self.reject(path, str(error))
            return
        settings = OutputSettings(
            device=DeviceType.RDR, spool_class=deck.spool_class, to=deck.userid, name=deck.name
        )
        writer = self.store.open_output("SYSTEM", settings)
        for card in deck.cards:
            writer.write(card)
        spool_file = await self.store.close(writer)
        path.unlink()
        self.system.operator_console(
            f"RDR FILE {spool_file.spoolid:04d} READ FOR {deck.userid} FROM HOPPER {path.name}"
        )
        await self.system.spool_arrived(spool_file)

    def reject(self, path: Path, why: str) -> None:
        rejected = self.folder / "rejected"
        rejected.mkdir(exist_ok=True)
        path.replace(rejected / path.name)
        (rejected / f"{path.name}.why").write_text(why + "\n", encoding="utf-8")
        self.system.operator_console(f"CARD HOPPER: {path.name} REJECTED: {why}")
