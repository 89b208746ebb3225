"""CMS EDIT in display mode on a real s3270 (DIAGNOSE X'58' line display), and NODISP."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pexpect
import pytest

from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY
from tests.terminal.s3270 import S3270
from tests.terminal.test_console3270 import logon

READY = "Ready;"
MIDDLE = 10  # the output row of the current line (file window of 19 rows under the title)


@pytest.fixture(scope="module")
def cms_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    server = VMServer(
        tmp_path_factory.mktemp("edit3270"),
        make_test_directory(),
        env={"VM370_GUESTS": "CMS=tests.guests.cms.cmsfake:memory_main"},
    )
    yield server
    server.stop()


def current(terminal: S3270, line: str, expected: str, message: str = "") -> list[str]:
    """Enter a subcommand and wait until the picture's current line is ``expected`` (and
    ``message`` is among the messages)."""
    terminal.enter(line)
    deadline = time.monotonic() + 10
    while True:
        rows = [row[1:] for row in terminal.screen()]
        done = rows[MIDDLE].strip() == expected and message in "\n".join(rows[MIDDLE:21])
        if done and terminal.status_area().startswith("VM READ"):
            return rows
        if time.monotonic() > deadline:
            raise AssertionError(f"{expected!r} is not the current line:\n" + "\n".join(rows))
        time.sleep(0.1)


def until(terminal: S3270, condition: Callable[[list[str]], bool]) -> list[str]:
    """The screen's rows (without column 1) once ``condition`` holds for them."""
    deadline = time.monotonic() + 10
    while True:
        rows = [row[1:] for row in terminal.screen()]
        if condition(rows):
            return rows
        if time.monotonic() > deadline:
            raise AssertionError("the screen never changed so:\n" + "\n".join(rows))
        time.sleep(0.1)


def test_display_mode_session(cms_server: VMServer) -> None:
    terminal = S3270(cms_server.port)
    try:
        logon(terminal, "ALICE", "ALICEPW")  # the directory IPLs CMS
        terminal.wait_text(READY)
        rows = current(terminal, "edit plan data", "TOF:")
        assert rows[0].startswith(" EDIT: PLAN DATA A1")
        assert rows[MIDDLE + 1].strip() == "EOF:"
        assert [row.strip() for row in rows[19:21]] == ["NEW FILE:", "EDIT:"]  # messages
        buffer = " ".join(terminal.cmd("ReadBuffer(Ascii)"))
        assert "SF(c0=e8)" in buffer  # the title and the current line are intensified
        current(terminal, "input", "TOF:", "INPUT:")
        for line in ("first line", "second line", "third line", "fourth line"):
            rows = current(terminal, line, line.upper())
        assert rows[MIDDLE + 1].strip() == "EOF:"
        assert [row.strip() for row in rows[MIDDLE - 4 : MIDDLE]] == [
            "TOF:", "FIRST LINE", "SECOND LINE", "THIRD LINE",
        ]  # fmt: skip
        rows = current(terminal, "", "FOURTH LINE", "EDIT:")  # nothing typed: a null line
        assert rows[0].startswith(" EDIT: PLAN DATA A1")
        current(terminal, "top", "TOF:")
        current(terminal, "locate /SECOND/", "SECOND LINE")
        rows = current(terminal, "change /SECOND/2ND/", "2ND LINE")
        assert rows[MIDDLE - 2].strip() == "TOF:" and rows[MIDDLE + 1].strip() == "THIRD LINE"
        assert "MORE..." not in terminal.status_area()
        terminal.enter("change")  # no operands: the line comes into the input area
        terminal.wait_text("\n2ND LINE ")  # the input area starts in column 1 of row 23
        terminal.cmd('String("TWO")')  # overtyping from the start of the line
        rows = current(terminal, "", "TWO LINE")
        rows = current(terminal, "l /NOWHERE/", "EOF:")
        assert "NOT FOUND" in "\n".join(rows[19:21])
        rows = current(terminal, "bogus", "EOF:", "?EDIT: BOGUS")
        assert rows[20].strip() == "?EDIT: BOGUS" and "NOT FOUND" not in "\n".join(rows)
        terminal.enter("file")
        terminal.wait_text(READY)
        assert "EDIT: PLAN DATA" not in terminal.text()  # the output area was erased
        terminal.enter("type plan data")
        terminal.wait_text("FOURTH LINE")
        assert "TWO LINE" in terminal.text()
        terminal.enter("logoff")
    finally:
        terminal.close()


