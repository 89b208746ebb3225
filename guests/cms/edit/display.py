"""EDIT in display mode: the file on a 3270 screen (reference/cp-cms.md 11.1 and 11.3).

R6 EDIT on a display terminal shows a window of the file around the current
line instead of typing verification lines, and shows its messages on the
screen; subcommands are typed in CP's input area as in line mode (a VM
READ) and are the same. It draws through the CMS display interface (DMSGIO,
DIAGNOSE X'58' line display). The layout is this system's best estimate of
R6's (the manuals at hand do not picture it): the first output line names
the file and the mode (``EDIT:`` or ``INPUT:``), then the file window with
the current line, intensified, in its middle and ``TOF:``/``EOF:`` where the
null lines are, then the message lines; the last output line is written
blank, which leaves it to CP for its echo of the line the user enters.
Output too long for the message lines (TYPE of many lines), CMS subset and
edit macros write ordinary console lines; the next picture then erases the
output area through MORE... (DISPW ERASE=YES), so they can be read first. No
scale and no prefix area (R6 EDIT has neither; they came with XEDIT).

A console that stops being a display (the user reconnects from a
typewriter terminal) makes EDIT carry on in line mode.

``Change`` without operands brings the current line into CP's input area
(a line display below the output area) for overtyping; the line entered
replaces it (a null line leaves it as it was).

Subcommands of display mode (DMSEDI529E in line mode): ``SCroll [1|n|*]``
and ``SCROLLUp [1|n|*]`` move the current line n pages (the file window)
forward or back; ``FORMat [DISPLAY|LINEMODE]`` switches between the
picture and line mode (R6 documents FORMAT as a display-mode subcommand;
these operands are this system's best estimate), without operands it
types the format in use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from guests.cms.edit.editor import SUBCOMMANDS, EditError, EditHost, FileId, subcommand
from guests.cms.edit.moves import ALL, count_of

if TYPE_CHECKING:
    from guests.cms.edit.editor import Editor

__all__ = ["DisplayHost", "Screen"]

SF = 0x1D
NORMAL = 0x60  # protected (the output area stays output only)
BRIGHT = 0xE8  # protected, intensified
WIDTH = 78  # text columns of a row: one for each row's attribute, one for the next
OUTPUT_ROWS = 22  # a model 2's output area (the CMS interface writes 1760 bytes at most)
MAX_MESSAGE_ROWS = 8
INPUT_WIDTH = 139  # a model 2's input area (two rows less the status area)
NOT_DISPLAY = "DMSEDI529E SUBCOMMAND IS ONLY VALID IN DISPLAY MODE"


class Screen(Protocol):
    """The console as CMS's display interface offers it (``guests.cms.display.Display``)."""

    def show(self, line: int, data: bytes, erase: bool = False) -> bool: ...

    def show_rows(self, rows: list[bytes], erase: bool = False) -> bool: ...

    def cancel(self) -> bool: ...


def row(text: str, bright: bool = False) -> bytes:
    """One output row: its attribute, then 78 columns of text."""
    body = text[:WIDTH].ljust(WIDTH).encode("cp037", errors="replace")
    body = bytes(b if b >= 0x40 and b != 0xFF else 0x40 for b in body)
    return bytes((SF, BRIGHT if bright else NORMAL)) + body


