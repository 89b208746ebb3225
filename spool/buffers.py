"""Spool page buffers and spool file blocks as DIAGNOSE X'14' hands them to a guest.

VM/370 Release 6 keeps a spool file as a chain of 4096-byte page buffers
(Data Areas and Control Block Logic, SPLINK; System Logic and Problem
Determination Guide Vol. 1, "Spool data and file format"):

* the first 16 bytes link the chain: the location of the next page
  (SPNXTPAG, +0) and of the previous one (SPPREPAG, +4), a word CP uses as it
  likes (SPRMISC, +8) and the number of data records in the buffer
  (SPRECNUM, +C); here a page's location is its number in the file, 1 for
  the first, and 0 means there is none;
* then the records, each as the CCW that moves it (its command code as the
  creating device wrote it, SLI set, the count of the data kept), a TIC to
  the next CCW, and the data with its trailing blanks suppressed (the TAG
  record keeps its 136 bytes); a printer
  file's immediate commands (space or skip now, no data) are a CCW alone,
  followed directly by the next one;
* the first page also carries the file's TAG record right after the link
  words, and keeps its last 48 bytes for 3800 information (SPCHAR...).

The CCW data and TIC addresses are those of the page where the guest
receives it (``base``), so the guest can run or walk the chain in place.

SFBLOK (spool file block, 13 doublewords) describes one file:
SFBPNT, SFBSTART, SFBUSER, SFBORIG, SFBRECNO, SFBRECSZ, SFBFILID, SFBFLAG,
SFBTYPE, SFBMISC1, SFBRECS, SFBFNAME, SFBFTYPE, SFBDATE, SFBTIME, SFBLAST,
SFBCOPY, SFBCLAS, SFBFLAG2, SFBDIST, SFBFLASH, SFBSTCPY (R6 Data Areas).

Best estimates (the sources do not settle them): the TAG record is a
CCW X'03' (no-operation) record that SPRECNUM does not count; a punch
record's CCW is X'01' (write); SFBTYPE is X'41' for printer and console
files and X'82' for card files; SFBRECSZ is 80 for cards and 132 for lines.
"""

from __future__ import annotations

import struct

from spool.model import HoldStatus, RecordFormat, SpoolFile

__all__ = [
    "PAGE_SIZE",
    "SFBLOK_SIZE",
    "TAG_RECORD_SIZE",
    "fill_page",
    "sfblok",
]

PAGE_SIZE = 4096
HEADER = 16  # SPNXTPAG, SPPREPAG, SPRMISC, SPRECNUM
FIRST_PAGE_TAIL = 48  # SPCHAR ... SPTIME, first buffer only
SENSE_ROOM = 8  # CP keeps room for a SENSE CCW at the end of every buffer
SFBLOK_SIZE = 13 * 8
TAG_RECORD_SIZE = 136
CODEPAGE = "cp037"
BLANK = 0x40

CCW_CHAIN = 0x40
CCW_SLI = 0x20
TIC = 0x08
NOP = 0x03
WRITE = 0x01
IMMEDIATE_PRINTER = frozenset({0x0B, 0x13, 0x1B}) | {0x8B + 8 * n for n in range(12)}

# SFBFLAG bits (R6 Data Areas, SFBLOK)
SFBINUSE = 0x80
SFBUHOLD = 0x20
SFBSHOLD = 0x04
# SFBFLAG2
SFBHOLD = 0x80
TYPE_PRINTER = 0x41
TYPE_CARD = 0x82


def _ebcdic(text: str, length: int) -> bytes:
    return text.encode(CODEPAGE, errors="replace")[:length].ljust(length, bytes([BLANK]))


def _split(record: bytes, record_format: RecordFormat) -> tuple[int, bytes]:
    """A record's CCW command code and its data."""
    if record_format is RecordFormat.PRINT and record:
        return record[0], record[1:]
    return WRITE, record


