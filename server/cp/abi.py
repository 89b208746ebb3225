"""The guest interface: the only door from a guest written in Python (CMS, RSCS) to CP.

ARCHITECTURE.md "How a virtual machine runs": a Python guest is one
coroutine per virtual machine, started by ``IPL name`` of its registered
name. It gets a :class:`GuestInterface` and nothing else of CP. Through it
the guest reads and writes its virtual console (a read is a VM READ),
issues CP commands (the same handler as DIAGNOSE X'08', response to the
console or to a buffer), yields with :meth:`GuestInterface.checkpoint` so
its host CPU time is charged to its virtual machine, sees attention, and
runs user programs on the virtual CPU with :meth:`GuestInterface.run_program`,
which returns when the program issues one of the guest's SVCs, loads a
disabled wait PSW, or the user signals attention.

While its user is in CP mode (attention, ``#CP``), the guest is stopped:
``checkpoint``, ``read`` and ``run_program`` wait until BEGIN resumes it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from server.machine.cpu import Stop
from spool.model import Disposition, OutputSettings, SpoolFile
from spool.store import NetworkOrigin, SpoolStore

__all__ = [
    "DiagnoseRefused",
    "DiagnoseResult",
    "GuestInterface",
    "GuestMain",
    "NetworkOrigin",
    "NetworkRefused",
    "ProgramEvent",
    "ReaderFile",
]

if TYPE_CHECKING:
    from server.cp.system import System
    from server.cp.vm import VirtualMachine

CHECKPOINT_SECONDS = 0.005  # a guest loop checkpoints about this often


@dataclass(frozen=True)
class DiagnoseResult:
    """Registers and condition code after a DIAGNOSE issued through the guest interface."""

    cc: int
    rx: int  # R2 (Rx)
    rx1: int  # R3 (Rx+1)
    ry: int  # R4 (Ry)
    ry1: int  # R5 (Ry+1)
    r15: int


class NetworkRefused(PermissionError):
    """The virtual machine's directory entry does not grant network access."""


class DiagnoseRefused(Exception):
    """The DIAGNOSE code or its operands are invalid (a specification exception on a CPU)."""


@dataclass(frozen=True)
class ReaderFile:
    """A spool file in the guest's reader: its attributes and its records."""

    spool_file: SpoolFile
    records: list[bytes]


@dataclass(frozen=True)
class ProgramEvent:
    """Why :meth:`GuestInterface.run_program` returned."""

    reason: str  # "SVC", "WAIT" (disabled wait PSW), "ATTENTION", "CHECK-STOP"
    svc: int | None = None
    psw: bytes = b""


