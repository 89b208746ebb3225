"""The CMS loader on hand-made object decks, and SVC 202 parameter lists from wild programs."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guests.cms.commands.common import CommandError
from guests.cms.commands.programs import Module, parse_module
from guests.cms.fs import CmsDisk
from guests.cms.loader import USER_AREA, CardError, Loader, MapEntry, text_card
from guests.cms.nucfunc import program_call
from guests.cms.nucleus import Cms
from guests.cms.program import RETURN_SVC, PlistError, bc_psw, tokens_bytes
from server.cp.abi import ProgramEvent
from tests.guests.cms.cmsfake import FakeGuest, session, standard_disks


def esd(*items: bytes, esdid: int = 1) -> bytes:
    return text_card("ESD", b"".join(items), esdid=esdid, count=16 * len(items))


def item(name: str, kind: int, address: int, tail: int) -> bytes:
    return (name.ljust(8).encode("cp037") + bytes([kind]) + address.to_bytes(3, "big") + b"\x40"
            + tail.to_bytes(3, "big"))  # fmt: skip


def rld(*entries: tuple[int, int, int, int]) -> bytes:
    body = b"".join(
        r.to_bytes(2, "big") + p.to_bytes(2, "big") + bytes([flag]) + at.to_bytes(3, "big")
        for r, p, flag, at in entries
    )
    return text_card("RLD", body, count=len(body))


def main_deck() -> list[bytes]:
    """MAIN: 16 bytes at assembled 0; A(MAIN+8) at 0, V(SUB) at 4; label INNER at 8."""
    text = bytes.fromhex("00000008 00000000 07FE0000 00000000")
    return [
        esd(item("MAIN", 0x00, 0, 16), item("INNER", 0x01, 8, 1), item("SUB", 0x02, 0, 0)),
        text_card("TXT", text, address=0, esdid=1, count=16),
        rld((1, 1, 0x0C, 0), (2, 1, 0x1C, 4)),
        text_card("END", b""),
    ]


def sub_deck() -> list[bytes]:
    """SUB: assembled at X'100', 8 bytes, A(SUB) at its start; entry named by END."""
    return [
        esd(item("SUB", 0x00, 0x100, 8)),
        text_card("TXT", bytes.fromhex("00000100 07FE07FE"), address=0x100, esdid=1, count=8),
        rld((1, 1, 0x0C, 0x100)),
        text_card("END", b"SUB".ljust(8, b" ").decode().encode("cp037")),
    ]


def word(image: bytes, offset: int) -> int:
    return int.from_bytes(image[offset : offset + 4], "big")


def test_relocation_and_an_include_resolving_a_vcon() -> None:
    loader = Loader()
    loader.load_deck("MAIN", main_deck())
    assert loader.undefined() == ["SUB"]
    assert word(loader.relocated(), 0) == USER_AREA + 8
    assert word(loader.relocated(), 4) == 0  # unresolved: 0
    loader.load_deck("SUB", sub_deck())
    assert loader.undefined() == []
    image = loader.relocated()
    sub = loader.symbols["SUB"][1]
    assert sub == USER_AREA + 16  # the next doubleword after MAIN
    assert word(image, 4) == sub
    assert word(image, 16) == sub
    assert loader.symbols["INNER"] == ("LD", USER_AREA + 8)
    assert loader.entry() == sub  # the first END that names an entry point: SUB
    assert [(entry.name, entry.kind) for entry in loader.map_entries()] == [
        ("MAIN", "SD"), ("INNER", "LD"), ("SUB", "SD"),
    ]  # fmt: skip


def test_rep_slc_entry_and_duplicates() -> None:
    loader = Loader()
    rep = bytearray(text_card("REP", b""))
    rep[6:16] = "000004 001".encode("cp037")
    rep[16:25] = "1234,5678".encode("cp037")
    slc = bytearray(b"\x40" * 80)
    slc[0], slc[1:4], slc[6:12] = 0x02, b"\xe2\xd3\xc3", "021000".encode("cp037")
    entry = b"\x40" + "ENTRY INNER".encode("cp037")
    loader.load_deck("MAIN", [*main_deck()[:-1], bytes(rep), entry, main_deck()[-1]])
    loader.load_deck("SLC", [bytes(slc), *sub_deck()])
    assert word(loader.relocated(), 4) == 0x12345678 + loader.symbols["SUB"][1]
    assert loader.symbols["SUB"] == ("SD", 0x21000)
    assert loader.entry() == USER_AREA + 8
    loader.load_deck("AGAIN", sub_deck())
    assert loader.duplicates == ["SUB"]


@pytest.mark.parametrize(
    ("card", "why"),
    [
        (text_card("XYZ", b""), "UNKNOWN CARD TYPE 'XYZ'"),
        (text_card("TXT", b"\x00", esdid=7, count=1), "UNKNOWN ESDID 7"),
        (text_card("ESD", b"", count=5), "ESD BYTE COUNT 5"),
        (b"\x40" + "LIBRARY TOOLONGNAME".encode("cp037"), "LIBRARY CARD NAME"),
        (b"\xc1" * 80, "NOT AN OBJECT CARD"),
    ],
)
def test_bad_cards_are_named(card: bytes, why: str) -> None:
    with pytest.raises(CardError, match=why):
        Loader().load_deck("BAD", [card])


CARD_TYPES = st.sampled_from(["ESD", "TXT", "RLD", "END", "REP", "SLC", "LDT", "SYM"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(CARD_TYPES, st.binary(min_size=76, max_size=76)), max_size=8))
def test_garbage_decks_load_or_give_a_card_error(cards: list[tuple[str, bytes]]) -> None:
    deck = [b"\x02" + kind.encode("cp037") + body for kind, body in cards]
    loader = Loader()
    try:
        loader.load_deck("JUNK", deck)
    except CardError:
        return
    loader.allocate_commons()
    assert len(loader.relocated()) == len(loader.image)


class ProgramFake(FakeGuest):
    """FakeGuest with registers and a storage size, for SVC 202 from a program."""

    def __init__(self) -> None:
        super().__init__()
        self.registers = [0] * 16
        self.keys: list[tuple[int, int, int]] = []
        self.storage_size = len(self.storage)

    def gpr(self, number: int) -> int:
        return self.registers[number]

    def set_gpr(self, number: int, value: int) -> None:
        self.registers[number] = value & 0xFFFFFFFF

    def set_storage_keys(self, start: int, end: int, key: int) -> None:
        self.keys.append((start, end, key))

    async def run_program(self, psw: bytes, svcs: frozenset[int]) -> object:
        raise AssertionError("no program runs here")


def call(guest: ProgramFake, plist: bytes, flag: int = 0) -> int:
    guest.write_storage(0x30000, plist)
    cms = Cms(guest, standard_disks())
    return asyncio.run(program_call(cms, flag, 0x30000, 0x30000))


def test_typlin_and_a_command_by_name() -> None:
    guest = ProgramFake()
    guest.write_storage(0x31000, "HI THERE".encode("cp037"))
    plist = "TYPLIN  ".encode("cp037") + bytes.fromhex("01031000 C2000008")
    assert call(guest, plist) == 0
    assert guest.output[-1] == "HI THERE"
    assert call(guest, tokens_bytes(["NOSUCHCM"])) == -3
    assert bc_psw(0x20000) == bytes.fromhex("0000000000020000")


FUNCTION_NAMES = "TYPLIN WAITRD RDBUF WRBUF FINIS STATE ERASE ATTN DESBUF LISTFILE QUERY".split()


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(FUNCTION_NAMES),
    st.binary(min_size=40, max_size=40),
    st.integers(0, 255),
)
def test_wild_plists_give_a_return_code_or_an_addressing_exception(
    name: str, rest: bytes, flag: int
) -> None:
    guest = ProgramFake()
    guest.lines.extend(["A LINE"] * 2)
    try:
        result = call(guest, name.ljust(8).encode("cp037") + rest, flag)
    except PlistError:
        return
    assert isinstance(result, int)


def test_module_records_round_trip() -> None:
    entries = [MapEntry("HELLO", "SD", 0x20000), MapEntry("INNER", "LD", 0x20010)]
    module = Module(0x20000, 0x20000, 0x20100, 0x20100, 0x80 << 16, bytes(range(256)), entries)
    records = module.records()
    assert len(records[0]) == 80 and records[1][:8] == "HELLO   ".encode("cp037")
    assert parse_module(records, "HELLO MODULE A1") == module


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=120), max_size=4))
def test_garbage_module_files_are_refused_cleanly(records: list[bytes]) -> None:
    try:
        module = parse_module(records, "JUNK MODULE A1")
    except CommandError as error:
        assert "IS NOT A VALID MODULE" in str(error)
        return
    assert len(module.image) == module.last - module.first


def fscb(function: str, fileid: str, *, item: int = 0, buffer: int = 0, size: int = 0,
         recfm: str = "F", items: int = 1) -> bytes:  # fmt: skip
    fn, ft, fm = fileid.split()
    text = function.ljust(8) + fn.ljust(8) + ft.ljust(8) + fm.ljust(2)
    return (text.encode("cp037") + item.to_bytes(2, "big") + buffer.to_bytes(4, "big")
            + size.to_bytes(4, "big") + recfm.encode("cp037") + b"\x00"
            + items.to_bytes(2, "big") + bytes(4))  # fmt: skip


async def calls(guest: ProgramFake, *plists: tuple[bytes, int]) -> list[int]:
    """IPL CMS on the standard disks, then each (PLIST, R1 flag) through SVC 202."""
    cms = Cms(guest, standard_disks())
    await cms.ipl()
    codes = []
    for plist, flag in plists:
        guest.write_storage(0x30000, plist)
        codes.append(await program_call(cms, flag, 0x30000, 0x30100))
    return codes


def test_files_through_the_fscb() -> None:
    guest = ProgramFake()
    guest.write_storage(0x31000, "ONE".ljust(10).encode("cp037") + "TWO".ljust(10).encode("cp037"))
    codes = asyncio.run(calls(
        guest,
        (fscb("WRBUF", "PROG DATA A1", buffer=0x31000, size=20, items=2), 0),
        (fscb("FINIS", "PROG DATA A1"), 0),
        (fscb("RDBUF", "PROG DATA A", item=2, buffer=0x32000, size=10), 0),
        (fscb("RDBUF", "PROG DATA A", buffer=0x32000, size=10), 0),
        (fscb("STATE", "NOSUCH DATA *"), 0),
        (fscb("RDBUF", "NOSUCH DATA A", buffer=0x32000, size=10), 0),
        (fscb("WRBUF", "PROG DATA Q", buffer=0x31000, size=20), 0),
        (fscb("STATE", "PROG DATA *"), 0),
    ))  # fmt: skip
    assert codes == [0, 0, 0, 12, 28, 1, 36, 0]
    assert guest.read_storage(0x32000, 10) == "TWO".ljust(10).encode("cp037")
    fst = int.from_bytes(guest.read_storage(0x30000 + 28, 4), "big")
    assert guest.read_storage(fst, 8) == "PROG    ".encode("cp037")  # FSOPEN copies from here:
    assert guest.read_storage(fst + 30, 1) == "F".encode("cp037")  # RECFM at +30
    assert int.from_bytes(guest.read_storage(fst + 32, 4), "big") == 10  # LRECL at +32


def test_stack_then_read_and_the_extended_plist() -> None:
    guest = ProgramFake()
    guest.write_storage(0x31000, "STACKED LINE".encode("cp037"))
    attn = "ATTN    LIFO".encode("cp037") + bytes([12]) + (0x31000).to_bytes(3, "big")
    waitrd = "WAITRD  ".encode("cp037") + bytes.fromhex("01032000 E4000050")
    guest.write_storage(0x30100, (0x30000).to_bytes(4, "big") + (0x30009).to_bytes(4, "big")
                        + (0x30011).to_bytes(4, "big") + bytes(4))  # fmt: skip
    codes = asyncio.run(calls(
        guest, (attn, 0), (waitrd, 0), (tokens_bytes(["DESBUF"]), 0),
        ("LISTFILE*       NOSUCH  ".encode("cp037") + b"\xff" * 8, 1),
    ))  # fmt: skip
    assert codes == [0, 0, 0, 28]
    assert guest.registers[0] == 12
    assert guest.read_storage(0x32000, 12) == "STACKED LINE".encode("cp037")


def test_erase_through_the_fscb() -> None:
    guest = ProgramFake()
    codes = asyncio.run(calls(
        guest,
        (fscb("WRBUF", "GONE DATA A1", buffer=0x31000, size=8), 0),
        (fscb("ERASE", "GONE DATA A"), 0),
        (fscb("ERASE", "GONE DATA A"), 0),
        (fscb("WRBUF", "BAD DATA A1", buffer=0x31000, size=8, recfm="X"), 0),
    ))  # fmt: skip
    assert codes == [0, 0, 28, 11]


class ReturningFake(ProgramFake):
    """Every program returns at once (SVC 202 at the nucleus return address)."""

    async def run_program(self, psw: bytes, svcs: frozenset[int]) -> ProgramEvent:
        return ProgramEvent("SVC", 202, bc_psw(RETURN_SVC + 2))


WORDS = st.sampled_from(
    ["LOAD", "INCLUDE", "START", "GENMOD", "LOADMOD", "MODMAP", "(", ")", "*", "NOMAP", "MAP",
     "ORIGIN", "TRANS", "E000", "FFFFFF", "RESET", "FROM", "TO", "CLEAR", "START", "TYPE", "A",
     "MODULE", "TEXT", "MAIN", "SUB", "INNER", "ZZ", "A9", "Q", "SYSTEM", "STR", "NO", "X"]
)  # fmt: skip


@settings(max_examples=120, deadline=None)
@given(st.lists(st.lists(WORDS, min_size=1, max_size=6), min_size=1, max_size=5))
def test_garbage_program_commands_answer_with_cms_messages(lines: list[list[str]]) -> None:
    disks = standard_disks()
    disk = CmsDisk.access(disks.devices[0x191])
    disk.write("MAIN", "TEXT", main_deck(), recfm="F", lrecl=80)
    disk.write("SUB", "TEXT", sub_deck(), recfm="F", lrecl=80)
    guest = ReturningFake()
    output = asyncio.run(session(disks, "LOAD MAIN", *[" ".join(line) for line in lines],
                                 guest=guest))  # fmt: skip
    assert not [line for line in output if "DMSITP143T" in line], output
