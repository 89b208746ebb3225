"""Imports every instruction module so that its declarations fill the tables.

The decimal (``insn_decimal``) and hexadecimal floating-point
(``insn_float``) modules are optional while they are being written.
"""

import importlib

from server.machine import (  # noqa: F401 - imported for their registrations
    insn_branch,
    insn_control,
    insn_general,
    insn_io,
    insn_shift,
    insn_storage,
)

OPTIONAL_MODULES = ("server.machine.insn_decimal", "server.machine.insn_float")
LOADED_OPTIONAL: list[str] = []

for _name in OPTIONAL_MODULES:
    try:
        importlib.import_module(_name)
    except ModuleNotFoundError as error:
        if error.name != _name:
            raise
    else:
        LOADED_OPTIONAL.append(_name)
