"""ASSEMBLE over telnet: a user EDITs a program that uses the CMSLIB macros,
assembles it, LOADs and STARTs it, answers its question and TYPEs the file
it wrote. The server runs CMS over in-memory minidisks
(tests/guests/cms/cmsfake.py), as the editor's telnet tests do.
"""

from __future__ import annotations

from collections.abc import Iterator

import pexpect
import pytest

from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY
from tests.integration.test_cms_update import edit_new

READY = r"Ready; T=\d+\.\d\d/\d+\.\d\d \d\d:\d\d:\d\d"

PROGRAM = [
    "GREET    CSECT",
    "         REGEQU",
    "         SAVE  (14,12)",
    "         BALR  R12,0",
    "         USING *,R12",
    "         WRTERM 'WHAT IS YOUR NAME?'",
    "         RDTERM BUFFER",
    "         FSWRITE 'GREET DATA A1',BUFFER=BUFFER,BSIZE=80",
    "         FSCLOSE 'GREET DATA A1'",
    "         LTR   R15,R15",
    "         BNZ   FAIL",
    "         WRTERM 'WRITTEN'",
    "         RETURN (14,12),RC=0",
    "FAIL     RETURN (14,12),RC=(15)",
    "BUFFER   DC    CL80' '",
    "         END   GREET",
]


@pytest.fixture(scope="module")
def asm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    server = VMServer(
        tmp_path_factory.mktemp("cmsasm"),
        make_test_directory(),
        env={"VM370_GUESTS": "CMS=tests.guests.cms.cmsfake:memory_main"},
    )
    yield server
    server.stop()


def test_edit_assemble_load_start_and_type(asm_server: VMServer) -> None:
    tty = TTY(asm_server.port, timeout=30)
    tty.logon("ALICE", "ALICEPW")
    tty.expect(READY)
    edit_new(tty, "greet assemble", PROGRAM)
    tty.send("assemble greet")
    tty.expect("ASSEMBLER DONE")
    tty.expect("NO STATEMENTS FLAGGED IN THIS ASSEMBLY")
    tty.expect(r"HIGHEST SEVERITY WAS\s+0")
    tty.expect(READY)
    for filetype in ("TEXT", "LISTING"):
        tty.send(f"listfile greet {filetype} a")
        tty.expect(f"GREET    {filetype:<8} A1")
        tty.expect(READY)
    tty.send("load greet")
    tty.expect(READY)
    tty.send("start")
    tty.expect("EXECUTION BEGINS...")
    tty.expect("WHAT IS YOUR NAME\\?")
    tty.send("grace hopper")
    tty.expect("WRITTEN")
    tty.expect(READY)
    tty.send("type greet data")
    tty.expect("GRACE HOPPER")
    tty.expect(READY)
    tty.send("#CP LOGOFF")
    tty.expect(pexpect.EOF)
    assert asm_server.alive()


def test_a_flagged_assembly_and_garbage_stay_with_the_user(asm_server: VMServer) -> None:
    tty = TTY(asm_server.port, timeout=30)
    tty.logon("BOB", "BOBPW")
    tty.send("IPL CMS")
    tty.expect(READY)
    tty.send("#CP SET EMSG ON")  # message ids too
    edit_new(tty, "bad assemble", ["BAD      CSECT", "         L     1,NOWHERE", "         MVC",
                                "         DC    Q'?'", "         END"])  # fmt: skip
    tty.send("assemble bad (noprint")
    tty.expect("UNDEFINED SYMBOL NOWHERE")
    tty.expect(r"\s+3 STATEMENTS FLAGGED IN THIS ASSEMBLY")
    tty.expect(r"Ready\(00008\);")
    tty.send("assemble bad (xyzzy")
    tty.expect("DMSASM003E INVALID OPTION 'XYZZY'")
    tty.expect(r"Ready\(00024\);")
    tty.send("maclib map nolib (term")
    tty.expect("DMSLBM002E FILE 'NOLIB MACLIB \\*' NOT FOUND")
    tty.expect(r"Ready\(00028\);")
    tty.send("#CP LOGOFF")
    tty.expect(pexpect.EOF)
    assert asm_server.alive()
