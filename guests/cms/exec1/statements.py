"""EXEC 1 control statements (VM/370 R6 CMS Command and Macro Reference,
section 5 "EXEC Control Statements": &ARGS, &BEGEMSG, &BEGPUNCH, &BEGSTACK,
&BEGTYPE, &CONTINUE, &CONTROL, &EMSG, &END, &ERROR, &EXIT, &GOTO, &HEX, &IF,
&LOOP, &PUNCH, &READ, &SKIP, &SPACE, &STACK, &TIME, &TYPE).

Each handler gets the statement's raw tokens after the control word and
substitutes them itself, because some operands are not substituted when the
statement is read (the &ERROR action, the statement of an &IF, the names in
&READ VARS, the condition of a &LOOP, which is tested on every pass).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from .errors import ExecError, ExecErrorKind, ExecExit
from .scanner import CONTROL_WORDS, OPERATORS, clip, compare, scan, to_number
from .variables import COLLECTIVE

if TYPE_CHECKING:
    from .interpreter import Interpreter

Handler = Callable[["Interpreter", list[str]], Awaitable[None]]
HANDLERS: dict[str, Handler] = {}

MAX_COUNT = 4095
PUNCH_COLUMNS = 80
EMSG_MAXIMUM = 127
EMSG_SEVERITIES = "IEWR"
# CMS immediate commands: &STACK runs them at once instead of stacking them.
IMMEDIATE_COMMANDS = frozenset({"HT", "RT", "HX", "HO", "SO", "RO", "HB"})


def statement(name: str) -> Callable[[Handler], Handler]:
    """Register a handler for a control word."""

    def register(handler: Handler) -> Handler:
        HANDLERS[clip(name)] = handler
        return handler

    return register


def _single(interpreter: Interpreter, raw: Sequence[str], default: str) -> str:
    """The one operand of a statement (what follows it is ignored)."""
    tokens = interpreter.variables.substitute_all(raw)
    return tokens[0] if tokens else default


# ------------------------------------------------------------ arguments
@statement("&ARGS")
async def do_args(interpreter: Interpreter, raw: list[str]) -> None:
    """&ARGS [a1 ... a30]: reset &1-&30, &INDEX, &* and &$."""
    interpreter.variables.set_arguments(interpreter.variables.substitute_all(raw))


@statement("&CONTINUE")
async def do_continue(interpreter: Interpreter, raw: list[str]) -> None:
    """&CONTINUE: does nothing (a branch target, the default &ERROR action)."""


@statement("&END")
async def do_end(interpreter: Interpreter, raw: list[str]) -> None:
    """&END outside a block: nothing to end."""


# ------------------------------------------------------------- settings
_CONTROL_OPTIONS: dict[str, tuple[str, object]] = {
    "CMS": ("mode", "CMS"),
    "ALL": ("mode", "ALL"),
    "ERROR": ("mode", "ERROR"),
    "OFF": ("mode", "OFF"),
    "TIME": ("time_prefix", True),
    "NOTIME": ("time_prefix", False),
    "MSG": ("nomsg", False),
    "NOMSG": ("nomsg", True),
    "PACK": ("pack", True),
    "NOPACK": ("pack", False),
}


@statement("&CONTROL")
async def do_control(interpreter: Interpreter, raw: list[str]) -> None:
    """&CONTROL [CMS|ALL|ERROR|OFF] [NOTIME|TIME] [MSG|NOMSG] [PACK|NOPACK]."""
    tokens = interpreter.variables.substitute_all(raw)
    control = interpreter.control
    if not tokens:
        control.mode, control.time_prefix, control.nomsg, control.pack = "CMS", False, False, True
        return
    for token in tokens:
        if token not in _CONTROL_OPTIONS:
            raise ExecError(ExecErrorKind.INVALID_SYNTAX, token)
        attribute, value = _CONTROL_OPTIONS[token]
        setattr(control, attribute, value)


@statement("&ERROR")
async def do_error(interpreter: Interpreter, raw: list[str]) -> None:
    """&ERROR [&CONTINUE|statement]: kept unscanned until a command fails."""
    interpreter.error_action = None if raw in ([], [clip("&CONTINUE")]) else list(raw)


@statement("&HEX")
async def do_hex(interpreter: Interpreter, raw: list[str]) -> None:
    """&HEX ON|OFF: enable X' conversions."""
    setting = _single(interpreter, raw, "OFF")
    if setting not in ("ON", "OFF"):
        raise ExecError(ExecErrorKind.INVALID_SYNTAX, setting)
    interpreter.variables.hex_on = setting == "ON"


