"""General instructions (GA22-7000 chapter 7): results, condition codes, exceptions."""

from __future__ import annotations

import pytest

from server.machine import Machine
from tests.machine.run_helpers import cc, ended, prepare, program_check, run

MAX = 0x7FFFFFFF
MIN = 0x80000000


# (assembly, code, registers before, register checked, value, cc)
REGISTER_CASES = [
    ("AR 1,2", "1A12", {1: 5, 2: 7}, 1, 12, 2),
    ("AR 1,2 zero", "1A12", {1: 5, 2: 0xFFFFFFFB}, 1, 0, 0),
    ("AR 1,2 negative", "1A12", {1: 5, 2: 0xFFFFFFF0}, 1, 0xFFFFFFF5, 1),
    ("AR 1,2 overflow", "1A12", {1: MAX, 2: 1}, 1, MIN, 3),
    ("SR 1,2 overflow", "1B12", {1: MIN, 2: 1}, 1, MAX, 3),
    ("SR 1,1", "1B11", {1: 1234}, 1, 0, 0),
    ("ALR carry nonzero", "1E12", {1: 0xFFFFFFFF, 2: 2}, 1, 1, 3),
    ("ALR carry zero", "1E12", {1: 0xFFFFFFFF, 2: 1}, 1, 0, 2),
    ("ALR no carry", "1E12", {1: 1, 2: 1}, 1, 2, 1),
    ("SLR equal", "1F12", {1: 5, 2: 5}, 1, 0, 2),
    ("SLR borrow", "1F12", {1: 4, 2: 5}, 1, 0xFFFFFFFF, 1),
    ("SLR no borrow", "1F12", {1: 6, 2: 5}, 1, 1, 3),
    ("CR low", "1912", {1: 0xFFFFFFFF, 2: 1}, 1, 0xFFFFFFFF, 1),
    ("CLR high", "1512", {1: 0xFFFFFFFF, 2: 1}, 1, 0xFFFFFFFF, 2),
    ("LTR negative", "1212", {2: MIN}, 1, MIN, 1),
    ("LCR", "1312", {2: 5}, 1, 0xFFFFFFFB, 1),
    ("LCR max negative", "1312", {2: MIN}, 1, MIN, 3),
    ("LPR", "1012", {2: 0xFFFFFFFB}, 1, 5, 2),
    ("LNR", "1112", {2: 5}, 1, 0xFFFFFFFB, 1),
    ("LNR zero", "1112", {2: 0}, 1, 0, 0),
    ("NR", "1412", {1: 0xF0F0, 2: 0x0FF0}, 1, 0x00F0, 1),
    ("OR zero", "1612", {1: 0, 2: 0}, 1, 0, 0),
    ("XR", "1712", {1: 0xFF, 2: 0x0F}, 1, 0xF0, 1),
    ("SLL", "89100004", {1: 0x80000001}, 1, 0x10, 0),
    ("SRL", "88100004", {1: 0x80000000}, 1, 0x08000000, 0),
    ("SRA negative", "8A100004", {1: 0x80000000}, 1, 0xF8000000, 1),
    ("SLA overflow", "8B100001", {1: 0x40000000}, 1, 0x00000000, 3),
    ("SLA keeps sign", "8B100001", {1: 0xC0000001}, 1, 0x80000002, 1),
    ("LA 24-bit", "4110200F", {2: 0xFFFFFFF8}, 1, 0x000007, 2),
]


@pytest.mark.parametrize(("name", "text", "before", "register", "value", "code"),
                         REGISTER_CASES, ids=[case[0] for case in REGISTER_CASES])
def test_register_instruction(name: str, text: str, before: dict[int, int], register: int,
                              value: int, code: int) -> None:
    # BALR 15,0 after the instruction would change nothing; the CC is read from the PSW.
    machine = run(text, regs={**before})
    assert ended(machine)
    assert machine.gpr(register) == value & 0xFFFFFFFF
    if not name.startswith(("SLL", "SRL", "LA")):
        assert cc(machine) == code


def test_la_wraps_at_24_bits() -> None:
    machine = run("41102010", regs={2: 0x00FFFFF8})  # LA 1,16(2)
    assert machine.gpr(1) == 0x000008


def test_fixed_point_overflow_interrupts_when_masked_on() -> None:
    # SPM 3 (mask 8) / AR 1,2
    machine = run("0430 1A12", regs={3: 0x08000000, 1: MAX, 2: 1})
    assert machine.psw()[5:] == b"\x00\x00\x68"
    code, ilc, address = program_check(machine)
    assert (code, ilc, address) == (0x08, 1, 0x204)
    assert machine.gpr(1) == MIN  # completed before the interruption


