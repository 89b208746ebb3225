"""The decimal instructions run on ``Machine`` (server/machine/insn_decimal.py).

Each test loads a few hand-encoded instructions at 0x200, runs to a disabled
wait, and looks at storage, registers and the PSW: the program-check new PSW
is a disabled wait at its own slot (0x68), so a program interruption ends the
run with the old PSW at 0x28 (interruption code, ILC, CC, address). The
arithmetic itself is covered in test_decimal.py; here it is what the CPU
adds: operand addressing, EX, condition code, program mask, ILC,
suppression vs completion, protection and addressing (Principles of
Operation GA22-7000-10, chapters 6-8).
"""

from __future__ import annotations

from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.machine.machine import Machine

CODE = 0x200
END_PSW = bytes.fromhex("00020000 0000EE00")  # normal end: disabled wait at EE00
PROGRAM_WAIT = bytes.fromhex("00020000 00000068")  # program new PSW: disabled wait
BALR_15 = bytes.fromhex("05F0")  # BALR 15,0: ILC, CC and program mask into R15
LPSW_END = bytes.fromhex("820001F8")  # LPSW X'1F8' (END_PSW)

ILC_SS, ILC_RX = 3, 2


def h(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


BASE = 12  # run() sets R12 = X'1000': addresses from X'1000' up use it as base
BASE_ADDRESS = 0x1000


def address(displacement: int, base: int) -> bytes:
    """A base-displacement halfword; with no base, an address of X'1000' or more
    is made relative to R12."""
    if base == 0 and displacement >= BASE_ADDRESS:
        base, displacement = BASE, displacement - BASE_ADDRESS
    return bytes((base << 4 | displacement >> 8, displacement & 0xFF))


def ss(op: int, l1: int, l2: int, d1: int, d2: int, b1: int = 0, b2: int = 0) -> bytes:
    """An SS instruction with two length fields; lengths are byte counts."""
    return bytes((op, (l1 - 1) << 4 | (l2 - 1))) + address(d1, b1) + address(d2, b2)


def ss1(op: int, length: int, d1: int, d2: int, b1: int = 0, b2: int = 0) -> bytes:
    """An SS instruction with one length field (ED, EDMK)."""
    return bytes((op, length - 1)) + address(d1, b1) + address(d2, b2)


def srp(length: int, d1: int, shift: int, rounding: int, b2: int = 0) -> bytes:
    return bytes((0xF0, (length - 1) << 4 | rounding)) + address(d1, 0) + address(shift, b2)


def rx(op: int, r1: int, d2: int, x2: int = 0, b2: int = 0) -> bytes:
    return bytes((op, r1 << 4 | x2)) + address(d2, b2)


AP, SP, ZAP, CP, MP, DP = 0xFA, 0xFB, 0xF8, 0xF9, 0xFC, 0xFD
MVO, PACK, UNPK, ED, EDMK, CVB, CVD = 0xF1, 0xF2, 0xF3, 0xDE, 0xDF, 0x4F, 0x4E
A, B = 0x800, 0x1000  # the two operand areas, in different 2K key blocks


def readable(value: object) -> str | None:
    """Test ids: instruction bytes in hex."""
    return value.hex().upper() if isinstance(value, bytes) else None


class Interruption(NamedTuple):
    code: int
    ilc: int
    cc: int
    address: int


def run(code: bytes, data: dict[int, str], *, pm: int = 0, cc: int = 0, key: int = 0,
        regs: dict[int, int] | None = None, keys: dict[int, int] | None = None,
        storage_size: int = 1 << 16) -> Machine:
    """Run `code` (then BALR 15,0 and the end LPSW) with `data` loaded."""
    machine = Machine(storage_size=storage_size)
    machine.load(0x68, PROGRAM_WAIT)
    machine.load(0x1F8, END_PSW)
    machine.load(CODE, code + BALR_15 + LPSW_END)
    for address, field in data.items():
        machine.load(address, h(field))
    machine.set_gpr(BASE, BASE_ADDRESS)
    for number, value in (regs or {}).items():
        machine.set_gpr(number, value)
    for address, storage_key in (keys or {}).items():
        machine.set_key(address, storage_key)
    machine.set_psw(bytes((0, key << 4, 0, 0, cc << 4 | pm, 0, CODE >> 8, CODE & 0xFF)))
    machine.run(limit=1000)
    return machine


def ended_cc(machine: Machine) -> int:
    """The CC after the code, from BALR's link register; the run must have ended."""
    assert machine.psw() == END_PSW
    return machine.gpr(15) >> 28 & 3


def interruption(machine: Machine) -> Interruption:
    """The program interruption that ended the run."""
    assert machine.psw() == PROGRAM_WAIT
    old = machine.read(0x28, 8)
    return Interruption(old[2] << 8 | old[3], old[4] >> 6, old[4] >> 4 & 3,
                        int.from_bytes(old[5:8], "big"))


# --- results and condition codes ------------------------------------------------


@pytest.mark.parametrize(
    ("code", "first", "second", "result", "cc"),
    [
        (ss(AP, 4, 3, A, B), "01 12 34 5C", "38 46 0D", "00 73 88 5C", 2),
        (ss(AP, 1, 1, A, B), "9C", "1C", "0C", 3),  # overflow, mask off: no interruption
        (ss(SP, 2, 1, A, B), "00 3C", "5C", "00 2D", 1),
        (ss(SP, 2, 2, A, A), "12 3D", "", "00 0C", 0),  # a field from itself
        (ss(ZAP, 3, 2, A, B), "FF FF FF", "12 3F", "00 12 3C", 2),
        (ss(ZAP, 4, 2, A, A + 1), "AA 12 3C 77", "", "00 00 12 3C", 2),  # overlap
        (ss(CP, 2, 2, A, B), "12 3D", "12 4D", "12 3D", 2),
        (ss(CP, 1, 1, A, B), "0C", "0D", "0C", 0),
        (ss(MP, 5, 2, A, B), "00 00 38 46 0D", "32 1D", "01 23 45 66 0C", 1),  # cc kept
        (ss(DP, 5, 2, A, B), "01 23 45 67 8C", "32 1D", "38 46 0D 01 8C", 1),
        (srp(6, A, 3, 0), "00 01 23 45 67 8C", "", "12 34 56 78 00 0C", 2),
        (srp(5, A, 64 - 3, 5), "01 23 45 67 8C", "", "00 00 12 34 6C", 2),
        (srp(2, A, 0xFC1, 0), "12 3C", "", "23 0C", 3),  # six low address bits: +1
    ],
    ids=readable,
)
def test_arithmetic(code: bytes, first: str, second: str, result: str, cc: int) -> None:
    data = {A: first, B: second} if second else {A: first}
    machine = run(code, data, cc=1)
    assert machine.read(A, len(h(result))) == h(result)
    assert ended_cc(machine) == cc


def test_base_registers_address_the_operands() -> None:
    code = ss(AP, 2, 1, 0x10, 0x20, b1=3, b2=4)
    machine = run(code, {A + 0x10: "00 5C", B + 0x20: "7D"}, regs={3: A, 4: 0xFF000000 | B})
    assert machine.read(A + 0x10, 2) == h("00 2D")  # base bits 0-7 ignored: 24-bit address
    assert ended_cc(machine) == 1


def test_execute_supplies_the_lengths() -> None:
    # EX 1,X'300' with R1 = X'21': the AP there, coded with lengths 1 and 1, runs with
    # lengths 3 and 2.
    machine = run(rx(0x44, 1, 0x300), {0x300: ss(AP, 1, 1, A, B).hex(), A: "00 00 1C",
                                     B: "99 9C"}, regs={1: 0x21})
    assert machine.read(A, 3) == h("01 00 0C")
    assert ended_cc(machine) == 2


@pytest.mark.parametrize(
    ("code", "first", "second", "result"),
    [
        (ss(PACK, 3, 5, A, B), "00 00 00", "F1 F2 F3 F4 C5", "12 34 5C"),
        (ss(PACK, 1, 1, A, A), "12", "", "21"),
        (ss(PACK, 5, 5, A, A), "F1 F2 F3 F4 F5", "", "00 00 12 34 5F"),
        (ss(UNPK, 5, 3, A, B), "00 00 00 00 00", "12 34 5C", "F1 F2 F3 F4 C5"),
        (ss(UNPK, 4, 3, A, A + 1), "AA 12 34 5C", "", "F3 F3 F4 C5"),  # byte-serial overlap
        (ss(MVO, 4, 3, A, B), "77 88 99 0C", "12 34 56", "01 23 45 6C"),
        (ss(MVO, 3, 2, A, A), "12 34 5C", "", "01 23 4C"),
    ],
    ids=readable,
)
def test_byte_serial(code: bytes, first: str, second: str, result: str) -> None:
    data = {A: first, B: second} if second else {A: first}
    machine = run(code, data, cc=2)
    assert machine.read(A, len(h(result))) == h(result)
    assert ended_cc(machine) == 2  # PACK, UNPK and MVO leave the CC alone


PATTERN = "40 20 20 6B 20 20 21 4B 20 20 C3 D9"


@pytest.mark.parametrize(
    ("source", "result", "cc", "register1"),
    [
        ("02 57 42 6C", "40 40 F2 6B F5 F7 F4 4B F2 F6 40 40", 2, 0xAB000802),
        ("02 57 42 6D", "40 40 F2 6B F5 F7 F4 4B F2 F6 C3 D9", 1, 0xAB000802),
        ("00 00 00 0C", "40 40 40 40 40 40 40 4B F0 F0 40 40", 0, 0xAB123456),
        ("00 00 12 3F", "40 40 40 40 40 40 F1 4B F2 F3 40 40", 2, 0xAB000806),
    ],
)
def test_edit_and_mark(source: str, result: str, cc: int, register1: int) -> None:
    for op, expected1 in ((ED, 0xAB123456), (EDMK, register1)):
        machine = run(ss1(op, 12, A, B), {A: PATTERN, B: source}, regs={1: 0xAB123456})
        assert machine.read(A, 12) == h(result)
        assert ended_cc(machine) == cc
        assert machine.gpr(1) == expected1


def test_convert_to_binary_and_decimal() -> None:
    code = rx(CVB, 2, 0x10, b2=5) + rx(CVD, 2, B + 1) + rx(CVB, 3, B + 1)
    machine = run(code, {A + 0x10: "00 00 00 00 00 25 59 4F"}, regs={5: A}, cc=3)
    assert machine.gpr(2) == 0x63FA
    assert machine.read(B + 1, 8) == h("00 00 00 00 00 25 59 4C")
    assert machine.gpr(3) == 0x63FA
    assert ended_cc(machine) == 3


# --- program interruptions -------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "first", "second", "interruption_code", "ilc"),
    [
        (ss(AP, 2, 2, A, B), "00 1C", "12 34", 0x07, ILC_SS),  # invalid sign
        (ss(SP, 2, 1, A, B), "A1 2C", "1C", 0x07, ILC_SS),  # invalid digit, first operand
        (ss(ZAP, 2, 2, A, B), "55 55", "1F 2C", 0x07, ILC_SS),
        (ss(CP, 2, 2, A, B), "00 1C", "12 34", 0x07, ILC_SS),
        (ss(DP, 2, 1, A, B), "00 7C", "0C", 0x0B, ILC_SS),  # divisor zero
        (ss(DP, 2, 1, A, B), "02 0C", "1C", 0x0B, ILC_SS),  # quotient too long
        (ss(DP, 2, 1, A, B), "00 7C", "00", 0x07, ILC_SS),  # data before divide
        (ss(MP, 2, 2, A, B), "00 1C", "00 2C", 0x06, ILC_SS),  # L2 = L1
        (ss(MP, 16, 9, A, B), "00" * 15 + "1C", "00" * 8 + "1C", 0x06, ILC_SS),  # L2 > 8
        (ss(MP, 2, 1, A, B), "01 5C", "1C", 0x07, ILC_SS),  # no leftmost zero byte
        (srp(2, A, 1, 10), "12 3C", "", 0x07, ILC_SS),  # invalid rounding digit
        (rx(CVB, 6, B), "", "00 00 00 00 00 00 00 00", 0x07, ILC_RX),
        (ss1(ED, 5, A, B), "40 20 20 20 20", "A2 1C", 0x07, ILC_SS),
    ],
    ids=readable,
)
def test_suppressed_exceptions(code: bytes, first: str, second: str, interruption_code: int,
                               ilc: int) -> None:
    data = {address: text for address, text in ((A, first), (B, second)) if text}
    machine = run(code, data, cc=1, regs={6: 0x55555555})
    assert interruption(machine) == Interruption(interruption_code, ilc, 1, CODE + 2 * ilc)
    for address, text in data.items():
        assert machine.read(address, len(h(text))) == h(text)  # nothing stored
    assert machine.gpr(6) == 0x55555555