@statement("&TIME")
async def do_time(interpreter: Interpreter, raw: list[str]) -> None:
    """&TIME [ON|OFF|RESET|TYPE]: CPU time after each command."""
    setting = _single(interpreter, raw, "ON")
    control = interpreter.control
    if setting == "ON":
        control.timing = True
        control.timer_base = interpreter.host.cpu_seconds()
    elif setting == "OFF":
        control.timing = False
    elif setting == "RESET":
        control.timer_base = interpreter.host.cpu_seconds()
    elif setting == "TYPE":
        interpreter.show_time()
    else:
        raise ExecError(ExecErrorKind.INVALID_SYNTAX, setting)


# -------------------------------------------------------------- leaving
@statement("&EXIT")
async def do_exit(interpreter: Interpreter, raw: list[str]) -> None:
    """&EXIT [rc]: leave the EXEC with a return code (default 0)."""
    raise ExecExit(to_number(_single(interpreter, raw, "0")))


# ------------------------------------------------------------- branches
def find_label(interpreter: Interpreter, label: str, after: int) -> int | None:
    """Search for a label from the line after ``after`` to the end, then from the top."""
    count = len(interpreter.lines)
    for offset in range(1, count + 1):
        index = (after + offset) % count
        tokens = interpreter.lines[index]
        if tokens and tokens[0] == label:
            return index
    return None


@statement("&GOTO")
async def do_goto(interpreter: Interpreter, raw: list[str]) -> None:
    """&GOTO TOP|n|-label."""
    target = _single(interpreter, raw, "")
    if target == "TOP":
        index: int | None = 0
    elif target.isdigit() and target.isascii():
        index = int(target) - 1
        if not 0 <= index < len(interpreter.lines):
            index = None
    elif target.startswith("-"):
        index = find_label(interpreter, target, interpreter.current)
    else:
        index = None
    if index is None:
        raise ExecError(ExecErrorKind.SKIP_OR_GOTO, target)
    interpreter.transfer(index)


@statement("&SKIP")
async def do_skip(interpreter: Interpreter, raw: list[str]) -> None:
    """&SKIP [n]: skip n lines; past the end ends the EXEC.

    A negative n continues with the line n lines above the &SKIP itself.
    """
    count = to_number(_single(interpreter, raw, "1"))
    target = interpreter.current + (count if count < 0 else count + 1)
    if target < 0:
        raise ExecError(ExecErrorKind.SKIP_OR_GOTO, str(count))
    interpreter.transfer(min(target, len(interpreter.lines)))


# ------------------------------------------------------------ condition
def _operands(interpreter: Interpreter, raw: Sequence[str]) -> tuple[list[str], int]:
    """The three operands of a condition, substituted one by one (nulls drop out)."""
    operands: list[str] = []
    position = 0
    while position < len(raw) and len(operands) < 3:
        word = raw[position]
        position += 1
        if word in COLLECTIVE:
            operands.append(word)
        elif word == "&LITERAL" and position < len(raw):
            operands.append(raw[position])
            position += 1
        elif word in CONTROL_WORDS:
            position -= 1
            break
        else:
            operands.extend(interpreter.variables.substitute_all([word])[:1])
    return operands, position


def condition_met(interpreter: Interpreter, raw: Sequence[str]) -> bool | None:
    """Test ``tok1 op tok2``; None when the test is invalid or &*/&$ have no arguments."""
    result, _ = _test(interpreter, raw)
    return result


def _test(interpreter: Interpreter, raw: Sequence[str]) -> tuple[bool | None, int]:
    operands, used = _operands(interpreter, raw)
    if len(operands) < 3 or operands[1] not in OPERATORS:
        return None, used
    left, right, operator = operands[0], operands[2], OPERATORS[operands[1]]
    collective = left if left in COLLECTIVE else right if right in COLLECTIVE else None
    if collective is None:
        return compare(left, operator, right), used
    arguments = interpreter.variables.active_arguments()
    if not arguments:
        return None, used
    results = [
        compare(
            argument if left in COLLECTIVE else left,
            operator,
            argument if right in COLLECTIVE else right,
        )
        for argument in arguments
    ]
    return (all(results) if collective == "&*" else any(results)), used


@statement("&IF")
async def do_if(interpreter: Interpreter, raw: list[str]) -> None:
    """&IF tok1 op tok2 statement: run the statement when the test holds."""
    result, used = _test(interpreter, raw)
    if result:
        await interpreter.execute_statement(raw[used:], echo=False)


@statement("&LOOP")
async def do_loop(interpreter: Interpreter, raw: list[str]) -> None:
    """&LOOP n|-label m|condition."""
    from .interpreter import Loop

    if len(raw) < 2:
        raise ExecError(ExecErrorKind.INVALID_SYNTAX, "&LOOP")
    end = _loop_end(interpreter, interpreter.variables.substitute(raw[0]))
    loop = Loop(start=interpreter.current + 1, end=end)
    if len(raw) == 2:
        loop.remaining = to_number(interpreter.variables.substitute(raw[1]))
        if not 0 <= loop.remaining <= MAX_COUNT:
            raise ExecError(ExecErrorKind.INVALID_SYNTAX, raw[1])
        finished = loop.remaining == 0
    else:
        loop.condition = list(raw[1:])
        finished = condition_met(interpreter, loop.condition) is not False
    if finished:
        # Past the body in order: an enclosing loop ending on the same line
        # still gets its end-of-pass test.
        interpreter.next_line = end + 1
    elif end >= loop.start:
        interpreter.push_loop(loop)


