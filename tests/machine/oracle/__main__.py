"""Show Hercules' end state for corpus programs and compare Machine's.

python -m tests.machine.oracle                 # the whole corpus
python -m tests.machine.oracle general_arith   # by name or path
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import (
    Hercules,
    MachineMissing,
    assemble,
    check_expectations,
    corpus,
    diff,
    parse,
    run_on_machine,
)
from .program import CORPUS_DIR
from .state import State


def _sources(arguments: list[str]) -> list[Path]:
    if not arguments:
        return corpus()
    paths = []
    for argument in arguments:
        path = Path(argument)
        paths.append(path if path.suffix == ".s" else CORPUS_DIR / f"{argument}.s")
    return paths


def _show(state: State) -> None:
    print(f"  PSW {state.psw.hex().upper()}  {'' if state.waited else state.note}")
    for row in range(0, 16, 4):
        regs = "  ".join(f"R{n:<2d}={state.gprs[n]:08X}" for n in range(row, row + 4))
        print(f"  {regs}")
    print("  " + "  ".join(f"F{n}={state.fprs[n].hex().upper()}" for n in (0, 2, 4, 6)))


def main(arguments: list[str]) -> int:
    """Run the named programs (or all) and print states, expectation failures and diffs."""
    failures = 0
    with Hercules() as hercules:
        for source in _sources(arguments):
            program = assemble(parse(source))
            expected = hercules.run(program)
            print(f"{program.name}:")
            _show(expected)
            problems = check_expectations(program, expected)
            try:
                problems += diff(program, expected, run_on_machine(program))
            except MachineMissing as error:
                print(f"  ({error})")
            for line in problems:
                print(f"  ! {line}")
            failures += bool(problems)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
