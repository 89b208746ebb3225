"""SCB string compression of NJE record data (reference/nje-rscs.md section 9; NJE Formats
and Protocols, "String Control Byte (SCB)").

Each SCB is followed by its operand: X'80'+n = n blanks, X'A0'+n = the next byte n times,
X'C0'+n = n literal bytes, X'00' = end of record, X'40' = abort the stream's file. Counts are
1-31 (runs) and 1-63 (literals); a zero count decodes as nothing and is never sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from guests.rscs.nje.wire import BLANK, NJEDecodeError, Reader

SCB_END = 0x00
SCB_ABORT = 0x40
SCB_BLANKS = 0x80
SCB_REPEAT = 0xA0
SCB_LITERAL = 0xC0
MAX_RUN = 31
MAX_LITERAL = 63
MIN_RUN = 3  # shorter runs are cheaper as literals
MAX_DECOMPRESSED = 32767


class SCBError(NJEDecodeError):
    """An undefined SCB or a record that decompresses past the limit."""


_BLANKS = [bytes([BLANK]) * count for count in range(32)]

# Runs of three or more equal bytes (shorter runs are cheaper as literals).
_RUNS = re.compile(rb"(.)\1{2,}", re.DOTALL)


def _literals(out: bytearray, data: bytes) -> None:
    for start in range(0, len(data), MAX_LITERAL):
        chunk = data[start : start + MAX_LITERAL]
        out.append(SCB_LITERAL | len(chunk))
        out += chunk


def compress(data: bytes, runs: bool = True) -> bytes:
    """Encode data as an SCB string ending in X'00'. With ``runs`` False only literal SCBs
    are used (what FUNET-NJE sends for NMRs and headers)."""
    out = bytearray()
    literal_start = 0
    for match in _RUNS.finditer(data) if runs else ():
        byte, start, length = data[match.start()], match.start(), match.end() - match.start()
        whole, rest = divmod(length, MAX_RUN)
        if rest >= MIN_RUN:
            whole, rest = whole + 1, 0
        _literals(out, data[literal_start:start])
        for index in range(whole):
            count = min(MAX_RUN, length - index * MAX_RUN)
            if byte == BLANK:
                out.append(SCB_BLANKS | count)
            else:
                out += bytes([SCB_REPEAT | count, byte])
        literal_start = match.end() - rest  # a short tail goes with the next literal
    _literals(out, data[literal_start:])
    out.append(SCB_END)
    return bytes(out)


@dataclass(frozen=True)
class Decompressed:
    """One record's data; ``aborted`` when the string was the sender's abort SCB X'40'."""

    data: bytes
    aborted: bool = False


def decompress(reader: Reader, limit: int = MAX_DECOMPRESSED) -> Decompressed:
    """Decode one SCB string from ``reader`` up to and including its X'00'. The end of the
    data also ends the record (a lenient reading of a block without its final RCB)."""
    data, position, end = reader.data, reader.position, len(reader.data)
    out = bytearray()
    while position < end:
        scb = data[position]
        position += 1
        if scb == SCB_END:
            break
        if scb >= SCB_LITERAL:
            count = scb & 0x3F
            if position + count > end:
                raise SCBError(f"literal of {count} bytes runs past the data")
            out += data[position : position + count]
            position += count
        elif scb & 0xE0 == SCB_BLANKS:
            out += _BLANKS[scb & 0x1F]
        elif scb & 0xE0 == SCB_REPEAT:
            if position >= end:
                raise SCBError("repeat SCB without its byte")
            out += data[position : position + 1] * (scb & 0x1F)
            position += 1
        elif scb == SCB_ABORT and not out:
            position += 1 if position < end and data[position] == SCB_END else 0
            reader.skip_to(position)
            return Decompressed(b"", aborted=True)
        else:
            raise SCBError(f"undefined SCB X'{scb:02X}' at offset {position - 1}")
        if len(out) > limit:
            raise SCBError(f"record decompresses past {limit} bytes")
    reader.skip_to(position)
    return Decompressed(bytes(out))


def decompress_bytes(data: bytes, limit: int = MAX_DECOMPRESSED) -> Decompressed:
    """Decompress a whole SCB string held in ``data``; bytes after its X'00' are an error."""
    reader = Reader(bytes(data))
    result = decompress(reader, limit)
    reader.check_end()
    return result
