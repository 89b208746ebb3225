"""A whole System/370 for embedders: storage, one CPU, hooks, and the run loop.

Models a uniprocessor System/370 after initial CPU reset (Principles of
Operation, GA22-7000, chapter 4, "CPU Reset" and "Initial CPU Reset"), with
the TOD clock set and running.  With no hooks attached an SVC takes the SVC
interruption through the new PSW at X'60', DIAGNOSE is a specification
exception and the I/O instructions find no channel (condition code 3).

Hooks (each may be None):

* ``svc_hook(machine, number) -> bool`` - True when the hook serviced the
  SVC (the program continues after it); False for the architected
  interruption.
* ``diagnose_hook(machine, r1, r3, code) -> bool`` - ``code`` is the
  second-operand address; False gives the specification exception.
* ``channel`` - a :class:`server.machine.channel_hook.ChannelHook`.

A hook that needs the embedder to do slow work calls
``machine.request_stop(Stop.SVC)`` (or DIAGNOSE, IO): the instruction
completes and ``run_slice`` returns that reason.
"""

from __future__ import annotations

from collections.abc import Callable

import server.machine.instructions  # noqa: F401 - registers every instruction
from server.machine import interrupts, psw
from server.machine.channel_hook import ChannelHook
from server.machine.cpu import CPU, Stop
from server.machine.disasm import disassemble
from server.machine.storage import Storage

SLICE = 50_000

SvcHook = Callable[["Machine", int], bool]
DiagnoseHook = Callable[["Machine", int, int, int], bool]
TraceHook = Callable[["Machine", int, bytes, str], None]


