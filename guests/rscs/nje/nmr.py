"""Nodal message records: one-line messages and commands between nodes (reference/nje-rscs.md
section 13; NJE Formats and Protocols, "NMR"; z/VM RSCS data areas, NMR).

Decompressed layout: FLAG(1) LEVEL(1) TYPE(1) ML(1) TONOD(8) TOQUL(1) OUT(8) FMNOD(8)
FMQUL(1) MSG(ML). A user-to-user message (FLAG X'20', TYPE X'0C') starts its text with the
sender's 8-byte user ID; a command (FLAG X'80') names its originator in NMROUT.
"""

from __future__ import annotations

from dataclasses import dataclass

from guests.rscs.nje.block import RCB_NMR, SRCB_NMR, Record
from guests.rscs.nje.wire import NJEDecodeError, Reader, from_ebcdic, name_field, to_ebcdic

NMR_HEADER_LENGTH = 30
MAX_TEXT = 132
LEVEL_DEFAULT = 0x77

FLAG_COMMAND = 0x80
FLAG_REMOTE = 0x40
FLAG_USER = 0x20
FLAG_CONSOLE = 0x10

TYPE_CONTROL_INFO = 0x08
TYPE_TEXT = 0x04
TYPE_FORMATTED_COMMAND = 0x02
TYPE_DOM = 0x01


@dataclass(frozen=True)
class NodalMessage:
    """An NMR with every field kept, so a forwarded one is re-encoded byte for byte."""

    flag: int
    type: int
    to_node: str
    out: str
    from_node: str
    message: bytes
    level: int = LEVEL_DEFAULT
    to_qualifier: int = 0
    from_qualifier: int = 0

    @property
    def is_command(self) -> bool:
        return bool(self.flag & FLAG_COMMAND)

    @property
    def _sender_in_text(self) -> bool:
        both = TYPE_CONTROL_INFO | TYPE_TEXT
        return not self.is_command and self.type & both == both

    @property
    def from_user(self) -> str:
        """The originating user: NMROUT of a command, the 8-byte prefix of a user message,
        else blank (a system message)."""
        if self.is_command:
            return self.out.strip("\x00")
        if self._sender_in_text:
            return from_ebcdic(self.message[:8])
        return ""

    @property
    def to_user(self) -> str:
        """The destination user of a message (blank for a command)."""
        return "" if self.is_command else self.out.strip("\x00")

    @property
    def text(self) -> str:
        """The text for display; bytes translating below X'20' become blanks."""
        if self._sender_in_text:
            body = self.message[8:]
        elif not self.is_command and self.type & TYPE_CONTROL_INFO:
            body = self.message[16:]  # 8-byte time stamp, 8-byte user ID (unverified form)
        else:
            body = self.message
        text = body.decode("cp037")
        return "".join(ch if ch >= " " else " " for ch in text).rstrip()

    def record(self) -> Record:
        """The ``9A 80`` record (NMR data exactly 30 + NMRML bytes)."""
        if len(self.message) > 255:
            raise ValueError("NMR text longer than 255 bytes")
        data = b"".join(
            (
                bytes([self.flag, self.level, self.type, len(self.message)]),
                to_ebcdic(self.to_node, 8),
                bytes([self.to_qualifier]),
                to_ebcdic(self.out, 8),
                to_ebcdic(self.from_node, 8),
                bytes([self.from_qualifier]),
                self.message,
            )
        )
        return Record(RCB_NMR, SRCB_NMR, data)

    @classmethod
    def decode(cls, data: bytes) -> NodalMessage:
        """Decode the decompressed NMR data; text past NMRML is ignored, short text is not."""
        reader = Reader(bytes(data))
        flag, level, kind, length = (reader.get_byte() for _ in range(4))
        to_node = reader.get_name(8)
        to_qualifier = reader.get_byte()
        out = reader.get_name(8)
        from_node = reader.get_name(8)
        from_qualifier = reader.get_byte()
        if reader.remaining < length:
            raise NJEDecodeError(f"NMR text shorter than NMRML {length}")
        message = reader.get_bytes(length)
        return cls(
            flag, kind, to_node, out, from_node, message, level, to_qualifier, from_qualifier
        )


def user_message(
    from_node: str, from_user: str, to_node: str, to_user: str, text: str
) -> NodalMessage:
    """A user-to-user message (F's form: the sender's user ID leads the text)."""
    body = name_field(from_user) + to_ebcdic(text)[: MAX_TEXT - 8]
    return NodalMessage(
        FLAG_USER, TYPE_CONTROL_INFO | TYPE_TEXT, to_node.upper(), to_user.upper(),
        from_node.upper(), body,
    )  # fmt: skip


def system_message(from_node: str, to_node: str, to_user: str, text: str) -> NodalMessage:
    """A message from the node itself (command responses, notices): text only."""
    return NodalMessage(
        FLAG_USER, TYPE_TEXT, to_node.upper(), to_user.upper(), from_node.upper(),
        to_ebcdic(text)[:MAX_TEXT],
    )  # fmt: skip


def command(from_node: str, from_user: str, to_node: str, text: str) -> NodalMessage:
    """A command for ``to_node`` from ``from_user`` at ``from_node`` (F's form)."""
    return NodalMessage(
        FLAG_COMMAND | FLAG_USER, 0x00, to_node.upper(), from_user.upper(), from_node.upper(),
        to_ebcdic(text)[:MAX_TEXT],
    )  # fmt: skip
