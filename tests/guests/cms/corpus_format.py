"""The EXEC corpus: ``NAME.exec`` programs with their ``NAME.expected`` results.

The format of the ``.expected`` files is described in
tests/guests/cms/exec_corpus/README.md; this module reads them
(``load_corpus``) and runs a program on the scripted CMS of
test_exec1_fakehost.py (``run_program``). The integration test over telnet
uses the same parsed expectations.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from guests.cms.exec1 import ExecFile, ExecSession
from tests.guests.cms.test_exec1_fakehost import FakeHost

CORPUS = Path(__file__).parent / "exec_corpus"
CARD_COLUMNS = 80
FIXED_LRECL = 80

BLOCKS = frozenset({"TERMINAL", "OUTPUT", "STACK", "PUNCH", "ISSUED"})
SETTINGS = frozenset({"ARGS", "RC", "RECFM", "DISK", "RWDISK"})


class CorpusFormatError(Exception):
    """A ``.expected`` file that does not follow the README."""


@dataclass
class FakeCommand:
    """A scripted CMS command: its return code and what it types."""

    tokens: list[str]
    return_code: int
    lines: list[tuple[str, bool]] = field(default_factory=list)  # (text, is a message)


@dataclass
class Expected:
    """One parsed ``.expected`` file."""

    name: str
    arguments: list[str] = field(default_factory=list)
    recfm: str = "V"
    disks: dict[str, str] = field(default_factory=dict)
    rw_disk: str | None = "A"
    terminal: list[str] = field(default_factory=list)
    commands: list[FakeCommand] = field(default_factory=list)
    output: list[str] = field(default_factory=list)
    stack: list[str] = field(default_factory=list)
    punch: list[str] = field(default_factory=list)
    issued: list[str] | None = None
    return_code: int | None = None


def _text(line: str) -> str:
    """A ``|`` or ``!`` line's text: after the marker and one blank, no trailing blanks."""
    body = line[1:]
    if body.startswith(" "):
        body = body[1:]
    return body.rstrip(" ")


def parse_expected(name: str, text: str) -> Expected:
    """Parse the text of ``name.expected``."""
    expected = Expected(name)
    seen: set[str] = set()
    block: list[str] | None = None
    command: FakeCommand | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{name}.expected line {number}"
        if line.startswith("|") or line.startswith("!"):
            if command is not None:
                command.lines.append((_text(line), line.startswith("!")))
            elif block is not None and line.startswith("|"):
                block.append(_text(line))
            else:
                raise CorpusFormatError(f"{where}: a text line outside a block")
            continue
        if not line.strip() or line.startswith("#"):
            continue
        word, _, rest = line.strip().partition(" ")
        block, command = None, None
        if word in seen and word != "COMMAND" and word != "DISK":
            raise CorpusFormatError(f"{where}: {word} given twice")
        seen.add(word)
        if word in BLOCKS:
            if rest:
                raise CorpusFormatError(f"{where}: {word} takes no operands")
            if word == "ISSUED":
                expected.issued = []
            block = {
                "TERMINAL": expected.terminal,
                "OUTPUT": expected.output,
                "STACK": expected.stack,
                "PUNCH": expected.punch,
                "ISSUED": expected.issued,
            }[word]
        elif word == "COMMAND":
            command = _command(where, rest)
            expected.commands.append(command)
        elif word in SETTINGS:
            _setting(expected, where, word, rest.split())
        else:
            raise CorpusFormatError(f"{where}: unknown keyword {word!r}")
    if "OUTPUT" not in seen or expected.return_code is None:
        raise CorpusFormatError(f"{name}.expected: OUTPUT and RC are required")
    return expected


def _command(where: str, rest: str) -> FakeCommand:
    words = rest.split()
    if len(words) < 3 or words[-2] != "RETURNS":
        raise CorpusFormatError(f"{where}: COMMAND name [operands] RETURNS rc")
    try:
        return FakeCommand(words[:-2], int(words[-1]))
    except ValueError:
        raise CorpusFormatError(f"{where}: the return code is not a number") from None


