"""``vm370 card punch FILE --to USERID``: put a deck in the system card reader's hopper.

The deck gets a CP ID card (``ID userid [CLASS c] [NAME fn ft]``) in front
and lands in ``<data dir>/hopper/``, where a running system reads it into
the user's virtual reader (server/cp/hopper.py). ``--binary`` takes FILE
as 80-byte EBCDIC cards; otherwise its lines become cards.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from server.config import Config

Common = Callable[[argparse.ArgumentParser], None]


def add_card_parser(commands: Any, common: Common) -> None:
    card = commands.add_parser("card", help="put a card deck in the system card reader")
    actions = card.add_subparsers(dest="action", required=True)
    punch = actions.add_parser("punch", help="a deck for a user's reader")
    common(punch)
    punch.add_argument("file")
    punch.add_argument("--to", required=True, help="the user whose reader gets the deck")
    punch.add_argument("--binary", action="store_true", help="FILE is 80-byte EBCDIC cards")
    punch.add_argument("--class", dest="spool_class", default="A")
    punch.add_argument("--name", nargs="+", metavar="FN", help="fn [ft]")


def id_card(arguments: argparse.Namespace) -> str:
    card = f"ID {arguments.to.upper()} CLASS {arguments.spool_class.upper()}"
    if arguments.name:
        card += " NAME " + " ".join(part.upper() for part in arguments.name[:2])
    return card


def run_card(arguments: argparse.Namespace, config: Config) -> int:
    source = Path(arguments.file)
    try:
        data = source.read_bytes()
    except OSError as error:
        print(f"vm370: {source}: {error.strerror or error}")
        return 2
    hopper = config.data_dir / "hopper"
    hopper.mkdir(parents=True, exist_ok=True)
    stem = f"{int(time.time() * 1000)}-{os.getpid()}-{source.stem}"
    if arguments.binary:
        deck = id_card(arguments).ljust(80).encode("cp037") + data
        target = hopper / f"{stem}.bin"
    else:
        deck = (id_card(arguments) + "\n").encode() + data
        target = hopper / f"{stem}.txt"
    temporary = target.with_suffix(".tmp")
    temporary.write_bytes(deck)
    temporary.replace(target)  # the hopper never sees half a deck
    print(f"deck {target.name} placed in the hopper for {arguments.to.upper()}")
    return 0
