"""SYNONYM and the user synonym table (reference/cp-cms.md 9.3 step 3, 10.24).

``SYNONYM fn [SYNONYM [fm]] [(STD|NOSTD|CLEAR)]`` installs ``fn SYNONYM``, an
F 80 file whose lines read ``command synonym [count]`` (columns 73-80 are
ignored): typing ``synonym``, or its first ``count`` characters at least,
runs ``command``. NOSTD turns the system abbreviations off, STD (default)
keeps them, CLEAR drops the user table. Synonyms apply to lines typed at the
terminal only, never inside an EXEC. ``SYNONYM`` alone and ``QUERY SYNONYM``
list the tables; their layout is (unverified).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guests.cms.commands import COMMANDS, command
from guests.cms.commands.common import (
    CommandError,
    decode,
    file_not_found,
    invalid_option,
    invalid_parameter,
    parse_mode,
)
from guests.cms.plist import Call

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

__all__ = ["resolve_synonym", "synonym_lines"]


def resolve_synonym(cms: Cms, name: str) -> str:
    """The command a user synonym (or its abbreviation) stands for, else ``name``."""
    for synonym, (real, shortest) in cms.settings.synonyms.items():
        if shortest <= len(name) <= len(synonym) and synonym.startswith(name):
            return real
    return name


def synonym_lines(cms: Cms, which: str = "ALL") -> list[str]:
    """The SYSTEM and USER tables as SYNONYM and QUERY SYNONYM show them."""
    lines: list[str] = []
    if which in ("ALL", "SYSTEM"):
        if cms.settings.standard_abbreviations:
            lines.append("SYSTEM COMMAND   SHORTEST FORM")
            for spec in sorted(COMMANDS.values(), key=lambda spec: spec.name):
                if spec.shortest < len(spec.name):
                    lines.append(f"{spec.name:<16} {spec.name[: spec.shortest]}")
        else:
            lines.append("DMSSYN711I NO SYSTEM SYNONYMS IN EFFECT")
    if which in ("ALL", "USER"):
        if cms.settings.synonyms:
            lines.append("SYSTEM COMMAND   USER SYNONYM     SHORTEST FORM")
            for synonym, (real, shortest) in sorted(cms.settings.synonyms.items()):
                lines.append(f"{real:<16} {synonym:<16} {synonym[:shortest]}")
        else:
            lines.append("DMSSYN712I NO USER SYNONYMS IN EFFECT")
    return lines


def _parse_table(cms: Cms, records: list[bytes], fileid: str) -> dict[str, tuple[str, int]]:
    table: dict[str, tuple[str, int]] = {}
    for number, record in enumerate(records, 1):
        words = decode(record)[:72].upper().split()
        if not words:
            continue
        if len(words) not in (2, 3) or (len(words) == 3 and not words[2].isdigit()):
            raise CommandError(
                56, f"FILE '{fileid}' CONTAINS INVALID RECORD FORMATS (LINE {number})", rc=32
            )
        real, synonym = words[0][:8], words[1][:8]
        shortest = int(words[2]) if len(words) == 3 else len(synonym)
        table[synonym] = (real, max(1, min(shortest, len(synonym))))
    return table


@command("SYNONYM", 3, "SYN")
async def synonym(cms: Cms, call: Call) -> int:
    options = set(call.options)
    for option in options - {"STD", "NOSTD", "CLEAR"}:
        raise invalid_option(option)
    if "STD" in options or "NOSTD" in options:
        cms.settings.standard_abbreviations = "NOSTD" not in options
    if "CLEAR" in options:
        cms.settings.synonyms.clear()
    operands = call.operands
    if not operands:
        if not options:
            cms.console.type(*synonym_lines(cms))
        return 0
    if len(operands) > 3:
        raise invalid_parameter(operands[3])
    fn = operands[0]
    ft = operands[1] if len(operands) > 1 else "SYNONYM"
    fm = operands[2] if len(operands) > 2 else "*"
    letter, _ = parse_mode(fm)
    found = cms.disks.find(fn, ft, letter)
    if found is None:
        raise file_not_found(f"{fn} {ft} {fm}")
    accessed, entry = found
    cms.settings.synonyms = _parse_table(cms, accessed.disk.read(fn, ft), entry.fileid)
    return 0
