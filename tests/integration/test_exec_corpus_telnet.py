"""EXEC corpus programs as users run them: typed into the A-disk with EDIT over
telnet, then run under CMS, with the console checked against ``NAME.expected``
(tests/guests/cms/exec_corpus; the same expectations the unit tests use).

The server runs CMS over in-memory minidisks (tests/guests/cms/cmsfake.py), as
the other CMS session tests do. EDIT keeps EXEC files in upper case, so the
programs chosen here are upper case already and have no null lines (a null
line would end EDIT's input mode) and no line-editing characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pexpect
import pytest

from guests.cms.exec1 import format_return_code
from tests.guests.cms.corpus_format import CORPUS, Expected, load_corpus
from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY

READY = r"Ready; T=\d+\.\d\d/\d+\.\d\d \d\d:\d\d:\d\d"
EXPECTED = {program.name: program for program in load_corpus()}
# The output line after which the program reads the next TERMINAL line.
PROMPTS = {"MENU": "CHOOSE: ADD ITEM, LIST OR QUIT", "COUNTER": "HOW MANY?"}


@pytest.fixture(scope="module")
def corpus_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    server = VMServer(
        tmp_path_factory.mktemp("execcorpus"),
        make_test_directory(),
        env={"VM370_GUESTS": "CMS=tests.guests.cms.cmsfake:memory_main"},
    )
    yield server
    server.stop()


def settle(tty: TTY) -> None:
    """Wait until CP has handled everything typed so far (a CP command's answer)."""
    tty.send("#CP QUERY TIME")
    tty.expect("TIME IS ")


def write_with_edit(tty: TTY, name: str) -> list[str]:
    """EDIT name EXEC, INPUT every line of the corpus file, FILE; the lines typed."""
    lines = (CORPUS / f"{name}.exec").read_text(encoding="utf-8").splitlines()
    tty.send(f"edit {name.lower()} exec")
    tty.expect("NEW FILE:")
    tty.expect("EDIT:")
    tty.send("input")
    tty.expect("INPUT:")
    for line in lines:
        tty.send(line)
        settle(tty)  # one typed-ahead line at a time, as a user types
    tty.send("")
    tty.expect("EDIT:")
    tty.send("file")
    tty.expect(READY)
    return lines


def expect_line(tty: TTY, line: str) -> None:
    """The next console line with exactly this text."""
    tty.expect(r"(?:^|\n)" + re.escape(line) + r"\r\n")


def run_and_check(tty: TTY, expected: Expected) -> None:
    """``exec name args``: every OUTPUT line in order, TERMINAL lines at the prompts, the rc."""
    command = " ".join(["exec", expected.name.lower(), *expected.arguments])
    tty.send(command)
    answers = list(expected.terminal)
    prompt = PROMPTS.get(expected.name)
    for line in expected.output:
        expect_line(tty, line)
        if line == prompt and answers:
            tty.send(answers.pop(0).lower())  # CMS reads the terminal in upper case
    assert answers == [], "TERMINAL lines the program never asked for"
    if expected.return_code == 0:
        tty.expect(READY)
    else:
        assert expected.return_code is not None
        tty.expect(re.escape(f"Ready({format_return_code(expected.return_code)});"))


def test_corpus_programs_written_with_edit_and_run_under_cms(corpus_server: VMServer) -> None:
    tty = TTY(corpus_server.port)
    tty.logon("ALICE", "ALICEPW")  # the directory IPLs CMS
    tty.expect(READY)
    tty.send("#CP SET EMSG ON")  # &EMSG, DMSEXT072E and STATE's DMSSTT002E with their identifiers
    for name in ("ARGS", "NESTSUB", "GLOBAL", "ERRGOTO", "MENU", "COUNTER", "CHECK"):
        lines = write_with_edit(tty, name)
        tty.send(f"type {name.lower()} exec")
        for line in lines:
            expect_line(tty, line)
        tty.expect(READY)
    for name in ("ARGS", "GLOBAL", "ERRGOTO", "MENU", "COUNTER", "CHECK"):
        run_and_check(tty, EXPECTED[name])
    tty.send("#CP LOGOFF")
    tty.expect(pexpect.EOF)
    assert corpus_server.alive()
