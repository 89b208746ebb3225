"""The operator's SEND, ACNT, DISABLE/ENABLE, VARY, HALT, INDICATE (class E) and QUERY of
real devices (class B), over telnet against a server with a real printer and punch."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from directory.passwords import hash_password
from server.dasd.volumes import VolumeRegistry
from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY

CONFIG = """\
[printer.00E]
type = "1403"
classes = "A"

[punch.00D]
type = "3525"
classes = "B"
"""
NOTICE = re.compile(r"^(?:RDR|PUN|PRT) FILE (\d{4}) ")


class Site:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        config = data_dir / "vm370.toml"
        config.write_text(CONFIG)
        volumes = VolumeRegistry(data_dir)
        volumes.create("TESTV1", "3350")
        volumes.close()
        directory = make_test_directory() + (
            "USER ERIN " + hash_password("ERINPW", log2_n=4) + " 1M 16M G\n"
            " CONSOLE 009 3215\n"
            " MDISK 200 3350 001 002 TESTV1 MR\n"
        )
        self.server = VMServer(data_dir, directory, "--config", str(config))

    def host(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "server", *args, "--data-dir", str(self.data_dir)],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    installation = Site(tmp_path_factory.mktemp("operator"))
    yield installation
    installation.server.stop()


def logon(site: Site, userid: str, password: str) -> TTY:
    tty = TTY(site.server.port)
    tty.send(f"LOGON {userid} {password}")
    tty.expect(r"(LOGON|RECONNECTED) AT")
    return tty


def logoff(tty: TTY) -> None:
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_disable_refuses_new_logons_until_enable(site: Site) -> None:
    op = logon(site, "OPERATOR", "OPPW")
    bob = logon(site, "BOB", "BOBPW")
    bob.send("DISABLE ALL")
    bob.expect(r"\?CP: DISABLE")
    op.send("DISABLE")
    op.expect("OPERAND MISSING OR INVALID")
    op.send("DISABLE 020")
    op.expect("INVALID OPERAND - 020")
    op.send("DISABLE ALL")
    op.expect("COMMAND COMPLETE")
    newcomer = TTY(site.server.port)
    newcomer.expect("LOGONS ARE DISABLED BY THE OPERATOR; TRY AGAIN LATER")
    newcomer.send("LOGON ALICE ALICEPW")
    newcomer.expect("LOGON REFUSED: LOGONS ARE DISABLED BY THE OPERATOR")
    op.send("Q LINES")
    op.expect(r"LINE 0[0-9A-F]{2} DISABLED")
    bob.send("Q PRIV")  # sessions already logged on stay
    bob.expect("PRIV = G")
    bob.send("LOGOFF HOLD")  # the held terminal's logo says so too
    bob.expect("VM/370 ONLINE")
    bob.expect("LOGONS ARE DISABLED BY THE OPERATOR")
    op.send("ENABLE ALL")
    op.expect("COMMAND COMPLETE")
    newcomer.send("LOGON ALICE ALICEPW NOIPL")
    newcomer.expect("LOGON AT")
    op.send("Q LINES")
    op.expect(r"LINE 0[0-9A-F]{2} LOGON AS ALICE")
    for tty in (newcomer, op):
        logoff(tty)
    bob.close()


def test_send_to_a_disconnected_machine(site: Site) -> None:
    op = logon(site, "OPERATOR", "OPPW")
    op.send("AUTOLOG BOB BOBPW")
    op.expect("COMMAND COMPLETE")
    op.send("SEND CP BOB QUERY PRIV")
    op.expect("BOB: PRIV = G")
    op.send("SEND CP BOB QUERY NOSUCH")
    op.expect("BOB: NOSUCH NOT LOGGED ON")
    op.send("SEND CP BOB SET MSG OFF")
    op.send("SEND CP BOB QUERY SET")
    op.expect("BOB: MSG OFF")
    op.send("SEND CP OPERATOR Q PRIV")
    op.expect("OPERATOR NOT DISCONNECTED")
    op.send("SEND CP NOSUCH Q PRIV")
    op.expect("NOSUCH NOT LOGGED ON")
    op.send("SEND")
    op.expect("USERID MISSING OR INVALID")
    op.send("SEND CP BOB")
    op.expect("OPERAND MISSING OR INVALID")
    # To the guest's read: CMS runs the line, which here messages the operator.
    op.send("AUTOLOG ALICE ALICEPW")
    op.expect("COMMAND COMPLETE")
    time.sleep(1)
    op.send("SEND ALICE CP MSG OPERATOR hello from cms")
    op.expect("MSG FROM ALICE: HELLO FROM CMS", timeout=60)  # CMS folds the line
    op.send("SEND CP ALICE LOGOFF")
    op.expect("ALICE: CONNECT=")
    op.send("SEND CP BOB LOGOFF")
    op.expect("BOB: LOGOFF AT")
    op.send("Q NAMES")
    op.expect(r"OPERATOR - ")
    bob = logon(site, "BOB", "BOBPW")
    bob.send("SEND CP OPERATOR Q PRIV")
    bob.expect(r"\?CP: SEND")
    logoff(bob)
    logoff(op)


def test_acnt_writes_a_class_c_card_and_restarts_counters(site: Site) -> None:
    op = logon(site, "OPERATOR", "OPPW")
    op.send("AUTOLOG BOB BOBPW")
    op.expect("COMMAND COMPLETE")
    time.sleep(2)
    op.send("ACNT NOSUCH")
    op.expect("NOSUCH NOT LOGGED ON")
    op.send("ACNT")
    op.expect("OPERAND MISSING OR INVALID")
    op.send("ACNT BOB")
    op.expect("COMMAND COMPLETE")
    op.send("SEND CP BOB QUERY TIME")
    op.expect(r"BOB: CONNECT= 00:00:0[0-1] ")
    op.send("Q PUN")
    op.expect(r"OPERATOR (\d{4}) C PUN 00000001")
    spoolid = int(op.child.match.group(1))
    listing = site.host("spool", "export", str(spoolid), str(site.data_dir / "card"), "--raw")
    assert listing.returncode == 0, listing.stderr
    card = (site.data_dir / "card").read_bytes()
    assert len(card) == 80
    assert card[:8].decode("cp037") == "BOB     "
    assert card[78:].decode("cp037") == "01"
    assert int.from_bytes(card[28:32], "big") >= 2  # seconds connected before the ACNT
    op.send("ACNT ALL")
    op.expect("COMMAND COMPLETE")
    op.send("SEND CP BOB LOGOFF")
    op.expect("BOB: LOGOFF AT")
    logoff(op)


def test_vary_offline_printer_keeps_its_files(site: Site) -> None:
    op = logon(site, "OPERATOR", "OPPW")
    op.send("VARY OFFLINE 00E")
    op.expect("PRT 00E VARIED OFFLINE")
    done = site.host(
        "spool", "punch", "-", "--for", "BOB", "--device", "PRT", stdin="line one\nline two\n"
    )
    assert done.returncode == 0, done.stderr
    match = NOTICE.match(done.stdout)
    assert match, done.stdout
    spoolid = int(match.group(1))
    op.send("START 00E")
    op.expect("PRT 00E IS OFFLINE")
    op.send("Q PRINTERS")
    op.expect("PRT 00E OFFLINE  SYSTEM")
    op.send("START ALL")  # the offline printer is left alone
    op.expect("PUN 00D STARTED")
    time.sleep(1)
    op.send("Q PRT BOB")
    op.expect(f"BOB      {spoolid:04d} A PRT")
    folder = site.data_dir / "printer" / "00E"
    assert not list(folder.glob(f"*-{spoolid:04d}-*.txt")) if folder.exists() else True
    op.send("VARY ON 00E")
    op.expect("PRT 00E VARIED ONLINE")
    op.send("START 00E")
    op.expect("PRT 00E STARTED")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if folder.exists() and list(folder.glob(f"*-{spoolid:04d}-*.txt")):
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the file was not printed once the printer was online")
    op.send("VARY SIDEWAYS 00E")
    op.expect("INVALID OPERAND - SIDEWAYS")
    op.send("VARY OFFLINE 777")
    op.expect("DEV 777 DOES NOT EXIST")
    op.send("VARY OFFLINE")
    op.expect("OPERAND MISSING OR INVALID")
    op.send("DRAIN ALL")
    bob = logon(site, "BOB", "BOBPW")
    bob.send("VARY OFFLINE 00E")
    bob.expect(r"\?CP: VARY")
    logoff(bob)
    logoff(op)


def test_query_real_devices_indicate_and_halt(site: Site) -> None:
    op = logon(site, "OPERATOR", "OPPW")
    bob = logon(site, "BOB", "BOBPW")
    op.send("Q LINES")
    op.expect(r"LINE 0[0-9A-F]{2} LOGON AS BOB")
    op.send("Q GRAF")
    op.expect("NO GRAF")
    op.send("Q TAPES")
    op.expect("NO TAPES")
    op.send("Q DASD")
    op.expect(r"DASD|NO DASD")
    op.send("Q ALL")
    op.expect(r"PRT 00E \w+ +SYSTEM")
    op.expect(r"LINE 0[0-9A-F]{2} LOGON AS")
    bob.send("Q LINES")
    bob.expect("LINES NOT LOGGED ON")
    bob.send("Q TAPES")
    bob.expect("TAPES NOT LOGGED ON")
    op.send("IND QUEUES")
    op.expect(r"NO USERS IN QUEUES|\w+ +Q[12] R")
    op.send("IND I/O")
    op.expect(r"I/O WAIT|NO USERS IN I/O WAIT")
    op.send("IND PAGING ALL")
    op.expect("NO USERS IN PAGE WAIT; GUEST STORAGE IS NEVER PAGED")
    op.send("IND PAGING SOMETIMES")
    op.expect("INVALID OPERAND - SOMETIME")
    op.send("IND USER BOB")
    op.expect(r"PAGES: RES-\d{4}")
    op.expect(r"VTIME=")
    op.send("IND USER NOSUCH")
    op.expect("NOSUCH NOT LOGGED ON")
    bob.send("IND QUEUES")
    bob.expect("INVALID OPERAND - QUEUES")
    bob.send("IND USER OPERATOR")
    bob.expect("INVALID OPERAND - OPERATOR")
    bob.send("IND")
    bob.expect(r"CPU-\d{3}%")
    op.send("HALT 00E")
    op.expect("PRT 00E HAS NO CHANNEL PROGRAM TO HALT; USE FLUSH OR DRAIN")
    op.send("HALT 999")
    op.expect("DEV 999 DOES NOT EXIST")
    op.send("HALT XYZ")
    op.expect("INVALID OPERAND - XYZ")
    bob.send("HALT 00E")
    bob.expect(r"\?CP: HALT")
    logoff(bob)
    logoff(op)


GARBAGE = ["", "*", "-", "ALL ALL ALL", "ZZZZZZZZZ", "0-", ".", "::", "X'FF'", "CP", "TO",
           "FFFFFFFF", "-1", "\u00a2\u00a2", "SYSTEM TO * FORMAT"]  # fmt: skip
VERBS = ["SEND", "SEND CP", "ACNT", "DISABLE", "ENABLE", "VARY", "VARY ON", "HALT",
         "IND", "IND USER", "Q", "LOCK", "UNLOCK", "STCP", "DCP", "DMCP", "LOCATE", "MONITOR",
         "DUMP", "VMDUMP", "RESET", "REWIND", "DIAL", "SET RESERVE"]  # fmt: skip


def test_garbage_operands_never_cost_the_session(site: Site) -> None:
    op = logon(site, "OPERATOR", "OPPW")
    for verb in VERBS:
        for operand in GARBAGE:
            if verb == "DISABLE" and operand.startswith("ALL"):
                continue
            op.send(f"{verb} {operand}".strip())
        op.send("Q PRIV")
        op.expect("PRIV = ABCDEFG")
    op.send("ENABLE ALL")
    op.expect("COMMAND COMPLETE")
    assert site.server.alive()
    assert not [line for line in site.server.log if "Traceback" in line or "failed" in line]
    logoff(op)


def test_vary_a_volume_offline_and_query_dasd(site: Site) -> None:
    op = logon(site, "OPERATOR", "OPPW")
    op.send("Q DASD")
    op.expect(r"DASD TESTV1 3350 +ONLINE   USERS = 000")
    op.send("VARY OFFLINE TESTV1")
    op.expect("DASD TESTV1 VARIED OFFLINE")
    op.send("Q DASD")
    op.expect(r"DASD TESTV1 3350 +OFFLINE")
    erin = TTY(site.server.port)
    erin.send("LOGON ERIN ERINPW")
    erin.expect("ERIN 200 NOT LINKED; VOLUME TESTV1 NOT AVAILABLE")
    erin.expect("LOGON AT")
    logoff(erin)
    op.send("ATTACH TESTV1 TO OPERATOR AS 250")
    op.expect("DASD TESTV1 IS OFFLINE")
    op.send("VARY ONLINE TESTV1")
    op.expect("DASD TESTV1 VARIED ONLINE")
    erin = logon(site, "ERIN", "ERINPW")
    op.send("Q DASD")
    op.expect(r"DASD TESTV1 3350 +ONLINE   USERS = 001")
    op.send("VARY OFFLINE TESTV1")
    op.expect("DASD TESTV1 IN USE BY ERIN")
    op.send("Q ALL")
    op.expect(r"DASD TESTV1 3350 +ONLINE")
    op.expect(r"PRT 00E")
    logoff(erin)
    logoff(op)
