"""Host-side spool commands: ``vm370 spool list|print|export|punch``.

They let a host user see and fetch spool files (reference cp-cms.md 8.4:
output of the system's printers and punches) and put a deck into a user's
reader as the system card reader does (8.4: a deck read for a userid becomes
a reader file of type RDR).  They work on the data directory of a running
server: SQLite in WAL mode with a busy timeout, and short transactions.

* ``list [USERID]`` lists every file (or one user's) in the QUERY layout
  with the queue in front.
* ``print SPOOLID`` writes the file as text: print files with carriage
  control resolved (a form feed for a new page), cards as lines.
* ``export SPOOLID FILE`` writes the same text to FILE (``--raw``: EBCDIC
  records, 80-byte cards or 133-byte lines with their control byte).
* ``punch FILE --to USERID`` makes a reader file of the lines of FILE
  (``-`` for standard input); ``--from USERID`` makes it a punch file that
  user sent; ``--for USERID`` puts it in the system punch (or, with
  ``--device PRT``, printer) queue instead.

Exit codes: 0 done, 1 no such file or user, 2 refused (spool full, quota).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TextIO

from directory.db import make_engine
from directory.store import DirectoryStore
from server.config import Config
from spool.listing import HEADER_LONG, close_notice, file_line
from spool.model import (
    DeviceType,
    FileName,
    OutputSettings,
    RecordFormat,
    SpoolError,
    SpoolFile,
)
from spool.records import CARD_BYTES, Carriage, card, card_text, print_line
from spool.store import Selector, SpoolStore

__all__ = ["add_spool_parser", "run_spool"]

PRINT_BYTES = 133
Common = Callable[[argparse.ArgumentParser], None]


class SpoolCommandError(Exception):
    """A host spool command cannot be done; ``code`` is the exit code."""

    def __init__(self, text: str, code: int = 1) -> None:
        super().__init__(text)
        self.code = code


def add_spool_parser(commands: Any, common: Common) -> None:
    """The ``spool`` subcommand and its actions."""
    spool = commands.add_parser("spool", help="list, print, export or punch spool files")
    actions = spool.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="list spool files (all, or one user's)")
    common(listing)
    listing.add_argument("userid", nargs="?")
    printing = actions.add_parser("print", help="write a spool file as text to stdout")
    common(printing)
    printing.add_argument("spoolid", type=int)
    export = actions.add_parser("export", help="write a spool file to a host file")
    common(export)
    export.add_argument("spoolid", type=int)
    export.add_argument("file")
    export.add_argument("--raw", action="store_true", help="EBCDIC records, not text")
    punch = actions.add_parser("punch", help="make a spool file of a host text file")
    common(punch)
    punch.add_argument("file", help="text file, '-' for standard input")
    where = punch.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", help="the user whose reader receives the file")
    where.add_argument("--for", dest="for_user", help="owner of a file in the system queue")
    punch.add_argument("--from", dest="originator", help="the user who sent it")
    punch.add_argument("--class", dest="spool_class", default="A")
    punch.add_argument("--name", nargs="+", metavar="FN", help="fn [ft] or a dsname")
    punch.add_argument("--device", choices=["PUN", "PRT", "RDR"], help="originating device")
    punch.add_argument("--copies", type=int, default=1)
    punch.add_argument("--dist", default="")
    punch.add_argument("--hold", action="store_true")
    punch.add_argument(
        "--binary", action="store_true", help="the file is 80-byte EBCDIC cards, taken as they are"
    )


def run_spool(arguments: argparse.Namespace, config: Config) -> int:
    """Run one ``vm370 spool`` action; returns the exit code."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    actions: dict[str, Callable[[SpoolStore, argparse.Namespace], Coroutine[Any, Any, None]]] = {
        "list": _list,
        "print": _print,
        "export": _export,
        "punch": _punch,
    }
    try:
        asyncio.run(_with_store(config, actions[arguments.action], arguments))
    except SpoolCommandError as error:
        print(f"vm370: {error}", file=sys.stderr)
        return error.code
    except SpoolError as error:
        print(f"vm370: {error.text}", file=sys.stderr)
        return 2
    return 0


