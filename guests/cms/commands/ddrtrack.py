"""Whole CKD tracks for DDR: read and write them with channel programs, show them in hex.

DDR under CMS reaches its disks only through DIAGNOSE X'20' (general I/O on
a virtual device, reference/diagnose.md 1), with the channel programs of a
track copy (reference/dasd.md 4):

- read: Seek, Read Home Address (X'1A'), Read R0 (X'16'), Read Multiple Count
  Key and Data (X'5E') -- the rest of the track in one transfer. DIAGNOSE
  X'20' reports no residual count, so the buffer is filled with X'FF' first
  and the records end where a count field of all ones begins.
- write: Set File Mask X'C0' (all writes), Seek, Search Home Address Equal
  with a TIC back to it, Write R0 (which erases the rest of the track), then
  Write Count Key and Data for each record -- as FORMAT writes a track.

The channel programs and buffers sit at X'30000'-X'5FFFF' of the virtual
machine (DDR is a user-area command in R6, like the other utilities that
borrow that storage). ``dump_lines`` gives the TYPE and PRINT listing: per
track the home address, per record its count field and its key and data
32 bytes a line in hex and EBCDIC, repeated lines folded (layout best
estimate: the R6 listing format was not found in the manuals at hand).
"""

from __future__ import annotations

from dataclasses import dataclass

from guests.cms.diag import DiagGuest, diagnose_now
from guests.cms.fs.errors import BlockIOError

__all__ = [
    "STORAGE_NEEDED",
    "DasdTrack",
    "TrackError",
    "dump_lines",
    "parse_records",
    "read_track",
    "write_track",
]

CHAIN_AT = 0x30000
ARGUMENT_AT = 0x30800
R0_AT = 0x31000
R0_SPACE = 0x1000
READ_AT = 0x40000
READ_SPACE = 0xFFF8
WRITE_AT = 0x50000
STORAGE_NEEDED = 0x60000
SEEK, READ_HA, READ_R0, READ_MULTIPLE = 0x07, 0x1A, 0x16, 0x5E
SET_FILE_MASK, SEARCH_HA_EQUAL, TIC, WRITE_R0, WRITE_CKD = 0x1F, 0x39, 0x08, 0x15, 0x1D
ALLOW_ALL_WRITES = 0xC0
CHAIN, SLI = 0x40, 0x20
END_MARK = b"\xff" * 8
WRITE_INHIBITED = 0x02  # sense byte 1
LINE_BYTES = 32


class TrackError(Exception):
    """A track channel program ended in error: the sense bytes DIAGNOSE X'20' returned."""

    def __init__(self, what: str, vaddr: int, cylinder: int, head: int, sense: int) -> None:
        super().__init__(f"{what} {vaddr:03X} CYL {cylinder} HEAD {head} SENSE {sense:04X}")
        self.write_inhibited = bool(sense & WRITE_INHIBITED)
        self.sense = sense


@dataclass
class DasdTrack:
    """One track: its home address (flag, CC, HH) and its records, R0 first, each as
    count field, key and data."""

    home_address: bytes
    records: list[bytes]


def _ccw(opcode: int, address: int, flags: int, count: int) -> bytes:
    return (
        bytes([opcode]) + address.to_bytes(3, "big") + bytes([flags, 0]) + count.to_bytes(2, "big")
    )


def _cchh(cylinder: int, head: int) -> bytes:
    return cylinder.to_bytes(2, "big") + head.to_bytes(2, "big")


def parse_records(area: bytes) -> list[bytes]:
    """The count-key-data images in ``area``, up to an all-ones count or the end."""
    records, at = [], 0
    while at + 8 <= len(area) and area[at : at + 8] != END_MARK:
        length = 8 + area[at + 5] + int.from_bytes(area[at + 6 : at + 8], "big")
        if at + length > len(area):
            break
        records.append(area[at : at + length])
        at += length
    return records


def _issue(guest: DiagGuest, vaddr: int) -> int | None:
    """DIAGNOSE X'20' on the chain at CHAIN_AT; None when it ended well, else the sense."""
    try:
        result = diagnose_now(guest, 0x20, rx=vaddr, ry=CHAIN_AT)
    except BlockIOError:
        return 0
    return None if result.cc in (0, 2) else result.ry & 0xFFFF


