"""S/370 programs under CMS over telnet: LOAD/INCLUDE/START, SVC 202/203, GENMOD, MODULEs.

The programs are assembled with binutils-s390x and turned into TEXT decks
(tests/guests/cms/objdeck.py), written on the user's A-disk before the
server starts; the user then loads and runs them on the virtual CPU.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from directory.passwords import hash_password
from guests.cms.fs import CmsDisk
from guests.cms.loader import text_card
from server.dasd.volumes import VolumeRegistry
from tests.guests.cms.objdeck import assemble, text_deck
from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY
from tests.integration.test_cms_dasd import StoreBlocks

READY = r"Ready; T=\d+\.\d\d/\d+\.\d\d \d\d:\d\d:\d\d"


def ebcdic(text: str) -> str:
    """A GNU as ``.byte`` line holding ``text`` in EBCDIC."""
    return "        .byte " + ",".join(str(byte) for byte in text.encode("cp037"))


def typlin(label: str, text_label: str, length: int) -> str:
    return f"""
        .align 8
{label}: {ebcdic("TYPLIN  ")[8:]}
        .long {text_label}
        .byte 0xC2,0
        .short {length}"""


HELLO = f"""
        .text
        .globl hello
hello:  stm %r14,%r12,12(%r13)
        balr %r12,0
base:   lr %r11,%r1
        la %r1,greet-base(%r12)
        svc 202
        la %r2,8(%r11)
        st %r2,argp+8-base(%r12)
        mvi argp+8-base(%r12),1
        la %r1,argp-base(%r12)
        svc 202
        la %r1,rdp-base(%r12)
        svc 202
        .long 1
        la %r3,10
        ar %r0,%r3
        sth %r0,echo+14-base(%r12)
        la %r1,echo-base(%r12)
        svc 202
        la %r1,lst-base(%r12)
        svc 202
        .long .+4
        la %r0,8
        svc 203
        .short 4
        ltr %r15,%r15
        bc 7,fail-base(%r12)
        la %r0,8
        svc 203
        .short 8
        la %r1,wr1-base(%r12)
        svc 202
        .long fail
        la %r2,buf2-base(%r12)
        st %r2,wr1+28-base(%r12)
        svc 202
        .long fail
        la %r1,fin-base(%r12)
        svc 202
        la %r1,rd2-base(%r12)
        svc 202
        .long fail
        la %r1,show-base(%r12)
        svc 202
        la %r1,nost-base(%r12)
        svc 202
        .long staterr
        la %r2,0
        bc 15,exit-base(%r12)
fail:   la %r2,99
        bc 15,exit-base(%r12)
staterr: lr %r2,%r15
exit:   lr %r15,%r2
        l %r14,12(%r13)
        lm %r0,%r12,20(%r13)
        br %r14
{typlin("greet", "greettx", 16)}
greettx:
{ebcdic("HELLO FROM S/370")}
{typlin("argp", "greettx", 8)}
        .align 8
rdp:
{ebcdic("WAITRD  ")}
        .long inbuf
        .byte 0xE4,0,0,100
{typlin("echo", "prefix", 0)}
prefix:
{ebcdic("YOU SAID: ")}
inbuf:  .space 100
        .align 8
lst:
{ebcdic("LISTFILEHELLO   TEXT    A       ")}
        .byte 255,255,255,255,255,255,255,255
        .align 8
wr1:
{ebcdic("WRBUF   OUT     DATA    A1")}
        .short 0
        .long buf1
        .long 80
        .byte 0xC6,0
        .short 1
        .long 0
        .align 8
fin:
{ebcdic("FINIS   OUT     DATA    A1")}
        .space 18
        .align 8
rd2:
{ebcdic("RDBUF   OUT     DATA    A1")}
        .short 2
        .long rdbuf
        .long 80
        .byte 0xC6,0
        .short 1
        .long 0
{typlin("show", "rdbuf", 80)}
        .align 8
nost:
{ebcdic("STATE   NOSUCH  FILE    A1")}
        .space 18
buf1:
{ebcdic("FIRST RECORD".ljust(80))}
buf2:
{ebcdic("SECOND RECORD WRITTEN BY WRBUF".ljust(80))}
rdbuf:  .space 80
"""

BAD = """
        .text
        .globl bad
bad:    balr %r12,0
        .long 0
"""

LOOP = """
        .text
        .globl loop
loop:   balr %r12,0
again:  bc 15,again-loop-2(%r12)
"""

WILD = """
        .text
        .globl wild
wild:   svc 99
        br %r14
