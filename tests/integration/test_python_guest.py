"""A guest written in Python through the guest interface, over a real telnet session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from directory.passwords import hash_password
from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY


@pytest.fixture(scope="module")
def guest_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    directory = make_test_directory() + (
        "USER DAVE " + hash_password("DAVEPW", log2_n=4) + " 4M 16M G\n OPTION NETWORK\n"
        "USER SERVICE " + hash_password("SERVPW", log2_n=4) + " 4M 16M G\n IPL ECHO\n"
    )
    data_dir = tmp_path_factory.mktemp("guests")
    (data_dir / "vm370.toml").write_text('autolog = ["SERVICE"]\n[echo]\ngreeting = "hi"\n')
    server = VMServer(
        data_dir,
        directory,
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


def test_smsg_msgnoh_and_the_network_grant(guest_server: VMServer) -> None:
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def answer() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(100)
            connection.sendall(b"HELLO GUEST\n")

    threading.Thread(target=answer, daemon=True).start()
    dave = TTY(guest_server.port)
    dave.logon("DAVE", "DAVEPW")
    dave.send("IPL ECHO")
    dave.expect("ECHO READY")
    dave.send(f"net {port}")
    dave.expect("NET ANSWER: HELLO GUEST")
    bob = TTY(guest_server.port)
    bob.logon("BOB", "BOBPW")
    bob.send("IPL ECHO")
    bob.expect("ECHO READY")
    bob.send(f"net {port}")
    bob.expect("NET REFUSED: BOB IS NOT AUTHORIZED FOR NETWORK ACCESS")
    operator = TTY(guest_server.port)
    operator.logon("OPERATOR", "OPPW")
    operator.send("SMSG DAVE hello")
    operator.expect("DAVE NOT RECEIVING; SMSG OFF")
    dave.send("smsgon")
    dave.expect("SMSG ON RC=0")
    dave.send("waitsmsg")
    operator.send("SMSG DAVE Mixed Case Text")
    dave.expect("SMSG FROM OPERATOR: Mixed Case Text")
    operator.send("MSGNOH BOB FROM NODEA(CAROL): hi")
    bob.expect("\nFROM NODEA\\(CAROL\\): hi")
    bob.send("#CP MSGNOH OPERATOR x")
    bob.expect("\\?CP: MSGNOH")
    for tty in (dave, bob, operator):
        tty.send("#CP LOGOFF")
        tty.expect(pexpect.EOF)
    listener.close()


def test_autolog_spool_files_and_saved_state(guest_server: VMServer) -> None:
    assert any("AUTO LOGON  ***   SERVICE" in line for line in guest_server.log)
    bob = TTY(guest_server.port)
    bob.logon("BOB", "BOBPW")
    bob.send("QUERY SERVICE")
    bob.expect("SERVICE  - DSC")
    bob.send("IPL ECHO")
    bob.expect("ECHO READY")
    bob.send("sendto BOB")
    bob.expect(r"RDR FILE (\d{4}) FROM BOB")  # the arrival message comes first
    bob.expect(r"SENT \d{4}")
    bob.send("readfile")
    bob.expect("READ BOB 1 HI")
    bob.send("readfile")
    bob.expect("READER EMPTY")
    bob.send("state")
    bob.expect("STATE 1 hi")
    bob.send("state")
    bob.expect("STATE 2 hi")
    bob.send("#CP LOGOFF")
    bob.expect(pexpect.EOF)
    assert (guest_server.data_dir / "guests" / "BOB.ECHO.json").exists()
