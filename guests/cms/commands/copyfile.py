"""COPYFILE (reference/cp-cms.md 10.4; CMS Command and Macro Reference GC20-1818).

``COPYFILE fileid1 [fileid2 ...] [fileido] [(options)]``. One fileid alone is
copied onto itself (``= = =``, to change its format). ``*`` in an input field
selects many files; ``=`` in an output field takes the input's value (also
as a prefix or suffix, ``NEW=``); when an output ``=`` stands where an input
has ``*`` every input gets its own output, otherwise the inputs are joined.
REPLACE is the default for a single fileid, NEWFILE otherwise (DMSCPY024E).

Record options apply in this order: UNPACK, FRLABEL/FROM, TOLABEL/FOR, SPECS
(``DMSCPY601R``: input columns ``nn-mm``, ``/text/`` or ``hxx`` placed at
output columns), TRANS (``DMSCPY602R``), UPCASE/LOWCASE, RECFM/LRECL (F records
padded with the FILL character or cut; V records cut to LRECL, TRUNC drops
trailing fill), PACK.
The PACK format here is vm370's own compact encoding (F 1024 records),
readable back by UNPACK; R6's exact packed layout is (unverified).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from guests.cms.commands import command
from guests.cms.commands.common import (
    CommandError,
    conflicting,
    decode,
    encode,
    file_not_found,
    incomplete_fileid,
    invalid_option,
    matching_files,
    numeric,
    parse_mode,
    read_write_disk,
)
from guests.cms.disks import AccessedDisk
from guests.cms.fs import FileExists, FstEntry
from guests.cms.plist import Call

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

Fileid = tuple[str, str, str]
PACK_MARK = b"\xcc\xcc\xcc"
FLAGS = ("TYPE", "NOTYPE", "NEWDATE", "OLDDATE", "NEWFILE", "REPLACE", "PROMPT", "NOPROMPT",
         "OVLY", "APPEND", "SPECS", "NOSPECS", "TRUNC", "NOTRUNC", "PACK", "UNPACK", "EBCDIC",
         "UPCASE", "LOWCASE", "TRANS")  # fmt: skip
VALUED = ("FROM", "FOR", "FRLABEL", "TOLABEL", "RECFM", "LRECL", "FILL")


@dataclass
class CopyOptions:
    flags: set[str] = field(default_factory=set)
    values: dict[str, str] = field(default_factory=dict)
    fill: int = 0x40
    table: dict[int, int] = field(default_factory=dict)
    specs: list[tuple[bytes | tuple[int, int], int]] = field(default_factory=list)

    def has(self, name: str) -> bool:
        return name in self.flags


def parse_options(words: list[str]) -> CopyOptions:
    options = CopyOptions()
    index = 0
    while index < len(words):
        word = words[index]
        if word in VALUED and index + 1 < len(words):
            options.values[word] = words[index + 1]
            index += 2
            continue
        if word not in FLAGS:
            raise invalid_option(word)
        options.flags.add(word)
        index += 1
    _check_conflicts(options)
    if "FILL" in options.values:
        options.fill = _character(options.values["FILL"], "FILL")
    if options.values.get("RECFM", "F") not in ("F", "V"):
        raise CommandError(
            29, f"INVALID PARAMETER '{options.values['RECFM']}' IN THE OPTION 'RECFM' FIELD"
        )
    for name in ("FROM", "FOR", "LRECL"):
        if name in options.values:
            numeric(options.values[name], name)
    return options


def _check_conflicts(options: CopyOptions) -> None:
    pairs = [("NEWFILE", "REPLACE"), ("APPEND", "OVLY"), ("PACK", "UNPACK"), ("UPCASE", "LOWCASE"),
             ("TRUNC", "NOTRUNC"), ("FROM", "FRLABEL"), ("FOR", "TOLABEL")]  # fmt: skip
    present = options.flags | set(options.values)
    for first, second in pairs:
        if first in present and second in present:
            raise conflicting(first, second)
    if "APPEND" in present:
        for other in ("LRECL", "RECFM", "NEWFILE", "REPLACE", "PACK"):
            if other in present:
                raise conflicting("APPEND", other)


def _character(text: str, option: str) -> int:
    if len(text) == 1:
        return encode(text)[0]
    if len(text) == 2:
        try:
            return int(text, 16)
        except ValueError:
            pass
    raise CommandError(29, f"INVALID PARAMETER '{text}' IN THE OPTION '{option}' FIELD")


async def _translation(cms: Cms, options: CopyOptions) -> None:
    cms.console.error("CPY", 602, "R", "ENTER TRANSLATION LIST:")
    words = (await cms.console.read()).upper().split()
    if len(words) % 2:
        raise CommandError(70, f"INVALID PARAMETER '{words[-1]}'")
    for at in range(0, len(words), 2):
        options.table[_character(words[at], "TRANS")] = _character(words[at + 1], "TRANS")


async def _specifications(cms: Cms, options: CopyOptions) -> None:
    """SPECS: read ``source column`` pairs (``nn-mm``, ``/text/``, ``hxx``), ``++`` continues."""
    cms.console.error("CPY", 601, "R", "ENTER SPECIFICATION LIST:")
    words: list[str] = []
    while True:
        line = (await cms.console.read()).upper().split()
        more = bool(line) and line[-1] == "++"
        words += line[:-1] if more else line
        if not more:
            break
    if len(words) % 2 or len(words) > 40:
        raise CommandError(70, f"INVALID PARAMETER '{words[-1] if words else ''}'")
    for at in range(0, len(words), 2):
        column = numeric(words[at + 1], "SPECS")
        options.specs.append((_spec_source(words[at]), max(column, 1)))


def _spec_source(word: str) -> bytes | tuple[int, int]:
    if word[0].isdigit():
        first, _, last = word.partition("-")
        start = numeric(first, "SPECS")
        return start, numeric(last, "SPECS") if last else start
    if word[0] == "H" and len(word) > 1 and len(word) % 2 == 1:
        try:
            return bytes.fromhex(word[1:])
        except ValueError:
            pass
    if len(word) >= 3 and word[-1] == word[0] and not word[0].isalnum():
        return encode(word[1:-1])
    raise CommandError(70, f"INVALID PARAMETER '{word}'")


def _apply_specs(record: bytes, options: CopyOptions) -> bytes:
    output = bytearray()
    for source, column in options.specs:
        if isinstance(source, tuple):
            start, end = source
            piece = record[start - 1 : end].ljust(end - start + 1, b"\x40")
        else:
            piece = source
        if len(output) < column - 1:
            output += bytes([options.fill]) * (column - 1 - len(output))
        output[column - 1 : column - 1 + len(piece)] = piece
    return bytes(output)


def _select(records: list[bytes], options: CopyOptions) -> list[bytes]:
    values = options.values
    start = int(values.get("FROM", "1")) - 1
    if "FRLABEL" in values:
        label = encode(values["FRLABEL"])
        start = next((i for i, r in enumerate(records) if r.startswith(label)), len(records))
    chosen = records[max(start, 0) :]
    if "FOR" in values:
        chosen = chosen[: int(values["FOR"])]
    if "TOLABEL" in values:
        label = encode(values["TOLABEL"])
        end = next((i for i, r in enumerate(chosen) if r.startswith(label)), len(chosen))
        chosen = chosen[:end]
    return chosen


def _translate(record: bytes, options: CopyOptions) -> bytes:
    if options.has("UPCASE"):
        record = encode(decode(record).upper())
    elif options.has("LOWCASE"):
        record = encode(decode(record).lower())
    if options.table:
        record = bytes(options.table.get(byte, byte) for byte in record)
    return record


def _reformat(
    records: list[bytes], entry: FstEntry, options: CopyOptions
) -> tuple[list[bytes], str, int]:
    recfm = options.values.get("RECFM", entry.recfm)
    longest = max((len(record) for record in records), default=1)
    lrecl = int(options.values.get("LRECL", entry.lrecl if recfm == entry.recfm else longest))
    fill = bytes([options.fill])
    result = []
    for record in records:
        if recfm == "F":
            record = record[:lrecl].ljust(lrecl, fill)
        else:
            if "LRECL" in options.values:
                record = record[:lrecl]
            if options.has("TRUNC"):
                record = record.rstrip(fill) or record[:1]
        result.append(record)
    return result, recfm, lrecl


def pack(records: list[bytes], recfm: str, lrecl: int) -> list[bytes]:
    """vm370's PACK: runs of 2+ blanks in one byte, runs of 4+ of a character in three."""
    stream = bytearray(PACK_MARK + recfm.encode("cp037") + lrecl.to_bytes(4, "big"))
    for record in records:
        at = 0
        literal = bytearray()
        while at < len(record):
            run = 1
            while at + run < len(record) and record[at + run] == record[at] and run < 255:
                run += 1
            blank = record[at] == 0x40
            if (blank and run >= 2) or run >= 4:
                _flush(stream, literal)
                stream += bytes([0x80 | min(run, 63)]) if blank else bytes([0xC0, run, record[at]])
                at += min(run, 63) if blank else run
                continue
            literal.append(record[at])
            at += 1
        _flush(stream, literal)
        stream.append(0xFF)
    stream.append(0xFE)
    return [
        bytes(stream[at : at + 1024]).ljust(1024, b"\x00") for at in range(0, len(stream), 1024)
    ]


