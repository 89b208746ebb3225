"""Messages and warnings breaking in on a real s3270 while its user has text typed but
not entered: in CP READ, RUNNING, MORE..., HOLDING and under a full-screen program
(DIAGNOSE X'58'). The sender is a second user on a line-mode telnet."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY
from tests.terminal.s3270 import S3270
from tests.terminal.test_console3270 import logon, negotiate
from tests.terminal.test_fullscreen3270 import ORIGIN, program, stored

__all__ = ["program"]  # the assembled full-screen demo, a module fixture

TYPED = "QUERY USERID"


@pytest.fixture
def sender(vm_server: VMServer) -> Iterator[TTY]:
    """OPERATOR (class A, so it may WARNING) on a line-mode telnet."""
    tty = TTY(vm_server.port)
    tty.logon("OPERATOR", "OPPW")
    yield tty
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def type_without_enter(terminal: S3270) -> None:
    terminal.cmd(f'String("{TYPED}")')


def typed_input_is_intact(terminal: S3270) -> None:
    """The input area still holds the typed text, the cursor just after it."""
    screen = terminal.screen()
    assert screen[22].startswith(TYPED + " "), screen[22]
    assert terminal.cmd("Query(Cursor)") == [f"22 {len(TYPED)}"]
    assert terminal.status.split()[0] == "U"  # the keyboard is unlocked


def enter_typed(terminal: S3270) -> None:
    """ENTER sends the typed text unchanged: CP answers the query."""
    terminal.cmd("Enter()")
    terminal.wait_text("BOB      AT VM370")


def logoff(terminal: S3270) -> None:
    terminal.enter("LOGOFF")
    terminal.wait_text("LOGOFF AT")


def fill_to_more(terminal: S3270) -> None:
    terminal.enter("QUERY PF")  # 24 lines: more than the 22-row output area holds
    terminal.wait_text("MORE...")


def test_message_in_cp_read_leaves_the_typed_line_alone(vm_server: VMServer, sender: TTY) -> None:
    terminal = S3270(vm_server.port)
    try:
        logon(terminal, "BOB", "BOBPW")
        type_without_enter(terminal)
        sender.send("MSG BOB are you there")
        terminal.wait_text("MSG FROM OPERATOR: are you there")
        assert re.search(r"\d\d:\d\d:\d\d MSG FROM OPERATOR: are you there", terminal.text())
        typed_input_is_intact(terminal)
        assert terminal.status_area().startswith("CP READ")
        enter_typed(terminal)
        logoff(terminal)
    finally:
        terminal.close()


def test_warning_while_running(vm_server: VMServer, sender: TTY) -> None:
    terminal = S3270(vm_server.port)
    try:
        logon(terminal, "BOB", "BOBPW")
        terminal.enter("STORE S800 47F00800")  # BC 15,X'800': a loop
        terminal.wait_text("STORE COMPLETE")
        terminal.enter("BEGIN 800")
        terminal.wait_text("RUNNING")
        type_without_enter(terminal)
        sender.send("WARNING BOB system going down")
        terminal.wait_text("WNG FROM OPERATOR: system going down")
        typed_input_is_intact(terminal)
        assert terminal.status_area().startswith("RUNNING")
        terminal.cmd("EraseInput()")
        terminal.cmd("PA(1)")
        terminal.wait_text("CP READ")
        logoff(terminal)
    finally:
        terminal.close()


def test_message_waits_behind_more_and_holding(vm_server: VMServer, sender: TTY) -> None:
    terminal = S3270(vm_server.port)
    try:
        logon(terminal, "BOB", "BOBPW")
        fill_to_more(terminal)
        type_without_enter(terminal)
        sender.send("MSG BOB during more")
        sender.expect("R;|\n")  # the sender's command is done
        assert "during more" not in terminal.text()  # queued behind the page on show
        assert terminal.status_area().startswith("MORE...")
        typed_input_is_intact(terminal)
        terminal.cmd("PA(2)")
        screen = terminal.wait_text("MSG FROM OPERATOR: during more")
        assert "PF24 UNDEFINED" in screen and "PF01" not in screen
        typed_input_is_intact(terminal)  # PA2 sends no data; the line is still there
        enter_typed(terminal)

        terminal.cmd("Clear()")
        fill_to_more(terminal)
        terminal.enter()  # empty ENTER holds the screen
        assert terminal.status_area().startswith("HOLDING")
        terminal.enter()  # a second one does not release it
        assert terminal.status_area().startswith("HOLDING")
        type_without_enter(terminal)
        sender.send("WARNING BOB while held")
        sender.send("MSG BOB and a message")
        sender.expect("R;|\n")
        assert "while held" not in terminal.text()
        assert terminal.status_area().startswith("HOLDING")  # a warning waits too
        typed_input_is_intact(terminal)
        terminal.cmd("PA(2)")
        screen = terminal.wait_text("MSG FROM OPERATOR: and a message")
        assert "WNG FROM OPERATOR: while held" in screen
        assert screen.index("while held") < screen.index("and a message")
        typed_input_is_intact(terminal)
        enter_typed(terminal)
        logoff(terminal)
    finally:
        terminal.close()


def test_message_takes_the_screen_from_a_full_screen_program(
    vm_server: VMServer, sender: TTY, program: bytes
) -> None:
    terminal = S3270(vm_server.port)
    try:
        logon(terminal, "BOB", "BOBPW")
        stored(terminal, ORIGIN, program)
        terminal.enter("BEGIN 2000")
        terminal.wait_text("FULL SCREEN")
        terminal.cmd('String("half typed")')  # in the program's field, not entered
        sender.send("MSG BOB lunch is ready")
        screen = terminal.wait_text("MSG FROM OPERATOR: lunch is ready")
        assert "FULL SCREEN" not in screen
        assert screen.splitlines()[0].strip().endswith("MSG FROM OPERATOR: lunch is ready")
        assert terminal.status_area().startswith("HOLDING")
        # The program got an attention and read what the user had typed before CP took
        # the screen; it shows it with its line displays and ends in its F58E wait,
        # whose message waits behind HOLDING.
        screen = terminal.wait_text("half typed")
        assert "YOU TYPED:" in screen
        assert "DISABLED WAIT" not in screen
        terminal.cmd("PA(2)")
        terminal.wait_text("DISABLED WAIT PSW '00020000 0000F58E'")
        logoff(terminal)
    finally:
        terminal.close()


def test_erase_write_waits_while_cp_output_is_held(vm_server: VMServer, program: bytes) -> None:
    terminal = S3270(vm_server.port)
    try:
        logon(terminal, "BOB", "BOBPW")
        stored(terminal, ORIGIN, program)
        fill_to_more(terminal)
        terminal.enter()
        assert terminal.status_area().startswith("HOLDING")
        terminal.enter("BEGIN 2000")  # run as a CP command; the screen stays held
        assert terminal.status_area().startswith("HOLDING")
        terminal.cmd("PA(2)")
        terminal.wait_text("DISABLED WAIT PSW '00020000 0000BAD2'")  # its Erase/Write failed
        assert "FULL SCREEN" not in terminal.text()
        terminal.enter("DISPLAY CSW")
        terminal.wait_text("CSW = 000020A8  8E00")  # X'8E': CP-mode data waits to be read
        logoff(terminal)
    finally:
        terminal.close()


class Records:
    """Outbound records (IAC EOR framed) from a hand-made client's socket."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.data = b""

    def until(self, text: str, seconds: float = 30) -> list[bytes]:
        """The records up to and including the first that holds ``text``."""
        wanted = text.encode("cp037")
        deadline = time.monotonic() + seconds
        while True:
            *records, rest = self.data.split(b"\xff\xef")
            for index, record in enumerate(records):
                if wanted in record:
                    self.data = b"\xff\xef".join([*records[index + 1 :], rest])
                    return [r.replace(b"\xff\xff", b"\xff") for r in records[: index + 1]]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{text!r} never arrived")
            self.connection.settimeout(remaining)
            chunk = self.connection.recv(4096)
            assert chunk, "connection closed"
            self.data += chunk


