"""Virtual machine control over telnet: STORE, BEGIN, DISPLAY, SYSTEM, DEFINE STORAGE, attention."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pexpect

from tests.integration.conftest import VMServer
from tests.integration.telnet import TTY

# 200: LA 1,5 / LA 2,7(0,1) / AR 1,2 / LPSW 300;  300: disabled wait PSW, address BEEF
PROGRAM = "S200 41100005412010071A1282000300"
WAIT_PSW = "S300 000200000000BEEF"


def test_store_begin_disabled_wait_display(vm_server: VMServer) -> None:
    tty = TTY(vm_server.port)
    tty.logon("BOB", "BOBPW")
    tty.send("QUERY STORAGE")
    tty.expect("STORAGE = 04096K")
    tty.send(f"STORE {PROGRAM} {WAIT_PSW}")
    tty.expect("STORE COMPLETE")
    tty.send("STORE PSW 00000000 00000200")
    tty.expect("STORE COMPLETE")
    tty.send("DISPLAY PSW")
    tty.expect("PSW = 00000000  00000200")
    tty.send("BEGIN")
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000BEEF'")
    tty.send("D G1-2")
    tty.expect("GPR 1 = 00000011 0000000C")
    tty.send("D T200.10")
    tty.expect(r"000200 41100005 41201007 1A128200 03000000 +\*")
    tty.send("DISPLAY K0-FFF")
    tty.expect("000000 TO 000FFF   KEY = 00")
    tty.send("D X0")
    tty.expect("ECR 0 = 000000E0")
    tty.send("STORE G3 12345678 9#D G3.2")
    tty.expect("GPR 3 = 12345678 00000009")
    tty.send("D 400000")
    tty.expect("HEXLOC 400000 EXCEEDS STORAGE")
    tty.send("STORE Z200 1")
    tty.expect("INVALID OPERAND - Z200")
    tty.send("SYSTEM RESET")
    tty.expect("SYSTEM RESET")
    tty.send("D PSW")
    tty.expect("PSW = 00020000  00000000")
    tty.send("BEGIN 200")
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000BEEF'")
    tty.send("SYSTEM CLEAR")
    tty.expect("STORAGE CLEARED - SYSTEM RESET")
    tty.send("D 200")
    tty.expect("000200 00000000")
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_looping_guest_attention_and_cp_commands_while_running(vm_server: VMServer) -> None:
    looper = TTY(vm_server.port)
    looper.logon("CAROL", "CAROLPW")
    looper.send("STORE S200 47F00200#STORE PSW 00000000 00000200#BEGIN")
    looper.expect("STORE COMPLETE")
    looper.send("#CP QUERY USERID")
    looper.expect("CAROL    AT VM370")
    other = TTY(vm_server.port)  # another user is served while CAROL's guest loops
    other.logon("BOB", "BOBPW")
    other.send("QUERY TIME")
    other.expect("TIME IS")
    other.send("INDICATE LOAD")
    other.expect(r"CPU-\d{3}%  APU-000%  Q1-\d\d  Q2-\d\d")
    looper.child.sendcontrol("c")  # attention: CP mode, the guest stops
    looper.send("DISPLAY PSW")
    looper.expect(r"PSW = 00000000  [0-9A-F]{6}00")
    looper.send("INDICATE USER")
    looper.expect(r"VTIME=\d{3}:\d\d TTIME=")
    looper.send("QUERY TIME")
    looper.expect(r"VIRTCPU= (\d{3}):(\d\d)\.(\d\d)")
    match = looper.child.match
    assert match is not None
    assert int(match.group(2)) * 100 + int(match.group(3)) > 0 or int(match.group(1)) > 0
    for tty in (looper, other):
        tty.send("LOGOFF")
        tty.expect(pexpect.EOF)


def test_define_storage_resets_the_machine(vm_server: VMServer) -> None:
    tty = TTY(vm_server.port)
    tty.logon("BOB", "BOBPW")
    tty.send("STORE 200 C1C2C3C4")
    tty.expect("STORE COMPLETE")
    tty.send("DEFINE STORAGE 1M")
    tty.expect("STORAGE = 01024K")
    tty.send("D 200")
    tty.expect("000200 00000000")
    tty.send("DEFINE STORAGE 64M")
    tty.expect("STORAGE EXCEEDS ALLOWED MAXIMUM")
    tty.send("DEFINE STORAGE AS 100K")
    tty.expect("STORAGE = 00100K")
    tty.send("QUERY VIRTUAL STORAGE")
    tty.expect("STORAGE = 00100K")
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_diagnose_from_a_guest_program(vm_server: VMServer) -> None:
    """DIAG 08 (console and response-to-buffer forms), DIAG 60, DIAG 5C, an unknown code."""
    query_time = "QUERY TIME".encode("cp037").hex().upper()
    frobozz = "FROBOZZ".encode("cp037").hex().upper()
    tty = TTY(vm_server.port)
    tty.logon("BOB", "BOBPW")
    # 200 LA 2,300 / LA 3,A / DIAG 2,3,8 (response to the console)
    # 20C LA 3,500 / L 4,310 / LA 5,100 / DIAG 2,4,8 (response to the buffer at 500)
    # 21C LA 6,320 / L 7,314 / DIAG 6,7,8 (an unknown command: R7 = 1)
    # 228 DIAG 8,0,60 / LPSW 400
    program = (
        "S200 41200300 4130000A 83230008 41300500 58400310 41500100 83240008"
        " 41600320 58700314 83670008 83800060 82000400"
    )
    tty.send(f"STORE {program}")
    tty.expect("STORE COMPLETE")
    tty.send(f"STORE S300 {query_time}#STORE 310 4000000A 00000007#STORE S320 {frobozz}")
    tty.send("STORE S400 000200000000D1A8#STORE PSW 0 200#BEGIN")
    tty.expect("TIME IS")
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000D1A8'")
    tty.send("D G4-5")
    tty.expect(r"GPR 4 = 00000000 000000([0-9A-F]{2})")
    match = tty.child.match
    assert match is not None and int(match.group(1), 16) > 40
    tty.send("D T500.20")
    tty.expect(r"000500 E3C9D4C5 40C9E240 .*\*TIME IS ")
    tty.send("D G7-8")
    tty.expect("GPR 7 = 00000001 00400000")  # ?CP is message 1; storage is 4M
    tty.send("STORE 68 00020000 00000068")  # program new PSW: a disabled wait
    tty.send("STORE S200 83000099 82000400#BEGIN 200")  # DIAG X'99': specification
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 00000068'")
    tty.send("D 28.8")
    tty.expect("000028 00000006 80000204")  # program old PSW: code 6, ILC 2, after the DIAG
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_guest_logoff_through_diagnose(vm_server: VMServer) -> None:
    logoff = "LOGOFF".encode("cp037").hex().upper()
    tty = TTY(vm_server.port)
    tty.logon("CAROL", "CAROLPW")
    tty.send(f"STORE S200 41200300 41300006 83230008#STORE S300 {logoff}#BEGIN 200")
    tty.expect("LOGOFF AT")
    tty.expect(pexpect.EOF)


def test_adstop(vm_server: VMServer) -> None:
    tty = TTY(vm_server.port)
    tty.logon("BOB", "BOBPW")
    tty.send("STORE S200 41100005 1A111A11 82000300#STORE S300 000200000000AD57")
    tty.send("ADSTOP 204#BEGIN 200")
    tty.expect("ADSTOP AT 000204")
    tty.send("D G1")
    tty.expect("GPR 1 = 00000005")
    tty.send("D 204")
    tty.expect("000204 1A111A11")  # the planted SVC is gone again
    tty.send("BEGIN")
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000AD57'")
    tty.send("D G1")
    tty.expect("GPR 1 = 00000014")
    tty.send("ADSTOP 201")
    tty.expect("INVALID OPERAND - 201")
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_savesys_ipl_by_name_and_exchange(vm_server: VMServer, tmp_path: Path) -> None:
    tty = TTY(vm_server.port)
    tty.logon("MAINT", "MAINTPW")  # class E
    tty.send("STORE S200 41100007 1A118200 0300#STORE S300 000200000000C0DE#STORE G5 5A5A")
    tty.send("STORE PSW 0 200#SAVESYS MYSYS")
    tty.expect("SYSTEM SAVED")
    tty.send("SYSTEM CLEAR#IPL MYSYS PARM ABCD")
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000C0DE'")
    tty.send("D G0-1")
    tty.expect("GPR 0 = C1C2C3C4 0000000E")  # PARM in R0; the program ran
    tty.send("D G5")
    tty.expect("GPR 5 = 00005A5A")
    exported = tmp_path / "MYSYS.nss"
    run = [sys.executable, "-m", "server", "savesys"]
    data = ["--data-dir", str(vm_server.data_dir)]
    assert (
        subprocess.run(
            [*run, "export", "MYSYS", str(exported), *data], check=False, timeout=60
        ).returncode
        == 0
    )
    assert (
        subprocess.run(
            [*run, "import", "COPY", str(exported), *data], check=False, timeout=60
        ).returncode
        == 0
    )
    raw = tmp_path / "raw.bin"
    raw.write_bytes(
        bytes.fromhex("41100009 82000410 00000000 00000000 000200000000BA5E".replace(" ", ""))
    )
    assert (
        subprocess.run(
            [
                *run,
                "import",
                "RAWSYS",
                str(raw),
                "--raw",
                "--psw",
                "0000000000000400",
                "--at",
                "400",
                *data,
            ],
            check=False,
            timeout=60,
        ).returncode
        == 0
    )
    listing = subprocess.run(
        [*run, "list", *data], capture_output=True, text=True, check=False, timeout=60
    )
    assert "COPY" in listing.stdout and "MYSYS" in listing.stdout
    tty.send("IPL COPY")
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000C0DE'")
    tty.send("IPL RAWSYS")
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000BA5E'")
    tty.send("D G1")
    tty.expect("GPR 1 = 00000009")
    bob = TTY(vm_server.port)
    bob.logon("BOB", "BOBPW")
    bob.send("SAVESYS X")
    bob.expect("\\\\?CP: SAVESYS")  # class E only
    for session in (tty, bob):
        session.send("LOGOFF")
        session.expect(pexpect.EOF)


def test_trace_instructions_branches_svc_and_program_checks(vm_server: VMServer) -> None:
    tty = TTY(vm_server.port)
    tty.logon("BOB", "BOBPW")
    # 200 LA 1,2 / 204 BCT 1,204 / 208 SVC 5 -> SVC new PSW 300: 300 DC X'0000' (program check)
    # program new PSW: a disabled wait at 0x68's own address
    tty.send("STORE S200 41100002 46100204 0A05#STORE 60 00000000 00000300")
    tty.send("STORE 68 00020000 00000068#STORE PSW 0 200")
    tty.send("TRACE BRANCH SVC PROGRAM RUN")
    tty.expect("TRACE STARTED")
    tty.send("BEGIN")
    tty.expect("000204 BCT .* ==> 000204")
    tty.expect("\\*\\*\\* 000208 SVC 05 ==> 000300")
    tty.expect("\\*\\*\\* 000300 PROG 0001 ==> 000068")
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 00000068'")
    tty.send("TRACE END")
    tty.expect("TRACE ENDED")
    tty.send("TRACE INSTRUCT")  # NORUN: the machine stops after each traced instruction
    tty.expect("TRACE STARTED")
    tty.send("BEGIN 200")
    tty.expect("000200 LA .*1,")
    tty.send("BEGIN")
    tty.expect("000204 BCT")
    tty.send("TRACE INSTRUCT OFF")
    tty.expect("TRACE ENDED")
    tty.send("TRACE FROB")
    tty.expect("INVALID OPERAND - FROB")
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_priority_shares(vm_server: VMServer) -> None:
    """Two looping guests: SET PRIORITY gives the one with the lower number the larger share."""
    loop = "STORE S200 1A1247F00200#STORE G1 0 1#STORE PSW 0 200#BEGIN"
    fast, slow = TTY(vm_server.port), TTY(vm_server.port)
    fast.logon("BOB", "BOBPW")
    slow.logon("CAROL", "CAROLPW")
    operator = TTY(vm_server.port)
    operator.logon("OPERATOR", "OPPW")
    operator.send("SET PRIORITY BOB 10#SET PRIORITY CAROL 90")
    fast.send(loop)
    slow.send(loop)
    time.sleep(3)
    counts = []
    for tty in (fast, slow):
        tty.send("#CP DISPLAY G1")
        tty.expect(r"GPR 1 = ([0-9A-F]{8})")
        match = tty.child.match
        assert match is not None
        counts.append(int(match.group(1), 16))
    assert counts[0] > 3 * counts[1], counts  # priority 10 against 90
    operator.send("SET PRIORITY NOSUCH 5")
    operator.expect("NOSUCH NOT LOGGED ON")
    slow.send("#CP SET PRIORITY BOB 1")
    slow.expect("OPERAND MISSING OR INVALID")  # class A only
    for tty in (fast, slow, operator):
        tty.send("#CP LOGOFF")
        tty.expect(pexpect.EOF)
