"""Byte-level helpers shared by the NJE codecs: a reader with typed getters and EBCDIC fields.

Every NJE character field is EBCDIC (code page 037 here), left-justified and padded with
X'40' (reference/nje-rscs.md, "Conventions"); every binary integer is big-endian. The
:class:`Reader` follows the asyncssh packet style: typed getters that raise
:class:`NJEDecodeError` when the data runs out, and :meth:`Reader.check_end`.
"""

from __future__ import annotations

CODEPAGE = "cp037"
BLANK = 0x40


class NJEDecodeError(ValueError):
    """Bytes that are not a well-formed NJE unit (control record, block, record, header)."""


class Reader:
    """Sequential typed access to a byte string, raising :class:`NJEDecodeError` on underrun."""

    def __init__(self, data: bytes, offset: int = 0) -> None:
        self._data = data
        self._pos = offset

    @property
    def position(self) -> int:
        return self._pos

    @property
    def data(self) -> bytes:
        """The whole underlying byte string (for codecs that scan it in place)."""
        return self._data

    def skip_to(self, position: int) -> None:
        """Move forward to ``position`` (at most the end of the data)."""
        if position < self._pos or position > len(self._data):
            raise NJEDecodeError(f"cannot move from {self._pos} to {position}")
        self._pos = position

    @property
    def remaining(self) -> int:
        return len(self._data) - self._pos

    def _take(self, length: int) -> bytes:
        if length < 0 or self._pos + length > len(self._data):
            raise NJEDecodeError(
                f"need {length} bytes at offset {self._pos}, have {self.remaining}"
            )
        chunk = self._data[self._pos : self._pos + length]
        self._pos += length
        return chunk

    def get_byte(self) -> int:
        return self._take(1)[0]

    def peek_byte(self) -> int:
        if self.remaining < 1:
            raise NJEDecodeError(f"need 1 byte at offset {self._pos}, have 0")
        return self._data[self._pos]

    def get_u16(self) -> int:
        return int.from_bytes(self._take(2), "big")

    def get_u32(self) -> int:
        return int.from_bytes(self._take(4), "big")

    def get_bytes(self, length: int) -> bytes:
        return self._take(length)

    def get_name(self, length: int = 8) -> str:
        """An EBCDIC character field, trailing blanks removed."""
        return from_ebcdic(self._take(length))

    def get_rest(self) -> bytes:
        return self._take(self.remaining)

    def check_end(self) -> None:
        if self.remaining:
            raise NJEDecodeError(f"{self.remaining} unexpected bytes at offset {self._pos}")


def to_ebcdic(text: str, length: int | None = None) -> bytes:
    """Encode text in cp037; with a length, truncate or pad with EBCDIC blanks to it."""
    data = text.encode(CODEPAGE, errors="replace")
    if length is None:
        return data
    return data[:length].ljust(length, bytes([BLANK]))


def from_ebcdic(data: bytes) -> str:
    """Decode a cp037 field and drop trailing blanks (cp037 maps all 256 bytes, so this is
    lossless apart from the padding)."""
    return data.decode(CODEPAGE).rstrip(" ")


def name_field(name: str) -> bytes:
    """An 8-byte node or user name field: upper case, blank padded."""
    return to_ebcdic(name.upper(), 8)
