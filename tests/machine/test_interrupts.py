"""Interruptions, masks, wait states and timers (GA22-7000 chapters 4 and 6)."""

from __future__ import annotations

from collections.abc import Callable

from server.machine import Machine, Stop
from server.machine.cpu import CPU
from tests.machine.run_helpers import ended, prepare, program_check, run

ENABLED_WAIT_BC = bytes.fromhex("01020000 00000000")  # external mask, wait


def test_program_interruption_in_ec_mode_stores_code_at_8c() -> None:
    machine = run("0000", ec=True)  # operation exception
    assert machine.read(0x8C, 4) == bytes.fromhex("00020001")
    assert machine.read(0x28, 8) == bytes.fromhex("0008000000000202")
    assert machine.psw() == bytes.fromhex("000A000000000068")


def test_bc_program_interruption_ilc_and_code_in_old_psw() -> None:
    machine = run("D2000300 0300 0000")
    assert program_check(machine) == (0x01, 1, 0x208)


def test_privileged_operation_in_problem_state() -> None:
    machine = prepare("820001F0")
    machine.set_psw(bytes.fromhex("00010000 00000200"))  # problem state
    machine.run(100)
    assert program_check(machine) == (0x02, 2, 0x204)


def test_invalid_ec_psw_loaded_by_lpsw_is_specification() -> None:
    machine = prepare("82000300")
    machine.load(0x300, bytes.fromhex("800A0000 00000400"))  # bit 0 must be zero
    machine.run(100)
    # The invalid PSW became current, so the interruption is stored in EC form.
    assert machine.read(0x8C, 4) == bytes.fromhex("00000006")  # ILC 0, as Hercules
    assert machine.read(0x28, 8) == bytes.fromhex("800A0000 00000400")


def test_odd_instruction_address_is_specification() -> None:
    machine = prepare("")
    machine.set_psw(bytes.fromhex("00000000 00000201"))
    machine.run(100)
    code, ilc, _ = program_check(machine)
    assert (code, ilc) == (0x06, 2)


def test_disabled_wait_stops_run() -> None:
    machine = run("")
    assert ended(machine)


def test_enabled_wait_with_nothing_to_wake_it_returns_wait() -> None:
    machine = Machine(storage_size=16 * 1024)
    machine.set_cr(0, 0)
    machine.set_psw(ENABLED_WAIT_BC)
    assert machine.run(1000) is Stop.WAIT


def _external_machine(cr0: int) -> Machine:
    machine = prepare("")
    machine.set_cr(0, cr0)
    machine.load(0x58, bytes.fromhex("00020000 00000058"))
    machine.set_psw(ENABLED_WAIT_BC)
    return machine


def test_interrupt_key() -> None:
    machine = _external_machine(0x40)
    machine.press_interrupt_key()
    assert machine.run(1000) is Stop.DISABLED_WAIT
    assert machine.read(0x18, 4) == bytes.fromhex("01020040")


def test_external_signal_masked_by_cr0() -> None:
    machine = _external_machine(0x00)
    machine.external_signal(2)
    assert machine.run(1000) is Stop.WAIT
    machine.set_cr(0, 0x20)
    assert machine.run(1000) is Stop.DISABLED_WAIT
    assert machine.read(0x1A, 2) == bytes.fromhex("0020")


def test_interval_timer_wakes_an_enabled_wait() -> None:
    machine = _external_machine(0x80)
    machine.load(0x50, (300).to_bytes(4, "big"))
    assert machine.run(100_000) is Stop.DISABLED_WAIT
    assert machine.read(0x1A, 2) == bytes.fromhex("0080")
    assert machine.read(0x50, 1)[0] & 0x80  # went negative


def test_clock_comparator_interruption_ec_mode() -> None:
    # STCK X'300' / SCKC X'300' / LCTL 0,0,X'308' / LPSW X'310' (enabled EC wait)
    machine = prepare("B2050300 B2060300 B7000308 82000310", ec=True)
    machine.load(0x308, (0x800).to_bytes(4, "big"))
    machine.load(0x310, bytes.fromhex("010A0000 00000000"))
    machine.load(0x58, bytes.fromhex("000A0000 00000058"))
    assert machine.run(100_000) is Stop.DISABLED_WAIT
    assert machine.read(0x84, 4) == bytes.fromhex("00001004")


