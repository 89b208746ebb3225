"""CP commands that used to answer ``?CP:``: RESET, REWIND, ECHO, DIAL, DUMP, VMDUMP and
the operator's SEND, ACNT, DISABLE/ENABLE, VARY, HALT, INDICATE, QUERY of real devices,
and the real-storage commands that say what this system does instead, over telnet."""

from __future__ import annotations

import subprocess
import sys

import pexpect

from tests.integration.conftest import VMServer
from tests.integration.telnet import TTY


def logged_on(server: VMServer, userid: str, password: str) -> TTY:
    tty = TTY(server.port)
    tty.logon(userid, password)
    return tty


def test_reset_rewind_echo(vm_server: VMServer) -> None:
    tty = logged_on(vm_server, "BOB", "BOBPW")
    tty.send("RESET 009")
    tty.expect("DEVICE RESET")
    tty.send("RESET 777")
    tty.expect("DEV 777 DOES NOT EXIST")
    tty.send("RESET")
    tty.expect("OPERAND MISSING OR INVALID")
    tty.send("RESET ZZZ")
    tty.expect("INVALID OPERAND - ZZZ")
    tty.send("REW 009")
    tty.expect("INVALID DEVICE TYPE - 009")
    tty.send("EC 3")
    tty.expect("ECHO ENTERED;  TO TERMINATE TEST, TYPE END")
    tty.expect("ENTER LINE")
    tty.send("a#b@c")  # returned unedited: no line end, no character delete
    for _ in range(3):
        tty.expect(r"a#b@c")
    tty.expect("ENTER LINE")
    tty.send("end")
    tty.send("Q PRIV")
    tty.expect("PRIV = G")
    tty.send("ECHO XX")  # not a number: once
    tty.expect("ENTER LINE")
    tty.send("hello there")
    tty.expect("hello there")
    tty.expect("ENTER LINE")
    tty.send("END")
    tty.send("DIAL ALICE")
    tty.expect("DIAL IS ACCEPTED ONLY INSTEAD OF LOGON")
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_dial_refused_plainly(vm_server: VMServer) -> None:
    bob = logged_on(vm_server, "BOB", "BOBPW")
    tty = TTY(vm_server.port)
    tty.send("DIAL BOB")
    tty.expect("DIAL NOT AVAILABLE: BOB HAS NO VIRTUAL LINES")
    tty.send("DIAL NOSUCH")
    tty.expect("NOSUCH NOT LOGGED ON")
    tty.send("DIAL")
    tty.expect("USERID MISSING OR INVALID")
    tty.send("DIAL BOB XYZ")
    tty.expect("INVALID OPERAND - XYZ")
    tty.logon("ALICE", "ALICEPW")  # the terminal is still usable for LOGON
    tty.send("#CP LOGOFF")
    tty.expect(pexpect.EOF)
    bob.send("LOGOFF")
    bob.expect(pexpect.EOF)


def test_real_storage_commands_say_what_instead(vm_server: VMServer) -> None:
    op = logged_on(vm_server, "OPERATOR", "OPPW")
    op.send("LOCK BOB 0 10")
    op.expect("BOB NOT LOGGED ON")
    op.send("LOCK OPERATOR 0 10")
    op.expect("LOCK NOT NEEDED: GUEST STORAGE IS NEVER PAGED")
    op.send("LOCK OPERATOR 10 0")
    op.expect("INVALID OPERAND - 0")
    op.send("UNLOCK OPERATOR 0 1 MAP")
    op.expect("UNLOCK NOT NEEDED")
    op.send("UNLOCK VIRT=REAL")
    op.expect("NO VIRT=REAL AREA EXISTS")
    op.send("SET RESERVE OPERATOR 20")
    op.expect("RESERVE NOT NEEDED: GUEST STORAGE IS NEVER PAGED")
    op.send("STCP 1000 00")
    op.expect("CP HAS NO REAL STORAGE TO ALTER")
    op.send("STCP 1000")
    op.expect("OPERAND MISSING OR INVALID")
    op.send("DCP 0-100")
    op.expect("CP HAS NO REAL STORAGE TO DISPLAY")
    op.send("DMCP QQ")
    op.expect("INVALID OPERAND - QQ")
    op.send("LOC OPERATOR")
    op.expect("CP CONTROL BLOCKS HAVE NO REAL ADDRESSES")
    op.send("MON START")
    op.expect("MONITOR NOT AVAILABLE")
    op.send("MON SIDEWAYS")
    op.expect("INVALID OPERAND - SIDEWAYS")
    op.send("LOGOFF")
    op.expect(pexpect.EOF)
    bob = logged_on(vm_server, "BOB", "BOBPW")
    for verb in ("LOCK BOB 0 1", "STCP 0 00", "DCP 0", "LOCATE BOB", "MONITOR START"):
        bob.send(verb)
        bob.expect(r"\?CP: " + verb.split()[0])
    bob.send("SET RESERVE BOB 10")
    bob.expect("OPERAND MISSING OR INVALID")
    bob.send("LOGOFF")
    bob.expect(pexpect.EOF)


