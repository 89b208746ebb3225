"""TXTLIBs, LINEDIT and MODULEs called from programs, over telnet.

Programs assembled with binutils-s390x become TEXT decks (tests/guests/cms/
objdeck.py) on the user's A-disk before the server starts; the user builds a
TXTLIB from one of them with TXTLIB GEN, GLOBALs it, and LOADs and STARTs a
program whose external reference the library resolves.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from guests.cms.fs import CmsDisk
from server.dasd.volumes import VolumeRegistry
from tests.guests.cms.objdeck import assemble, text_deck
from tests.integration.conftest import VMServer
from tests.integration.telnet import TTY
from tests.integration.test_cms_dasd import StoreBlocks
from tests.integration.test_cms_programs import (
    LOOP,
    MAINP,
    READY,
    SUBP,
    directory,
    ebcdic,
    typlin,
)

# LINEDIT with hand-coded parameter lists (guests/cms/linedit.py): R3 stored into a
# HEX group at run time, as the macro's RENT=NO form does, a CHAR8A group, COMP and
# DOT; then a CPCOMM line; then a list with an unknown substitution type and a
# negative code (an error return: R15 = 4, the program's return code). LINEDB
# makes the same bad call with a positive code: an abend.
LINED = f"""
        .text
        .globl lined
lined:  stm %r14,%r12,12(%r13)
        balr %r12,0
base:   la %r3,255
        st %r3,g1-base(%r12)
        la %r1,pl-base(%r12)
        svc 203
        .short 12
        la %r1,pl2-base(%r12)
        svc 203
        .short 12
        la %r1,pl3-base(%r12)
        svc 203
        .short -12
        l %r14,12(%r13)
        lm %r0,%r12,20(%r13)
        br %r14
        .align 4
pl:     .byte 0x88,0xC1
        .short 29
        .long text
        .space 8
        .long 0
g1:     .long 0
        .byte 0x00,0,0,0
        .long name
        .byte 0xC4,0,0,0
pl2:    .byte 0x80,0x05
        .short 10
        .long cpcmd
        .space 12
pl3:    .byte 0x90,0x01
        .short 4
        .long text
        .space 12
        .long name
        .byte 0x8F,0,0,0
text:
{ebcdic("VALUE IS    .... NAME ........")}
name:
{ebcdic("LINEDIT ")}
cpcmd:
{ebcdic("QUERY TIME")}
"""

# A program that calls the SUBM MODULE through SVC 202 (error address 1: go on).
CALLM = f"""
        .text
        .globl callm
callm:  stm %r14,%r12,12(%r13)
        balr %r12,0
base:   la %r1,plist-base(%r12)
        svc 202
        .long 1
        lr %r2,%r15
        la %r1,back-base(%r12)
        svc 202
        lr %r15,%r2
        l %r14,12(%r13)
        lm %r0,%r12,20(%r13)
        br %r14
        .align 8
plist:
{ebcdic("SUBM    ")}
        .byte 255,255,255,255,255,255,255,255
{typlin("back", "backtx", 14)}
backtx:
{ebcdic("BACK IN CALLER")}
"""

LINEDB = f"""
        .text
        .globl linedb
linedb: balr %r12,0
base:   la %r1,pl3-base(%r12)
        svc 203
        .short 12
        br %r14
        .align 4
pl3:    .byte 0x90,0x01
        .short 4
        .long text
        .space 12
        .long text
        .byte 0x8F,0,0,0
text:
{ebcdic("X ..")}
"""

DECKS: dict[str, str] = {"MAINP": MAINP, "SUBP": SUBP, "LINED": LINED, "LINEDB": LINEDB,
                         "CALLM": CALLM, "LOOP": LOOP,
                         "SUBQ": SUBP.replace("subp", "subq")}  # fmt: skip


def put_decks(data_dir: Path, workdir: Path) -> None:
    """Format PROGU's 191 and write the TEXT decks, while the server is down."""
    registry = VolumeRegistry(data_dir)
    try:
        registry.create("PGMVOL", "3350", 4)
        blocks = StoreBlocks(registry.ckd_minidisk("PGMVOL", 1, 2))
        blocks.format_tracks()
        disk = CmsDisk.format(blocks, "PROGS")
        for name, source in DECKS.items():
            cards = text_deck(assemble(source, workdir, name.lower()), name, vcon=True)
            disk.write(name, "TEXT", cards, recfm="F", lrecl=80)
    finally:
        registry.close()


