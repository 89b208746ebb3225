"""Build CMS TEXT decks (80-byte object cards) from programs assembled with GNU as.

The program is assembled by ``s390x-linux-gnu-as`` into an ELF object; this
helper reads its ``.text`` section, its symbols and its ``R_390_32``
relocations, and writes the cards the CMS loader reads: one ESD card with
the control section (SD), its global labels (LD) and the undefined names
(ER), TXT cards of up to 56 bytes, RLD cards for each 4-byte address
constant (an A-con within the section, or an A-con/V-con to an external
name), and an END card. S/370 has no relative branches: the programs
establish a base register with ``BALR`` and address ``label-base(%r12)``.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from guests.cms.loader import text_card
from tests.tools import require_tool

__all__ = ["ObjectFile", "assemble", "text_deck"]

R_390_32 = 4
SHT_SYMTAB, SHT_RELA = 2, 4


@dataclass
class ObjectFile:
    text: bytes
    labels: dict[str, int] = field(default_factory=dict)  # global labels in .text
    externals: list[str] = field(default_factory=list)  # undefined names
    relocations: list[tuple[int, str]] = field(default_factory=list)  # offset, name or ""


def assemble(source: str, workdir: Path, name: str = "prog") -> ObjectFile:
    """Assemble GNU as source for S/370 (no relative branches are used) into an ObjectFile."""
    tool = require_tool("s390x-linux-gnu-as")
    src, obj = workdir / f"{name}.s", workdir / f"{name}.o"
    src.write_text(source)
    subprocess.run([tool, "-m31", "-o", str(obj), str(src)], check=True, capture_output=True)
    return read_elf(obj.read_bytes())


def _u(raw: bytes, at: int, size: int) -> int:
    return int.from_bytes(raw[at : at + size], "big")


def read_elf(raw: bytes) -> ObjectFile:
    """The .text section, symbols and R_390_32 relocations of a big-endian ELF object."""
    is64 = raw[4] == 2
    shoff = _u(raw, 0x28, 8) if is64 else _u(raw, 0x20, 4)
    entsize = _u(raw, 0x3A, 2) if is64 else _u(raw, 0x2E, 2)
    count = _u(raw, 0x3C, 2) if is64 else _u(raw, 0x30, 2)
    strndx = _u(raw, 0x3E, 2) if is64 else _u(raw, 0x32, 2)
    sections = [_section(raw, shoff + index * entsize, is64) for index in range(count)]
    names = sections[strndx]

    def name_of(table: dict[str, int], offset: int) -> str:
        start = table["offset"] + offset
        return raw[start : raw.index(b"\0", start)].decode()

    by_name = {name_of(names, section["name"]): (index, section)
               for index, section in enumerate(sections)}  # fmt: skip
    text_index, text = by_name[".text"]
    result = ObjectFile(raw[text["offset"] : text["offset"] + text["size"]])
    symtab = next(section for section in sections if section["type"] == SHT_SYMTAB)
    strtab = sections[symtab["link"]]
    symbols = _symbols(raw, symtab, is64)
    for sym_name, info, shndx, value in symbols:
        label = name_of(strtab, sym_name) if sym_name else ""
        if shndx == text_index and info >> 4 == 1 and label:
            result.labels[label] = value
        elif shndx == 0 and label:
            result.externals.append(label)
    for section in sections:
        if section["type"] == SHT_RELA and section["info"] == text_index:
            result.relocations.extend(
                _relocations(raw, section, symbols, strtab, name_of, is64, result)
            )
    return result


def _section(raw: bytes, at: int, is64: bool) -> dict[str, int]:
    if is64:
        fields = (("name", 0, 4), ("type", 4, 4), ("offset", 24, 8), ("size", 32, 8),
                  ("link", 40, 4), ("info", 44, 4), ("entsize", 56, 8))  # fmt: skip
    else:
        fields = (("name", 0, 4), ("type", 4, 4), ("offset", 16, 4), ("size", 20, 4),
                  ("link", 24, 4), ("info", 28, 4), ("entsize", 36, 4))  # fmt: skip
    return {key: _u(raw, at + offset, size) for key, offset, size in fields}


def _symbols(raw: bytes, symtab: dict[str, int], is64: bool) -> list[tuple[int, int, int, int]]:
    size = 24 if is64 else 16
    found = []
    for at in range(symtab["offset"], symtab["offset"] + symtab["size"], size):
        if is64:
            found.append((_u(raw, at, 4), raw[at + 4], _u(raw, at + 6, 2), _u(raw, at + 8, 8)))
        else:
            found.append((_u(raw, at, 4), raw[at + 12], _u(raw, at + 14, 2), _u(raw, at + 4, 4)))
    return found


def _relocations(raw, section, symbols, strtab, name_of, is64, result):  # type: ignore[no-untyped-def]
    size = 24 if is64 else 12
    text = bytearray(result.text)
    for at in range(section["offset"], section["offset"] + section["size"], size):
        offset = _u(raw, at, 8 if is64 else 4)
        info = _u(raw, at + (8 if is64 else 4), 8 if is64 else 4)
        addend = int.from_bytes(raw[at + (16 if is64 else 8) : at + size], "big", signed=True)
        kind, symbol = (info & 0xFFFFFFFF, info >> 32) if is64 else (info & 0xFF, info >> 8)
        if kind != R_390_32:
            raise ValueError(f"relocation type {kind} at {offset:X} is not an A-con")
        sym_name, _info, shndx, value = symbols[symbol]
        label = name_of(strtab, sym_name) if sym_name else ""
        external = label if shndx == 0 else ""
        target = addend if external else value + addend
        text[offset : offset + 4] = (target % (1 << 32)).to_bytes(4, "big")
        yield offset, external
    result.text = bytes(text)


def text_deck(obj: ObjectFile, name: str, *, vcon: bool = False) -> list[bytes]:
    """The object deck: ESD (SD, LDs, ERs), TXT, RLD and END cards."""
    items = [_esd_item(name, 0x00, 0, len(obj.text))]
    items += [_esd_item(label, 0x01, address, 1) for label, address in obj.labels.items()
              if label != name]  # fmt: skip
    er_ids: dict[str, int] = {}
    for external in obj.externals:
        er_ids[external] = 2 + len(er_ids)
        items.append(_esd_item(external, 0x02, 0, 0))
    cards = _esd_cards(items)
    for at in range(0, len(obj.text), 56):
        chunk = obj.text[at : at + 56]
        cards.append(text_card("TXT", chunk, address=at, esdid=1, count=len(chunk)))
    entries = b""
    for offset, external in obj.relocations:
        r_id = er_ids[external] if external else 1
        flag = 0x1C if external and vcon else 0x0C
        entries += r_id.to_bytes(2, "big") + (1).to_bytes(2, "big") + bytes([flag])
        entries += offset.to_bytes(3, "big")
    for at in range(0, len(entries), 56):
        chunk = entries[at : at + 56]
        cards.append(text_card("RLD", chunk, count=len(chunk)))
    cards.append(text_card("END", b""))
    return cards


def _esd_item(name: str, kind: int, address: int, length: int) -> bytes:
    tail = (1).to_bytes(3, "big") if kind == 0x01 else length.to_bytes(3, "big")
    return (name.upper().ljust(8)[:8].encode("cp037") + bytes([kind])
            + address.to_bytes(3, "big") + b"\x40" + tail)  # fmt: skip


def _esd_cards(items: list[bytes]) -> list[bytes]:
    """ESD cards of three items; each card's ESDID is that of its first non-LD item."""
    cards = []
    next_id = 1
    for at in range(0, len(items), 3):
        group = items[at : at + 3]
        first = next((item for item in group if item[8] != 0x01), None)
        esdid = next_id if first is not None else 0
        next_id += sum(1 for item in group if item[8] != 0x01)
        cards.append(text_card("ESD", b"".join(group), esdid=esdid, count=16 * len(group)))
    return cards
