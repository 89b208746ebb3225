"""An independent reader of VM/370 R6 CMS disks, written from reference/dasd.md 5.

It deliberately shares no code with guests/cms/fs: it is the second opinion the
tests use on disks the file system wrote. ``read_disk`` takes a function returning
the 800 bytes of block n and returns the label, the MFD fields, every file with its
records, and the list of format invariants (5.12) the disk breaks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ReadBlock = Callable[[int], bytes]


def _hw(data: bytes, offset: int) -> int:
    return int.from_bytes(data[offset : offset + 2], "big")


def _fw(data: bytes, offset: int) -> int:
    return int.from_bytes(data[offset : offset + 4], "big")


def _ebcdic(data: bytes) -> str:
    return data.decode("cp037").rstrip(" ")


def _unbcd(byte: int) -> int:
    return (byte >> 4) * 10 + (byte & 15)


@dataclass
class R6File:
    name: str
    type: str
    mode: str
    recfm: str
    lrecl: int
    records: list[bytes]
    data_blocks: list[int]
    link_blocks: list[int]
    write_pointer: int
    read_pointer: int
    date: tuple[int, int, int, int]  # month, day, hour, minute
    year: str


@dataclass
class R6Disk:
    label: str
    adtnum: int
    adtused: int
    adtleft: int
    adtlast: int
    adtcyl: int
    unit_type: int
    fst_blocks: list[int]
    extension_blocks: list[int]
    bitmap: bytes
    files: list[R6File] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def file(self, name: str, type_: str) -> R6File:
        return next(f for f in self.files if f.name == name and f.type == type_)


def _mfd_lists(mfd: bytes) -> tuple[list[int], list[int]]:
    fst: list[int] = []
    offset = 0
    while _hw(mfd, offset) not in (0xFFFF, 0xFFFD):
        fst.append(_hw(mfd, offset))
        offset += 2
    extensions: list[int] = []
    if _hw(mfd, offset) == 0xFFFD:
        offset += 2
        while _hw(mfd, offset) != 0:
            extensions.append(_hw(mfd, offset))
            offset += 2
    return fst, extensions


def _file_blocks(read: ReadBlock, fcl: int, dbc: int) -> tuple[list[int], list[int]]:
    first = read(fcl)
    links = [_hw(first, 2 * i) for i in range(40)]
    blocks = [_hw(first, 80 + 2 * i) for i in range(60)][:dbc]
    nlinks = (max(0, dbc - 60) + 399) // 400
    for k in range(nlinks):
        link = read(links[k])
        take = min(400, dbc - 60 - 400 * k)
        blocks += [_hw(link, 2 * i) for i in range(take)]
    return [fcl] + links[:nlinks], blocks


def _records(stream: bytes, recfm: str, lrecl: int, count: int) -> list[bytes]:
    if recfm == "F":
        return [stream[i * lrecl : (i + 1) * lrecl] for i in range(count)]
    out, pos = [], 0
    for _ in range(count):
        length = _hw(stream, pos)
        out.append(stream[pos + 2 : pos + 2 + length])
        pos += 2 + length
    return out


def _file(read: ReadBlock, entry: bytes) -> R6File:
    recfm = "F" if entry[30] == 0xC6 else "V"
    lrecl, count, dbc, fcl = _fw(entry, 32), _hw(entry, 26), _hw(entry, 36), _hw(entry, 28)
    links, blocks = _file_blocks(read, fcl, dbc)
    stream = b"".join(read(b) for b in blocks)
    return R6File(
        name=_ebcdic(entry[0:8]),
        type=_ebcdic(entry[8:16]),
        mode=entry[24:26].decode("cp037"),
        recfm=recfm,
        lrecl=lrecl,
        records=_records(stream, recfm, lrecl, count),
        data_blocks=blocks,
        link_blocks=links,
        write_pointer=_hw(entry, 20),
        read_pointer=_hw(entry, 22),
        date=(_unbcd(entry[16]), _unbcd(entry[17]), _unbcd(entry[18]), _unbcd(entry[19])),
        year=entry[38:40].decode("cp037"),
    )


def read_disk(read: ReadBlock) -> R6Disk:
    """Decode a whole disk and check the invariants of dasd.md 5.12."""
    label_block, mfd = read(3), read(4)
    assert label_block[:4] == bytes.fromhex("C3D4E27E"), "no CMS= label"
    fst, extensions = _mfd_lists(mfd)
    bitmap = mfd[384:599] + b"".join(read(b) for b in extensions)
    disk = R6Disk(
        label=_ebcdic(label_block[4:10]),
        adtnum=_fw(mfd, 364),
        adtused=_fw(mfd, 368),
        adtleft=_fw(mfd, 372),
        adtlast=_fw(mfd, 376),
        adtcyl=_fw(mfd, 380),
        unit_type=mfd[599],
        fst_blocks=fst,
        extension_blocks=extensions,
        bitmap=bitmap,
    )
    entries = [read(b)[i : i + 40] for b in fst for i in range(0, 800, 40)]
    live = [e for e in entries if e[:8] != bytes(8)]
    disk.files = [_file(read, e) for e in live]
    _check(disk, entries, len(live))
    return disk


def _used(bitmap: bytes, n: int) -> bool:
    index = (n - 1) // 8  # without extension blocks only blocks 1-1,720 have bits
    return index < len(bitmap) and bool(bitmap[index] & (0x80 >> ((n - 1) % 8)))


def _check(disk: R6Disk, entries: list[bytes], files: int) -> None:
    problems = disk.problems
    in_use = {1, 2, 3, 4, *disk.fst_blocks, *disk.extension_blocks}
    for f in disk.files:
        for block in f.link_blocks + f.data_blocks:
            if block in in_use:
                problems.append(f"block {block} used twice ({f.name} {f.type})")
            in_use.add(block)
        if f.write_pointer != len(f.records) + 1 or f.read_pointer != 1:
            problems.append(f"{f.name} {f.type}: WP/RP {f.write_pointer}/{f.read_pointer}")
    marked = {n for n in range(1, disk.adtnum + 1) if _used(disk.bitmap, n)}
    if marked != in_use:
        problems.append(
            f"bitmap differs: extra {sorted(marked - in_use)[:5]}, "
            f"missing {sorted(in_use - marked)[:5]}"
        )
    beyond = {n for n in range(disk.adtnum + 1, 8 * len(disk.bitmap) + 1) if _used(disk.bitmap, n)}
    if beyond:
        problems.append("bits set beyond ADTNUM")
    if disk.adtused != len(marked) or disk.adtleft != disk.adtnum - disk.adtused:
        problems.append(f"ADTUSED/ADTLEFT {disk.adtused}/{disk.adtleft} for {len(marked)} used")
    last = max((i for i, byte in enumerate(disk.bitmap) if byte), default=0)
    if disk.adtlast != last:
        problems.append(f"ADTLAST {disk.adtlast}, last used byte {last}")
    if len(disk.fst_blocks) != max(1, (files + 19) // 20):
        problems.append(f"{len(disk.fst_blocks)} FST blocks for {files} files")
    if any(e[:8] == bytes(8) for e in entries[:files]):
        problems.append("FST entries not packed")
    if any(e != bytes(40) for e in entries[files:]):
        problems.append("trailing FST entries not zero")
    needs_ext = any(disk.bitmap[215:])
    wanted = -(-(disk.adtnum - 1720) // 6400) if needs_ext else 0
    if len(disk.extension_blocks) != wanted:
        problems.append(f"{len(disk.extension_blocks)} extension blocks, want {wanted}")
