"""Spool page buffers and SFBLOKs as DIAGNOSE X'14' gives them (spool/buffers.py)."""

from __future__ import annotations

import datetime as dt
import struct

from hypothesis import given
from hypothesis import strategies as st

from spool.buffers import PAGE_SIZE, SFBLOK_SIZE, fill_page, sfblok
from spool.model import DeviceType, FileName, HoldStatus, Queue, RecordFormat, SpoolFile


def walk(page: bytes, base: int) -> list[tuple[int, bytes]]:
    """Follow the CCWs of a page as a guest would: (command code, data) per data record."""
    count = struct.unpack_from(">I", page, 12)[0]
    at = 16
    found = []
    while len(found) < count:
        word, flags_count = struct.unpack_from(">II", page, at)
        opcode, address, length = word >> 24, word & 0xFFFFFF, flags_count & 0xFFFF
        tic = struct.unpack_from(">I", page, at + 8)[0]
        if tic >> 24 != 0x08:  # an immediate printer command: no data, no TIC
            found.append((opcode, b""))
            at += 8
            continue
        if opcode != 0x03:
            found.append((opcode, page[address - base : address - base + length]))
        at = (tic & 0xFFFFFF) - base
    return found


def test_cards_fill_pages_in_order_with_links() -> None:
    cards = [f"CARD {n:04d}".ljust(80).encode("cp037") for n in range(200)]
    pages, start, number = [], 0, 1
    while start < len(cards):
        page, start = fill_page(cards, start, 0x3000, number, RecordFormat.CARD,
                                "TAG" if number == 1 else None)
        pages.append(page)
        number += 1
    assert len(pages) > 1 and all(len(page) == PAGE_SIZE for page in pages)
    links = [struct.unpack_from(">II", page, 0) for page in pages]
    assert links[0] == (2, 0) and links[-1] == (0, len(pages) - 1)
    read = [data for page in pages for _, data in walk(page, 0x3000)]
    assert read == [card.rstrip(b"\x40") for card in cards]
    assert pages[0][16] == 0x03  # the TAG record first, a NOP


def test_printer_records_keep_their_carriage_control() -> None:
    lines = [b"\x09" + "LINE".encode("cp037"), b"\x8b", b"\x11" + "NEXT".encode("cp037")]
    page, following = fill_page(lines, 0, 0, 1, RecordFormat.PRINT)
    assert following == 3
    assert walk(page, 0) == [(0x09, b"\xd3\xc9\xd5\xc5"), (0x8B, b""), (0x11, b"\xd5\xc5\xe7\xe3")]


@given(st.lists(st.binary(min_size=1, max_size=133), max_size=300))
def test_any_records_survive_paging(records: list[bytes]) -> None:
    start, read, number = 0, [], 1
    while start < len(records) or number == 1:
        page, start = fill_page(records, start, 0x10000, number, RecordFormat.CARD)
        read += [data for _, data in walk(page, 0x10000)]
        number += 1
    assert read == [r.rstrip(b"\x40") or r[:1] for r in records]


def test_sfblok_fields() -> None:
    spool_file = SpoolFile(
        spoolid=17, owner="HUGO", originator="GINA", queue=Queue.RDR, device=DeviceType.PUN,
        spool_class="B", records=2, copies=3, hold=HoldStatus.USER,
        created=dt.datetime(2026, 11, 22, 2, 41, 21, tzinfo=dt.UTC),
        name=FileName("HELLO", "DECK"), dist="GINA", tag="T", record_format=RecordFormat.CARD,
    )
    block = sfblok(spool_file, active=True)
    assert len(block) == SFBLOK_SIZE
    assert block[8:24].decode("cp037") == "HUGO    GINA    "
    assert struct.unpack_from(">IHH", block, 0x18) == (2, 80, 17)
    assert block[0x20] == 0x80 | 0x20  # in use, user hold
    assert block[0x28:0x34].decode("cp037").rstrip() == "HELLO"
    assert block[0x40:0x50].decode("cp037") == "11/22/2602:41:21"
    assert struct.unpack_from(">H", block, 0x54)[0] == 3
    assert block[0x56:0x57].decode("cp037") == "B"
