"""DEBUG and SVCTRACE over telnet with an assembled program (binutils-s390x).

DBGP adds two registers, types a line (TYPLIN), reads one (WAITRD) and returns
the sum as its return code. A breakpoint on its ADD is hit under START; GPR,
SET GPR, X, STORE, GO and RETURN are used there. SVCTRACE records its SVCs and
prints them on the virtual printer, which is spooled to the user's reader and
read back with READCARD (as 80-column cards: the ends of the longer lines are
cut off there).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from directory.passwords import hash_password
from guests.cms.fs import CmsDisk
from server.dasd.volumes import VolumeRegistry
from tests.guests.cms.objdeck import assemble, text_deck
from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY
from tests.integration.test_cms_dasd import StoreBlocks
from tests.integration.test_cms_programs import READY, ebcdic, typlin

# Offsets in DBGP (loaded at X'20000'): LA R3 at 6, LA R4 at A, AR R3,R4 at E; the
# message text at X'40'.
DBGP = f"""
        .text
        .globl dbgp
dbgp:   stm %r14,%r12,12(%r13)
        balr %r12,0
base:   la %r3,7
        la %r4,9
        ar %r3,%r4
        la %r1,tp-base(%r12)
        svc 202
        la %r1,rd-base(%r12)
        svc 202
        .long 1
        lr %r15,%r3
        l %r14,12(%r13)
        lm %r0,%r12,20(%r13)
        br %r14
        .org 0x40
msg:
{ebcdic("DBGP SAYS AAAA")}
        .align 8
{typlin("tp", "msg", 14)}
        .align 8
rd:
{ebcdic("WAITRD  ")}
        .long inbuf
        .byte 0xE4,0,0,80
inbuf:  .space 80
"""

BAD = """
        .text
        .globl dbgbad
dbgbad: balr %r12,0
        la %r5,0x5A5
        .long 0
"""

# Three DMSFRET calls that fail quietly (SVC 203 with a negative code: R15 = 4), a
# line typed (TYPLIN), then a loop that waits for the attention key.
SVCL = f"""
        .text
        .globl svcl
svcl:   balr %r12,0
        la %r5,3
again:  la %r0,1
        la %r1,0
        svc 203
        .short -8
        bct %r5,again-svcl-2(%r12)
        la %r1,tp-svcl-2(%r12)
        svc 202
