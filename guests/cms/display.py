"""The CMS display terminal interface (DMSGIO, the DISPW macro) over DIAGNOSE X'58'.

VM/370 System Logic Vol. 2 (SY20-0887-1), "CMS Interface for Display
Terminals": DMSGIO builds one display CCW (X'19') and issues DIAGNOSE X'58'
to put up to a screenful of data into the console's output area from a given
line; ``CANCEL=YES`` erases the output area (control X'FF'). Data shown this
way is not written to a spooled console. The console's address comes from
DIAGNOSE X'24' with Rx = -1. CP answers condition code 3 when the console
is not a display (a typewriter or line-mode terminal), and this module then
reports that the display is not there, so callers fall back to line mode.
"""

from __future__ import annotations

from guests.cms.diag import DiagGuest, diagnose_now
from guests.cms.fs.errors import BlockIOError

__all__ = ["Display", "open_display"]

DISPLAY_CCW = 0x6000  # the CCWs, then the data (below FORMAT_AREA in guests.cms.diag)
DISPLAY_DATA = 0x6200
DISPLAY_END = 0x10000  # FORMAT_AREA
MAX_CCWS = 64
CHAIN_COMMAND = 0x40
DISPLAY = 0x19
SLI = 0x20
CANCEL = 0xFF
ERASE = 0x80
MAX_BYTES = 2032


class Display:
    """The 3270 console at ``address``: a screenful in one display CCW, or one chained
    CCW a line (rows that line up whatever the screen's width)."""

    def __init__(self, guest: DiagGuest, address: int) -> None:
        self.guest = guest
        self.address = address

    def _issue(self, control: int, data: bytes) -> bool:
        return self._chain([(control, data)])

    def _chain(self, operations: list[tuple[int, bytes]]) -> bool:
        """One DIAGNOSE of command-chained display CCWs: (control, data) each."""
        chain, address = b"", DISPLAY_DATA
        operations = operations[:MAX_CCWS]
        while sum(min(len(data), MAX_BYTES) for _, data in operations) > DISPLAY_END - address:
            operations = operations[:-1]  # never past the display area
        for number, (control, data) in enumerate(operations):
            data = data[:MAX_BYTES] or b"\x40"
            last = number == len(operations) - 1
            chain += (
                bytes((DISPLAY,))
                + address.to_bytes(3, "big")
                + bytes((SLI if last else SLI | CHAIN_COMMAND, control))
                + len(data).to_bytes(2, "big")
            )
            self.guest.write_storage(address, data)
            address += len(data)
        self.guest.write_storage(DISPLAY_CCW, chain)
        try:
            result = diagnose_now(self.guest, 0x58, rx=DISPLAY_CCW, ry=self.address)
        except BlockIOError:
            return False
        return result.cc == 0

    def show(self, line: int, data: bytes, erase: bool = False) -> bool:
        """Display ``data`` (EBCDIC, start-field orders allowed) from ``line`` on."""
        return self._issue((ERASE if erase else 0) | (line & 0x3F), data)

    def show_rows(self, rows: list[bytes], erase: bool = False) -> bool:
        """Display each of ``rows`` on its own line from the top, whatever the width of the
        screen (one chained CCW a line); ``erase`` as for :meth:`show`."""
        operations = [
            ((ERASE if erase and line == 0 else 0) | line, data) for line, data in enumerate(rows)
        ]
        return self._chain(operations)

    def cancel(self) -> bool:
        """Erase the output area; False when the console is not a display."""
        return self._issue(CANCEL, b"")


def open_display(guest: DiagGuest) -> Display | None:
    """The console as a display (its output area erased), or None on a line-mode console."""
    try:
        result = diagnose_now(guest, 0x24, rx=0xFFFFFFFF)
    except BlockIOError:
        return None
    if result.cc != 0:
        return None
    display = Display(guest, result.rx & 0xFFFF)
    return display if display.cancel() else None