class Machine:
    """One System/370: ``storage_size`` bytes of storage and a CPU.

    ``compile_blocks=False`` runs everything through the interpreter (the
    block compiler, ``blocks.py``, must give identical results).
    """

    def __init__(self, storage_size: int = 1 << 20, instructions_per_us: float = 1.0,
                 compile_blocks: bool = True) -> None:
        self.storage = Storage(storage_size)
        self.cpu = CPU(self.storage)
        self.cpu.timers.set_rate(instructions_per_us, 0)
        self.cpu.block_mode = compile_blocks
        self._svc_hook: SvcHook | None = None
        self._diagnose_hook: DiagnoseHook | None = None

    # -- storage ------------------------------------------------------------------

    def load(self, address: int, data: bytes) -> None:
        """Put bytes into real storage (no keys checked, no change bits set)."""
        self.storage.write(address, data)
        self.cpu.invalidate(address, len(data))

    def read(self, address: int, length: int) -> bytes:
        return self.storage.read(address, length)

    def storage_changed(self, address: int, length: int) -> None:
        """Tell the CPU that something other than it (a channel) stored here."""
        self.storage.mark_changed(address, length)
        self.cpu.invalidate(address, length)

    def key(self, address: int) -> int:
        return self.storage.key(address)

    def set_key(self, address: int, key: int) -> None:
        self.storage.set_key(address, key)
        self.cpu.flush_icache()

    # -- registers and PSW --------------------------------------------------------

    def psw(self) -> bytes:
        return psw.pack(self.cpu)

    def set_psw(self, psw8: bytes) -> None:
        if len(psw8) != 8:
            raise ValueError("a PSW is 8 bytes")
        psw.load(self.cpu, bytes(psw8))

    def gpr(self, n: int) -> int:
        return self.cpu.r[n & 15]

    def set_gpr(self, n: int, value: int) -> None:
        self.cpu.r[n & 15] = value & 0xFFFFFFFF

    def fpr(self, n: int) -> bytes:
        return self.cpu.fpr[n & 6].to_bytes(8, "big")

    def set_fpr(self, n: int, value: bytes) -> None:
        self.cpu.fpr[n & 6] = int.from_bytes(value, "big")

    def cr(self, n: int) -> int:
        return self.cpu.cr[n & 15]

    def set_cr(self, n: int, value: int) -> None:
        self.cpu.cr[n & 15] = value & 0xFFFFFFFF
        self.cpu.flush_translation()
        self.cpu.mode_changed()

    @property
    def instructions_executed(self) -> int:
        return self.cpu.instructions_executed

    # -- hooks ---------------------------------------------------------------------

    @property
    def svc_hook(self) -> SvcHook | None:
        return self._svc_hook

    @svc_hook.setter
    def svc_hook(self, hook: SvcHook | None) -> None:
        self._svc_hook = hook
        self.cpu.svc_hook = None if hook is None else (lambda number: hook(self, number))

    @property
    def diagnose_hook(self) -> DiagnoseHook | None:
        return self._diagnose_hook

    @diagnose_hook.setter
    def diagnose_hook(self, hook: DiagnoseHook | None) -> None:
        self._diagnose_hook = hook
        self.cpu.diagnose_hook = None if hook is None else (
            lambda r1, r3, code: hook(self, r1, r3, code))

    @property
    def channel(self) -> ChannelHook | None:
        return self.cpu.channel

    @channel.setter
    def channel(self, channel: ChannelHook | None) -> None:
        self.cpu.channel = channel

    def request_stop(self, reason: Stop) -> None:
        self.cpu.request_stop(reason)

    # -- external events -------------------------------------------------------------

    def restart(self) -> None:
        """The console's restart key: a restart interruption before the next instruction."""
        self.cpu.restart_pending = True

    def press_interrupt_key(self) -> None:
        self.cpu.pending_external.add(interrupts.EXT_INTERRUPT_KEY)

    def external_signal(self, number: int) -> None:
        """External signal 2-7."""
        if not 2 <= number <= 7:
            raise ValueError("external signals are numbered 2 to 7")
        self.cpu.pending_external.add(interrupts.EXT_SIGNAL_2 >> (number - 2))

    def set_rate(self, instructions_per_us: float) -> None:
        """How many instructions make one microsecond of virtual time."""
        self.cpu.timers.set_rate(instructions_per_us, self.cpu.instructions_executed)

    def advance_time(self, microseconds: float) -> None:
        """Let virtual time pass without instructions (the CPU waited)."""
        self.cpu.timers.add_idle(microseconds * 4096, self.cpu.instructions_executed)

    def enable_profile(self, on: bool = True) -> None:
        """Count executed instructions per mnemonic into ``profile``."""
        self.cpu.profile = {} if on else None
        self.cpu.flush_icache()

    @property
    def profile(self) -> dict[str, int]:
        return dict(self.cpu.profile or {})

    def set_trace(self, trace: TraceHook | None) -> None:
        """Call ``trace(machine, address, instruction, text)`` before every
        instruction (CP's TRACE); ``text`` is the disassembly.  Tracing runs
        the interpreter only; None switches it off."""
        if trace is None:
            self.cpu.trace = None
        else:
            self.cpu.trace = lambda address, data: trace(self, address, data,
                                                         disassemble(data, address))
        self.cpu.flush_icache()

    # -- running ---------------------------------------------------------------------

    def run_slice(self, budget: int) -> Stop:
        return self.cpu.run_slice(budget)

    def run(self, limit: int = 10_000_000) -> Stop:
        """Run until a disabled wait, a hook's stop, or ``limit`` instructions.

        An enabled wait skips virtual time to the next enabled timer
        interruption; with none possible, it returns ``Stop.WAIT``.
        """
        remaining = limit
        while remaining > 0:
            reason = self.cpu.run_slice(min(remaining, SLICE))
            remaining -= max(self.cpu.consumed, 1 if reason is Stop.WAIT else 0)
            if reason is Stop.BUDGET:
                continue
            if reason is Stop.WAIT:
                delay = interrupts.time_to_next_event(self.cpu)
                if delay is None:
                    return Stop.WAIT
                self.cpu.timers.add_idle(delay + 1, self.cpu.instructions_executed)
                continue
            return reason
        return Stop.LIMIT
