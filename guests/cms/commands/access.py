"""ACCESS, RELEASE and FORMAT (reference/cp-cms.md 10.1, 10.12, 10.19, 9.5).

ACCESS reads a minidisk's label and directory into storage at a mode letter;
the messages are DMSACC723I (read-only), 724I (replaces), 725I (also at
another letter) and 726I (released). FORMAT confirms with DMSFOR603R,
asks for the label with 605R, then reports 733I and 732I; LABEL rewrites the
label only, RECOMP changes the cylinders in use and shows the QUERY DISK line.
A device that is not there is DMSACC113S; one that holds no CMS disk is
DMSACC112S (message texts for these two are (unverified)).

RELEASE's errors DMSARE017E INVALID DEVICE ADDRESS 'cuu', DMSARE028E NO DEVICE
SPECIFIED and DMSARE048E INVALID MODE 'mode' (all RC 24) are as listed in the R6
CMS Command and Macro Reference (GC20-1818, PLC 17, RELEASE, p. 158); FORMAT with
no device gives the same 028E (the number is R6's, its use by DMSFOR inferred).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guests.cms.commands import command
from guests.cms.commands.common import (
    CommandError,
    conflicting,
    invalid_option,
    invalid_parameter,
    not_accessed,
    numeric,
)
from guests.cms.diag import DiagnoseDevice, DiskNotAttached, NotDasd
from guests.cms.disks import AccessedDisk
from guests.cms.fs import BlockDevice, CmsDisk, cms_geometry
from guests.cms.fs.errors import BlockIOError, NotCmsDisk
from guests.cms.plist import Call

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

__all__ = ["attach", "disk_line", "parse_vaddr"]


def parse_vaddr(text: str) -> int:
    """A virtual device address, 1-3 hex digits; 017E otherwise."""
    try:
        value = int(text, 16)
    except ValueError:
        value = -1
    if len(text) > 3 or not 0 < value <= 0xFFF:
        raise CommandError(17, f"INVALID DEVICE ADDRESS '{text}'")
    return value


async def attach(cms: Cms, vaddr: int, letter: str) -> BlockDevice:
    """The device at ``vaddr``; DMSxxx113S when there is none."""
    try:
        return await cms.provider.attach(vaddr)
    except (DiskNotAttached, NotDasd):
        raise CommandError(113, f"{letter}({vaddr:03X}) NOT ATTACHED", 100, "S") from None


def disk_line(accessed: AccessedDisk) -> str:
    """The QUERY DISK / FORMAT (RECOMP line of one disk."""
    disk = accessed.disk
    used, total = disk.used_blocks, disk.total_blocks
    percent = used * 100 // total if total else 0
    state = "R/O" if accessed.read_only else "R/W"
    return (
        f"{accessed.label()}: {disk.file_count} FILES, {used} REC IN USE, {disk.free_blocks}"
        f" LEFT (OF {total}), {percent}% FULL ({disk.cylinders} CYL), "
        f"{disk.device_type:04X}, {state}"
    )


def _parse_mode_field(text: str) -> tuple[str, str | None]:
    letter, _, parent = text.partition("/")
    bad_parent = parent and (len(parent) != 1 or not parent.isalpha())
    if len(letter) != 1 or not letter.isalpha() or bad_parent:
        raise CommandError(48, f"INVALID MODE '{text}'")
    return letter, parent or None


def _access_options(options: list[str]) -> set[str]:
    for option in options:
        if option not in ("ERASE", "NODISK", "NOPROF", "MODE0"):
            raise invalid_option(option)
    return set(options)


@command("ACCESS", 2, "ACC")
async def access(cms: Cms, call: Call) -> int:
    operands = call.operands
    options = _access_options(call.options)
    for inert in sorted(options & {"NODISK", "NOPROF"}):  # NOPROF matters only before
        # PROFILE EXEC runs, and this CMS runs it at IPL; NODISK is for CMS/DOS
        cms.console.error("ACC", 0, "W", f"OPTION {inert} HAS NO EFFECT IN THIS CMS")
    if len(operands) == 1:
        raise CommandError(48, "INVALID MODE ''")
    vaddr = parse_vaddr(operands[0]) if operands else 0x191
    letter, parent = _parse_mode_field(operands[1]) if len(operands) > 1 else ("A", None)
    pattern = tuple((operands[2:] + ["*", "*", "*"])[:3])
    if len(operands) > 5:
        raise invalid_parameter(operands[5])
    if len(operands) > 2 and parent is None:
        raise invalid_parameter(operands[2])
    if "ERASE" in options and parent is not None:
        raise conflicting("ERASE", f"{letter}/{parent}")
    device = await attach(cms, vaddr, letter)
    read_only = parent is not None or device.read_only
    try:
        disk = CmsDisk.access(
            device, mode_letter=letter, read_only=read_only, mode0="MODE0" in options
        )
    except (NotCmsDisk, BlockIOError):
        raise CommandError(112, f"DISK '{letter}({vaddr:03X})' DEVICE ERROR", 100, "S") from None
    _make_room(cms, vaddr, letter, read_only)
    if "ERASE" in options:
        disk.erase_all()
    number = pattern[2][1:] if len(pattern[2]) > 1 else "*"
    cms.disks.by_letter[letter] = AccessedDisk(
        vaddr, letter, disk, parent, (pattern[0], pattern[1], number)
    )
    if disk.read_only:
        cms.console.error("ACC", 723, "I", f"{letter} ({vaddr:03X}) R/O")
    return 0


def _make_room(cms: Cms, vaddr: int, letter: str, read_only: bool) -> None:
    """Release what the new access replaces, with DMSACC724I/725I/726I."""
    old = cms.disks.get(letter)
    if old is not None and old.vaddr != vaddr:
        cms.console.error("ACC", 724, "I", f"{vaddr:03X} REPLACES {old.label()}")
        release_letter(cms, letter)
        cms.console.error("ACC", 726, "I", f"{old.vaddr:03X} {letter} RELEASED")
    elif old is not None:
        release_letter(cms, letter)
    for other in cms.disks.letters_of(vaddr):
        if other == letter:
            continue
        if read_only:
            cms.console.error("ACC", 725, "I", f"{vaddr:03X} ALSO = {other} DISK")
            continue
        release_letter(cms, other)
        cms.console.error("ACC", 726, "I", f"{vaddr:03X} {other} RELEASED")


def release_letter(cms: Cms, letter: str) -> None:
    """Forget the disk at ``letter``; a R/W directory is rewritten first."""
    accessed = cms.disks.by_letter.pop(letter)
    if not accessed.read_only:
        accessed.disk.rewrite_directory()


@command("RELEASE", 3, "ARE")
async def release(cms: Cms, call: Call) -> int:
    operands = call.operands
    if not operands:
        raise CommandError(28, "NO DEVICE SPECIFIED")
    if len(operands) > 1:
        raise invalid_parameter(operands[1])
    for option in call.options:
        if option not in ("DET", "DETACH"):
            raise invalid_option(option)
    target = operands[0]
    if len(target) == 1 and target.isalpha():
        if target == "S":
            raise CommandError(48, "INVALID MODE 'S'")
        accessed = cms.disks.get(target)
        if accessed is None:
            raise not_accessed(target)
        vaddr, letters = accessed.vaddr, [target]
    else:
        vaddr = parse_vaddr(target)
        letters = cms.disks.letters_of(vaddr)
        if not letters:
            raise CommandError(69, f"DISK '{target}' NOT ACCESSED", rc=36)
    for letter in letters:
        release_letter(cms, letter)
    if call.options:
        await cms.guest.cp(f"DETACH {vaddr:03X}", capture=False)
    return 0


async def _confirm(cms: Cms, letter: str, vaddr: int) -> bool:
    cms.console.error(
        "FOR", 603, "R",
        f"FORMAT WILL ERASE ALL FILES ON DISK '{letter}({vaddr:03X})'. "
        "DO YOU WISH TO CONTINUE? (YES|NO):",
    )  # fmt: skip
    answer = (await cms.console.read()).strip().upper()
    return answer in ("YES", "Y")


async def _label(cms: Cms) -> str | None:
    cms.console.error("FOR", 605, "R", "ENTER DISK LABEL:")
    label = (await cms.console.read()).strip().upper()
    return label[:6] or None


def _format_operands(call: Call) -> tuple[int, str, int | None, str | None]:
    operands = call.operands
    if len(operands) < 2:
        raise CommandError(28, "NO DEVICE SPECIFIED")
    vaddr = parse_vaddr(operands[0])
    letter = operands[1]
    if len(letter) != 1 or not letter.isalpha() or letter == "S":
        raise CommandError(48, f"INVALID MODE '{letter}'")
    cylinders = numeric(operands[2], "FORMAT") if len(operands) > 2 else None
    if len(operands) > 3:
        raise invalid_parameter(operands[3])
    option = None
    for word in call.options:
        if word not in ("LABEL", "RECOMP") or option is not None:
            raise invalid_option(word)
        option = word
    return vaddr, letter, cylinders, option


@command("FORMAT", 6, "FOR")
async def format_disk(cms: Cms, call: Call) -> int:
    vaddr, letter, cylinders, option = _format_operands(call)
    device = await attach(cms, vaddr, letter)
    if device.read_only:
        raise CommandError(37, f"DISK '{letter}({vaddr:03X})' IS READ/ONLY", rc=36)
    if option is not None:
        return await _format_option(cms, device, vaddr, letter, cylinders, option)
    if not await _confirm(cms, letter, vaddr):
        cms.console.error("FOR", 705, "I", "DISK REMAINS UNCHANGED")
        return 0
    label = await _label(cms)
    if label is None:
        cms.console.error("FOR", 705, "I", "DISK REMAINS UNCHANGED")
        return 0
    cms.console.error("FOR", 733, "I", f"FORMATTING DISK '{letter}'")
    _make_room(cms, vaddr, letter, read_only=False)
    if isinstance(device, DiagnoseDevice):
        await _format_tracks(cms, device, cylinders or device.cylinders)
    disk = CmsDisk.format(device, label, cylinders=cylinders, mode_letter=letter)
    cms.disks.by_letter[letter] = AccessedDisk(vaddr, letter, disk)
    cms.console.error(
        "FOR", 732, "I", f"'{disk.cylinders}' CYLINDERS FORMATTED ON DISK '{letter}({vaddr:03X})'"
    )
    return 0


async def _format_tracks(cms: Cms, device: DiagnoseDevice, cylinders: int) -> None:
    """Write the 800-byte records on every track; stop quietly if CP refuses."""
    heads = cms_geometry(device.device_type).heads
    for cylinder in range(cylinders):
        for head in range(heads):
            if not device.format_track(cylinder, head):
                return  # CP does not let us: the tracks are used as they are
        await cms.checkpoint()


async def _format_option(
    cms: Cms, device: BlockDevice, vaddr: int, letter: str, cylinders: int | None, option: str
) -> int:
    try:
        disk = CmsDisk.access(device, mode_letter=letter)
    except (NotCmsDisk, BlockIOError):
        raise CommandError(112, f"DISK '{letter}({vaddr:03X})' DEVICE ERROR", 100, "S") from None
    _make_room(cms, vaddr, letter, read_only=False)
    accessed = AccessedDisk(vaddr, letter, disk)
    cms.disks.by_letter[letter] = accessed
    if option == "LABEL":
        label = await _label(cms)
        if label is None:
            cms.console.error("FOR", 705, "I", "DISK REMAINS UNCHANGED")
            return 0
        disk.relabel(label)
        return 0
    disk.recomp(cylinders if cylinders is not None else device.cylinders)
    cms.console.type(disk_line(accessed))
    return 0
