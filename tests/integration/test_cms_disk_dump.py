"""DISK DUMP to another user and DISK LOAD there; FILEDEF and MOVEFILE; over telnet.

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
    taker.send("cp spool punch to *")
    taker.expect(READY)
    taker.send("punch loopf exec a")  # an ordinary deck is not a DISK DUMP deck
    taker.expect(READY)
    taker.send("disk load")
    taker.expect("DMSDSK078E INVALID CARD IN READER FILE")
    taker.expect(r"Ready\(00032\);")
    taker.send("cp query reader all")
    taker.expect(r"TAKER +\d{4} A PUN .* LOOPF +EXEC")  # kept in the reader
    taker.expect(READY)
    taker.send("#CP LOGOFF")
    taker.expect(pexpect.EOF)


def test_filedef_and_movefile_over_telnet(server: VMServer) -> None:
    tty = session(server, "SENDER")
    tty.send("filedef")
    tty.expect("NO USER DEFINED FILEDEF'S IN EFFECT")
    tty.expect(READY)
    tty.send("filedef inmove terminal")
    tty.expect(READY)
    tty.send("filedef outmove disk typed lines a (recfm f lrecl 20")
    tty.expect(READY)
    tty.send("query filedef")
    tty.expect("INMOVE   TERMINAL")
    tty.expect("OUTMOVE  DISK     TYPED    LINES    A1")
    tty.expect(READY)
    tty.send("movefile")
    tty.send("first line")
    tty.send("second line")
    tty.send("")
    tty.expect(READY)
    tty.send("listfile typed lines a (format")
    tty.expect(r"TYPED    LINES    A1 F +20 +2")
    tty.expect(READY)
    tty.send("filedef inmove disk typed lines a")
    tty.expect(READY)
    tty.send("filedef outmove terminal")
    tty.expect(READY)
    tty.send("movefile")
    tty.expect("first line")
    tty.expect("second line")
    tty.expect(READY)
    tty.send("filedef outmove tap1")
    tty.expect(READY)
    tty.send("movefile")
    tty.expect(r"DMSMVE113S TAP1\(181\) NOT ATTACHED")
    tty.expect(r"Ready\(00100\);")
    tty.send("filedef * clear")
    tty.expect(READY)
    tty.send("filedef")
    tty.expect("NO USER DEFINED FILEDEF'S IN EFFECT")
    tty.expect(READY)
    tty.send("filedef keep punch (perm")
    tty.expect(READY)
    tty.send("#cp ipl cms")  # a new CMS session starts with an empty table
    tty.expect(READY)
    tty.send("query filedef")
    tty.expect("NO USER DEFINED FILEDEF'S IN EFFECT")
    tty.expect(READY)
    tty.send("#CP LOGOFF")
    tty.expect(pexpect.EOF)
