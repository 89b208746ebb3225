"""Differential tests: every corpus program on Hercules and on ``Machine``.

All programs run in one Hercules process (``sysclear`` between them), once
per session; each program then gives two tests: Hercules meets the program's
``#@ expect`` lines (a check of the oracle and of the program itself), and
``Machine`` ends in the same state as Hercules. See corpus/README.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.machine.oracle import (
    Hercules,
    MachineMissing,
    Program,
    State,
    assemble,
    check_expectations,
    corpus,
    diff,
    parse,
    run_on_machine,
)
from tests.machine.oracle.hercules import parse_state
from tests.machine.oracle.program import DirectiveError
from tests.machine.oracle.random_program import generate, write
from tests.tools import require_tool

SOURCES = corpus()
WITH_EXPECTATIONS = [source for source in SOURCES if parse(source).expect]
RANDOM_SEEDS = range(1, 25)  # python -m tests.machine.oracle.random_program 1-500 for more
RANDOM_DECIMAL_SEEDS = range(1, 13)
RANDOM_KEY_SEEDS = range(1, 9)
RANDOM_DAT_SEEDS = range(1, 9)
TOOLS = ("hercules", "s390x-linux-gnu-as", "s390x-linux-gnu-ld", "s390x-linux-gnu-objcopy")


class Oracle:
    """Runs the whole corpus on Hercules on first use and keeps the states."""

    def __init__(self) -> None:
        self.programs: dict[str, Program] = {}
        self.states: dict[str, State] = {}

    def load(self, sources: list[Path]) -> None:
        programs = [assemble(parse(source)) for source in sources]
        with Hercules() as hercules:
            for program in programs:
                self.programs[program.name] = program
                self.states[program.name] = hercules.run(program)


@pytest.fixture(scope="session")
def oracle() -> Iterator[Oracle]:
    for tool in TOOLS:
        require_tool(tool)
    result = Oracle()
    result.load(SOURCES)
    yield result


@pytest.fixture(scope="session")
def random_oracle() -> Iterator[Oracle]:
    for tool in TOOLS:
        require_tool(tool)
    result = Oracle()
    sources = [write(seed) for seed in RANDOM_SEEDS]
    sources += [write(seed, kind="decimal") for seed in RANDOM_DECIMAL_SEEDS]
    sources += [write(seed, kind="keys") for seed in RANDOM_KEY_SEEDS]
    sources += [write(seed, kind="dat") for seed in RANDOM_DAT_SEEDS]
    result.load(sources)
    yield result


def _ids(paths: list[Path]) -> list[str]:
    return [path.stem for path in paths]


@pytest.mark.hercules
@pytest.mark.parametrize("source", WITH_EXPECTATIONS, ids=_ids(WITH_EXPECTATIONS))
def test_hercules_meets_expectations(oracle: Oracle, source: Path) -> None:
    program, state = oracle.programs[source.stem], oracle.states[source.stem]
    assert state.waited, state.note
    problems = check_expectations(program, state)
    assert not problems, f"{source.name} on Hercules:\n" + "\n".join(problems)


@pytest.mark.hercules
@pytest.mark.parametrize("source", SOURCES, ids=_ids(SOURCES))
def test_machine_matches_hercules(oracle: Oracle, source: Path) -> None:
    program, expected = oracle.programs[source.stem], oracle.states[source.stem]
    assert expected.waited, f"Hercules: {expected.note}"
    try:
        actual = run_on_machine(program)
    except MachineMissing as error:
        pytest.skip(str(error))
    problems = diff(program, expected, actual)
    assert not problems, f"{source.name}: Machine differs from Hercules:\n" + "\n".join(problems)


RANDOM_CASES = [f"random_{seed}" for seed in RANDOM_SEEDS]
RANDOM_CASES += [f"random_dec_{seed}" for seed in RANDOM_DECIMAL_SEEDS]
RANDOM_CASES += [f"random_keys_{seed}" for seed in RANDOM_KEY_SEEDS]
RANDOM_CASES += [f"random_dat_{seed}" for seed in RANDOM_DAT_SEEDS]


@pytest.mark.hercules
@pytest.mark.parametrize("name", RANDOM_CASES)
def test_random_program_matches_hercules(random_oracle: Oracle, name: str) -> None:
    program, expected = random_oracle.programs[name], random_oracle.states[name]
    assert expected.waited, f"Hercules: {expected.note}"
    try:
        actual = run_on_machine(program)
    except MachineMissing as error:
        pytest.skip(str(error))
    problems = diff(program, expected, actual)
    assert not problems, f"{program.source}: Machine differs from Hercules:\n" + "\n".join(problems)


# -- the harness itself (no external tools) ------------------------------------


def test_random_programs_are_reproducible_and_varied() -> None:
    assert generate(7) == generate(7)
    assert generate(7) != generate(8)
    body = generate(7, length=400)
    for mnemonic in ("\n        tr ", "\n        mvc ", "\n        sla ", "\n        icm "):
        assert mnemonic in body
    decimal = generate(7, length=400, kind="decimal")
    for mnemonic in ("\n        ap ", "\n        mp ", "\n        srp ", "\n        ed "):
        assert mnemonic in decimal


def test_every_corpus_program_parses() -> None:
    assert SOURCES, "the corpus is empty"
    for source in SOURCES:
        parse(source)


def test_directives(tmp_path: Path) -> None:
    source = tmp_path / "t.s"
    source.write_text(
        "#@ compare 1000-10ff\n#@ keys 0-fff\n#@ ignore gpr 3, 5\n#@ ignore 400-403\n"
        "#@ expect gpr 1 0000000c\n#@ expect 800 c1c2\n#@ timeout 7\n"
    )
    program = parse(source)
    assert program.compare == [(0x1000, 0x10FF), (0x800, 0x801)]
    assert program.keys == [(0, 0xFFF)]
    assert program.ignore_registers == {"gpr3", "gpr5"}
    assert program.ignored(0x401) and program.ignored(0x52) and not program.ignored(0x404)
    assert program.expect[0].value == bytes.fromhex("0000000c")
    assert program.timeout == 7.0


def test_bad_directive_is_reported(tmp_path: Path) -> None:
    source = tmp_path / "t.s"
    source.write_text("#@ ignore fpr 3\n")
    with pytest.raises(DirectiveError, match="t.s:1"):
        parse(source)


def _program(tmp_path: Path, text: str = "") -> Program:
    source = tmp_path / "t.s"
    source.write_text(text)
    program = parse(source)
    program.image = bytes(0x210)
    return program


def test_parse_state_reads_hercules_displays(tmp_path: Path) -> None:
    program = _program(tmp_path, "#@ keys 800-fff\n#@ compare 800-80f\n")
    lines = [
        "PSW=00020000 8000EE00",
        "GR00=00000000  GR01=0000000C  GR02=00000007  GR03=6000020C",
        "CR12=00000000  CR13=00000000  CR14=C2000000  CR15=00000200",
        "FPR0=41100000 00000000  FPR2=00000000 00000001",
        "R:00000800:K:36=C1C2C3C4 00000000 00000000 0000000F  ABCD............",
    ]
    state = parse_state(lines, program)
    assert state.psw == bytes.fromhex("000200008000EE00")
    assert state.gprs[3] == 0x6000020C and state.crs[14] == 0xC2000000
    assert state.fprs[0] == bytes.fromhex("4110000000000000")
    assert state.read(0x800, 4) == b"\xc1\xc2\xc3\xc4" and state.storage[0x80F] == 0x0F
    assert state.keys == {0x800: 0x36}


def test_diff_reports_each_difference(tmp_path: Path) -> None:
    program = _program(tmp_path, "#@ ignore gpr 9\n")
    expected, actual = State(), State()
    for state in (expected, actual):
        state.storage = dict.fromkeys(range(0x400, 0x410), 0)
    actual.gprs[1] = 5
    actual.gprs[9] = 7  # ignored
    actual.storage[0x404] = 0xAA
    actual.storage[0x50] = 0x12  # the interval timer is never compared
    actual.psw = bytes.fromhex("0002000080000068")  # BC-mode ILC alone is not compared
    lines = diff(program, expected, actual)
    assert lines[0].startswith("PSW") and "machine 0002000080000068" in lines[0]
    assert lines[1].startswith("GPR1") and "machine 00000005" in lines[1]
    assert lines[2].startswith("000400 hercules") and "AA000000" in lines[3]
    assert len(lines) == 5


def test_bc_mode_ilc_alone_is_not_a_difference(tmp_path: Path) -> None:
    program = _program(tmp_path)
    expected, actual = State(), State()
    expected.psw = bytes.fromhex("000200008000EE00")
    actual.psw = bytes.fromhex("000200000000EE00")
    assert diff(program, expected, actual) == []


def test_key_display_outside_compared_storage_gives_only_the_key(tmp_path: Path) -> None:
    program = _program(tmp_path, "#@ keys 2000-27ff\n")
    state = parse_state(["R:00002000:K:5E=C1C2C3C4 00000000 00000000 00000000  A..."], program)
    assert state.keys == {0x2000: 0x5E}
    assert 0x2000 not in state.storage


@pytest.mark.hercules
def test_hercules_stops_a_program_that_never_waits(tmp_path: Path) -> None:
    for tool in TOOLS:
        require_tool(tool)
    looping = tmp_path / "loop.s"
    looping.write_text('#@ timeout 0.5\n .include "s370.inc"\n lowcore\n1: b 1b\n')
    smoke = Path(__file__).parent / "corpus" / "smoke.s"
    with Hercules() as hercules:
        stuck = hercules.run(assemble(parse(looping)))
        after = hercules.run(assemble(parse(smoke)))
    assert not stuck.waited and "no disabled wait" in stuck.note
    assert stuck.psw[5:8] == b"\x00\x02\x00"  # stopped inside the loop at 0x200
    assert after.waited and after.gprs[1] == 12  # the next program runs normally


def test_unpredictable_ilc_of_external_old_psw_is_not_compared(tmp_path: Path) -> None:
    program = _program(tmp_path)
    expected, actual = State(), State()
    expected.storage = dict.fromkeys(range(0x10, 0x40), 0)
    expected.storage.update(zip(range(0x18, 0x20), bytes.fromhex("0102008080000300"), strict=True))
    actual.storage = dict(expected.storage)
    actual.storage[0x1C] = 0x00  # ILC 0 instead of Hercules' 2: unpredictable in BC mode
    assert diff(program, expected, actual) == []
    actual.storage[0x1C] = 0x10  # the condition code is architected
    assert diff(program, expected, actual)
    actual.storage[0x1C] = 0x80
    actual.storage[0x2C] = 0x00  # the program old PSW's ILC is architected too
    expected.storage[0x2C] = 0x80
    assert diff(program, expected, actual)


def test_translation_exception_address_low_bits_are_not_compared(tmp_path: Path) -> None:
    program = _program(tmp_path)
    expected, actual = State(), State()
    expected.storage = dict.fromkeys(range(0x90, 0xA0), 0)
    expected.storage.update({0x91: 0x10, 0x92: 0x08})  # page 0x100800 (2K pages)
    actual.storage = dict(expected.storage)
    actual.storage.update({0x92: 0x0F, 0x93: 0xFC})  # the faulting byte 0x100FFC instead
    expected.crs[0] = actual.crs[0] = 0x005000E0  # 2K pages: 11 low bits unpredictable
    assert diff(program, expected, actual) == []
    actual.storage[0x92] = 0x17  # another 2K page
    assert diff(program, expected, actual)
    actual.storage[0x92] = 0x0F
    expected.crs[0] = actual.crs[0] = 0x008000E0  # 4K pages: 0x100000 vs 0x100FFC agree
    expected.storage[0x92] = 0x00
    assert diff(program, expected, actual) == []
