"""Random instruction streams never raise a Python exception out of ``run``.

Only architected outcomes are allowed: interruptions (which the new PSWs
here turn into waits or loops), wait states, or the instruction limit.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.machine import Machine, Stop
from server.machine.disasm import disassemble

SIZE = 16 * 1024

programs = st.binary(min_size=2, max_size=96)
storage = st.binary(min_size=0, max_size=512)
registers = st.lists(st.integers(0, 0xFFFFFFFF), min_size=16, max_size=16)
psws = st.sampled_from([
    "0000000000000200",  # BC supervisor, disabled
    "00000000 0F000200",  # BC with every program-mask bit
    "00E10000 00000200",  # BC problem state, key E
    "00080000 00000200",  # EC supervisor
    "04080000 00000200",  # EC with DAT
    "FF050000 00000200",  # BC enabled for everything, machine check mask, problem
])
control = st.lists(st.integers(0, 0xFFFFFFFF), min_size=3, max_size=3)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs, storage, registers, psws, control, st.booleans())
def test_random_programs_end_architecturally(program: bytes, data: bytes, regs: list[int],
                                             psw: str, crs: list[int],
                                             enabled_handlers: bool) -> None:
    machine = Machine(storage_size=SIZE)
    machine.load(0x200, program)
    machine.load(0x200 + len(program), data)
    new_psw = "00000000 00000200" if enabled_handlers else "00020000 00000000"
    for slot in (0x58, 0x60, 0x68, 0x70, 0x78):
        machine.load(slot, bytes.fromhex(new_psw))
    machine.load(0x50, (500).to_bytes(4, "big"))
    for number, value in enumerate(regs):
        machine.set_gpr(number, value)
    machine.set_cr(0, crs[0])
    machine.set_cr(1, crs[1] & 0x00FFFFC0 | crs[2] & 0xFF000000)
    machine.set_key(0x800, crs[2] & 0xFE)
    machine.set_psw(bytes.fromhex(psw))
    reason = machine.run(limit=3000)
    assert isinstance(reason, Stop)
    assert len(machine.psw()) == 8


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=0, max_size=6), st.integers(0, 0xFFFFFF))
def test_disassembler_accepts_any_bytes(data: bytes, address: int) -> None:
    assert isinstance(disassemble(data, address), str)
