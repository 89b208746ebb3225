"""Codecs of the VM/370 Release 6 CMS disk format (reference/dasd.md section 5).

Pure functions between bytes and values, no I/O:

- label, block 3 (5.3): ``encode_label`` / ``decode_label``;
- master file directory, block 4 (5.4): ``Mfd``, ``encode_mfd`` / ``decode_mfd``;
- allocation bitmap QMSK and its extension blocks (5.5): ``split_bitmap``,
  ``join_bitmap``, ``extension_count``, ``last_bitmap_byte``;
- File Status Table entries, 40 bytes, 20 per FST block (5.6, 5.7): ``FstEntry``,
  ``encode_fst_block`` / ``decode_fst_block``;
- first and Nth chain links (5.8, and the 2314 200-byte segment address of 5.13);
- F and V record streams (5.9): ``encode_records`` / ``decode_records``;
- fileid validation and ``*`` patterns (cp-cms.md 9.4).

Every decoder raises ``DirectoryError`` or ``FileFormatError`` on bytes that do
not follow the format, never another exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from guests.cms.fs.device import BLOCK_SIZE, MAX_BLOCKS
from guests.cms.fs.errors import DirectoryError, FileFormatError, InvalidFileId, NotCmsDisk

__all__ = [
    "CODEPAGE",
    "DATA_PER_FIRST_LINK",
    "ENTRIES_PER_FST_BLOCK",
    "EXTENSION_SENTINEL",
    "FST_SIZE",
    "LINKS_PER_FIRST_LINK",
    "MAX_FILE_BLOCKS",
    "MFD_BITMAP_BLOCKS",
    "MFD_LIST_BYTES",
    "NO_EXTENSION_SENTINEL",
    "PER_NTH_LINK",
    "FstEntry",
    "Mfd",
    "chain_link_count",
    "check_name",
    "decode_first_link",
    "decode_fst",
    "decode_nth_link",
    "decode_fst_block",
    "decode_label",
    "decode_mfd",
    "decode_records",
    "encode_first_link",
    "encode_fst",
    "encode_fst_block",
    "encode_label",
    "encode_mfd",
    "encode_nth_link",
    "encode_records",
    "extension_count",
    "join_bitmap",
    "last_bitmap_byte",
    "matches",
    "mfd_list_fits",
    "split_bitmap",
    "split_first_chain_link_address",
]

CODEPAGE = "cp037"
FST_SIZE = 40
ENTRIES_PER_FST_BLOCK = BLOCK_SIZE // FST_SIZE  # 20
LINKS_PER_FIRST_LINK = 40  # Nth chain links listed in the first chain link
DATA_PER_FIRST_LINK = 60  # data blocks listed in the first chain link
PER_NTH_LINK = BLOCK_SIZE // 2  # 400 data blocks per Nth chain link
MAX_FILE_BLOCKS = DATA_PER_FIRST_LINK + LINKS_PER_FIRST_LINK * PER_NTH_LINK  # 16,060
MFD_LIST_BYTES = 364  # FST list, sentinel, extension list, terminator
MFD_BITMAP_BLOCKS = 215 * 8  # 1,720 blocks mapped in the MFD itself
EXTENSION_BITS = BLOCK_SIZE * 8  # 6,400 blocks per extension block
NO_EXTENSION_SENTINEL = 0xFFFF
EXTENSION_SENTINEL = 0xFFFD

_LABEL_ID = "CMS=".encode(CODEPAGE)
_BLANK = 0x40
_QMSK = slice(384, 599)
_UNIT_TYPE = 599


# -- names and patterns -------------------------------------------------------------

_NAME_CHARS = re.compile(r"[A-Za-z0-9$#@_+:\-]{1,8}")


def check_name(name: str, fileid: str, *, in_type: bool = False) -> None:
    """Raise InvalidFileId unless ``name`` is a 1-8 character CMS fn or ft."""
    if _NAME_CHARS.fullmatch(name) is None:
        raise InvalidFileId(fileid, in_type=in_type)


def matches(pattern: str, name: str) -> bool:
    """LISTFILE/ERASE/STATE pattern match: ``*`` stands for any run of characters."""
    if pattern == "*":
        return True
    parts = [re.escape(part) for part in pattern.split("*")]
    return re.fullmatch(".*".join(parts), name, re.DOTALL) is not None


def _text(raw: bytes) -> str:
    return raw.decode(CODEPAGE).rstrip(" \x00")


def _padded(name: str, length: int) -> bytes:
    return name.encode(CODEPAGE).ljust(length, bytes([_BLANK]))


# -- label (block 3) ------------------------------------------------------------------


def encode_label(volume_label: str) -> bytes:
    """Block 3: ``CMS=`` and the 6-character volume label (5.3)."""
    return (_LABEL_ID + _padded(volume_label[:6], 6)).ljust(BLOCK_SIZE, b"\x00")


def decode_label(block: bytes) -> str:
    """The volume label of block 3; NotCmsDisk if it is not a CMS label."""
    if block[:4] != _LABEL_ID:
        raise NotCmsDisk("NO CMS= LABEL IN BLOCK 3")
    return _text(block[4:10])


# -- master file directory (block 4) -------------------------------------------------


@dataclass(frozen=True)
class Mfd:
    """Block 4 decoded (5.4); ``qmsk`` is the first 215 bytes of the bitmap."""

    fst_blocks: tuple[int, ...]
    extension_blocks: tuple[int, ...]
    total_blocks: int  # ADTNUM
    used_blocks: int  # ADTUSED
    left_blocks: int  # ADTLEFT
    last_byte: int  # ADTLAST
    cylinders: int  # ADTCYL
    qmsk: bytes
    unit_code: int


def mfd_list_fits(fst_blocks: int, extension_blocks: int) -> bool:
    """True if the block lists fit in the 364 bytes before ADTNUM (5.10)."""
    size = 2 * fst_blocks + 2 + (2 * extension_blocks + 2 if extension_blocks else 0)
    return size <= MFD_LIST_BYTES


def encode_mfd(mfd: Mfd) -> bytes:
    """Block 4 from its fields."""
    words = list(mfd.fst_blocks)
    if mfd.extension_blocks:
        words += [EXTENSION_SENTINEL, *mfd.extension_blocks, 0]
    else:
        words.append(NO_EXTENSION_SENTINEL)
    block = bytearray(BLOCK_SIZE)
    for index, word in enumerate(words):
        block[2 * index : 2 * index + 2] = word.to_bytes(2, "big")
    fields = (mfd.total_blocks, mfd.used_blocks, mfd.left_blocks, mfd.last_byte, mfd.cylinders)
    for index, value in enumerate(fields):
        block[364 + 4 * index : 368 + 4 * index] = value.to_bytes(4, "big")
    block[_QMSK] = mfd.qmsk.ljust(215, b"\x00")
    block[_UNIT_TYPE] = mfd.unit_code
    return bytes(block)


def _halfwords(block: bytes, start: int, stop: int) -> list[int]:
    return [int.from_bytes(block[at : at + 2], "big") for at in range(start, stop, 2)]


def _block_lists(words: list[int], total: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    ends = [
        at for at, word in enumerate(words) if word in (NO_EXTENSION_SENTINEL, EXTENSION_SENTINEL)
    ]
    if not ends:
        raise DirectoryError("NO END OF THE FST BLOCK LIST IN THE MFD")
    index = ends[0]
    fst_blocks: tuple[int, ...] = tuple(words[:index])
    extensions: tuple[int, ...] = ()
    if words[index] == EXTENSION_SENTINEL:
        rest = words[index + 1 :]
        if 0 not in rest:
            raise DirectoryError("NO END OF THE QMSK EXTENSION LIST IN THE MFD")
        extensions = tuple(rest[: rest.index(0)])
    if not fst_blocks:
        raise DirectoryError("NO FST BLOCKS IN THE MFD")
    for block in fst_blocks + extensions:
        if not 5 <= block <= total:
            raise DirectoryError(f"MFD NAMES BLOCK {block} OUTSIDE THE DISK")
    if len(set(fst_blocks + extensions)) != len(fst_blocks) + len(extensions):
        raise DirectoryError("MFD NAMES A BLOCK TWICE")
    return fst_blocks, extensions


def decode_mfd(block: bytes) -> Mfd:
    """Block 4 decoded and checked against the format's limits."""
    total, used, left, last, cylinders = (
        int.from_bytes(block[at : at + 4], "big") for at in range(364, 384, 4)
    )
    if not 5 <= total <= MAX_BLOCKS:
        raise DirectoryError(f"ADTNUM {total} OUT OF RANGE")
    fst_blocks, extensions = _block_lists(_halfwords(block, 0, MFD_LIST_BYTES), total)
    if extensions and len(extensions) != extension_count(total):
        raise DirectoryError(f"{len(extensions)} QMSK EXTENSION BLOCKS FOR {total} BLOCKS")
    return Mfd(
        fst_blocks, extensions, total, used, left, last, cylinders, bytes(block[_QMSK]),
        block[_UNIT_TYPE],
    )  # fmt: skip