def test_edit_data_exception_keeps_the_bytes_already_edited() -> None:
    machine = run(ss1(ED, 5, A, B), {A: "40 20 20 20 20", B: "12 A4"})
    assert interruption(machine).code == 0x07
    assert machine.read(A, 5) == h("40 F1 F2 20 20")


@pytest.mark.parametrize(
    ("code", "first", "second", "result"),
    [
        (ss(AP, 2, 1, A, B), "99 9C", "1C", "00 0C"),
        (ss(SP, 1, 1, A, B), "9D", "1C", "0D"),
        (ss(ZAP, 1, 2, A, B), "77", "12 3D", "3D"),
        (srp(2, A, 2, 0), "12 3C", "", "30 0C"),
    ],
    ids=readable,
)
def test_decimal_overflow_completes(code: bytes, first: str, second: str, result: str) -> None:
    data = {A: first, B: second} if second else {A: first}
    masked = run(code, data, pm=0xB)  # every program-mask bit but decimal overflow
    assert masked.read(A, len(h(result))) == h(result)
    assert ended_cc(masked) == 3
    enabled = run(code, data, pm=0x4)
    assert interruption(enabled) == Interruption(0x0A, ILC_SS, 3, CODE + 6)
    assert enabled.read(A, len(h(result))) == h(result)
    assert enabled.read(0x2C, 1)[0] & 0x0F == 0x4  # the old PSW keeps the program mask


