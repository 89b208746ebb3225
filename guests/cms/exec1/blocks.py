"""EXEC 1 unscanned blocks: &BEGTYPE, &BEGSTACK, &BEGPUNCH, &BEGEMSG ... &END
(VM/370 R6 CMS Command and Macro Reference, section 5).

The lines between the statement and an ``&END`` that starts in column 1 are
not scanned: they are displayed, stacked, punched or shown as CMS messages
as written. In a fixed-length EXEC file only columns 1-72 are used unless the
statement says ALL (then up to 130); &BEGPUNCH without ALL leaves columns
73-80 of each card blank. A null line in a &BEGSTACK block stacks a blank.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import ExecError, ExecErrorKind
from .scanner import MAX_RECORD, SCAN_COLUMNS_FIXED
from .statements import EMSG_MAXIMUM, PUNCH_COLUMNS, emit_message, statement

if TYPE_CHECKING:
    from .interpreter import Interpreter


def _options(interpreter: Interpreter, raw: list[str], allowed: set[str]) -> set[str]:
    if interpreter.reading:
        raise ExecError(ExecErrorKind.INVALID_SYNTAX, "block in &READ")
    options = set(interpreter.variables.substitute_all(raw))
    if not options <= allowed or {"FIFO", "LIFO"} <= options:
        raise ExecError(ExecErrorKind.INVALID_SYNTAX, " ".join(sorted(options)))
    return options


def _is_end(record: str) -> bool:
    return record.startswith("&END") and (len(record) == 4 or record[4] == " ")


def _take_block(interpreter: Interpreter, whole: bool) -> list[str]:
    """The block's lines (cut to the usable columns); moves past the &END."""
    limit = MAX_RECORD if whole or interpreter.recfm != "F" else SCAN_COLUMNS_FIXED
    block: list[str] = []
    index = interpreter.current + 1
    while index < len(interpreter.records) and not _is_end(interpreter.records[index]):
        block.append(interpreter.records[index][:limit])
        index += 1
    interpreter.next_line = min(index + 1, len(interpreter.records))
    return block


@statement("&BEGTYPE")
async def do_begtype(interpreter: Interpreter, raw: list[str]) -> None:
    """&BEGTYPE [ALL] ... &END: display the lines."""
    options = _options(interpreter, raw, {"ALL"})
    for line in _take_block(interpreter, "ALL" in options):
        interpreter.host.type_line(line.rstrip(" "))


@statement("&BEGSTACK")
async def do_begstack(interpreter: Interpreter, raw: list[str]) -> None:
    """&BEGSTACK [FIFO|LIFO] [ALL] ... &END: stack the lines."""
    options = _options(interpreter, raw, {"ALL", "FIFO", "LIFO"})
    for line in _take_block(interpreter, "ALL" in options):
        interpreter.host.stack_line(line.rstrip(" ") or " ", lifo="LIFO" in options)


@statement("&BEGPUNCH")
async def do_begpunch(interpreter: Interpreter, raw: list[str]) -> None:
    """&BEGPUNCH [ALL] ... &END: punch the lines as cards."""
    options = _options(interpreter, raw, {"ALL"})
    columns = PUNCH_COLUMNS if "ALL" in options else SCAN_COLUMNS_FIXED
    for line in _take_block(interpreter, True):
        interpreter.host.punch_card(line[:columns].ljust(PUNCH_COLUMNS))


@statement("&BEGEMSG")
async def do_begemsg(interpreter: Interpreter, raw: list[str]) -> None:
    """&BEGEMSG [ALL] ... &END: display the lines as CMS messages."""
    options = _options(interpreter, raw, {"ALL"})
    for line in _take_block(interpreter, "ALL" in options):
        emit_message(interpreter, line[:EMSG_MAXIMUM])