def test_nodisp_is_line_mode_on_a_3270(cms_server: VMServer) -> None:
    terminal = S3270(cms_server.port)
    try:
        logon(terminal, "BOB", "BOBPW")
        terminal.enter("ipl cms")
        terminal.wait_text(READY)
        terminal.enter("edit note data (nodisp")
        terminal.wait_text("NEW FILE:")
        terminal.wait_text("EDIT:")
        assert "EDIT: NOTE DATA" not in terminal.text()
        terminal.enter("input one line")
        terminal.enter("top")
        terminal.wait_text("TOF:")  # verification is typed, as on a typewriter
        terminal.enter("quit")
        terminal.wait_text(READY)
        terminal.enter("logoff")
    finally:
        terminal.close()


def test_reconnect_from_a_typewriter_continues_in_line_mode(cms_server: VMServer) -> None:
    terminal = S3270(cms_server.port)
    try:
        logon(terminal, "ALICE", "ALICEPW")
        terminal.wait_text(READY)
        current(terminal, "edit memo data", "TOF:")
        current(terminal, "input alpha", "ALPHA")
        terminal.enter("#CP DISCONN")
    finally:
        terminal.close()
    tty = TTY(cms_server.port)
    tty.send("LOGON ALICE ALICEPW")
    tty.expect("RECONNECTED AT")
    tty.send("top")
    tty.expect("TOF:")  # the console is no display now: verification is typed
    tty.send("next")
    tty.expect("\nALPHA")
    tty.send("file")
    tty.expect(READY)
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_long_type_output_then_the_picture_after_more(cms_server: VMServer) -> None:
    terminal = S3270(cms_server.port)
    try:
        logon(terminal, "ALICE", "ALICEPW")
        terminal.wait_text(READY)
        current(terminal, "edit list data", "TOF:")
        current(terminal, "input", "TOF:", "INPUT:")
        for number in range(1, 11):
            current(terminal, f"line {number}", f"LINE {number}")
        current(terminal, "", "LINE 10", "EDIT:")
        current(terminal, "top", "TOF:")
        terminal.enter("type 10")  # more lines than the message area: typed as lines
        screen = terminal.wait_text("MORE...")
        assert "EDIT: LIST DATA" in screen  # the lines were added under the picture
        terminal.cmd("PA(2)")
        rows = until(terminal, lambda rows: "EDIT:" not in rows[0])  # the typed lines
        assert [row.strip() for row in rows[:10]] == ["TOF:"] + [f"LINE {n}" for n in range(1, 10)]
        assert terminal.status_area().startswith("MORE...")  # the picture waits its page
        terminal.cmd("PA(2)")
        rows = until(terminal, lambda rows: "EDIT:" in rows[0])
        assert rows[0].startswith(" EDIT: LIST DATA A1") and rows[MIDDLE].strip() == "LINE 9"
        terminal.enter("format linemode")  # the picture goes; verification is typed
        until(terminal, lambda rows: rows[0].strip() == "LINE 9")  # on an erased area
        terminal.enter("next")
        until(terminal, lambda rows: rows[2].strip() == "LINE 10")  # under the echo
        terminal.enter("scroll")
        terminal.wait_text("SUBCOMMAND IS ONLY VALID IN DISPLAY MODE")  # (SET EMSG TEXT)
        rows = current(terminal, "format display", "LINE 10")
        assert rows[0].startswith(" EDIT: LIST DATA A1")
        terminal.enter("quit")
        terminal.wait_text(READY)
        terminal.enter("logoff")
    finally:
        terminal.close()


def test_display_mode_on_a_model_5(cms_server: VMServer) -> None:
    terminal = S3270(cms_server.port, model="3278-5")  # 27 rows of 132 columns
    try:
        logon(terminal, "BOB", "BOBPW")
        terminal.enter("ipl cms")
        terminal.wait_text(READY)
        current(terminal, "edit wide data", "TOF:")
        rows = current(terminal, "input one line of text", "ONE LINE OF TEXT")
        assert len(rows[0]) == 131 and rows[0].startswith(" EDIT: WIDE DATA A1")
        assert rows[MIDDLE - 1].strip() == "TOF:" and rows[MIDDLE + 1].strip() == "EOF:"
        terminal.enter("quit")
        terminal.wait_text(READY)
        terminal.enter("logoff")
    finally:
        terminal.close()
