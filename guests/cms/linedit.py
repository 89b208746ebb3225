"""LINEDIT: a message line built from a text with substitutions (DMSERR, SVC 203).

reference/cp-cms.md 12.4. What is verified: R6 processes LINEDIT in DMSERR,
and the VM/370 R6 Data Areas and Control Block Logic (SY20-0886, ERDSECT)
shows the parameter list DMSERR reconstructs: two flag bytes, the text
address, a six-byte message header (number, level letter, module), the
BUFFA address, then the substitution groups, each a data address or value,
a flag byte (last group, address-type, length given; the conversion in the
low bits: HEX, DEC, CHARA, HEX4A, CHAR8A) and a length byte; texts of at
most 130 characters; a substitution field is a string of periods. What is a
best estimate: the SVC 203 code (``LINEDIT_CODE``), that the program's own
list has the same layout with the text length in the halfword at +2 and the
groups as 8-byte entries from +20, the field meanings below, and the
conversions' details (leading zeros suppressed in HEX and DEC).

PLIST (R1):

* +0  flags: X'80' text address given, X'40' message header given (DISP=
  ERRMSG), X'20' BUFFA address given, X'10' one substitution, X'08' more;
* +1  flags: X'80' COMP=YES (runs of blanks in the text become one), X'40'
  DOT=YES (a period ends the line); low three bits the disposition:
  0 ERRMSG, 1 TYPE, 2 SIO (typed), 3 NONE, 4 PRINT, 5 CPCOMM;
* +2  H text length; +4 A(text);
* +8  header: H message number, C level letter, CL3 module (``DMSmmmnnnL``);
* +16 A(buffer): the line is copied there and its length returned in R0;
* +20 substitution groups: A(data) or the value itself, a flag byte (X'80'
  last, X'40' the word is an address, X'20' the length byte is given; low
  bits 0 HEX, 1 DEC, 2 CHARA, 3 HEX4A, 4 CHAR8A), a length byte, 2 bytes.

HEX and DEC convert a fullword: the word itself, or with X'40' the word at
that address (the macro's HEXA/DECA); CHARA the characters at the address
(the given length, else as many as the field has periods), CHAR8A eight
characters without trailing blanks, HEX4A bytes in hexadecimal in groups of
four. Each field of two or more periods takes the next substitution; when
the substitutions run out the periods stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = [
    "LINEDIT_CODE",
    "LineditError",
    "LineditRequest",
    "format_line",
    "read_request",
]

LINEDIT_CODE = 12  # the SVC 203 code (best estimate)
MAX_TEXT = 130  # DMSERR's ERTSIZE
MAX_SUBS = 16
GROUPS_AT, GROUP_SIZE = 20, 8
HAS_HEADER, HAS_BUFFER = 0x40, 0x20
COMPRESS, DOT = 0x80, 0x40
LAST, ADDRESS, LENGTH = 0x80, 0x40, 0x20
HEX, DEC, CHARA, HEX4A, CHAR8A = range(5)
DISPOSITIONS = {0: "ERRMSG", 1: "TYPE", 2: "SIO", 3: "NONE", 4: "PRINT", 5: "CPCOMM"}
FIELD = re.compile(r"\.{2,}")

Reader = Callable[[int, int], bytes]


class LineditError(Exception):
    """A parameter list LINEDIT cannot use (an invalid type or disposition)."""


@dataclass
class Substitution:
    kind: int
    word: int
    is_address: bool
    length: int | None


@dataclass
class LineditRequest:
    """A LINEDIT parameter list as read from storage."""

    text: str
    disposition: str = "TYPE"
    compress: bool = True
    dot: bool = True
    header: tuple[str, int, str] | None = None  # module, number, level letter
    buffer: int | None = None
    subs: list[Substitution] = field(default_factory=list)


def _ebcdic(raw: bytes) -> str:
    return raw.decode("cp037", errors="replace")


def read_request(read: Reader, plist: int) -> LineditRequest:
    """The parameter list at ``plist``; ``read`` raises for storage outside the machine."""
    head = read(plist, GROUPS_AT)
    flags, options = head[0], head[1]
    disposition = DISPOSITIONS.get(options & 0x07)
    if disposition is None:
        raise LineditError(f"DISPOSITION {options & 0x07}")
    length = min(int.from_bytes(head[2:4], "big"), MAX_TEXT)
    text = _ebcdic(read(int.from_bytes(head[5:8], "big"), length)) if length else ""
    request = LineditRequest(text, disposition, bool(options & COMPRESS), bool(options & DOT))
    if flags & HAS_HEADER:
        number, letter, module = int.from_bytes(head[8:10], "big"), head[10:11], head[11:14]
        request.header = (_ebcdic(module), number, _ebcdic(letter))
    if flags & HAS_BUFFER:
        request.buffer = int.from_bytes(head[17:20], "big")
    if flags & 0x18:
        request.subs = _groups(read, plist + GROUPS_AT)
    return request


def _groups(read: Reader, at: int) -> list[Substitution]:
    subs: list[Substitution] = []
    for _ in range(MAX_SUBS):
        raw = read(at, GROUP_SIZE)
        kind = raw[4] & 0x0F
        if kind > CHAR8A:
            raise LineditError(f"SUBSTITUTION TYPE {kind}")
        given = raw[5] if raw[4] & LENGTH else None
        word = int.from_bytes(raw[:4], "big")
        subs.append(Substitution(kind, word, bool(raw[4] & ADDRESS), given))
        if raw[4] & LAST:
            break
        at += GROUP_SIZE
    return subs


def _word(read: Reader, sub: Substitution) -> int:
    if sub.is_address:
        return int.from_bytes(read(sub.word & 0xFFFFFF, 4), "big")
    return sub.word


def convert(read: Reader, sub: Substitution, width: int) -> str:
    """One substitution's text; ``width`` is the number of periods it replaces."""
    if sub.kind == HEX:
        return f"{_word(read, sub):X}"
    if sub.kind == DEC:
        value = _word(read, sub)
        return str(value - (1 << 32) if value & 0x80000000 else value)
    address = sub.word & 0xFFFFFF
    if sub.kind == CHAR8A:
        return _ebcdic(read(address, 8)).rstrip()
    size = min(sub.length if sub.length is not None else width, MAX_TEXT)
    data = read(address, size)
    if sub.kind == CHARA:
        return _ebcdic(data)
    return " ".join(data[at : at + 4].hex().upper() for at in range(0, len(data), 4))


def format_line(read: Reader, request: LineditRequest) -> str:
    """The finished line: compression, substitutions, the final period, 130 at most."""
    pieces: list[str] = []
    subs = iter(request.subs)
    at = 0
    for match in FIELD.finditer(request.text):
        pieces.append(_squeeze(request.text[at : match.start()], request.compress))
        sub = next(subs, None)
        width = match.end() - match.start()
        pieces.append(match.group() if sub is None else convert(read, sub, width))
        at = match.end()
    pieces.append(_squeeze(request.text[at:], request.compress))
    line = "".join(pieces)
    if request.dot and not line.rstrip().endswith("."):
        line = line.rstrip() + "."
    return line[:MAX_TEXT]


def _squeeze(text: str, compress: bool) -> str:
    return re.sub(" {2,}", " ", text) if compress else text