def _flush(stream: bytearray, literal: bytearray) -> None:
    for at in range(0, len(literal), 127):
        piece = literal[at : at + 127]
        stream += bytes([len(piece)]) + piece
    literal.clear()


def unpack(records: list[bytes]) -> tuple[list[bytes], str, int]:
    """The records, RECFM and LRECL of a file written by ``pack``."""
    stream = b"".join(records)
    if not stream.startswith(PACK_MARK):
        raise CommandError(83, "FILE IS NOT IN PACKED FORMAT", rc=32)
    recfm, lrecl = decode(stream[3:4]), int.from_bytes(stream[4:8], "big")
    result, record, at = [], bytearray(), 8
    while at < len(stream) and stream[at] != 0xFE:
        code = stream[at]
        if code == 0xFF:
            result.append(bytes(record))
            record.clear()
            at += 1
        elif code == 0xC0:
            record += bytes([stream[at + 2]]) * stream[at + 1]
            at += 3
        elif code & 0x80:
            record += b"\x40" * (code & 0x3F)
            at += 1
        else:
            record += stream[at + 1 : at + 1 + code]
            at += 1 + code
    return result, recfm, lrecl


def _substitute(pattern: str, value: str) -> str:
    return value if pattern == "=" else pattern.replace("=", value)