def host_print(server: VMServer, spoolid: int) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "server", "spool", "print", str(spoolid),
         "--data-dir", str(server.data_dir)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_dump_to_the_virtual_printer(vm_server: VMServer) -> None:
    tty = logged_on(vm_server, "BOB", "BOBPW")
    tty.send("DUMP 0-FF")
    tty.expect("VIRTUAL PRINTER DOES NOT EXIST")
    tty.send("DEFINE PRINTER 00E")
    tty.expect("PRT 00E DEFINED")
    tty.send("STORE 120 C1C2C3C4 12345678")
    tty.expect("STORE COMPLETE")
    tty.send("DUMP 0 1")
    tty.expect("INVALID OPERAND - 1")
    tty.send("DUMP 1000000")
    tty.expect("INVALID OPERAND - 1000000")
    tty.send("DUMP FFFFE0")
    tty.expect("HEXLOC FFFFE0 EXCEEDS STORAGE")
    tty.send("DU T110-13F *First dump, Mixed Case")
    tty.expect("COMMAND COMPLETE")
    tty.send("DUMP 0-2FFFF")
    tty.expect("DUMPING LOC 010000")
    tty.expect("DUMPING LOC 020000")
    tty.expect("COMMAND COMPLETE")
    tty.send("CLOSE 00E")
    tty.send("Q PRT ALL")
    tty.expect(r"BOB +(\d{4}) A PRT")
    spoolid = int(tty.child.match.group(1))
    text = host_print(vm_server, spoolid)
    assert "First dump, Mixed Case" in text
    assert "VIRTUAL MACHINE DUMP OF BOB" in text
    assert "PSW = " in text and "GENERAL REGISTERS" in text
    assert "STORAGE KEYS" in text
    line = next(row for row in text.splitlines() if row.startswith("000120"))
    assert "C1C2C3C4 12345678" in line and "*" in line and "ABCD" in line
    assert "02FFE0" in text and "030000" not in text
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_vmdump_to_a_reader(vm_server: VMServer) -> None:
    tty = logged_on(vm_server, "BOB", "BOBPW")
    tty.send("VMDUMP 0-FFF TO NOSUCH")
    tty.expect("NOSUCH NOT IN CP DIRECTORY")
    tty.send("VMDUMP 0-FFF TO")
    tty.expect("OPERAND MISSING OR INVALID")
    tty.send("VMDUMP 1000 3000 FORMAT CMS *why it broke")
    tty.expect(r"COMMAND COMPLETE; RDR FILE (\d{4}) TO BOB")
    spoolid = int(tty.child.match.group(1))
    tty.send("Q RDR ALL")
    tty.expect(rf"BOB +{spoolid:04d} V PUN 0+3 ")  # information record and two pages
    tty.send("VMDUMP 3FE000")  # one hexloc alone: to the end (BOB has 4M): 2 pages
    tty.expect(r"COMMAND COMPLETE; RDR FILE (\d{4}) TO BOB")
    second = int(tty.child.match.group(1))
    tty.send("Q RDR ALL")
    tty.expect(rf"BOB +{second:04d} V PUN 0+3 ")
    tty.send("VMDUMP 0-1FFF TO ALICE")
    tty.expect(r"COMMAND COMPLETE; RDR FILE \d{4} TO ALICE")
    tty.send("VMDUMP 0.10 1000 2000 3000")
    tty.expect("INVALID OPERAND - 3000")
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)
