"""The 3270 console through real clients: s3270 (and tn3270lib), on the shared port."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pexpect
import pytest

from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY
from tests.terminal.s3270 import S3270


def logon(terminal: S3270, userid: str, password: str) -> None:
    terminal.enter(f"LOGON {userid}")
    terminal.wait_text("ENTER PASSWORD:")
    terminal.enter(password)
    terminal.wait_text("LOGON AT")


def test_logon_status_and_password_not_shown(vm_server: VMServer) -> None:
    terminal = S3270(vm_server.port)
    try:
        assert "VM/370 ONLINE" in terminal.text()
        assert terminal.status_area().startswith("CP READ")
        assert " I 2 24 80 " in terminal.status  # connected in 3270 mode, model 2
        terminal.enter("LOGON BOB")
        terminal.wait_text("ENTER PASSWORD:")
        buffer = " ".join(terminal.cmd("ReadBuffer(Ascii)"))
        assert "SF(c0=cc)" in buffer  # the input field is non-display for the password
        terminal.enter("BOBPW")
        screen = terminal.wait_text("LOGON AT")
        assert "BOBPW" not in screen
        terminal.enter("QUERY USERID")
        terminal.wait_text("BOB      AT VM370")
        assert " LOGON BOB" in terminal.text()  # commands are echoed in the output area
        terminal.enter("LOGOFF")
        terminal.wait_text("LOGOFF AT")
    finally:
        terminal.close()


def test_more_holding_pa2_clear_and_timer(vm_server: VMServer) -> None:
    terminal = S3270(vm_server.port)
    try:
        logon(terminal, "BOB", "BOBPW")
        terminal.enter("QUERY PF")  # 24 lines: more than the 22-row output area holds
        terminal.wait_text("MORE...")
        assert "PF24" not in terminal.text()
        terminal.cmd("PA(2)")
        screen = terminal.wait_text("PF24 UNDEFINED")
        assert "PF01" not in screen
        assert terminal.status_area().startswith("CP READ")
        terminal.enter("QUERY PF")
        terminal.wait_text("MORE...")
        terminal.enter()  # ENTER with nothing typed holds the screen
        assert terminal.status_area().startswith("HOLDING")
        terminal.cmd("Clear()")
        terminal.wait_text("PF24 UNDEFINED")
        terminal.enter("TERMINAL MORE 1 1#QUERY PF")
        terminal.wait_text("MORE...")
        terminal.wait_text("PF24 UNDEFINED", seconds=10)  # the MORE... timer moved on
        terminal.enter("LOGOFF")
    finally:
        terminal.close()


def test_pf_keys_immed_delayed_retrieve_and_pa1(vm_server: VMServer) -> None:
    terminal = S3270(vm_server.port)
    try:
        logon(terminal, "BOB", "BOBPW")
        terminal.enter("SET PF3 IMMED QUERY USERID")
        terminal.enter("SET PF5 DELAYED MSG * from pf5")
        terminal.enter("SET PF12 RETRIEVE")
        terminal.enter("QUERY PF3")
        terminal.wait_text("PF03 IMMED QUERY USERID")
        terminal.cmd("PF(3)")
        terminal.wait_text("BOB      AT VM370")
        terminal.cmd("PF(5)")
        assert terminal.screen()[22].startswith("MSG * from pf5")
        terminal.enter()
        terminal.wait_text("MSG FROM BOB: from pf5")
        terminal.cmd("PF(12)")
        assert terminal.screen()[22].startswith("MSG * from pf5")
        terminal.cmd("PF(12)")  # the IMMED key's line was entered too
        assert terminal.screen()[22].startswith("QUERY USERID")
        terminal.cmd("PF(12)")
        assert terminal.screen()[22].startswith("QUERY PF3")
        terminal.cmd("Clear()")
        terminal.cmd('String("QUERY PRIV")')
        terminal.cmd("PF(7)")  # an undefined PF key acts as ENTER
        terminal.wait_text("PRIV = G")
        terminal.enter("SLEEP")
        terminal.cmd("PA(1)")  # attention wakes an endless SLEEP
        terminal.enter("QUERY USERS")
        terminal.wait_text("USERS,")
        terminal.enter("LOGOFF")
    finally:
        terminal.close()


@pytest.mark.parametrize(("model", "rows", "cols"), [("3278-4", 43, 80), ("3278-5", 27, 132)])
def test_large_models_use_the_alternate_size(
    vm_server: VMServer, model: str, rows: int, cols: int
) -> None:
    terminal = S3270(vm_server.port, model=model)
    try:
        screen = terminal.screen()
        assert len(screen) == rows and len(screen[0]) == cols
        assert screen[-1][cols - 20 :].startswith("CP READ")
        logon(terminal, "CAROL", "CAROLPW")
        terminal.cmd("Clear()")
        terminal.enter("QUERY PF")
        screen = terminal.wait_text("PF24 UNDEFINED")  # the echo and 24 lines fit on one page
        assert "MORE..." not in screen
        terminal.enter("LOGOFF")
    finally:
        terminal.close()


def test_reconnect_from_a_tty_to_a_3270(vm_server: VMServer) -> None:
    tty = TTY(vm_server.port)
    tty.logon("CAROL", "CAROLPW")
    tty.send("DISCONN")
    tty.expect(pexpect.EOF)
    terminal = S3270(vm_server.port)
    try:
        terminal.enter("LOGON CAROL")
        terminal.wait_text("ENTER PASSWORD:")
        terminal.enter("CAROLPW")
        terminal.wait_text("RECONNECTED AT")
        terminal.enter("LOGOFF")
        terminal.wait_text("LOGOFF AT")
    finally:
        terminal.close()


def test_s3270_in_nvt_mode_gets_the_line_console(vm_server: VMServer) -> None:
    terminal = S3270(vm_server.port, nvt=True)
    try:
        assert " L " in terminal.status  # NVT line mode
        terminal.cmd('String("LOGON BOB BOBPW\\n")')
        terminal.wait_text("LOGON AT")
        terminal.cmd('String("LOGOFF\\n")')
        terminal.wait_text("LOGOFF AT")
    finally:
        terminal.close()


def negotiate(port: int) -> socket.socket:
    """A hand-made TN3270 client: TTYPE IBM-3278-2, EOR and BINARY both ways."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=10)
    connection.sendall(bytes.fromhex("FFFB18"))  # WILL TTYPE
    buffer = b""
    deadline = time.monotonic() + 10
    answered_ttype = 0
    while time.monotonic() < deadline:
        buffer += connection.recv(4096)
        while b"\xff\xfa\x18\x01\xff\xf0" in buffer:
            buffer = buffer.replace(b"\xff\xfa\x18\x01\xff\xf0", b"", 1)
            connection.sendall(b"\xff\xfa\x18\x00IBM-3278-2\xff\xf0")
            answered_ttype += 1
        if b"\xff\xfd\x19" in buffer and b"\xff\xfb\x19" in buffer:
            connection.sendall(bytes.fromhex("FFFB19FFFD19FFFB00FFFD00"))
            buffer = b""
            break
    while b"\xff\xef" not in buffer and time.monotonic() < deadline:
        buffer += connection.recv(4096)  # the first screen
    assert answered_ttype and b"\xff\xef" in buffer
    return connection