def _inputs(cms: Cms, fileids: list[Fileid]) -> list[tuple[AccessedDisk, FstEntry]]:
    found: list[tuple[AccessedDisk, FstEntry]] = []
    for fn, ft, fm in fileids:
        letter, number = parse_mode(fm)
        if letter != "*" and letter not in cms.disks:
            raise CommandError(69, f"DISK '{letter}' NOT ACCESSED", rc=36)
        matched = matching_files(cms.disks.disks_for(letter), fn, ft, number)
        if "*" not in fn + ft:
            matched = matched[:1]
        if not matched:
            raise file_not_found(f"{fn} {ft} {fm}")
        found.extend(matched)
    return found


def _output_id(output: Fileid, entry: FstEntry) -> tuple[str, str, str, int | None]:
    fn, ft, fm = output
    if fm == "=":
        return _substitute(fn, entry.fn), _substitute(ft, entry.ft), entry.mode[0], None
    letter, number = parse_mode(fm, star=False)
    return _substitute(fn, entry.fn), _substitute(ft, entry.ft), letter, number


def _split(operands: list[str]) -> tuple[list[Fileid], Fileid]:
    if not operands or len(operands) % 3:
        raise incomplete_fileid()
    triples = [(operands[i], operands[i + 1], operands[i + 2]) for i in range(0, len(operands), 3)]
    if len(triples) == 1:
        return triples, ("=", "=", "=")
    return triples[:-1], triples[-1]