def _setting(expected: Expected, where: str, word: str, operands: list[str]) -> None:
    try:
        if word == "ARGS":
            expected.arguments = operands
        elif word == "RC" and len(operands) == 1:
            expected.return_code = int(operands[0])
        elif word == "RECFM" and operands in (["F"], ["V"]):
            expected.recfm = operands[0]
        elif word == "DISK" and len(operands) == 2:
            expected.disks[operands[0]] = operands[1]
        elif word == "RWDISK" and len(operands) == 1:
            expected.rw_disk = None if operands[0] == "NONE" else operands[0]
        else:
            raise ValueError(word)
    except ValueError:
        raise CorpusFormatError(f"{where}: bad {word} operands {operands}") from None


def load_exec(name: str, recfm: str = "V") -> ExecFile:
    """The records of ``name.exec`` from the corpus, as CMS would hold them."""
    path = CORPUS / f"{name}.exec"
    records = path.read_text(encoding="utf-8").split("\n")
    if records and records[-1] == "":
        records.pop()  # the newline that ends the last line
    if recfm == "F":
        if any(len(record) > FIXED_LRECL for record in records):
            raise CorpusFormatError(f"{name}.exec: a record is longer than {FIXED_LRECL}")
        records = [record.ljust(FIXED_LRECL) for record in records]
    return ExecFile(records=records, recfm=recfm, lrecl=FIXED_LRECL)


def load_corpus() -> list[Expected]:
    """Every program of the corpus, in name order; a lone half of a pair is an error."""
    programs = {path.stem for path in CORPUS.glob("*.exec")}
    expectations = {path.stem for path in CORPUS.glob("*.expected")}
    if programs != expectations:
        raise CorpusFormatError(f"unpaired files: {sorted(programs ^ expectations)}")
    return [
        parse_expected(name, (CORPUS / f"{name}.expected").read_text(encoding="utf-8"))
        for name in sorted(programs)
    ]


class CorpusHost(FakeHost):
    """The scripted CMS of test_exec1_fakehost.py, driven by a ``.expected`` file.

    Commands are found by their leading tokens (the longest COMMAND that
    matches wins; none gives -3, as SVC 202 does); ``!`` lines are left out
    under &CONTROL NOMSG. Other EXECs are read from the corpus.
    """

    def __init__(self, expected: Expected) -> None:
        super().__init__(terminal=deque(expected.terminal))
        self.expected = expected
        self.disks.update(expected.disks)
        self.rw_disk = expected.rw_disk

    async def command(self, plist: Sequence[str], *, nomsg: bool) -> int:
        self.issued.append((list(plist), nomsg))
        self.cpu += 0.01
        matches = [
            command
            for command in self.expected.commands
            if list(plist[: len(command.tokens)]) == command.tokens
        ]
        if not matches:
            return -3
        command = max(matches, key=lambda candidate: len(candidate.tokens))
        for text, is_message in command.lines:
            if not (is_message and nomsg):
                self.type_line(text)
        return command.return_code

    async def read_exec_file(self, filename: str) -> ExecFile | None:
        if not (CORPUS / f"{filename}.exec").exists():
            return None
        recfm = self.expected.recfm if filename == self.expected.name else "V"
        return load_exec(filename, recfm)


@dataclass
class Result:
    """What a program did on the scripted CMS."""

    return_code: int
    output: list[str]
    stack: list[str]
    punch: list[str]
    issued: list[str]
    terminal_left: list[str]


async def run_program(expected: Expected) -> Result:
    """Run ``NAME EXEC args`` on a CorpusHost."""
    host = CorpusHost(expected)
    return_code = await ExecSession(host).run(expected.name, expected.arguments)
    return Result(
        return_code=return_code,
        output=[line.rstrip(" ") for line in host.output],
        stack=[line.rstrip(" ") for line in host.stack],
        punch=list(host.punched),
        issued=[" ".join(plist) for plist, _ in host.issued],
        terminal_left=list(host.terminal),
    )
