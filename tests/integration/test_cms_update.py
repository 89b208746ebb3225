"""CMS UPDATE over a real telnet session: a source file and its update file written with
EDIT, UPDATE producing $fn ft and the UPDLOG, and a bad update's warnings.

The server runs CMS over in-memory minidisks (tests/guests/cms/cmsfake.py), as
the CMS editor tests do. EDIT serializes an ASSEMBLE file in columns 73-80 as
the first three characters of its name and a five-digit number (NOSEQ8).
"""

from __future__ import annotations

from collections.abc import Iterator

import pexpect
import pytest

from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY

READY = r"Ready; T=\d+\.\d\d/\d+\.\d\d \d\d:\d\d:\d\d"


@pytest.fixture(scope="module")
def update_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    server = VMServer(
        tmp_path_factory.mktemp("cmsupdate"),
        make_test_directory(),
        env={"VM370_GUESTS": "CMS=tests.guests.cms.cmsfake:memory_main"},
    )
    yield server
    server.stop()


def edit_new(tty: TTY, fileid: str, lines: list[str]) -> None:
    """EDIT a new file, type ``lines`` in input mode and FILE it (also used by other tests)."""
    tty.send(f"edit {fileid}")
    tty.expect("NEW FILE:")
    tty.expect("EDIT:")
    tty.send("")
    tty.expect("INPUT:")
    for line in lines:
        tty.send(line)
    tty.send("")
    tty.expect("EDIT:")
    tty.send("file")
    tty.expect(READY)


def test_update_from_edited_files(update_server: VMServer) -> None:
    tty = TTY(update_server.port)
    tty.logon("ALICE", "ALICEPW")
    tty.expect(READY)
    tty.send("#cp set emsg on")  # message codes as well as texts
    edit_new(tty, "prog assemble", ["* LINE ONE", "* LINE TWO", "* LINE THREE"])
    edit_new(tty, "prog update", ["./ R 20", "* CHANGED TWO", "./ I 30 $", "* AFTER THREE"])
    tty.send("update prog (noseq8")
    tty.expect("DMSUPD178I UPDATING 'PROG ASSEMBLE A1' WITH 'PROG UPDATE A1'")
    tty.expect(READY)
    tty.send("type $prog assemble")
    # EDIT serialized the update file too: "* CHANGED TWO" keeps its own PRO00020.
    tty.expect(r"\* LINE ONE +PRO00010\r\n\* CHANGED TWO +PRO00020\r\n"
               r"\* LINE THREE +PRO00030\r\n\* AFTER THREE +PRO00031\r\n")
    tty.expect(READY)
    tty.send("type prog updlog")
    tty.expect("./ R 20")
    tty.expect("REPLACING...")
    tty.expect("INSERTING...")
    tty.expect(READY)
    # SEQ8 (the default) reads columns 73-80: "PRO00020" is no sequence number there.
    tty.send("update prog")
    tty.expect("DMSUPD186W SEQUENCE NUMBER '00000020' NOT FOUND")
    tty.expect("FILE 'PROG UPDATE A1', REC #1 = ./ R 20")
    tty.expect(r"Ready\(00012\);")  # TERM without REP: no 177I
    tty.send("update prog (noterm")
    tty.expect(r"DMSUPD177I WARNING MESSAGES ISSUED \(SEVERITY=12\)\.\r\nReady\(00012\);")
    tty.send("update prog (ctl")
    tty.expect("DMSUPD002E FILE 'PROG CNTRL A1' NOT FOUND")
    tty.expect(r"Ready\(00028\);")
    tty.send("#CP LOGOFF")
    tty.expect(pexpect.EOF)
    assert update_server.alive()
