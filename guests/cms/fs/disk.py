"""A CMS R6 minidisk: FORMAT, ACCESS and file operations over a ``BlockDevice``.

``CmsDisk`` is one accessed disk (VM/370 R6 CMS: the ADT and its in-storage file
directory). The on-disk format is reference/dasd.md section 5; command behaviour
follows reference/cp-cms.md 9.4 and 10 (FORMAT, ACCESS, LISTFILE, STATE, ERASE,
RENAME, RELEASE). See the package docstring for the API.

Consistency (dasd.md 5.12): an update never overwrites a block the committed
directory uses. A file's data blocks and chain links, the changed FST blocks and the
QMSK extension blocks all go to blocks that are free in the committed bitmap (an FST
block whose contents stay the same keeps its place and is not written); the write
of the MFD (block 4) is the commit point that switches to them, and only then are
the old blocks free. A failure before that write leaves the old directory
intact and pointing at intact blocks. All space is allocated in storage before the
first write, so a full disk is reported before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from guests.cms.fs.device import BLOCK_SIZE, BlockDevice, CmsGeometry, cms_geometry, total_blocks
from guests.cms.fs.errors import (
    DirectoryError,
    DirectoryFull,
    DiskFull,
    DiskReadOnly,
    FileExists,
    FileFormatError,
    FileNotFound,
    FileTooLarge,
    InvalidMode,
    InvalidParameter,
    InvalidRecfm,
    NoRecords,
    RecfmMismatch,
    RecordLengthError,
)
from guests.cms.fs.layout import (
    DATA_PER_FIRST_LINK,
    ENTRIES_PER_FST_BLOCK,
    MAX_FILE_BLOCKS,
    MFD_BITMAP_BLOCKS,
    PER_NTH_LINK,
    FstEntry,
    Mfd,
    chain_link_count,
    check_name,
    decode_first_link,
    decode_fst_block,
    decode_label,
    decode_mfd,
    decode_nth_link,
    decode_records,
    encode_first_link,
    encode_fst_block,
    encode_label,
    encode_mfd,
    encode_nth_link,
    encode_records,
    extension_count,
    join_bitmap,
    last_bitmap_byte,
    matches,
    mfd_list_fits,
    split_bitmap,
    split_first_chain_link_address,
)

__all__ = ["Clock", "CmsDisk"]

Clock = Callable[[], datetime]

_MAX_RECORDS = 0xFFFF
_MAX_LRECL = 0xFFFF
_FIRST_FREE = 5  # blocks 1-4: IPL, IPL, label, MFD
_MODE_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_NO_LIMIT = 1 << 16
_SEGMENT_LIMIT = 1 << 14  # 2314: FSTFCL keeps a segment number in its top 2 bits (5.13)


def _bit(bitmap: bytes | bytearray, block: int) -> bool:
    return bool(bitmap[(block - 1) >> 3] & (0x80 >> ((block - 1) & 7)))


def _set_bits(bitmap: bytearray, blocks: Iterable[int], value: bool) -> None:
    for block in blocks:
        mask = 0x80 >> ((block - 1) & 7)
        if value:
            bitmap[(block - 1) >> 3] |= mask
        else:
            bitmap[(block - 1) >> 3] &= ~mask & 0xFF


def _blocks_for(size: int) -> int:
    return -(-size // BLOCK_SIZE)


class _Allocator:
    """First-fit allocation from block 5 among blocks free in the committed bitmap."""

    def __init__(
        self, bitmap: bytes | bytearray, total: int, fileid: str, reserved: Iterable[int]
    ) -> None:
        self._bitmap = bitmap
        self._total = total
        self._fileid = fileid
        self._taken = set(reserved)
        self._cursor = _FIRST_FREE

    def take(self, count: int, *, below: int = _NO_LIMIT) -> list[int]:
        """``count`` free blocks, all numbered below ``below``; DiskFull if there are none."""
        blocks: list[int] = []
        while len(blocks) < count:
            block = self._cursor
            if block > self._total or block >= below:
                raise DiskFull(self._fileid)
            self._cursor += 1
            index = (block - 1) >> 3
            if index < len(self._bitmap) and self._bitmap[index] == 0xFF:
                self._cursor = (index + 1) * 8 + 1
                continue
            if block in self._taken or (index < len(self._bitmap) and _bit(self._bitmap, block)):
                continue
            self._taken.add(block)
            blocks.append(block)
        return blocks


@dataclass
class _Plan:
    """A directory ready to commit: every block it writes, MFD last."""

    writes: list[tuple[int, bytes]]
    mfd: bytes
    bitmap: bytearray
    fst_blocks: tuple[int, ...]
    fst_data: tuple[bytes, ...]
    extension_blocks: tuple[int, ...]
    entries: list[FstEntry]
    total: int
    cylinders: int


class CmsDisk:
    """One accessed CMS minidisk; build it with ``format`` or ``access``."""

    def __init__(
        self, device: BlockDevice, label: str, mfd: Mfd, bitmap: bytearray,
        fst_data: tuple[bytes, ...], *, mode_letter: str, read_only: bool, mode0: bool,
        clock: Clock,
    ) -> None:  # fmt: skip
        self._device = device
        self.geometry: CmsGeometry = cms_geometry(device.device_type)
        self._label = label
        self._total = mfd.total_blocks
        self._cylinders = mfd.cylinders
        self._bitmap = bitmap
        self._fst_blocks = mfd.fst_blocks
        self._fst_data = fst_data  # as on disk, to leave unchanged FST blocks alone
        self._extension_blocks = mfd.extension_blocks
        self._entries = [
            replace(entry, mode=mode_letter + entry.mode[1])
            for data in fst_data
            for entry in decode_fst_block(data)
        ]
        self.mode_letter = mode_letter
        self.read_only = read_only
        self.mode0 = mode0
        self._clock = clock

    # -- FORMAT and ACCESS ---------------------------------------------------------

    @classmethod
    def format(
        cls, device: BlockDevice, label: str, *, cylinders: int | None = None,
        mode_letter: str = "A", clock: Clock = datetime.now,
    ) -> CmsDisk:  # fmt: skip
        """FORMAT: write the label and an empty directory (all files are lost)."""
        _check_letter(mode_letter)
        if device.read_only:
            raise DiskReadOnly(mode_letter)
        _check_label(label)
        cylinders = device.cylinders if cylinders is None else cylinders
        if not 1 <= cylinders <= device.cylinders:
            raise InvalidParameter(str(cylinders))
        geometry = cms_geometry(device.device_type)
        total = total_blocks(device.device_type, cylinders)
        bitmap = bytearray(-(-total // 8))
        _set_bits(bitmap, range(1, 6), True)
        mfd = _mfd_for((5,), (), bitmap, total, cylinders, geometry.unit_code)
        for block in (1, 2, 5):
            device.write_block(block, bytes(BLOCK_SIZE))
        device.write_block(3, encode_label(label))
        device.write_block(4, encode_mfd(mfd))
        return cls(
            device, label, mfd, bitmap, (bytes(BLOCK_SIZE),), mode_letter=mode_letter,
            read_only=False, mode0=False, clock=clock,
        )  # fmt: skip

    @classmethod
    def access(
        cls, device: BlockDevice, *, mode_letter: str = "A", read_only: bool = False,
        mode0: bool = False, clock: Clock = datetime.now,
    ) -> CmsDisk:  # fmt: skip
        """ACCESS: read the label and the whole directory into storage.

        ``read_only`` forces R/O access (``ACCESS 191 A/A``); a read-only device is
        always accessed R/O. Mode-0 files are hidden on R/O access unless ``mode0``.
        """
        _check_letter(mode_letter)
        geometry = cms_geometry(device.device_type)
        label = decode_label(device.read_block(3))
        mfd = decode_mfd(device.read_block(4))
        if mfd.total_blocks > device.cylinders * geometry.blocks_per_cylinder():
            raise DirectoryError(f"ADTNUM {mfd.total_blocks} BEYOND THE MINIDISK")
        extensions = [device.read_block(block) for block in mfd.extension_blocks]
        bitmap = join_bitmap(mfd.qmsk, extensions, mfd.total_blocks)
        fst_data = tuple(device.read_block(block) for block in mfd.fst_blocks)
        return cls(
            device, label, mfd, bitmap, fst_data, mode_letter=mode_letter,
            read_only=read_only or device.read_only, mode0=mode0, clock=clock,
        )  # fmt: skip

    # -- what QUERY DISK shows -----------------------------------------------------

    @property
    def label(self) -> str:
        return self._label

    @property
    def device_type(self) -> int:
        return self.geometry.device_type

    @property
    def cylinders(self) -> int:
        return self._cylinders

    @property
    def total_blocks(self) -> int:
        return self._total

    @property
    def used_blocks(self) -> int:
        return int.from_bytes(self._bitmap, "big").bit_count()

    @property
    def free_blocks(self) -> int:
        return self._total - self.used_blocks

    @property
    def file_count(self) -> int:
        return sum(1 for entry in self._entries if self._visible(entry))

    # -- LISTFILE, STATE, reading ----------------------------------------------------

    def _visible(self, entry: FstEntry) -> bool:
        return not (self.read_only and entry.mode[1] == "0" and not self.mode0)

    def files(self, fn: str = "*", ft: str = "*", mode_number: int | None = None) -> list[FstEntry]:
        """LISTFILE: the visible entries matching the patterns, in directory order."""
        return [
            entry
            for entry in self._entries
            if self._visible(entry)
            and matches(fn, entry.fn)
            and matches(ft, entry.ft)
            and (mode_number is None or entry.mode_number == mode_number)
        ]

    def find(self, fn: str, ft: str) -> FstEntry | None:
        """The visible entry of ``fn ft``, None if there is none."""
        for entry in self._entries:
            if entry.fn == fn and entry.ft == ft and self._visible(entry):
                return entry
        return None

    def state(self, fn: str, ft: str) -> FstEntry:
        """STATE: the entry of ``fn ft``; FileNotFound if absent."""
        entry = self.find(fn, ft)
        if entry is None:
            raise FileNotFound(f"{fn} {ft} {self.mode_letter}")
        return entry

    def read(self, fn: str, ft: str) -> list[bytes]:
        """All records of ``fn ft``; FileFormatError if its blocks are inconsistent."""
        entry = self.state(fn, ft)
        _, data = self._chain(entry)
        stream = b"".join(self._device.read_block(block) for block in data)
        try:
            return decode_records(entry.recfm, entry.lrecl, entry.item_count, stream)
        except FileFormatError as error:
            raise FileFormatError(entry.fileid, error.detail) from None

    def _chain(self, entry: FstEntry) -> tuple[list[int], list[int]]:
        """(chain link blocks, first link first; data blocks) of a file."""

        def check(number: int) -> int:
            if not _FIRST_FREE <= number <= self._total:
                detail = f"chain names block {number} outside the disk"
                raise FileFormatError(entry.fileid, detail)
            return number

        if entry.data_blocks > MAX_FILE_BLOCKS:
            raise FileFormatError(entry.fileid, f"{entry.data_blocks} data blocks")
        address = entry.first_chain_link
        first, offset = split_first_chain_link_address(address, self.geometry.track_pairs)
        raw = self._device.read_block(check(first))[offset : offset + 200]
        link_numbers, data = decode_first_link(raw)
        links = [check(link) for link in link_numbers[: chain_link_count(entry.data_blocks)]]
        data = data[: min(entry.data_blocks, DATA_PER_FIRST_LINK)]
        for index, link in enumerate(links):
            wanted = entry.data_blocks - DATA_PER_FIRST_LINK - index * PER_NTH_LINK
            data += decode_nth_link(self._device.read_block(link))[: min(wanted, PER_NTH_LINK)]
        return [first, *links], [check(block) for block in data]

    # -- writing files ------------------------------------------------------------

    def _check_writable(self) -> None:
        if self.read_only:
            raise DiskReadOnly(self.mode_letter)

    def _fileid(self, fn: str, ft: str, mode_number: int = 1) -> str:
        return f"{fn} {ft} {self.mode_letter}{mode_number}"

    def _check_fileid(self, fn: str, ft: str, mode_number: int) -> None:
        fileid = self._fileid(fn, ft, mode_number)
        check_name(fn, fileid)
        check_name(ft, fileid, in_type=True)
        if not 0 <= mode_number <= 6:
            raise InvalidMode(f"{self.mode_letter}{mode_number}")

    def write(
        self, fn: str, ft: str, records: list[bytes], *, recfm: str = "F",
        lrecl: int | None = None, mode_number: int | None = None, replace: bool = True,
    ) -> FstEntry:  # fmt: skip
        """Create ``fn ft`` with ``records``, or replace it (FileExists if not ``replace``).

        F files: every record has the length ``lrecl`` (default: the first record's).
        V files: LRECL is the longest record. The mode number defaults to the
        existing file's, else 1.
        """
        self._check_writable()
        old = self.find(fn, ft)
        number = mode_number if mode_number is not None else (old.mode_number if old else 1)
        self._check_fileid(fn, ft, number)
        fileid = self._fileid(fn, ft, number)
        if old is not None and not replace:
            raise FileExists(old.fileid)
        lrecl = _check_records(fileid, recfm, records, lrecl)
        entry = self._new_entry(fn, ft, number, recfm, lrecl, len(records))
        stream = encode_records(recfm, records)
        blocks = range(0, len(stream), BLOCK_SIZE)
        return self._store(entry, [stream[at : at + BLOCK_SIZE] for at in blocks], old)

    def append(
        self, fn: str, ft: str, records: list[bytes], *, recfm: str | None = None,
        mode_number: int | None = None,
    ) -> FstEntry:  # fmt: skip
        """Add ``records`` after the last record of ``fn ft`` (created if absent, RECFM V
        unless ``recfm`` says otherwise)."""
        self._check_writable()
        old = self.find(fn, ft)
        if old is None:
            return self.write(fn, ft, records, recfm=recfm or "V", mode_number=mode_number)
        if recfm is not None and recfm != old.recfm:
            raise RecfmMismatch(old.fileid)
        return self._update(old, old.item_count + 1, records)

    def replace_records(self, fn: str, ft: str, item: int, records: list[bytes]) -> FstEntry:
        """Write ``records`` over the file's records from number ``item`` (1-based) on,
        extending the file past its end (WRBUF with a record number).

        ``item`` may be at most the record count + 1. A V record replaced in the middle
        of the file must keep its length (RecordLengthError). Only the data blocks that
        change are written again, to new blocks.
        """
        self._check_writable()
        old = self.state(fn, ft)
        if not 1 <= item <= old.item_count + 1:
            raise InvalidParameter(str(item))
        return self._update(old, item, records)

    def _update(self, old: FstEntry, item: int, records: list[bytes]) -> FstEntry:
        lrecl = old.lrecl if old.recfm == "F" else None
        _check_records(old.fileid, old.recfm, records, lrecl)
        old_records = self.read(old.fn, old.ft)
        replaced = old_records[item - 1 : item - 1 + len(records)]
        if any(len(a) != len(b) for a, b in zip(replaced, records, strict=False)):
            raise RecordLengthError(old.fileid)
        new_records = old_records[: item - 1] + records + old_records[item - 1 + len(records) :]
        if len(new_records) > _MAX_RECORDS:
            raise FileTooLarge(old.fileid)
        start = len(encode_records(old.recfm, old_records[: item - 1]))
        end = start + len(encode_records(old.recfm, records))
        stream = encode_records(old.recfm, new_records)
        _, data = self._chain(old)
        layout: list[int | bytes] = []
        for index in range(_blocks_for(len(stream))):
            low, high = index * BLOCK_SIZE, (index + 1) * BLOCK_SIZE
            untouched = high <= start or low >= end
            layout.append(data[index] if index < len(data) and untouched else stream[low:high])
        longest = max(len(record) for record in new_records)
        entry = self._new_entry(
            old.fn, old.ft, old.mode_number, old.recfm, old.lrecl if lrecl else longest,
            len(new_records),
        )  # fmt: skip
        return self._store(entry, layout, old)

    def _new_entry(
        self, fn: str, ft: str, number: int, recfm: str, lrecl: int, count: int
    ) -> FstEntry:
        when = self._clock()
        return FstEntry(
            fn=fn, ft=ft, mode=f"{self.mode_letter}{number}", recfm=recfm, lrecl=lrecl,
            item_count=count, data_blocks=0, first_chain_link=0, month=when.month,
            day=when.day, hour=when.hour, minute=when.minute, year=f"{when.year % 100:02d}",
            write_pointer=count + 1, read_pointer=1,
        )  # fmt: skip

    def _store(self, entry: FstEntry, layout: list[int | bytes], old: FstEntry | None) -> FstEntry:
        """Give the file the data blocks of ``layout`` (a kept block number, or the bytes
        of a new block), write the new blocks and chain links, then commit the entry."""
        if len(layout) > MAX_FILE_BLOCKS:
            raise FileTooLarge(entry.fileid)
        allocator = self._allocator(entry.fileid)
        below = _SEGMENT_LIMIT if self.geometry.track_pairs else _NO_LIMIT
        first = allocator.take(1, below=below)[0]  # first: the cursor is still low
        contents = [item for item in layout if isinstance(item, bytes)]
        fresh = iter(allocator.take(len(contents)))
        data = [item if isinstance(item, int) else next(fresh) for item in layout]
        new_data = [
            block for block, item in zip(data, layout, strict=True) if isinstance(item, bytes)
        ]
        links = allocator.take(chain_link_count(len(data)))
        entry = replace(entry, data_blocks=len(data), first_chain_link=first)
        freed = set() if old is None else self._blocks_of(old) - set(data)
        entries = [entry if item is old else item for item in self._entries]
        if old is None:
            entries.append(entry)
        plan = self._plan(entries, allocator, freed, [*new_data, first, *links])
        for block, content in zip(new_data, contents, strict=True):
            self._device.write_block(block, content.ljust(BLOCK_SIZE, b"\x00"))
        for index, link in enumerate(links):
            start = DATA_PER_FIRST_LINK + index * PER_NTH_LINK
            self._device.write_block(link, encode_nth_link(data[start : start + PER_NTH_LINK]))
        self._device.write_block(first, encode_first_link(links, data))
        self._commit(plan)
        return entry

    def _blocks_of(self, entry: FstEntry) -> set[int]:
        """Blocks freed when ``entry`` goes: chain links and data (empty if corrupt).

        A first chain link block shared with another file (2314 segments, 5.13)
        stays allocated.
        """
        try:
            links, data = self._chain(entry)
        except FileFormatError:
            return set()  # leaking the blocks is safe; freeing garbage is not
        first = links[0]
        for other in self._entries:
            if other is not entry:
                address = split_first_chain_link_address(
                    other.first_chain_link, self.geometry.track_pairs
                )
                if address[0] == first:
                    links = links[1:]
                    break
        return set(links) | set(data)

    # -- ERASE, RENAME, RELEASE ------------------------------------------------------

    def erase(self, fn: str, ft: str) -> FstEntry:
        """ERASE one file; returns its entry. FileNotFound if absent."""
        self._check_writable()
        entry = self.state(fn, ft)
        entries = [item for item in self._entries if item is not entry]
        self._commit(self._plan(entries, self._allocator(entry.fileid), self._blocks_of(entry)))
        return entry

    def erase_all(self) -> None:
        """ACCESS (ERASE: every file of the disk is erased."""
        self._check_writable()
        used = {block for block in range(_FIRST_FREE, self._total + 1) if _bit(self._bitmap, block)}
        fileid = self._fileid("*", "*")
        self._commit(self._plan([], self._allocator(fileid), used))

    def rename(
        self, fn: str, ft: str, new_fn: str, new_ft: str, mode_number: int | None = None
    ) -> FstEntry:
        """RENAME ``fn ft`` to ``new_fn new_ft`` (and a new mode number) on this disk."""
        self._check_writable()
        entry = self.state(fn, ft)
        number = entry.mode_number if mode_number is None else mode_number
        self._check_fileid(new_fn, new_ft, number)
        target = self.find(new_fn, new_ft)
        if target is not None and target is not entry:
            raise FileExists(target.fileid)
        renamed = replace(entry, fn=new_fn, ft=new_ft, mode=f"{self.mode_letter}{number}")
        entries = [renamed if item is entry else item for item in self._entries]
        self._commit(self._plan(entries, self._allocator(renamed.fileid), set()))
        return renamed

    def rewrite_directory(self, *, sort: bool = True) -> None:
        """RELEASE of a R/W disk: rewrite the directory, sorted by fn and ft."""
        if self.read_only:
            return
        entries = list(self._entries)
        if sort:
            entries.sort(key=lambda entry: (entry.fn.encode("cp037"), entry.ft.encode("cp037")))
        self._commit(self._plan(entries, self._allocator(self._fileid("*", "*")), set()))

    # -- FORMAT LABEL and RECOMP -----------------------------------------------------

    def relabel(self, label: str) -> None:
        """FORMAT (LABEL: rewrite block 3 only."""
        self._check_writable()
        _check_label(label)
        self._device.write_block(3, encode_label(label))
        self._label = label

    def recomp(self, cylinders: int) -> None:
        """FORMAT (RECOMP: change the cylinders in use without erasing files.

        Refused (InvalidParameter) if a block in use lies beyond the new size.
        """
        self._check_writable()
        if not 1 <= cylinders <= self._device.cylinders:
            raise InvalidParameter(str(cylinders))
        total = total_blocks(self.device_type, cylinders)
        if any(_bit(self._bitmap, block) for block in range(total + 1, self._total + 1)):
            raise InvalidParameter(str(cylinders))
        allocator = _Allocator(
            self._bitmap, total, self._fileid("*", "*"),
            [*self._fst_blocks, *self._extension_blocks],
        )  # fmt: skip
        self._commit(
            self._plan(list(self._entries), allocator, set(), total=total, cylinders=cylinders)
        )

    # -- the directory commit ------------------------------------------------------

    def _allocator(self, fileid: str) -> _Allocator:
        reserved = [*self._fst_blocks, *self._extension_blocks]
        return _Allocator(self._bitmap, self._total, fileid, reserved)

    def _plan(
        self, entries: list[FstEntry], allocator: _Allocator, freed: set[int],
        added: Iterable[int] = (), *, total: int | None = None, cylinders: int | None = None,
    ) -> _Plan:  # fmt: skip
        """The new directory: changed FST blocks and the QMSK extensions in fresh blocks."""
        total = self._total if total is None else total
        cylinders = self._cylinders if cylinders is None else cylinders
        bitmap = bytearray(self._bitmap[: -(-total // 8)].ljust(-(-total // 8), b"\x00"))
        _set_bits(bitmap, [*freed, *self._fst_blocks, *self._extension_blocks], False)
        _set_bits(bitmap, range(1, _FIRST_FREE), True)
        _set_bits(bitmap, added, True)
        contents = [
            encode_fst_block(entries[at : at + ENTRIES_PER_FST_BLOCK])
            for at in range(0, len(entries) or 1, ENTRIES_PER_FST_BLOCK)
        ]
        fst_blocks, writes = self._place_fst_blocks(contents, allocator)
        _set_bits(bitmap, fst_blocks, True)
        extensions: list[int] = []
        if any(bitmap[MFD_BITMAP_BLOCKS // 8 :]):
            extensions = allocator.take(extension_count(total))
            _set_bits(bitmap, extensions, True)
        if not mfd_list_fits(len(fst_blocks), len(extensions)):
            raise DirectoryFull(self._fileid("*", "*"))
        _, extension_data = split_bitmap(bitmap, len(extensions))
        writes += list(zip(extensions, extension_data, strict=True))
        mfd = _mfd_for(
            tuple(fst_blocks), tuple(extensions), bitmap, total, cylinders,
            self.geometry.unit_code,
        )  # fmt: skip
        return _Plan(
            writes, encode_mfd(mfd), bitmap, mfd.fst_blocks, tuple(contents),
            mfd.extension_blocks, entries, total, cylinders,
        )  # fmt: skip

    def _place_fst_blocks(
        self, contents: list[bytes], allocator: _Allocator
    ) -> tuple[list[int], list[tuple[int, bytes]]]:
        """An FST block whose contents do not change stays where it is (and is not
        rewritten); every other one goes to a fresh block."""
        blocks: list[int] = []
        writes: list[tuple[int, bytes]] = []
        for index, content in enumerate(contents):
            if index < len(self._fst_blocks) and self._fst_data[index] == content:
                blocks.append(self._fst_blocks[index])
            else:
                blocks.append(allocator.take(1)[0])
                writes.append((blocks[-1], content))
        return blocks, writes

    def _commit(self, plan: _Plan) -> None:
        """Write the FST and extension blocks, then the MFD: the commit point."""
        for block, data in plan.writes:
            self._device.write_block(block, data)
        self._device.write_block(4, plan.mfd)
        self._bitmap = plan.bitmap
        self._fst_blocks = plan.fst_blocks
        self._fst_data = plan.fst_data
        self._extension_blocks = plan.extension_blocks
        self._entries = plan.entries
        self._total = plan.total
        self._cylinders = plan.cylinders


def _mfd_for(
    fst_blocks: tuple[int, ...], extensions: tuple[int, ...], bitmap: bytes | bytearray, total: int,
    cylinders: int, unit_code: int,
) -> Mfd:  # fmt: skip
    used = int.from_bytes(bitmap, "big").bit_count()
    qmsk, _ = split_bitmap(bitmap, 0)
    return Mfd(
        fst_blocks, extensions, total, used, total - used, last_bitmap_byte(bitmap), cylinders,
        qmsk, unit_code,
    )  # fmt: skip


def _check_letter(mode_letter: str) -> None:
    if len(mode_letter) != 1 or mode_letter not in _MODE_LETTERS:
        raise InvalidMode(mode_letter)


def _check_label(label: str) -> None:
    if not 1 <= len(label) <= 6 or not label.isascii() or " " in label:
        raise InvalidParameter(label)
    try:
        label.encode("cp037")
    except UnicodeEncodeError:
        raise InvalidParameter(label) from None


def _check_records(fileid: str, recfm: str, records: list[bytes], lrecl: int | None) -> int:
    """The LRECL of ``records`` in ``recfm``; the WRBUF errors if they do not fit."""
    if recfm not in ("F", "V"):
        raise InvalidRecfm(fileid)
    if not records:
        raise NoRecords(fileid)
    if len(records) > _MAX_RECORDS:
        raise FileTooLarge(fileid)
    longest = max(len(record) for record in records)
    if recfm == "V":
        if longest > _MAX_LRECL:
            raise RecordLengthError(fileid)
        return longest
    size = len(records[0]) if lrecl is None else lrecl
    if not 1 <= size <= _MAX_LRECL or any(len(record) != size for record in records):
        raise RecordLengthError(fileid)
    return size
