"""Imports every instruction module so that its declarations fill the tables.

``machine.py`` (and ``disasm.py``) import this module; an instruction module
that is not imported here does not exist for the CPU.
"""

from server.machine import (  # noqa: F401 - imported for their registrations
    insn_branch,
    insn_control,
    insn_decimal,
    insn_float,
    insn_general,
    insn_io,
    insn_shift,
    insn_storage,
)
