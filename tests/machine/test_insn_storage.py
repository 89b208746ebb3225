"""Storage-to-storage, storage-immediate and long instructions (GA22-7000 chapter 7)."""

from __future__ import annotations

from server.machine import Machine
from tests.machine.run_helpers import cc, ended, prepare, program_check


def make(program: str, data: dict[int, bytes], regs: dict[int, int] | None = None) -> Machine:
    machine = prepare(program)
    for address, value in data.items():
        machine.load(address, value)
    for number, register in (regs or {}).items():
        machine.set_gpr(number, register)
    machine.run(10_000)
    return machine


def test_mvc_moves_left_to_right() -> None:
    machine = make("D2030400 0300", {0x300: b"ABCD"})  # MVC X'400'(4),X'300'
    assert machine.read(0x400, 4) == b"ABCD"


def test_mvc_one_byte_overlap_propagates_the_first_byte() -> None:
    machine = make("D2070301 0300", {0x300: b"\x40ABCDEFGH"})  # MVC X'301'(8),X'300'
    assert machine.read(0x300, 9) == b"\x40" * 9


def test_mvc_overlap_with_a_longer_period() -> None:
    machine = make("D2050302 0300", {0x300: b"ab123456"})  # MVC X'302'(6),X'300'
    assert machine.read(0x300, 8) == b"abababab"


def test_mvn_mvz() -> None:
    machine = make("D1010300 0310 D3010302 0310",
                   {0x300: bytes.fromhex("F1F2C1C2"), 0x310: bytes.fromhex("3456")})
    assert machine.read(0x300, 4) == bytes.fromhex("F4F63152")


def test_clc_condition_codes() -> None:
    for first, second, expected in ((b"AB", b"AB", 0), (b"AA", b"AB", 1), (b"B", b"A", 2)):
        machine = make(f"D5{len(first) - 1:02X}0300 0310", {0x300: first, 0x310: second})
        assert cc(machine) == expected


def test_xc_of_an_operand_with_itself_clears_it() -> None:
    machine = make("D7070300 0300", {0x300: b"12345678"})
    assert machine.read(0x300, 8) == bytes(8)
    assert cc(machine) == 0


def test_nc_oc_results_and_cc() -> None:
    machine = make("D4010300 0310", {0x300: b"\xf0\x0f", 0x310: b"\x0f\x0f"})
    assert machine.read(0x300, 2) == b"\x00\x0f"
    assert cc(machine) == 1


def test_tr_and_trt() -> None:
    table = bytes(range(256)).replace(b"a", b"A").replace(b"b", b"B")
    machine = make("DC020300 0400", {0x300: b"abc", 0x400: table})
    assert machine.read(0x300, 3) == b"ABc"
    stop_table = bytearray(256)
    stop_table[ord(",")] = 0x44
    machine = make("DD040300 0400", {0x300: b"ab,cd", 0x400: bytes(stop_table)},
                   regs={1: 0xFF000000, 2: 0xFFFFFFFF})
    assert cc(machine) == 1
    assert machine.gpr(1) == 0xFF000302
    assert machine.gpr(2) == 0xFFFFFF44


def test_si_instructions() -> None:
    # MVI X'300',X'F0' / OI X'300',X'0F' / NI X'300',X'3C' / XI X'300',X'FF' / TM X'300',X'C3'
    machine = make("92F00300 960F0300 943C0300 97FF0300 91C30300", {})
    assert machine.read(0x300, 1) == b"\xc3"
    assert cc(machine) == 3
    machine = make("95C10300", {0x300: b"\xc2"})  # CLI X'300',C'A'
    assert cc(machine) == 2


def test_test_and_set() -> None:
    machine = make("93000300 93000300", {0x300: b"\x00"})
    assert machine.read(0x300, 1) == b"\xff"
    assert cc(machine) == 1


def test_compare_and_swap() -> None:
    # CS 2,4,X'300': equal -> store R4, CC 0; then unequal -> load R2, CC 1
    machine = make("BA240300 BA640300", {0x300: (7).to_bytes(4, "big")},
                   regs={2: 7, 4: 9, 6: 1})
    assert machine.read(0x300, 4) == (9).to_bytes(4, "big")
    assert machine.gpr(6) == 9
    assert cc(machine) == 1


def test_compare_and_swap_needs_word_alignment() -> None:
    machine = make("BA240302", {})
    assert program_check(machine)[0] == 0x06


def test_compare_double_and_swap() -> None:
    machine = make("BB240300", {0x300: bytes.fromhex("0000000100000002")},
                   regs={2: 1, 3: 2, 4: 0xA, 5: 0xB})
    assert machine.read(0x300, 8) == bytes.fromhex("0000000A0000000B")
    assert cc(machine) == 0


def test_mvcl_pads_and_updates_registers() -> None:
    machine = make("0E24", {0x300: b"XYZ"}, regs={2: 0x400, 3: 6, 4: 0x300, 5: 0x40000003})
    assert machine.read(0x400, 6) == b"XYZ\x40\x40\x40"  # EBCDIC blanks
    assert (machine.gpr(2), machine.gpr(3)) == (0x406, 0)
    assert (machine.gpr(4), machine.gpr(5)) == (0x303, 0x40000000)
    assert cc(machine) == 2


def test_mvcl_destructive_overlap_is_cc3_and_moves_nothing() -> None:
    machine = make("0E24", {0x300: b"ABCDEFGH"}, regs={2: 0x302, 3: 4, 4: 0x300, 5: 4})
    assert cc(machine) == 3
    assert machine.read(0x300, 8) == b"ABCDEFGH"


def test_mvcl_odd_register_is_specification() -> None:
    machine = make("0E34", {})
    assert program_check(machine) == (0x06, 1, 0x202)


def test_clcl_with_padding() -> None:
    machine = make("0F24", {0x300: b"AB\x40\x40", 0x400: b"AB"},
                   regs={2: 0x300, 3: 4, 4: 0x400, 5: 0x40000002})
    assert cc(machine) == 0
    machine = make("0F24", {0x300: b"AB\x40\x01", 0x400: b"AB"},
                   regs={2: 0x300, 3: 4, 4: 0x400, 5: 0x40000002})
    assert cc(machine) == 1
    assert machine.gpr(2) == 0x303 and machine.gpr(3) == 1


def test_store_protection_with_key_and_key_zero_override() -> None:
    machine = prepare("92FF0800")  # MVI X'800',X'FF'
    machine.set_key(0x800, 0x30)
    machine.set_psw(bytes.fromhex("00200000 00000200"))  # key 2, BC
    machine.run(1000)
    assert program_check(machine)[0] == 0x04
    assert machine.read(0x800, 1) == b"\x00"
    machine = prepare("92FF0800")
    machine.set_key(0x800, 0x30)
    machine.run(1000)  # key 0 stores anywhere
    assert ended(machine)
    assert machine.read(0x800, 1) == b"\xff"
    assert machine.key(0x800) & 0x06 == 0x06  # reference and change recorded


def test_fetch_protection() -> None:
    machine = prepare("58100800")  # L 1,X'800'
    machine.set_key(0x800, 0x38)
    machine.set_psw(bytes.fromhex("00200000 00000200"))
    machine.run(1000)
    assert program_check(machine)[0] == 0x04
