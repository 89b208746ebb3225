"""Input hygiene at the connection edge: bytes in, clean lines out.

This is pure code (no sockets). A telnet client in line mode sends whole
lines ending in CR LF, LF, CR NUL or CR (RFC 854; reference/terminals.md
1.4). The assembler splits them, applies a stray backspace or DEL to the
character before it, drops other control characters, refuses over-long lines
and recognises streams that are not a person typing: binary garbage and
HTTP requests sent to the telnet port.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LINE = 1024  # bytes in one physical line before it is refused
HTTP_REQUEST = re.compile(r"^(GET|POST|HEAD|PUT|DELETE|OPTIONS|PATCH|CONNECT|TRACE) \S+ HTTP/\d")


@dataclass(frozen=True)
class Line:
    """A clean physical line."""

    text: str


@dataclass(frozen=True)
class Overlong:
    """A line longer than the limit was discarded."""


@dataclass(frozen=True)
class Garbage:
    """A line that is mostly unprintable: not a person at a terminal."""


InputEvent = Line | Overlong | Garbage


def clean(raw: bytes) -> InputEvent:
    """Decode one raw line and drop what a terminal user cannot have meant."""
    text = raw.decode("utf-8", errors="replace")
    kept: list[str] = []
    bad = 0
    for char in text:
        if char in "\b\x7f":
            if kept:
                kept.pop()
        elif char == "\t":
            kept.append(" ")
        elif not char.isprintable() or char == "\ufffd":
            bad += 1
        else:
            kept.append(char)
    if bad >= 4 and bad * 4 > len(text):
        return Garbage()
    return Line("".join(kept))


class LineAssembler:
    """Collects bytes into physical lines (CR LF, LF, CR NUL or a lone CR end one)."""

    def __init__(self, max_line: int = MAX_LINE) -> None:
        self.max_line = max_line
        self._buffer = bytearray()
        self._overlong = False
        self._after_cr = False

    def feed(self, data: bytes) -> list[InputEvent]:
        events: list[InputEvent] = []
        for byte in data:
            if self._after_cr:
                self._after_cr = False
                if byte in (0x0A, 0x00):
                    continue
            if byte in (0x0D, 0x0A):
                self._after_cr = byte == 0x0D
                events.append(self._end_line())
            elif self._overlong:
                continue
            elif len(self._buffer) >= self.max_line:
                self._overlong = True
                self._buffer.clear()
            else:
                self._buffer.append(byte)
        return events

    def _end_line(self) -> InputEvent:
        if self._overlong:
            self._overlong = False
            return Overlong()
        raw = bytes(self._buffer)
        self._buffer.clear()
        return clean(raw)


def is_http_request(text: str) -> bool:
    return HTTP_REQUEST.match(text) is not None