def test_alarm_and_garbage_while_a_message_waits(tmp_path: Path) -> None:
    """On a hand-made TN3270 client: the message's Write carries the alarm (WCC C6) and
    no input-area orders; hostile records while it waits behind MORE... are answered
    and harmless, and PA2 still shows it; the sender's session is untouched."""
    server = VMServer(tmp_path, make_test_directory())
    tty = TTY(server.port)
    try:
        connection = negotiate(server.port)
        reader = Records(connection)
        logon_text = "LOGON BOB BOBPW".encode("cp037")
        connection.sendall(b"\x7d\x5b\x60\x11\x5b\x60" + logon_text + b"\xff\xef")
        reader.until("LOGON AT")
        tty.logon("CAROL", "CAROLPW")
        tty.send("MSG BOB first")
        records = reader.until("MSG FROM CAROL: first")
        (message,) = [r for r in records if "MSG FROM CAROL".encode("cp037") in r]
        assert message[:2] == b"\xf1\xc6"  # Write; WCC reset, restore, alarm
        assert b"\x13" not in message and b"\x12" not in message  # no IC, no EUA
        query = "QUERY PF".encode("cp037")
        connection.sendall(b"\x7d\x5b\x60\x11\x5b\x60" + query + b"\xff\xef")
        reader.until("MORE...")
        tty.send("MSG BOB second")
        records = reader.until("MORE...")  # the alarm, the page still held
        for garbage in (b"\x00\x01", b"\x7d\x5b", b"\x7d\x5b\x60\x11", b"\xf0\xf0\xf0"):
            connection.sendall(garbage + b"\xff\xef")
        connection.sendall(b"\x6e\xff\xef")  # PA2
        reader.until("MSG FROM CAROL: second")
        tty.send("QUERY USERID")
        tty.expect("CAROL    AT")
        connection.close()
        assert server.alive()
    finally:
        tty.close()
        server.stop()
    assert not any("Traceback" in line for line in server.log)


