"""The CMS debug environment (DMSDBG): DEBUG, its subcommands, and breakpoints.

reference/cp-cms.md 10.6; R6 CMS Command and Macro Reference (GC20-1818),
"Section 4. DEBUG Subcommands", and the VM/370 CE help files (BREAK, DEFINE,
SET, STORE HELPDBG). The environment is entered

* by the DEBUG command (``DMSDBG728I DEBUG ENTERED``). If DEBUG is the first
  command after an abend, the registers and the old PSW of the abend are the
  ones shown and changed;
* at a breakpoint (``DMSDBG728I DEBUG ENTERED BREAKPOINT nn AT xxxxxx``).
  BREAK saves the halfword at the address and puts X'00' there (with the
  breakpoint number in the second byte): an operation code that does not
  exist, so the program takes a program check there (DMSITP gives it to
  DMSDBG). The original halfword is put back when the breakpoint is hit, and
  the breakpoint is cleared, as the R6 manual says.

While in the environment only DEBUG subcommands are read; each may be
abbreviated to its R6 minimum: BReak CAW CSW DEFine DUmp GO GPR HX ORigin PSW
RETurn SET STore X. The registers, the CAW (X'48') and the CSW (X'40') are
saved when DEBUG is entered and given back when it is left (GO, RETURN).
RETURN goes back to CMS; GO resumes the program at the old PSW (or at the
given address); HX halts as the immediate command does.

Best estimates (not in the sources at hand): the layout of the GPR, X, PSW,
CSW and DUMP output, the message numbers of the error messages (014E for an
unknown subcommand, 070E for a bad operand, as other CMS commands use them),
RETURN after a breakpoint ending the program with return code 0, and GO from
the DEBUG command starting the program at the address given (or the PSW
address set with SET PSW).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from guests.cms.console import Halted

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

__all__ = [
    "SUBCOMMANDS",
    "DebugError",
    "DebugGuest",
    "DebugReturn",
    "DebugState",
    "Session",
    "Snapshot",
    "hexinfo",
    "subcommand_name",
]

CSW_ADDRESS, CAW_ADDRESS = 0x40, 0x48
PRINTER = 0x00E
MAX_SYMBOLS, MAX_BREAKPOINTS, MAX_COUNT = 16, 16, 56
TRAP = 0x00  # the operation code BREAK puts at a breakpoint
SUBCOMMANDS = (("BREAK", 2), ("CAW", 3), ("CSW", 3), ("DEFINE", 3), ("DUMP", 2), ("GO", 2),
               ("GPR", 3), ("HX", 2), ("ORIGIN", 2), ("PSW", 3), ("RETURN", 3), ("SET", 3),
               ("STORE", 2), ("X", 1))  # fmt: skip
HEX_DIGITS = frozenset("0123456789ABCDEF")


class DebugGuest(Protocol):
    """What the debug environment uses of ``GuestInterface``."""

    @property
    def storage_size(self) -> int: ...

    def read_storage(self, address: int, length: int) -> bytes: ...

    def write_storage(self, address: int, data: bytes) -> None: ...

    def gpr(self, number: int) -> int: ...

    def set_gpr(self, number: int, value: int) -> None: ...


class DebugError(Exception):
    """A subcommand that cannot be done: its message (``DMSDBGnnnE text``)."""

    def __init__(self, number: int, text: str) -> None:
        super().__init__(text)
        self.number = number
        self.text = text


class DebugReturn(Halted):
    """RETURN at a breakpoint: the program ends and CMS reads the next command."""


def invalid(parameter: str) -> DebugError:
    return DebugError(70, f"INVALID PARAMETER '{parameter[:8]}'")


@dataclass
class Snapshot:
    """What DEBUG shows and changes: the registers, the old PSW, CAW and CSW."""

    gprs: list[int]
    psw: bytes = bytes(8)
    caw: int = 0
    csw: bytes = bytes(8)


@dataclass
class DebugState:
    """Kept from one debug session to the next (until CMS is IPLed again)."""

    symbols: dict[str, tuple[int, int]] = field(default_factory=dict)  # name: address, length
    breakpoints: dict[int, tuple[int, bytes]] = field(default_factory=dict)  # id: address, saved
    origin: int = 0
    abend: Snapshot | None = None  # the registers and PSW of the last abend

    def breakpoint_at(self, guest: DebugGuest, address: int) -> int | None:
        """The number of the breakpoint whose trap is at ``address``, if one is."""
        for number, (where, _) in self.breakpoints.items():
            if where == address and _read(guest, address, 2) == bytes([TRAP, number]):
                return number
        return None

    def clear(self, guest: DebugGuest, number: int) -> None:
        """Put the saved halfword back (if the trap is still there) and forget the break."""
        where, saved = self.breakpoints.pop(number)
        if _read(guest, where, 2) == bytes([TRAP, number]):
            guest.write_storage(where, saved)


def _read(guest: DebugGuest, address: int, length: int) -> bytes:
    if address < 0 or address + length > guest.storage_size:
        return b""
    return guest.read_storage(address, length)


def subcommand_name(word: str) -> str | None:
    """The subcommand ``word`` names (full or abbreviated to its R6 minimum)."""
    for name, shortest in SUBCOMMANDS:
        if shortest <= len(word) <= len(name) and name.startswith(word):
            return name
    return None


def hexinfo(token: str) -> bytes:
    """One ``hexinfo`` operand: up to 8 hex digits (more are cut off on the right),
    an odd number padded with a zero on the left."""
    digits = token[:8]
    if not digits or not set(digits) <= HEX_DIGITS:
        raise invalid(token)
    if len(digits) % 2:
        digits = "0" + digits
    return bytes.fromhex(digits)


def _decimal(token: str, low: int, high: int) -> int:
    if not (token.isascii() and token.isdigit()) or not low <= int(token) <= high:
        raise invalid(token)
    return int(token)


class Session:
    """One stay in the debug environment."""

    def __init__(self, cms: Cms, guest: DebugGuest, snapshot: Snapshot, *, at_break: bool) -> None:
        self.cms = cms
        self.guest = guest
        self.state: DebugState = cms.debug
        self.saved = snapshot
        self.at_break = at_break
        self.go_address: int | None = None  # set by GO

    # ---- entering and leaving -------------------------------------------------------
    @classmethod
    def enter(cls, cms: Cms, guest: DebugGuest, psw: bytes | None, *, at_break: bool) -> Session:
        gprs = [guest.gpr(number) & 0xFFFFFFFF for number in range(16)]
        caw = int.from_bytes(_read(guest, CAW_ADDRESS, 4) or bytes(4), "big")
        csw = _read(guest, CSW_ADDRESS, 8) or bytes(8)
        return cls(cms, guest, Snapshot(gprs, psw or bytes(8), caw, csw), at_break=at_break)

    def leave(self) -> None:
        """Give the (possibly changed) registers, CAW and CSW back."""
        for number, value in enumerate(self.saved.gprs):
            self.guest.set_gpr(number, value)
        if self.guest.storage_size >= CAW_ADDRESS + 4:
            self.guest.write_storage(CAW_ADDRESS, self.saved.caw.to_bytes(4, "big"))
            self.guest.write_storage(CSW_ADDRESS, self.saved.csw)

    async def run(self) -> str:
        """Read and do subcommands until GO or RETURN (HX raises Halted): which one."""
        while True:
            line = await self.cms.console.read(upper=True)
            try:
                done = await self.do(line)
            except DebugError as error:
                self.cms.console.error("DBG", error.number, "E", error.text)
                continue
            if done is not None:
                self.leave()
                return done

    # ---- the subcommands ---------------------------------------------------------------
    async def do(self, line: str) -> str | None:
        """One subcommand line: None to stay, "GO" or "RETURN" to leave."""
        words = [word[:8] for word in line.upper().split()]
        if not words:
            return None
        name = subcommand_name(words[0])
        if name is None:
            raise DebugError(14, f"INVALID FUNCTION '{words[0]}'")
        operands = words[1:]
        if name in ("GO", "RETURN"):
            return self._go(operands) if name == "GO" else self._return(operands)
        if name == "HX":
            self._no_operands(operands)
            raise Halted
        if name == "DUMP":
            await self._dump(operands)
            return None
        handler = {"BREAK": self._break, "CAW": self._caw, "CSW": self._csw,
                   "DEFINE": self._define, "GPR": self._gpr,
                   "ORIGIN": self._origin, "PSW": self._psw, "SET": self._set,
                   "STORE": self._store, "X": self._examine}[name]  # fmt: skip
        handler(operands)
        return None

    @staticmethod
    def _no_operands(operands: list[str]) -> None:
        if operands:
            raise invalid(operands[0])

    def _location(self, token: str) -> tuple[int, int]:
        """``symbol`` or ``hexloc`` (relative to the origin): address and length."""
        if token in self.state.symbols:
            return self.state.symbols[token]
        if not token or len(token) > 6 or not set(token) <= HEX_DIGITS:
            raise invalid(token)
        address = self.state.origin + int(token, 16)
        if address >= self.guest.storage_size:
            raise invalid(token)
        return address, 4

    def _break(self, operands: list[str]) -> None:
        if len(operands) != 2:
            raise invalid(operands[2] if len(operands) > 2 else "BREAK")
        number = _decimal(operands[0], 0, MAX_BREAKPOINTS - 1)
        address, _ = self._location(operands[1])
        if address % 2 or address + 2 > self.guest.storage_size:
            raise invalid(operands[1])
        if number in self.state.breakpoints:
            self.state.clear(self.guest, number)
        saved = self.guest.read_storage(address, 2)
        for other, (where, original) in self.state.breakpoints.items():
            if where == address and saved == bytes([TRAP, other]):
                saved = original  # the halfword under an older trap at the same place
        self.state.breakpoints[number] = (address, saved)
        self.guest.write_storage(address, bytes([TRAP, number]))

    def _caw(self, operands: list[str]) -> None:
        self._no_operands(operands)
        self.cms.console.type(f"{self.saved.caw:08X}")

    def _csw(self, operands: list[str]) -> None:
        self._no_operands(operands)
        self.cms.console.type(_doubleword(self.saved.csw))

    def _psw(self, operands: list[str]) -> None:
        self._no_operands(operands)
        self.cms.console.type(_doubleword(self.saved.psw))

    def _define(self, operands: list[str]) -> None:
        if not 2 <= len(operands) <= 3:
            raise invalid(operands[3] if len(operands) > 3 else "DEFINE")
        symbol = operands[0]
        if set(symbol) <= HEX_DIGITS:
            raise invalid(symbol)  # a symbol needs a character that is not hexadecimal
        if operands[1] in self.state.symbols:
            raise invalid(operands[1])  # hexloc, not a symbol
        address, _ = self._location(operands[1])
        count = _decimal(operands[2], 1, MAX_COUNT) if len(operands) == 3 else 4
        if symbol not in self.state.symbols and len(self.state.symbols) >= MAX_SYMBOLS:
            raise DebugError(70, "SYMBOL TABLE FULL")
        self.state.symbols[symbol] = (address, count)

    def _origin(self, operands: list[str]) -> None:
        if len(operands) != 1:
            raise invalid(operands[1] if operands else "ORIGIN")
        token = operands[0]
        if token in self.state.symbols:
            self.state.origin = self.state.symbols[token][0]
            return
        if len(token) > 6 or not set(token) <= HEX_DIGITS:
            raise invalid(token)
        origin = int(token, 16)
        if origin >= self.guest.storage_size:
            raise invalid(token)
        self.state.origin = origin

    def _gpr(self, operands: list[str]) -> None:
        if not 1 <= len(operands) <= 2:
            raise invalid(operands[2] if operands else "GPR")
        first = _decimal(operands[0], 0, 15)
        last = _decimal(operands[1], 0, 15) if len(operands) == 2 else first
        if last < first:
            raise invalid(operands[1])
        for start in range(first, last + 1, 4):
            values = self.saved.gprs[start : min(start + 4, last + 1)]
            self.cms.console.type(
                f"GPR {start:2d} = " + "  ".join(f"{value:08X}" for value in values)
            )

    def _examine(self, operands: list[str]) -> None:
        if not 1 <= len(operands) <= 2:
            raise invalid(operands[2] if operands else "X")
        address, length = self._location(operands[0])
        if len(operands) == 2:
            length = _decimal(operands[1], 1, MAX_COUNT)
        length = min(length, self.guest.storage_size - address)
        data = self.guest.read_storage(address, length)
        for at in range(0, len(data), 16):
            chunk = data[at : at + 16]
            words = " ".join(chunk[i : i + 4].hex().upper() for i in range(0, len(chunk), 4))
            self.cms.console.type(f"{address + at:06X}  {words}")

    def _store(self, operands: list[str]) -> None:
        if not 2 <= len(operands) <= 4:
            raise invalid(operands[4] if len(operands) > 4 else "STORE")
        address, _ = self._location(operands[0])
        data = b"".join(hexinfo(token) for token in operands[1:])
        if address + len(data) > self.guest.storage_size:
            raise invalid(operands[0])
        self.guest.write_storage(address, data)

    def _set(self, operands: list[str]) -> None:
        if not operands:
            raise invalid("SET")
        what, values = operands[0], operands[1:]
        if what == "GPR":
            if not 2 <= len(values) <= 3:
                raise invalid(values[3] if len(values) > 3 else "GPR")
            number = _decimal(values[0], 0, 15)
            data = b"".join(hexinfo(token).rjust(4, b"\x00") for token in values[1:])
            for index in range(0, len(data), 4):
                register = (number + index // 4) % 16
                self.saved.gprs[register] = int.from_bytes(data[index : index + 4], "big")
            return
        limits = {"CAW": 1, "CSW": 2, "PSW": 2}
        if what not in limits:
            raise invalid(what)
        if not 1 <= len(values) <= limits[what]:
            raise invalid(values[limits[what]] if values else what)
        data = b"".join(hexinfo(token).rjust(4, b"\x00") for token in values)
        if what == "CAW":
            self.saved.caw = int.from_bytes(data, "big")
        elif what == "CSW":
            self.saved.csw = data + self.saved.csw[len(data) :]
        else:
            self.saved.psw = data + self.saved.psw[len(data) :]

    async def _dump(self, operands: list[str]) -> None:
        if len(operands) > 3:
            raise invalid(operands[3])
        start = self._location(operands[0])[0] if operands else 0
        end = self.guest.storage_size - 1
        if len(operands) >= 2 and operands[1] != "*":
            end = self._location(operands[1])[0]
        if end < start:
            raise invalid(operands[1])
        ident = operands[2] if len(operands) == 3 else ""
        from guests.cms.commands.unitrec import print_records  # unitrec imports the commands

        lines = dump_lines(self.guest, self.saved, start, end, ident)
        print_records(self.cms, [line.encode("cp037") for line in lines], carriage=False)
        await self.cms.guest.cp(f"CLOSE {PRINTER:03X}", capture=True)

    def _go(self, operands: list[str]) -> str:
        if len(operands) > 1:
            raise invalid(operands[1])
        if operands:
            self.go_address = self._location(operands[0])[0]
        else:
            self.go_address = int.from_bytes(self.saved.psw[5:8], "big")
            if not self.at_break and self.go_address == 0:
                raise invalid("GO")
        return "GO"

    def _return(self, operands: list[str]) -> str:
        self._no_operands(operands)
        return "RETURN"


def _doubleword(data: bytes) -> str:
    return f"{data[:4].hex().upper()} {data[4:8].hex().upper()}"


def dump_lines(guest: DebugGuest, saved: Snapshot, start: int, end: int, ident: str) -> list[str]:
    """DUMP's printed lines: a heading, the registers and PSW, then storage from
    ``start`` to ``end`` 32 bytes a line with its EBCDIC, equal lines left out."""
    lines = [f"DEBUG DUMP {ident}".rstrip(), f"PSW = {_doubleword(saved.psw)}"]
    for first in (0, 8):
        values = " ".join(f"{value:08X}" for value in saved.gprs[first : first + 8])
        lines.append(f"GPRS {first:2d}-{first + 7:2d} = {values}")
    previous, skipped = b"", False
    for address in range(start & ~31, end + 1, 32):
        data = guest.read_storage(address, min(32, guest.storage_size - address))
        if data == previous and address + 32 <= end:
            if not skipped:
                lines.append("     SAME AS ABOVE")
            skipped = True
            continue
        previous, skipped = data, False
        words = " ".join(data[i : i + 4].hex().upper() for i in range(0, len(data), 4))
        text = "".join(
            char if char.isprintable() and char.isascii() else "."
            for char in data.decode("cp037", errors="replace")
        )
        lines.append(f"{address:06X}  {words}  *{text}*")
    return lines
