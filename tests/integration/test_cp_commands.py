"""QUERY, SET, TERMINAL, SLEEP, HELP, SET LOGMSG and SHUTDOWN through a real telnet client."""

from __future__ import annotations

import time
from pathlib import Path

import pexpect

from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY

STAMP = r"\d\d:\d\d:\d\d [A-Z]+ [A-Z]+DAY \d\d/\d\d/\d\d"


def test_query_time_set_terminal_cplevel_priv(vm_server: VMServer) -> None:
    tty = TTY(vm_server.port)
    tty.logon("BOB", "BOBPW")
    tty.send("QUERY TIME")
    tty.expect(f"TIME IS {STAMP}")
    tty.expect(r"CONNECT= \d\d:\d\d:\d\d VIRTCPU= 000:00\.00 TOTCPU= \d{3}:\d\d\.\d\d")
    tty.send("Q SET")
    tty.expect("MSG ON , WNG ON , EMSG TEXT, ACNT ON , RUN OFF")
    tty.send("SET RUN ON#SET WNG OFF#SET TIMER REAL#Q SET")
    tty.expect("MSG ON , WNG OFF, EMSG TEXT, ACNT ON , RUN ON")
    tty.expect("TIMER REAL")
    tty.send("QUERY TERMINAL")
    tty.expect('LINEND  # , LINEDEL  \u00a2 , CHARDEL  @ , ESCAPE  " , TABCHAR ON')
    tty.expect("LINESIZE 080, ATTN ON , APL OFF, TEXT OFF, MODE VM, HILIGHT OFF")
    tty.send("Q CPLEVEL")
    tty.expect("VM/370 RELEASE 6")
    tty.send("Q PRIV")
    tty.expect("PRIV = G")
    tty.send("Q TRACE")  # not a QUERY keyword: taken as a userid
    tty.expect("TRACE NOT LOGGED ON")
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_terminal_changes_editing_symbols(vm_server: VMServer) -> None:
    tty = TTY(vm_server.port)
    tty.logon("BOB", "BOBPW")
    tty.send("TERMINAL LINEND ; CHARDEL OFF")
    tty.send("Q USERID;QUERY PRIV")
    tty.expect("BOB      AT")
    tty.expect("PRIV = G")
    tty.send("MSG * a@b#c")
    tty.expect("MSG FROM BOB: a@b#c")
    tty.send("TERMINAL LINEND ON CHARDEL ON LINESIZE 132 MODE CP")
    tty.send("QUERY TERMINAL")
    tty.expect("LINEND  # , LINEDEL  \u00a2 , CHARDEL  @")
    tty.expect("LINESIZE 132, .*MODE CP")
    tty.send("TERMINAL APL ON TEXT BAD")
    tty.expect("INVALID OPERAND - BAD")
    tty.send("Q TERM")
    tty.expect("APL ON , TEXT OFF")
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_sleep_wakes_on_input_and_after_time(vm_server: VMServer) -> None:
    tty = TTY(vm_server.port)
    tty.logon("BOB", "BOBPW")
    tty.send("SLEEP 2 SEC")
    started = time.monotonic()
    tty.send("QUERY USERID")
    tty.expect("BOB      AT")
    assert time.monotonic() - started < 2  # the input woke it
    tty.send("SLEEP")
    tty.child.sendcontrol("c")  # attention (IAC IP) wakes an endless SLEEP
    tty.send("QUERY PRIV")
    tty.expect("PRIV = G")
    tty.send("SLEEP 2 HOURS")
    tty.expect("INVALID OPERAND - HOURS")
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_help_lists_commands_for_the_users_classes(vm_server: VMServer) -> None:
    tty = TTY(vm_server.port)
    tty.logon("BOB", "BOBPW")
    tty.send("HELP")
    tty.expect("CP COMMANDS FOR CLASSES G:")
    tty.expect("LOGOFF")
    tty.send("HELP MSG")
    tty.expect("Message\\|Msg userid")
    tty.send("HELP FORCE")
    tty.expect("\\?CP: FORCE")
    operator = TTY(vm_server.port)
    operator.logon("OPERATOR", "OPPW")
    operator.send("HELP")
    operator.expect("FORCE")
    for session in (tty, operator):
        session.send("LOGOFF")
        session.expect(pexpect.EOF)


def test_logmsg_set_shown_at_logon_and_persisted(tmp_path: Path) -> None:
    data_dir = tmp_path / "logmsg"
    server = VMServer(data_dir, make_test_directory())
    try:
        operator = TTY(server.port)
        operator.logon("OPERATOR", "OPPW")
        operator.send("SET LOGMSG 1 * Welcome to vm370")
        operator.send("SET LOGMSG 2 maintenance on Sunday (not shown at logon)")
        operator.send("QUERY LOGMSG")
        operator.expect(r"LOGMSG - \d\d:\d\d:\d\d \d\d/\d\d/\d\d")
        operator.expect("maintenance on Sunday")
        bob = TTY(server.port)
        bob.send("LOGON BOB BOBPW")
        bob.expect(r"LOGMSG - \d\d:\d\d:\d\d")
        bob.expect(r"\* Welcome to vm370")
        bob.expect("LOGON AT")
        assert "maintenance" not in str(bob.child.before)
        bob.send("SET LOGMSG NULL")
        bob.expect("OPERAND MISSING OR INVALID")
        bob.close()
        operator.close()
    finally:
        server.stop()
    again = VMServer(data_dir, make_test_directory())
    try:
        tty = TTY(again.port)
        tty.send("LOGON BOB BOBPW")
        tty.expect(r"\* Welcome to vm370")
        tty.close()
    finally:
        again.stop()


def test_shutdown_command_logs_everyone_off(tmp_path: Path) -> None:
    server = VMServer(tmp_path / "shut", make_test_directory())
    bob = TTY(server.port)
    bob.logon("BOB", "BOBPW")
    operator = TTY(server.port)
    operator.logon("OPERATOR", "OPPW")
    operator.send("SHUTDOWN")
    bob.expect("SYSTEM SHUTDOWN BY OPERATOR")
    bob.expect("LOGOFF AT")
    bob.expect(pexpect.EOF)
    operator.expect(pexpect.EOF)
    server.process.wait(20)
    assert server.process.returncode == 0
    assert any("DMKCKP961W SYSTEM SHUTDOWN COMPLETE" in line for line in server.log)


def test_repeated_failed_logons_are_delayed(tmp_path: Path) -> None:
    server = VMServer(tmp_path / "throttle", make_test_directory())
    try:
        tty = TTY(server.port)
        for _ in range(5):
            tty.send("LOGON CAROL WRONG")
            tty.expect("PASSWORD INCORRECT", timeout=5)
        started = time.monotonic()
        tty.send("LOGON CAROL CAROLPW")
        tty.expect("LOGON AT", timeout=20)
        assert time.monotonic() - started >= 4.5
        tty.close()
    finally:
        server.stop()
