"""The Hercules differential oracle for vm370's System/370 processor.

Corpus programs (``tests/machine/corpus/*.s``) are assembled with GNU as,
run on Hercules in ARCHMODE S/370 and on ``server.machine.Machine``, and
their end states compared. ``python -m tests.machine.oracle NAME...`` shows
what Hercules (and Machine, once it exists) make of programs.
"""

from .hercules import Hercules, HerculesError
from .machine_side import MachineMissing, run_on_machine
from .program import DirectiveError, Program, assemble, corpus, parse
from .state import State, check_expectations, diff

__all__ = [
    "DirectiveError",
    "Hercules",
    "HerculesError",
    "MachineMissing",
    "Program",
    "State",
    "assemble",
    "check_expectations",
    "corpus",
    "diff",
    "parse",
    "run_on_machine",
]
