"""DIAGNOSE X'58': the 3270 virtual console interface.

VM/370 Release 6 System Programmer's Guide (GC20-1807-7, "DIAGNOSE Code X'58'
-- 3270 Virtual Console Interface") and System Logic Vol. 2 (SY20-0887-1,
"CMS Interface for Display Terminals", the DISPW macro and DMSGIO); control
X'FE' and the full-screen CCWs X'29'/X'2A' as VM/SP documents them
(SC19-6203, same section), which is where Release 6 has nothing. Rx holds
the address of a CCW (or a chain of them), Ry the virtual address of the
console, right-justified. Each CCW is ``op, data address, flags, control,
count``; command chaining and TIC go on to the next operation, data
chaining joins a write's data from several areas.

* X'19' *display* (R6): write ``count`` bytes (3270 start-field orders with
  their attribute allowed; at most 2032, and no more than the output area
  rows from the start line hold, else an I/O error) into CP's output area
  from line ``control & X'3F'`` on (the lines below the output area are the
  input area: the text is put there for the user to overtype and enter).
  Control X'FF' erases the output area;
  the X'80' bit erases it before the data is shown, the screen going
  through MORE... first when the output area holds anything (as DISPW
  ERASE=YES says; the data is shown at the next page: PA2, CLEAR or the
  MORE timer). VM/SP's X'FE' rewrites the whole CP screen format and puts
  the cursor in the input area.
* X'29' *full-screen write* (VM/SP): the data is a WCC and 3270 orders;
  control X'80' Erase/Write, X'C0' Erase/Write Alternate (either puts the
  console in full-screen mode, the virtual machine owning the screen),
  X'20' Write Structured Field (refused here), anything else a Write. X'10'
  added to an erasing write makes PA1 an input key of the program instead
  of CP's attention.
* X'2A' *full-screen read* (VM/SP): control X'80' Read Modified returns what
  the terminal sent with its last AID (AID, cursor address, SBA and field
  data); Read Buffer is refused (CP keeps no copy of the screen buffer).

While the console is in full-screen mode every key the user presses is kept
for the program's next read and presented as an attention interruption on
the console. CP takes the screen back for any line-mode output (a message,
a guest's console write, CP's own responses) and for PA1 without X'10';
the program's next full-screen Write or Read then ends with unit status
X'8E' (attention, channel end, device end, unit check) and condition code 1,
and an Erase/Write re-establishes full-screen mode. A message (MSG, WNG)
that takes the screen also posts an attention on the console (VM/SP: "when a
CP priority message is to be displayed"), and holds CP's screen; while CP
mode has output the user has not seen (MORE..., HOLDING) an Erase/Write is
not done and ends with X'8E' too ("non-full screen data is waiting to be
read": the program should read the console, then write again).

Condition codes: 0 done; 1 an I/O error (R6: "nonzero"), with the CSW stored
at X'40' (a unit check, a program check for a bad chain, or the X'8E'
above); a CSW is stored for every operation so a read's residual count gives
its length. CP answers condition code 3 when Ry is not the virtual console
or the console is not a display (a line-mode terminal, a disconnected
user): that is this system's estimate, the manuals name no code for it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from server.machine import Machine
from server.machine.devices.base import (
    ATTENTION,
    CE_DE,
    CHANNEL_END,
    DEVICE_END,
    PROGRAM_CHECK,
    UNIT_CHECK,
)

if TYPE_CHECKING:
    from server.cp.user import User
    from server.cp.vm import VirtualMachine

__all__ = ["DisplayConsole", "FullScreenService", "screen_input", "screen_taken"]

DISPLAY = 0x19
FULL_WRITE = 0x29
FULL_READ = 0x2A
TIC = 0x08
CHAIN_COMMAND = 0x40
CHAIN_DATA = 0x80
CLEAR_OUTPUT = 0xFF
REFORMAT = 0xFE
ERASE_FIRST = 0x80
LINE_BITS = 0x3F
DISPLAY_LIMIT = 2032  # bytes one X'19' may display
FULL_SCREEN_LIMIT = 65503  # bytes of one X'29'/X'2A' (VM/SP Release 3)
CHAIN_LIMIT = 256  # CCWs in one DIAGNOSE: a TIC loop ends here with a program check
CONTROL_ERASE = 0x80
CONTROL_ALTERNATE = 0x40
CONTROL_STRUCTURED = 0x20
CONTROL_PA1 = 0x10
READ_MODIFIED = 0x80
MODE_LOST = ATTENTION | CHANNEL_END | DEVICE_END | UNIT_CHECK  # X'8E'
CSW_LOCATION = 0x40


@runtime_checkable
class DisplayConsole(Protocol):
    """What a 3270 terminal offers DIAGNOSE X'58' (the TN3270 console implements it)."""

    def line_display(self, line: int, data: bytes, erase: bool) -> bool:
        """Show ``data`` in the output area from ``line``; False if it does not fit."""
        ...

    def clear_output(self) -> None: ...

    def reformat(self) -> None: ...

    def full_write(self, kind: str, data: bytes, pa1_to_guest: bool) -> bool:
        """``kind``: W, EW or EWA; False when the data stream is not valid 3270 data."""
        ...

    def full_read(self) -> bytes:
        """The last inbound record (AID, cursor, fields) since the last read."""
        ...

    @property
    def full_screen(self) -> bool:
        """The program owns the screen (no line-mode output has taken it back)."""
        ...

    @property
    def cp_waiting(self) -> bool:
        """CP mode has output the user has not seen yet (MORE..., HOLDING)."""
        ...


@dataclass
class Ending:
    """How the chain ended: status, channel status, residual, the CCW after the last."""

    status: int = CE_DE
    channel: int = 0
    residual: int = 0
    next_ccw: int = 0

    @property
    def failed(self) -> bool:
        return self.status != CE_DE or self.channel != 0


class FullScreenService:
    """DIAGNOSE X'58' for one virtual machine."""

    def __init__(self, vm: VirtualMachine) -> None:
        self.vm = vm
        self.arrived = asyncio.Event()  # a key for a Python guest's next read (abi)

    def __call__(self, machine: Machine, rx: int, ry: int) -> bool:
        console = self._display(machine.cpu.r[ry & 15] & 0xFFFF)
        if console is None:
            machine.cpu.cc = 3
            return True
        ending = self._run_chain(machine, console, machine.cpu.r[rx & 15] & 0xFFFFFF)
        csw = (
            (ending.next_ccw & 0xFFFFFF).to_bytes(4, "big")
            + bytes((ending.status, ending.channel))
            + min(ending.residual, 0xFFFF).to_bytes(2, "big")
        )
        machine.load(CSW_LOCATION, csw)
        machine.cpu.cc = 1 if ending.failed else 0
        return True

    def _display(self, address: int) -> DisplayConsole | None:
        """The user's 3270 when ``address`` is the virtual console; else None."""
        vm = self.vm
        virtual = vm.devices.get(address)
        if virtual is None or virtual.device is not vm.console():
            return None
        session = vm.user.session
        console = session.console if session is not None else None
        return console if isinstance(console, DisplayConsole) else None

    def _run_chain(self, machine: Machine, console: DisplayConsole, address: int) -> Ending:
        """Run the CCWs: command chaining, TIC, and data chaining of a write's data."""
        budget = [CHAIN_LIMIT]
        while True:
            fetched = self._fetch(machine, address, budget)
            if isinstance(fetched, Ending):
                return fetched
            ccw, address = fetched
            opcode, control, flags = ccw[0], ccw[5], ccw[4]
            pieces = [_piece(ccw)]
            while flags & CHAIN_DATA:  # the next CCW's address and count, its command unused
                fetched = self._fetch(machine, address + 8, budget)
                if isinstance(fetched, Ending):
                    return fetched
                ccw, address = fetched
                flags = ccw[4]
                pieces.append(_piece(ccw))
            ending = self._one(machine, console, opcode, control, pieces)
            ending.next_ccw = address + 8
            if ending.failed or not flags & CHAIN_COMMAND:
                return ending
            address += 8

    @staticmethod
    def _fetch(machine: Machine, address: int, budget: list[int]) -> tuple[bytes, int] | Ending:
        """The CCW at ``address`` (after any TICs) and where it is; a program check if it
        is not doubleword aligned or in storage, or the chain loops."""
        while budget[0] > 0:
            budget[0] -= 1
            if address & 7 or address + 8 > machine.storage.size:
                break
            ccw = machine.read(address, 8)
            if ccw[0] & 0x0F != TIC:
                return ccw, address
            address = int.from_bytes(ccw[1:4], "big")
        return Ending(0, PROGRAM_CHECK, 0, address + 8)

    def _one(
        self, machine: Machine, console: DisplayConsole, opcode: int, control: int,
        pieces: list[tuple[int, int]],
    ) -> Ending:  # fmt: skip
        count = sum(length for _, length in pieces)
        no_data = opcode == DISPLAY and control in (CLEAR_OUTPUT, REFORMAT)  # count may be 0
        if any(
            (length == 0 and not no_data) or start + length > machine.storage.size
            for start, length in pieces
        ):
            return Ending(0, PROGRAM_CHECK, count)
        if count > (DISPLAY_LIMIT if opcode == DISPLAY else FULL_SCREEN_LIMIT):
            return self._reject(count)
        if opcode == FULL_READ and len(pieces) == 1:
            return self._full_read(machine, console, control, *pieces[0])
        data = b"".join(machine.read(start, length) for start, length in pieces)
        if opcode == DISPLAY:
            return self._display_lines(console, control, data)
        if opcode == FULL_WRITE:
            return self._full_write(console, control, data)
        return self._reject(count)  # also a read with data chaining

    @staticmethod
    def _reject(count: int) -> Ending:
        """Unit check: command reject (the program cannot SENSE through X'58'; the
        CSW's unit check is all it sees)."""
        return Ending(CE_DE | UNIT_CHECK, 0, count)

    def _display_lines(self, console: DisplayConsole, control: int, data: bytes) -> Ending:
        """X'19': CP's output area (a line display leaves full-screen mode)."""
        if control == CLEAR_OUTPUT:
            console.clear_output()
        elif control == REFORMAT:
            console.reformat()
        elif not console.line_display(control & LINE_BITS, data, bool(control & ERASE_FIRST)):
            return self._reject(len(data))
        return Ending()

    def _full_write(self, console: DisplayConsole, control: int, data: bytes) -> Ending:
        if control & CONTROL_STRUCTURED and not control & CONTROL_ERASE:
            return self._reject(len(data))
        if control & CONTROL_ERASE and console.cp_waiting:
            return Ending(MODE_LOST, 0, len(data))  # VM/SP: CP-mode data waits to be read
        if control & CONTROL_ERASE:
            kind = "EWA" if control & CONTROL_ALTERNATE else "EW"
        elif not console.full_screen:
            return Ending(MODE_LOST, 0, len(data))
        else:
            kind = "W"
        if not console.full_write(kind, data, bool(control & CONTROL_PA1)):
            return self._reject(len(data))
        if kind != "W":
            self.arrived.clear()  # a key pressed on an earlier screen is not for this one
        return Ending()

    def _full_read(
        self, machine: Machine, console: DisplayConsole, control: int, address: int, count: int
    ) -> Ending:
        if not control & READ_MODIFIED:
            return self._reject(count)
        if not console.full_screen:
            return Ending(MODE_LOST, 0, count)
        record = console.full_read()[:count]
        machine.load(address, record)
        return Ending(CE_DE, 0, count - len(record))


def screen_input(user: User) -> None:
    """The terminal has a full-screen reply for the program: attention on its console
    (a Python guest waits for it with ``GuestInterface.wait_screen_input``)."""
    vm = user.vm
    if vm is None:
        return
    vm.diagnose.full_screen.arrived.set()
    console = vm.console()
    if console is not None:
        console.attention()
        vm.io_posted()


def screen_taken(user: User, attention: bool = False) -> None:
    """CP has taken the screen back: a Python guest waiting for a key wakes up, and its
    next full-screen read tells it (unit status X'8E'). A program on the virtual CPU
    learns it from its next full-screen Write or Read; ``attention`` (a CP message took
    the screen) also posts an attention on the console, as VM/SP does for a priority
    message, so that a program waiting for a key issues that read."""
    if attention:
        screen_input(user)
    elif user.vm is not None:
        user.vm.diagnose.full_screen.arrived.set()


def _piece(ccw: bytes) -> tuple[int, int]:
    """A CCW's data address and count."""
    return int.from_bytes(ccw[1:4], "big"), int.from_bytes(ccw[6:8], "big")
