"""What the CMS commands share: command errors, file identifiers, disks by mode.

Errors are ``CmsFsError`` values, so the nucleus shows every failure the same
way, ``DMSmmmnnns text`` with the command's module id, and returns its code
(reference/cp-cms.md 9.5, 9.6). Message numbers used here: 002E file not
found (RC 28), 003E invalid option (24), 017E invalid device address (24),
024E file already exists (28), 029E invalid parameter in option field (24),
037E disk read/only (36), 048E invalid mode (24), 054E incomplete fileid
(24), 065E option specified twice (24), 066E conflicting options (24),
069E disk not accessed (36), 070E invalid parameter (24).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from guests.cms.disks import AccessedDisk
from guests.cms.fs import CmsFsError, DiskReadOnly, FstEntry
from guests.cms.fs.errors import FileNotFound

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

__all__ = [
    "CommandError",
    "decode",
    "encode",
    "file_not_found",
    "find_file",
    "matching_files",
    "parse_mode",
    "read_write_disk",
]

CODEPAGE = "cp037"


class CommandError(CmsFsError):
    """A command's own DMS error."""

    def __init__(self, number: int, text: str, rc: int = 24, severity: str = "E") -> None:
        super().__init__(text)
        self.number = number
        self.rc = rc
        self.severity = severity


def invalid_option(option: str) -> CommandError:
    return CommandError(3, f"INVALID OPTION '{option}'")


def invalid_parameter(parameter: str) -> CommandError:
    return CommandError(70, f"INVALID PARAMETER '{parameter}'")


def incomplete_fileid() -> CommandError:
    return CommandError(54, "INCOMPLETE FILEID SPECIFIED")


def not_accessed(letter: str) -> CommandError:
    return CommandError(69, f"DISK '{letter}' NOT ACCESSED", rc=36)


def conflicting(first: str, second: str) -> CommandError:
    return CommandError(66, f"'{first}' AND '{second}' ARE CONFLICTING OPTIONS")


def file_not_found(fileid: str) -> FileNotFound:
    return FileNotFound(fileid)


def encode(text: str) -> bytes:
    return text.encode(CODEPAGE, errors="replace")


def decode(record: bytes) -> str:
    return record.decode(CODEPAGE, errors="replace")


def parse_mode(fm: str, *, star: bool = True) -> tuple[str, int | None]:
    """``A1`` -> ("A", 1); ``*`` -> ("*", None); InvalidMode (048E) otherwise."""
    if star and fm == "*":
        return "*", None
    if not 1 <= len(fm) <= 2 or not fm[0].isalpha() or (len(fm) == 2 and fm[1] not in "0123456"):
        raise CommandError(48, f"INVALID MODE '{fm}'")
    return fm[0], int(fm[1]) if len(fm) == 2 else None


def read_write_disk(cms: Cms, letter: str) -> AccessedDisk:
    """The disk at ``letter`` for writing: 069E if not accessed, 037E if read-only."""
    accessed = cms.disks.get(letter)
    if accessed is None:
        raise not_accessed(letter)
    if accessed.read_only:
        raise DiskReadOnly(letter)
    return accessed


def find_file(
    cms: Cms, fn: str, ft: str, fm: str, *, star: bool = True
) -> tuple[AccessedDisk, FstEntry]:
    """The first file ``fn ft fm`` in the search order; 048E for a bad mode, 002E if none."""
    letter, number = parse_mode(fm, star=star)
    found = cms.disks.find(fn, ft, letter if number is None else f"{letter}{number}")
    if found is None:
        raise file_not_found(f"{fn} {ft} {fm}")
    return found


def matching_files(
    disks: Iterable[AccessedDisk], fn: str, ft: str, number: int | None = None
) -> list[tuple[AccessedDisk, FstEntry]]:
    """Every visible file matching the patterns, disk by disk in the given order."""
    return [(accessed, entry) for accessed in disks for entry in accessed.files(fn, ft, number)]


def numeric(value: str, option: str) -> int:
    """A decimal option value; 029E otherwise."""
    if not value.isdigit():
        raise CommandError(29, f"INVALID PARAMETER '{value}' IN THE OPTION '{option}' FIELD")
    return int(value)
