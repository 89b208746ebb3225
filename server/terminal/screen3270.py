"""The VM console screen of a 3270: layout, paging and status (pure, no sockets).

reference/terminals.md 6.2-6.4: an output area (rows 1 to n-2, written from
column 2), an input area (row n-1 to the status area on row n), and a
20-character status area showing, first that applies, NOT ACCEPTED,
HOLDING, MORE... or the execution state (CP READ, VM READ, RUNNING). Output
fills the output area a page at a time; when a line has no free row the
screen enters MORE... and the rest waits for the next page (PA2, CLEAR, the
MORE timer). A program's line display (DIAGNOSE X'58' X'19') writes into the
output area from a given row on. Every method returns the 3270 records to send.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from server.terminal.ds3270 import (
    ATTR_INTENSIFIED,
    ATTR_MDT,
    ATTR_NONDISPLAY,
    ATTR_PROTECTED,
    CMD_ERASE_WRITE_ALTERNATE,
    CMD_WRITE,
    WCC_ALARM,
    WCC_RESET,
    WCC_RESET_MDT,
    WCC_RESTORE,
    Write,
    display_data,
)

# Alternate screen sizes by model (terminals.md 3.2).
MODEL_SIZES = {2: (24, 80), 3: (32, 80), 4: (43, 80), 5: (27, 132)}
STATUS_WIDTH = 20


def model_of(term: str) -> int:
    """The model number in a terminal type such as ``IBM-3278-4-E`` (2 when absent)."""
    parts = term.upper().split("-")
    if len(parts) >= 3 and parts[2].isdigit() and int(parts[2]) in MODEL_SIZES:
        return int(parts[2])
    return 2


@dataclass(frozen=True)
class Layout:
    """Where the areas of the console screen are on a rows x cols buffer."""

    rows: int
    cols: int

    @property
    def output_rows(self) -> int:
        return self.rows - 2

    @property
    def input_attribute(self) -> int:
        return (self.rows - 2) * self.cols - 1

    @property
    def input_start(self) -> int:
        return (self.rows - 2) * self.cols

    @property
    def status_attribute(self) -> int:
        return (self.rows - 1) * self.cols + self.cols - STATUS_WIDTH - 1

    @property
    def status_start(self) -> int:
        return self.status_attribute + 1

    @property
    def input_length(self) -> int:
        return self.status_attribute - self.input_start

    def row_address(self, row: int) -> int:
        """Address of column 2 of output row ``row`` (0-based)."""
        return row * self.cols + 1

    def row_width(self, row: int) -> int:
        last = row == self.output_rows - 1
        return self.cols - 2 if last else self.cols - 1


class ConsoleScreen:
    """The console's state: what is on the screen, what waits, what the status says."""

    def __init__(self, layout: Layout, node: str) -> None:
        self.layout = layout
        self.node = node
        self.execution = "CP READ"
        self.display = "NORMAL"  # NORMAL, MORE or HOLDING
        self.not_accepted = False
        self.hidden = False
        self.rows: list[str] = []  # output rows on the current page
        self.pending: deque[str] = deque()  # rows waiting for the next page
        self.deferred: list[tuple[int, bytes]] = []  # line displays waiting for the next page
        self.alarm = False  # sound the alarm with the next write (a message arrived)

    # ---- status ---------------------------------------------------------
    def status_text(self) -> str:
        if self.not_accepted:
            word = "NOT ACCEPTED"
        elif self.display == "HOLDING":
            word = "HOLDING"
        elif self.display == "MORE":
            word = "MORE..."
        else:
            word = self.execution
        room = STATUS_WIDTH - len(word) - 1
        return (word + " " + self.node[-room:].rjust(room))[:STATUS_WIDTH]

    # ---- output ---------------------------------------------------------
    def _split(self, line: str) -> list[str]:
        """A logical line as screen rows (long lines continue on the next row)."""
        width = self.layout.cols - 2
        line = line.expandtabs(8)
        return [line[i : i + width] for i in range(0, len(line), width)] or [""]

    def add_lines(self, lines: list[str]) -> list[bytes]:
        """Put lines on the screen (or in the MORE... queue)."""
        for line in lines:
            self.pending.extend(self._split(line))
        return [self._place_pending(Write(CMD_WRITE, self._wcc(WCC_RESET | WCC_RESTORE)))]

    def _wcc(self, bits: int) -> int:
        """The WCC for the next write: with the alarm bit when a message asked for it."""
        if self.alarm:
            self.alarm = False
            return bits | WCC_ALARM
        return bits

    def _place_pending(self, write: Write) -> bytes:
        """Fill free rows from the queue; enter MORE... when rows run out."""
        layout = self.layout
        while self.pending and self.display == "NORMAL":
            if len(self.rows) >= layout.output_rows:
                self.display = "MORE"
                break
            row = self.pending.popleft()
            self.rows.append(row)
            write.sba(layout.row_address(len(self.rows) - 1)).text(row)
        if self.deferred and self.display == "NORMAL" and self.rows:
            self.display = "MORE"  # a line display with the erase bit waits for its page
        return self._status(write).record()

    def _status(self, write: Write) -> Write:
        return write.sba(self.layout.status_start).text(self.status_text())

    def next_page(self) -> list[bytes]:
        """Erase the output area and continue with what waits (PA2, timer)."""
        self.display = "NORMAL"
        self.rows = []
        write = Write(CMD_WRITE, WCC_RESET | WCC_RESTORE)
        write.sba(1).ra(self.layout.input_attribute, 0x00)
        if not self.pending:  # lines written before a waiting line display come first
            self._show_deferred(write)
        return [self._place_pending(write)]

    def clear(self) -> list[bytes]:
        """CLEAR: the terminal erased itself; redraw it on a new page."""
        self.display = "NORMAL"
        self.rows = []
        if not self.deferred or self.pending:
            return [self.redraw()]
        write = Write(CMD_WRITE, WCC_RESET | WCC_RESTORE)
        self._show_deferred(write)
        return [self.redraw(), self._status(write).record()]

    def hold(self) -> list[bytes]:
        self.display = "HOLDING"
        return [self.status_only()]

    def sound_alarm(self) -> None:
        """Ring the terminal's alarm with the next write (a message arrived)."""
        self.alarm = True

    @property
    def cp_waiting(self) -> bool:
        """CP has output the user has not been shown yet, or the screen is held: a
        program's full-screen Erase/Write must wait (VM/SP: unit status X'8E')."""
        return self.display != "NORMAL" or bool(self.pending) or bool(self.deferred)

    def break_in(self, lines: list[str]) -> list[bytes]:
        """CP takes the screen from a full-screen program for a message: the whole CP
        screen redrawn on a new page with the message at the top, and held (HOLDING)
        until the user releases it with PA2 or CLEAR (z/VM does so for a MSG that
        interrupts a full-screen program; VM/SP SC19-6203 DIAGNOSE X'58' notes)."""
        self.rows = []
        self.display = "NORMAL"
        for line in lines:
            self.pending.extend(self._split(line))
        return [self.redraw(), *self.hold()]

    # ---- whole screen ---------------------------------------------------
    def redraw(self) -> bytes:
        """Erase/Write Alternate of the whole console screen."""
        layout = self.layout
        wcc = self._wcc(WCC_RESET | WCC_RESTORE | WCC_RESET_MDT)
        write = Write(CMD_ERASE_WRITE_ALTERNATE, wcc)
        write.sba(0).sf(ATTR_PROTECTED)
        for index, row in enumerate(self.rows):
            write.sba(layout.row_address(index)).text(row)
        write.sba(layout.input_attribute).sf(ATTR_NONDISPLAY if self.hidden else 0)
        write.sba(layout.status_attribute).sf(ATTR_PROTECTED | ATTR_INTENSIFIED)
        record = self._place_pending(write)
        return record + bytes(Write().sba(layout.input_start).ic().body)

    # ---- input ------------------------------------------------------------
    def accepted(self, line: str | None) -> list[bytes]:
        """Input taken: echo it (unless hidden), clear the input area, home the cursor."""
        self.not_accepted = False
        layout = self.layout
        write = Write(CMD_WRITE, WCC_RESET | WCC_RESTORE | WCC_RESET_MDT)
        write.sba(layout.input_start).eua(layout.status_attribute)
        if line is not None:
            self.pending.extend(self._split(line))
        record = self._place_pending(write)
        return [record + bytes(Write().sba(layout.input_start).ic().body)]

    def refuse_input(self) -> list[bytes]:
        self.not_accepted = True
        return [self.status_only()]

    def status_only(self) -> bytes:
        """Restore the keyboard and show the status (every AID needs an answer)."""
        return self._status(Write(CMD_WRITE, self._wcc(WCC_RESET | WCC_RESTORE))).record()

    def set_hidden(self, hidden: bool) -> list[bytes]:
        """Make the input area non-display (passwords) or normal again."""
        self.hidden = hidden
        write = Write(CMD_WRITE, WCC_RESET | WCC_RESTORE | WCC_RESET_MDT)
        write.sba(self.layout.input_attribute).sf(ATTR_NONDISPLAY if hidden else 0)
        write.sba(self.layout.input_start).eua(self.layout.status_attribute)
        write.sba(self.layout.input_start).ic()
        return [write.record()]

    def put_input(self, text: str, cursor: int | None = None) -> list[bytes]:
        """Place text in the input area for the user to edit (PF DELAYED, RETRIEVE, a
        program's line display there); the cursor after it, or at offset ``cursor``."""
        layout = self.layout
        text = text[: layout.input_length]
        write = Write(CMD_WRITE, WCC_RESET | WCC_RESTORE)
        # The attribute is rewritten with its MDT on, so ENTER sends the text unchanged.
        write.sba(layout.input_attribute).sf(ATTR_MDT)
        write.eua(layout.status_attribute)
        write.sba(layout.input_start).text(text)
        if cursor is None:
            write.ic()
        else:
            write.sba(layout.input_start + cursor).ic()
        return [self._status(write).record()]

    def set_execution(self, state: str) -> list[bytes]:
        self.execution = state
        return [self.status_only()]

    # ---- DIAGNOSE X'58' line display --------------------------------------------
    def line_display(self, line: int, data: bytes, erase: bool) -> list[bytes] | None:
        """Show a program's data from output row ``line`` (0-based) on, continuing across
        rows. ``erase``: the output area is erased first, after MORE... if it holds
        anything (the display waits for the next page). None when the data does not fit
        in the rows from ``line`` down (R6 CP's check); the two positions of the area that
        hold attributes here are left out. The lines below the output area (DISPW's 22
        and 23 on a model 2) are the input area: the text is put there for the user to
        overtype and enter, the cursor at its start."""
        layout = self.layout
        if layout.output_rows <= line < layout.rows:
            offset = (line - layout.output_rows) * layout.cols
            text = display_data(data, len(data))[1]
            if offset + len(text) > layout.input_length:
                return None
            return self.put_input(" " * offset + text, cursor=offset)
        if not 0 <= line < layout.output_rows:
            return None
        if len(display_data(data, len(data))[1]) > (layout.output_rows - line) * layout.cols:
            return None
        if self.deferred or (erase and self.rows):
            self.deferred.append((line, data))
            if self.display == "NORMAL":
                self.display = "MORE"
            return [self.status_only()]
        records = self.next_page() if erase else []
        write = Write(CMD_WRITE, WCC_RESET | WCC_RESTORE)
        self.deferred.append((line, data))
        self._show_deferred(write)
        return [*records, self._status(write).record()]

    def _show_deferred(self, write: Write) -> None:
        """Add the waiting line displays to ``write`` (and to ``rows``)."""
        layout = self.layout
        for line, data in self.deferred:
            start = layout.row_address(line)
            body, text = display_data(data, layout.input_attribute - start)
            write.sba(start).body.extend(body)
            self._overlay(start, text)
        self.deferred.clear()

    def _overlay(self, start: int, text: str) -> None:
        """Keep what a line display put on the screen in ``rows`` (for a redraw)."""
        layout = self.layout
        last_row = (start + max(len(text), 1) - 1) // layout.cols
        grid = [list(row) for row in self.rows]
        grid += [[] for _ in range(last_row + 1 - len(grid))]
        for offset, char in enumerate(text):
            row, column = divmod(start + offset, layout.cols)
            if column == 0:
                continue  # column 1 holds no row text (rows start in column 2)
            cells = grid[row]
            cells += [" "] * (column - len(cells))
            cells[column - 1] = char
        self.rows = ["".join(cells).rstrip()[: layout.row_width(i)] for i, cells in enumerate(grid)]
        if len(self.rows) == layout.output_rows and not self.rows[-1] and last_row == len(grid) - 1:
            self.rows.pop()  # a blank last row, written so, is free for CP's output again

    def reformat(self) -> list[bytes]:
        """X'FE': the whole CP screen rewritten, output area empty, cursor in the input area."""
        self.display = "NORMAL"
        self.rows = []
        return [self.redraw()]