def test_cpu_timer_interruption() -> None:
    # SPT X'300' (value 4096 = 1 us) / LCTL / loop: BC 15,loop
    machine = prepare("B2080300 B7000308 80000318 47F0020C")
    machine.load(0x300, (4096 * 50).to_bytes(8, "big"))
    machine.load(0x308, (0x400).to_bytes(4, "big"))
    machine.load(0x318, b"\x01")
    machine.load(0x58, bytes.fromhex("00020000 00000058"))
    assert machine.run(100_000) is Stop.DISABLED_WAIT
    assert machine.read(0x18, 4) == bytes.fromhex("01001005")
    assert 40 <= machine.instructions_executed <= 60  # 1 instruction per microsecond


def test_stck_is_unique_and_increasing_and_stpt_counts_down() -> None:
    machine = run("B2050300 B2050308 B2080310 B2090318 B2090320")
    first = int.from_bytes(machine.read(0x300, 8), "big")
    second = int.from_bytes(machine.read(0x308, 8), "big")
    assert second > first
    assert int.from_bytes(machine.read(0x318, 8), "big") > int.from_bytes(
        machine.read(0x320, 8), "big")


class FakeChannel:
    """A channel test double: SIO of device 00E completes at once with CE+DE."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []
        self.pending: list[tuple[int, bytes]] = []

    def io_instruction(self, cpu: CPU, instruction: str, device: int) -> int:
        self.calls.append((instruction, device))
        if device != 0x00E:
            return 3
        if instruction == "SIO":
            self.pending.append((device, bytes.fromhex("00000308 0C000000")))
            cpu.channel_posted = True
        return 0

    def take_interrupt(self, enabled: Callable[[int], bool]) -> tuple[int, bytes] | None:
        for item in self.pending:
            if enabled(item[0] >> 8):
                self.pending.remove(item)
                return item
        return None


def test_io_instructions_go_to_the_channel_and_interrupts_come_back() -> None:
    # SIO X'00E' / TIO X'00F' / LPSW X'300' (enabled for channel 0, wait)
    machine = prepare("9C00000E 9D00000F 82000300")
    machine.load(0x300, bytes.fromhex("80020000 00000000"))
    machine.load(0x78, bytes.fromhex("00020000 00000078"))
    channel = FakeChannel()
    machine.channel = channel
    assert machine.run(1000) is Stop.DISABLED_WAIT
    assert channel.calls == [("SIO", 0x00E), ("TIO", 0x00F)]
    assert machine.read(0x38, 4) == bytes.fromhex("8002000E")
    assert machine.read(0x40, 8) == bytes.fromhex("00000308 0C000000")


def test_io_instruction_without_channel_is_not_operational() -> None:
    machine = run("9C00000E 05F0", regs={})
    assert machine.read(0x1E8, 1)[0] >> 4 & 3 == 3


def test_restart_interruption() -> None:
    machine = Machine(storage_size=16 * 1024)
    machine.load(0, bytes.fromhex("00020000 0000AAAA"))
    machine.set_psw(bytes.fromhex("00020000 00001234"))
    machine.restart()
    assert machine.run(100) is Stop.DISABLED_WAIT
    assert machine.psw() == bytes.fromhex("000200000000AAAA")
    assert machine.read(8, 8)[5:] == bytes.fromhex("001234")


def test_diagnose_without_hook_is_specification_and_with_hook_is_serviced() -> None:
    machine = run("83120008")
    assert program_check(machine)[0] == 0x06
    seen: list[tuple[int, int, int]] = []

    def hook(machine: Machine, r1: int, r3: int, code: int) -> bool:
        seen.append((r1, r3, code))
        machine.set_gpr(r1, 42)
        return True

    machine = prepare("83120008")
    machine.diagnose_hook = hook
    machine.run(100)
    assert seen == [(1, 2, 8)]
    assert machine.gpr(1) == 42
    assert ended(machine)


def test_monitor_call_with_class_enabled() -> None:
    machine = prepare("AF030123")
    machine.set_cr(8, 0x1000)  # class 3
    machine.run(100)
    assert program_check(machine)[0] == 0x40
    assert machine.read(0x95, 1) == b"\x03"
    assert machine.read(0x9D, 3) == bytes.fromhex("000123")


def test_invalid_program_new_psw_is_a_check_stop() -> None:
    machine = prepare("0000")  # operation exception
    machine.load(0x68, bytes.fromhex("800A0000 00000000"))  # invalid EC PSW
    assert machine.run(10_000) is Stop.CHECK_STOP
    assert machine.instructions_executed < 10
