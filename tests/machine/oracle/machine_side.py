"""Run a corpus image on vm370's own processor, ``server.machine.Machine``.

The start mirrors what the Hercules side does after ``sysclear``: a cleared
machine of the same storage size, the image loaded at 0, and the PSW at 0
made current (the restart interruption's new PSW). The restart old PSW that
Hercules stores at 0x08 is not compared.
"""

from __future__ import annotations

from typing import Any

from .hercules import STORAGE_MB
from .program import Program
from .state import KEY_BLOCK, State


class MachineMissing(RuntimeError):
    """``server.machine.Machine`` cannot be imported yet."""


def machine_class() -> Any:
    """The ``Machine`` class, or :class:`MachineMissing` while it is not built."""
    try:
        from server.machine import Machine  # type: ignore[attr-defined,unused-ignore]
    except ImportError as error:
        raise MachineMissing(f"server.machine not built yet ({error})") from error
    return Machine


def _in_disabled_wait(psw: bytes) -> bool:
    """Wait bit on and every interruption mask off (BC or EC format)."""
    if not psw[1] & 0x02:
        return False
    ec_mode = bool(psw[1] & 0x08)
    io_or_external = psw[0] & (0x03 if ec_mode else 0xFF)
    return not io_or_external and not psw[1] & 0x04


def run_on_machine(program: Program) -> State:
    """Run ``program`` on ``Machine`` until its disabled wait (or its limit) and capture it."""
    machine = machine_class()(storage_size=STORAGE_MB << 20)
    machine.load(0, program.image)
    machine.set_psw(program.image[:8])
    reason = machine.run(limit=program.limit)
    state = State(
        psw=bytes(machine.psw()),
        gprs=[machine.gpr(n) & 0xFFFFFFFF for n in range(16)],
        crs=[machine.cr(n) & 0xFFFFFFFF for n in range(16)],
        fprs={n: bytes(machine.fpr(n)) for n in (0, 2, 4, 6)},
    )
    for low, high in program.storage_ranges():
        data = bytes(machine.read(low, high - low + 1))
        state.storage.update(zip(range(low, high + 1), data, strict=True))
    for low, high in program.keys:
        for block in range(low & ~(KEY_BLOCK - 1), high + 1, KEY_BLOCK):
            state.keys[block] = machine.key(block)
    state.waited = _in_disabled_wait(state.psw)
    if not state.waited:
        executed = getattr(machine, "instructions_executed", "?")
        state.note = f"stopped ({reason!r}) after {executed} instructions"
    return state
