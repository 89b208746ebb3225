"""The EXEC 1 interpreter: running an EXEC file line by line (VM/370 R6 CMS
Command and Macro Reference, "EXEC" command and section 5 "EXEC Control
Statements"; CMS User's Guide, "Using the EXEC facility").

Each line is scanned into tokens and then is, by its first token: null,
a comment (``*``), a label (``-name`` followed by any statement), an
assignment (``&var =``), a control statement (``&IF`` ...), or a CMS command.
Commands go to CMS as a tokenized parameter list; their return code is put in
&RETCODE, shown in the execution summary under &CONTROL and, when not zero,
triggers the &ERROR action. Reaching the end of the file ends the EXEC with
return code 0. Interpreter errors end it with DMSEXT072E and a code in the
800 range. Nested EXECs (``EXEC fn args`` as a command) run at the next
level, up to 19, sharing &GLOBAL0-&GLOBAL9.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from . import blocks, statements  # noqa: F401  (blocks registers the &BEG... handlers)
from .assignment import assign
from .errors import MESSAGE_ID, ExecError, ExecErrorKind, ExecExit, error_text
from .host import ExecFile, ExecHost
from .scanner import CONTROL_WORDS, FUNCTION_WORDS, MAX_RECORD, scan, scanned_text
from .variables import SharedState, Variables

MAX_LEVELS = 19
MAX_LOOP_NESTING = 4
EXEC_COMMAND_NAMES = frozenset({"EX", "EXE", "EXEC"})


@dataclass
class Loop:
    """An active &LOOP: its body (line indexes) and how it ends."""

    start: int
    end: int
    remaining: int | None = None
    condition: list[str] | None = None


@dataclass
class Control:
    """&CONTROL settings and &TIME state (local to one EXEC level)."""

    mode: str = "CMS"
    time_prefix: bool = False
    nomsg: bool = False
    pack: bool = True
    timing: bool = False
    timer_base: tuple[float, float] = (0.0, 0.0)


def format_return_code(return_code: int) -> str:
    """``00028`` for positive codes, ``-0003`` for negative ones."""
    if return_code < 0:
        return f"-{-return_code:04d}"
    return f"{return_code:05d}"


@dataclass
class ExecSession:
    """The EXEC processor of one CMS virtual machine: runs EXECs at any level."""

    host: ExecHost
    shared: SharedState = field(default_factory=SharedState)

    async def run(self, filename: str, arguments: Sequence[str] = ()) -> int:
        """Run ``filename EXEC`` with its arguments; the EXEC's return code."""
        filename = filename[:8]
        if self.shared.level >= MAX_LEVELS:
            return self._fail(filename, 0, ExecErrorKind.RECURSION)
        exec_file = await self.host.read_exec_file(filename)
        if exec_file is None:
            return self._fail(filename, 0, ExecErrorKind.FILE_NOT_FOUND)
        if exec_file.lrecl > MAX_RECORD or exec_file.recfm.upper() not in ("F", "V"):
            return self._fail(filename, 0, ExecErrorKind.BAD_FILE_FORMAT)
        interpreter = Interpreter(self, filename, exec_file)
        self.shared.level += 1
        try:
            return await interpreter.run(arguments)
        finally:
            self.shared.level -= 1

    def _fail(self, filename: str, line_number: int, kind: ExecErrorKind) -> int:
        self.host.error_message(MESSAGE_ID, error_text(filename, line_number, kind))
        return kind.return_code