@pytest.fixture(scope="module")
def library_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    data_dir = tmp_path_factory.mktemp("libraries")
    put_decks(data_dir, tmp_path_factory.mktemp("asm"))
    server = VMServer(data_dir, directory())
    yield server
    server.stop()


def logon(server: VMServer) -> TTY:
    tty = TTY(server.port, timeout=30)
    tty.logon("PROGU", "PROGPW")
    tty.expect(r"CMS VERSION 6\.0")
    tty.expect(READY)
    tty.send("#CP SET EMSG ON")
    return tty


def test_a_txtlib_member_resolves_a_loaded_programs_reference(library_server: VMServer) -> None:
    tty = logon(library_server)
    tty.send("txtlib gen mylib subp")
    tty.expect(READY)
    tty.send("erase subp text")
    tty.expect(READY)
    tty.send("txtlib map mylib (term")
    tty.expect(r"SUBP      00002")
    tty.expect("1 ENTRIES IN LIBRARY.")
    tty.expect(READY)
    tty.send("load mainp")  # not GLOBALed yet: SUBP stays undefined
    tty.expect("DMSLIO201W THE FOLLOWING NAMES ARE UNDEFINED:")
    tty.expect("SUBP")
    tty.expect(r"Ready\(00004\);")
    tty.send("global txtlib mylib")
    tty.expect(READY)
    tty.send("query txtlib")
    tty.expect("MYLIB")
    tty.expect(READY)
    tty.send("load mainp")
    tty.expect(READY)
    tty.send("type load map a5")
    tty.expect(r"SUBP     SD 0200[0-9A-F]{2}")
    tty.expect(READY)
    tty.send("start")
    tty.expect("DMSLIO740I EXECUTION BEGINS...")
    tty.expect("IN SUB")
    tty.expect("BACK IN MAIN")
    tty.expect(r"Ready\(00005\);")
    tty.send("#CP LOGOFF")
    tty.expect(pexpect.EOF)


def test_linedit_from_an_assembled_program(library_server: VMServer) -> None:
    tty = logon(library_server)
    tty.send("load lined (start")
    tty.expect("DMSLIO740I EXECUTION BEGINS...")
    tty.expect(r"VALUE IS FF NAME LINEDIT\.")
    tty.expect(r"TIME IS \d\d:\d\d:\d\d")  # CP's answer to the CPCOMM line
    tty.expect(r"Ready\(00004\);")  # the bad list with a negative code: R15 = 4
    tty.send("load linedb (start")
    tty.expect(r"DMSABN148T SYSTEM ABEND 0F0 CALLED FROM 020006")  # a positive code
    tty.expect(r"\nCMS")
    tty.send("#CP LOGOFF")
    tty.expect(pexpect.EOF)


def test_a_program_calls_a_module_and_hx_clears_filedefs(library_server: VMServer) -> None:
    tty = logon(library_server)
    tty.send("load subq (nomap")
    tty.expect(READY)
    tty.send("genmod subm")
    tty.expect(READY)
    tty.send("load callm (origin 30000 start")  # clear of the module's X'20000'
    tty.expect("DMSLIO740I EXECUTION BEGINS...")
    tty.expect("IN SUB")
    tty.expect("BACK IN CALLER")  # the caller's registers and save area came back
    tty.expect(r"Ready\(00005\);")
    tty.send("filedef out terminal (perm")
    tty.expect(READY)
    tty.send("filedef in disk in data a")
    tty.expect(READY)
    tty.send("filedef")
    tty.expect("OUT")
    tty.expect(READY)
    tty.send("load loop (start")
    tty.expect("DMSLIO740I EXECUTION BEGINS...")
    tty.child.sendcontrol("c")  # attention while the program loops
    tty.send("HX")
    tty.expect(READY)
    tty.send("filedef")
    tty.expect("NO USER DEFINED FILEDEF'S IN EFFECT")
    tty.expect(READY)
    tty.send("#CP LOGOFF")
    tty.expect(pexpect.EOF)