def _loop_end(interpreter: Interpreter, extent: str) -> int:
    if extent.startswith("-"):
        for index in range(interpreter.current + 1, len(interpreter.lines)):
            tokens = interpreter.lines[index]
            if tokens and tokens[0] == extent:
                return index
        raise ExecError(ExecErrorKind.EOF_IN_LOOP, extent)
    count = to_number(extent)
    if not 0 <= count <= MAX_COUNT:
        raise ExecError(ExecErrorKind.INVALID_SYNTAX, extent)
    end = interpreter.current + count
    if end >= len(interpreter.lines):
        raise ExecError(ExecErrorKind.EOF_IN_LOOP, extent)
    return end


# --------------------------------------------------------------- output
@statement("&TYPE")
async def do_type(interpreter: Interpreter, raw: list[str]) -> None:
    """&TYPE [tokens]: display one scanned line."""
    interpreter.host.type_line(" ".join(interpreter.variables.substitute_all(raw)))


@statement("&SPACE")
async def do_space(interpreter: Interpreter, raw: list[str]) -> None:
    """&SPACE [n]: display n empty lines."""
    for _ in range(max(0, to_number(_single(interpreter, raw, "1")))):
        await interpreter.host.checkpoint()
        interpreter.host.type_line("")


@statement("&PUNCH")
async def do_punch(interpreter: Interpreter, raw: list[str]) -> None:
    """&PUNCH [tokens]: punch one scanned line as an 80-column card."""
    text = " ".join(interpreter.variables.substitute_all(raw))
    interpreter.host.punch_card(text[:PUNCH_COLUMNS].ljust(PUNCH_COLUMNS))


def emit_message(interpreter: Interpreter, text: str) -> None:
    """Display a line as a CMS message when it starts with ``mmmnnns``."""
    word, _, rest = text.strip(" ").partition(" ")
    if len(word) == 7 and word[6] in EMSG_SEVERITIES:
        interpreter.host.error_message(f"DMS{word}", rest.strip(" "))
    else:
        interpreter.host.type_line(text.rstrip(" "))


@statement("&EMSG")
async def do_emsg(interpreter: Interpreter, raw: list[str]) -> None:
    """&EMSG mmmnnns [tokens]: display a CMS message (DMS prefixed)."""
    emit_message(interpreter, " ".join(interpreter.variables.substitute_all(raw)))


@statement("&STACK")
async def do_stack(interpreter: Interpreter, raw: list[str]) -> None:
    """&STACK [FIFO|LIFO] [tokens|HT|RT]: stack one scanned line.

    A line that is just an immediate command (HT, RT, HX, ...) is not
    stacked but executed at once.
    """
    tokens = interpreter.variables.substitute_all(raw)
    lifo = False
    if tokens and tokens[0] in ("FIFO", "LIFO"):
        lifo = tokens.pop(0) == "LIFO"
    if len(tokens) == 1 and tokens[0] in IMMEDIATE_COMMANDS:
        interpreter.host.immediate(tokens[0])
        return
    interpreter.host.stack_line(" ".join(tokens), lifo=lifo)


# --------------------------------------------------------------- input
@statement("&READ")
async def do_read(interpreter: Interpreter, raw: list[str]) -> None:
    """&READ [n|ARGS|VARS [&v1 ...]]."""
    mode = interpreter.variables.substitute(raw[0]) if raw else "1"
    if mode == "ARGS" and len(raw) == 1:
        line = await interpreter.host.read_line()
        interpreter.variables.set_arguments(scan(line))
    elif mode == "VARS":
        await _read_vars(interpreter, raw[1:])
    elif len(raw) <= 1:
        await _read_lines(interpreter, to_number(mode))
    else:
        raise ExecError(ExecErrorKind.INVALID_SYNTAX, "&READ")


async def _read_vars(interpreter: Interpreter, names: Sequence[str]) -> None:
    variables = interpreter.variables
    targets = [variables.target(name) for name in names]
    words = scan(await interpreter.host.read_line())
    for position, target in enumerate(targets):
        variables.assign(target, words[position] if position < len(words) else "")


async def _read_lines(interpreter: Interpreter, count: int) -> None:
    """Read lines from the stack or terminal and run each as an EXEC line."""
    outer, interpreter.reading = interpreter.reading, True
    try:
        for _ in range(count):
            await interpreter.host.checkpoint()
            line = await interpreter.host.read_line()
            await interpreter.execute_line(scan(line))
            if interpreter.transferred:
                break
    finally:
        interpreter.reading = outer