def read_record(connection: socket.socket) -> bytes:
    data = b""
    while b"\xff\xef" not in data:
        chunk = connection.recv(4096)
        assert chunk, "connection closed"
        data += chunk
    return data


def test_garbage_records_are_answered_and_harmless(tmp_path: Path) -> None:
    server = VMServer(tmp_path / "garbage", make_test_directory())
    try:
        connection = negotiate(server.port)
        for garbage in (b"\x00\x01\x02", b"\x7d\x5b", b"\x7d\x5b\x60\xc1\xc2", b"\x42"):
            connection.sendall(garbage + b"\xff\xef")
            reply = read_record(connection)
            assert reply[:1] == b"\xf1"  # a Write that unlocks the keyboard
        logon_text = "LOGON BOB BOBPW".encode("cp037")
        connection.sendall(b"\x7d\x5b\x60\x11\x5b\x60" + logon_text + b"\xff\xef")
        seen = b""
        deadline = time.monotonic() + 10
        while "LOGON AT".encode("cp037") not in seen and time.monotonic() < deadline:
            seen += connection.recv(4096)
        assert "LOGON AT".encode("cp037") in seen
        connection.close()
        assert server.alive()
    finally:
        server.stop()
    assert sum("bad 3270 record" in line for line in server.log) == 4
    assert not any("Traceback" in line for line in server.log)


