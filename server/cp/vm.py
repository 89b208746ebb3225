"""A user's virtual machine: the System/370 CP built at LOGON, and its run state.

CP keeps each virtual machine in one of these states (reference/cp-cms.md
1.1, ARCHITECTURE.md "How a virtual machine runs"):

* STOPPED - CP mode: the machine does not run (after LOGON, attention,
  a disabled wait, SYSTEM RESET); BEGIN or IPL leaves it.
* RUNNING - on the dispatcher's run queue.
* WAITING - in an enabled wait state; off the run queue until an
  interruption can be pending.

The machine is a :class:`server.machine.Machine` sized from the directory
(``USER … stor maxstor``); DEFINE STORAGE replaces it with a new one.
"""

from __future__ import annotations

import enum
import time
from typing import TYPE_CHECKING

from server.cp.diagnose import DiagnoseService
from server.cp.timefmt import Clock
from server.machine import Machine
from server.machine.cpu import Stop

if TYPE_CHECKING:
    from server.cp.dispatcher import Dispatcher
    from server.cp.user import User

# The PSW SYSTEM RESET and CLEAR leave: BC mode, disabled, wait state.
RESET_PSW = bytes.fromhex("0002000000000000")
MIN_STORAGE = 8 * 1024


class RunState(enum.Enum):
    STOPPED = "STOPPED"
    RUNNING = "RUNNING"
    WAITING = "WAITING"
    IN_CP = "IN CP"  # CP is doing work the guest asked for (DIAGNOSE X'08')


def round_storage(size: int) -> int:
    """DEFINE STORAGE rounds up to a 4K multiple (reference/cp-cms.md 5.9)."""
    return max(MIN_STORAGE, (size + 4095) // 4096 * 4096)


class VirtualMachine:
    """The virtual System/370 of one logged-on user."""

    def __init__(self, user: User, dispatcher: Dispatcher, clock: Clock) -> None:
        self.user = user
        self.dispatcher = dispatcher
        self.clock = clock
        self.diagnose = DiagnoseService(self)
        self.accounting_records = 0
        self.storage_size = round_storage(user.entry.storage)
        self.max_storage = max(self.storage_size, user.entry.max_storage)
        self.machine = self._new_machine(self.storage_size)
        self.state = RunState.STOPPED
        self.interactive = False  # had terminal I/O since its last slice (VM/370's Q1)
        self.slices = 0
        self.last_stop: Stop | None = None
        self.ready_at = time.monotonic()  # for the run queue's virtual-time deadline
        self.console_lines: list[str] = []  # typed ahead for the guest's next console read

    def _new_machine(self, size: int) -> Machine:
        machine = Machine(storage_size=size)
        machine.set_psw(RESET_PSW)
        machine.diagnose_hook = self.diagnose
        return machine

    @property
    def userid(self) -> str:
        return self.user.userid

    # ---- CP mode and running ---------------------------------------------
    def begin(self, address: int | None = None) -> None:
        """Leave CP mode: resume at the PSW (or at ``address``)."""
        if address is not None:
            # BEGIN hexloc resumes there even from the reset PSW: the wait bit goes.
            current = bytearray(self.machine.psw())
            current[1] &= ~0x02
            self.machine.set_psw(bytes(current[:5]) + address.to_bytes(3, "big"))
        self.state = RunState.RUNNING
        self.dispatcher.make_runnable(self)

    def stop(self) -> None:
        """Enter CP mode: the machine no longer runs."""
        self.state = RunState.STOPPED
        self.dispatcher.remove(self)

    def system_reset(self, clear: bool = False) -> None:
        """SYSTEM RESET / CLEAR: pending interruptions dropped; CLEAR zeroes storage and keys."""
        self.stop()
        if clear:
            self.machine = self._new_machine(self.storage_size)
            return
        cpu = self.machine.cpu
        cpu.pending_external.clear()
        cpu.restart_pending = False
        self.machine.set_psw(RESET_PSW)

    def define_storage(self, size: int) -> int:
        """DEFINE STORAGE: a new, cleared machine of ``size`` bytes (rounded)."""
        self.stop()
        self.storage_size = round_storage(size)
        self.machine = self._new_machine(self.storage_size)
        return self.storage_size

    def restart(self) -> None:
        """SYSTEM RESTART: the restart interruption (old PSW at 8, new PSW from 0)."""
        self.machine.restart()
        self.begin()

    def console_input(self, line: str) -> bool:
        """A line for the guest's console; False when one is already waiting (NOT ACCEPTED)."""
        if self.console_lines:
            return False
        self.console_lines.append(line)
        self.interactive = True
        return True

    def destroy(self) -> None:
        self.dispatcher.remove(self)
        self.state = RunState.STOPPED
