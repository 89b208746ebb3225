"""SVCTRACE (DMSOVR): a record of the SVCs a program issues, printed on the printer.

reference/cp-cms.md 10.6 and 9.8; R6 CMS Command and Macro Reference
(GC20-1818), SVCTRACE, and the VM/370 CE SVCTRACE help. ``SVCTRACE ON``
starts recording every SVC; ``SVCTRACE OFF`` or the immediate command HO
stops it and closes the virtual printer the records were written on (CP
CLOSE spools them; they are written in batches while tracing goes on); SO
suspends and RO resumes the recording; HX stops it and prints it as well.

Each SVC gives, as the manual describes them:

* ``-N/D = nnn/dd name loc OLDPSW = psw GOPSW = psw`` before it is served
  (nnn: the SVCs numbered in order; dd: the nesting depth; name: the command
  or function, the macro or the routine called; loc: where the SVC is);
* ``.GPRSB = `` the 16 registers then, 8 a line, with their EBCDIC between
  asterisks;
* ``+N/D = ...`` after it (``*`` when a CMS SVC had an error return), GOPSW
  now the PSW that returns to the program and ``RC=rc`` for a CMS SVC (R15);
* ``.GPRS AFTER: R0-R1 = h h *dd* R15 = h *d*`` and ``.GPRSS = `` (all 16);
* ``.PARM = `` the first 16 bytes of the parameter list R1 pointed at.

Best estimates: the spacing within the lines, the GOPSW shown before the SVC
(the SVC new PSW), the ``.PARM`` line (the manual names "the parameter list
passed to the SVC" without its layout). The floating-point register lines
(``.FPRS``) are not printed: the program interface does not read the
floating-point registers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["SvcTrace", "TraceGuest", "ebcdic_text", "register_lines"]


class TraceGuest(Protocol):
    @property
    def storage_size(self) -> int: ...

    def read_storage(self, address: int, length: int) -> bytes: ...

    def gpr(self, number: int) -> int: ...


def ebcdic_text(data: bytes) -> str:
    """EBCDIC bytes as printable characters; others as a period."""
    text = data.decode("cp037", errors="replace")
    return "".join(char if char.isascii() and char.isprintable() else "." for char in text)


def _registers(guest: TraceGuest) -> list[int]:
    return [guest.gpr(number) & 0xFFFFFFFF for number in range(16)]


def register_lines(label: str, values: list[int]) -> list[str]:
    """``label h h h h h h h h *dddd...*`` for registers 0-7 and 8-15."""
    lines = []
    for first in (0, 8):
        group = values[first : first + 8]
        raw = b"".join(value.to_bytes(4, "big") for value in group)
        hexes = " ".join(f"{value:08X}" for value in group)
        lines.append(f"{label if first == 0 else ' ' * len(label)}{hexes} *{ebcdic_text(raw)}*")
    return lines


def _psw(psw: bytes) -> str:
    return f"{psw[:4].hex().upper()} {psw[4:8].hex().upper()}"


@dataclass
class SvcTrace:
    """One virtual machine's SVC trace: on or off, suspended, and what it holds."""

    on: bool = False
    suspended: bool = False
    lines: list[str] = field(default_factory=list)
    count: int = 0
    depth: int = 0
    print_pending: bool = False  # HO: print at the next chance CMS has to do I/O

    @property
    def recording(self) -> bool:
        return self.on and not self.suspended

    def start(self) -> None:
        self.on, self.suspended, self.count, self.depth = True, False, 0, 0

    def take(self) -> list[str]:
        """The lines recorded so far, to be printed (none are kept)."""
        lines, self.lines = self.lines, []
        return lines

    def stop(self) -> list[str]:
        """Tracing ends: the lines still to print."""
        self.on = self.suspended = self.print_pending = False
        return self.take()

    def immediate(self, word: str) -> None:
        """HO, SO, RO typed after an attention."""
        if word == "SO":
            self.suspended = True
        elif word == "RO":
            self.suspended = False
        elif word == "HO" and self.on:
            self.on = False
            self.print_pending = True

    def before(self, guest: TraceGuest, name: str, at: int, old: bytes, new: bytes) -> int:
        """Record an SVC about to be served; its number (for ``after``)."""
        self.count += 1
        self.depth += 1
        number = self.count
        self.lines.append(
            f"-N/D = {number:03d}/{self.depth:02d} {name:<8} {at:06X} "
            f"OLDPSW = {_psw(old)} GOPSW = {_psw(new)}"
        )
        self.lines.extend(register_lines(".GPRSB = ", _registers(guest)))
        plist = guest.gpr(1) & 0xFFFFFF
        if plist + 16 <= guest.storage_size:
            data = guest.read_storage(plist, 16)
            words = " ".join(data[i : i + 4].hex().upper() for i in range(0, 16, 4))
            self.lines.append(f".PARM  = {plist:06X} {words} *{ebcdic_text(data)}*")
        return number

    def after(self, guest: TraceGuest, number: int, name: str, at: int, old: bytes,
              resume: bytes, cms_svc: bool) -> None:  # fmt: skip
        """Record the return from SVC ``number`` to the program at ``resume``."""
        self.depth = max(0, self.depth - 1)
        values = _registers(guest)
        rc = values[15]
        mark = "*" if cms_svc and rc else "+"
        code = f" RC={rc}" if cms_svc else ""
        self.lines.append(
            f"{mark}N/D = {number:03d}/{self.depth + 1:02d} {name:<8} {at:06X} "
            f"OLDPSW = {_psw(old)} GOPSW = {_psw(resume)}{code}"
        )
        low = b"".join(value.to_bytes(4, "big") for value in values[:2])
        r15 = values[15].to_bytes(4, "big")
        self.lines.append(
            f".GPRS AFTER: R0-R1 = {values[0]:08X} {values[1]:08X} *{ebcdic_text(low)}* "
            f"R15 = {values[15]:08X} *{ebcdic_text(r15)}*"
        )
        self.lines.extend(register_lines(".GPRSS = ", values))