# -- allocation bitmap (5.5) ----------------------------------------------------------


def extension_count(total_blocks: int) -> int:
    """QMSK extension blocks needed once allocation passes block 1,720."""
    return max(0, -(-(total_blocks - MFD_BITMAP_BLOCKS) // EXTENSION_BITS))


def join_bitmap(qmsk: bytes, extensions: list[bytes], total_blocks: int) -> bytearray:
    """The logical bitmap of blocks 1..total_blocks, one bit per block, MSB first."""
    joined = bytearray(qmsk) + b"".join(extensions)
    size = -(-total_blocks // 8)
    return joined[:size].ljust(size, b"\x00")


def split_bitmap(bitmap: bytes | bytearray, extensions: int) -> tuple[bytes, list[bytes]]:
    """(the MFD's 215 QMSK bytes, the 800-byte extension blocks) of a bitmap."""
    padded = bytes(bitmap).ljust(215 + BLOCK_SIZE * extensions, b"\x00")
    parts = [padded[215 + BLOCK_SIZE * k : 215 + BLOCK_SIZE * (k + 1)] for k in range(extensions)]
    return padded[:215], parts


def last_bitmap_byte(bitmap: bytes | bytearray) -> int:
    """ADTLAST: index of the last bitmap byte holding a 1 bit (0 if none)."""
    stripped = bytes(bitmap).rstrip(b"\x00")
    return max(0, len(stripped) - 1)


# -- file status table (5.6, 5.7) -----------------------------------------------------


@dataclass(frozen=True)
class FstEntry:
    """One 40-byte File Status Table entry (5.6).

    ``mode`` is the letter and number, e.g. ``"A1"``; the file system substitutes
    the current access letter for the stored one. Dates are as stored: month, day,
    hour, minute and the two-digit year.
    """

    fn: str
    ft: str
    mode: str
    recfm: str  # "F" or "V"
    lrecl: int  # F: record length; V: longest record
    item_count: int  # records (FSTIC)
    data_blocks: int  # FSTDBC
    first_chain_link: int  # FSTFCL (2314: segment address, 5.13)
    month: int = 1
    day: int = 1
    hour: int = 0
    minute: int = 0
    year: str = "00"
    write_pointer: int = 0  # FSTWP; written as item_count + 1
    read_pointer: int = 1  # FSTRP
    flags: int = 0  # FSTFB, X'00' on disk

    @property
    def mode_letter(self) -> str:
        return self.mode[0]

    @property
    def mode_number(self) -> int:
        return int(self.mode[1])

    @property
    def fileid(self) -> str:
        return f"{self.fn} {self.ft} {self.mode}"

    def written(self) -> str:
        """``mm/dd/yy hh:mm`` as LISTFILE (DATE) shows it."""
        return f"{self.month:02d}/{self.day:02d}/{self.year} {self.hour:02d}:{self.minute:02d}"


def _bcd(value: int) -> int:
    return (value // 10) << 4 | value % 10


def _from_bcd(byte: int, limit: int) -> int:
    high, low = byte >> 4, byte & 0x0F
    if high > 9 or low > 9 or high * 10 + low > limit:
        raise DirectoryError(f"BAD PACKED DATE BYTE {byte:02X} IN AN FST")
    return high * 10 + low


def encode_fst(entry: FstEntry) -> bytes:
    """The 40 bytes of one entry."""
    return b"".join((
        _padded(entry.fn, 8), _padded(entry.ft, 8),
        bytes((_bcd(entry.month), _bcd(entry.day), _bcd(entry.hour), _bcd(entry.minute))),
        entry.write_pointer.to_bytes(2, "big"), entry.read_pointer.to_bytes(2, "big"),
        entry.mode.encode(CODEPAGE), entry.item_count.to_bytes(2, "big"),
        entry.first_chain_link.to_bytes(2, "big"), entry.recfm.encode(CODEPAGE),
        bytes((entry.flags,)), entry.lrecl.to_bytes(4, "big"),
        entry.data_blocks.to_bytes(2, "big"), entry.year.encode(CODEPAGE),
    ))  # fmt: skip


def decode_fst(raw: bytes) -> FstEntry:
    """One 40-byte entry; DirectoryError if its fields are not CMS values."""
    mode = raw[24:26].decode(CODEPAGE)
    recfm = raw[30:31].decode(CODEPAGE)
    if not ("A" <= mode[0] <= "Z" and mode[1] in "0123456789"):
        raise DirectoryError(f"BAD FILE MODE {raw[24:26].hex().upper()} IN AN FST")
    if recfm not in ("F", "V"):
        raise DirectoryError(f"BAD RECORD FORMAT {raw[30]:02X} IN AN FST")
    return FstEntry(
        fn=_text(raw[0:8]), ft=_text(raw[8:16]), mode=mode, recfm=recfm,
        lrecl=int.from_bytes(raw[32:36], "big"), item_count=int.from_bytes(raw[26:28], "big"),
        data_blocks=int.from_bytes(raw[36:38], "big"),
        first_chain_link=int.from_bytes(raw[28:30], "big"),
        month=_from_bcd(raw[16], 12), day=_from_bcd(raw[17], 31),
        hour=_from_bcd(raw[18], 23), minute=_from_bcd(raw[19], 59),
        year=raw[38:40].decode(CODEPAGE), write_pointer=int.from_bytes(raw[20:22], "big"),
        read_pointer=int.from_bytes(raw[22:24], "big"), flags=raw[31],
    )  # fmt: skip


def encode_fst_block(entries: list[FstEntry]) -> bytes:
    """Up to 20 entries packed into one FST block, the rest zero."""
    if len(entries) > ENTRIES_PER_FST_BLOCK:
        raise ValueError("more than 20 entries for one FST block")
    return b"".join(encode_fst(entry) for entry in entries).ljust(BLOCK_SIZE, b"\x00")


def decode_fst_block(block: bytes) -> list[FstEntry]:
    """The entries of one FST block; entries whose name is X'00' are unused."""
    entries = []
    for at in range(0, BLOCK_SIZE, FST_SIZE):
        raw = block[at : at + FST_SIZE]
        if raw[:8] != bytes(8):
            entries.append(decode_fst(raw))
    return entries


# -- chain links (5.8, 5.13) ----------------------------------------------------------


def chain_link_count(data_blocks: int) -> int:
    """Nth chain links a file of ``data_blocks`` data blocks has."""
    return -(-max(0, data_blocks - DATA_PER_FIRST_LINK) // PER_NTH_LINK)


def _halfword_block(numbers: list[int], size: int) -> bytes:
    return b"".join(number.to_bytes(2, "big") for number in numbers).ljust(size, b"\x00")


def encode_first_link(nth_links: list[int], data_blocks: list[int]) -> bytes:
    """The first chain link block: 40 link numbers, 60 data-block numbers, zeros."""
    links = _halfword_block(nth_links, 2 * LINKS_PER_FIRST_LINK)
    data = _halfword_block(data_blocks[:DATA_PER_FIRST_LINK], 2 * DATA_PER_FIRST_LINK)
    return (links + data).ljust(BLOCK_SIZE, b"\x00")


def encode_nth_link(data_blocks: list[int]) -> bytes:
    """One Nth chain link: up to 400 data-block numbers."""
    return _halfword_block(data_blocks, BLOCK_SIZE)


def split_first_chain_link_address(address: int, track_pairs: bool) -> tuple[int, int]:
    """(block, byte offset) of a first chain link; 2314 disks use 200-byte segments."""
    if track_pairs:
        return address & 0x3FFF, 200 * (address >> 14)
    return address, 0


def decode_first_link(raw: bytes) -> tuple[list[int], list[int]]:
    """(40 Nth chain link numbers, 60 data block numbers) of a first chain link."""
    return _halfwords(raw, 0, 80), _halfwords(raw, 80, 200)


def decode_nth_link(raw: bytes) -> list[int]:
    """The 400 data block numbers of an Nth chain link."""
    return _halfwords(raw, 0, BLOCK_SIZE)


# -- records (5.9) --------------------------------------------------------------------


def encode_records(recfm: str, records: list[bytes]) -> bytes:
    """The data stream of ``records``: F concatenated, V each with a halfword length."""
    if recfm == "F":
        return b"".join(records)
    return b"".join(len(record).to_bytes(2, "big") + record for record in records)


def decode_records(recfm: str, lrecl: int, count: int, stream: bytes) -> list[bytes]:
    """Exactly ``count`` records from a file's data stream; FileFormatError if short."""
    if recfm == "F":
        if lrecl <= 0 or count * lrecl > len(stream):
            raise FileFormatError("", "F records beyond the data blocks")
        return [stream[at : at + lrecl] for at in range(0, count * lrecl, lrecl)]
    records, at = [], 0
    for _ in range(count):
        length = int.from_bytes(stream[at : at + 2], "big")
        if at + 2 + length > len(stream):
            raise FileFormatError("", "V record beyond the data blocks")
        records.append(stream[at + 2 : at + 2 + length])
        at += 2 + length
    return records