def test_tn3270lib_is_a_second_independent_client(vm_server: VMServer) -> None:
    tn3270lib = pytest.importorskip("tn3270lib", reason="tn3270lib is a test extra")
    client = tn3270lib.TN3270(device_type="IBM-3278-2", allow_plaintext=True)
    try:
        client.initiate("127.0.0.1", vm_server.port, timeout=10)
        client.wait_for_text("CP READ", timeout=10)
        client.type("LOGON BOB BOBPW")
        client.send_enter()
        client.wait_for_text("LOGON AT", timeout=10)
        client.type("QUERY USERID")
        client.send_enter()
        client.wait_for_text("BOB      AT VM370", timeout=10)
        client.type("LOGOFF")
        client.send_enter()
        client.wait_for_text("LOGOFF AT", timeout=10)
    finally:
        client.disconnect()


def test_cms_on_a_3270(vm_server: VMServer) -> None:
    """CMS from a 3270: the banner, Ready, commands, and VM READ in the status area."""
    terminal = S3270(vm_server.port)
    try:
        logon(terminal, "ALICE", "ALICEPW")  # the directory IPLs CMS
        terminal.wait_text("Ready;")
        terminal.wait_text("VM READ")
        terminal.enter("CP QUERY USERID")
        terminal.wait_text("ALICE    AT VM370")
        terminal.enter("QUERY BLIP")
        terminal.wait_text("BLIP")
        terminal.cmd("PA(1)")  # attention: CP mode
        terminal.wait_text("CP READ")
        terminal.enter("BEGIN")
        terminal.enter("#CP LOGOFF")
        terminal.wait_text("LOGOFF AT")
    finally:
        terminal.close()


@pytest.mark.parametrize(("model", "expected"), [("3278-2", "40010200"), ("3278-4", "40010400")])
def test_diagnose_24_names_the_real_display(vm_server: VMServer, model: str, expected: str) -> None:
    """DIAGNOSE X'24' with Rx = -1: a virtual 3215 console (Ry) on a real 3278 of the
    terminal's model (Ry+1: CLASGRAF, TYP3278, model)."""
    terminal = S3270(vm_server.port, model=model)
    try:
        logon(terminal, "BOB", "BOBPW")
        program = "83240024 82002010 00000000 00000000 00020000 0000BEEF"  # DIAG 2,4,X'24'
        for line in (f"STORE S2000 {program}", "STORE G2 FFFFFFFF"):
            terminal.enter(line)
            terminal.wait_text("STORE COMPLETE")
        terminal.enter("BEGIN 2000")
        terminal.wait_text("RUNNING")
        terminal.enter("#CP DISPLAY G2.4")
        found = terminal.wait_text("GPR 2 =")
        assert "00000009 00000000 80000000" in found  # the console's address, virtual 3215
        assert expected in found
        terminal.enter("#CP LOGOFF")  # the machine is still running: #CP reaches CP
        terminal.wait_text("LOGOFF AT")
    finally:
        terminal.close()
