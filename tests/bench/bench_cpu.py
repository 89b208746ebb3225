"""CPU benchmark: vm370's ``Machine`` against Hercules on the same S/370 loops.

Run from the repository root (needs Hercules and binutils-s390x-linux-gnu for
the Hercules figures; ``Machine`` needs nothing):

    python -m tests.bench.bench_cpu            # measure both, update BENCHMARKS.md
    python tests/bench/bench_cpu.py --no-write # measure and print only
    python -m tests.bench.bench_cpu --quick    # shorter runs (a rough figure)
    python -m tests.bench.bench_cpu --profile  # Machine's per-mnemonic instruction counts

Two loops (``tests/bench/programs/``), each a fixed number of instructions an
iteration, with the iteration count patched into the image at 0x800:

- ``mix_general``: L, A, ST, LA, MVC, CLC, BC, IC, STC, LA, BCT (11)
- ``mix_decfloat``: ZAP, AP, CP, MP, CVB, CVD, LD, AD, MD, AER, STD, BCT (12)

How the figures are obtained:

- Machine: host ``time.perf_counter`` around ``Machine.run``, divided into
  ``Machine.instructions_executed``.
- Hercules 3.13 has no instruction counter on its console (no ``icount``; the
  ``maxrates`` figures are sampled once a second and too coarse). The loop
  therefore times itself: STCK before and after it, and Hercules' TOD clock
  follows the host clock, so MIPS = iterations x instructions per iteration /
  (TOD difference in microseconds). Start-up, loading and console latency are
  outside the measured interval.

Each side is calibrated with a short run, then run for about ``--seconds``;
the best of ``--repeat`` runs is kept. Machine's end state is also compared
with Hercules' (registers and storage), so a fast but wrong CPU is reported.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.machine.oracle import (  # noqa: E402
    Hercules,
    MachineMissing,
    Program,
    assemble,
    diff,
    parse,
    run_on_machine,
)
from tests.machine.oracle.hercules import STORAGE_MB  # noqa: E402
from tests.machine.oracle.machine_side import machine_class  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = Path(__file__).resolve().parent / "programs"
BENCHMARKS = ROOT / "BENCHMARKS.md"
COUNT_ADDRESS, TOD0_ADDRESS, TOD1_ADDRESS = 0x800, 0x808, 0x810
END_ADDRESS = 0xEE00  # eoj's disabled wait
LOOPS = {"mix_general": 11, "mix_decfloat": 12}  # instructions per iteration
START, END = "<!-- bench_cpu:start -->", "<!-- bench_cpu:end -->"
HISTORY = "<!-- bench_cpu:history -->"


@dataclass
class Figure:
    """One measured rate."""

    mips: float
    instructions: int
    seconds: float


# A result row: loop name, Machine figure (or why not), Hercules figure, agreement.
Row = tuple[str, "Figure | str", "Figure | str", str]


def with_count(program: Program, iterations: int) -> Program:
    """A copy of ``program`` whose loop runs ``iterations`` times (image patched at 0x800)."""
    image = bytearray(program.image)
    image[COUNT_ADDRESS : COUNT_ADDRESS + 4] = iterations.to_bytes(4, "big")
    handle, name = tempfile.mkstemp(suffix=".bin", prefix=f"{program.name}-")
    with os.fdopen(handle, "wb") as file:
        file.write(image)
    return replace(program, image=bytes(image), image_path=Path(name))


def _ended(psw: bytes) -> bool:
    return int.from_bytes(psw[5:8], "big") == END_ADDRESS


# -- Hercules -------------------------------------------------------------------


def hercules_run(hercules: Hercules, program: Program, iterations: int) -> Figure:
    """Run the loop on Hercules and rate it from the program's own STCK values."""
    patched = with_count(program, iterations)
    patched.timeout = 60.0
    try:
        state = hercules.run(patched)
    finally:
        assert patched.image_path is not None
        patched.image_path.unlink()
    if not state.waited or not _ended(state.psw):
        raise RuntimeError(f"{program.name} did not end on Hercules: {state.psw.hex()}")
    tod0 = int.from_bytes(state.read(TOD0_ADDRESS, 8), "big")
    tod1 = int.from_bytes(state.read(TOD1_ADDRESS, 8), "big")
    microseconds = max((tod1 - tod0) >> 12, 1)  # TOD bit 51 is one microsecond
    instructions = iterations * LOOPS[program.name]
    return Figure(instructions / microseconds, instructions, microseconds / 1e6)


