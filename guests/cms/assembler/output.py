"""The assembler's outputs: the object deck (TEXT) and the listing (LISTING).

The object deck is the OS object module format the CMS loader reads
(guests/cms/loader.py): ESD cards (SD or PC items with their lengths, then
ER/WX items, then an LD item for each ENTRY name), TXT cards of up to 56
bytes, RLD cards (one 8-byte entry each: relocation and position ESDIDs,
flag, address) and an END card with the entry point of the END operand.
Columns 73-80 hold the deck id (the name of the first TITLE statement, up
to four characters) and a four-digit sequence number.

The listing follows the Assembler F layout (GC33-4010 and the Assembler
Programmer's Guide): the external symbol dictionary, the source and object
code with LOC, OBJECT CODE, ADDR1, ADDR2, STMT, the relocation dictionary,
the cross reference (XREF) and the diagnostics with the number of
statements flagged. TITLE (which also names the pages), EJECT and SPACE
shape the listing and are not listed themselves. Column positions and message numbers are this
system's best estimate.
"""

from __future__ import annotations

from guests.cms.assembler.core import Assembly, Line, Section
from guests.cms.loader import text_card

__all__ = ["NEW_PAGE", "listing_lines", "object_deck"]

ESD_CODES = {"SD": 0x00, "LD": 0x01, "ER": 0x02, "PC": 0x04, "WX": 0x0A}
TXT_BYTES = 56


def _ebcdic(text: str) -> bytes:
    return text.encode("cp037", errors="replace")


def _esd_items(assembly: Assembly) -> list[tuple[str, bytes]]:
    items: list[tuple[int, str, bytes]] = []
    for section in assembly.sections:
        item = _ebcdic(section.name.ljust(8)) + bytes([ESD_CODES[section.kind]])
        item += section.start.to_bytes(3, "big") + b"\x00" + section.length.to_bytes(3, "big")
        items.append((section.ident, section.kind, item))
    for ident, (name, kind) in assembly.externals.items():
        items.append((ident, kind, _ebcdic(name.ljust(8)) + bytes([ESD_CODES[kind]]) + bytes(7)))
    items.sort(key=lambda entry: entry[0])
    found = [(kind, item) for _ident, kind, item in items]
    for name in assembly.entries:
        symbol = assembly.symbols.get(name)
        if symbol is None or symbol.section <= 0 or symbol.kind == "X":
            continue
        label = _ebcdic(name.ljust(8)) + b"\x01" + symbol.value.to_bytes(3, "big") + b"\x00"
        found.append(("LD", label + symbol.section.to_bytes(3, "big")))
    return found


def _esd_cards(assembly: Assembly) -> list[bytes]:
    items = _esd_items(assembly)
    cards, next_id = [], 1
    for start in range(0, len(items), 3):
        group = items[start : start + 3]
        first = next_id if any(kind != "LD" for kind, _ in group) else 0
        next_id += sum(kind != "LD" for kind, _ in group)
        body = b"".join(item for _kind, item in group)
        cards.append(text_card("ESD", body, esdid=first, count=len(body)))
    return cards


def _text_cards(section: Section) -> list[bytes]:
    image: dict[int, int] = {}
    for at, data in section.chunks:
        for offset, byte in enumerate(data):
            image[at + offset] = byte
    cards: list[bytes] = []
    addresses = sorted(image)
    index = 0
    while index < len(addresses):
        start = addresses[index]
        run = bytearray()
        while (index < len(addresses) and addresses[index] == start + len(run)
               and len(run) < TXT_BYTES):  # fmt: skip
            run.append(image[addresses[index]])
            index += 1
        cards.append(text_card("TXT", bytes(run), address=start, esdid=section.ident,
                               count=len(run)))  # fmt: skip
    return cards


def _rld_cards(assembly: Assembly) -> list[bytes]:
    entries = []
    for relocation in sorted(assembly.relocations, key=lambda r: (r.position, r.address)):
        flag = (0x10 if relocation.vcon else 0) | (relocation.length - 1) << 2
        flag |= 0x02 if relocation.negative else 0
        entry = relocation.target.to_bytes(2, "big") + relocation.position.to_bytes(2, "big")
        entries.append(entry + bytes([flag]) + relocation.address.to_bytes(3, "big"))
    cards = []
    for start in range(0, len(entries), 7):
        body = b"".join(entries[start : start + 7])
        cards.append(text_card("RLD", body, count=len(body)))
    return cards


def object_deck(assembly: Assembly) -> list[bytes]:
    """The TEXT file: ESD, TXT, RLD and END cards with the deck id and sequence numbers."""
    cards = _esd_cards(assembly)
    for section in assembly.sections:
        cards += _text_cards(section)
    cards += _rld_cards(assembly)
    if assembly.entry is not None and assembly.entry[0] > 0:
        ident, address = assembly.entry
        cards.append(text_card("END", b"", address=address, esdid=ident))
    else:
        cards.append(text_card("END", b""))
    deck_id = assembly.deck_id[:4].ljust(4)
    return [card[:72] + _ebcdic(f"{deck_id}{number:04d}") for number, card in
            enumerate(cards, 1)]  # fmt: skip


# -- the listing ------------------------------------------------------------

HEADING = "  LOC  OBJECT CODE    ADDR1 ADDR2  STMT   SOURCE STATEMENT"
NEW_PAGE = "\f"  # a listing line that starts a page; any text after it is the new title


def _grouped(code: bytes, form: str) -> str:
    text = code.hex().upper()
    if not form:
        return text[:16]
    return " ".join(text[at : at + 4] for at in range(0, len(text), 4))


