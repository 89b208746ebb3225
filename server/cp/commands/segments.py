"""DEFSEG, SAVESEG and QUERY NSS (class E): named segments (server/cp/segments.py).

R6 defined segments in DMKSNT and had no command for it; these are the
z/VM class E forms. Responses follow R6's SAVESYS (``SYSTEM SAVED``):
``SEGMENT name DEFINED``, ``SEGMENT name SAVED``; the QUERY NSS layout is
vm370's own (one line per saved system or segment: name, type, first and
last address, SAVED or DEFINED).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from server.cp.commands.vmcontrol import vm_of
from server.cp.context import CommandContext
from server.cp.messages import CPError, invalid_operand, operand_missing
from server.cp.registry import command
from server.cp.segments import TYPES, Segment, SegmentError, parse_range

if TYPE_CHECKING:
    from server.cp.system import System


@command("DEFSEG", minimum=6, classes="E", syntax="DEFSEG name hexpage1-hexpage2 SR|EW")
async def defseg(ctx: CommandContext) -> None:
    """Define a named segment's pages and type; SAVESEG saves them."""
    if len(ctx.operands) != 3:
        raise operand_missing("CFC")
    name, pages, kind = ctx.operands
    try:
        start, length = parse_range(pages)
    except ValueError:
        raise invalid_operand("CFC", pages) from None
    if kind not in TYPES:
        raise invalid_operand("CFC", kind)
    segment = Segment(name.upper(), start, length, kind)
    try:
        await asyncio.to_thread(ctx.system.segments.put, segment)
    except (SegmentError, OSError) as error:
        raise CPError("CFC", 414, f"SEGMENT {name} NOT DEFINED: {error}") from None
    ctx.reply(f"SEGMENT {segment.name} DEFINED")


@command("SAVESEG", minimum=7, classes="E", syntax="SAVESEG name")
async def saveseg(ctx: CommandContext) -> None:
    """Save the defined pages of the virtual machine as the named segment."""
    vm = vm_of(ctx)
    if len(ctx.operands) != 1:
        raise operand_missing("CFC")
    name = ctx.operands[0].upper()
    if vm.guest_name is not None:
        raise CPError("CFC", 410, f"SEGMENT {name} NOT SAVED; {vm.guest_name} RUNS IN PYTHON")
    store = ctx.system.segments
    try:
        segment = store.get(name)
    except SegmentError as error:
        raise CPError("CFC", 411, f"SEGMENT {name} NOT SAVED: {error}") from None
    if segment is None:
        raise CPError("CFC", 412, f"SEGMENT {name} NOT DEFINED")
    if segment.end >= vm.storage_size:
        raise CPError("CFC", 413, f"SEGMENT {name} NOT SAVED; PAGES BEYOND STORAGE")
    segment.pages = vm.machine.read(segment.start, segment.length)
    try:
        await asyncio.to_thread(store.put, segment)
    except (SegmentError, OSError) as error:
        raise CPError("CFC", 411, f"SEGMENT {name} NOT SAVED: {error}") from None
    ctx.reply(f"SEGMENT {name} SAVED")


def nss_lines(system: System) -> list[str]:
    """QUERY NSS: the saved systems and named segments of this installation."""
    lines = []
    for name in system.saved_systems.names():
        size = system.saved_systems.path(name).stat().st_size - 4096
        lines.append(f"{name:<8} NSS  000000 {max(size, 1) - 1:06X} SAVED")
    for name in system.segments.names():
        try:
            segment = system.segments.get(name)
        except SegmentError:
            continue
        if segment is not None:
            state = "SAVED" if segment.pages is not None else "DEFINED"
            where = f"{segment.start:06X} {segment.end:06X}"
            lines.append(f"{name:<8} {segment.kind:<4} {where} {state}")
    return lines or ["NO NAMED SAVED SYSTEMS"]
