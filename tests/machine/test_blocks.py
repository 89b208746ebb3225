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
from server.machine.blocks import _fold_addresses
from server.machine.insn_branch import _taken
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
    # Without a base: constant addresses, a few across the 2K boundary at X'1000'.
    displacement = rng.randrange(0, 0x1F8) if base else rng.choice(
        [rng.randrange(0x800, 0xA00), rng.randrange(0xFF9, 0x1000)])
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
    if kind < 0.915:  # unconditional branches, which a block follows
        target = rng.choice(starts) if starts and rng.random() < 0.5 else \
            CODE + 2 * rng.randrange(0x40)
        return rng.choice([f"47F0{target:04X}", f"45E0{target:04X}", "07FA", "05EA",
                           "07FE", f"47F0A{rng.randrange(0x40) * 2:03X}"])
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


def run(program: bytes, seed: int, blocks: bool, data: bytes | None = None,
        resume: float = 0.3) -> Machine:
    rng = random.Random(seed * 7 + 1)
    machine = Machine(storage_size=SIZE)
    machine.cpu.block_mode = blocks
    machine.cpu.hot_threshold = rng.choice([0, 0, 1, 5])
    machine.load(0x100, bytes.fromhex("000200000000EE00"))
    # Interruptions end the run, or start the program again (with every program-mask
    # bit on or off).
    handler = rng.choice(["0000000000000200", "000000000F000200"]) \
        if rng.random() < resume else None
    for slot in (0x58, 0x60, 0x68, 0x70, 0x78):
        machine.load(slot, bytes.fromhex(handler or f"00020000000000{slot:02X}"))
    machine.load(CODE, program)
    machine.load(DATA, bytes(rng.randrange(256) for _ in range(0x300)))
    if data is not None:
        machine.load(DATA, data)
    for number in range(1, 8):
        machine.set_gpr(number, rng.choice([0, 1, 2, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
                                            rng.randrange(1 << 32)]))
    machine.set_gpr(8, 3)
    machine.set_gpr(9, 1000)
    machine.set_gpr(10, CODE)
    machine.set_gpr(11, rng.randrange(0, 0x40))
    machine.set_gpr(12, DATA)
    for number in (0, 2, 4, 6):
        machine.set_fpr(number, rng.choice([bytes(8), bytes.fromhex("4110000012345678"),
                                            rng.randbytes(8)]))
    mask = rng.choice(["00", "0F", "08"])
    key = rng.choice([0, 0, 3])
    machine.set_key(DATA, rng.choice([0x00, 0x30, 0x38, 0x50, 0x58]))
    machine.set_key(DATA + 0x800, rng.choice([0x30, 0x58]))
    machine.set_psw(bytes.fromhex(f"00{key:X}00000{mask}000200"))
    reason = machine.run(limit=4000)
    assert isinstance(reason, Stop)
    return machine


def state(machine: Machine) -> tuple[object, ...]:
    return (machine.psw(), [machine.gpr(n) for n in range(16)], list(machine.cpu.fpr),
            machine.read(0, SIZE), bytes(machine.storage.keys), machine.instructions_executed)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**9))
def test_blocks_agree_with_the_interpreter(seed: int) -> None:
    program = make_program(seed)
    compiled = state(run(program, seed, True))
    interpreted = state(run(program, seed, False))
    assert compiled == interpreted


# Decimal and floating-point instructions, compiled as calls of their functions.
DECIMAL_SS = ["F8", "FA", "FB", "F9", "FC", "FD", "F0", "F1", "F2", "F3", "DE", "DF"]
FLOAT_RR = ["28", "2A", "2B", "2C", "2D", "29", "20", "22", "24", "38", "3A", "3B", "3C", "3D",
            "39", "3E", "32", "34", "2E", "26", "36"]
FLOAT_RX = ["68", "6A", "6B", "6C", "6D", "69", "6E", "60", "78", "7A", "7B", "7C", "7D", "79",
            "7E", "70", "67"]