def read_track(guest: DiagGuest, vaddr: int, cylinder: int, head: int) -> DasdTrack:
    """The track at ``cylinder``/``head`` of the DASD at ``vaddr``; TrackError on failure."""
    guest.write_storage(ARGUMENT_AT, bytes(2) + _cchh(cylinder, head))
    guest.write_storage(R0_AT, END_MARK)
    guest.write_storage(READ_AT, b"\xff" * READ_SPACE)
    chain = (
        _ccw(SEEK, ARGUMENT_AT, CHAIN, 6)
        + _ccw(READ_HA, ARGUMENT_AT + 8, CHAIN, 5)
        + _ccw(READ_R0, R0_AT, CHAIN | SLI, R0_SPACE)
        + _ccw(READ_MULTIPLE, READ_AT, SLI, READ_SPACE)
    )
    guest.write_storage(CHAIN_AT, chain)
    sense = _issue(guest, vaddr)
    if sense is not None:
        raise TrackError("READING", vaddr, cylinder, head, sense)
    home_address = guest.read_storage(ARGUMENT_AT + 8, 5)
    r0 = parse_records(guest.read_storage(R0_AT, R0_SPACE))[:1]
    return DasdTrack(home_address, r0 + parse_records(guest.read_storage(READ_AT, READ_SPACE)))


def _moved(record: bytes, cylinder: int, head: int, from_cylinder: int) -> bytes:
    """The record with its count field naming the new track when the cylinder moved."""
    if cylinder == from_cylinder:
        return record
    overflow = record[0] & 0x80  # the track-overflow flag of a 2314 split record stays
    return bytes([overflow | cylinder >> 8 & 0x7F]) + _cchh(cylinder, head)[1:] + record[4:]


def write_track(
    guest: DiagGuest, vaddr: int, track: DasdTrack, cylinder: int, head: int, from_cylinder: int
) -> None:
    """Write ``track`` (read from ``from_cylinder``) at ``cylinder``/``head``."""
    records = [_moved(record, cylinder, head, from_cylinder) for record in track.records]
    if not records:
        records = [_cchh(cylinder, head) + b"\x00\x00\x00\x08" + bytes(8)]  # a standard R0
    data_at = WRITE_AT
    area = bytearray([ALLOW_ALL_WRITES]) + bytes(7) + bytes(2) + _cchh(cylinder, head)
    area += bytes(2) + _cchh(cylinder, head) + bytes(4)
    chain = bytearray()
    chain += _ccw(SET_FILE_MASK, data_at, CHAIN, 1)
    chain += _ccw(SEEK, data_at + 8, CHAIN, 6)
    chain += _ccw(SEARCH_HA_EQUAL, data_at + 16, CHAIN, 4)
    chain += _ccw(TIC, CHAIN_AT + 16, 0, 0)
    for index, record in enumerate(records):
        opcode = WRITE_R0 if index == 0 else WRITE_CKD
        flags = CHAIN if index < len(records) - 1 else 0
        chain += _ccw(opcode, data_at + len(area), flags, len(record))
        area += record
    guest.write_storage(WRITE_AT, bytes(area))
    guest.write_storage(CHAIN_AT, bytes(chain))
    sense = _issue(guest, vaddr)
    if sense is not None:
        raise TrackError("WRITING", vaddr, cylinder, head, sense)


def _graphic(data: bytes) -> str:
    text = data.decode("cp037", errors="replace")
    return "".join(
        char if char.isascii() and char.isprintable() and byte >= 0x40 else "."
        for char, byte in zip(text, data, strict=True)
    )


def _hex_line(offset: int, chunk: bytes, hex_part: bool, graphic: bool) -> str:
    line = f"{offset:06X} "
    if hex_part:
        words = [chunk[at : at + 4].hex().upper() for at in range(0, len(chunk), 4)]
        line += f"{' '.join(words):<71} "
    if graphic:
        line += f"*{_graphic(chunk)}*"
    return line.rstrip()


def _body_lines(body: bytes, hex_part: bool, graphic: bool) -> list[str]:
    lines: list[str] = []
    previous, folded = b"", False
    for offset in range(0, len(body), LINE_BYTES):
        chunk = body[offset : offset + LINE_BYTES]
        if chunk == previous and offset + LINE_BYTES < len(body):
            if not folded:
                lines.append("       SAME AS ABOVE")
                folded = True
            continue
        previous, folded = chunk, False
        lines.append(_hex_line(offset, chunk, hex_part, graphic))
    return lines


def _count_text(count: bytes) -> str:
    cchh, record = count[:4].hex().upper(), count[4]
    return f"COUNT {cchh[:4]} {cchh[4:]} {record:02X} {count[5]:02X} {count[6:8].hex().upper()}"


def dump_lines(
    track: DasdTrack, cylinder: int, head: int, records: range | None, style: str
) -> list[str]:
    """TYPE/PRINT lines of one track: ``style`` BOTH (hex and EBCDIC), HEX, GRAPHIC or
    COUNT (count fields only); ``records`` limits the record numbers shown."""
    lines = [f"CYL {cylinder:04d} HEAD {head:04d}  HA {track.home_address.hex().upper()}"]
    for record in track.records:
        if records is not None and record[4] not in records:
            continue
        lines.append(_count_text(record[:8]))
        if style != "COUNT":
            lines += _body_lines(record[8:], style != "GRAPHIC", style != "HEX")
    return lines