def test_multiply_and_divide() -> None:
    # MR 2,4 / DR 6,8
    machine = run("1C24 1D68", regs={3: 0xFFFFFFFD, 4: 7, 6: 0, 7: 23, 8: 5})
    assert (machine.gpr(2), machine.gpr(3)) == (0xFFFFFFFF, 0xFFFFFFEB)  # -21
    assert (machine.gpr(6), machine.gpr(7)) == (3, 4)


def test_divide_negative_dividend_truncates_toward_zero() -> None:
    machine = run("1D68", regs={6: 0xFFFFFFFF, 7: 0xFFFFFFE9, 8: 5})  # -23 / 5
    assert (machine.gpr(6), machine.gpr(7)) == (0xFFFFFFFD, 0xFFFFFFFC)


def test_divide_by_zero_is_fixed_point_divide_and_registers_unchanged() -> None:
    machine = run("1D68", regs={6: 1, 7: 2, 8: 0})
    assert program_check(machine)[0] == 0x09
    assert (machine.gpr(6), machine.gpr(7)) == (1, 2)


def test_odd_register_pair_is_specification() -> None:
    machine = run("1C34", regs={3: 1, 4: 1})
    assert program_check(machine) == (0x06, 1, 0x202)


def test_multiply_halfword() -> None:
    machine = prepare_with_data("4C100300", 0x300, bytes.fromhex("FFFE"))
    machine.set_gpr(1, 1000)
    machine.run(1000)
    assert machine.gpr(1) == (-2000) & 0xFFFFFFFF


def prepare_with_data(program: str, address: int, data: bytes) -> Machine:
    machine = prepare(program)
    machine.load(address, data)
    return machine


def test_load_store_insert_and_halfword_sign() -> None:
    # L 1,X'300' / STH 1,X'310' / LH 2,X'310' / IC 3,X'303' / STC 1,X'320'
    machine = prepare_with_data("58100300 40100310 48200310 43300303 42100320", 0x300,
                                bytes.fromhex("1234F678"))
    machine.set_gpr(3, 0xAAAAAAAA)
    machine.run(1000)
    assert machine.gpr(1) == 0x1234F678
    assert machine.read(0x310, 2) == bytes.fromhex("F678")
    assert machine.gpr(2) == 0xFFFFF678
    assert machine.gpr(3) == 0xAAAAAA78
    assert machine.read(0x320, 1) == b"\x78"


def test_icm_stcm_clm() -> None:
    # ICM 1,B'0101',X'300' / STCM 4,B'1010',X'310' / CLM 4,B'1001',X'300'
    machine = prepare_with_data("BF150300 BE4A0310 BD490300", 0x300, bytes.fromhex("80FF0001"))
    machine.set_gpr(1, 0x11223344)
    machine.set_gpr(4, 0x80FF0001)
    machine.run(1000)
    assert machine.gpr(1) == 0x118033FF
    assert machine.read(0x310, 2) == bytes.fromhex("8000")
    assert cc(machine) == 1  # 80 01 is lower than 80 FF


def test_icm_condition_codes() -> None:
    for data, expected_cc in ((b"\x00\x00", 0), (b"\x80\x00", 1), (b"\x01\x00", 2)):
        machine = prepare_with_data("BF130300", 0x300, data)  # ICM 1,B'0011'
        machine.run(1000)
        assert cc(machine) == expected_cc
        assert machine.gpr(1) & 0xFFFF == int.from_bytes(data, "big")


def test_lm_stm_wrap_around_register_16() -> None:
    # STM 14,1,X'300' / LM 2,3,X'300'
    machine = run("90E10300 98230300", regs={14: 1, 15: 2, 0: 3, 1: 4})
    assert machine.read(0x300, 16) == bytes.fromhex("00000001 00000002 00000003 00000004")
    assert (machine.gpr(2), machine.gpr(3)) == (1, 2)


def test_spm_sets_cc_and_mask() -> None:
    machine = run("0410", regs={1: 0x2F000000})
    assert cc(machine) == 2
    assert machine.read(0x1E8, 1)[0] & 0x0F == 0x0F  # program mask in the link information


def test_addressing_exception_beyond_storage() -> None:
    machine = run("58102000", regs={2: 0x100000})  # L 1,0(2) at 1M in a 64K machine
    assert program_check(machine) == (0x05, 2, 0x204)