def _decimal_float_instruction(rng: random.Random, starts: list[int]) -> str:
    kind = rng.random()
    if kind < 0.3:
        opcode = rng.choice(DECIMAL_SS)
        l1, l2 = rng.choice([(7, 3), (7, 2), (3, 1), (7, 1), (1, 1), (7, 0), (2, 2), (15, 7),
                             (3, 7), (0, 0), (1, 2), (3, 3)])
        # Operands mostly end where a packed field ends (valid data), sometimes not.
        first = rng.randrange(0, 0x40, 8) + 8 - min(l1 + 1, 8) + rng.choice([0, 0, 0, 0, 1])
        second = rng.randrange(0, 0x40, 8) + 8 - min(l2 + 1, 8) + rng.choice([0, 0, 0, 0, 3])
        if rng.random() < 0.1:  # into the program's own code (R10)
            return f"{opcode}{l1:X}{l2:X}A{rng.randrange(0x40):03X}C{second:03X}"
        return f"{opcode}{l1:X}{l2:X}C{first:03X}C{second:03X}"
    if kind < 0.42:
        return f"{rng.choice(FLOAT_RR)}{rng.choice([0, 2, 4, 6, 0, 4, 2, 6, 1]):X}" \
            f"{rng.choice([0, 2, 4, 6, 0, 4, 2, 6, 3]):X}"
    if kind < 0.64:
        register = rng.choice([0, 2, 4, 6, 0, 2, 4, 6, 0, 4, 2, 6, 5])
        displacement = rng.choice([0x200, 0x208, 0x210, 0x218, 0x220, 0x228, 0x204, 0x1FC])
        if rng.random() < 0.1:  # into the program's own code
            return f"{rng.choice(FLOAT_RX)}{register:X}0A{rng.randrange(0x40):03X}"
        return f"{rng.choice(FLOAT_RX)}{register:X}0C{displacement:03X}"
    if kind < 0.72:  # CVB / CVD
        opcode = rng.choice(["4F", "4E"])
        displacement = rng.choice([0, 8, 16, 24, 0x100, 0x1F8, 0x3FC])
        return f"{opcode}{rng.randrange(1, 4):X}{rng.choice(['0C', '0C', '0A'])}" \
            f"{displacement:03X}"
    if kind < 0.77 and starts:
        return f"46{rng.choice([8, 9]):X}0{rng.choice(starts):04X}"
    if kind < 0.81 and starts:  # BC: the condition code decides
        return f"47{rng.randrange(16):X}0{rng.choice(starts):04X}"
    if kind < 0.88:  # BALR r,0: the condition code into a register
        return f"05{rng.randrange(1, 4):X}0"
    if kind < 0.92:  # use what CVB and EDMK leave in general registers 1-3
        return f"{rng.choice(['1A', '12', '18'])}{rng.randrange(1, 4):X}{rng.randrange(1, 4):X}"
    if kind < 0.94:
        return _rx(rng, rng.choice(RX))
    if kind < 0.96:
        return f"0A{rng.randrange(256):02X}"
    return f"04{rng.randrange(1, 8):X}0"  # SPM: sets the program mask


def _packed(rng: random.Random, length: int) -> bytes:
    digits = rng.choice([1, 3, 7, 2 * length - 1])
    number = rng.randrange(10 ** digits)
    sign = rng.choice("cdcdfab")
    return bytes.fromhex(f"{number:0{2 * length - 1}d}{sign}")


def make_decimal_float_data(seed: int) -> bytes:
    """Packed fields (some invalid) at DATA, long and short HFP numbers at DATA + 0x200."""
    rng = random.Random(seed * 3 + 2)
    data = bytearray(rng.randrange(256) for _ in range(0x300))
    for offset in range(0, 0x40, 8):
        if rng.random() < 0.85:
            data[offset : offset + 8] = _packed(rng, 8)
    for offset in range(0x200, 0x230, 8):
        exponent = rng.choice([0x41, 0x40, 0x00, 0x7F, 0xC2, 0x01, 0x42])
        fraction = rng.choice([0, 1, 0x100000, rng.randrange(1 << 56)])
        data[offset : offset + 8] = (exponent << 56 | fraction).to_bytes(8, "big")
    return bytes(data)


def make_decimal_float_program(seed: int) -> bytes:
    rng = random.Random(seed)
    text: list[str] = []
    starts: list[int] = []
    address = CODE
    for _ in range(rng.randrange(4, 30)):
        instruction = _decimal_float_instruction(rng, starts)
        starts.append(address)
        text.append(instruction)
        address += len(instruction) // 2
    text.append("82000100")  # LPSW X'100'
    return bytes.fromhex("".join(text))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**9))
def test_decimal_and_float_blocks_agree_with_the_interpreter(seed: int) -> None:
    # Data, specification, decimal-overflow, divide, exponent and significance
    # exceptions mid-block, under every program mask, PSW key 0 and 3, and stores
    # of results into the running code.
    program = make_decimal_float_program(seed)
    data = make_decimal_float_data(seed)
    compiled = state(run(program, seed, True, data, resume=0.8))
    interpreted = state(run(program, seed, False, data, resume=0.8))
    assert compiled == interpreted


