"""The running system: logged-on users, terminals, the operator's console.

This is CP's global state (the VMBLOK chain and the real terminal table of
VM/370): who is logged on, which terminal (real address) each uses, the log
message, and the primary operator's console, which receives the
``GRAF raddr LOGON  AS userid  USERS = nnn`` lines (reference/cp-cms.md 4).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from directory.model import Minidisk, UserEntry
from directory.store import DirectoryStore
from server.cp.abi import GuestInterface, GuestMain
from server.cp.diag3c import DirectoryUpdate, Installer
from server.cp.dispatcher import Dispatcher
from server.cp.guestcmd import run_guest_command
from server.cp.gueststate import GuestStateStore
from server.cp.lineedit import EditSymbols
from server.cp.links import LinkRefused, LinkTable, describe
from server.cp.messages import CPError, not_available
from server.cp.savesys import SavedSystemError, SavedSystems, parm_registers
from server.cp.segments import SegmentLinkage, Segments
from server.cp.spooldev import make_unit_record
from server.cp.tdisk import TdiskPool
from server.cp.timefmt import Clock, connect_time, cpu_time, stamp
from server.cp.user import User
from server.cp.vdevices import (
    VirtualDevice,
    console_device,
    minidisk_device,
)
from server.cp.vm import RunState, VirtualMachine
from server.dasd.volumes import VolumeRegistry
from server.machine.cpu import Stop
from server.machine.ipl import IplError
from spool.model import DeviceType, SpoolFile
from spool.store import SpoolStore

if TYPE_CHECKING:
    from server.cp.hopper import CardHopper
    from server.cp.realur import RealUnitRecord
    from server.cp.session import Session

log = logging.getLogger(__name__)


SPOOL_KINDS = {"READER": DeviceType.RDR, "PUNCH": DeviceType.PUN, "PRINTER": DeviceType.PRT}


def not_in_directory(userid: str, address: int) -> CPError:
    return CPError("LNK", 107, f"{userid} {address:03X} NOT LINKED; NOT IN CP DIRECTORY")


def device_address(token: str) -> int | None:
    """A virtual device address (1-3 hex digits), or None for a name."""
    if 1 <= len(token) <= 3 and all(c in "0123456789ABCDEF" for c in token):
        return int(token, 16)
    return None


CPLEVEL = "VM/370 RELEASE 6 (VM370 0.1.0)"


@dataclass
class LogonThrottle:
    """Failed logons per userid and per address; past the limit, answers are delayed."""

    limit: int = 5
    window: float = 60.0
    delay: float = 5.0
    failures: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))

    def _recent(self, key: str, now: float) -> deque[float]:
        stamps = self.failures[key]
        while stamps and now - stamps[0] > self.window:
            stamps.popleft()
        return stamps

    def record_failure(self, *keys: str) -> None:
        now = time.monotonic()
        for key in keys:
            self._recent(key, now).append(now)

    def penalty(self, *keys: str) -> float:
        now = time.monotonic()
        if any(len(self._recent(key, now)) >= self.limit for key in keys):
            return self.delay
        return 0.0


@dataclass
class LogMessage:
    """The system log message shown at logon (SET LOGMSG, QUERY LOGMSG)."""

    path: Path | None
    lines: list[str] = field(default_factory=list)
    set_at: dt.datetime | None = None

    def load(self) -> None:
        if self.path is None or not self.path.exists():
            return
        text = self.path.read_text(encoding="utf-8").splitlines()
        if text:
            self.set_at = dt.datetime.fromisoformat(text[0])
            self.lines = text[1:]

    def save(self) -> None:
        if self.path is None:
            return
        body = [self.set_at.isoformat() if self.set_at else dt.datetime.now().isoformat()]
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text("\n".join(body + self.lines) + "\n", encoding="utf-8")
        temporary.replace(self.path)


class System:
    """Everything CP shares between sessions."""

    def __init__(
        self,
        store: DirectoryStore,
        *,
        clock: Clock | None = None,
        operator: str = "OPERATOR",
        node: str = "VM370",
        data_dir: Path | None = None,
        spool: SpoolStore | None = None,
    ) -> None:
        self.store = store
        self.spool = spool
        self.clock = clock or Clock()
        self.operator_userid = operator
        self.node = node
        self.started_at = self.clock.now()
        self.users: dict[str, User] = {}
        self.sessions: set[Session] = set()
        self._raddrs: dict[str, dict[int, Session]] = {"LINE": {}, "GRAF": {}}
        self.default_symbols = EditSymbols()
        self.throttle = LogonThrottle()
        self.logmsg = LogMessage(data_dir / "logmsg.txt" if data_dir else None)
        self.logmsg.load()
        self.shutdown_requested = asyncio.Event()
        self.peak_users = 0
        self.dispatcher = Dispatcher()
        self.dispatcher.on_stop = self._vm_stopped
        self.dispatcher.on_cp_request = self._guest_cp_request
        self._guest_work: set[asyncio.Task[None]] = set()
        self.guests: dict[str, GuestMain] = {}
        self.volumes: VolumeRegistry | None = None  # set by the composition root
        self.tdisks: TdiskPool | None = None  # set with the volumes
        self.install_volumes: Installer | None = None  # DIAGNOSE X'3C': set by the root
        self.guest_settings: dict[str, dict[str, Any]] = {}  # config sections by guest name
        self.guest_state = GuestStateStore(data_dir)
        self.links = LinkTable()
        self.attached: dict[str, tuple[str, int]] = {}  # volser -> (userid, vaddr): ATTACH
        self.saved_systems = SavedSystems(data_dir)
        self.segments = Segments(data_dir)  # named segments (DEFSEG/SAVESEG, DIAG X'64')
        self.real_ur: RealUnitRecord | None = None  # the real printers and punches
        self.hopper: CardHopper | None = None  # the real card reader
        self.data_dir = data_dir
        self.logons_enabled = True  # DISABLE ALL / ENABLE ALL (class A)
        self.offline_units: set[int] = set()  # real printers/punches VARYed OFFLINE
        self.offline_volumes: set[str] = set()  # volumes VARYed OFFLINE (no LINK, no ATTACH)

    # ---- terminals --------------------------------------------------------
    def allocate_raddr(self, session: Session) -> int:
        """A real device address for a new terminal: LINE from 020, GRAF from 0C0."""
        kind = session.console.kind
        pool = self._raddrs[kind]
        address = 0x020 if kind == "LINE" else 0x0C0
        while address in pool:
            address += 1
        pool[address] = session
        self.sessions.add(session)
        return address

    def release_raddr(self, session: Session) -> None:
        pool = self._raddrs[session.console.kind]
        if pool.get(session.raddr) is session:
            del pool[session.raddr]
        self.sessions.discard(session)

    # ---- users ------------------------------------------------------------
    @property
    def user_count(self) -> int:
        return len(self.users)

    def find_user(self, userid: str) -> User | None:
        return self.users.get(userid.upper())

    def operator_console(self, text: str) -> None:
        """A line for the primary operator's console (and the system log)."""
        log.info("OPERATOR: %s", text)
        operator = self.users.get(self.operator_userid)
        if operator is not None:
            operator.write(text)

    def add_user(self, entry: UserEntry, session: Session | None) -> User:
        """A new logged-on user; ``session`` None for AUTOLOG (disconnected)."""
        user = User(entry, self.clock.now())
        self.users[user.userid] = user
        user.vm = VirtualMachine(user, self.dispatcher, self.clock)
        user.vm.diagnose.segments = SegmentLinkage(self.segments)
        user.vm.diagnose.directory = DirectoryUpdate(self.store, self.install_volumes)
        self.peak_users = max(self.peak_users, self.user_count)
        if session is not None:
            self.attach(user, session)
        return user

    async def autolog(self, entry: UserEntry) -> User:
        """AUTOLOG: log a user on disconnected and run its directory IPL (cp-cms.md 4.6)."""
        user = self.add_user(entry, None)
        user.terminal.symbols = user.terminal.symbols.off()
        self.operator_console(f"AUTO LOGON  ***   {user.userid:<8} USERS = {self.user_count:03d}")
        await self.configure_devices(user)
        if entry.ipl is not None:
            try:
                await self.ipl(user, entry.ipl.target, entry.ipl.parm or "")
            except CPError as failure:
                self.operator_console(
                    f"{user.userid}: {failure.message.code} {failure.message.text}"
                )
        return user

    def attach(self, user: User, session: Session) -> None:
        user.session = session
        session.user = user

    def disconnect(self, user: User, reason: str = "DISCONN") -> None:
        """The user's terminal goes away; the virtual machine stays."""
        session = user.session
        user.session = None
        if session is not None:
            session.user = None
            device = session.device
        else:
            device = "USER DSC"
        self.operator_console(f"{device} DISCONNECT {user.userid:<8} USERS = {self.user_count:03d}")

    def logoff(self, user: User, forced: bool = False) -> list[str]:
        """End a user's session; returns the accounting lines for its terminal."""
        lines = [
            f"CONNECT= {connect_time(user.connect_seconds())} "
            f"VIRTCPU= {cpu_time(user.virtual_seconds)} "
            f"TOTCPU= {cpu_time(user.virtual_seconds + user.cp_seconds)}",
            f"LOGOFF AT {stamp(self.clock.now())}" + (" BY SYSTEM" if forced else ""),
        ]
        user.logged_off = True
        self.links.remove_user(user.userid)
        for volser in [v for v, (u, _) in self.attached.items() if u == user.userid]:
            del self.attached[volser]  # attached volumes go back to the system
        if self.tdisks is not None:
            self.tdisks.release(user.userid)
        if user.vm is not None:
            user.vm.destroy()
        self.users.pop(user.userid, None)
        device = user.session.device if user.session is not None else "USER DSC"
        suffix = " FORCED" if forced else ""
        self.operator_console(
            f"{device} LOGOFF AS {user.userid:<8} USERS = {self.user_count:03d}{suffix}"
        )
        if user.session is not None:
            user.session.user = None
        user.session = None
        return lines

    def register_guest(self, name: str, main: GuestMain) -> None:
        """Make ``IPL name`` start a guest written in Python (done by the composition root)."""
        self.guests[name.upper()] = main

    async def configure_devices(self, user: User) -> None:
        """The virtual devices of the directory entry: console, MDISKs and LINKs."""
        vm, entry = user.vm, user.entry
        if vm is None:
            return
        if entry.console is not None:
            vm.attach(console_device(entry.console.address, user))
        if self.spool is not None:
            for statement in entry.spool:
                kind = SPOOL_KINDS[statement.kind.value]
                unit = make_unit_record(
                    self, self.spool, user, statement.address, kind, statement.spool_class
                )
                vm.attach(
                    VirtualDevice(
                        statement.address,
                        kind.value,
                        unit.device,
                        device_type=statement.device_type,
                        unit=unit,
                    )
                )
        for disk in entry.mdisks:  # the owner's own disks, in the MDISK statement's mode
            try:
                self.link_minidisk(user, user.userid, disk, disk.address, disk.mode, logon=True)
            except CPError as refused:
                user.write(refused.message.code + " " + refused.message.text)
        for link in entry.links:
            owner = await self.store.get_user(link.userid)
            linked = owner.minidisk(link.target_address) if owner is not None else None
            try:
                if linked is None:
                    raise not_in_directory(link.userid, link.target_address)
                self.link_minidisk(user, link.userid, linked, link.address, link.mode)
            except CPError as refused:
                user.write(refused.message.code + " " + refused.message.text)

    def link_minidisk(
        self, user: User, owner: str, disk: Minidisk, address: int, mode: str, logon: bool = False
    ) -> str:
        """Attach ``owner``'s minidisk at ``address`` in ``mode``; the LINKED response.

        At LOGON one's own disk held R/W by someone else is forced R/O (cp-cms.md 5.19)."""
        vm = user.vm
        if vm is None or self.volumes is None:
            raise not_available("LNK", "MINIDISKS")
        if address in vm.devices:
            raise CPError(
                "LNK",
                110,
                f"{owner} {disk.address:03X} NOT LINKED; DASD {address:03X} ALREADY DEFINED",
            )
        key = (owner, disk.address)
        try:
            write = self.links.decide(key, user.userid, mode)
        except LinkRefused as refused:
            if not (logon and owner == user.userid):
                raise CPError(
                    "LNK",
                    104 if refused.access == "R/W" else 105,
                    f"{owner} {disk.address:03X} NOT LINKED; {refused.access} BY "
                    f"{describe(refused.holders)}",
                ) from None
            write = False  # one's own disk held R/W elsewhere: forced R/O
            user.write(
                f"DMKLNK101W DASD {address:03X} FORCED R/O; R/W BY {describe(refused.holders)}"
            )
        virtual = (
            None  # a volume VARYed OFFLINE
            if disk.volser.upper() in self.offline_volumes
            else minidisk_device(self.volumes, owner, disk, address, not write)
        )
        if virtual is None:
            raise CPError(
                "LNK",
                107,
                f"{owner} {disk.address:03X} NOT LINKED; VOLUME {disk.volser} NOT AVAILABLE",
            )
        response = self.links.response(key, user.userid, address, write)
        self.links.add(key, (user.userid, address), write)
        vm.attach(virtual)
        return response

    async def ipl(
        self, user: User, target: str, parm: str = "", stop: bool = False, clear: bool = False
    ) -> None:
        """IPL a device (vaddr) or a guest registered by name."""
        vm = user.vm
        if vm is None:
            raise not_available("CFG", "VIRTUAL MACHINE")
        name = target.upper()
        address = device_address(name)
        if name not in self.guests and self.saved_systems.exists(name):
            self._ipl_saved(user, vm, name, parm, stop)
            return
        if address is not None and name not in self.guests:
            virtual = vm.devices.get(address)
            if virtual is not None and virtual.unit is not None and virtual.unit.reader:
                await virtual.unit.reader.prepare()  # the deck must be there for the IPL read
            self._ipl_device(user, vm, address, clear, stop)
            return
        main = self.guests.get(name)
        if main is None:
            raise not_available("CFG", f"IPL {name}")
        interface = GuestInterface(self, vm, name, parm)
        vm.start_guest(name, lambda: main(interface))
        if stop:  # IPL ... STOP: the guest waits for BEGIN
            vm.stop()
            user.console_state("CP READ")
        else:
            user.console_state("RUNNING")

    async def spool_arrived(self, spool_file: SpoolFile) -> None:
        """A closed file reached a reader queue: tell its owner; a waiting reader reads it."""
        from server.cp.commands.spoolfiles import notify_arrival

        notify_arrival(self, spool_file)
        owner = self.find_user(spool_file.owner)
        if owner is None or owner.vm is None:
            return
        owner.vm.reader_arrival.set()
        # A virtual reader takes the file only when its program is already reading: a file
        # staged early would be held "in use" from every other way of reading it.
        for virtual in owner.vm.devices.values():
            if virtual.unit is not None and virtual.unit.reader is not None:
                virtual.unit.reader.stage_if_waiting()

    async def close_spool_files(self, user: User) -> None:
        """LOGOFF closes the open output files (cp-cms.md 4.4) and gives back staged input."""
        if user.vm is None:
            return
        if user.console_spool is not None:  # LOGOFF closes the console file too
            spool, user.console_spool = user.console_spool, None
            console_file = await spool.output.close(force=True)
            if console_file is not None:
                await self.spool_arrived(console_file)
        for virtual in list(user.vm.devices.values()):
            if virtual.unit is not None and virtual.unit.reader is not None:
                virtual.unit.reader.unstage()
            output = virtual.unit.output if virtual.unit is not None else None
            if output is not None and output.is_open:
                spool_file = await output.close(force=True)
                if spool_file is not None:
                    await self.spool_arrived(spool_file)

    def _ipl_saved(self, user: User, vm: VirtualMachine, name: str, parm: str, stop: bool) -> None:
        try:
            vm.ipl_saved(self.saved_systems.load(name), parm_registers(parm))
        except (SavedSystemError, OSError) as error:
            raise CPError("CFG", 41, f"SYSTEM {name} CANNOT BE LOADED: {error}") from None
        if stop:
            vm.stop()
            user.console_state("CP READ")
        else:
            user.console_state("RUNNING")

    def _ipl_device(
        self, user: User, vm: VirtualMachine, address: int, clear: bool, stop: bool
    ) -> None:
        if address not in vm.devices:
            raise CPError("CFG", 40, f"DEV {address:03X} DOES NOT EXIST")
        try:
            vm.ipl_device(address, clear)
        except IplError as failure:
            log.info("IPL %03X for %s failed: %s", address, user.userid, failure)
            vm.stop()
            user.console_state("CP READ")
            raise CPError(
                "DSP", 450, "CP ENTERED; VIRTUAL MACHINE NOT IN RUNNABLE STATE", "W"
            ) from None
        if stop:
            vm.stop()
            user.console_state("CP READ")
        else:
            user.console_state("RUNNING")

    def _guest_cp_request(self, vm: VirtualMachine) -> None:
        """DIAGNOSE X'08': run the guest's CP command, then let the guest go on."""
        task = asyncio.get_running_loop().create_task(self._serve_cp_request(vm))
        self._guest_work.add(task)
        task.add_done_callback(self._guest_work.discard)

    async def _serve_cp_request(self, vm: VirtualMachine) -> None:
        if vm.diagnose.deferred is not None:  # DIAGNOSE X'14': the spool's part
            await vm.diagnose.finish_deferred()
            self._resume_after_cp(vm)
            return
        request = vm.diagnose.pending
        if request is None:
            return
        user = vm.user
        if not request.text.strip():  # length 0: the guest asks for CP READ
            vm.diagnose.complete_cp_command(0, [])
            vm.stop()
            user.console_state("CP READ")
            return
        code, lines = await run_guest_command(self, user, request.text, request.buffer is not None)
        vm.diagnose.complete_cp_command(code, lines)
        self._resume_after_cp(vm)

    def _resume_after_cp(self, vm: VirtualMachine) -> None:
        if vm.state is RunState.IN_CP and not vm.user.logged_off:
            vm.state = RunState.RUNNING
            self.dispatcher.make_runnable(vm)

    def _vm_stopped(self, vm: VirtualMachine, reason: Stop) -> None:
        """A guest stopped itself: say why on its console; the user is in CP mode."""
        psw = vm.machine.psw().hex().upper()
        if vm.stop_message is not None:
            text, vm.stop_message = vm.stop_message, None
            if not text:  # TRACE NORUN: the trace line said it all
                vm.user.console_state("CP READ")
                return
        elif reason is Stop.DISABLED_WAIT:
            text = f"CP ENTERED; DISABLED WAIT PSW '{psw[:8]} {psw[8:]}'"
        else:
            text = f"CP ENTERED; CHECK-STOP STATE, PSW '{psw[:8]} {psw[8:]}'"
        vm.user.write(text)
        vm.user.console_state("CP READ")

    async def shutdown(self, by: str) -> None:
        """Log everyone off and let the server stop (SHUTDOWN, SIGTERM)."""
        notice = f"SYSTEM SHUTDOWN BY {by} AT {stamp(self.clock.now())}"
        for user in list(self.users.values()):
            session = user.session
            user.write(notice)
            lines = self.logoff(user)
            if session is not None:
                session.write(*lines)
                session.hang_up()
        for session in list(self.sessions):
            session.write(notice)
            session.hang_up()
        self.operator_console("DMKCKP960I SYSTEM WARM START DATA SAVED")
        self.operator_console("DMKCKP961W SYSTEM SHUTDOWN COMPLETE")
        self.shutdown_requested.set()