"""

BAD203 = """
        .text
        .globl bad203
bad203: svc 203
        .short 77
        br %r14
"""

DWAIT = """
        .text
        .globl dwait
dwait:  balr %r12,0
w:      lpsw waitpsw-w(%r12)
        .align 8
waitpsw: .long 0x000A0000, 0x00000BAD
"""

CPCMD = f"""
        .text
        .globl cpcmd
cpcmd:  balr %r12,0
c:      la %r6,cmd-c(%r12)
        la %r10,10
        diag %r6,%r10,8
        sr %r15,%r15
        br %r14
cmd:
{ebcdic("QUERY TIME")}
"""

OSMAC = f"""
        .text
        .globl osmac
osmac:  balr %r12,0
o:      la %r1,wto-o(%r12)
        svc 35
        l %r1,code-o(%r12)
        svc 13
        br %r14
        .align 4
code:   .long 0x0007B000
wto:    .short 13,0
{ebcdic("HELLO WTO")}
"""

PROT = """
        .text
        .globl prot
prot:   sr %r15,%r15
        st %r15,0x200
        br %r14
"""

BADPLIST = """
        .text
        .globl badp
badp:   l %r1,where-badp(%r15)
        svc 202
        br %r14
where:  .long 0x00FFFFF0
"""

CALLER = """
        .text
        .globl caller
caller: l %r15,there-caller(%r15)
        br %r15
there:  .long missing
"""


MAINP = f"""
        .text
        .globl mainp
mainp:  stm %r14,%r12,12(%r13)
        balr %r12,0
base:   l %r15,vsub-base(%r12)
        balr %r14,%r15
        lr %r2,%r15
        la %r1,back-base(%r12)
        svc 202
        lr %r15,%r2
        l %r14,12(%r13)
        lm %r0,%r12,20(%r13)
        br %r14
vsub:   .long subp
{typlin("back", "backtx", 12)}
backtx:
{ebcdic("BACK IN MAIN")}
"""

SUBP = f"""
        .text
        .globl subp
subp:   balr %r11,0
b2:     la %r1,insub-b2(%r11)
        svc 202
        la %r15,5
        br %r14
{typlin("insub", "insubtx", 6)}
insubtx:
{ebcdic("IN SUB")}
"""

TRY_EXEC = ["&CONTROL OFF", "&TYPE BEFORE", "BAD", "&TYPE AFTER"]


def random_decks(count: int = 10, size: int = 96) -> list[list[bytes]]:
    """Programs of random bytes (a fixed seed): whatever they do must end cleanly."""
    rng = random.Random(370)
    decks = []
    for number in range(1, count + 1):
        code = bytes(rng.randrange(256) for _ in range(size))
        esd = f"RND{number}".ljust(8).encode("cp037") + bytes(4) + b"\x40" + size.to_bytes(3, "big")
        cards = [text_card("ESD", esd, esdid=1, count=16)]
        for at in range(0, size, 56):
            chunk = code[at : at + 56]
            cards.append(text_card("TXT", chunk, address=at, esdid=1, count=len(chunk)))
        decks.append([*cards, text_card("END", b"")])
    return decks


def directory() -> str:
    return make_test_directory() + (
        f"USER PROGU {hash_password('PROGPW', log2_n=4)} 4M 16M G\n"
        " IPL CMS\n"
        " CONSOLE 009 3215\n"
        " SPOOL 00E 1403 A\n"
        " MDISK 191 3350 001 002 PGMVOL MR\n"
    )


def put_decks(data_dir: Path, workdir: Path) -> None:
    """Format PROGU's 191 and write the TEXT decks, while the server is down."""
    decks = {"HELLO": HELLO, "BAD": BAD, "LOOP": LOOP, "WILD": WILD, "BADP": BADPLIST,
             "CALLER": CALLER, "MAINP": MAINP, "SUBP": SUBP, "BAD203": BAD203,
             "DWAIT": DWAIT, "CPCMD": CPCMD, "OSMAC": OSMAC,
             "PROT": PROT}  # fmt: skip
    registry = VolumeRegistry(data_dir)
    try:
        registry.create("PGMVOL", "3350", 4)
        blocks = StoreBlocks(registry.ckd_minidisk("PGMVOL", 1, 2))
        blocks.format_tracks()
        disk = CmsDisk.format(blocks, "PROGS")
        for name, source in decks.items():
            cards = text_deck(assemble(source, workdir, name.lower()), name, vcon=True)
            disk.write(name, "TEXT", cards, recfm="F", lrecl=80)
        disk.write("TRY", "EXEC", [line.encode("cp037") for line in TRY_EXEC], recfm="V")
        for number, cards in enumerate(random_decks(), start=1):
            disk.write(f"RND{number}", "TEXT", cards, recfm="F", lrecl=80)
    finally:
        registry.close()


