"""``vm370 savesys list|import|export``: saved systems between installations.

``import NAME FILE`` takes a saved system in the exchange format
(reference/diagnose.md §2); ``--raw --psw HEX [--at ADDR]`` takes a bare
storage image instead, loaded at ADDR (default 0) with that PSW.
``export NAME FILE`` writes the exchange format. Named segments (DEFSEG and
SAVESEG, server/cp/segments.py) are listed too and move the same way in
their own format: a file that starts with the ``NAMEDSEG`` information page
is imported as a segment.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from server.config import Config
from server.cp.savesys import INFO_PAGE, PAGE, SavedSystem, SavedSystemError, SavedSystems
from server.cp.segments import MAGIC, Segment, SegmentError, Segments

Common = Callable[[argparse.ArgumentParser], None]


def add_savesys_parser(commands: Any, common: Common) -> None:
    savesys = commands.add_parser("savesys", help="list, import or export saved systems")
    actions = savesys.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="list the saved systems")
    common(listing)
    importing = actions.add_parser("import", help="bring in a saved system")
    common(importing)
    importing.add_argument("name")
    importing.add_argument("file")
    importing.add_argument("--raw", action="store_true", help="FILE is a bare storage image")
    importing.add_argument("--psw", help="the PSW of a raw image (16 hex digits)")
    importing.add_argument("--at", default="0", help="where a raw image is loaded (hex)")
    exporting = actions.add_parser("export", help="write a saved system in exchange format")
    common(exporting)
    exporting.add_argument("name")
    exporting.add_argument("file")


def raw_system(data: bytes, psw_text: str | None, at_text: str) -> SavedSystem:
    if psw_text is None or len(psw_text) != 16:
        raise SavedSystemError("--raw needs --psw with 16 hex digits")
    try:
        psw, at = bytes.fromhex(psw_text), int(at_text, 16)
    except ValueError as error:
        raise SavedSystemError(f"bad --psw or --at: {error}") from None
    storage = bytes(at) + data
    storage += bytes(-len(storage) % PAGE)
    return SavedSystem(psw, [0] * 16, [bytes(8)] * 4, [0] * 16, b"", storage)


def list_segments(segments: Segments) -> None:
    for name in segments.names():
        segment = segments.get(name)
        if segment is not None:
            state = "SAVED" if segment.pages is not None else "DEFINED"
            print(f"{name:<8} {segment.kind} {segment.start:06X}-{segment.end:06X} {state}")


def run_savesys(arguments: argparse.Namespace, config: Config) -> int:
    systems = SavedSystems(config.data_dir)
    segments = Segments(config.data_dir)
    try:
        if arguments.action == "list":
            for name in systems.names():
                size = systems.path(name).stat().st_size - INFO_PAGE
                print(f"{name:<8} {size // 1024:6d}K")
            list_segments(segments)
            return 0
        if arguments.action == "export":
            segment = None if systems.exists(arguments.name) else segments.get(arguments.name)
            if segment is not None:
                Path(arguments.file).write_bytes(segment.pack())
                return 0
            Path(arguments.file).write_bytes(systems.load(arguments.name).pack())
            return 0
        data = Path(arguments.file).read_bytes()
        if not arguments.raw and data[: len(MAGIC)] == MAGIC:
            segments.put(Segment.unpack(arguments.name, data))
            print(f"SEGMENT {arguments.name.upper()} SAVED")
            return 0
        if arguments.raw:
            saved = raw_system(data, arguments.psw, arguments.at)
        else:
            saved = SavedSystem.unpack(data)
        systems.save(arguments.name, saved)
        print(f"SYSTEM {arguments.name.upper()} SAVED")
        return 0
    except (SavedSystemError, SegmentError, OSError) as error:
        print(f"vm370: {error}")
        return 2
