"""A scripted CMS for EXEC 1 tests: console, stack, punch, commands, disks.

Console output is collected in ``output`` (with EMSG ON, messages appear as
``DMSxxxnnns text``); commands are looked up in ``commands`` by name (an rc,
or a function of the parameter list that may type lines); unknown commands
return -3 like SVC 202. Terminal input comes from ``terminal``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from guests.cms.exec1 import ExecFile, ExecSession


class TerminalEmpty(Exception):
    """The test read more terminal lines than it supplied."""


class StepLimit(Exception):
    """The EXEC ran more statements than the test allows (a runaway loop)."""


CommandAction = int | Callable[["FakeHost", Sequence[str]], int]


@dataclass
class FakeHost:
    """An ExecHost over in-memory state."""

    files: dict[str, ExecFile] = field(default_factory=dict)
    commands: dict[str, CommandAction] = field(default_factory=dict)
    terminal: deque[str] = field(default_factory=deque)
    empty_terminal_line: str | None = None
    step_limit: int = 10_000
    output: list[str] = field(default_factory=list)
    stack: deque[str] = field(default_factory=deque)
    punched: list[str] = field(default_factory=list)
    issued: list[tuple[list[str], bool]] = field(default_factory=list)
    disks: dict[str, str] = field(default_factory=lambda: {"A": "CMS", "S": "CMS", "C": "OS"})
    rw_disk: str | None = "A"
    halted: bool = False
    steps: int = 0
    cpu: float = 0.0

    def add_exec(self, name: str, text: str, recfm: str = "V", lrecl: int = 80) -> None:
        self.files[name] = ExecFile(records=text.split("\n"), recfm=recfm, lrecl=lrecl)

    async def command(self, plist: Sequence[str], *, nomsg: bool) -> int:
        self.issued.append((list(plist), nomsg))
        self.cpu += 0.01
        action = self.commands.get(plist[0], -3)
        if isinstance(action, int):
            return action
        return action(self, plist)

    async def read_exec_file(self, filename: str) -> ExecFile | None:
        return self.files.get(filename)

    async def read_line(self) -> str:
        if self.stack:
            return self.stack.popleft()
        if self.terminal:
            return self.terminal.popleft()
        if self.empty_terminal_line is not None:
            return self.empty_terminal_line
        raise TerminalEmpty

    async def checkpoint(self) -> None:
        self.steps += 1
        if self.steps > self.step_limit:
            raise StepLimit

    def type_line(self, text: str) -> None:
        if not self.halted:
            self.output.append(text)

    def error_message(self, message_id: str, text: str) -> None:
        self.output.append(f"{message_id} {text}")

    def stack_line(self, text: str, *, lifo: bool) -> None:
        if lifo:
            self.stack.appendleft(text)
        else:
            self.stack.append(text)

    def stacked_lines(self) -> int:
        return len(self.stack)

    def immediate(self, command: str) -> None:
        self.halted = command == "HT"

    def typing_halted(self) -> bool:
        return self.halted

    def punch_card(self, card: str) -> None:
        self.punched.append(card)

    def disk_type(self, mode: str) -> str:
        return self.disks.get(mode, "NA")

    def first_rw_disk(self) -> str | None:
        return self.rw_disk

    def roomiest_rw_disk(self) -> str | None:
        return self.rw_disk

    def dos_active(self) -> bool:
        return False

    def cpu_seconds(self) -> tuple[float, float]:
        return (self.cpu, self.cpu * 2)

    def time_of_day(self) -> str:
        return "12:34:56"


async def run_exec(
    text: str,
    arguments: Sequence[str] = (),
    host: FakeHost | None = None,
    *,
    name: str = "TEST",
    recfm: str = "V",
) -> tuple[int, FakeHost]:
    """Run ``text`` as ``name EXEC`` on a fake host; its rc and the host."""
    host = host or FakeHost()
    host.add_exec(name, text, recfm=recfm, lrecl=80 if recfm == "V" else 80)
    return await ExecSession(host).run(name, arguments), host


async def test_fake_host_runs_an_empty_exec() -> None:
    return_code, host = await run_exec("")
    assert (return_code, host.output) == (0, [])


async def test_fake_host_unknown_command_is_minus_3() -> None:
    host = FakeHost()
    assert await host.command(["NOSUCH"], nomsg=False) == -3
