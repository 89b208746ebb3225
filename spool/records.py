"""Spool file records: how they are packed into chunks and how they read as text.

Records are EBCDIC bytes as the virtual devices move them: an 80-byte card
for punch and reader files, and for printer and console files a carriage
control byte (the 1403 CCW command code the guest wrote with, Principles of
Operation / IBM 1403 component description) followed by the line.  A closed
file's records are stored in chunks of up to `CHUNK_RECORDS` records, each
record a two-byte length and its bytes, so a 100,000-line file is a few
hundred rows and reading it streams chunk by chunk.

`print_text` resolves carriage control for a host text file: write with
space 1/2/3 (X'09', X'11', X'19'); write without spacing (X'01': the next
line overprints, and in text it fills only the blank columns); skip to
channel n after writing (X'89', channel 1 = new page, a form feed); and the
same movements done immediately (X'0B', X'13', X'1B', X'8B') without data.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator

__all__ = [
    "CARD_BYTES",
    "CHUNK_BYTES",
    "CHUNK_RECORDS",
    "Carriage",
    "WRITE_SPACE_1",
    "card",
    "card_text",
    "pack",
    "print_line",
    "print_text",
    "unpack",
]

CARD_BYTES = 80
CHUNK_RECORDS = 500
CHUNK_BYTES = 64 * 1024
CODEPAGE = "cp037"
WRITE_SPACE_1 = 0x09
SKIP_CHANNEL_1 = 0x89
_LENGTH = struct.Struct(">H")
MAX_RECORD = 0xFFFF


def pack(records: Iterable[bytes]) -> bytes:
    """One chunk: each record as a two-byte big-endian length and its bytes."""
    parts: list[bytes] = []
    for record in records:
        if len(record) > MAX_RECORD:
            raise ValueError(f"spool record of {len(record)} bytes is too long")
        parts.append(_LENGTH.pack(len(record)))
        parts.append(record)
    return b"".join(parts)


def unpack(chunk: bytes) -> list[bytes]:
    """The records of one chunk, in order."""
    records: list[bytes] = []
    offset = 0
    view = memoryview(chunk)
    while offset < len(chunk):
        (length,) = _LENGTH.unpack_from(chunk, offset)
        offset += _LENGTH.size
        if offset + length > len(chunk):
            raise ValueError("spool chunk is truncated")
        records.append(bytes(view[offset : offset + length]))
        offset += length
    return records


def card(text: str) -> bytes:
    """A card image from host text: EBCDIC, padded with blanks or cut to 80 columns."""
    return text[:CARD_BYTES].ljust(CARD_BYTES).encode(CODEPAGE, errors="replace")


def card_text(record: bytes) -> str:
    """A card as host text, trailing blanks dropped."""
    return record.decode(CODEPAGE).rstrip()


def print_line(text: str, control: int = WRITE_SPACE_1) -> bytes:
    """A printer record from host text: the carriage-control byte, then the EBCDIC line."""
    return bytes([control]) + text.encode(CODEPAGE, errors="replace")


class Carriage:
    """A printer's carriage: feed it records, take finished text lines as they complete.

    ``single_space`` makes every line advance exactly one line, ignoring
    spacing and skips (the operator's SPACE command, cp-cms.md 6).
    """

    def __init__(self, single_space: bool = False) -> None:
        self.current: str | None = None
        self.lines: list[str] = []
        self.single_space = single_space

    def overprint(self, text: str) -> None:
        if self.current is None:
            self.current = text
            return
        merged = list(self.current.ljust(len(text)))
        for column, character in enumerate(text):
            if merged[column] == " ":  # the first strike wins where both print
                merged[column] = character
        self.current = "".join(merged)

    def space(self, count: int) -> None:
        if count == 0:
            return
        self.lines.append((self.current or "").rstrip())
        self.lines.extend([""] * (count - 1))
        self.current = None

    def skip(self, channel: int) -> None:
        if self.current is not None:
            self.space(1)
        if channel == 1:
            self.lines.append("\f")

    def move(self, control: int) -> None:
        if self.single_space:
            self.space(1)
        elif control & 0x80:
            self.skip((control >> 3) & 0x0F)
        else:
            self.space((control >> 3) & 0x03)

    def feed(self, record: bytes) -> list[str]:
        """Print one record; the text lines it finished."""
        if record:
            control, data = record[0], record[1:]
            if control & 0x07 == 0x03:  # control immediate (X'03' is a no-op)
                if not self.single_space:
                    self.move(control)
            elif control & 0x07 == 0x01:  # write, then move the carriage
                self.overprint(data.decode(CODEPAGE))
                self.move(control)
        return self.drain()

    def finish(self) -> list[str]:
        """The end of the file: the line still in the buffer is printed."""
        if self.current is not None:
            self.space(1)
        return self.drain()

    def drain(self) -> list[str]:
        lines, self.lines = self.lines, []
        return lines


def print_text(records: Iterable[bytes]) -> Iterator[str]:
    """Printer records as host text lines (``"\\f"`` alone on a line is a new page)."""
    carriage = Carriage()
    for record in records:
        yield from carriage.feed(record)
    yield from carriage.finish()
