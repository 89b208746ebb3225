"""The System/370 processor, storage, channel and devices: pure computation, stdlib only.

Public embedding API: :class:`Machine` (``machine.py``), :class:`Stop` (why
``run``/``run_slice`` returned) and :func:`disassemble` (``disasm.py``).

Processor modules: ``isa.py`` (instruction declarations, formats, program
interruption codes; how to declare an instruction), ``cpu.py`` (state,
storage access, ``run_slice``), ``blocks.py`` and ``templates.py`` (the
basic-block compiler), ``psw.py``, ``interrupts.py``, ``dat.py``,
``timers.py``, ``storage.py``, ``channel_hook.py`` (the CPU's side of the
channel), and the instruction groups ``insn_general``, ``insn_branch``,
``insn_storage``, ``insn_shift``, ``insn_control``, ``insn_io``,
``insn_decimal`` and ``insn_float`` (all imported by ``instructions.py``).
"""

from server.machine.cpu import CPU, Stop
from server.machine.disasm import disassemble
from server.machine.isa import ProgramCheck
from server.machine.machine import Machine

__all__ = ["CPU", "Machine", "ProgramCheck", "Stop", "disassemble"]
