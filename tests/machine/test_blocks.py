"""The block compiler against the interpreter: both paths must agree exactly.

Random programs built from the instructions that have templates (plus a few
that do not, to end blocks) run once with compiled blocks and once with the
interpreter only; PSW, registers, storage, storage keys and the instruction
count must be identical.  Programs branch backwards (fused self-loops),
store into their own code, overflow, and take program interruptions, under
PSW key 0 and under a nonzero key with protected and fetch-protected blocks.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from server.machine import Machine, Stop
from server.machine.isa import OPCODES

CODE = 0x200
DATA = 0x800
SIZE = 8 * 1024

RR = ["18", "12", "1A", "1E", "1B", "1F", "19", "15", "14", "16", "17", "10", "13"]
RX = ["58", "41", "50", "5A", "4A", "5E", "5B", "4B", "5F", "59", "49", "55", "54", "56",
      "57", "43", "42", "48", "40", "4C"]
SI = ["92", "95", "91", "96", "94", "97"]


def _rx(rng: random.Random, opcode: str) -> str:
    base = rng.choice([12, 12, 12, 10, 0])
    displacement = rng.randrange(0, 0x1F8) if base else rng.randrange(0x800, 0xA00)
    index = rng.choice([0, 0, 0, 11])
    return f"{opcode}{rng.randrange(1, 8):X}{index:X}{base:X}{displacement:03X}"


def _instruction(rng: random.Random, here: int, starts: list[int]) -> str:
    kind = rng.random()
    if kind < 0.25:
        return f"{rng.choice(RR)}{rng.randrange(1, 8):X}{rng.randrange(1, 8):X}"
    if kind < 0.55:
        return _rx(rng, rng.choice(RX))
    if kind < 0.65:
        opcode = rng.choice(SI)
        return f"{opcode}{rng.randrange(256):02X}C{rng.randrange(0x100):03X}"
    if kind < 0.72:
        length = rng.randrange(16)
        opcode = rng.choice(["D2", "D5", "D2", "D7"])
        return f"{opcode}{length:02X}C{rng.randrange(0x80):03X}C{rng.randrange(0x80):03X}"
    if kind < 0.8 and starts:
        target = rng.choice(starts)
        return f"47{rng.randrange(16):X}0{target:04X}"
    if kind < 0.86 and starts:
        return f"46{rng.choice([8, 9]):X}0{rng.choice(starts):04X}"
    if kind < 0.88:
        return f"89{rng.randrange(1, 8):X}000{rng.randrange(32):02X}"
    if kind < 0.9:  # LM/STM, sometimes wrapping from R15 to R0
        first, last = rng.choice([(1, 7), (2, 3), (14, 2), (5, 5)])
        opcode = rng.choice(["98", "90"])
        return f"{opcode}{first:X}{last:X}C{rng.randrange(0x1C0):03X}"
    if kind < 0.93:
        return f"0A{rng.randrange(256):02X}"  # SVC: ends a block
    if kind < 0.96:
        return f"05{rng.randrange(1, 8):X}0"  # BALR r,0
    return f"04{rng.randrange(1, 8):X}0"  # SPM: no template


def make_program(seed: int) -> bytes:
    rng = random.Random(seed)
    text: list[str] = []
    starts: list[int] = []
    address = CODE
    for _ in range(rng.randrange(4, 30)):
        instruction = _instruction(rng, address, starts)
        starts.append(address)
        text.append(instruction)
        address += len(instruction) // 2
    text.append("82000100")  # LPSW X'100'
    return bytes.fromhex("".join(text))


def run(program: bytes, seed: int, blocks: bool) -> Machine:
    rng = random.Random(seed * 7 + 1)
    machine = Machine(storage_size=SIZE)
    machine.cpu.block_mode = blocks
    machine.cpu.hot_threshold = rng.choice([0, 0, 1, 5])
    machine.load(0x100, bytes.fromhex("000200000000EE00"))
    handler = "0000000000000200" if rng.random() < 0.3 else None
    for slot in (0x58, 0x60, 0x68, 0x70, 0x78):
        machine.load(slot, bytes.fromhex(handler or f"00020000000000{slot:02X}"))
    machine.load(CODE, program)
    machine.load(DATA, bytes(rng.randrange(256) for _ in range(0x300)))
    for number in range(1, 8):
        machine.set_gpr(number, rng.choice([0, 1, 2, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
                                            rng.randrange(1 << 32)]))
    machine.set_gpr(8, 3)
    machine.set_gpr(9, 1000)
    machine.set_gpr(10, CODE)
    machine.set_gpr(11, rng.randrange(0, 0x40))
    machine.set_gpr(12, DATA)
    mask = rng.choice(["00", "0F", "08"])
    key = rng.choice([0, 0, 3])
    machine.set_key(DATA, rng.choice([0x00, 0x30, 0x38, 0x50, 0x58]))
    machine.set_key(DATA + 0x800, rng.choice([0x30, 0x58]))
    machine.set_psw(bytes.fromhex(f"00{key:X}00000{mask}000200"))
    reason = machine.run(limit=4000)
    assert isinstance(reason, Stop)
    return machine


def state(machine: Machine) -> tuple[object, ...]:
    return (machine.psw(), [machine.gpr(n) for n in range(16)], machine.read(0, SIZE),
            bytes(machine.storage.keys), machine.instructions_executed)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**9))
def test_blocks_agree_with_the_interpreter(seed: int) -> None:
    program = make_program(seed)
    compiled = state(run(program, seed, True))
    interpreted = state(run(program, seed, False))
    assert compiled == interpreted


def test_a_fused_self_loop_counts_every_instruction() -> None:
    # loop: LA 2,1(2) / BCT 9,loop
    program = bytes.fromhex("41202001 46900200 82000100")
    results = []
    for blocks in (True, False):
        machine = Machine(storage_size=SIZE)
        machine.cpu.block_mode = blocks
        machine.load(0x100, bytes.fromhex("000200000000EE00"))
        machine.load(CODE, program)
        machine.set_gpr(9, 5000)
        machine.set_psw(bytes.fromhex("0000000000000200"))
        assert machine.run(limit=100_000) is Stop.DISABLED_WAIT
        results.append((machine.gpr(2), machine.instructions_executed))
    assert results[0] == results[1] == (5000, 10001)


def test_store_into_the_running_block_is_seen() -> None:
    # MVI X'20B',X'05' turns the following LA 3,0 into LA 3,5 before it runs.
    program = bytes.fromhex("9205020B 41200001 41300000 82000100")
    for blocks in (True, False):
        machine = Machine(storage_size=SIZE)
        machine.cpu.block_mode = blocks
        machine.cpu.hot_threshold = 0
        machine.load(0x100, bytes.fromhex("000200000000EE00"))
        machine.load(CODE, program)
        machine.set_psw(bytes.fromhex("0000000000000200"))
        machine.run(limit=100)
        assert machine.gpr(3) == 5, blocks


def test_every_template_compiles() -> None:
    templated = [entry.mnemonic for entry in OPCODES if entry and entry.template]
    assert {"L", "ST", "A", "LA", "BCT", "MVC", "CLC", "IC", "STC", "BC"} <= set(templated)


def test_slice_budgets_are_exact_in_both_modes() -> None:
    # loop: STCK X'300' (synchronizes timers first) / LA 2,1(2) / BC 15,loop
    for blocks in (True, False):
        machine = Machine(storage_size=SIZE)
        machine.cpu.block_mode = blocks
        machine.load(CODE, bytes.fromhex("B2050300 41202001 47F00200"))
        machine.set_psw(bytes.fromhex("0000000000000200"))
        for _ in range(5):
            assert machine.run_slice(7) is Stop.BUDGET
        assert machine.instructions_executed == 35, blocks


def test_blocks_are_compiled_only_when_hot() -> None:
    machine = Machine(storage_size=SIZE)
    machine.load(0x100, bytes.fromhex("000200000000EE00"))
    machine.load(CODE, bytes.fromhex("41202001 46900200 82000100"))
    machine.set_gpr(9, 10)
    machine.set_psw(bytes.fromhex("0000000000000200"))
    machine.run(limit=1000)
    assert not machine.cpu.blocks  # ten iterations: still interpreted
    machine.set_gpr(9, 1000)
    machine.set_psw(bytes.fromhex("0000000000000200"))
    machine.run(limit=10_000)
    assert CODE in machine.cpu.blocks
    assert machine.gpr(2) == 1010
