"""The CMS editor over a real telnet session: a whole EDIT session, then TYPE of the file.

The server runs CMS over in-memory minidisks (tests/guests/cms/cmsfake.py), as
the CMS session tests do.
"""

from __future__ import annotations

from collections.abc import Iterator

import pexpect
import pytest

from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY

READY = r"Ready; T=\d+\.\d\d/\d+\.\d\d \d\d:\d\d:\d\d"


@pytest.fixture(scope="module")
def edit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    server = VMServer(
        tmp_path_factory.mktemp("cmsedit"),
        make_test_directory(),
        env={"VM370_GUESTS": "CMS=tests.guests.cms.cmsfake:memory_main"},
    )
    yield server
    server.stop()


def test_edit_session_input_change_locate_delete_file(edit_server: VMServer) -> None:
    tty = TTY(edit_server.port)
    tty.logon("ALICE", "ALICEPW")  # the directory IPLs CMS
    tty.expect(READY)
    tty.send("edit plan data")
    tty.expect("NEW FILE:")
    tty.expect("EDIT:")
    tty.send("")  # a null line: input mode
    tty.expect("INPUT:")
    for line in ("first line", "second line", "third line", "fourth line"):
        tty.send(line)
    tty.send("")
    tty.expect("EDIT:")
    tty.send("top")
    tty.expect("TOF:")
    tty.send("locate /SECOND/")
    tty.expect("\nSECOND LINE")
    tty.send("change /SECOND/2ND/")
    tty.expect("\n2ND LINE")
    tty.send("next")
    tty.expect("\nTHIRD LINE")
    tty.send("delete")
    tty.send("type")
    tty.expect("\nFOURTH LINE")
    tty.send("l /NOWHERE/")
    tty.expect("NOT FOUND")
    tty.expect("EOF:")
    tty.send("bogus")
    tty.expect(r"\?EDIT: BOGUS")
    tty.send("file")
    tty.expect(READY)
    tty.send("type plan data")
    tty.expect("FIRST LINE\r\n2ND LINE\r\nFOURTH LINE\r\n")
    tty.expect(READY)
    tty.send("edit plan data")
    tty.expect("EDIT:")
    tty.send("t *")
    tty.expect("TOF:\r\nFIRST LINE\r\n2ND LINE\r\nFOURTH LINE\r\nEOF:")
    tty.send("quit")
    tty.expect(READY)
    tty.send("#CP LOGOFF")
    tty.expect(pexpect.EOF)
    assert edit_server.alive()


def test_exec_written_with_edit_drives_edit_through_the_stack(edit_server: VMServer) -> None:
    tty = TTY(edit_server.port)
    tty.logon("BOB", "BOBPW")
    tty.send("IPL CMS")
    tty.expect("BOB'S PROFILE RAN")
    tty.expect(READY)
    tty.send("edit driver exec")
    tty.expect("NEW FILE:")
    tty.send("input")
    tty.expect("INPUT:")
    for line in ("&stack input made by the driver", "&stack file", "edit &1 memo a"):
        tty.send(line)
    tty.send("&type edit rc &retcode")
    tty.send("")
    tty.expect("EDIT:")
    tty.send("file")
    tty.expect(READY)
    tty.send("driver notes")
    tty.expect("NEW FILE:")
    tty.expect("EDIT RC 0")
    tty.expect(READY)
    tty.send("edit notes memo")
    tty.expect("EDIT:")
    tty.send("bottom")
    tty.expect("\nMADE BY THE DRIVER")
    tty.send("i Mixed Case survives in a MEMO")
    tty.send("file")
    tty.expect(READY)
    tty.send("type notes memo")
    tty.expect("MADE BY THE DRIVER\r\nMixed Case survives in a MEMO\r\n")
    tty.expect(READY)
    tty.send("#CP LOGOFF")
    tty.expect(pexpect.EOF)