@command("COPYFILE", 4, "CPY")
async def copyfile(cms: Cms, call: Call) -> int:
    inputs, output = _split(call.operands)
    options = parse_options(call.options)
    if options.has("TRANS"):
        await _translation(cms, options)
    if options.has("SPECS"):
        await _specifications(cms, options)
    single = len(call.operands) == 3 or output == ("=", "=", "=")
    replace = options.has("REPLACE") or (single and not options.has("NEWFILE"))
    found = _inputs(cms, inputs)
    each = any("=" in out and "*" in given for out, given in zip(output, inputs[0], strict=True))
    groups = [[item] for item in found] if each else [found]
    for group in groups:
        await _copy_group(cms, group, output, options, replace=replace)
        await cms.checkpoint()
    return 0


async def _copy_group(
    cms: Cms, group: list[tuple[AccessedDisk, FstEntry]], output: Fileid, options: CopyOptions,
    *, replace: bool,
) -> None:  # fmt: skip
    first = group[0][1]
    fn, ft, letter, number = _output_id(output, first)
    target = read_write_disk(cms, letter)
    records: list[bytes] = []
    entry = first
    for accessed, source in group:
        data = accessed.disk.read(source.fn, source.ft)
        if options.has("UNPACK"):
            data, recfm, lrecl = unpack(data)
            entry = FstEntry(source.fn, source.ft, source.mode, recfm, lrecl, len(data), 0, 0)
        records.extend(data)
        if source.lrecl > entry.lrecl and not options.has("UNPACK"):
            entry = source
        await cms.checkpoint()
    selected = _select(records, options)
    if options.specs:
        selected = [_apply_specs(record, options) for record in selected]
    records = [_translate(record, options) for record in selected]
    records, recfm, lrecl = _reformat(records, entry, options)
    if options.has("PACK"):
        records, recfm, lrecl = pack(records, recfm, lrecl), "F", 1024
    existing = target.disk.find(fn, ft)
    if number is None:
        number = existing.mode_number if existing else first.mode_number
    fileid = f"{fn} {ft} {letter}{number}"
    if not records:
        raise CommandError(157, f"NO RECORDS WERE COPIED TO OUTPUT FILE '{fileid}'", rc=40)
    verb = _write(target, fn, ft, number, records, recfm, lrecl, options, existing, replace, fileid)
    if options.has("TYPE"):
        age = "OLD" if existing else "NEW"
        for _, source in group:
            cms.console.error(
                "CPY", 721, "I", f"COPY '{source.fileid}' {verb} '{fileid}' {age} FILE"
            )
            verb = "APPEND"


def _write(
    target: AccessedDisk, fn: str, ft: str, number: int | None, records: list[bytes], recfm: str,
    lrecl: int, options: CopyOptions, existing: FstEntry | None, replace: bool, fileid: str,
) -> str:  # fmt: skip
    disk = target.disk
    if options.has("APPEND") and existing is not None:
        if existing.recfm == "F":
            records = [
                r[: existing.lrecl].ljust(existing.lrecl, bytes([options.fill])) for r in records
            ]
        disk.append(fn, ft, records, recfm=existing.recfm)
        return "APPEND"
    if options.has("OVLY") and existing is not None:
        old = disk.read(fn, ft)
        merged = [
            _overlay(old[i] if i < len(old) else b"", new, options.fill)
            for i, new in enumerate(records)
        ]
        merged += old[len(records) :]
        disk.write(
            fn,
            ft,
            merged,
            recfm=existing.recfm,
            lrecl=existing.lrecl if existing.recfm == "F" else None,
            replace=True,
        )
        return "OVLY"
    if existing is not None and not replace and not options.has("APPEND"):
        raise FileExists(fileid)
    disk.write(fn, ft, records, recfm=recfm, lrecl=lrecl if recfm == "F" else None,
               mode_number=number, replace=True)  # fmt: skip
    return "TO"


def _overlay(old: bytes, new: bytes, fill: int) -> bytes:
    length = max(len(old), len(new))
    old, new = old.ljust(length, b"\x40"), new.ljust(length, bytes([fill]))
    return bytes(n if n != fill else o for o, n in zip(old, new, strict=True))[: max(len(old), 1)]
