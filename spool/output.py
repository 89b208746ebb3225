"""What the system's real printers and punches put on paper and cards.

Pure functions for CP's real unit-record devices (server/cp/realur.py;
reference cp-cms.md 8.4, VM/370 Operator's Guide R6 "Spooling"):

* `separator_page`: unless a device was STARTed with NOSEP, a printer puts
  two separator pages in front of each file (not between its copies): the
  owner's userid and the distribution code in block letters, and the file's
  spool attributes.  A punch puts four separator cards with the userid and
  the distribution code.  The layout of both is vm370's own: the Operator's
  Guide gives what they show, not where.
* `pages`: printed text lines (``"\\f"`` = skip to channel 1) cut into
  physical pages of `PAGE_LINES` lines, the 11-inch form at 6 lines an inch.
* `write_pdf`: those pages as a PDF (fpdf2), landscape 14 7/8 x 11 inch
  continuous forms, 132 columns of Courier at 10 characters an inch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path

from spool.model import SpoolFile
from spool.records import card

__all__ = [
    "PAGE_LINES",
    "block_letters",
    "pages",
    "separator_cards",
    "separator_page",
    "write_pdf",
]

PAGE_LINES = 66
PAGE_COLUMNS = 132

#: A 5 x 7 dot font for block letters; each glyph is seven rows of five bits.
_FONT: dict[str, tuple[int, ...]] = {
    "A": (0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11),
    "B": (0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E),
    "C": (0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E),
    "D": (0x1E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1E),
    "E": (0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F),
    "F": (0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10),
    "G": (0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F),
    "H": (0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11),
    "I": (0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E),
    "J": (0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C),
    "K": (0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11),
    "L": (0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F),
    "M": (0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11),
    "N": (0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11),
    "O": (0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E),
    "P": (0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10),
    "Q": (0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D),
    "R": (0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11),
    "S": (0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E),
    "T": (0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04),
    "U": (0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E),
    "V": (0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04),
    "W": (0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A),
    "X": (0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11),
    "Y": (0x11, 0x11, 0x0A, 0x04, 0x04, 0x04, 0x04),
    "Z": (0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F),
    "0": (0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E),
    "1": (0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E),
    "2": (0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F),
    "3": (0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E),
    "4": (0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02),
    "5": (0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E),
    "6": (0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E),
    "7": (0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08),
    "8": (0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E),
    "9": (0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C),
    "@": (0x0E, 0x11, 0x17, 0x15, 0x17, 0x10, 0x0E),
    "#": (0x0A, 0x0A, 0x1F, 0x0A, 0x1F, 0x0A, 0x0A),
    "$": (0x04, 0x0F, 0x14, 0x0E, 0x05, 0x1E, 0x04),
    "-": (0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00),
    "_": (0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1F),
}


def block_letters(text: str) -> list[str]:
    """Seven lines showing ``text`` (up to 8 characters) in letters made of themselves."""
    rows = ["" for _ in range(7)]
    for character in text.upper()[:8]:
        glyph = _FONT.get(character)
        for row in range(7):
            bits = glyph[row] if glyph else 0
            cells = (
                character * 2 if bits & (0x10 >> column) else "  " for column in range(5)
            )
            rows[row] += "".join(cells) + "  "
    return [row.rstrip() for row in rows]


def _stamp(moment: dt.datetime, zone: dt.tzinfo | None) -> str:
    return f"{moment.astimezone(zone):%m/%d/%y %H:%M:%S}"


def separator_page(
    spool_file: SpoolFile,
    device: str,
    node: str,
    printed: dt.datetime,
    zone: dt.tzinfo | None = None,
) -> list[str]:
    """One separator page: a skip to a new page, then its text lines."""
    dist = spool_file.dist or spool_file.owner
    name = f"{spool_file.name.filename} {spool_file.name.filetype}".strip()
    name = spool_file.name.dsname or name or "(NONE)"
    facts = [
        f"USERID   {spool_file.owner:<8}   DIST   {dist:<8}   SPOOLID {spool_file.spoolid:04d}"
        f"   CLASS {spool_file.spool_class}   ORIGIN {spool_file.device.value}"
        f"   RECORDS {spool_file.records:08d}   COPIES {spool_file.copies:02d}",
        f"NAME     {name:<24}   ORIGINATOR {spool_file.originator:<8}"
        f"   CREATED {_stamp(spool_file.created, zone)}",
        f"PRINTED  {_stamp(printed, zone)} ON {device} OF SYSTEM {node}",
    ]
    rule = "*" * PAGE_COLUMNS
    lines = ["", "", rule, "", *block_letters(spool_file.owner), "", "", *block_letters(dist)]
    lines += ["", "", *facts, "", rule]
    return ["\f", *lines]


def separator_cards(spool_file: SpoolFile) -> list[bytes]:
    """The four separator cards in front of a punched file."""
    dist = spool_file.dist or spool_file.owner
    text = (
        f"{spool_file.owner:<8} {dist:<8} {spool_file.spoolid:04d} {spool_file.spool_class} "
        f"{spool_file.name.filename:<8} {spool_file.name.filetype:<8}"
    )
    return [card(f"{'*' * 8} {text}")] * 4


def pages(lines: Iterable[str], length: int = PAGE_LINES) -> Iterator[list[str]]:
    """Physical pages: a new page at each ``"\\f"`` and after ``length`` lines.

    A skip right after a page filled up is not a blank page; two skips in a
    row are."""
    page: list[str] = []
    blank_page = False  # would a skip here leave a blank page?
    for line in lines:
        if line == "\f":
            if page or blank_page:
                yield page
            page, blank_page = [], True
            continue
        page.append(line)
        if len(page) == length:
            yield page
            page, blank_page = [], False
    if page:
        yield page


def write_pdf(page_list: Iterable[list[str]], target: Path, title: str) -> int:
    """Write the pages as a PDF; returns the number of pages."""
    from fpdf import FPDF  # imported here: only printers with PDF output need it

    inch = 72.0
    pdf = FPDF(unit="pt", format=(14.875 * inch, 11 * inch))
    pdf.set_title(title)
    pdf.set_creator("vm370")
    pdf.set_auto_page_break(False)
    pdf.set_font("Courier", size=12)  # 7.2 pt per character: 10 per inch
    line_height = inch / 6
    count = 0
    for page in page_list:
        pdf.add_page()
        count += 1
        for number, line in enumerate(page):
            text = line.encode("latin-1", errors="replace").decode("latin-1")
            pdf.text(0.75 * inch, 0.25 * inch + line_height * (number + 0.8), text[:PAGE_COLUMNS])
    if count == 0:
        pdf.add_page()
        count = 1
    pdf.output(str(target))
    return count
