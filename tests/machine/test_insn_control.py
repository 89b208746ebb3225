"""Control instructions (GA22-7000 chapter 10): masks, keys, clocks, identification."""

from __future__ import annotations

import pytest

from server.machine import Machine
from tests.machine.run_helpers import cc, ended, prepare, program_check, run

PROBLEM_PSW = bytes.fromhex("00010000 00000200")


def test_stosm_and_stnsm_store_the_old_mask() -> None:
    # STOSM X'300',X'04' / STNSM X'301',X'00'
    machine = run("AD040300 AC000301")
    assert machine.read(0x300, 2) == bytes.fromhex("0004")
    assert ended(machine)


def test_ssm_is_a_special_operation_when_suppressed_by_cr0() -> None:
    machine = prepare("80000300")
    machine.set_cr(0, 0x400000E0)
    machine.run(100)
    assert program_check(machine)[0] == 0x13


def test_spka_and_ipk() -> None:
    # SPKA X'070' / IPK / SPKA 0
    machine = run("B20A0070 B20B0000 B20A0000", regs={2: 0xAAAAAAAA})
    assert machine.gpr(2) == 0xAAAAAA70


def test_spka_in_problem_state_needs_the_key_mask_in_cr3() -> None:
    machine = prepare("B20A0070")
    machine.set_psw(PROBLEM_PSW)
    machine.run(100)
    assert program_check(machine)[0] == 0x02
    machine = prepare("B20A0000")
    machine.set_cr(3, 0x80000000)  # key 0 allowed
    machine.set_psw(PROBLEM_PSW)
    machine.run(100)
    # SPKA passed; the exit's LPSW (privileged in problem state) is what failed.
    code, _, address = program_check(machine)
    assert (code, address) == (0x02, 0x20E)


@pytest.mark.parametrize("text", ["82000300", "80000300", "0812", "0912", "B7000300",
                                  "B6000300", "B2040300", "B2060300", "B2080300", "B20D0000",
                                  "B2130300", "9C00000E", "83000000", "AE000000", "B1100300"])
def test_privileged_instructions_in_problem_state(text: str) -> None:
    machine = prepare(text)
    machine.set_psw(PROBLEM_PSW)
    machine.run(100)
    assert program_check(machine)[0] == 0x02


def test_lpsw_needs_doubleword_alignment() -> None:
    machine = run("82000304")
    assert program_check(machine)[0] == 0x06


def test_lctl_needs_word_alignment() -> None:
    machine = run("B7000302")
    assert program_check(machine)[0] == 0x06


def test_sigp_answers_as_a_uniprocessor() -> None:
    # SIGP 4,6,1 (sense) to CPU 0 then to CPU 1
    machine = run("AE460001 05A0 AE470001", regs={6: 0, 7: 1})
    assert machine.gpr(10) >> 28 & 3 == 0
    assert cc(machine) == 3


def test_stidp_stores_the_cpu_id() -> None:
    machine = run("B2020300")
    assert machine.read(0x300, 8) == machine.cpu.cpu_id.to_bytes(8, "big")


def test_clock_comparator_round_trip() -> None:
    machine = prepare("B2060300 B2070308")
    machine.load(0x300, bytes.fromhex("0123456789ABCDEF"))
    machine.run(100)
    assert machine.read(0x308, 8) == bytes.fromhex("0123456789ABCDEF")


def test_set_clock_then_store_clock() -> None:
    machine = prepare("B2040300 B2050308")
    machine.load(0x300, bytes.fromhex("1000000000000000"))
    machine.run(100)
    stored = int.from_bytes(machine.read(0x308, 8), "big")
    assert 0x1000000000000000 <= stored < 0x1000000000000000 + 4096 * 100


def test_machine_defaults_are_a_bare_system_370() -> None:
    machine = Machine(storage_size=4096 * 4)
    assert machine.gpr(0) == 0 and machine.fpr(0) == bytes(8)
    machine.set_fpr(2, bytes.fromhex("4110000000000000"))
    assert machine.fpr(2) == bytes.fromhex("4110000000000000")
    assert machine.key(0) == 0
    machine.set_key(0, 0x38)
    assert machine.key(0) == 0x38
