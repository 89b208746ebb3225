"""The System/370 processor, storage, channel and devices: pure computation, stdlib only.

Public embedding API: :class:`Machine` (see ``machine.py``), :class:`Stop`
(why ``run``/``run_slice`` returned) and :func:`disassemble`.
"""

from server.machine.cpu import CPU, Stop
from server.machine.isa import ProgramCheck
from server.machine.machine import Machine

__all__ = ["CPU", "Machine", "ProgramCheck", "Stop"]
