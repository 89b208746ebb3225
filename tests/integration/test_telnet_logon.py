"""LOGON, LOGOFF, DISCONN, MSG, WARNING, QUERY and classes through a real telnet client."""

from __future__ import annotations

import pexpect

from tests.integration.conftest import VMServer
from tests.integration.telnet import TTY

STAMP = r"\d\d:\d\d:\d\d [A-Z]+ [A-Z]+DAY \d\d/\d\d/\d\d"


def test_banner_and_prelogon_commands_are_limited(vm_server: VMServer) -> None:
    tty = TTY(vm_server.port)
    tty.send("QUERY TIME")
    tty.expect("DMKCFC001E \\?CP: QUERY")
    tty.send("FROBOZZ")
    tty.expect("DMKCFC001E \\?CP: FROBOZZ")
    tty.close()


def test_logon_with_password_on_the_line_and_logoff(vm_server: VMServer) -> None:
    tty = TTY(vm_server.port)
    tty.send("logon bob bobpw")
    tty.expect(f"LOGON AT {STAMP}")
    tty.send("QUERY USERID")
    tty.expect("BOB      AT VM370")
    tty.send("LOGOFF")
    tty.expect(r"CONNECT= \d\d:\d\d:\d\d VIRTCPU= \d{3}:\d\d\.\d\d TOTCPU= \d{3}:\d\d\.\d\d")
    tty.expect(f"LOGOFF AT {STAMP}")
    tty.expect(pexpect.EOF)


def test_password_prompt_hides_the_password(vm_server: VMServer) -> None:
    tty = TTY(vm_server.port)
    tty.send("LOGON BOB")
    tty.expect("ENTER PASSWORD:")
    tty.send("bobpw")
    tty.expect(f"LOGON AT {STAMP}")
    assert "bobpw" not in str(tty.child.before).lower()
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_wrong_password_unknown_user_and_nolog_get_the_same_answer(vm_server: VMServer) -> None:
    tty = TTY(vm_server.port)
    answer = "DMKLOG050E PASSWORD INCORRECT - REINITIATE LOGON PROCEDURE"
    for attempt in ("LOGON BOB WRONG", "LOGON NOSUCH WHATEVER", "LOGON NOBODY NOLOG"):
        tty.send(attempt)
        tty.expect(answer)
    tty.send("LOGON")
    tty.expect("DMKLOG020E USERID MISSING OR INVALID")
    tty.close()


def test_disconnect_and_reconnect(vm_server: VMServer) -> None:
    first = TTY(vm_server.port)
    first.logon("CAROL", "CAROLPW")
    first.send("DISCONN")
    first.expect(f"DISCONNECT AT {STAMP}")
    first.expect(pexpect.EOF)
    second = TTY(vm_server.port)
    second.send("LOGON CAROL CAROLPW")
    second.expect(f"RECONNECTED AT {STAMP}")
    third = TTY(vm_server.port)
    third.send("LOGON CAROL CAROLPW")
    third.expect("DMKLOG054E ALREADY LOGGED ON LINE")
    third.close()
    second.send("LOGOFF")
    second.expect(pexpect.EOF)


def test_dropped_connection_leaves_user_disconnected(vm_server: VMServer) -> None:
    first = TTY(vm_server.port)
    first.logon("CAROL", "CAROLPW")
    first.close()
    watcher = TTY(vm_server.port)
    watcher.logon("MAINT", "MAINTPW")
    watcher.send("QUERY CAROL")
    watcher.expect("CAROL    - DSC")
    second = TTY(vm_server.port)
    second.send("LOGON CAROL CAROLPW")
    second.expect("RECONNECTED AT")
    second.send("LOGOFF")
    second.expect(pexpect.EOF)
    watcher.send("QUERY CAROL")
    watcher.expect("\nCAROL NOT LOGGED ON")
    watcher.send("SET EMSG ON#QUERY CAROL")
    watcher.expect("DMKCQY045E CAROL NOT LOGGED ON")
    watcher.send("SET EMSG CODE#QUERY CAROL")
    watcher.expect("\nDMKCQY045E\r")
    watcher.send("SET EMSG OFF#QUERY CAROL#QUERY USERID")
    watcher.expect("\nMAINT    AT")
    assert "DMKCQY" not in str(watcher.child.before)
    watcher.send("LOGOFF")
    watcher.expect(pexpect.EOF)