class Interpreter:
    """One EXEC level: its file, variables, loops and settings."""

    def __init__(self, session: ExecSession, filename: str, exec_file: ExecFile) -> None:
        self.session = session
        self.host = session.host
        self.filename = filename
        self.records = [record[:MAX_RECORD] for record in exec_file.records]
        self.recfm = exec_file.recfm.upper()
        self.lines = [scan(scanned_text(record, self.recfm)) for record in self.records]
        self.variables = Variables(self.host, session.shared, filename)
        self.control = Control()
        self.error_action: list[str] | None = None
        self.loops: list[Loop] = []
        self.current = -1
        self.next_line = 0
        self.transferred = False
        self.reading = False
        self.in_error_action = False

    # ------------------------------------------------------------ main loop
    async def run(self, arguments: Sequence[str]) -> int:
        """Run the file from the top; the EXEC's return code."""
        try:
            self.variables.set_arguments(arguments)
            self.control.timer_base = self.host.cpu_seconds()
            while self.next_line < len(self.lines):
                await self.host.checkpoint()
                await self._step()
        except ExecExit as leave:
            return leave.return_code
        except ExecError as error:
            text = error_text(self.filename, self.current + 1, error.kind)
            self.host.error_message(MESSAGE_ID, text)
            return error.return_code
        return 0

    async def _step(self) -> None:
        index = self.next_line
        self.current = index
        self.variables.line_number = index + 1
        self.next_line = index + 1
        self.transferred = False
        await self.execute_line(self.lines[index])
        if not self.transferred:
            self._end_of_loops(index, self.next_line - 1)

    async def execute_line(self, tokens: list[str]) -> None:
        """One scanned line: skip nulls and comments, strip a label, run the rest."""
        if not tokens or tokens[0].startswith("*"):
            return
        if tokens[0].startswith("-"):
            tokens = tokens[1:]
        await self.execute_statement(tokens)

    async def execute_statement(self, raw: list[str], *, echo: bool = True) -> None:
        """An assignment, a control statement or a command, from raw tokens."""
        if not raw:
            return
        if len(raw) >= 2 and raw[1] == "=" and raw[0].startswith("&"):
            if echo:
                self.echo_statement(raw)
            assign(self, raw)
        elif raw[0] in statements.HANDLERS:
            if echo:
                self.echo_statement(raw)
            await statements.HANDLERS[raw[0]](self, raw[1:])
        else:
            await self.run_command(raw)

    # --------------------------------------------------------------- loops
    def push_loop(self, loop: Loop) -> None:
        """Enter a loop body (&LOOP)."""
        if len(self.loops) >= MAX_LOOP_NESTING:
            raise ExecError(ExecErrorKind.LOOP_NESTING)
        self.loops.append(loop)

    def _end_of_loops(self, first: int, last: int) -> None:
        """After lines first..last ran in order: repeat or close loops ending there."""
        while self.loops and first <= self.loops[-1].end <= last:
            loop = self.loops[-1]
            if self._repeat(loop):
                self.next_line = loop.start
                return
            self.loops.pop()

    def _repeat(self, loop: Loop) -> bool:
        if loop.condition is not None:
            return statements.condition_met(self, loop.condition) is False
        assert loop.remaining is not None
        loop.remaining -= 1
        return loop.remaining > 0

    def transfer(self, target: int) -> None:
        """&GOTO/&SKIP: continue at a line; loops left behind are closed."""
        while self.loops and not self.loops[-1].start <= target <= self.loops[-1].end:
            self.loops.pop()
        self.next_line = target
        self.transferred = True

    # ----------------------------------------------------- summary display
    def summary_text(self, tokens: Sequence[str]) -> str:
        """A scanned line as the execution summary shows it (PACK or NOPACK)."""
        if self.control.pack:
            return " ".join(tokens)
        return " ".join(token.ljust(8) for token in tokens).rstrip()

    def echo_statement(self, raw: Sequence[str]) -> None:
        """&CONTROL ALL: show an EXEC statement with its variables substituted."""
        if self.control.mode != "ALL":
            return
        try:
            if len(raw) >= 2 and raw[1] == "=":
                tokens = [self.variables.target(raw[0]), "="] + self._display(raw[2:])
            else:
                tokens = self._display(raw)
        except ExecError:
            tokens = list(raw)
        self.host.type_line(self.summary_text(tokens))

    def _display(self, raw: Sequence[str]) -> list[str]:
        """Substituted tokens, keeping control words and function names as written."""
        tokens: list[str] = []
        literal = False
        for word in raw:
            if literal or word in CONTROL_WORDS or word in FUNCTION_WORDS - {"&LITERAL"}:
                tokens.append(word)
            elif word != "&LITERAL":
                tokens.extend(self.variables.substitute_all([word]))
            literal = word == "&LITERAL" and not literal
        return tokens

    def _echo_command(self, tokens: Sequence[str]) -> None:
        text = self.summary_text(tokens)
        if self.control.time_prefix and self.control.mode in ("CMS", "ALL"):
            text = f"{self.host.time_of_day()} {text}"
        self.host.type_line(text)

    # ------------------------------------------------------------ commands
    async def run_command(self, raw: list[str]) -> None:
        """A CMS command line: substitute, show, run, set &RETCODE, handle errors."""
        tokens = self.variables.substitute_all(raw)
        if not tokens:
            return
        mode = self.control.mode
        if mode in ("CMS", "ALL"):
            self._echo_command(tokens)
        if self.control.timing:
            self.control.timer_base = self.host.cpu_seconds()
        return_code = await self._call(tokens)
        if self.control.timing:
            self._show_time(blank_line=mode in ("CMS", "ALL"))
        self.variables.retcode = return_code
        if return_code == 0:
            return
        if mode == "ERROR":
            self._echo_command(tokens)
        if mode != "OFF":
            self.host.type_line(f"+++ R({format_return_code(return_code)}) +++")
        if self.in_error_action:
            raise ExecExit(return_code)
        if self.error_action is not None:
            await self.run_error_action()

    async def _call(self, tokens: list[str]) -> int:
        if tokens[0] in EXEC_COMMAND_NAMES and len(tokens) > 1:
            return await self.session.run(tokens[1], tokens[2:])
        return await self.host.command(tokens, nomsg=self.control.nomsg)

    async def run_error_action(self) -> None:
        """The &ERROR statement, scanned only now; a command in it may not fail."""
        self.in_error_action = True
        try:
            await self.execute_statement(list(self.error_action or []))
        finally:
            self.in_error_action = False

    def _show_time(self, *, blank_line: bool) -> None:
        virtual, total = self.host.cpu_seconds()
        base_virtual, base_total = self.control.timer_base
        self.host.type_line(
            f"T={virtual - base_virtual:.2f}/{total - base_total:.2f} {self.host.time_of_day()}"
        )
        if blank_line:
            self.host.type_line("")
        self.control.timer_base = (virtual, total)

    def show_time(self) -> None:
        """&TIME TYPE: display the time used since the last reset, and reset."""
        self._show_time(blank_line=False)