@pytest.fixture(scope="module")
def program_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    data_dir = tmp_path_factory.mktemp("programs")
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


def run_hello(tty: TTY) -> None:
    """HELLO's dialogue: greeting, its argument, a line read and echoed, LISTFILE, files."""
    tty.expect("HELLO FROM S/370")
    tty.expect("XYZ")
    tty.send("some words")
    tty.expect("YOU SAID: SOME WORDS")
    tty.expect("HELLO    TEXT     A1")
    tty.expect("SECOND RECORD WRITTEN BY WRBUF")
    tty.expect(r"Ready\(00028\);")  # STATE NOSUCH FILE took the error exit: rc 28


def test_load_start_genmod_and_run_by_name(program_server: VMServer) -> None:
    tty = logon(program_server)
    tty.send("load hello")
    tty.expect(READY)
    tty.send("type load map a5")
    tty.expect(r"HELLO    SD 020000")
    tty.expect(READY)
    tty.send("print load map a5")  # a transient command: the loaded program stays intact
    tty.expect(READY)
    tty.send("start * xyz")
    tty.expect("DMSLIO740I EXECUTION BEGINS...")
    run_hello(tty)
    tty.send("type out data")
    tty.expect("FIRST RECORD")
    tty.expect("SECOND RECORD WRITTEN BY WRBUF")
    tty.expect(READY)
    tty.send("genmod hello")
    tty.expect(READY)
    tty.send("erase out data")
    tty.expect(READY)
    tty.send("hello xyz")  # the MODULE through command resolution
    run_hello(tty)
    tty.send("modmap hello")
    tty.expect(r"HELLO    SD 020000")
    tty.expect(READY)
    tty.send("load bad (nomap")
    tty.expect(READY)
    tty.send("loadmod hello")
    tty.expect(READY)
    tty.send("start * xyz")
    tty.expect("DMSLIO740I EXECUTION BEGINS...")
    run_hello(tty)
    tty.send("#CP LOGOFF")
    tty.expect(pexpect.EOF)


def test_wild_programs_end_with_messages(program_server: VMServer) -> None:
    tty = logon(program_server)
    tty.send("load bad (start")
    tty.expect("DMSLIO740I EXECUTION BEGINS...")
    tty.expect(r"DMSITP141T OPERATION EXCEPTION OCCURRED AT 020004 IN ROUTINE BAD")
    tty.expect(r"\nCMS")
    tty.send("load wild (start")
    tty.expect(r"DMSABN148T SYSTEM ABEND 0F0 CALLED FROM 020000")
    tty.expect(r"\nCMS")
    tty.send("load bad203 (start")
    tty.expect(r"DMSABN148T SYSTEM ABEND 0F0 CALLED FROM 020000")
    tty.expect(r"\nCMS")
    tty.send("load dwait (start")
    tty.expect(r"DMKDSP450W CP ENTERED; DISABLED WAIT PSW '000A0000 00000BAD'")
    tty.expect(r"\nCMS")
    tty.send("load osmac (start")  # WTO, then ABEND X'07B'
    tty.expect("HELLO WTO")
    tty.expect(r"DMSABN148T SYSTEM ABEND 07B CALLED FROM 02000C")
    tty.expect(r"\nCMS")
    tty.send("load prot (start")  # a store into the nucleus (key X'F') with PSW key X'E'
    tty.expect(r"DMSITP141T PROTECTION EXCEPTION OCCURRED AT 020006 IN ROUTINE PROT")
    tty.expect(r"\nCMS")
    tty.send("set protect off")
    tty.expect(READY)
    tty.send("start")
    tty.expect("DMSLIO740I EXECUTION BEGINS...")
    tty.expect(READY)
    tty.send("set protect on")
    tty.expect(READY)
    tty.send("load badp (start")
    tty.expect(r"DMSITP141T ADDRESSING EXCEPTION OCCURRED AT 020006 IN ROUTINE BADP")
    tty.expect(r"\nCMS")
    tty.send("load caller")
    tty.expect("DMSLIO201W THE FOLLOWING NAMES ARE UNDEFINED:")
    tty.expect("MISSING")
    tty.expect(r"Ready\(00004\);")
    tty.send("start")  # the unresolved name is 0: a branch to location 0
    tty.expect("DMSITP141T [A-Z -]+ EXCEPTION OCCURRED AT")
    tty.expect(r"\nCMS")
    tty.send("load loop (start")
    tty.expect("DMSLIO740I EXECUTION BEGINS...")
    tty.child.sendcontrol("c")  # attention while the program loops
    tty.send("HX")
    tty.expect(READY)
    tty.send("start xxx")
    tty.expect(r"DMSLIO021E ENTRY POINT 'XXX' NOT FOUND")
    tty.expect(r"Ready\(00040\);")
    tty.send("load nosuch")
    tty.expect(r"DMSLIO002E FILE 'NOSUCH TEXT' NOT FOUND")
    tty.expect(r"Ready\(00028\);")
    tty.send("start")
    tty.expect(r"DMSLIO055E NO ENTRY POINT DEFINED")
    tty.expect(r"Ready\(00040\);")
    tty.send("modmap bad")
    tty.expect(r"DMSMOD002E FILE 'BAD MODULE \*' NOT FOUND")
    tty.send("q userid")  # CMS and the session carry on
    tty.expect("PROGU    AT")
    tty.send("#CP LOGOFF")
    tty.expect(pexpect.EOF)
    assert program_server.alive()


