"""CMS DIRECT over telnet: MAINT edits USER DIRECT and makes it the CP directory.

The server runs the real CMS on real minidisks: MAINT's 191 is CMS-formatted when
the server creates its volume. MAINT writes a bad file and a good one with EDIT;
DIRECT (EDIT) and DIRECT report the bad card's line and change nothing; DIRECT of
the good file adds a user whose new volume is created and formatted at once, and
who can log on; a class G user may check the file but not update the directory.
"""

from __future__ import annotations

from collections.abc import Iterator

import pexpect
import pytest

from directory.passwords import hash_password
from tests.integration.conftest import VMServer
from tests.integration.telnet import TTY
from tests.integration.test_cms_update import edit_new

READY = r"Ready; T=\d+\.\d\d/\d+\.\d\d \d\d:\d\d:\d\d"


def start_directory() -> str:
    return (
        "DIRECTORY 123 3350 VM370S\n"
        f"USER OPERATOR {hash_password('OPPW', log2_n=4)} 1M 16M ABCDEFG\n"
        " CONSOLE 009 3215\n"
        f"USER MAINT {hash_password('MAINTPW', log2_n=4)} 8M 16M ABCDEG\n"
        " IPL CMS\n"
        " CONSOLE 009 3215\n"
        " MDISK 191 3350 001 002 MNTVOL MR\n"
        f"USER ALICE {hash_password('ALICEPW', log2_n=4)} 4M 16M G\n"
        " IPL CMS\n"
        " CONSOLE 009 3215\n"
        " LINK MAINT 191 191 RR\n"
    )


# What MAINT types into USER DIRECT: the same entries in clear, and NEWBIE.
NEW_DIRECT = [
    "DIRECTORY 123 3350 VM370S",
    "USER OPERATOR OPPW 1M 16M ABCDEFG",
    " CONSOLE 009 3215",
    "USER MAINT MAINTPW 8M 16M ABCDEG",
    " IPL CMS",
    " CONSOLE 009 3215",
    " MDISK 191 3350 001 002 MNTVOL MR",
    "USER ALICE ALICEPW 4M 16M G",
    " IPL CMS",
    " CONSOLE 009 3215",
    " LINK MAINT 191 191 RR",
    "USER NEWBIE NEWPW 4M 16M G",
    " IPL CMS",
    " CONSOLE 009 3215",
    " MDISK 191 3350 001 002 NEWVOL MR",
]
BAD_DIRECT = [*NEW_DIRECT[:11], "USER NEWBIE NEWPW 4M 16M G", " MDISK 19Z 3350 XYZ 002 NEWVOL MR"]


@pytest.fixture(scope="module")
def direct_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    server = VMServer(tmp_path_factory.mktemp("direct"), start_directory())
    yield server
    server.stop()


def logoff(tty: TTY) -> None:
    tty.send("#CP LOGOFF")
    tty.expect(pexpect.EOF)


def test_maint_updates_the_directory_with_direct(direct_server: VMServer) -> None:
    tty = TTY(direct_server.port, timeout=60)
    tty.logon("MAINT", "MAINTPW")
    tty.expect(r"CMS VERSION 6\.0")
    tty.expect(READY)
    edit_new(tty, "bad direct", BAD_DIRECT)
    edit_new(tty, "user direct", NEW_DIRECT)
    for command in ("direct bad (edit)", "direct bad direct a"):
        tty.send(command)
        tty.expect("ERROR LINE 13: ")
        tty.expect("MDISK 19Z 3350 XYZ 002 NEWVOL MR")
        tty.expect("EOJ DIRECTORY NOT UPDATED")
        tty.expect(r"Ready\(00008\);")
    tty.send("direct (edit)")
    tty.expect("EOJ DIRECTORY NOT UPDATED")
    tty.expect(READY)
    assert not (direct_server.data_dir / "volumes").exists() or not any(
        "NEWVOL" in path.name for path in (direct_server.data_dir / "volumes").iterdir()
    )
    refused = TTY(direct_server.port, timeout=30)
    refused.send("LOGON NEWBIE NEWPW")
    refused.expect("PASSWORD INCORRECT - REINITIATE LOGON PROCEDURE")
    refused.close()
    tty.send("direct user direct *")
    tty.expect("EOJ DIRECTORY UPDATED AND ON LINE")
    tty.expect(READY)
    tty.send("direct user direct * (bogus")
    tty.expect("INVALID OPTION 'BOGUS'")
    tty.send("direct user script")
    tty.expect("INVALID PARAMETER 'SCRIPT'")

    newbie = TTY(direct_server.port, timeout=60)
    newbie.logon("NEWBIE", "NEWPW")
    newbie.expect(r"CMS VERSION 6\.0")
    newbie.expect(READY)
    newbie.send("query disk a")  # NEWVOL was created and its 191 formatted by DIRECT
    newbie.expect(r"A \(191\): 0 FILES, .*, 3350, R/W")
    newbie.expect(READY)
    logoff(newbie)
    logoff(tty)
    assert direct_server.alive()


def test_class_g_may_check_but_not_update(direct_server: VMServer) -> None:
    tty = TTY(direct_server.port, timeout=60)
    tty.logon("ALICE", "ALICEPW")
    tty.expect(r"CMS VERSION 6\.0")
    tty.expect(READY)
    tty.send("direct user direct a (edit)")
    tty.expect("EOJ DIRECTORY NOT UPDATED")
    tty.expect(READY)
    tty.send("direct")
    tty.expect("DIRECTORY UPDATE NEEDS PRIVILEGE CLASS A, B OR C")
    tty.expect("EOJ DIRECTORY NOT UPDATED")
    tty.expect(r"Ready\(00004\);")
    tty.send("direct nosuch")
    tty.expect("FILE 'NOSUCH DIRECT \\*' NOT FOUND")
    logoff(tty)
    assert direct_server.alive()
