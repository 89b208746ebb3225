"""DUMP and VMDUMP (reference/cp-cms.md 5.14 and 5.36; R6 CP Command Reference for
General Users, VMDUMP).

``DUmp [L|T]hexloc1[-|:hexloc2|END] | [L|T]hexloc1[.bytecount] [*dumpid]`` prints
on the virtual printer (the lowest-addressed one) the dumpid, the PSW, the
general, floating-point and (ECMODE) control registers, the storage keys and
storage from hexloc1 rounded down to 32 bytes, eight words a line with EBCDIC.
``DUMP 0`` gives the registers and the line holding location 0; with no
location all of storage is dumped. ``DUMPING LOC hexloc`` is shown at each 64K
boundary passed and ``COMMAND COMPLETE`` at the end; the user CLOSEs the
printer to get the file.

``VMDUMP [range...] [TO userid|*|SYSTEM] [FORMAT vmtype] [DSS] [*dumpid]`` (up to
three ranges; hexloc1 rounded down and hexloc2 up to 4K pages, as R6 does; a
missing hexloc2 or bytecount is END; several lone hexlocs are single pages)
makes a reader spool file, class V, named ``vmtype DUMP``: one dump information
record and then one record per 4K page dumped. R6's record layout is for IPCS
and is not reproduced; vm370's is (all EBCDIC/binary, big-endian):

* information record: ``VMDUMP`` (8), userid (8), vmtype (8), date and time
  ``mmddyyhhmmss`` (12), storage size (4), page count (4), PSW (8), GPRs (64),
  CRs (64), FPRs (32), dumpid (100), then one key byte per 2K of storage;
* page record: its address (4) and the 4096 bytes of the page.

Defaults: TO omitted sends the file to the user's own reader (z/VM; R6 is
silent); SYSTEM is the primary operator. DSS is accepted: shared segments are
part of the dumped storage here. Message texts other than those named above
are vm370's (unverified).
"""

from __future__ import annotations

import struct

from server.cp.commands.vmcontrol import vm_of
from server.cp.context import CommandContext
from server.cp.messages import CPError, invalid_operand, operand_missing
from server.cp.registry import command
from server.cp.vm import VirtualMachine
from server.cp.vmdisplay import ebcdic, key_lines, storage_range
from server.machine.machine import Machine
from spool.model import DeviceType, FileName, OutputSettings
from spool.unitrecord import OutputDevice

MODULE = "CDM"
LINE_BYTES = 32
PROGRESS = 0x10000
PAGE = 4096
DUMPID_LIMIT = 100


def split_dumpid(text: str) -> tuple[list[str], str | None]:
    """The operands before ``*dumpid`` (upper-cased) and the dumpid as typed."""
    if "*" not in text:
        return text.upper().split(), None
    before, after = text.split("*", 1)
    return before.upper().split(), after.strip()[:DUMPID_LIMIT]


def register_section(machine: Machine, ecmode: bool) -> list[str]:
    psw = machine.psw().hex().upper()
    lines = [f"PSW = {psw[:8]} {psw[8:]}", "", "GENERAL REGISTERS"]
    for first in (0, 8):
        values = " ".join(f"{machine.gpr(n):08X}" for n in range(first, first + 8))
        lines.append(f"GR {first:2d}-{first + 7:2d}  {values}")
    lines += ["", "FLOATING POINT REGISTERS"]
    lines.append("  ".join(f"FR{n} {machine.fpr(n).hex().upper()}" for n in (0, 2, 4, 6)))
    if ecmode:
        lines += ["", "CONTROL REGISTERS"]
        for first in (0, 8):
            values = " ".join(f"{machine.cr(n):08X}" for n in range(first, first + 8))
            lines.append(f"CR {first:2d}-{first + 7:2d}  {values}")
    return lines


def storage_line(machine: Machine, address: int, end: int) -> str:
    data = machine.read(address, min(LINE_BYTES, end + 1 - address))
    words = " ".join(data[i : i + 4].hex().upper() for i in range(0, len(data), 4))
    return f"{address:06X}  {words:<71}  *{ebcdic(data)}*"


def printer_output(vm: VirtualMachine) -> OutputDevice:
    for virtual in sorted(vm.devices.values(), key=lambda v: v.address):
        if virtual.kind == "PRT" and virtual.unit is not None and virtual.unit.output is not None:
            return virtual.unit.output
    raise CPError(MODULE, 40, "VIRTUAL PRINTER DOES NOT EXIST")