class DisplayHost:
    """An ``EditHost`` that puts the editor on a 3270 and forwards the rest to ``host``."""

    def __init__(
        self, host: EditHost, screen: Screen, shown: Callable[[str], str] | None = None
    ) -> None:
        """``shown``: a message as CP SET EMSG lets it be shown ('' for not at all)."""
        self.host = host
        self.shown = shown
        self.device = screen
        self.screen: Screen | None = screen  # None: line mode
        self.editor: Editor | None = None
        self.messages: list[str] = []
        self.fresh = True  # the first picture erases the output area (CANCEL)
        self.after_output = False  # line output is up: the picture waits behind MORE...

    # ---- what the editor types: messages on the screen --------------------------
    def type(self, *lines: str) -> None:
        if self.screen is None:
            self.host.type(*lines)
            return
        for line in lines:
            line = self.shown(line) if self.shown is not None else line
            if line:
                self.messages.append(line)

    @property
    def active(self) -> bool:
        return self.screen is not None

    @property
    def page(self) -> int:
        """Lines SCROLL moves: the file window with one message line."""
        return OUTPUT_ROWS - 3

    async def read(self) -> str:
        self.draw()
        return await self.host.read()

    # ---- the picture --------------------------------------------------------------
    def draw(self) -> None:
        """Show the file around the current line, the mode and the messages."""
        editor = self.editor
        if self.screen is None or editor is None:
            return
        if len(self.messages) > MAX_MESSAGE_ROWS:  # TYPE of many lines: typed as lines
            self.host.type(*self.messages)
            self.messages.clear()
            self.after_output = True
        messages = self.messages
        window = OUTPUT_ROWS - 2 - max(len(messages), 1)
        mode = "INPUT:" if editor.input_mode else "EDIT:"
        fileid = editor.settings.fileid
        rows = [row(f"{mode} {fileid.fn} {fileid.ft} {fileid.fm}", bright=True)]
        middle = window // 2
        for index in range(window):
            position = editor.current - middle + index
            rows.append(row(self.text_at(editor, position), bright=index == middle))
        rows += [row(message, bright=True) for message in messages]
        rows += [row("")] * (max(len(messages), 1) - len(messages) + 1)  # the last: CP's echo
        if self.fresh and not self.screen.cancel():
            self.line_mode()
            return
        if not self.screen.show_rows(rows, erase=self.after_output):
            self.line_mode()
            return
        self.fresh = self.after_output = False
        self.messages.clear()

    @staticmethod
    def text_at(editor: Editor, position: int) -> str:
        if position == 0:
            return "TOF:"
        if position == len(editor.lines) + 1:
            return "EOF:"
        if not 0 < position <= len(editor.lines):
            return ""
        start, end = editor.settings.verify_columns
        return editor.lines[position - 1][start - 1 : end].rstrip()

    def line_mode(self) -> None:
        """Carry on in line mode: the messages are typed, and verification resumes."""
        self.screen = None
        pending, self.messages = self.messages, []
        if pending:
            self.host.type(*pending)
        if self.editor is not None:
            self.editor.verify()  # what the picture would have shown

    async def overtype(self, editor: Editor) -> None:
        """CHANGE without operands: the current line in the input area, then its new text."""
        if self.screen is None or editor.at_tof or editor.at_eof:
            raise EditError("?EDIT: CHANGE")
        self.draw()
        line = editor.line[:INPUT_WIDTH].encode("cp037", errors="replace")
        if self.screen is None or not self.screen.show(OUTPUT_ROWS, line):
            raise EditError("?EDIT: CHANGE")
        text = await self.host.read()
        if text:
            editor.set_line(editor.prepare(text))
            editor.changed()

    def to_display(self) -> bool:
        """FORMAT DISPLAY: the picture again, on an erased output area."""
        if self.screen is None and self.device.cancel():
            self.screen = self.device
            self.fresh = self.after_output = False
        return self.screen is not None

    def leave(self) -> None:
        """EDIT ends: the output area is erased for what CMS writes next."""
        if self.screen is not None:
            self.screen.cancel()

    # ---- the rest is CMS's --------------------------------------------------------
    def stack(self, line: str) -> None:
        self.host.stack(line)

    def read_file(self, fn: str, ft: str, fm: str) -> list[str]:
        return self.host.read_file(fn, ft, fm)

    def write_file(self, fileid: FileId, records: list[bytes], recfm: str, lrecl: int) -> None:
        self.host.write_file(fileid, records, recfm, lrecl)

    async def subset(self, line: str) -> int:
        self.after_output = True  # CMS output goes on CP's screen; the picture waits
        return await self.host.subset(line)

    async def macro(self, name: str, operands: str) -> bool:
        self.after_output = True
        return await self.host.macro(name, operands)

    def writable(self, fm: str) -> bool:
        return self.host.writable(fm)


def display_of(editor: Editor) -> DisplayHost:
    """The editor's display; EditError (DMSEDI529E) in line mode."""
    host = editor.host
    if not isinstance(host, DisplayHost) or not host.active:
        raise EditError(NOT_DISPLAY)
    return host


@subcommand("SCROLL", 2)
async def scroll(editor: Editor, operands: str) -> None:
    page = display_of(editor).page
    count = count_of(operands.strip())
    editor.move_to(len(editor.lines) + 1 if count == ALL else editor.current + count * page)


@subcommand("SCROLLUP", 7)
async def scroll_up(editor: Editor, operands: str) -> None:
    page = display_of(editor).page
    count = count_of(operands.strip())
    editor.move_to(0 if count == ALL else editor.current - count * page)


@subcommand("FORMAT", 4)
async def format_(editor: Editor, operands: str) -> None:
    host = editor.host
    if not isinstance(host, DisplayHost):  # NODISP, or a typewriter console
        raise EditError(NOT_DISPLAY)
    word = operands.strip()
    if word == "":
        host.type(f"FORMAT {'DISPLAY' if host.active else 'LINEMODE'}")
    elif len(word) >= 4 and "DISPLAY".startswith(word):
        if not host.to_display():
            raise EditError(NOT_DISPLAY)
    elif len(word) >= 4 and "LINEMODE".startswith(word):
        if host.active:
            host.device.cancel()
            host.line_mode()
    else:
        raise EditError(f"INVALID OPERAND: {word}")


_change_in_line_mode = SUBCOMMANDS["CHANGE"].handler


@subcommand("CHANGE", 1, changes=True, text=True)
async def change(editor: Editor, operands: str) -> None:
    """CHANGE; without operands on a display, the current line is overtyped."""
    host = editor.host
    if not operands.strip() and isinstance(host, DisplayHost) and host.active:
        await host.overtype(editor)
        return
    await _change_in_line_mode(editor, operands)