def hercules_figure(program: Program, seconds: float, repeat: int) -> Figure:
    """Best Hercules rate over ``repeat`` runs of about ``seconds`` each."""
    with Hercules() as hercules:
        probe = hercules_run(hercules, program, 200_000)
        iterations = int(probe.mips * 1e6 * seconds / LOOPS[program.name])
        iterations = max(min(iterations, 0x7FFFFFFF), 1000)
        runs = [hercules_run(hercules, program, iterations) for _ in range(repeat)]
    return max(runs, key=lambda figure: figure.mips)


# -- Machine --------------------------------------------------------------------


def machine_run(program: Program, iterations: int) -> Figure:
    """Run the loop on ``Machine`` and rate it by host time."""
    machine = machine_class()(storage_size=STORAGE_MB << 20)
    patched = with_count(program, iterations)
    assert patched.image_path is not None
    patched.image_path.unlink()
    machine.load(0, patched.image)
    machine.set_psw(patched.image[:8])
    started = time.perf_counter()
    machine.run(limit=iterations * LOOPS[program.name] * 2 + 10_000)
    elapsed = time.perf_counter() - started
    if not _ended(bytes(machine.psw())):
        raise RuntimeError(f"{program.name} did not end on Machine: {machine.psw().hex()}")
    executed = int(machine.instructions_executed)
    loop = iterations * LOOPS[program.name]
    if not loop <= executed <= loop + 64:  # a few set-up and ending instructions
        raise RuntimeError(f"{program.name}: {executed} instructions counted, loop has {loop}")
    return Figure(executed / elapsed / 1e6, executed, elapsed)


def machine_figure(program: Program, seconds: float, repeat: int) -> Figure:
    """Best Machine rate over ``repeat`` runs of about ``seconds`` each."""
    probe = machine_run(program, 20_000)  # large enough to amortise block compilation
    iterations = max(int(probe.mips * 1e6 * seconds / LOOPS[program.name]), 1000)
    runs = [machine_run(program, iterations) for _ in range(repeat)]
    return max(runs, key=lambda figure: figure.mips)


def machine_profile(program: Program, iterations: int = 1000) -> dict[str, int]:
    """Machine's per-mnemonic instruction counts for a short run (profiling on)."""
    machine = machine_class()(storage_size=STORAGE_MB << 20)
    patched = with_count(program, iterations)
    assert patched.image_path is not None
    patched.image_path.unlink()
    machine.load(0, patched.image)
    machine.set_psw(patched.image[:8])
    machine.enable_profile(True)
    machine.run(limit=iterations * LOOPS[program.name] * 2 + 10_000)
    return dict(machine.profile)


def machine_agrees(program: Program) -> str:
    """'yes', or the first differences between Machine and Hercules on a short run."""
    short = with_count(program, 1000)
    try:
        with Hercules() as hercules:
            expected = hercules.run(short)
        problems = diff(short, expected, run_on_machine(short))
    finally:
        assert short.image_path is not None
        short.image_path.unlink()
    return "yes" if not problems else "NO: " + "; ".join(problems[:3])


# -- the report -----------------------------------------------------------------


