"""A guest written in Python through the guest interface, over a real telnet session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY


@pytest.fixture(scope="module")
def guest_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    server = VMServer(
        tmp_path_factory.mktemp("guests"),
        make_test_directory(),
        env={"VM370_GUESTS": "ECHO=tests.cp.echo_guest:main"},
    )
    yield server
    server.stop()


def test_ipl_console_cp_and_program(guest_server: VMServer) -> None:
    tty = TTY(guest_server.port)
    tty.logon("BOB", "BOBPW")
    tty.send("IPL ECHO PARM hello there")
    tty.expect("ECHO READY BOB PARM=hello there")
    tty.send("Some Text")
    tty.expect("ECHO: Some Text")
    tty.send("#CP QUERY USERID")  # CP while the guest owns the console
    tty.expect("BOB      AT VM370")
    tty.send("cpq")
    tty.expect("CP RC=0")
    tty.expect("BOB      AT VM370")
    tty.send("diag")
    tty.expect("DIAG60 400000 DIAG08 CC=0 RC=0 BOB      AT VM370")
    tty.send("prog")
    tty.expect("PROGRAM SVC 202 R1=14")
    tty.send("QUERY TIME")  # not a CP command here: the guest gets it
    tty.expect("ECHO: QUERY TIME")
    tty.send("quit")
    tty.expect("ECHO ENDING")
    tty.expect("CP ENTERED; ECHO ENDED")
    tty.send("QUERY TIME")  # back in CP mode
    tty.expect("TIME IS")
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_attention_stops_a_busy_guest_and_begin_resumes(guest_server: VMServer) -> None:
    tty = TTY(guest_server.port)
    tty.logon("CAROL", "CAROLPW")
    tty.send("IPL ECHO")
    tty.expect("ECHO READY")
    tty.send("spin")
    tty.expect("spin")  # the line has left the pty before ^C (which flushes pty input)
    tty.child.sendcontrol("c")  # the first attention goes to the guest
    tty.expect(r"SPUN \d+")
    tty.send("spin")
    tty.expect("spin")
    tty.child.sendcontrol("c")
    tty.expect(r"SPUN \d+")
    tty.send("#CP")  # CP mode: the guest stops
    tty.send("QUERY USERID")
    tty.expect("CAROL    AT VM370")
    tty.send("BEGIN")
    tty.send("after begin")
    tty.expect("ECHO: after begin")
    tty.send("boom")
    tty.expect("CP ENTERED; ECHO FAILED; ERROR LOGGED FOR OPERATOR")
    tty.send("IPL NOSUCH")
    tty.expect("IPL NOSUCH NOT AVAILABLE ON THIS SYSTEM")
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)
    assert guest_server.alive()


def test_bad_guest_configuration_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="cannot load"):
        VMServer(
            tmp_path / "bad", make_test_directory(), env={"VM370_GUESTS": "X=no.such.module:main"}
        )
