"""Smoke tests of the embedding API (Machine) and the first instructions."""

from server.machine import Machine, Stop

WAIT_PSW = bytes.fromhex("000200000000ABCD")


def run_program(code: bytes, limit: int = 1000) -> tuple[Machine, Stop]:
    machine = Machine(storage_size=64 * 1024)
    machine.load(0x200, code)
    machine.load(0x300, WAIT_PSW)
    machine.set_psw(bytes.fromhex("0000000000000200"))
    return machine, machine.run(limit)


def test_loop_with_bct_and_lpsw_to_disabled_wait() -> None:
    # LA 1,5 / LA 2,1 / loop: AR 3,1 / BCT 1,loop / LPSW X'300'
    machine, reason = run_program(bytes.fromhex("41100005 41200001 1A31 46100208 82000300"))
    assert reason is Stop.DISABLED_WAIT
    assert machine.gpr(3) == 15
    assert machine.gpr(1) == 0
    assert machine.psw() == WAIT_PSW
    assert machine.instructions_executed == 13


def test_initial_cpu_reset_control_registers() -> None:
    machine = Machine(storage_size=64 * 1024)
    assert machine.cr(0) == 0x000000E0
    assert machine.cr(2) == 0xFFFFFFFF
    assert machine.cr(14) == 0xC2000000
    assert machine.psw() == bytes(8)
