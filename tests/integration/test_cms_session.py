"""CMS over a real telnet session: IPL, the ready message, commands, EXEC, immediate commands.

The server registers ``IPL CMS`` itself; the second server replaces it by the
same CMS over in-memory minidisks (tests/guests/cms/cmsfake.py) until virtual
DASD is reachable through DIAGNOSE X'18'.
"""

from __future__ import annotations

from collections.abc import Iterator

import pexpect
import pytest

from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY

READY = r"Ready; T=\d+\.\d\d/\d+\.\d\d \d\d:\d\d:\d\d"


@pytest.fixture(scope="module")
def cms_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    server = VMServer(tmp_path_factory.mktemp("cms"), make_test_directory())
    yield server
    server.stop()


@pytest.fixture(scope="module")
def memory_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    server = VMServer(
        tmp_path_factory.mktemp("cmsmem"),
        make_test_directory(),
        env={"VM370_GUESTS": "CMS=tests.guests.cms.cmsfake:memory_main"},
    )
    yield server
    server.stop()


def test_ipl_without_disks_resolves_commands(cms_server: VMServer) -> None:
    tty = TTY(cms_server.port)
    tty.logon("ALICE", "ALICEPW")  # the directory IPLs CMS
    tty.expect(r"CMS VERSION 6\.0")
    tty.expect(r"DMSACC113S A\(191\) NOT ATTACHED")
    tty.expect(READY)
    tty.send("q userid")  # not a CMS QUERY option: passed to CP
    tty.expect("ALICE    AT VM370")
    tty.expect(READY)
    tty.send("xyzzy")
    tty.expect("UNKNOWN CP/CMS COMMAND")
    tty.expect(r"Ready\(-0003\); T=")
    tty.send("set rdymsg r6")
    tty.expect(r"R; T=\d+\.\d\d/")
    tty.send("query impcp")
    tty.expect("IMPCP = ON")
    tty.send("set rdymsg smsg")
    tty.expect("Ready;")
    tty.send("listfile")
    tty.expect(r"\nDISK 'A' NOT ACCESSED")  # SET EMSG TEXT, the logon default here
    tty.expect(r"Ready\(00036\);")
    tty.send("#CP SET EMSG ON")
    tty.send("listfile")
    tty.expect("DMSLST069E DISK 'A' NOT ACCESSED")
    tty.expect(r"Ready\(00036\);")
    tty.send("#CP LOGOFF")
    tty.expect(pexpect.EOF)


def test_files_exec_and_immediate_commands(memory_server: VMServer) -> None:
    tty = TTY(memory_server.port)
    tty.logon("BOB", "BOBPW")
    tty.send("IPL CMS")
    tty.expect(r"CMS VERSION 6\.0")
    tty.expect("BOB'S PROFILE RAN")
    tty.expect(READY)
    tty.send("copyfile profile exec a demo exec a")
    tty.expect(READY)
    tty.send("demo")  # implied EXEC
    tty.expect("BOB'S PROFILE RAN")
    tty.expect(READY)
    tty.send("listfile * exec *")
    tty.expect("PROFILE  EXEC     A1")
    tty.expect("DEMO     EXEC     A1")
    tty.expect("LOOP     EXEC     S2|LOOP     EXEC     S1")
    tty.expect(READY)
    tty.send("loop")
    tty.expect("loop")
    tty.child.sendcontrol("c")  # attention while the EXEC runs
    tty.send("HX")
    tty.expect(READY)
    tty.send("type demo exec")
    tty.expect("&TYPE BOB'S PROFILE RAN")
    tty.expect(READY)
    tty.send("erase demo exec")
    tty.expect(READY)
    tty.send("#CP SET EMSG ON")
    tty.send("state demo exec")
    tty.expect("DMSSTT002E FILE 'DEMO EXEC \\*' NOT FOUND")
    tty.expect(r"Ready\(00028\);")
    tty.send("#CP LOGOFF")
    tty.expect(pexpect.EOF)
    assert memory_server.alive()
