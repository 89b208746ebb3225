"""FILEDEF: the OS ddname table of one CMS session (reference/cp-cms.md 10.11).

``FIledef ddname|nn|* device [(options)]`` with device ``Terminal``,
``PRinter``, ``PUnch``, ``Reader``, ``DUMMY``, ``TAPn``, ``CLEAR`` or
``DISK [FILE|fn [ddname|ft [A1|fm]]] [DSN ?|q1 q2 ...]``. ``nn`` is the FORTRAN
unit, ddname ``FTnnF001``. The table lives as long as the CMS session (a new
IPL starts an empty one); ``FILEDEF ddname CLEAR`` drops one definition
(DMSFLD704I when there is none), ``FILEDEF * CLEAR`` every definition not made
with PERM. ``FILEDEF`` alone and ``QUERY FILEDEF`` list the table, one line a
ddname: ``ddname device [fn ft fm [dsname]]`` (column layout best estimate),
or ``NO USER DEFINED FILEDEF'S IN EFFECT``.

A new definition of a ddname already defined keeps the options the new one
does not name; CHANGE (the default) lets the new values replace the old ones,
NOCHANGE keeps the old ones. The options are checked and kept: MOVEFILE uses
RECFM, LRECL, BLKSIZE and DISP MOD; the OS access methods that would use the
others (CONCAT, DSORG, KEYLEN, LIMCT, OPTCD, XTENT, tape modes) do not exist
in this CMS yet. Messages: 069I disk not accessed (the definition is made),
220R the DSN prompt, 704I, 027E an unknown device, 050E no device (numbers
best estimate), and the common 003E/029E/048E/070E.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from guests.cms.commands import command
from guests.cms.commands.common import (
    CommandError,
    invalid_option,
    invalid_parameter,
    numeric,
    parse_mode,
)
from guests.cms.plist import Call

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

__all__ = ["Definition", "definition_of", "definitions", "filedef_lines"]

DEVICES = (("TERMINAL", 1), ("PRINTER", 2), ("PUNCH", 2), ("READER", 1), ("DISK", 4),
           ("DUMMY", 5), ("CLEAR", 5))  # fmt: skip
TAPES = {f"TAP{unit}": 0x180 + unit for unit in range(1, 5)}
RECFMS = ("F", "FB", "V", "VB", "U", "FS", "FBS", "VS", "VBS")
NUMBER_OPTIONS = {"BLOCK": "BLKSIZE", "BLKSIZE": "BLKSIZE", "LRECL": "LRECL",
                  "KEYLEN": "KEYLEN", "LIMCT": "LIMCT", "XTENT": "XTENT", "DEN": "DEN"}  # fmt: skip
WORD_OPTIONS = ("RECFM", "DSORG", "MEMBER", "OPTCD", "TRTCH", "DISP")
FLAG_OPTIONS = ("PERM", "CONCAT", "7TRACK", "9TRACK", "UPCASE", "LOWCASE")
CHOICES = {"DSORG": ("PS", "PO", "DA", "IS"), "DISP": ("MOD",), "DEN": ("200", "556", "800",
           "1600", "6250")}  # fmt: skip


@dataclass
class Definition:
    """One ddname: its device, its CMS file for DISK, and its options."""

    ddname: str
    device: str  # TERMINAL, PRINTER, PUNCH, READER, DISK, DUMMY, TAPn
    fileid: tuple[str, str, str] | None = None  # DISK: fn ft fm
    dsname: str = ""
    options: dict[str, str] = field(default_factory=dict)  # RECFM F, LRECL 80, PERM ""

    @property
    def perm(self) -> bool:
        return "PERM" in self.options

    def number(self, option: str) -> int | None:
        value = self.options.get(option)
        return int(value) if value is not None else None


_TABLES: WeakKeyDictionary[Cms, dict[str, Definition]] = WeakKeyDictionary()


def definitions(cms: Cms) -> dict[str, Definition]:
    """The session's FILEDEF table, by ddname in the order defined."""
    table = _TABLES.get(cms)
    if table is None:
        table = _TABLES[cms] = {}
    return table


def definition_of(cms: Cms, ddname: str) -> Definition:
    """The ddname's definition; undefined: ``FILEDEF ddname DISK FILE ddname A1`` (10.11)."""
    found = definitions(cms).get(ddname)
    return found or Definition(ddname, "DISK", ("FILE", ddname, "A1"))


def filedef_lines(cms: Cms) -> list[str]:
    """The FILEDEF listing: one line a ddname, or the none-in-effect line."""
    table = definitions(cms)
    if not table:
        return ["NO USER DEFINED FILEDEF'S IN EFFECT"]
    lines = []
    for definition in table.values():
        line = f"{definition.ddname:<8} {definition.device:<8}"
        if definition.fileid is not None:
            fn, ft, fm = definition.fileid
            line += f" {fn:<8} {ft:<8} {fm:<2}"
        if definition.dsname:
            line += f" {definition.dsname}"
        lines.append(line.rstrip())
    return lines