def test_convert_to_binary_out_of_range_completes_with_fixed_point_divide() -> None:
    machine = run(rx(CVB, 7, B), {B: "00 00 03 00 00 00 00 0D"}, pm=0)  # not maskable
    assert interruption(machine) == Interruption(0x09, ILC_RX, 0, CODE + 4)
    assert machine.gpr(7) == -3_000_000_000 & 0xFFFFFFFF


def test_specification_comes_before_access() -> None:
    machine = run(ss(DP, 2, 3, 0xFF0, 0xFF0, b1=1, b2=1), {}, regs={1: 0xF00000})
    assert interruption(machine).code == 0x06


@pytest.mark.parametrize(
    "code",
    [
        ss(AP, 2, 2, A, 0xFFF, b2=1),  # second operand beyond storage
        ss(ZAP, 2, 2, 0xFFF, B, b1=1),  # first operand beyond storage
        ss(PACK, 2, 4, A, 0xFFE, b2=2),  # second operand runs off the end
        ss1(ED, 2, 0xFFF, B, b1=2),  # pattern runs off the end
        rx(CVD, 0, 0xFFC, b2=2),
    ],
)
def test_addressing(code: bytes) -> None:
    data = {A: "00 1C 00 00", B: "20 20"}
    machine = run(code, data, regs={0: 0x7FFFFFFF, 1: 0x20000, 2: 0xF000},
                  storage_size=1 << 16)
    assert interruption(machine).code == 0x05
    assert machine.read(A, 4) == h("00 1C 00 00")
    assert machine.read(0xFFFC, 4) == bytes(4)


