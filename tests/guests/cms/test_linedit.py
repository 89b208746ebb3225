"""LINEDIT (guests/cms/linedit.py and nucfunc.linedit): substitutions, options, dispositions."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guests.cms.linedit import LineditError, format_line, read_request
from guests.cms.nucfunc import linedit
from guests.cms.nucleus import Cms
from guests.cms.program import PlistError
from tests.guests.cms.cmsfake import standard_disks
from tests.guests.cms.test_loader import ProgramFake

PLIST, TEXT, DATA, BUFFER = 0x30000, 0x30100, 0x30200, 0x30300
TYPE, NONE, CPCOMM, ERRMSG = 1, 3, 5, 0


def group(word: int, kind: int, *, address: bool = False, length: int | None = None,
          last: bool = False) -> bytes:  # fmt: skip
    flag = kind | (0x40 if address else 0) | (0x20 if length is not None else 0)
    flag |= 0x80 if last else 0
    return word.to_bytes(4, "big") + bytes([flag, length or 0]) + bytes(2)


def plist(text: str, *groups: bytes, disposition: int = TYPE, dot: bool = True,
          compress: bool = True, header: bytes = b"", buffer: int = 0) -> bytes:  # fmt: skip
    flags = 0x80 | (0x40 if header else 0) | (0x20 if buffer else 0)
    flags |= 0x10 if len(groups) == 1 else 0x08 if groups else 0
    options = disposition | (0x80 if compress else 0) | (0x40 if dot else 0)
    head = bytes([flags, options]) + len(text).to_bytes(2, "big") + TEXT.to_bytes(4, "big")
    head += header.ljust(8, b"\0") + buffer.to_bytes(4, "big")
    return head + b"".join(groups)


def run(guest: ProgramFake, text: str, raw: bytes, data: bytes = b"") -> int:
    guest.write_storage(TEXT, text.encode("cp037"))
    guest.write_storage(DATA, data)
    guest.write_storage(PLIST, raw)
    return asyncio.run(linedit(Cms(guest, standard_disks()), PLIST))


def test_substitutions_of_every_kind() -> None:
    guest = ProgramFake()
    text = "R=.. D=.... A=..... N=........ C=...... W=..."
    data = (0xFFFFFFF9).to_bytes(4, "big") + "NAME    ".encode("cp037")
    data += bytes.fromhex("0102030405")
    raw = plist(
        text,
        group(0x0001F, 0),  # HEX of a value
        group(DATA, 1, address=True),  # DECA: the word at DATA, signed
        group(DATA + 12, 3, address=True, length=5),  # HEX4A, 5 bytes
        group(DATA + 4, 4, address=True),  # CHAR8A
        group(DATA + 4, 2, address=True, length=2),  # CHARA, 2 characters
        group(12345, 1, last=True),  # DEC of a value
    )
    assert run(guest, text, raw, data) == 0
    assert guest.output[-1] == "R=1F D=-7 A=01020304 05 N=NAME C=NA W=12345."
    assert guest.registers[0] == len(guest.output[-1])


def test_dot_compression_and_leftover_fields() -> None:
    guest = ProgramFake()
    text = "A    B .. ...."
    run(guest, text, plist(text, group(7, 1, last=True), dot=False))
    assert guest.output[-1] == "A B 7 ...."
    run(guest, text, plist(text, group(7, 1, last=True), compress=False))
    assert guest.output[-1] == "A    B 7 ...."  # it already ends with a period


def test_buffa_none_errmsg_and_cpcomm() -> None:
    guest = ProgramFake()
    run(guest, "KEPT ..", plist("KEPT ..", group(3, 1, last=True), disposition=NONE,
                                buffer=BUFFER))  # fmt: skip
    assert guest.read_storage(BUFFER, 7) == "KEPT 3.".encode("cp037")
    assert not guest.output
    header = (17).to_bytes(2, "big") + "ELIN".encode("cp037")
    run(guest, "BAD THING", plist("BAD THING", disposition=ERRMSG, header=header, dot=False))
    assert guest.output[-1] == "DMSLIN017E BAD THING"
    assert run(guest, "QUERY TIME", plist("QUERY TIME", disposition=CPCOMM, dot=False)) == 0
    assert guest.cp_commands[-1] == "QUERY TIME"
    assert guest.output[-1] == "CP: QUERY TIME"


def test_bad_lists_raise() -> None:
    guest = ProgramFake()
    with pytest.raises(LineditError):
        run(guest, "X ..", plist("X ..", group(0, 9, last=True)))
    with pytest.raises(LineditError):
        run(guest, "X", plist("X", disposition=7))
    with pytest.raises(PlistError):
        run(guest, "X ..", plist("X ..", group(0xFFFFF0, 2, address=True, length=80, last=True)))


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=60, max_size=60), st.text(alphabet=". AB", max_size=40))
def test_garbage_lists_give_a_line_or_an_error(raw: bytes, text: str) -> None:
    storage = bytearray(0x1000)
    storage[0x100 : 0x100 + len(text)] = text.encode("cp037")
    storage[0:60] = raw[:4] + (0x100).to_bytes(4, "big") + raw[8:]

    def read(address: int, length: int) -> bytes:
        if address + length > len(storage):
            raise PlistError(f"{address:06X}")
        return bytes(storage[address : address + length])

    try:
        line = format_line(read, read_request(read, 0))
    except (LineditError, PlistError):
        return
    assert len(line) <= 130
