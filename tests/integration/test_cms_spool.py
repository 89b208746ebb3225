"""PUNCH from one CMS user to another's reader, READCARD there, and PRINT, over telnet.

CMS runs over in-memory minidisks (tests/guests/cms/cmsfake.py); the punch,
printer and reader are the real virtual unit-record devices and spool.
"""

from __future__ import annotations

from collections.abc import Iterator

import pexpect
import pytest

from directory.passwords import hash_password
from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY

READY = r"Ready; T=\d+\.\d\d/\d+\.\d\d \d\d:\d\d:\d\d"
UNIT_RECORD = " SPOOL 00C 2540 READER *\n SPOOL 00D 2540 PUNCH A\n SPOOL 00E 1403 A\n"


def directory() -> str:
    text = make_test_directory()
    for userid in ("SENDER", "TAKER"):
        password = hash_password(f"{userid}PW", log2_n=4)
        text += f"USER {userid} {password} 4M 16M G\n IPL CMS\n CONSOLE 009 3215\n{UNIT_RECORD}"
    return text


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    running = VMServer(
        tmp_path_factory.mktemp("cmsspool"),
        directory(),
        env={"VM370_GUESTS": "CMS=tests.guests.cms.cmsfake:memory_main"},
    )
    yield running
    running.stop()


def session(server: VMServer, userid: str) -> TTY:
    tty = TTY(server.port)
    tty.logon(userid, f"{userid}PW")
    tty.expect(READY)
    tty.send("#CP SET EMSG ON")
    return tty


def test_punch_to_another_user_and_readcard(server: VMServer) -> None:
    sender = session(server, "SENDER")
    sender.send("cp spool punch to taker")
    sender.expect(READY)
    sender.send("punch loop exec s")
    sender.expect(READY)
    sender.send("print loop exec s (cc")
    sender.expect(READY)
    sender.send("cp query printer all")
    sender.expect(r"SENDER   \d{4} A PRT .* LOOP     EXEC")
    sender.expect(READY)
    sender.send("#CP LOGOFF")
    sender.expect(pexpect.EOF)
    taker = session(server, "TAKER")
    taker.send("readcard *")
    taker.expect(r"DMSRDC702I :READ LOOP     EXEC     A1")
    taker.expect(READY)
    taker.send("listfile * * a (format")
    taker.expect(r"LOOP     EXEC     A1 F    80 +5")
    taker.expect(READY)
    taker.send("loop")  # the punched EXEC runs: HX ends it
    taker.expect("loop")
    taker.child.sendcontrol("c")
    taker.send("HX")
    taker.expect(READY)
    taker.send("readcard *")
    taker.expect("DMSRDC701I NULL FILE")
    taker.expect(r"Ready\(00008\);")
    taker.send("#CP LOGOFF")
    taker.expect(pexpect.EOF)