@pytest.mark.parametrize(
    ("code", "key_a", "key_b"),
    [
        (ss(AP, 2, 1, A, B), 0x30, 0x00),  # store into another key's block
        (ss(ZAP, 2, 1, A, B), 0x30, 0x00),
        (ss(SP, 2, 1, B, A), 0x38, 0x20),  # fetch from a fetch-protected block
        (ss(CP, 1, 1, B, A), 0x38, 0x20),
        (ss(PACK, 2, 1, A, B), 0x30, 0x00),
        (ss(UNPK, 1, 2, B, A), 0x38, 0x20),
        (ss(MVO, 2, 1, A, B), 0x30, 0x00),
        (ss1(EDMK, 2, A, B), 0x30, 0x00),
        (ss1(ED, 2, B, A), 0x38, 0x20),  # source fetch-protected
        (srp(2, A, 1, 0), 0x30, 0x00),
        (rx(CVD, 0, A), 0x30, 0x00),
        (rx(CVB, 0, A), 0x38, 0x00),
    ],
    ids=readable,
)
def test_protection(code: bytes, key_a: int, key_b: int) -> None:
    data = {A: "00 1C 00 00 00 00 00 1C", B: "20 20"}
    machine = run(code, data, key=2, keys={A: key_a, B: key_b}, regs={0: 0x11111111})
    assert interruption(machine).code == 0x04
    assert machine.read(A, 8) == h("00 1C 00 00 00 00 00 1C")
    assert machine.read(B, 2) == h("20 20")
    assert machine.gpr(0) == 0x11111111


