"""Nucleus functions a program calls by SVC 202, with their R6 parameter lists.

reference/cp-cms.md 12.1, 12.3 and 12.4 (PLIST layouts as the WRTERM,
RDTERM, FSxxxx and ATTN macros build them; the TYPLIN layout is confirmed by
devhawala/emx370's HostIO, the FSCB by the R6 macro descriptions; the rest
are best estimates):

* ``TYPLIN``  +8 flag, AL3(text); +12 colour, X'00', AL2(length).
* ``WAITRD``  +8 flag, AL3(buffer); +12 code (``U`` = upper case), AL3(size);
  R0 = length read. Stacked lines come first.
* ``RDBUF`` ``WRBUF`` ``FINIS`` ``STATE`` ``ERASE``: the 44-byte FSCB layout
  (fn +8, ft +16, fm +24, item +26, buffer +28, size +32, RECFM +36,
  items +38, bytes read +40).
* ``ATTN``    +8 CL4'FIFO'/'LIFO', +12 AL1(length), AL3(line): stack a line.
* ``DESBUF``  drop the stacked and typed-ahead lines.

Any other name is a CMS command (or MODULE); its tokens follow in the PLIST.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from guests.cms.disks import AccessedDisk
from guests.cms.fs import CmsFsError, DiskFull, FstEntry
from guests.cms.fs.errors import InvalidFileId, RecfmMismatch, RecordLengthError
from guests.cms.fs.layout import encode_fst
from guests.cms.linedit import format_line, read_request
from guests.cms.plist import Call
from guests.cms.program import FST_AREA, MAX_TOKENS, PlistError

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

__all__ = ["FUNCTIONS", "OpenFile", "program_call"]

FENCE = b"\xff" * 8


@dataclass
class OpenFile:
    """A file a program has read or written (closed by FINIS or at the program's end)."""

    records: list[bytes] | None = None  # read once, on the first RDBUF
    next_item: int = 1


@dataclass
class _Fscb:
    fn: str
    ft: str
    fm: str
    item: int
    buffer: int
    size: int
    recfm: str
    items: int
    extra: dict[str, int] = field(default_factory=dict)


def _read(cms: Cms, address: int, length: int) -> bytes:
    if address < 0 or length < 0 or address + length > cms.program_guest.storage_size:
        raise PlistError(f"{address:06X}")
    return cms.program_guest.read_storage(address, length)


def _write(cms: Cms, address: int, data: bytes) -> None:
    if address + len(data) > cms.program_guest.storage_size:
        raise PlistError(f"{address:06X}")
    cms.program_guest.write_storage(address, data)


def _text(raw: bytes) -> str:
    return raw.decode("cp037", errors="replace")


def _word(raw: bytes) -> int:
    return int.from_bytes(raw, "big")


# ---- console -----------------------------------------------------------------------
async def typlin(cms: Cms, plist: int, r0: int) -> int:
    """WRTERM: type one line."""
    head = _read(cms, plist + 8, 8)
    address, length = _word(head[1:4]), _word(head[6:8])
    cms.console.type(_text(_read(cms, address, length)).rstrip() if length else "")
    return 0


async def waitrd(cms: Cms, plist: int, r0: int) -> int:
    """RDTERM: read a line into the buffer; R0 = its length."""
    head = _read(cms, plist + 8, 8)
    address, code, size = _word(head[1:4]), _text(head[4:5]), _word(head[5:8])
    _read(cms, address, size)  # the whole buffer must be there before anyone types
    line = await cms.console.read(upper=code == "U")
    data = line.encode("cp037", errors="replace")[:size]
    _write(cms, address, data)
    cms.program_guest.set_gpr(0, len(data))
    return 0


async def attn(cms: Cms, plist: int, r0: int) -> int:
    """ATTN: put a line on the console stack, FIFO or LIFO."""
    head = _read(cms, plist + 8, 8)
    order, length, address = _text(head[:4]).strip(), head[4], _word(head[5:8])
    if order not in ("FIFO", "LIFO", ""):
        return 24
    cms.console.stack_line(_text(_read(cms, address, length)), lifo=order == "LIFO")
    return 0


async def desbuf(cms: Cms, plist: int, r0: int) -> int:
    """DESBUF: discard stacked lines and the terminal input buffer."""
    cms.console.stack.clear()
    cms.console.typed.clear()
    return 0


async def linedit(cms: Cms, plist: int) -> int:
    """LINEDIT (SVC 203, guests/cms/linedit.py): build the line, copy it to the BUFFA
    buffer (R0 = its length), and type, print, give it to CP, or keep it; the return
    code (CP's for CPCOMM)."""
    request = read_request(lambda address, length: _read(cms, address, length), plist)
    line = format_line(lambda address, length: _read(cms, address, length), request)
    data = line.encode("cp037", errors="replace")
    if request.buffer is not None:
        _write(cms, request.buffer, data)
    cms.program_guest.set_gpr(0, len(data))
    if request.disposition in ("TYPE", "SIO"):
        cms.console.type(line)
    elif request.disposition == "ERRMSG" and request.header is not None:
        module, number, letter = request.header
        cms.console.message(f"DMS{module}{number:03d}{letter} {line}")
    elif request.disposition == "ERRMSG":
        cms.console.message(line)
    elif request.disposition == "PRINT":
        from guests.cms.commands.unitrec import print_records  # commands build on this module

        print_records(cms, [data], carriage=False)
    elif request.disposition == "CPCOMM":
        code, lines = await cms.guest.cp(line.strip().upper())
        cms.console.type(*lines)
        return code
    return 0


# ---- files (FSCB) ---------------------------------------------------------------------
def _fscb(cms: Cms, plist: int) -> _Fscb:
    raw = _read(cms, plist, 44)
    return _Fscb(
        _text(raw[8:16]).strip(), _text(raw[16:24]).strip(), _text(raw[24:26]).strip(),
        _word(raw[26:28]), _word(raw[29:32]), _word(raw[32:36]), _text(raw[36:37]).strip(),
        _word(raw[38:40]),
    )  # fmt: skip


def _find(cms: Cms, fscb: _Fscb) -> tuple[AccessedDisk, FstEntry] | int:
    """The file, or 36 (its disk is not accessed) or 28 (not found)."""
    mode = fscb.fm or "*"
    if mode[0] != "*" and mode[0] not in cms.disks:
        return 36
    found = cms.disks.find(fscb.fn, fscb.ft, mode)
    return 28 if found is None else found


async def rdbuf(cms: Cms, plist: int, r0: int) -> int:
    """FSREAD: records from ``item`` (0: the next one) into the buffer."""
    fscb = _fscb(cms, plist)
    found = _find(cms, fscb)
    if isinstance(found, int):
        return 1
    if fscb.items == 0:
        return 5
    accessed, entry = found
    key = (entry.fn, entry.ft, accessed.letter)
    opened = cms.program_files.setdefault(key, OpenFile())
    if opened.records is None:
        opened.records = accessed.disk.read(entry.fn, entry.ft)
    item = fscb.item or opened.next_item
    if item > len(opened.records):
        return 12
    chunk = opened.records[item - 1 : item - 1 + fscb.items]
    data = b"".join(chunk)
    return_code = 8 if len(data) > fscb.size else 0
    data = data[: fscb.size]
    _write(cms, fscb.buffer, data)
    _write(cms, plist + 40, len(data).to_bytes(4, "big"))
    cms.program_guest.set_gpr(0, len(data))
    opened.next_item = item + len(chunk)
    return return_code


async def wrbuf(cms: Cms, plist: int, r0: int) -> int:
    """FSWRITE: records from the buffer at ``item`` (0: after the last one)."""
    fscb = _fscb(cms, plist)
    letter = (fscb.fm or "A")[0]
    number = int(fscb.fm[1]) if len(fscb.fm) == 2 and fscb.fm[1] in "0123456" else None
    accessed = cms.disks.get(letter)
    if accessed is None:
        return 36
    if accessed.read_only:
        return 12
    recfm = fscb.recfm or "F"
    if recfm not in ("F", "V"):
        return 11
    items = fscb.items or 1
    data = _read(cms, fscb.buffer, fscb.size)
    if recfm == "F" and (fscb.size % items or not fscb.size):
        return 15
    width = fscb.size // items if recfm == "F" else fscb.size
    records = [data[at : at + width] for at in range(0, len(data), width)] or [b""]
    return _store(cms, accessed, fscb, records, recfm, number)


def _store(
    cms: Cms, accessed: AccessedDisk, fscb: _Fscb, records: list[bytes], recfm: str,
    number: int | None,
) -> int:  # fmt: skip
    disk = accessed.disk
    entry = disk.find(fscb.fn, fscb.ft)
    if entry is not None and entry.recfm != recfm:
        return 16
    if entry is not None and recfm == "F" and entry.item_count and entry.lrecl != len(records[0]):
        return 15
    count = entry.item_count if entry is not None else 0
    item = fscb.item or count + 1
    try:
        if item == count + 1:
            disk.append(fscb.fn, fscb.ft, records, recfm=recfm, mode_number=number)
        elif item <= count:
            disk.replace_records(fscb.fn, fscb.ft, item, records)
        else:
            return 7  # a gap of unwritten records
    except InvalidFileId:
        return 20
    except DiskFull:
        return 13
    except (RecfmMismatch, RecordLengthError):
        return 15
    except CmsFsError:
        return 14
    cms.program_files.setdefault((fscb.fn, fscb.ft, accessed.letter), OpenFile())
    return 0


async def finis(cms: Cms, plist: int, r0: int) -> int:
    """FSCLOSE: close the file (``*`` for the name closes every file)."""
    fscb = _fscb(cms, plist)
    if fscb.fn == "*":
        cms.program_files.clear()
        return 0
    keys = [key for key in cms.program_files if key[:2] == (fscb.fn, fscb.ft)]
    keys = [key for key in keys if not fscb.fm or fscb.fm[0] in ("*", key[2])]
    for key in keys:
        del cms.program_files[key]
    return 0 if keys else 6


async def state(cms: Cms, plist: int, r0: int) -> int:
    """FSSTATE: does the file exist? A copy of its FST, address at FSCB+28."""
    found = _find(cms, _fscb(cms, plist))
    if isinstance(found, int):
        return found
    _write(cms, FST_AREA, encode_fst(found[1]))
    _write(cms, plist + 28, FST_AREA.to_bytes(4, "big"))
    return 0


async def erase(cms: Cms, plist: int, r0: int) -> int:
    """FSERASE: delete the file."""
    fscb = _fscb(cms, plist)
    if not fscb.fm:
        fscb.fm = "A"
    found = _find(cms, fscb)
    if isinstance(found, int):
        return found
    accessed, entry = found
    if accessed.read_only:
        return 36
    accessed.disk.erase(entry.fn, entry.ft)
    cms.program_files.pop((entry.fn, entry.ft, accessed.letter), None)
    return 0


Function = Callable[["Cms", int, int], Awaitable[int]]
FUNCTIONS: dict[str, Function] = {
    "TYPLIN": typlin, "WAITRD": waitrd, "ATTN": attn, "DESBUF": desbuf, "RDBUF": rdbuf,
    "WRBUF": wrbuf, "FINIS": finis, "STATE": state, "ERASE": erase,
}  # fmt: skip


def read_tokens(cms: Cms, plist: int) -> list[str]:
    """The doublewords of a tokenized PLIST up to the fence (at most 64)."""
    tokens: list[str] = []
    for at in range(plist, plist + 8 * MAX_TOKENS, 8):
        raw = _read(cms, at, 8)
        if raw == FENCE:
            break
        tokens.append(_text(raw).strip())
    return tokens


async def program_call(cms: Cms, flag: int, plist: int, r0: int) -> int:
    """SVC 202 from a program: a nucleus function by name, else a command."""
    name = _text(_read(cms, plist, 8)).strip()
    function = FUNCTIONS.get(name)
    if function is not None:
        try:
            return await function(cms, plist, r0)
        except CmsFsError as error:  # a file that cannot be read or written
            return error.rc
    tokens = read_tokens(cms, plist)
    args = tokens[1:]
    text = " ".join(args)
    if flag == 0x01 and r0:
        eplist = _read(cms, r0, 12)
        begin, end = _word(eplist[4:8]) & 0xFFFFFF, _word(eplist[8:12]) & 0xFFFFFF
        if begin <= end <= begin + 255:
            text = _text(_read(cms, begin, end - begin)).strip()
    return await cms.svc202(Call(name, args, text.upper(), False, False))
