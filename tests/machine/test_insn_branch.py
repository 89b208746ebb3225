"""Branching, EXECUTE and SVC (GA22-7000 chapters 6 and 7)."""

from __future__ import annotations

from server.machine import Machine, Stop
from tests.machine.run_helpers import cc, ended, prepare, program_check, run


def test_bc_taken_and_not_taken() -> None:
    # CR 1,2 / BC 8,X'20C' (not taken) / LA 3,1 / BC 15,X'214' / LA 4,1 (skipped)
    machine = run("1912 4780020C 41300001 47F00214 41400001", regs={1: 1, 2: 2})
    assert machine.gpr(3) == 1
    assert machine.gpr(4) == 0


def test_balr_link_information_in_bc_mode() -> None:
    # SPM 1 / CR 1,2 / BALR 3,0
    machine = run("0410 1912 0530", regs={1: 0x0F000000, 2: 0})
    assert machine.gpr(3) == 0x6F000206  # ILC 1, CC 2, mask F, address 206


def test_bal_link_and_branch() -> None:
    machine = run("4530020A 00000000 0000")  # BAL 3,X'20A' skips the zeros
    assert machine.gpr(3) == 0x80000204
    assert ended(machine)


def test_bcr_with_register_zero_does_not_branch() -> None:
    machine = run("07F0 41300001")
    assert machine.gpr(3) == 1


def test_bct_and_bctr() -> None:
    # loop: LA 5,1(5) / BCT 4,loop ; then BCTR 6,0 decrements without branching
    machine = run("41505001 46400200 0660", regs={4: 3, 6: 10})
    assert machine.gpr(5) == 3
    assert machine.gpr(4) == 0
    assert machine.gpr(6) == 9


def test_bxle_loop_and_bxh() -> None:
    # loop: LA 7,1(7) / BXLE 2,4,loop  (R2 from 0 by 2 up to R5=6)
    machine = run("41707001 87240200", regs={2: 0, 4: 2, 5: 6})
    assert machine.gpr(7) == 4
    assert machine.gpr(2) == 8
    machine = run("86240208 41700001", regs={2: 5, 4: 1, 5: 3})  # BXH taken: skips LA
    assert machine.gpr(7) == 0


def test_execute_ors_register_into_second_byte() -> None:
    # EX 1,X'300' where X'300' holds MVC X'400'(1),X'500': R1 = 3 makes it 4 bytes
    machine = prepare("44100300")
    machine.load(0x300, bytes.fromhex("D20004000500"))
    machine.load(0x500, b"WXYZ")
    machine.set_gpr(1, 3)
    machine.run(1000)
    assert machine.read(0x400, 4) == b"WXYZ"


def test_execute_of_execute_is_an_execute_exception() -> None:
    machine = prepare("44000300")
    machine.load(0x300, bytes.fromhex("44000300"))
    machine.run(1000)
    assert program_check(machine) == (0x03, 2, 0x204)


def test_execute_target_must_be_even() -> None:
    machine = run("44000301")
    assert program_check(machine)[0] == 0x06


def test_balr_under_execute_links_with_ilc_2() -> None:
    machine = prepare("44000300")
    machine.load(0x300, bytes.fromhex("0530"))
    machine.run(1000)
    assert machine.gpr(3) >> 30 == 2
    assert machine.gpr(3) & 0xFFFFFF == 0x204


def test_svc_interruption_bc_mode() -> None:
    machine = run("0A0C")
    assert machine.psw()[5:] == b"\x00\x00\x60"
    assert machine.read(0x20, 8) == bytes.fromhex("0000000C40000202")


def test_svc_interruption_ec_mode_stores_code_at_88() -> None:
    machine = run("0A0C", ec=True)
    assert machine.read(0x88, 4) == bytes.fromhex("0002000C")
    assert machine.read(0x20, 8) == bytes.fromhex("0008000000000202")


def test_svc_hook_services_chosen_numbers() -> None:
    seen: list[int] = []

    def hook(machine: Machine, number: int) -> bool:
        seen.append(number)
        machine.set_gpr(15, 0) if number == 202 else None
        return number == 202

    machine = prepare("0ACA 0A0C")
    machine.svc_hook = hook
    machine.run(1000)
    assert seen == [202, 12]
    assert machine.psw()[5:] == b"\x00\x00\x60"  # SVC 12 was not serviced
    assert machine.read(0x20, 8)[2:4] == b"\x00\x0c"


def test_svc_hook_can_stop_the_slice() -> None:
    def hook(machine: Machine, number: int) -> bool:
        machine.request_stop(Stop.SVC)
        return True

    machine = prepare("0ACA 41100001")
    machine.svc_hook = hook
    assert machine.run_slice(1000) is Stop.SVC
    assert machine.psw()[5:] == b"\x00\x02\x02"
    assert machine.run(1000) is Stop.DISABLED_WAIT
    assert machine.gpr(1) == 1


def test_condition_code_survives_lpsw_only_in_link() -> None:
    machine = run("1911", regs={1: 3})
    assert cc(machine) == 0