def _ccw(opcode: int, address: int, flags: int, count: int) -> bytes:
    return struct.pack(">I", opcode << 24 | address & 0xFFFFFF) + struct.pack(
        ">BBH", flags, 0, count
    )


def _record_bytes(opcode: int, data: bytes, at: int) -> bytes:
    """One record placed at guest address ``at``: CCW, TIC, data (doubleword padded)."""
    if opcode in IMMEDIATE_PRINTER and not data:
        return _ccw(opcode, 0, CCW_CHAIN | CCW_SLI, 1)
    kept = data if opcode == NOP else data.rstrip(bytes([BLANK])) or data[:1] or bytes([BLANK])
    padded = kept.ljust((len(kept) + 7) // 8 * 8, b"\0")
    data_at = at + 16
    return (
        _ccw(opcode, data_at, CCW_CHAIN | CCW_SLI, len(kept))
        + _ccw(TIC, data_at + len(padded), 0, 0)
        + padded
    )


def fill_page(
    records: list[bytes],
    start: int,
    base: int,
    page_number: int,
    record_format: RecordFormat,
    tag: str | None = None,
) -> tuple[bytes, int]:
    """The page buffer holding records from ``start`` on, for guest address ``base``.

    ``tag`` is given for the first page only. Returns the page and the index of
    the first record that did not fit (``len(records)`` when all did)."""
    page = bytearray(PAGE_SIZE)
    limit = PAGE_SIZE - SENSE_ROOM - (FIRST_PAGE_TAIL if page_number == 1 else 0)
    offset = HEADER
    if tag is not None:
        piece = _record_bytes(NOP, _ebcdic(tag, TAG_RECORD_SIZE), base + offset)
        page[offset : offset + len(piece)] = piece
        offset += len(piece)
    index = start
    while index < len(records):
        opcode, data = _split(records[index], record_format)
        piece = _record_bytes(opcode, data, base + offset)
        if offset + len(piece) > limit:
            break
        page[offset : offset + len(piece)] = piece
        offset += len(piece)
        index += 1
    following = page_number + 1 if index < len(records) else 0
    struct.pack_into(">IIII", page, 0, following, page_number - 1, 0, index - start)
    return bytes(page), index


def sfblok(spool_file: SpoolFile, active: bool) -> bytes:
    """The 13-doubleword SFBLOK of a closed spool file."""
    flag = SFBINUSE if active else 0
    if spool_file.hold in (HoldStatus.USER, HoldStatus.USYS):
        flag |= SFBUHOLD
    if spool_file.hold in (HoldStatus.SYS, HoldStatus.USYS):
        flag |= SFBSHOLD
    card = spool_file.record_format is RecordFormat.CARD
    name = spool_file.name
    created = spool_file.created
    block = (
        struct.pack(">II", 0, 1)  # SFBPNT, SFBSTART (first page)
        + _ebcdic(spool_file.owner, 8)
        + _ebcdic(spool_file.originator, 8)
        + struct.pack(">IHH", spool_file.records, 80 if card else 132, spool_file.spoolid)
        + bytes((flag, TYPE_CARD if card else TYPE_PRINTER))
        + struct.pack(">HI", 0, spool_file.records)  # SFBMISC1, SFBRECS
        + _ebcdic(name.dsname or name.filename, 12)
        + _ebcdic("" if name.dsname else name.filetype, 12)
        + _ebcdic(created.strftime("%m/%d/%y"), 8)
        + _ebcdic(created.strftime("%H:%M:%S"), 8)
        + struct.pack(">IH", 0, spool_file.copies)  # SFBLAST, SFBCOPY
        + _ebcdic(spool_file.spool_class, 1)
        + bytes((SFBHOLD if spool_file.held else 0,))
        + _ebcdic(spool_file.dist, 8)
        + bytes(4)  # SFBFLASH
        + bytes(4)  # SFBSTCPY, reserved
    )
    return block