class GuestInterface:
    """One Python guest's view of its virtual machine and of CP."""

    def __init__(self, system: System, vm: VirtualMachine, name: str, parm: str) -> None:
        self._system = system
        self._vm = vm
        self.name = name
        self.parm = parm
        self._last_yield = time.process_time()

    # ---- identity -------------------------------------------------------------
    @property
    def userid(self) -> str:
        return self._vm.userid

    @property
    def node(self) -> str:
        return self._system.node

    @property
    def storage_size(self) -> int:
        return self._vm.storage_size

    # ---- console --------------------------------------------------------------
    def write(self, *lines: str) -> None:
        """Console output (as a 3215 write with carriage return)."""
        self._vm.user.write(*lines)

    async def read(self) -> str:
        """Wait for the user's next console line (VM READ)."""
        await self._vm.guest_running.wait()
        self._charge()
        return await self._vm.guest_read()

    @property
    def attention(self) -> bool:
        """An attention the guest has not yet taken (then cleared)."""
        pending, self._vm.guest_attention = self._vm.guest_attention, False
        return pending

    # ---- CP ---------------------------------------------------------------------
    async def cp(self, text: str, capture: bool = True) -> tuple[int, list[str]]:
        """Run CP command lines (as DIAGNOSE X'08'); the return code and, if captured, lines."""
        from server.cp.guestcmd import run_guest_command

        self._charge()
        return await run_guest_command(self._system, self._vm.user, text, capture)

    async def diagnose(
        self, code: int, rx: int = 0, ry: int = 0, rx1: int = 0, ry1: int = 0, r15: int = 0
    ) -> DiagnoseResult:
        """Issue ``DIAGNOSE 2,4,code`` exactly as a program would (R2/R3 = Rx/Rx+1,
        R4/R5 = Ry/Ry+1, and R15), through the same handlers; storage operands are in
        the virtual machine's storage (``write_storage``). X'08' goes to :meth:`cp`."""
        machine = self._vm.machine
        for number, value in ((2, rx), (3, rx1), (4, ry), (5, ry1), (15, r15)):
            machine.set_gpr(number, value)
        self._charge()
        if not self._vm.diagnose(machine, 2, 4, code):
            raise DiagnoseRefused(f"DIAGNOSE X'{code:02X}' refused")
        if self._vm.diagnose.deferred is not None:  # X'14': the spool's part, now
            machine.cpu.stop_request = None
            await self._vm.diagnose.finish_deferred()
        request = self._vm.diagnose.pending
        if request is not None and not request.text.strip():  # X'08' length 0: CP READ
            self._vm.diagnose.complete_cp_command(0, [])
            machine.cpu.stop_request = None
            self._vm.stop()
            self._vm.user.console_state("CP READ")
            await self._vm.guest_running.wait()  # until BEGIN
        elif request is not None:  # X'08': CP does it now, as for a program after its slice
            self._vm.diagnose.pending = None
            code_, lines = await self.cp(request.text, capture=request.buffer is not None)
            self._vm.diagnose.pending = request
            self._vm.diagnose.complete_cp_command(code_, lines)
            machine.cpu.stop_request = None
        r = machine.gpr
        return DiagnoseResult(machine.cpu.cc, r(2), r(3), r(4), r(5), r(15))

    async def wait_screen_input(self) -> None:
        """Wait until the user presses a key on the full-screen display this guest put up
        (DIAGNOSE X'58' Erase/Write), or CP takes the screen back; then read with
        DIAGNOSE X'58' X'2A' (unit status X'8E' when CP has the screen)."""
        arrived = self._vm.diagnose.full_screen.arrived
        await arrived.wait()
        arrived.clear()
        await self._vm.guest_running.wait()

    async def next_smsg(self) -> tuple[str, str]:
        """The next special message (SMSG) sent to this machine: sender userid and text.

        Messages arrive only while the guest has issued ``SET SMSG ON``."""
        return await self._vm.smsg.get()

    # ---- configuration and saved state -------------------------------------------
    @property
    def settings(self) -> dict[str, Any]:
        """The system configuration's section for this guest (``[rscs]`` for RSCS)."""
        return dict(self._system.guest_settings.get(self.name.lower(), {}))

    async def load_state(self) -> dict[str, Any]:
        """What this guest saved with :meth:`save_state` (for its userid), or {}."""
        return await self._system.guest_state.load(self.userid, self.name)

    async def save_state(self, state: dict[str, Any]) -> None:
        """Keep ``state`` (JSON-serialisable) across restarts, committed before returning."""
        await self._system.guest_state.save(self.userid, self.name, state)

    # ---- spool files (the virtual reader and punch, as DIAGNOSE X'14' serves them) --
    async def next_reader_file(self, spool_class: str | None = None) -> ReaderFile | None:
        """The first readable file in this machine's reader (class ``None`` = any)."""
        store = self._spool()
        spool_file = await store.next_reader_file(self.userid, spool_class)
        if spool_file is None:
            return None
        records = [record async for record in store.records(spool_file.spoolid)]
        return ReaderFile(spool_file, records)

    async def finish_reader_file(self, reader_file: ReaderFile, keep: bool = False) -> None:
        """Done with a reader file: purged, or (``keep``) left in the reader, unheld."""
        disposition = Disposition.KEEP if keep else Disposition.PURGE
        await self._spool().finish_reader(reader_file.spool_file.spoolid, disposition)

    async def user_exists(self, userid: str) -> bool:
        """Is ``userid`` in this system's CP directory (for routing network files)?"""
        return await self._system.store.get_user(userid) is not None

    async def wait_reader_file(self) -> None:
        """Wait until a file arrives in this machine's reader (or return at once if one is
        there: call :meth:`next_reader_file` after)."""
        await self._vm.reader_arrival.wait()
        self._vm.reader_arrival.clear()

    async def send_file(
        self, records: list[bytes], settings: OutputSettings, origin: NetworkOrigin | None = None
    ) -> SpoolFile:
        """Punch or print a whole file and close it (``settings.to``: a user's reader)."""
        store = self._spool()
        writer = store.open_output(self.userid, settings)
        for record in records:
            writer.write(record)
        spool_file = await store.close(writer, origin=origin)
        await self._system.spool_arrived(spool_file)
        return spool_file

    def _spool(self) -> SpoolStore:
        if self._system.spool is None:
            raise RuntimeError("this system has no spool")
        return self._system.spool

    # ---- the network (a CP grant: directory OPTION NETWORK) ---------------------
    def _network_granted(self) -> None:
        if "NETWORK" not in self._vm.user.entry.options:
            raise NetworkRefused(f"{self.userid} IS NOT AUTHORIZED FOR NETWORK ACCESS")

    async def open_connection(
        self, host: str, port: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """Open a TCP connection (only with OPTION NETWORK in the directory entry)."""
        self._network_granted()
        return await asyncio.open_connection(host, port)

    async def start_server(
        self,
        handler: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
        host: str,
        port: int,
    ) -> asyncio.Server:
        """Accept TCP connections (only with OPTION NETWORK); the caller closes the server."""
        self._network_granted()
        server = await asyncio.start_server(handler, host, port)
        self._vm.guest_servers.append(server)
        return server

    async def checkpoint(self) -> None:
        """Yield to the other users; charge the elapsed host CPU time to this machine."""
        self._charge()
        await asyncio.sleep(0)
        await self._vm.guest_running.wait()

    def _charge(self) -> None:
        now = time.process_time()
        self._vm.user.virtual_seconds += now - self._last_yield
        self._last_yield = now

    # ---- storage and programs ---------------------------------------------------
    def read_storage(self, address: int, length: int) -> bytes:
        return self._vm.machine.read(address, length)

    def write_storage(self, address: int, data: bytes) -> None:
        self._vm.machine.load(address, data)

    def gpr(self, number: int) -> int:
        return self._vm.machine.gpr(number)

    def set_storage_keys(self, start: int, end: int, key: int) -> None:
        """The storage key byte of every 2K block from ``start`` up to ``end``, as the
        guest's supervisor sets them with SSK (CMS: nucleus X'F0', user storage X'E0')."""
        machine = self._vm.machine
        for address in range(start & ~0x7FF, min(end, self._vm.storage_size), 0x800):
            machine.storage.set_key(address, key)
        machine.cpu.flush_icache()  # code decoded under the old keys

    def set_gpr(self, number: int, value: int) -> None:
        self._vm.machine.set_gpr(number, value)

    async def run_program(self, psw: bytes, svcs: frozenset[int]) -> ProgramEvent:
        """Run S/370 code from ``psw`` until one of ``svcs``, a disabled wait or attention."""
        await self._vm.guest_running.wait()
        self._charge()
        event = await self._vm.run_guest_program(psw, svcs)
        self._last_yield = time.process_time()
        return event


GuestMain = Callable[[GuestInterface], Awaitable[None]]


def stop_event(reason: Stop, psw: bytes, svc: int | None) -> ProgramEvent:
    """The ProgramEvent for the dispatcher's reason a guest program stopped."""
    if reason is Stop.SVC:
        return ProgramEvent("SVC", svc, psw)
    if reason is Stop.DISABLED_WAIT:
        return ProgramEvent("WAIT", None, psw)
    if reason is Stop.HOOK:
        return ProgramEvent("ATTENTION", None, psw)
    return ProgramEvent("CHECK-STOP", None, psw)