def test_matching_key_may_store() -> None:
    machine = run(ss(AP, 2, 1, A, B), {A: "00 1C", B: "1C"}, key=3, keys={A: 0x38, B: 0x38})
    assert machine.read(A, 2) == h("00 2C")
    assert ended_cc(machine) == 2


# --- fuzz -----------------------------------------------------------------------------

DECIMAL_OPCODES = [AP, SP, ZAP, CP, MP, DP, 0xF0, MVO, PACK, UNPK, ED, EDMK, CVB, CVD]


def based(op: int, rest: bytes) -> bytes:
    """An instruction from random bytes whose base fields name R1-R11, so that its
    operands fall in X'810'-X'3000', away from the code and low storage."""
    fields = bytearray(rest[: (3 if op in (CVB, CVD) else 5)])
    for index in ((1,) if op in (CVB, CVD) else (1, 3)):
        fields[index] = (1 + (fields[index] >> 4) % 11) << 4 | fields[index] & 0x0F
    return bytes((op,)) + bytes(fields)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(DECIMAL_OPCODES), st.binary(min_size=5, max_size=5)),
                min_size=1, max_size=8),
       st.binary(min_size=256, max_size=256), st.integers(0, 15), st.integers(0, 3))
def test_random_decimal_instructions_end_in_an_architected_state(
        instructions: list[tuple[int, bytes]], data: bytes, pm: int, key: int) -> None:
    code = b"".join(based(op, rest) for op, rest in instructions)
    machine = run(code, {A: data.hex(), B: data.hex()}, pm=pm, key=key,
                  regs={n: A + 16 * n for n in range(12)}, keys={A: 0x38, B: 0x20})
    final = machine.psw()
    assert final in (END_PSW, PROGRAM_WAIT)
    if final == PROGRAM_WAIT:
        assert interruption(machine).code in (0x04, 0x06, 0x07, 0x09, 0x0A, 0x0B)