async def _with_store(
    config: Config,
    action: Callable[[SpoolStore, argparse.Namespace], Coroutine[Any, Any, None]],
    arguments: argparse.Namespace,
) -> None:
    engine = make_engine(config.database)
    try:
        await DirectoryStore(engine).migrate()
        store = SpoolStore(engine, node=config.node)
        await store.migrate()
        await action(store, arguments)
    finally:
        await engine.dispose()


async def _list(store: SpoolStore, arguments: argparse.Namespace) -> None:
    owner = arguments.userid.upper() if arguments.userid else None
    files = await store.files(Selector(owner=owner))
    files.sort(key=lambda spool_file: (spool_file.queue.value, spool_file.owner))
    if not files:
        print("NO SPOOL FILES")
        return
    print(f"QUEUE USERID   {HEADER_LONG}")
    for spool_file in files:
        line = file_line(spool_file, True, local_node=store.node)
        print(f"{spool_file.queue.value:<5} {spool_file.owner:<8} {line}")


async def _file(store: SpoolStore, spoolid: int) -> SpoolFile:
    spool_file = await store.get(spoolid)
    if spool_file is None:
        raise SpoolCommandError(f"spool file {spoolid} does not exist")
    return spool_file


async def _write_text(store: SpoolStore, spool_file: SpoolFile, out: TextIO) -> None:
    if spool_file.record_format is RecordFormat.CARD:
        async for chunk in store.read_records(spool_file.spoolid):
            out.writelines(card_text(record) + "\n" for record in chunk)
        return
    carriage = Carriage()
    async for chunk in store.read_records(spool_file.spoolid):
        for record in chunk:
            out.writelines(line + "\n" for line in carriage.feed(record))
    out.writelines(line + "\n" for line in carriage.finish())


async def _print(store: SpoolStore, arguments: argparse.Namespace) -> None:
    await _write_text(store, await _file(store, arguments.spoolid), sys.stdout)


async def _export(store: SpoolStore, arguments: argparse.Namespace) -> None:
    spool_file = await _file(store, arguments.spoolid)
    target = Path(arguments.file)
    if not arguments.raw:
        with target.open("w", encoding="utf-8") as out:
            await _write_text(store, spool_file, out)
        return
    width = CARD_BYTES if spool_file.record_format is RecordFormat.CARD else PRINT_BYTES
    with target.open("wb") as raw:
        async for chunk in store.read_records(spool_file.spoolid):
            raw.writelines(record[:width].ljust(width, b"\x40") for record in chunk)


def _settings(arguments: argparse.Namespace) -> OutputSettings:
    device = arguments.device or ("PUN" if arguments.originator or arguments.for_user else "RDR")
    try:
        return OutputSettings(
            device=DeviceType(device),
            spool_class=arguments.spool_class,
            copies=arguments.copies,
            hold=arguments.hold,
            to=arguments.to,
            for_user=arguments.for_user,
            dist=arguments.dist,
            name=FileName.parse([word.upper() for word in arguments.name])
            if arguments.name
            else FileName(),
        )
    except ValueError as error:
        raise SpoolCommandError(str(error)) from None


def _lines(name: str) -> list[str]:
    if name == "-":
        return sys.stdin.read().splitlines()
    try:
        return Path(name).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise SpoolCommandError(f"{name}: {error.strerror}") from None


async def _punch(store: SpoolStore, arguments: argparse.Namespace) -> None:
    settings = _settings(arguments)
    directory = DirectoryStore(store.engine)
    originator = (arguments.originator or settings.to or settings.for_user or "").upper()
    for userid in {originator, settings.to or originator, settings.for_user or originator}:
        if await directory.get_user(userid) is None:
            raise SpoolCommandError(f"{userid} is not in the CP directory")
    writer = store.open_output(originator, settings)
    if arguments.binary:
        for image in _cards(arguments.file):
            writer.write(image)
        print(close_notice(await store.close(writer)))
        return
    to_record = card if settings.record_format is RecordFormat.CARD else print_line
    for line in _lines(arguments.file):
        writer.write(to_record(line))
    print(close_notice(await store.close(writer)))


def _cards(path: str) -> list[bytes]:
    """80-byte binary cards (a short last card is padded with blanks)."""
    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    return [data[i : i + 80].ljust(80, b"\x40") for i in range(0, len(data), 80)]
