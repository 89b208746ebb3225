"""Random S/370 programs for differential testing against Hercules.

A seed gives a program of general instructions (binary arithmetic, logical,
shifts, compares, loads and stores, ICM/STCM/CLM, MVC/NC/OC/XC/CLC/TR/MVN/MVZ,
CS/CDS, EX of SS instructions with register lengths, and BC/BCT/BXH/BXLE,
each branching over one instruction that counts the branches not taken in
%r14) on random registers and a 256-byte random data area at 0x1000 (with
256 zero bytes after it). The condition code is recorded after each instruction;
a program-check handler records the old PSW and goes on (overflow with the
mask on, divide exceptions). Nothing privileged, nothing whose result the
architecture leaves unpredictable. With ``--decimal`` (kind "decimal") the
program is packed decimal instead: AP, SP, ZAP, CP, MP, SRP, CVB, CVD, ED and
EDMK on fields that are always valid; with ``--keys`` (kind "keys") loads,
stores and SS/SI instructions run under random PSW keys against four 2K
blocks with random storage keys and fetch protection; with ``--dat`` (kind
"dat") they run in EC mode under DAT with random translation tables.

    python -m tests.machine.oracle.random_program 1-200     # compare Machine with Hercules
    python -m tests.machine.oracle.random_program 17 --show # print one program
    python -m tests.machine.oracle.random_program 17 --bisect   # shortest failing prefix
    python -m tests.machine.oracle.random_program 1-50 --decimal  # packed-decimal programs
    python -m tests.machine.oracle.random_program 1-50 --keys     # storage keys, PSW keys
    python -m tests.machine.oracle.random_program 1-50 --dat      # DAT, random page tables

A failing seed's source is kept in the cache directory so that it can be
copied into the corpus.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from pathlib import Path

from .program import cache_dir

DATA, DATA_SIZE = 0x1000, 256
INTERESTING = [0, 1, 2, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFE, 0x00010000, 0x0000FFFF]

RR = "ar sr alr slr nr or xr lr ltr lcr lpr lnr cr clr".split()
RR_PAIR = "mr dr".split()
RX = "l a s al sl n o x c cl st sth lh ah sh ch mh ic stc".split()
RX_PAIR = "m d".split()
SHIFT = "sll srl sla sra".split()
SHIFT_PAIR = "sldl srdl slda srda".split()
SS = "mvc nc oc xc clc mvn mvz".split()


def _value(rng: random.Random) -> int:
    if rng.random() < 0.4:
        return rng.choice(INTERESTING)
    if rng.random() < 0.5:
        return rng.randrange(-1000, 1000) & 0xFFFFFFFF
    return rng.getrandbits(32)


def _register(rng: random.Random) -> str:
    return f"%r{rng.randrange(12)}"  # r12 data base, r13 results, r15 scratch


def _pair(rng: random.Random) -> str:
    return f"%r{rng.randrange(0, 12, 2)}"


def _storage(rng: random.Random, length: int = 4) -> str:
    return f"{rng.randrange(DATA_SIZE - length + 1)}(%r12)"


def _ss(rng: random.Random) -> str:
    length = rng.randrange(1, 17)
    first = rng.randrange(DATA_SIZE - length + 1)
    second = rng.randrange(DATA_SIZE - length + 1)
    return f"{rng.choice(SS)} {first}({length},%r12),{second}(%r12)"


def _tr(rng: random.Random) -> str:
    length = rng.randrange(1, 9)  # the table is the whole data area
    return f"tr {rng.randrange(DATA_SIZE - length + 1)}({length},%r12),0(%r12)"


def _mask_insn(rng: random.Random) -> str:
    name = rng.choice(["icm", "stcm", "clm"])
    return f"{name} {_register(rng)},{rng.randrange(16)},{_storage(rng)}"


def _branch(rng: random.Random) -> str:
    """A conditional branch over one LA, so %r14 counts the branches not taken."""
    kind = rng.randrange(4)
    if kind == 0:
        branch = f"bc {rng.randrange(16)},1f"
    elif kind == 1:
        branch = f"bct {_register(rng)},1f"
    else:
        branch = f"{rng.choice(['bxh', 'bxle'])} {_register(rng)},{_register(rng)},1f"
    return f"{branch}\n        la %r14,1(%r14)\n1:"


def _compare_and_swap(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"cs {_register(rng)},{_register(rng)},{rng.randrange(0, DATA_SIZE, 4)}(%r12)"
    return f"cds {_pair(rng)},{_pair(rng)},{rng.randrange(0, DATA_SIZE, 8)}(%r12)"


def _execute(rng: random.Random, targets: list[str]) -> str:
    """EXECUTE of an out-of-line SS instruction whose length comes from a register.

    Lengths reach 255, so the operands may run into the zeroed 256 bytes after the
    data area, which are compared as well.
    """
    label = f"x{len(targets)}"
    name = rng.choice(["mvc", "clc", "nc", "oc", "xc", "tr"])
    first, second = rng.randrange(DATA_SIZE), rng.randrange(DATA_SIZE)
    if name == "tr":
        second = 0
    targets.append(f"{label}: {name} {first}(1,%r12),{second}(%r12)")
    return f"ex {_register(rng)},{label}"


def _instruction(rng: random.Random, targets: list[str]) -> str:
    forms: list[Callable[[], str]] = [
        lambda: f"{rng.choice(RR)} {_register(rng)},{_register(rng)}",
        lambda: f"{rng.choice(RR_PAIR)} {_pair(rng)},{_register(rng)}",
        lambda: f"{rng.choice(RX)} {_register(rng)},{_storage(rng)}",
        lambda: f"{rng.choice(RX_PAIR)} {_pair(rng)},{_storage(rng)}",
        lambda: f"{rng.choice(SHIFT)} {_register(rng)},{rng.randrange(64)}",
        lambda: f"{rng.choice(SHIFT_PAIR)} {_pair(rng)},{rng.randrange(64)}",
        lambda: f"la {_register(rng)},{rng.randrange(4096)}(%r12)",
        lambda: _mask_insn(rng),
        lambda: _ss(rng),
        lambda: _tr(rng),
        lambda: _branch(rng),
        lambda: _compare_and_swap(rng),
        lambda: _execute(rng, targets),
    ]
    return rng.choice(forms)()


# -- decimal programs --------------------------------------------------------------
# The data area is sixteen 16-byte slots of valid packed decimal; every operand is
# right-aligned in a slot, so any length gives a valid field and every result (AP,
# SP, ZAP, MP, SRP, CVD) leaves its slot valid. (Invalid digits allow termination
# with unpredictable results, so they are never generated.)

SLOT = 16


def _field(rng: random.Random, length: int) -> str:
    slot = rng.randrange(DATA_SIZE // SLOT)
    return f"{slot * SLOT + SLOT - length}({length},%r12)"


def _decimal_instruction(rng: random.Random) -> str:
    first, second = rng.randrange(1, 17), rng.randrange(1, 17)
    kind = rng.randrange(9)
    if kind >= 7:
        return _edit(rng, "ed" if kind == 7 else "edmk")
    if kind <= 2:
        name = ("ap", "sp", "zap")[kind]
        return f"{name} {_field(rng, first)},{_field(rng, second)}"
    if kind == 3:
        return f"cp {_field(rng, first)},{_field(rng, second)}"
    if kind == 4:
        multiplier = rng.randrange(1, 9)
        multiplicand = rng.randrange(multiplier + 1, 17)
        return f"mp {_field(rng, multiplicand)},{_field(rng, multiplier)}"
    if kind == 5:
        shift, rounding = rng.randrange(64), rng.randrange(10)
        return f"srp {_field(rng, first)},{shift},{rounding}"
    slot = rng.randrange(DATA_SIZE // SLOT) * SLOT + 8
    return f"{rng.choice(['cvb', 'cvd'])} {_register(rng)},{slot}(%r12)"


# ED/EDMK: a pattern (16 of them at +0x200) is copied into one of 16 output fields
# at +0x100 and edited there; the source starts at a slot (never one of the last
# two, so that the digits a 16-byte pattern asks for are all valid).
EDIT_OUT, EDIT_PATTERNS = 0x100, 0x200


def _edit(rng: random.Random, name: str) -> str:
    length = rng.randrange(1, 17)
    out = EDIT_OUT + rng.randrange(16) * 16
    pattern = EDIT_PATTERNS + rng.randrange(16) * 16
    source = rng.randrange(DATA_SIZE // SLOT - 2) * SLOT
    return (
        f"mvc {out}({length},%r12),{pattern}(%r12)\n"
        f"        {name} {out}({length},%r12),{source}(%r12)"
    )


def _edit_patterns(rng: random.Random) -> list[int]:
    patterns = []
    for _ in range(16):
        patterns.append(rng.choice([0x40, 0x5C, 0xF0]))  # fill character
        for _ in range(15):
            patterns.append(
                rng.choices([0x20, 0x21, 0x22, 0x4B, 0x6B, 0xC3, 0x60], [12, 2, 1, 2, 2, 1, 1])[0]
            )
    return patterns


def _packed_slots(rng: random.Random) -> list[int]:
    data = []
    for _ in range(DATA_SIZE // SLOT):
        zeros = rng.randrange(SLOT)  # leading zero bytes: room for MP and small values
        digits = [0] * zeros + [
            rng.randrange(10) << 4 | rng.randrange(10) for _ in range(zeros, SLOT)
        ]
        digits[-1] = (digits[-1] & 0xF0) | rng.choice([0xC, 0xD, 0xC, 0xD, 0xF, 0xA, 0xB, 0xE])
        data.extend(digits)
    return data


# -- storage-key programs ------------------------------------------------------------
# Four 2K blocks at 0x1000-0x2FFF get random keys and fetch-protection bits. Each
# instruction runs under a random PSW key (SPKA) and touches operands that never
# cross a block boundary, so a protected operand is protected as a whole and the
# instruction is suppressed (or terminated with nothing stored).

KEY_BLOCKS = 4


def _key_address(rng: random.Random, length: int = 4, align: int = 1) -> tuple[int, str]:
    """(displacement, base register) of an operand inside one random block."""
    block = rng.randrange(KEY_BLOCKS)
    offset = (block % 2) * 0x800 + rng.randrange(0, 256 - length, align)
    return offset, "%r12" if block < 2 else "%r11"


def _key_register(rng: random.Random) -> str:
    """r0-r10: r11 and r12 are the bases of the blocks. (A clobbered base would give
    operands with different exceptions, whose order the architecture leaves open.)"""
    return f"%r{rng.randrange(11)}"


def _key_instruction(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        name = rng.choice(["l", "st", "ic", "stc", "cl", "n", "o"])
        offset, base = _key_address(rng)
        operation = f"{name} {_key_register(rng)},{offset}({base})"
    elif kind == 1:
        length = rng.randrange(1, 17)
        name = rng.choice(["mvc", "clc", "xc", "oc", "nc"])
        (first, base1), (second, base2) = _key_address(rng, length), _key_address(rng, length)
        operation = f"{name} {first}({length},{base1}),{second}({base2})"
    elif kind == 2:
        name = rng.choice(["mvi", "cli", "tm", "ni", "oi"])
        offset, base = _key_address(rng)
        operation = f"{name} {offset}({base}),{rng.randrange(256)}"
    else:
        offset, base = _key_address(rng, 4, 4)
        operation = f"cs {_key_register(rng)},{_key_register(rng)},{offset}({base})"
    return f"spka {rng.randrange(16) << 4}\n        {operation}\n        spka 0"


def _key_setup(rng: random.Random) -> list[str]:
    lines = []
    for block in range(KEY_BLOCKS):
        key = rng.randrange(16) << 4 | rng.choice([0, 8])
        base = "%r12" if block < 2 else "%r11"
        lines.append(f"        la      %r2,{key}")
        lines.append(f"        la      %r3,{(block % 2) * 0x800}({base})")
        lines.append("        ssk     %r2,%r3")
    return lines


# -- DAT programs ----------------------------------------------------------------------
# EC mode with DAT on, random page and segment sizes. Virtual 0-3FFF (code, results,
# tables) maps to itself; virtual 4000-7FFF and the start of segment 1 map to random
# real frames in 8000-FFFF or are invalid; segment 1 has a random page-table length
# and may be invalid. Instructions load, store, move and compare there, LRA, and
# now and then rewrite a page-table entry (followed by PTLB). Every instruction sets
# %r14 to the address after it, where the program-check handler resumes (page and
# segment translation exceptions nullify).

DAT_TABLES, DAT_FRAMES = 0x2000, 0x8000
DAT_BASES = {"%r7": 0x4000, "%r8": 0x5000, "%r9": 0x6000, "%r10": 0x7000}


def _dat_tables(rng: random.Random, page: int, segment: int) -> tuple[dict[int, int], str]:
    """Segment and page tables as {real address: byte}, and CR0's translation format."""
    tables: dict[int, int] = {}
    pte_invalid, pte_shift = (0x0008, 4) if page == 4096 else (0x0004, 3)
    entries = segment // page

    def pte(frame: int | None) -> int:
        return pte_invalid if frame is None else (frame >> 8) & (0xFFFF << pte_shift & 0xFFFF)

    def put(address: int, value: int, size: int) -> None:
        tables.update(zip(range(address, address + size), value.to_bytes(size, "big"), strict=True))

    frames = list(range(DAT_FRAMES, 0x10000, page))
    for index in range(min(entries, 512)):
        address = index * page
        if address < 0x4000:
            frame: int | None = address
        elif address < 0x8000:
            frame = None if rng.random() < 0.2 else rng.choice(frames)
        else:
            frame = None
        put(DAT_TABLES + 0x100 + 2 * index, pte(frame), 2)
    for index in range(min(entries, 512)):
        frame = None if rng.random() < 0.3 else rng.choice(frames)
        put(DAT_TABLES + 0x800 + 2 * index, pte(frame), 2)
    put(DAT_TABLES, 0xF0000000 | DAT_TABLES + 0x100, 4)
    segment1 = 0x00000001 if rng.random() < 0.1 else DAT_TABLES + 0x800
    # Page-table length 0 or 15 only: Hercules 3.13 compares the unshifted PTL field
    # (bits 0-3 of the entry as 0xN0000000), so it enforces a length of 0 alone.
    put(DAT_TABLES + 4, rng.choice([0, 15]) << 28 | segment1, 4)
    for index in range(2, 16):
        put(DAT_TABLES + 4 * index, 1, 4)
    page_bits = 0x80 if page == 4096 else 0x40
    segment_bits = 0x10 if segment == 0x100000 else 0x00
    return tables, f"0x00{page_bits | segment_bits:02x}00e0"