def test_message_between_two_sessions(vm_server: VMServer) -> None:
    maint = TTY(vm_server.port)
    maint.logon("MAINT", "MAINTPW")
    bob = TTY(vm_server.port)
    bob.logon("BOB", "BOBPW")
    maint.send("MSG BOB Hello there, Bob")
    bob.expect(r"\d\d:\d\d:\d\d MSG FROM MAINT: Hello there, Bob")
    bob.send("SET MSG OFF")
    maint.send("M BOB are you there")
    maint.expect("\nBOB NOT RECEIVING; MSG OFF")
    maint.send("MSG CAROL hello")
    maint.expect("\nCAROL NOT LOGGED ON")
    bob.send("MSG * to myself")
    bob.send("SET MSG ON#MSG * to myself")
    bob.expect("MSG FROM BOB: to myself")
    for tty in (maint, bob):
        tty.send("LOGOFF")
        tty.expect(pexpect.EOF)


def test_warning_and_operator_console(vm_server: VMServer) -> None:
    operator = TTY(vm_server.port)
    operator.logon("OPERATOR", "OPPW")
    bob = TTY(vm_server.port)
    bob.logon("BOB", "BOBPW")
    operator.expect(r"LINE 0[0-9A-F]{2} LOGON  AS BOB      USERS = 002")
    bob.send("MSG OP are you there?")
    operator.expect(r"MSG FROM BOB: are you there\?")
    operator.send("WARNING BOB System going down soon")
    bob.expect(r"\d\d:\d\d:\d\d WNG FROM OPERATOR: System going down soon")
    bob.send("WARNING OPERATOR hi")
    bob.expect("\n\\?CP: WARNING")
    bob.send("LOGOFF")
    bob.expect(pexpect.EOF)
    operator.expect(r"LOGOFF AS BOB      USERS = 001")
    operator.send("LOGOFF")
    operator.expect(pexpect.EOF)


def test_query_names_and_users(vm_server: VMServer) -> None:
    bob = TTY(vm_server.port)
    bob.logon("BOB", "BOBPW")
    maint = TTY(vm_server.port)
    maint.logon("MAINT", "MAINTPW")
    maint.send("QUERY USERS")
    maint.expect("002 USERS, 000 DIALED")
    maint.send("Q N")
    maint.expect(r"BOB      - 0[0-9A-F]{2}, MAINT    - 0[0-9A-F]{2}")
    maint.send("QUERY USERS BOB")
    maint.expect(r"BOB      - 0[0-9A-F]{2}")
    for tty in (maint, bob):
        tty.send("LOGOFF")
        tty.expect(pexpect.EOF)


def test_class_g_user_cannot_force(vm_server: VMServer) -> None:
    bob = TTY(vm_server.port)
    bob.logon("BOB", "BOBPW")
    carol = TTY(vm_server.port)
    carol.logon("CAROL", "CAROLPW")
    bob.send("FORCE CAROL")
    bob.expect("\n\\?CP: FORCE")
    bob.send("SHUTDOWN")
    bob.expect("\n\\?CP: SHUTDOWN")
    operator = TTY(vm_server.port)
    operator.logon("OPERATOR", "OPPW")
    operator.send("FORCE CAROL")
    carol.expect("CONNECT=")
    carol.expect(f"LOGOFF AT {STAMP} BY SYSTEM")
    carol.expect(pexpect.EOF)
    operator.expect("LOGOFF AS CAROL    USERS = 00[0-9] FORCED")
    operator.expect("COMMAND COMPLETE")
    for tty in (operator, bob):
        tty.send("LOGOFF")
        tty.expect(pexpect.EOF)


def test_automatic_ipl_at_logon_and_noipl(vm_server: VMServer) -> None:
    alice = TTY(vm_server.port)
    alice.logon("ALICE", "ALICEPW")
    alice.expect("CMS VERSION 6.0")  # the directory's IPL CMS
    alice.expect("Ready;")
    alice.send("#CP LOGOFF")
    alice.expect(pexpect.EOF)
    noipl = TTY(vm_server.port)
    noipl.send("LOGON ALICE ALICEPW NOIPL")
    noipl.expect("LOGON AT")
    noipl.send("QUERY TIME")
    index = noipl.expect(["CMS VERSION", "TIME IS"])
    assert index == 1
    noipl.send("LOGOFF")
    noipl.expect(pexpect.EOF)