def test_a_decimal_result_stored_into_the_running_block_is_seen() -> None:
    # CVD 3,8(10) stores 0000000000000005C over the LA 2,0 and LA 3,5 that follow
    # it: the block must leave after CVD and run the new bytes, whose first
    # halfword 0000 is an operation exception.
    program = bytes.fromhex("4E30A008 41200000 41300005 82000100")
    outcomes = []
    for blocks in (True, False):
        machine = Machine(storage_size=SIZE)
        machine.cpu.block_mode = blocks
        machine.cpu.hot_threshold = 0
        machine.load(0x100, bytes.fromhex("000200000000EE00"))
        machine.load(0x68, bytes.fromhex("0002000000000068"))
        machine.load(CODE, program)
        machine.set_gpr(3, 5)
        machine.set_gpr(10, CODE)
        machine.set_psw(bytes.fromhex("0000000000000200"))
        machine.run(limit=100)
        outcomes.append((machine.psw(), machine.read(0x28, 8), machine.gpr(2)))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][1][2:4] == b"\x00\x01"  # operation exception at X'208'


def test_marks_of_a_storage_block_already_referenced_are_exact() -> None:
    # L 1,X'F00' / CLI X'F03',0 / ST 1,X'F08' / MVC X'F10'(4),X'F00': the
    # fetches mark block 1 referenced first; the store must still mark it changed.
    program = bytes.fromhex("58100F00 95000F03 50100F08 D2030F10 0F00 82000100")
    states = []
    for blocks in (True, False):
        machine = Machine(storage_size=SIZE)
        machine.cpu.block_mode = blocks
        machine.cpu.hot_threshold = 0
        machine.load(0x100, bytes.fromhex("000200000000EE00"))
        machine.load(CODE, program)
        machine.set_psw(bytes.fromhex("0000000000000200"))
        machine.run(limit=100)
        states.append(state(machine))
    assert states[0] == states[1]
    keys = states[0][4]
    assert isinstance(keys, bytes) and keys[1] & 6 == 6  # block X'800': referenced, changed


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


def test_branch_conditions_compile_to_the_mask_test() -> None:
    for mask in range(1, 15):
        condition = compile(_taken(mask).replace("cpu.cc", "cc"), "<mask>", "eval")
        for cc in range(4):
            assert bool(eval(condition, {"cc": cc})) == bool(mask & (8 >> cc)), (mask, cc)  # noqa: S307


def test_constant_addresses_are_folded_only_while_known() -> None:
    folded = _fold_addresses(["a = 2084", "keys[a >> 11] |= 4; keys[a + 7 >> 11] |= 4",
                              "x = mem[a]", "a += 1", "y = mem[a]", "b = 5", "a, b = 1, 2",
                              "z = a + b", "if x:", "    a = 6", "w = a"])
    assert folded == ["a = 2084", "keys[1] |= 4", "x = mem[2084]", "a += 1", "y = mem[a]",
                      "b = 5", "a, b = 1, 2", "z = a + b", "if x:", "    a = 6", "w = a"]


def test_overlapping_pack_unpack_and_move_with_offset_agree() -> None:
    # Byte by byte, right to left, when the operands overlap (the whole-field fast
    # path is only for operands apart), each run twice through BCT 9:
    # PACK X'F04'(2),X'F04'(3) / UNPK X'F02'(4),X'F04'(3) / MVO X'F03'(4),X'F04'(4).
    data = bytes.fromhex("F1F2F3F4F5F6F7C8 0000000000000000 123456789ABCDEF0")
    for instruction in ("F2120F040F04", "F3320F020F04", "F1330F030F04"):
        program = bytes.fromhex(instruction + "46900200 82000100")
        states = []
        for blocks in (True, False):
            machine = Machine(storage_size=SIZE)
            machine.cpu.block_mode = blocks
            machine.cpu.hot_threshold = 0
            machine.load(0x100, bytes.fromhex("000200000000EE00"))
            machine.load(CODE, program)
            machine.load(0xF00, data)
            machine.set_gpr(9, 2)
            machine.set_psw(bytes.fromhex("0000000000000200"))
            machine.run(limit=100)
            states.append(state(machine))
        assert states[0] == states[1], instruction
