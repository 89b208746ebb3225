"""DISK DUMP from one CMS user to another's reader and DISK LOAD there, over telnet.

CMS runs over in-memory minidisks (tests/guests/cms/cmsfake.py); the punch and
reader are the real virtual unit-record devices and spool. Both users have the
same S-disk, so COMPARE against it proves the loaded files identical.
"""

from __future__ import annotations

from collections.abc import Iterator

import pexpect
import pytest

from tests.integration.conftest import VMServer
from tests.integration.test_cms_spool import READY, directory, session


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    running = VMServer(
        tmp_path_factory.mktemp("cmsdisk"),
        directory(),
        env={"VM370_GUESTS": "CMS=tests.guests.cms.cmsfake:memory_main"},
    )
    yield running
    running.stop()


def test_disk_dump_to_another_user_and_disk_load(server: VMServer) -> None:
    sender = session(server, "SENDER")
    sender.send("copyfile loop exec s loopf exec a (recfm f lrecl 80")
    sender.expect(READY)
    sender.send("copyfile loop exec s loopv exec a2")
    sender.expect(READY)
    sender.send("cp spool punch to taker")
    sender.expect(READY)
    for name in ("loopf", "loopv"):
        sender.send(f"disk dump {name} exec")
        sender.expect(READY)
    sender.send("disk dump")
    sender.expect("DMSDSK054E INCOMPLETE FILEID SPECIFIED")
    sender.expect(r"Ready\(00024\);")
    sender.send("#CP LOGOFF")
    sender.expect(pexpect.EOF)

    taker = session(server, "TAKER")
    taker.send("cp query reader all")
    taker.expect(r"SENDER +\d{4} A PUN .* LOOPF +EXEC")
    taker.expect(READY)
    for _ in range(2):
        taker.send("disk load")
        taker.expect(READY)
    taker.send("listfile loop* exec a (format")
    taker.expect(r"LOOPF    EXEC     A1 F +80 +5")
    taker.expect(r"LOOPV    EXEC     A2 V +\d+ +5")
    taker.expect(READY)
    taker.send("compare loopv exec a loop exec s")
    taker.expect(READY)
    taker.send("compare loopf exec a loop exec s")  # F 80: the same lines padded
    taker.expect("DMSCMP209W FILES DO NOT COMPARE")
    taker.send("type loopf exec a")
    taker.expect("&GOTO -TOP")
    taker.expect(READY)
    taker.send("disk load")
    taker.expect("DMSDSK701I NULL FILE")
    taker.expect(r"Ready\(00008\);")
    taker.send("#CP LOGOFF")
    taker.expect(pexpect.EOF)
