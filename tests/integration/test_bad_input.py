"""Bad input at the edge: the offender is told, everyone else keeps being served."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pexpect

from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY


def raw_connection(port: int) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", port), timeout=10)
    return connection


def read_all(connection: socket.socket, limit: float = 10) -> bytes:
    data = b""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            chunk = connection.recv(4096)
        except TimeoutError:
            break
        if not chunk:
            break
        data += chunk
    return data


def wait_for(connection: socket.socket, marker: bytes, limit: float = 10) -> bytes:
    data = b""
    deadline = time.monotonic() + limit
    while marker not in data and time.monotonic() < deadline:
        chunk = connection.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def test_http_request_is_told_and_disconnected(vm_server: VMServer) -> None:
    connection = raw_connection(vm_server.port)
    wait_for(connection, b"VM/370 ONLINE")
    connection.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
    reply = read_all(connection)
    assert b"400 Bad Request" in reply
    assert b"VM/370 telnet terminal port" in reply
    connection.close()


def test_binary_garbage_is_told_and_disconnected(vm_server: VMServer) -> None:
    connection = raw_connection(vm_server.port)
    wait_for(connection, b"VM/370 ONLINE")
    connection.sendall(bytes(range(1, 10)) * 20 + b"\x0e\x0f\x10" * 30 + b"\n")
    reply = read_all(connection)
    assert b"UNREADABLE INPUT" in reply
    connection.close()


def test_overlong_lines_and_nuls_keep_the_session(vm_server: VMServer) -> None:
    tty = TTY(vm_server.port)
    tty.send("X" * 3000)
    tty.expect("INPUT LINE TOO LONG; LINE IGNORED")
    connection = raw_connection(vm_server.port)
    wait_for(connection, b"VM/370 ONLINE")
    connection.sendall(b"LOG\x00ON BOB\x00 BOBPW\r\n")
    assert b"LOGON AT" in wait_for(connection, b"LOGON AT")
    connection.sendall(b"Q\x00UERY USERID\r\n")
    assert b"BOB      AT" in wait_for(connection, b"BOB      AT")
    connection.sendall(b"LOGOFF\r\n")
    assert b"LOGOFF AT" in wait_for(connection, b"LOGOFF AT")
    tty.logon("MAINT", "MAINTPW")
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_disconnect_mid_negotiation_and_mid_password(vm_server: VMServer) -> None:
    for _ in range(5):
        connection = raw_connection(vm_server.port)
        connection.sendall(b"\xff\xfb\x18\xff\xfa\x18")  # WILL TTYPE, then a cut-off SB
        connection.close()
    half = raw_connection(vm_server.port)
    wait_for(half, b"VM/370 ONLINE")
    half.sendall(b"LOGON BOB\r\n")
    wait_for(half, b"ENTER PASSWORD:")
    half.close()
    tty = TTY(vm_server.port)
    tty.logon("BOB", "BOBPW")
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)
    assert vm_server.alive()
    assert not any("Traceback" in line for line in vm_server.log)


def test_unknown_and_malformed_commands_never_break_the_session(vm_server: VMServer) -> None:
    tty = TTY(vm_server.port)
    tty.logon("BOB", "BOBPW")
    for line in (
        "TERMINAL LINESIZE 999",
        "TERMINAL CHARDEL A",
        "SET EMSG MAYBE",
        "SLEEP 500",
        "QUERY",
        "MSG",
        "TERMINAL MORE 5",
        "SET",
    ):
        tty.send(line)
    tty.send("QUERY USERID")
    tty.expect("BOB      AT")
    out = str(tty.child.before)
    assert "INVALID OPERAND - 999" in out
    assert "INVALID OPERAND - A" in out
    assert "OPERAND MISSING OR INVALID" in out
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)
    assert not any("Traceback" in line for line in vm_server.log)


def test_idle_prelogon_terminal_times_out(tmp_path: Path) -> None:
    server = VMServer(tmp_path / "idle", make_test_directory(), prelogon_timeout=1)
    try:
        idle = raw_connection(server.port)
        assert b"VM/370 ONLINE" in wait_for(idle, b"VM/370 ONLINE")
        reply = read_all(idle, limit=10)
        assert b"LOGON TIME LIMIT EXCEEDED" in reply
        tty = TTY(server.port)
        tty.logon("BOB", "BOBPW")
        tty.child.expect(pexpect.TIMEOUT, timeout=2)  # a logged-on user is never timed out
        tty.send("QUERY USERID")
        tty.expect("BOB      AT")
        tty.send("LOGOFF")
        tty.expect(pexpect.EOF)
    finally:
        server.stop()
