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

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from server.cp.abi import ProgramEvent, stop_event
from server.cp.diagnose import DiagnoseService
from server.cp.savesys import SavedSystem
from server.cp.timefmt import Clock
from server.cp.trace import TraceSettings
from server.cp.vdevices import VirtualDevice
from server.machine import Machine
from server.machine.channel import Channel
from server.machine.cpu import Stop
from server.machine.devices import Console3215
from server.machine.ipl import ipl

if TYPE_CHECKING:
    from server.cp.dispatcher import Dispatcher
    from server.cp.user import User

log = logging.getLogger(__name__)

# The PSW SYSTEM RESET and CLEAR leave: BC mode, disabled, wait state.
RESET_PSW = bytes.fromhex("0002000000000000")
MIN_STORAGE = 8 * 1024
ADSTOP_SVC = 0xB3  # the SVC CP plants for ADSTOP (reference/cp-cms.md 5.2)


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
        self.devices: dict[int, VirtualDevice] = {}
        self.machine = self._new_machine(self.storage_size)
        self.state = RunState.STOPPED
        self.interactive = False  # had terminal I/O since its last slice (VM/370's Q1)
        self.last_stop: Stop | None = None
        self.deadline = 0.0  # virtual-time deadline in the run queue (weighted by priority)
        self.console_lines: list[str] = []  # typed ahead for the guest's next console read
        # A guest written in Python (IPL of a registered name), and its user program.
        self.guest_name: str | None = None
        self.guest_task: asyncio.Task[None] | None = None
        self.guest_running = asyncio.Event()
        self.guest_attention = False
        self._reader: asyncio.Future[str] | None = None
        self.program: asyncio.Future[ProgramEvent] | None = None
        self.program_svcs: frozenset[int] = frozenset()
        self.program_svc: int | None = None
        self.smsg: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
        self.guest_servers: list[asyncio.Server] = []  # listeners a guest opened
        self.reader_arrival = asyncio.Event()  # a spool file reached this machine's reader
        self.adstop: tuple[int, bytes] | None = None  # address, the halfword under SVC B3
        self.stop_message: str | None = None  # why CP stopped the machine (ADSTOP)
        self.trace = TraceSettings()

    def _new_machine(self, size: int) -> Machine:
        machine = Machine(storage_size=size)
        machine.set_psw(RESET_PSW)
        machine.cpu.timers.set_mode(self.user.settings.timer, 0)  # SET TIMER / REALTIMER
        machine.diagnose_hook = self.diagnose
        machine.svc_hook = self._svc
        self.channel = Channel(machine.cpu)
        machine.channel = self.channel
        for virtual in self.devices.values():
            virtual.device.reset()
            self.channel.attach(virtual.address, virtual.device)
        return machine

    # ---- devices -------------------------------------------------------------
    def attach(self, virtual: VirtualDevice) -> None:
        self.devices[virtual.address] = virtual
        self.channel.attach(virtual.address, virtual.device)

    def ipl_saved(self, saved: SavedSystem, parm: list[int]) -> None:
        """IPL of a named saved system: its storage, keys, registers and PSW; PARM in R0..."""
        self.end_guest()
        self.stop()
        self.clear_adstop()
        self.machine = self._new_machine(self.storage_size)
        saved.restore(self.machine, self.storage_size)
        for number, value in enumerate(parm):
            self.machine.set_gpr(number, value)
        self.begin()

    def trace_output(self, lines: list[str]) -> None:
        """Trace lines to the terminal and/or the virtual printer (TRACE ... PRINTER)."""
        if self.trace.terminal:
            self.user.write(*lines)
        if self.trace.printer:
            for virtual in sorted(self.devices.values(), key=lambda v: v.address):
                output = virtual.unit.output if virtual.unit is not None else None
                if output is not None and virtual.kind == "PRT":
                    for line in lines:
                        output.write(b"\x09" + line.encode("cp037", errors="replace"))
                    break

    def set_adstop(self, address: int) -> None:
        """ADSTOP: an SVC X'B3' planted at ``address`` stops the machine there."""
        self.clear_adstop()
        original = self.machine.read(address, 2)
        self.machine.load(address, bytes((0x0A, ADSTOP_SVC)))
        self.adstop = (address, original)

    def clear_adstop(self) -> None:
        if self.adstop is not None:
            address, original = self.adstop
            self.adstop = None
            if self.machine.read(address, 2) == bytes((0x0A, ADSTOP_SVC)):
                self.machine.load(address, original)

    def detach(self, address: int) -> None:
        virtual = self.devices.pop(address, None)
        if virtual is not None:
            self.channel.detach(address)

    def console(self) -> Console3215 | None:
        for virtual in self.devices.values():
            if isinstance(virtual.device, Console3215):
                return virtual.device
        return None

    def io_posted(self) -> None:
        """A device posted an interruption from outside a slice (a console line)."""
        self.interactive = True
        if self.state is RunState.WAITING:
            self.dispatcher.wake(self)

    def ipl_device(self, address: int, clear: bool) -> None:
        """The architected IPL from a virtual device (reference/diagnose.md §2)."""
        self.end_guest()
        self.stop()
        self.clear_adstop()
        if self.diagnose.segments is not None:  # loaded segments end with IPL
            self.diagnose.segments.release_all(self.machine)
        ipl(self.machine, self.channel, address, clear=clear)
        self.begin()

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
        if self.guest_name is not None:
            self.guest_running.set()
            if self.program is None:
                return
        self.dispatcher.make_runnable(self)

    def stop(self) -> None:
        """Enter CP mode: the machine no longer runs."""
        self.state = RunState.STOPPED
        self.guest_running.clear()
        self.dispatcher.remove(self)

    def system_reset(self, clear: bool = False) -> None:
        """SYSTEM RESET / CLEAR: pending interruptions dropped; CLEAR zeroes storage and keys."""
        self.stop()
        self.clear_adstop()
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
        self.interactive = True
        console = self.console()
        if self.guest_name is None and console is not None:
            console.enter(line)  # ends a pending read, or attention with the line kept
            self.io_posted()
            return True
        if self._reader is not None and not self._reader.done():
            self._reader.set_result(line)
            return True
        if self.console_lines:
            return False
        self.console_lines.append(line)
        return True

    def destroy(self) -> None:
        self.dispatcher.remove(self)
        self.state = RunState.STOPPED
        self.end_guest()

    # ---- guests written in Python -----------------------------------------
    def start_guest(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        """IPL of a registered name: the guest coroutine becomes this machine's program."""
        self.end_guest()
        self.system_reset(clear=True)
        self.guest_name = name
        self.guest_attention = False
        self.state = RunState.RUNNING
        self.guest_running.set()
        self.guest_task = asyncio.get_running_loop().create_task(self._guest(name, run))

    async def _guest(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        try:
            await run()
            ending = f"CP ENTERED; {name} ENDED"
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("guest %s of %s failed", name, self.userid)
            ending = f"CP ENTERED; {name} FAILED; ERROR LOGGED FOR OPERATOR"
        if self.guest_name == name:
            self.guest_name = None
            self.stop()
            self.user.write(ending)
            self.user.console_state("CP READ")

    def end_guest(self) -> None:
        for server in self.guest_servers:
            server.close()
        self.guest_servers.clear()
        task, self.guest_task = self.guest_task, None
        self.guest_name = None
        if task is not None and not task.done():
            task.cancel()
        if self.program is not None and not self.program.done():
            self.program.cancel()
        self.console_lines.clear()

    async def guest_read(self) -> str:
        """The guest's console read: typed-ahead input, or the next line (VM READ)."""
        if self.console_lines:
            return self.console_lines.pop(0)
        self._reader = asyncio.get_running_loop().create_future()
        self.user.console_state("VM READ")
        try:
            return await self._reader
        finally:
            self._reader = None
            self.user.console_state("RUNNING" if self.state is RunState.RUNNING else "CP READ")

    async def run_guest_program(self, psw: bytes, svcs: frozenset[int]) -> ProgramEvent:
        """Dispatch S/370 code for a Python guest until an event it must handle."""
        self.machine.set_psw(psw)
        self.program = asyncio.get_running_loop().create_future()
        self.program_svcs = svcs
        self.dispatcher.make_runnable(self)
        try:
            return await self.program
        finally:
            self.program = None

    def _svc(self, machine: Machine, number: int) -> bool:
        """SVCs CP takes: the ADSTOP marker, and a Python guest's program's own SVCs."""
        if number == ADSTOP_SVC and self.adstop is not None:
            address, original = self.adstop
            if machine.cpu.ia == (address + 2) & 0xFFFFFF:
                self.clear_adstop()
                machine.cpu.ia = address  # BEGIN runs the instruction that was there
                self.stop_message = f"ADSTOP AT {address:06X}"
                machine.request_stop(Stop.HOOK)
                return True
        if self.program is None or number not in self.program_svcs:
            return False  # the architected SVC interruption
        self.program_svc = number
        machine.request_stop(Stop.SVC)
        return True

    def program_stopped(self, reason: Stop) -> None:
        """The dispatcher's word that the guest's program reached an event."""
        if self.program is not None and not self.program.done():
            svc = self.program_svc if reason is Stop.SVC else None
            self.program.set_result(stop_event(reason, self.machine.psw(), svc))
        self.program_svc = None

    def interrupt_program(self) -> None:
        """Attention while a guest's program runs: stop it after this instruction."""
        if self.program is not None:
            self.machine.request_stop(Stop.HOOK)
            self.dispatcher.remove(self)
            self.program_stopped(Stop.HOOK)
