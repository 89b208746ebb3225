"""SCB string compression of NJE record data (reference/nje-rscs.md section 9; NJE Formats
and Protocols, "String Control Byte (SCB)").

Each SCB is followed by its operand: X'80'+n = n blanks, X'A0'+n = the next byte n times,
X'C0'+n = n literal bytes, X'00' = end of record, X'40' = abort the stream's file. Counts are
1-31 (runs) and 1-63 (literals); a zero count decodes as nothing and is never sent.
"""

from __future__ import annotations

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


def _run_length(data: bytes, start: int) -> int:
    byte = data[start]
    end = start + 1
    limit = min(len(data), start + MAX_RUN)
    while end < limit and data[end] == byte:
        end += 1
    return end - start


def compress(data: bytes, runs: bool = True) -> bytes:
    """Encode data as an SCB string ending in X'00'. With ``runs`` False only literal SCBs
    are used (what FUNET-NJE sends for NMRs and headers)."""
    out = bytearray()
    literal = bytearray()

    def flush_literal() -> None:
        for start in range(0, len(literal), MAX_LITERAL):
            chunk = literal[start : start + MAX_LITERAL]
            out.append(SCB_LITERAL | len(chunk))
            out.extend(chunk)
        literal.clear()

    position = 0
    while position < len(data):
        run = _run_length(data, position) if runs else 1
        if run >= MIN_RUN:
            flush_literal()
            byte = data[position]
            if byte == BLANK:
                out.append(SCB_BLANKS | run)
            else:
                out += bytes([SCB_REPEAT | run, byte])
            position += run
        else:
            literal.append(data[position])
            position += 1
    flush_literal()
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
    out = bytearray()
    while reader.remaining:
        scb = reader.get_byte()
        if scb == SCB_END:
            break
        count = scb & 0x1F
        if scb & 0xC0 == SCB_LITERAL:
            out += reader.get_bytes(scb & 0x3F)
        elif scb & 0xE0 == SCB_BLANKS:
            out += bytes([BLANK]) * count
        elif scb & 0xE0 == SCB_REPEAT:
            out += bytes([reader.get_byte()]) * count
        elif scb == SCB_ABORT and not out:
            if reader.remaining and reader.peek_byte() == SCB_END:
                reader.get_byte()
            return Decompressed(b"", aborted=True)
        else:
            raise SCBError(f"undefined SCB X'{scb:02X}' at offset {reader.position - 1}")
        if len(out) > limit:
            raise SCBError(f"record decompresses past {limit} bytes")
    return Decompressed(bytes(out))


def decompress_bytes(data: bytes, limit: int = MAX_DECOMPRESSED) -> Decompressed:
    """Decompress a whole SCB string held in ``data``; bytes after its X'00' are an error."""
    reader = Reader(bytes(data))
    result = decompress(reader, limit)
    reader.check_end()
    return result