def _dat_instruction(rng: random.Random, page: int, segment: int) -> str:
    bases = [*DAT_BASES, "%r11", "%r6"]
    base = rng.choice(bases)
    offset = rng.choice([rng.randrange(240), page - rng.randrange(1, 16)]) % 4096
    register = f"%r{rng.randrange(6)}"
    kind = rng.randrange(8)
    if kind <= 1:
        operation = f"{rng.choice(['l', 'st', 'ic', 'stc', 'a'])} {register},{offset}({base})"
    elif kind == 2:
        # The second operand is always accessible (the identity-mapped tables): with
        # two faulting operands the exception reported is not architected, nor is
        # whether CLC reports one for bytes it need not compare.
        length = rng.randrange(1, 17)
        name = rng.choice(["mvc", "clc", "xc"])
        if name == "clc":
            offset = rng.randrange(240)
        operation = f"{name} {offset}({length},{base}),{rng.randrange(256)}(%r12)"
    elif kind == 3:
        operation = f"lra {register},{offset}({base})"
    elif kind == 4:
        entries = min(segment // page, 512)
        if rng.random() < 0.5:  # segment 0, one of the pages at 4000-7FFF
            entry = 0x100 + 2 * rng.randrange(0x4000 // page, 0x8000 // page)
        else:  # segment 1, any page
            entry = 0x800 + 2 * rng.randrange(entries)
        frame = rng.randrange(DAT_FRAMES, 0x10000, page) >> 8
        value = rng.choice([frame, 0x0008 if page == 4096 else 0x0004])
        return f"la {register},{value}\n        sth {register},{entry}(%r12)\n        ptlb"
    else:
        operation = f"{rng.choice(['mvi', 'cli', 'tm'])} {offset}({base}),{rng.randrange(256)}"
    return f"la %r14,1f\n        {operation}\n1:"


def _generate_dat(seed: int, length: int) -> str:
    rng = random.Random(seed)
    page = rng.choice([2048, 4096])
    segment = rng.choice([0x10000, 0x100000])
    tables, cr0 = _dat_tables(rng, page, segment)
    frames = [rng.getrandbits(8) if offset % page < 256 else 0 for offset in range(0x8000)]
    body = []
    for _ in range(length):
        body.append(f"        {_dat_instruction(rng, page, segment)}")
        body.append("        reccc")
    table_lines = []
    for address in range(DAT_TABLES, DAT_TABLES + 0x1000, 16):
        row = [tables.get(a, 0) for a in range(address, address + 16)]
        table_lines.append("        .byte   " + ", ".join(f"0x{b:02x}" for b in row))
    frame_lines = [
        "        .byte   " + ", ".join(f"0x{b:02x}" for b in frames[i : i + 16])
        for i in range(0, len(frames), 16)
    ]
    bases = [f"        l       {name},k{name[2:]}" for name in DAT_BASES]
    constants = [f"k{name[2:]}:  .long   0x{value:x}" for name, value in DAT_BASES.items()]
    return "\n".join(
        [
            f"#@ title: random DAT program, seed {seed}: {page}-byte pages, "
            f"{segment // 1024}K segments",
            f"#@ limit {length * 30 + 1000}",
            '        .include "s370.inc"',
            "        lowcore mode=ec, pgm=onpgm",
            "        l       %r13,kresults",
            "        l       %r12,ktables",
            *bases,
            "        l       %r11,kseg1",
            "        l       %r6,kseg1far",
            "        lctl    0,1,crs",
            "        la      %r0,0",
            "        lpsw    dat_on",
            "2:",
            *body,
            "        eoj     mode=ec",
            "onpgm:  nc      0x92(2),teamask     # the unpredictable bits of the TEA",
            "        mvc     0(8,%r13),0x28",
            "        mvc     8(8,%r13),0x8c",
            "        la      %r13,16(%r13)",
            "        st      %r14,resume+4",
            "        lpsw    resume",
            "        .balign 8",
            "dat_on: .long   0x04080000, 2b",
            "resume: .long   0x04080000, 0",
            f"crs:    .long   {cr0}, 0x{DAT_TABLES:x}",
            "kresults: .long 0x1000",
            f"teamask: .short 0x{0xF000 if page == 4096 else 0xF800:04x}",
            f"ktables: .long  0x{DAT_TABLES:x}",
            *constants,
            f"kseg1:  .long   0x{segment:x}",
            f"kseg1far: .long 0x{segment + 8 * page:x}",
            f"        .org    0x{DAT_TABLES:x}",
            *table_lines,
            f"        .org    0x{DAT_FRAMES:x}",
            *frame_lines,
            "",
        ]
    )


def generate(seed: int, length: int = 60, kind: str = "general") -> str:
    """The assembler source of random program ``seed`` (general, decimal, keys or dat)."""
    if kind == "dat":
        return _generate_dat(seed, length)
    rng = random.Random(seed)
    decimal, keys = kind == "decimal", kind == "keys"
    # Initial state first, so that a shorter program is a prefix of a longer one.
    masks = [0x0, 0x4, 0xC, 0xF] if decimal else [0x0, 0x8, 0xF]  # overflow masks
    program_mask = rng.choice(masks) << 24
    registers = ", ".join(f"0x{_value(rng):08x}" for _ in range(12))
    setup = _key_setup(rng) if keys else []
    if decimal:
        data = _packed_slots(rng) + [0] * (EDIT_PATTERNS - EDIT_OUT) + _edit_patterns(rng)
    elif keys:
        data = []
        for _ in range(KEY_BLOCKS):
            data += [rng.getrandbits(8) for _ in range(256)] + [0] * (0x800 - 256)
    else:
        data = [rng.getrandbits(8) for _ in range(DATA_SIZE)] + [0] * DATA_SIZE
    body: list[str] = []
    targets: list[str] = []
    for _ in range(length):
        if decimal:
            body.append(f"        {_decimal_instruction(rng)}")
        elif keys:
            body.append(f"        {_key_instruction(rng)}")
        else:
            body.append(f"        {_instruction(rng, targets)}")
        body.append("        reccc")
    data_lines = [
        "        .byte   " + ", ".join(f"0x{b:02x}" for b in data[i : i + 16])
        for i in range(0, len(data), 16)
    ]
    return "\n".join(
        [
            f"#@ title: random {kind} program, seed {seed}",
            f"#@ compare {DATA:x}-{DATA + len(data) - 1:x}",
            f"#@ limit {length * 20 + 1000}",  # a few hundred instructions are executed
            *([f"#@ keys {DATA:x}-{DATA + len(data) - 1:x}"] if keys else []),
            '        .include "s370.inc"',
            "        lowcore pgm=onpgm",
            "        la      %r13,0xc00",
            "        l       %r12,kdata",
            "        l       %r11,kdata2",
            *setup,
            "        l       %r15,kmask",
            "        spm     %r15",
            f"        lm      %r0,%r{10 if keys else 11},initial",
            "        la      %r14,0",
            *body,
            "        eoj",
            *targets,
            "onpgm:  mvc     0(8,%r13),0x28",
            "        la      %r13,8(%r13)",
            "        lpsw    0x28",
            "        .balign 8",
            f"kdata:  .long   0x{DATA:x}",
            f"kdata2: .long   0x{DATA + 0x1000:x}",
            f"kmask:  .long   0x{program_mask:08x}",
            f"initial: .long  {registers}",
            "        .org    0xc00",
            "        .space  0x400",
            f"        .org    0x{DATA:x}",
            *data_lines,
            "",
        ]
    )


def write(seed: int, length: int = 60, kind: str = "general") -> Path:
    """Write random program ``seed`` into the cache directory and return its path."""
    suffix = "" if length == 60 else f"_{length}"
    prefix = {"decimal": "random_dec", "keys": "random_keys", "dat": "random_dat"}.get(
        kind, "random"
    )
    path = cache_dir() / f"{prefix}_{seed}{suffix}.s"
    path.write_text(generate(seed, length, kind))
    return path


def first_difference(seed: int, length: int = 60, kind: str = "general") -> int:
    """The number of instructions of program ``seed`` after which Machine and Hercules differ.

    Bisects over prefixes of the program (0 when they agree on all ``length``).
    """
    from . import Hercules, assemble, diff, parse, run_on_machine

    def differs(count: int) -> bool:
        program = assemble(parse(write(seed, count, kind)))
        return bool(diff(program, hercules.run(program), run_on_machine(program)))

    with Hercules() as hercules:
        if not differs(length):
            return 0
        good, bad = 0, length
        while bad - good > 1:
            middle = (good + bad) // 2
            good, bad = (good, middle) if differs(middle) else (middle, bad)
    return bad


def _seeds(text: str) -> list[int]:
    seeds: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        seeds.extend(range(int(low), int(high or low) + 1))
    return seeds


def main(arguments: list[str]) -> int:
    """Compare Machine with Hercules on the given seeds (--show, --bisect, --decimal)."""
    from . import Hercules, assemble, diff, parse, run_on_machine

    if not arguments:
        print(__doc__)
        return 2
    seeds = _seeds(arguments[0])
    kind = next(
        (flag[2:] for flag in ("--decimal", "--keys", "--dat") if flag in arguments), "general"
    )
    if "--show" in arguments:
        print(generate(seeds[0], kind=kind))
        return 0
    if "--bisect" in arguments:
        for seed in seeds:
            count = first_difference(seed, kind=kind)
            if not count:
                print(f"seed {seed}: no difference")
                continue
            source = generate(seed, count, kind)
            lines = source.split("\n        reccc")[-2].split("\n")
            instruction = next(
                line.strip() for line in reversed(lines) if line.strip() not in ("1:", "spka 0")
            )
            print(f"seed {seed}: first differs at instruction {count}: {instruction}")
            print(f"  {write(seed, count, kind)}")
        return 0
    failures = unfinished = 0
    with Hercules() as hercules:
        for seed in seeds:
            program = assemble(parse(write(seed, kind=kind)))
            expected = hercules.run(program)
            if not expected.waited:  # e.g. 3.13 hangs dividing -2**63 by -1 (host SIGFPE)
                unfinished += 1
                print(f"seed {seed}: Hercules did not finish ({expected.note}); not compared")
                continue
            problems = diff(program, expected, run_on_machine(program))
            if problems:
                failures += 1
                print(f"seed {seed}: {program.source}")
                print("\n".join(f"  {line}" for line in problems[:12]))
    print(f"{failures} of {len(seeds)} seeds differ ({unfinished} not finished by Hercules)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