def test_a_guests_alarm_ccw_rings_the_3270(tmp_path: Path) -> None:
    """An S/370 program's 3215 alarm CCW (X'0B') chained to a write: the write that shows
    the line carries the alarm (WCC C6), on a hand-made TN3270 client."""
    server = VMServer(tmp_path, make_test_directory())
    try:
        connection = negotiate(server.port)
        reader = Records(connection)

        def enter(line: str, answer: str) -> list[bytes]:
            text = line.encode("cp037")
            connection.sendall(b"\x7d\x5b\x60\x11\x5b\x60" + text + b"\xff\xef")
            return reader.until(answer)

        enter("LOGON BOB BOBPW", "LOGON AT")
        # 800: SIO 009; LPSW 830.  48: CAW -> 810.  810: alarm CCW (chained), then a
        # write of 'ALARM' from 820.  830: a disabled wait PSW.
        enter("STORE S800 9C000009 82000830", "STORE COMPLETE")
        enter("STORE S48 00000810", "STORE COMPLETE")
        enter("STORE S810 0B000000 60000001 09000820 20000005", "STORE COMPLETE")
        enter("STORE S820 C1D3C1D9 D4000000", "STORE COMPLETE")
        enter("STORE S830 00020000 00000BEE", "STORE COMPLETE")
        records = enter("BEGIN 800", "DISABLED WAIT")
        (shown,) = [r for r in records if "ALARM".encode("cp037") in r]
        assert shown[:2] == b"\xf1\xc6"  # the line's Write rings the alarm
        connection.close()
        assert server.alive()
    finally:
        server.stop()