spin:   bc 15,spin-svcl-2(%r12)
msg:
{ebcdic("SPINNING")}
        .align 8
{typlin("tp", "msg", 8)}
"""


def directory() -> str:
    return make_test_directory() + (
        f"USER DEBUGU {hash_password('DEBUGPW', log2_n=4)} 4M 16M G\n"
        " IPL CMS\n"
        " CONSOLE 009 3215\n"
        " SPOOL 00C 2540 READER *\n"
        " SPOOL 00E 1403 A\n"
        " MDISK 191 3350 001 002 DBGVOL MR\n"
    )


def put_decks(data_dir: Path, workdir: Path) -> None:
    registry = VolumeRegistry(data_dir)
    try:
        registry.create("DBGVOL", "3350", 4)
        blocks = StoreBlocks(registry.ckd_minidisk("DBGVOL", 1, 2))
        blocks.format_tracks()
        disk = CmsDisk.format(blocks, "DEBUG")
        for name, source in {"DBGP": DBGP, "DBGBAD": BAD, "SVCL": SVCL}.items():
            cards = text_deck(assemble(source, workdir, name.lower()), name, vcon=True)
            disk.write(name, "TEXT", cards, recfm="F", lrecl=80)
    finally:
        registry.close()


@pytest.fixture(scope="module")
def debug_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    data_dir = tmp_path_factory.mktemp("debug")
    put_decks(data_dir, tmp_path_factory.mktemp("asm"))
    server = VMServer(data_dir, directory())
    yield server
    server.stop()


def logon(server: VMServer) -> TTY:
    tty = TTY(server.port, timeout=30)
    tty.logon("DEBUGU", "DEBUGPW")
    tty.expect(r"CMS VERSION 6\.0")
    tty.expect(READY)
    tty.send("#CP SET EMSG ON")
    return tty


def logoff(tty: TTY) -> None:
    tty.send("#CP LOGOFF")
    tty.expect(pexpect.EOF)


def attention(tty: TTY, line: str) -> None:
    """The attention key, then an immediate command; CMS answers nothing, so the
    next key waits until this line has surely been read (no assertion is timed)."""
    tty.child.sendcontrol("c")
    tty.send(line)
    time.sleep(1.5)


def command(tty: TTY, line: str, *expected: str) -> None:
    tty.send(line)
    for pattern in expected:
        tty.expect(pattern)


def test_breakpoint_gpr_set_store_x_and_go(debug_server: VMServer) -> None:
    tty = logon(debug_server)
    command(tty, "load dbgp", READY)
    command(tty, "debug", "DMSDBG728I DEBUG ENTERED")
    tty.send("break 1 2000e")
    tty.send("frob")
    tty.expect(r"DMSDBG014E INVALID FUNCTION 'FROB'")
    command(tty, "gpr 99", r"DMSDBG070E INVALID PARAMETER '99'")
    command(tty, "x 2000e 2", r"02000E  0001")  # the trap: X'00', breakpoint 1
    command(tty, "return", READY)
    command(tty, "start", "DMSLIO740I EXECUTION BEGINS...",
            r"DMSDBG728I DEBUG ENTERED BREAKPOINT 01 AT 02000E")  # fmt: skip
    command(tty, "gpr 3 4", r"GPR  3 = 00000007  00000009")
    command(tty, "x 2000e 2", r"02000E  1A34")  # AR 3,4 is back
    command(tty, "psw", r"[0-9A-F]{8} [0-9A-F]{2}02000E")
    tty.send("set gpr 4 20")
    tty.send("store 2004a c2c2")  # "AAAA" -> "BBAA"
    command(tty, "x 20040 14", r"020040  C4C2C7D7 40E2C1E8 E240C2C2 C1C1")
    command(tty, "go", "DBGP SAYS BBAA")
    command(tty, "hello", r"Ready\(00039\);")  # 7 + X'20'
    logoff(tty)


def test_return_and_hx_at_a_breakpoint_and_debug_after_an_abend(debug_server: VMServer) -> None:
    tty = logon(debug_server)
    command(tty, "load dbgp", READY)
    command(tty, "debug", "DMSDBG728I DEBUG ENTERED")
    tty.send("br 0 2000a")
    command(tty, "ret", READY)
    command(tty, "start", r"DMSDBG728I DEBUG ENTERED BREAKPOINT 00 AT 02000A")
    command(tty, "return", READY)  # the program ends: it never typed
    command(tty, "debug", "DMSDBG728I DEBUG ENTERED")
    tty.send("break 2 2000e")
    command(tty, "return", READY)
    command(tty, "start", r"BREAKPOINT 02 AT 02000E")
    command(tty, "hx", READY)
    bad = r"DMSITP141T OPERATION EXCEPTION OCCURRED AT 020008 IN ROUTINE DBGBAD"
    command(tty, "load dbgbad (start", bad, r"\nCMS")
    command(tty, "debug", "DMSDBG728I DEBUG ENTERED")
    command(tty, "gpr 5", r"GPR  5 = 000005A5")
    command(tty, "psw", r"[0-9A-F]{4}0001 [0-9A-F]{2}020008")
    command(tty, "return", READY)
    logoff(tty)


def test_svctrace_of_typlin_and_waitrd(debug_server: VMServer) -> None:
    tty = logon(debug_server)
    command(tty, "svctrace", r"DMSOVR047E NO FUNCTION SPECIFIED")
    command(tty, "svctrace maybe", r"DMSOVR070E INVALID PARAMETER 'MAYBE'")
    command(tty, "cp spool printer to * class a", READY)
    command(tty, "svctrace on", READY)
    command(tty, "load dbgp (start", "DBGP SAYS AAAA")
    command(tty, "fine", r"Ready\(00016\);")
    command(tty, "svctrace off", READY)
    command(tty, "readcard trace listing", READY)
    command(tty, "type trace listing",
            r"-N/D = 001/01 TYPLIN   020014 OLDPSW = ", r"\.GPRSB = ",
            r"\.PARM  = 0200[0-9A-F]{2} E3E8D7D3 C9D54040",
            r"\+N/D = 001/01 TYPLIN   020014 OLDPSW = ", r"\.GPRS AFTER: R0-R1 = ",
            r"-N/D = 002/01 WAITRD   02001A", r"\+N/D = 002/01 WAITRD", READY)  # fmt: skip
    logoff(tty)


def test_so_ro_ho_and_hx_while_a_program_runs(debug_server: VMServer) -> None:
    tty = logon(debug_server)
    command(tty, "cp spool printer to * class a", READY)
    command(tty, "svctrace on", READY)
    command(tty, "load svcl (start", "DMSLIO740I EXECUTION BEGINS...", "SPINNING")
    for word in ("SO", "RO", "HO"):  # HO ends the trace and prints it
        attention(tty, word)
    tty.child.sendcontrol("c")
    command(tty, "HX", READY)
    command(tty, "svctrace off", READY)  # nothing is left to print
    command(tty, "cp query reader all", r"DEBUGU   \d{4} A PRT 000000\d\d", READY)
    assert " A PRT " not in tty.child.before  # one file: HO printed, OFF had none left
    command(tty, "readcard svcl listing", READY)
    command(tty, "type svcl listing", r"-N/D = 001/01 DMSFRET  02000E",
            r"\*N/D = 001/01 DMSFRET  02000E", r"-N/D = 004/01 TYPLIN   02001A",
            r"\+N/D = 004/01 TYPLIN   02001A", READY)  # fmt: skip
    logoff(tty)


def test_dump_to_the_printer_and_go_from_debug(debug_server: VMServer) -> None:
    tty = logon(debug_server)
    command(tty, "cp spool printer to * class a", READY)
    command(tty, "load dbgp", READY)
    command(tty, "debug", "DMSDBG728I DEBUG ENTERED")
    tty.send("define text 20040 14")
    tty.send("dump text 2005f mine")
    command(tty, "go 20000", "DBGP SAYS AAAA")  # GO from DEBUG starts the program there
    command(tty, "so", r"Ready\(00016\);")
    command(tty, "readcard dump listing", READY)
    command(tty, "type dump listing", "DEBUG DUMP MINE", r"PSW = 00000000 00000000",
            r"GPRS  0- 7 = ", r"020040  C4C2C7D7 40E2C1E8 E240C1C1 C1C1",
            READY)  # fmt: skip
    logoff(tty)
