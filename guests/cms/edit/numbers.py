"""Line-number editing: LINEMODE and the ``nnnnn [text]`` subcommand.

reference/cp-cms.md 11.3 (LINEMODE LEFT|RIGHT|OFF, ``nnnnn [text]``: locate or
insert line nnnnn; both marked unverified there). With LINEMODE LEFT each
line begins with its number (5 digits, 8 for FREEFORT); with LINEMODE RIGHT
the number is in columns 73-80. ``nnnnn text`` replaces the line of that
number or inserts it in number order; ``nnnnn`` alone makes it current. In
input mode each new line gets the current line's number plus 10. VSBASIC and
FREEFORT files start in LINEMODE LEFT.
"""

from __future__ import annotations

from guests.cms.edit.editor import EditError, Editor, subcommand

__all__ = ["LINE_NUMBER", "numbered"]

LINE_NUMBER = "LINE NUMBER"  # the registry key of ``nnnnn [text]`` (no name abbreviates it)
STEP = 10


def field(editor: Editor) -> tuple[int, int]:
    """(first column index, width) of the line number."""
    if editor.linemode == "RIGHT":
        return 72, 8
    return 0, 8 if editor.settings.fileid.ft == "FREEFORT" else 5


def number_of(editor: Editor, line: str) -> int | None:
    start, width = field(editor)
    digits = line[start : start + width]
    return int(digits) if len(digits) == width and digits.isdigit() else None


def numbered(editor: Editor, text: str, number: int) -> str:
    """``text`` with ``number`` in the line-number columns."""
    start, width = field(editor)
    if editor.linemode == "RIGHT":
        return text.ljust(start)[:start] + f"{number:0{width}d}"
    return f"{number:0{width}d} {text}".rstrip()


def next_number(editor: Editor) -> int:
    current = None if editor.at_tof or editor.at_eof else number_of(editor, editor.line)
    if current is None and editor.at_eof and editor.lines:
        current = number_of(editor, editor.lines[-1])
    return (current or 0) + STEP


@subcommand("LINEMODE", 8)
async def linemode(editor: Editor, operands: str) -> None:
    word = operands.strip()
    if word == "":
        editor.host.type(f"LINEMODE {editor.linemode}")
    elif word in ("LEFT", "RIGHT", "OFF"):
        editor.linemode = word
    else:
        raise EditError(f"INVALID OPERAND: {word}")


@subcommand(LINE_NUMBER, len(LINE_NUMBER), changes=True, text=True)
async def line_number(editor: Editor, operands: str) -> None:
    """``nnnnn [text]``: go to line nnnnn; with text, replace or insert it."""
    if editor.linemode == "OFF":
        raise EditError(f"?EDIT: {operands}")
    digits, _, text = operands.partition(" ")
    number = int(digits)
    position = 0
    for index, line in enumerate(editor.lines, start=1):
        have = number_of(editor, line)
        if have == number:
            editor.move_to(index)
            if text:
                editor.set_line(numbered(editor, editor.prepare(text), number))
                editor.changed()
            editor.verify()
            return
        if have is not None and have < number:
            position = index
    if not text:
        raise EditError("NOT FOUND")
    editor.move_to(position)
    editor.insert_after(numbered(editor, editor.prepare(text), number))
