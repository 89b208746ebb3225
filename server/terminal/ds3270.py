"""The 3270 data stream: a pure codec (IBM 3270 Data Stream Programmer's Reference,
GA23-0059; reference/terminals.md section 4).

Outbound, :class:`Write` builds a record (command, WCC, orders and cp037
text). Inbound, :func:`parse_inbound` turns a record into its AID, cursor
address and modified fields, and raises :class:`DataStreamError` for
anything that is not a well-formed inbound record; :func:`check_outbound`
does the same for a program's own write data (DIAGNOSE X'58'). Buffer addresses are
encoded 12-bit and decoded in both the 12-bit and the 14-bit forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Commands (the SNA codes TN3270 hosts send).
CMD_WRITE = 0xF1
CMD_ERASE_WRITE = 0xF5
CMD_ERASE_WRITE_ALTERNATE = 0x7E
CMD_READ_BUFFER = 0xF2
CMD_READ_MODIFIED = 0xF6
CMD_ERASE_ALL_UNPROTECTED = 0x6F

# WCC bits (before the graphic-table translation).
WCC_RESET = 0x40
WCC_ALARM = 0x04
WCC_RESTORE = 0x02
WCC_RESET_MDT = 0x01

# Orders.
ORDER_SF = 0x1D
ORDER_SFE = 0x29
ORDER_SBA = 0x11
ORDER_SA = 0x28
ORDER_MF = 0x2C
ORDER_IC = 0x13
ORDER_PT = 0x05
ORDER_RA = 0x3C
ORDER_EUA = 0x12
ORDER_GE = 0x08

# Field attribute bits (6-bit values, translated with the graphic table).
ATTR_PROTECTED = 0x20
ATTR_NUMERIC = 0x10
ATTR_INTENSIFIED = 0x08
ATTR_NONDISPLAY = 0x0C
ATTR_MDT = 0x01

# Attention identifiers.
AID_NONE = 0x60
AID_ENTER = 0x7D
AID_PA1 = 0x6C
AID_PA2 = 0x6E
AID_PA3 = 0x6B
AID_CLEAR = 0x6D
AID_SELECTOR = 0x7E
AID_STRUCTURED = 0x88
AID_SYSREQ = 0xF0
PF_AIDS = (
    0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0x7A, 0x7B, 0x7C,
    0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0x4A, 0x4B, 0x4C,
)  # fmt: skip
SHORT_READ_AIDS = frozenset({AID_PA1, AID_PA2, AID_PA3, AID_CLEAR})
SYSREQ_HEADING = bytes([0x01, 0x6C, 0x61, 0x02])

# The graphic table: 6-bit value -> byte (addresses, attributes, WCC).
CODES = bytes.fromhex(
    "40C1C2C3C4C5C6C7C8C94A4B4C4D4E4F"
    "50D1D2D3D4D5D6D7D8D95A5B5C5D5E5F"
    "6061E2E3E4E5E6E7E8E96A6B6C6D6E6F"
    "F0F1F2F3F4F5F6F7F8F97A7B7C7D7E7F"
)

CODEPAGE = "cp037"


class DataStreamError(ValueError):
    """An inbound record that is not a well-formed 3270 reply."""


def encode_address(address: int) -> bytes:
    """A 12-bit buffer address (covers every model, up to 4095)."""
    if not 0 <= address < 4096:
        raise ValueError(f"buffer address {address} out of range")
    return bytes((CODES[address >> 6], CODES[address & 0x3F]))


def decode_address(first: int, second: int) -> int:
    """A 12-bit or 14-bit buffer address."""
    if first & 0xC0 == 0:
        return ((first & 0x3F) << 8) | second
    return ((first & 0x3F) << 6) | (second & 0x3F)


def attribute(bits: int) -> int:
    return CODES[bits & 0x3F]


def encode_text(text: str) -> bytes:
    """Screen text in cp037, with anything that would become an order replaced by a blank."""
    clean = "".join(char if char.isprintable() else " " for char in text)
    data = bytearray(clean.encode(CODEPAGE, errors="replace"))
    for index, byte in enumerate(data):
        if byte < 0x40 or byte == 0xFF:
            data[index] = 0x40
    return bytes(data)


def decode_text(data: bytes) -> str:
    """Inbound field data; nulls are dropped, other controls become blanks."""
    text = data.replace(b"\x00", b"").decode(CODEPAGE, errors="replace")
    return "".join(char if char.isprintable() else " " for char in text)


@dataclass
class Write:
    """An outbound record being built: command, WCC, then orders and data."""

    command: int = CMD_WRITE
    wcc: int = WCC_RESET | WCC_RESTORE
    body: bytearray = field(default_factory=bytearray)

    def sba(self, address: int) -> Write:
        self.body += bytes((ORDER_SBA,)) + encode_address(address)
        return self

    def sf(self, bits: int) -> Write:
        self.body += bytes((ORDER_SF, attribute(bits)))
        return self

    def text(self, text: str) -> Write:
        self.body += encode_text(text)
        return self

    def ic(self) -> Write:
        self.body.append(ORDER_IC)
        return self

    def ra(self, address: int, fill: int = 0x00) -> Write:
        self.body += bytes((ORDER_RA,)) + encode_address(address) + bytes((fill,))
        return self

    def eua(self, address: int) -> Write:
        self.body += bytes((ORDER_EUA,)) + encode_address(address)
        return self

    def record(self) -> bytes:
        return bytes((self.command, attribute(self.wcc))) + bytes(self.body)


@dataclass(frozen=True)
class Inbound:
    """What the operator sent: the AID key, the cursor and the modified fields."""

    aid: int
    cursor: int | None = None
    fields: tuple[tuple[int, str], ...] = ()

    @property
    def pf_number(self) -> int | None:
        """1-24 for a PF key, else None."""
        return PF_AIDS.index(self.aid) + 1 if self.aid in PF_AIDS else None


VALID_AIDS = frozenset(
    {AID_NONE, AID_ENTER, AID_SELECTOR, AID_STRUCTURED, AID_SYSREQ, *SHORT_READ_AIDS, *PF_AIDS}
)


def parse_inbound(record: bytes) -> Inbound:
    """Parse a Read Modified reply (or a short read, or the SysReq heading)."""
    if not record:
        raise DataStreamError("empty record")
    if record == SYSREQ_HEADING:
        return Inbound(AID_SYSREQ)
    aid = record[0]
    if aid not in VALID_AIDS:
        raise DataStreamError(f"unknown AID {aid:02X}")
    if aid in SHORT_READ_AIDS or len(record) == 1:
        return Inbound(aid)
    if len(record) < 3:
        raise DataStreamError("cursor address cut short")
    cursor = decode_address(record[1], record[2])
    return Inbound(aid, cursor, tuple(_fields(record[3:])))


def _fields(data: bytes) -> list[tuple[int, str]]:
    if data and data[0] != ORDER_SBA:
        raise DataStreamError("field data without SBA")
    fields: list[tuple[int, str]] = []
    position = 0
    while position < len(data):
        if position + 3 > len(data):
            raise DataStreamError("SBA cut short")
        address = decode_address(data[position + 1], data[position + 2])
        end = data.find(bytes((ORDER_SBA,)), position + 3)
        end = len(data) if end < 0 else end
        fields.append((address, decode_text(data[position + 3 : end])))
        position = end
    return fields


# Order -> bytes of operands that follow it (SFE and MF: a count, then pairs).
ORDER_OPERANDS = {
    ORDER_SF: 1, ORDER_SBA: 2, ORDER_SA: 2, ORDER_IC: 0, ORDER_PT: 0, ORDER_RA: 3,
    ORDER_EUA: 2, ORDER_GE: 1,
}  # fmt: skip
ADDRESSED_ORDERS = frozenset({ORDER_SBA, ORDER_RA, ORDER_EUA})
# Control codes a 3270 accepts as data (NUL, FF, CR, NL, EM, DUP, FM, SUB).
DATA_CONTROLS = frozenset({0x00, 0x0C, 0x0D, 0x15, 0x19, 0x1C, 0x1E, 0x3F})


def check_outbound(data: bytes, size: int) -> None:
    """Check a program's write data (WCC, then orders and text) for a ``size``-position
    buffer; DataStreamError for anything a 3270 would reject (GA23-0059 chapter 4)."""
    if not data:
        raise DataStreamError("no write control character")
    position = 1
    while position < len(data):
        byte = data[position]
        if byte >= 0x40 or byte in DATA_CONTROLS:
            position += 1
            continue
        if byte in (ORDER_SFE, ORDER_MF):
            if position + 1 >= len(data):
                raise DataStreamError(f"order {byte:02X} cut short")
            operands = 1 + 2 * data[position + 1]
        elif byte in ORDER_OPERANDS:
            operands = ORDER_OPERANDS[byte]
        else:
            raise DataStreamError(f"invalid order {byte:02X}")
        if byte == ORDER_RA and position + 3 < len(data) and data[position + 3] == ORDER_GE:
            operands = 4  # repeat a character from the graphic escape set
        if position + operands > len(data) - 1:
            raise DataStreamError(f"order {byte:02X} cut short")
        if byte in ADDRESSED_ORDERS:
            if decode_address(data[position + 1], data[position + 2]) >= size:
                raise DataStreamError(f"buffer address beyond the screen in order {byte:02X}")
        position += 1 + operands


def display_data(data: bytes, room: int) -> tuple[bytes, str]:
    """A program's line-display data (DIAGNOSE X'58' X'19') as safe write data and as the
    text it shows, at most ``room`` positions: start-field orders are kept (the field made
    protected, so the output area stays output only), other controls become blanks."""
    body = bytearray()
    text: list[str] = []
    position = 0
    while position < len(data) and len(text) < room:
        byte = data[position]
        position += 1
        if byte == ORDER_SF and position < len(data) and data[position] in CODES:
            body += bytes((ORDER_SF, attribute(CODES.index(data[position]) | ATTR_PROTECTED)))
            position += 1
            text.append(" ")
            continue
        if byte < 0x40 or byte == 0xFF:
            byte = 0x40
        body.append(byte)
        text.append(bytes((byte,)).decode(CODEPAGE, errors="replace"))
    return bytes(body), "".join(text)