@command("DUMP", minimum=2, syntax="DUmp [L|T]hexloc1[-|:hexloc2|END|.bytecount] [*dumpid]")
async def dump_command(ctx: CommandContext) -> None:
    vm = vm_of(ctx)
    words, dumpid = split_dumpid(ctx.text)
    if len(words) > 1:
        raise invalid_operand(MODULE, words[1])
    spec = words[0] if words else "0-END"
    if spec[:1] in ("L", "T"):
        spec = spec[1:] or "0-END"
    if spec[:1] in ("-", ":"):
        spec = "0" + spec
    start, end = storage_range(spec, vm.storage_size)
    output = printer_output(vm)
    machine = vm.machine
    start &= ~(LINE_BYTES - 1)
    lines = [dumpid] if dumpid else []
    lines += [f"VIRTUAL MACHINE DUMP OF {ctx.user.userid}", ""]
    lines += register_section(machine, ctx.user.settings.ecmode)
    lines += ["", "STORAGE KEYS", *key_lines(machine, start, end), ""]
    write = output.write
    for line in lines:
        write(b"\x09" + line.encode("cp037", errors="replace"))
    for address in range(start, end + 1, LINE_BYTES):
        if address and address % PROGRESS == 0:
            ctx.reply(f"DUMPING LOC {address:06X}")
        write(b"\x09" + storage_line(machine, address, end).encode("cp037", errors="replace"))
    ctx.reply("COMMAND COMPLETE")


def dump_ranges(words: list[str], size: int) -> list[tuple[int, int]]:
    """Up to three ranges, widened to whole 4K pages."""
    ranges = []
    for word in words:
        spec = "0" + word if word[:1] in ("-", ":") else word
        if spec[-1:] in ("-", ":", "."):
            spec += "END"  # hexloc2 or bytecount left out: to the end of storage
        elif not any(separator in spec for separator in "-:."):
            # One hexloc1 alone runs to END; several separated by blanks name only
            # the pages holding those addresses (R6 VMDUMP operands and note 4).
            spec += "-END" if len(words) == 1 else ".1"
        start, end = storage_range(spec, size)
        ranges.append((start & ~(PAGE - 1), min(size - 1, end | (PAGE - 1))))
    if len(ranges) > 3:
        raise invalid_operand(MODULE, words[3])
    return ranges or [(0, size - 1)]


def vmdump_options(ctx: CommandContext, words: list[str]) -> tuple[list[str], str, str]:
    """The range operands, the receiving userid and the vmtype."""
    ranges: list[str] = []
    receiver = ctx.user.userid
    vmtype = "FILE"
    index = 0
    while index < len(words):
        word = words[index]
        if word in ("TO", "FORMAT"):
            if index + 1 >= len(words):
                raise operand_missing(MODULE)
            value = words[index + 1]
            if word == "FORMAT":
                if len(value) > 8:
                    raise invalid_operand(MODULE, value)
                vmtype = value
            elif value == "*":
                receiver = ctx.user.userid
            elif value == "SYSTEM":
                receiver = ctx.system.operator_userid
            else:
                receiver = value
            index += 2
            continue
        if word != "DSS":
            ranges.append(word)
        index += 1
    return ranges, receiver, vmtype


def information_record(
    ctx: CommandContext, vm: VirtualMachine, vmtype: str, pages: int, dumpid: str | None
) -> bytes:
    machine = vm.machine
    moment = ctx.system.clock.now().strftime("%m%d%y%H%M%S")
    keys = bytes(machine.key(address) for address in range(0, vm.storage_size, 2048))
    return b"".join(
        [
            "VMDUMP".ljust(8).encode("cp037"),
            ctx.user.userid.ljust(8).encode("cp037"),
            vmtype.ljust(8).encode("cp037"),
            moment.encode("cp037"),
            struct.pack(">II", vm.storage_size, pages),
            machine.psw(),
            b"".join(struct.pack(">I", machine.gpr(n)) for n in range(16)),
            b"".join(struct.pack(">I", machine.cr(n)) for n in range(16)),
            b"".join(machine.fpr(n) for n in (0, 2, 4, 6)),
            (dumpid or "").ljust(DUMPID_LIMIT).encode("cp037", errors="replace"),
            keys,
        ]
    )


@command(
    "VMDUMP",
    minimum=6,
    syntax="VMDUMP [hexloc1[-|:hexloc2|.bytecount|END]]... [TO userid|*|SYSTEM] "
    "[FORMAT vmtype] [DSS] [*dumpid]",
)
async def vmdump_command(ctx: CommandContext) -> None:
    vm = vm_of(ctx)
    store = ctx.system.spool
    if store is None:
        raise CPError(MODULE, 999, "VMDUMP NOT AVAILABLE: THIS SYSTEM HAS NO SPOOL")
    words, dumpid = split_dumpid(ctx.text)
    range_words, receiver, vmtype = vmdump_options(ctx, words)
    if await ctx.system.store.get_user(receiver) is None:
        raise CPError(MODULE, 53, f"{receiver} NOT IN CP DIRECTORY")
    ranges = dump_ranges(range_words, vm.storage_size)
    pages = sorted({page for start, end in ranges for page in range(start, end + 1, PAGE)})
    settings = OutputSettings(
        device=DeviceType.PUN, spool_class="V", to=receiver, name=FileName(vmtype, "DUMP")
    )
    writer = store.open_output(ctx.user.userid, settings)
    writer.write(information_record(ctx, vm, vmtype, len(pages), dumpid))
    for page in pages:
        writer.write(struct.pack(">I", page) + vm.machine.read(page, PAGE))
    spool_file = await store.close(writer)
    ctx.reply(f"COMMAND COMPLETE; RDR FILE {spool_file.spoolid:04d} TO {receiver}")
    await ctx.system.spool_arrived(spool_file)  # the receiver's RDR FILE notice