def _source_line(line: Line) -> str:
    location = f"{line.location:06X}" if line.location is not None else "      "
    code = _grouped(line.code, line.form)
    first, second = (f"{a:05X}" if a is not None else "     " for a in line.addresses)
    if not line.code and not line.form:
        first = second = "     "
    # a constant's eight bytes run into the (empty) address columns, as in IBM listings
    middle = f"{code:<14} {first} {second}" if len(code) <= 14 else code.ljust(26)
    if line.statement is None:
        return f"{location} {middle}       {line.literal}"
    number = line.statement.number
    mark = "+" if line.statement.generated else " "
    return f"{location} {middle} {number:5d}{mark}{line.statement.text}"


def _esd_lines(assembly: Assembly) -> list[str]:
    lines = ["", "EXTERNAL SYMBOL DICTIONARY", "SYMBOL   TYPE  ID  ADDR  LENGTH LDID"]
    for section in assembly.sections:
        lines.append(f"{section.name:<8} {section.kind:<4} {section.ident:04X} "
                     f"{section.start:06X} {section.length:06X}")  # fmt: skip
    for ident, (name, kind) in assembly.externals.items():
        lines.append(f"{name:<8} {kind:<4} {ident:04X}")
    for name in assembly.entries:
        symbol = assembly.symbols.get(name)
        if symbol is not None and symbol.section > 0:
            lines.append(f"{name:<8} LD        {symbol.value:06X}        {symbol.section:04X}")
    return lines


def _rld_lines(assembly: Assembly) -> list[str]:
    lines = ["", "RELOCATION DICTIONARY", "POS.ID  REL.ID  FLAGS  ADDRESS"]
    for relocation in assembly.relocations:
        flag = (0x10 if relocation.vcon else 0) | (relocation.length - 1) << 2
        flag |= 0x02 if relocation.negative else 0
        lines.append(f" {relocation.position:04X}    {relocation.target:04X}     {flag:02X}   "
                     f"{relocation.address:06X}")  # fmt: skip
    return lines


def _xref_lines(assembly: Assembly, short: bool) -> list[str]:
    """Every symbol, or (XREF(SHORT)) only those referred to."""
    lines = ["", "CROSS-REFERENCE", "SYMBOL    LEN   VALUE   DEFN    REFERENCES"]
    for name in sorted(assembly.symbols):
        symbol = assembly.symbols[name]
        if short and not symbol.references:
            continue
        references = " ".join(f"{number:05d}" for number in symbol.references)
        lines.append(f"{name:<8} {symbol.length:05d} {symbol.value:08X} {symbol.defined:05d}"
                     f"    {references}".rstrip())  # fmt: skip
    return lines


def diagnostic_lines(assembly: Assembly, flag: int = 0) -> list[str]:
    lines = ["", "DIAGNOSTICS", " STMT   ERROR CODE   MESSAGE"]
    for diagnostic in assembly.diagnostics:
        if diagnostic.severity < flag:
            continue
        code = "MNOTE " if diagnostic.number == 254 else f"IFO{diagnostic.number:03d}"
        lines.append(f"{diagnostic.statement:5d}   {code}       {diagnostic.text}")
    return lines + ["", *summary_lines(assembly)]


def summary_lines(assembly: Assembly) -> list[str]:
    """The statistics lines the assembler also types at the terminal."""
    flagged = assembly.flagged
    first = (f"{flagged:5d} STATEMENTS FLAGGED IN THIS ASSEMBLY" if flagged
             else "NO STATEMENTS FLAGGED IN THIS ASSEMBLY")  # fmt: skip
    return [first, f"HIGHEST SEVERITY WAS {assembly.severity:4d}"]


def _source_lines(assembly: Assembly, current: str) -> list[str]:
    lines, since_page = ["", HEADING], 0
    flagged = {diagnostic.statement for diagnostic in assembly.diagnostics}
    for line in assembly.lines:
        kind, _, value = line.control.partition(":")
        is_flagged = line.statement is not None and line.statement.number in flagged
        if line.listed and kind in ("TITLE", "EJECT"):
            if not since_page and len(lines) > 1 and lines[-2].startswith(NEW_PAGE):
                lines[-2] = NEW_PAGE + value  # the page has nothing yet: only retitle it
            elif since_page or (kind == "TITLE" and value != current):
                lines += [NEW_PAGE + value, HEADING]  # a new page (with this title)
                since_page = 0
            current = value if kind == "TITLE" else current
        elif line.listed and kind == "SPACE":
            lines += [""] * int(value)
        elif line.listed or is_flagged:
            lines.append(_source_line(line).rstrip())
            since_page += 1
        if is_flagged:
            lines.append(" " * 24 + "***  ERROR  ***")
    return lines


def listing_lines(assembly: Assembly, *, source: bool = True, xref: bool = True,
                  esd: bool = True, rld: bool = True, flag: int = 0,
                  xref_short: bool = False) -> list[str]:  # fmt: skip
    """The LISTING file's lines (without carriage control; NEW_PAGE lines start pages)."""
    titles = [line.control[6:] for line in assembly.lines if line.control.startswith("TITLE:")]
    current = titles[0] if titles else ""
    lines = [NEW_PAGE + current] if current else []
    lines += _esd_lines(assembly) if esd else []
    if source:
        lines += _source_lines(assembly, current)
    if rld and assembly.relocations:
        lines += _rld_lines(assembly)
    if xref:
        lines += _xref_lines(assembly, xref_short)
    return lines + diagnostic_lines(assembly, flag)