def _ddname(word: str) -> str:
    if word.isdigit() and len(word) <= 2:
        return f"FT{int(word):02d}F001"
    if not word[0].isalpha() or not all(char.isalnum() or char in "$#@" for char in word):
        raise invalid_parameter(word)
    return word


def _device(word: str) -> str:
    for name, shortest in DEVICES:
        if shortest <= len(word) <= len(name) and name.startswith(word):
            return name
    if word in TAPES:
        return word
    raise CommandError(27, f"INVALID DEVICE '{word}'")


def _parse_options(words: list[str]) -> dict[str, str]:
    options: dict[str, str] = {}
    index = 0
    while index < len(words):
        word = words[index]
        if word in ("CHANGE", "NOCHANGE") or word in FLAG_OPTIONS:
            options[word] = ""
            index += 1
            continue
        name = NUMBER_OPTIONS.get(word, word if word in WORD_OPTIONS else None)
        if name is None:
            raise invalid_option(word)
        if index + 1 >= len(words):
            raise CommandError(29, f"INVALID PARAMETER '' IN THE OPTION '{word}' FIELD")
        options[name] = _option_value(word, name, words[index + 1])
        index += 2
    return options


def _option_value(word: str, name: str, value: str) -> str:
    if name in NUMBER_OPTIONS.values():
        return str(numeric(value, word))
    recfm = value[:-1] if name == "RECFM" and value[-1:] in ("A", "M") else value
    if (name == "RECFM" and recfm not in RECFMS) or value not in CHOICES.get(name, (value,)):
        raise CommandError(29, f"INVALID PARAMETER '{value}' IN THE OPTION '{word}' FIELD")
    return value


async def _disk_file(cms: Cms, ddname: str, words: list[str]) -> tuple[tuple[str, str, str], str]:
    """DISK's ``FILE ddname | fn ft [fm]`` and ``DSN ...`` operands."""
    dsname = ""
    if "DSN" in words:
        at = words.index("DSN")
        words, qualifiers = words[:at], words[at + 1 :]
        if qualifiers in ([], ["?"]):
            cms.console.error("FLD", 220, "R", "ENTER DATA SET NAME:")
            qualifiers = (await cms.console.read(upper=True)).split()
        dsname = ".".join(qualifiers)
    if not words:
        return ("FILE", ddname, "A1"), dsname
    if len(words) < 2:  # fn alone: the filetype is the ddname (FILEDEF's FILE|fn ddname|ft)
        return (words[0], ddname, "A1"), dsname
    if len(words) > 3:
        raise invalid_parameter(words[3])
    fm = words[2] if len(words) > 2 else "A1"
    letter, number = parse_mode(fm, star=False)
    if letter not in cms.disks:
        cms.console.error("FLD", 69, "I", f"DISK '{letter}' NOT ACCESSED")
    return (words[0], words[1], f"{letter}{1 if number is None else number}"), dsname


def _clear(cms: Cms, ddname: str) -> int:
    table = definitions(cms)
    if ddname == "*":
        for name in [name for name, definition in table.items() if not definition.perm]:
            del table[name]
        return 0
    if table.pop(ddname, None) is None:
        cms.console.error("FLD", 704, "I", "INVALID CLEAR REQUEST")
    return 0


def _merged(old: Definition | None, new: Definition) -> Definition:
    """CHANGE (default): new values win; NOCHANGE: values already defined are kept."""
    if old is None:
        return new
    keep_old = "NOCHANGE" in new.options
    merged = {**new.options, **old.options} if keep_old else {**old.options, **new.options}
    for word in ("CHANGE", "NOCHANGE"):
        merged.pop(word, None)
    new.options = merged
    return new


@command("FILEDEF", 2, "FLD")
async def filedef(cms: Cms, call: Call) -> int:
    """Define, clear or list ddnames."""
    if not call.operands:
        if call.options:
            raise invalid_option(call.options[0])
        cms.console.type(*filedef_lines(cms))
        return 0
    if len(call.operands) < 2:
        raise CommandError(50, "PARAMETER MISSING AFTER DDNAME")
    ddname = call.operands[0] if call.operands[0] == "*" else _ddname(call.operands[0])
    device = _device(call.operands[1])
    if device == "CLEAR":
        if len(call.operands) > 2:
            raise invalid_parameter(call.operands[2])
        return _clear(cms, ddname)
    if ddname == "*":
        raise invalid_parameter("*")
    options = _parse_options(call.options)
    rest = call.operands[2:]
    definition = Definition(ddname, device, options=options)
    if device == "DISK":
        definition.fileid, definition.dsname = await _disk_file(cms, ddname, rest)
    elif rest:
        raise invalid_parameter(rest[0])
    table = definitions(cms)
    table[ddname] = _merged(table.get(ddname), definition)
    return 0