def host_description() -> dict[str, str]:
    """CPU model, cores, Python build and Hercules version of this run."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    flags = str(sysconfig.get_config_var("CONFIG_ARGS") or "")
    build = ", ".join(
        name
        for name, flag in (("PGO", "--enable-optimizations"), ("LTO", "--with-lto"))
        if flag in flags
    )
    python = f"CPython {platform.python_version()} ({build or 'no PGO/LTO'})"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return {
        "load": f"load average {load:.2f} at start",
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{model}, {os.cpu_count()} cores",
        "python": python,
        "hercules": hercules_version(),
    }


def hercules_version() -> str:
    """'Hercules 3.13' or 'not installed'."""
    try:
        result = subprocess.run(
            ["hercules", "--help"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"
    match = re.search(r"Hercules Version (\S+)", result.stdout + result.stderr)
    return f"Hercules {match[1]} (ARCHMODE S/370)" if match else "unknown version"


def render(host: dict[str, str], rows: list[Row]) -> str:
    """The generated BENCHMARKS.md section."""

    def cell(figure: Figure | str) -> str:
        if isinstance(figure, str):
            return figure
        return f"{figure.mips:.2f} ({figure.instructions:,} in {figure.seconds:.2f} s)"

    lines = [
        START,
        f"Last run: {host['date']} on {host['cpu']} ({host['load']}); {host['python']}; "
        f"{host['hercules']}.",
        "",
        "| loop | Machine MIPS | Hercules MIPS | Machine / Hercules | same end state |",
        "|---|---|---|---|---|",
    ]
    for name, ours, theirs, agrees in rows:
        ratio = (
            f"{ours.mips / theirs.mips:.1%}"
            if isinstance(ours, Figure) and isinstance(theirs, Figure)
            else "-"
        )
        lines.append(f"| {name} | {cell(ours)} | {cell(theirs)} | {ratio} | {agrees} |")
    lines.append(END)
    return "\n".join(lines)


def history_line(host: dict[str, str], rows: list[Row]) -> str:
    """One line for the history list."""
    parts = []
    for name, ours, theirs, _ in rows:
        machine = f"{ours.mips:.2f}" if isinstance(ours, Figure) else "-"
        hercules = f"{theirs.mips:.1f}" if isinstance(theirs, Figure) else "-"
        parts.append(f"{name} {machine} (Hercules {hercules})")
    return f"- {host['date']}, {host['cpu']}, {host['python']}: " + "; ".join(parts)


def write_benchmarks(section: str, history: str) -> None:
    """Replace the generated section of BENCHMARKS.md and add a history line."""
    text = BENCHMARKS.read_text() if BENCHMARKS.exists() else ""
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n## CPU (tests/bench/bench_cpu.py)\n\n" + section + "\n"
    if HISTORY in text:
        text = text.replace(HISTORY, HISTORY + "\n" + history, 1)
    else:
        text = text.rstrip() + f"\n\n### History (newest first)\n\n{HISTORY}\n{history}\n"
    BENCHMARKS.write_text(text)


def main(argv: list[str] | None = None) -> int:
    """Measure, print, and (unless --no-write) update BENCHMARKS.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each timed run")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per side (best kept)")
    parser.add_argument("--quick", action="store_true", help="one 0.5 s run per side")
    parser.add_argument("--no-hercules", action="store_true", help="measure Machine only")
    parser.add_argument("--no-write", action="store_true", help="do not touch BENCHMARKS.md")
    parser.add_argument(
        "--profile", action="store_true", help="print Machine's per-mnemonic counts and stop"
    )
    options = parser.parse_args(argv)
    if options.quick:
        options.seconds, options.repeat = 0.5, 1
    if options.profile:
        for name in LOOPS:
            counts = machine_profile(assemble(parse(PROGRAMS / f"{name}.s")))
            top = sorted(counts.items(), key=lambda item: -item[1])[:16]
            print(f"{name}: " + ", ".join(f"{mnemonic} {count}" for mnemonic, count in top))
        return 0
    host = host_description()
    rows: list[Row] = []
    for name in LOOPS:
        program = assemble(parse(PROGRAMS / f"{name}.s"))
        theirs: Figure | str = "not measured"
        if not options.no_hercules:
            theirs = hercules_figure(program, options.seconds, options.repeat)
        try:
            ours: Figure | str = machine_figure(program, options.seconds, options.repeat)
            agrees = "-" if options.no_hercules else machine_agrees(program)
        except MachineMissing as error:
            ours, agrees = f"not built ({error.__class__.__name__})", "-"
        except Exception as error:  # a CPU under construction: report, do not crash
            ours, agrees = f"failed: {error}", "-"
        rows.append((name, ours, theirs, agrees))
        print(
            f"{name}: Machine {ours if isinstance(ours, str) else f'{ours.mips:.2f} MIPS'}"
            f", Hercules {theirs if isinstance(theirs, str) else f'{theirs.mips:.1f} MIPS'}"
            f", same end state: {agrees}",
            flush=True,
        )
    section = render(host, rows)
    print(section)
    if not options.no_write:
        write_benchmarks(section, history_line(host, rows))
        print(f"updated {BENCHMARKS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
