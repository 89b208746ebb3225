"""The DIAGNOSE interface: what a virtual machine may ask of CP.

Register interfaces as VM/370 Release 6 CP gives them (System Programmer's
Guide GC20-1807, "DIAGNOSE instruction in a virtual machine";
reference/diagnose.md §1). ``DIAGNOSE Rx,Ry,code``: the CPU has already
refused it in problem state; here the code selects the function, an
unknown code is a specification exception, and results go into the
registers and the condition code. Functions that need the database or the
terminal (X'08', the CP command) are queued for CP: the instruction
completes, the slice stops, and the machine runs again only once CP has
put the results in place.

X'18' and X'20' run the guest's channel program synchronously on its
virtual device (no interruption). X'14' (reader spool files) is
``server.cp.diag14``; when it needs the spool database it leaves the work in
``deferred`` and the slice stops until CP has done it, as for X'08'. X'58'
(the 3270 console) is ``server.cp.fullscreen``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from server.cp.diag3c import EDIT, DirectoryUpdate, deferred_work, read_source
from server.cp.diag14 import SpoolDiagnose
from server.cp.fullscreen import FullScreenService
from server.cp.messages import EmsgSetting
from server.cp.segments import SegmentLinkage
from server.machine import Machine
from server.machine.cpu import Stop
from server.machine.isa import ADDRESSING, ProgramCheck

if TYPE_CHECKING:
    from server.cp.vdevices import VirtualDevice
    from server.cp.vm import VirtualMachine

CODEPAGE = "cp037"
RESPONSE_TO_BUFFER = 0x40  # flag byte (bits 0-7) of Ry for DIAGNOSE X'08'
NO_SUCH_SEGMENT = 44
PAGE = 4096
# DIAGNOSE X'24' class, type and feature bytes (reference/diagnose.md §1 examples; the
# VM/370 VDEVTYPC/VDEVTYPE codes for the other devices are unverified).
DEVICE_CODES = {
    "3215": (0x80, 0x00, 0x82),
    "3350": (0x04, 0x08, 0x00),
    "3330": (0x04, 0x04, 0x00),
    "2314": (0x04, 0x01, 0x00),
    "3340": (0x04, 0x02, 0x00),
}


@dataclass
class CPRequest:
    """A DIAGNOSE X'08' waiting for CP: the command text and where the answer goes."""

    text: str
    rx: int
    ry: int
    buffer: int | None = None
    buffer_length: int = 0


def ebcdic(text: str, length: int) -> bytes:
    return text.encode(CODEPAGE, errors="replace")[:length].ljust(length, b"\x40")


class DiagnoseService:
    """The DIAGNOSE handlers of one virtual machine."""

    def __init__(self, vm: VirtualMachine) -> None:
        self.vm = vm
        self.pending: CPRequest | None = None
        self.full_screen = FullScreenService(vm)
        self.deferred: Callable[[], Awaitable[None]] | None = None  # CP work before resuming
        self.spool = SpoolDiagnose(vm)
        self.segments: SegmentLinkage | None = None  # X'64': set by CP when it keeps segments
        self.directory: DirectoryUpdate | None = None  # X'3C': set by CP with its store
        self.handlers: dict[int, Callable[[Machine, int, int], bool]] = {
            0x00: self.identify,
            0x08: self.cp_command,
            0x0C: self.pseudo_timer,
            0x10: self.release_pages,
            0x14: self.spool_file,
            0x18: self.dasd_io,
            0x20: self.general_io,
            0x24: self.device_type,
            0x3C: self.directory_update,
            0x4C: self.accounting,
            0x58: self.full_screen,
            0x5C: self.edit_message,
            0x60: self.storage_size,
            0x64: self.named_segment,
        }

    def __call__(self, machine: Machine, rx: int, ry: int, address: int) -> bool:
        """The machine's diagnose hook; False gives the specification exception."""
        handler = self.handlers.get(address & 0xFFFF)
        if handler is None:
            return False
        return handler(machine, rx, ry)

    # ---- helpers ------------------------------------------------------------
    @staticmethod
    def reg(machine: Machine, number: int) -> int:
        return machine.cpu.r[number & 15]

    @staticmethod
    def set_reg(machine: Machine, number: int, value: int) -> None:
        machine.cpu.r[number & 15] = value & 0xFFFFFFFF

    @staticmethod
    def set_cc(machine: Machine, cc: int) -> None:
        machine.cpu.cc = cc

    @staticmethod
    def fits(machine: Machine, address: int, length: int) -> bool:
        return machine.storage.installed(address, length)  # with segments above its size

    # ---- the codes ----------------------------------------------------------
    def identify(self, machine: Machine, rx: int, ry: int) -> bool:
        """X'00': system name, version, version code, MCEL, processor, userid, PP map."""
        data = (
            ebcdic("VM/370", 8)
            + bytes((0x06, 0x00, 0x00, 0x00))
            + (0).to_bytes(2, "big")
            + (0).to_bytes(2, "big")
            + ebcdic(self.vm.userid, 8)
            + bytes(8)
        )
        address, length = self.reg(machine, rx) & 0xFFFFFF, self.reg(machine, ry)
        length = max(0, min(length, len(data)))
        if not self.fits(machine, address, length):
            return False
        machine.load(address, data[:length])
        return True

    def cp_command(self, machine: Machine, rx: int, ry: int) -> bool:
        """X'08': a CP command line; done by CP after the slice stops."""
        address = self.reg(machine, rx) & 0xFFFFFF
        flags_length = self.reg(machine, ry)
        length = flags_length & 0xFFFFFF
        if length > 240 or not self.fits(machine, address, length):
            return False
        text = machine.read(address, length).decode(CODEPAGE, errors="replace")
        request = CPRequest(text=text, rx=rx, ry=ry)
        if flags_length >> 24 & RESPONSE_TO_BUFFER:
            request.buffer = self.reg(machine, rx + 1) & 0xFFFFFF
            request.buffer_length = self.reg(machine, ry + 1)
        self.pending = request
        machine.request_stop(Stop.DIAGNOSE)
        return True

    def complete_cp_command(self, return_code: int, lines: list[str]) -> None:
        """Put a finished DIAGNOSE X'08' response in place (CP calls this)."""
        request, self.pending = self.pending, None
        if request is None:
            return
        machine = self.vm.machine
        self.set_reg(machine, request.ry, return_code)
        if request.buffer is None:
            self.set_cc(machine, 0)
            return
        response = "\x15".join(lines).encode(CODEPAGE, errors="replace")
        room = max(0, request.buffer_length)
        stored = response[:room]
        if stored and self.fits(machine, request.buffer, len(stored)):
            machine.load(request.buffer, stored)
        self.set_reg(machine, request.ry + 1, len(stored))
        self.set_cc(machine, 1 if len(response) > room else 0)

    def pseudo_timer(self, machine: Machine, rx: int, ry: int) -> bool:
        """X'0C': date, time, virtual and total CPU time (microseconds)."""
        address = self.reg(machine, rx) & 0xFFFFFF
        if address & 7 or not self.fits(machine, address, 32):
            return False
        user = self.vm.user
        now = self.vm.clock.now()
        virtual = int(user.virtual_seconds * 1_000_000)
        total = int((user.virtual_seconds + user.cp_seconds) * 1_000_000)
        data = (
            ebcdic(now.strftime("%m/%d/%y"), 8)
            + ebcdic(now.strftime("%H:%M:%S"), 8)
            + virtual.to_bytes(8, "big")
            + total.to_bytes(8, "big")
        )
        machine.load(address, data)
        return True

    def release_pages(self, machine: Machine, rx: int, ry: int) -> bool:
        """X'10': the pages from Rx to Ry read back as zeros."""
        first = self.reg(machine, rx) & 0xFFF000
        last = self.reg(machine, ry) & 0xFFF000
        if last < first or not self.fits(machine, first, last - first + PAGE):
            return False
        machine.load(first, bytes(last - first + PAGE))
        return True

    def spool_file(self, machine: Machine, rx: int, ry: int) -> bool:
        """X'14': input spool file manipulation (server/cp/diag14.py)."""
        work = self.spool(machine, rx, ry)
        if work is not None:
            self.deferred = work
            machine.request_stop(Stop.DIAGNOSE)
        return True

    async def finish_deferred(self) -> None:
        """CP does the work a DIAGNOSE left (the machine is *in CP* meanwhile)."""
        work, self.deferred = self.deferred, None
        if work is not None:
            await work()

    def _run_chain(self, machine: Machine, address: int, chain: int) -> bytes | None:
        """Run a channel program synchronously; the ending CSW, or None if none came."""
        result = self.vm.channel.run_program(address, chain & 0xFFFFFF, key=0)
        return result.csw

    def dasd_io(self, machine: Machine, rx: int, ry: int) -> bool:
        """X'18': standard DASD I/O, synchronous. R15: 1 no such device, 2 not DASD,
        5 the channel program failed (program or protection check), 13 unit check."""
        address = self.reg(machine, rx) & 0xFFF
        virtual = self.vm.devices.get(address)
        if virtual is None or virtual.kind != "DASD":
            self.set_reg(machine, 15, 1 if virtual is None else 2)
            self.set_cc(machine, 3)
            return True
        csw = self._run_chain(machine, address, self.reg(machine, ry))
        return self._chain_ended(machine, csw)

    def _chain_ended(self, machine: Machine, csw: bytes | None) -> bool:
        if csw is None:
            self.set_reg(machine, 15, 5)
            self.set_cc(machine, 3)
        elif csw[5]:
            self.set_reg(machine, 15, 5)
            self.set_cc(machine, 3)
        elif csw[4] & 0x02:  # unit check
            self.set_reg(machine, 15, 13)
            self.set_cc(machine, 3)
        else:
            self.set_reg(machine, 15, 0)
            self.set_cc(machine, 0)
        return True

    def general_io(self, machine: Machine, rx: int, ry: int) -> bool:
        """X'20': synchronous I/O on any device: cc 0 done, 2 unit exception, 3 error
        with the first sense bytes in Ry's low halfword."""
        address = self.reg(machine, rx) & 0xFFF
        if address not in self.vm.devices:
            self.set_cc(machine, 3)
            return True
        result = self.vm.channel.run_program(address, self.reg(machine, ry) & 0xFFFFFF, key=0)
        csw = result.csw
        if csw is None or csw[5] or csw[4] & 0x02:
            sense = (result.sense or b"\0\0").ljust(2, b"\0")[:2]
            self.set_reg(machine, ry, self.reg(machine, ry) & 0xFFFF0000 | sense[0] << 8 | sense[1])
            self.set_cc(machine, 3)
        else:
            self.set_cc(machine, 2 if csw[4] & 0x01 else 0)
        return True

    def device_type(self, machine: Machine, rx: int, ry: int) -> bool:
        """X'24': class and type of a virtual device (Rx = -1: the console); cc 3 if absent."""
        value = self.reg(machine, rx)
        console = self.vm.console()
        if value == 0xFFFFFFFF and console is not None:
            virtual: VirtualDevice | None = next(
                (v for v in self.vm.devices.values() if v.device is console), None
            )
        else:
            virtual = self.vm.devices.get(value & 0xFFF)
        if virtual is None:
            self.set_cc(machine, 3)
            return True
        if value == 0xFFFFFFFF:
            self.set_reg(machine, rx, virtual.address)
        code = DEVICE_CODES.get(virtual.device_type, (0x00, 0x00, 0x00))
        self.set_reg(machine, ry, code[0] << 24 | code[1] << 16)
        real = code[0] << 24 | code[1] << 16 | code[2]
        if value == 0xFFFFFFFF:
            real = self.real_console(real)
        self.set_reg(machine, ry + 1, real)
        self.set_cc(machine, 0)
        return True

    def real_console(self, typewriter: int) -> int:
        """Ry+1 of X'24' for the console: the real terminal. A 3270 display is class
        CLASGRAF (X'40') with type TYP3277 (X'04') or TYP3278 (X'01') and its model
        (VM/370 RDEVBLOK codes); a typewriter line keeps the 3215 codes."""
        session = self.vm.user.session
        console = session.console if session is not None else None
        if console is None or console.kind != "GRAF":
            return typewriter
        display = getattr(console, "display_type", (0x01, 2))
        return 0x40 << 24 | display[0] << 16 | display[1] << 8

    def directory_update(self, machine: Machine, rx: int, ry: int) -> bool:
        """X'3C': validate, and with class A, B or C replace, the CP directory from the
        source text the guest hands CP (server/cp/diag3c.py: a vm370 register interface;
        R6 passed the address of the directory volume in R6)."""
        edit = bool(self.reg(machine, ry + 1) >> 24 & EDIT)
        if not edit and not any(c in self.vm.user.classes for c in "ABC"):
            return False
        if self.directory is None:
            return False
        text = read_source(machine, self.reg(machine, rx) & 0xFFFFFF, self.reg(machine, ry))
        if text is None:
            return False
        self.deferred = deferred_work(self.directory, machine, rx, ry, text, edit)
        machine.request_stop(Stop.DIAGNOSE)
        return True

    def accounting(self, machine: Machine, rx: int, ry: int) -> bool:
        """X'4C': an accounting record for the user (kept in the system log)."""
        self.vm.accounting_records += 1
        self.set_cc(machine, 0)
        return True

    def edit_message(self, machine: Machine, rx: int, ry: int) -> bool:
        """X'5C': adjust a message's address and length to the user's SET EMSG."""
        setting = self.vm.user.settings.emsg
        address, length = self.reg(machine, rx), self.reg(machine, ry)
        if setting is EmsgSetting.OFF:
            length = 0
        elif setting is EmsgSetting.CODE:
            length = min(length, 10)
        elif setting is EmsgSetting.TEXT and length > 11:
            address, length = address + 11, length - 11
        self.set_reg(machine, rx, address)
        self.set_reg(machine, ry, length)
        return True

    def storage_size(self, machine: Machine, rx: int, ry: int) -> bool:
        """X'60': the virtual machine's storage size in Rx."""
        self.set_reg(machine, rx, self.vm.storage_size)
        return True

    def named_segment(self, machine: Machine, rx: int, ry: int) -> bool:
        """X'64' (server/cp/segments.py): LOADSYS shared (0) or not (4), PURGESYS (8),
        FINDSYS (X'C'); cc 2 with Ry = 44 when there is no such segment."""
        address, subcode = self.reg(machine, rx) & 0xFFFFFF, self.reg(machine, ry)
        if address & 7 or subcode not in (0, 4, 8, 12):
            return False
        if not self.fits(machine, address, 8):
            raise ProgramCheck(ADDRESSING)
        name = machine.read(address, 8).decode(CODEPAGE, errors="replace").strip()
        linkage = self.segments
        segment = linkage.find(name) if linkage is not None else None
        if linkage is None or segment is None:
            self.set_reg(machine, ry, NO_SUCH_SEGMENT)
            self.set_cc(machine, 2)
        elif subcode == 8:  # PURGESYS
            self.set_cc(machine, 0 if linkage.purge(machine, segment.name) else 1)
        elif subcode == 12:  # FINDSYS: cc 0 loaded, cc 1 not yet
            self.set_reg(machine, rx, segment.start)
            self.set_reg(machine, ry, segment.end)
            self.set_cc(machine, 0 if linkage.loaded(machine, segment.name) else 1)
        else:  # LOADSYS: cc 0 above the machine's storage; cc 1 within it (Ry = the end
            linkage.load(machine, segment, shared=subcode == 0)  # of the storage replaced)
            self.set_reg(machine, rx, segment.start)
            if segment.start < machine.storage.size:
                self.set_reg(machine, ry, segment.end)
            self.set_cc(machine, 1 if segment.start < machine.storage.size else 0)
        return True
