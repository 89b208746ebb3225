"""USER DIRECT writer: a `Directory` back to card images.

Writes the canonical form of the statements in reference cp-cms.md 7.3:
full statement names, every USER operand through priority, three-digit
addresses, the defaults written out, options in alphabetical order, and each
entry's statements in the order ACCOUNT, OPTION, IPL, CONSOLE, SPOOL, LINK,
MDISK, DEDICATE, SPECIAL.  Passwords are written in their stored form, so a
dump never shows a clear password and `parse_directory` reads it back to an
equal `Directory`.
"""

from __future__ import annotations

from directory.model import (
    MEGA,
    Directory,
    Minidisk,
    UserEntry,
)

__all__ = ["format_storage", "write_directory", "write_user"]

CARD_COLUMNS = 71


def format_storage(size: int) -> str:
    """Bytes as nnM when a whole number of megabytes, else nnnK."""
    if size % MEGA == 0:
        return f"{size // MEGA}M"
    return f"{size // 1024}K"


def _user_card(entry: UserEntry) -> str:
    operands = [
        "USER",
        entry.userid,
        entry.password,
        format_storage(entry.storage),
        format_storage(entry.max_storage),
        entry.classes,
        str(entry.priority),
        *entry.line_edit.given(),
    ]
    return " ".join(operands)


def _option_cards(entry: UserEntry) -> list[str]:
    """OPTION cards, as many as needed to keep each within column 71."""
    options = sorted(entry.options)
    if entry.cpuid is not None:
        options.append(f"CPUID {entry.cpuid}")
    if entry.affinity is not None:
        options.append(f"AFFINITY {entry.affinity:02X}")
    cards: list[str] = []
    for option in options:
        if cards and len(cards[-1]) + 1 + len(option) <= CARD_COLUMNS:
            cards[-1] += f" {option}"
        else:
            cards.append(f" OPTION {option}")
    return cards


def _mdisk_card(disk: Minidisk) -> str:
    operands = [
        " MDISK",
        f"{disk.address:03X}",
        disk.device_type,
        f"{disk.start:03d}",
        f"{disk.count:03d}",
        disk.volser,
        disk.mode,
    ]
    for password in (disk.read_password, disk.write_password, disk.multi_password):
        if password is None:
            break
        operands.append(password)
    return " ".join(operands)


def _head_cards(entry: UserEntry) -> list[str]:
    cards = [_user_card(entry)]
    if entry.account is not None:
        distcode = f" {entry.distcode}" if entry.distcode is not None else ""
        cards.append(f" ACCOUNT {entry.account}{distcode}")
    cards += _option_cards(entry)
    if entry.ipl is not None:
        parm = f" PARM {entry.ipl.parm}" if entry.ipl.parm is not None else ""
        cards.append(f" IPL {entry.ipl.target}{parm}")
    if entry.console is not None:
        console = entry.console
        spool_class = f" {console.spool_class}" if console.spool_class else ""
        cards.append(f" CONSOLE {console.address:03X} {console.device_type}{spool_class}")
    return cards


def write_user(entry: UserEntry) -> list[str]:
    """The cards of one directory entry."""
    cards = _head_cards(entry)
    for device in entry.spool:
        function = f" {device.kind.value}" if device.device_type == "2540" else ""
        cards.append(
            f" SPOOL {device.address:03X} {device.device_type}{function} {device.spool_class}"
        )
    for link in entry.links:
        cards.append(
            f" LINK {link.userid} {link.target_address:03X} {link.address:03X} {link.mode}"
        )
    cards += [_mdisk_card(disk) for disk in entry.mdisks]
    for dedicate in entry.dedicates:
        cards.append(f" DEDICATE {dedicate.address:03X} {dedicate.real_address:03X}")
    for special in entry.specials:
        mode = f" {special.mode}" if special.mode else ""
        cards.append(f" SPECIAL {special.address:03X} {special.device_type}{mode}")
    return cards


def write_directory(directory: Directory) -> str:
    """Canonical USER DIRECT text for a directory (stored-form passwords)."""
    cards: list[str] = []
    if directory.volume is not None:
        volume = directory.volume
        cards.append(f"DIRECTORY {volume.address:03X} {volume.device_type} {volume.volser}")
    for entry in directory.users:
        cards.append("*")
        cards += write_user(entry)
    return "\n".join(cards) + "\n"
