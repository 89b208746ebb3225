"""File-type defaults of the CMS editor: LRECL, RECFM, tabs, truncation, case, serialization.

reference/cp-cms.md 11.1 (LRECL defaults: 80, LISTING 121, SCRIPT and VSBDATA
132, FREEFORT 81, maximum 160; CASE M for MEMO and SCRIPT) and 11.2 (TRUNC,
ZONE and tab settings depend on the filetype). The tab columns and truncation
columns follow the VM/370 EDIT Guide's filetype table as far as it is known;
the serialized types (ASSEMBLE and the other card-image source types) keep
columns 73-80 for sequence numbers, so input stops at column 71 or 72 and
verification shows columns 1-72.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["MAX_LRECL", "TypeDefaults", "defaults_for"]

MAX_LRECL = 160

ASSEMBLER_TABS = (1, 10, 16, 31, 36, 41, 46, 69, 72)
FORTRAN_TABS = (1, 7, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 73)
COBOL_TABS = (1, 8, 12, 20, 28, 36, 44, 68, 72)
PLI_TABS = (2, 4, 7, 10, 13, 16, 19, 22, 25, 31, 37, 43, 49, 55, 79, 80)
OTHER_TABS = (1, 6, 11, 16, 21, 26, 31, 36, 41, 46, 51, 61, 71, 81)


@dataclass(frozen=True)
class TypeDefaults:
    """What EDIT assumes for a file of one filetype."""

    lrecl: int = 80
    recfm: str = "F"
    trunc: int | None = None  # None: the LRECL
    tabs: tuple[int, ...] = OTHER_TABS
    case: str = "U"
    serial: bool = False
    line_numbers: bool = False  # VSBASIC and FREEFORT: RENUM applies
    verify_end: int | None = None  # None: the truncation column
    extra: dict[str, str] = field(default_factory=dict)


_SOURCE = TypeDefaults(trunc=71, tabs=ASSEMBLER_TABS, serial=True, verify_end=72)
_TABLE: dict[str, TypeDefaults] = {
    "ASSEMBLE": _SOURCE,
    "MACRO": _SOURCE,
    "COPY": _SOURCE,
    "UPDATE": _SOURCE,
    "AUXPTF": _SOURCE,
    "CNTRL": TypeDefaults(trunc=72, serial=False),
    "FORTRAN": TypeDefaults(trunc=72, tabs=FORTRAN_TABS, serial=True, verify_end=72),
    "COBOL": TypeDefaults(trunc=72, tabs=COBOL_TABS, serial=True, verify_end=72),
    "PLI": TypeDefaults(trunc=72, tabs=PLI_TABS, serial=True, verify_end=72),
    "PLIOPT": TypeDefaults(trunc=72, tabs=PLI_TABS, serial=True, verify_end=72),
    "FREEFORT": TypeDefaults(lrecl=81, recfm="V", line_numbers=True),
    "VSBASIC": TypeDefaults(recfm="V", line_numbers=True),
    "VSBDATA": TypeDefaults(lrecl=132, recfm="V"),
    "EXEC": TypeDefaults(recfm="V", trunc=72),
    "DATA": TypeDefaults(trunc=72),
    "SCRIPT": TypeDefaults(lrecl=132, recfm="V", case="M"),
    "MEMO": TypeDefaults(recfm="V", case="M"),
    "LISTING": TypeDefaults(lrecl=121, recfm="V", case="M"),
    "DIRECT": TypeDefaults(trunc=72),
}


def defaults_for(filetype: str) -> TypeDefaults:
    """The defaults of ``filetype`` (UPDTxxxx files are treated like UPDATE files)."""
    if filetype.startswith("UPDT"):
        return _SOURCE
    return _TABLE.get(filetype, TypeDefaults())