def test_include_nomap_modules_origin_and_an_exec(program_server: VMServer) -> None:
    tty = logon(program_server)
    tty.send("load cpcmd (start")  # DIAGNOSE X'08' from the program: CP answers
    tty.expect("TIME IS")
    tty.expect(READY)
    tty.send("load mainp (noauto")  # SUBP is not looked for: its V-con stays 0
    tty.expect("DMSLIO201W THE FOLLOWING NAMES ARE UNDEFINED:")
    tty.expect("SUBP")
    tty.expect(r"Ready\(00004\);")
    tty.send("include subp")
    tty.expect(READY)
    tty.send("start")
    tty.expect("IN SUB")
    tty.expect("BACK IN MAIN")
    tty.expect(r"Ready\(00005\);")
    tty.send("load mainp (start")  # AUTO finds SUBP TEXT by the undefined name
    tty.expect("DMSLIO740I EXECUTION BEGINS...")
    tty.expect("IN SUB")
    tty.expect(r"Ready\(00005\);")
    tty.send("load hello (origin 30000 type")
    tty.expect("HELLO    SD 030000")
    tty.expect(READY)
    tty.send("genmod hello2 (nomap")
    tty.expect(READY)
    tty.send("modmap hello2")
    tty.expect("DMSMOD038E NO LOADER TABLE PRESENT FOR MODULE 'HELLO2'")
    tty.expect(r"Ready\(00032\);")
    tty.send("loadmod hello2")
    tty.expect(READY)
    tty.send("start")  # a NOMAP module cannot be started
    tty.expect("DMSLIO055E NO ENTRY POINT DEFINED")
    tty.expect(r"Ready\(00040\);")
    tty.send("hello2 xyz")  # ... but it runs as a command
    run_hello(tty)
    tty.send("load bad")
    tty.expect(READY)
    tty.send("genmod")  # named after the first entry point
    tty.expect(READY)
    tty.send("try")  # the abend ends the EXEC too
    tty.expect("BEFORE")
    tty.expect(r"DMSITP141T OPERATION EXCEPTION OCCURRED AT 020004 IN ROUTINE BAD")
    tty.expect(r"\nCMS\r?\n")
    tty.send("listfile * module")
    tty.expect("BAD      MODULE   A1")
    assert "AFTER" not in tty.child.before  # nothing of the EXEC ran after the abend
    tty.expect(READY)
    tty.send("#CP LOGOFF")
    tty.expect(pexpect.EOF)


def test_random_programs_end_cleanly(program_server: VMServer) -> None:
    tty = logon(program_server)
    for number in range(1, 11):
        tty.send(f"load rnd{number} (start")
        tty.expect("DMSLIO740I EXECUTION BEGINS...")
        ended = tty.expect([r"\nCMS\r?\n", r"Ready(\(-?\d+\))?; T=", pexpect.TIMEOUT], timeout=5)
        if ended == 2:  # still running (a loop, an enabled wait): the attention key and HX
            tty.child.sendcontrol("c")
            tty.send("HX")
            tty.expect(r"Ready(\(-?\d+\))?; T=")
    tty.send("q userid")
    tty.expect("PROGU    AT")
    tty.send("#CP LOGOFF")
    tty.expect(pexpect.EOF)
    assert program_server.alive()
