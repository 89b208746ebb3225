"""DIAGNOSE X'14' over telnet: an assembled program reads a punched file's spool buffers.

GINA punches two cards to HUGO with a TAG; HUGO's program (GNU as, S/370) asks
for the first reader file's SFBLOK and TAG (X'0FFF'), reads the file's first
page buffer (X'0000'), walks its CCWs and types each card on the console with
SIO, then meets end of file, restarts, backs up, scans card SFBLOKs and tries
wrong devices. A second program hands DIAGNOSE X'14' bad operands and must get
the program checks CP gives, to that user only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from directory.passwords import hash_password
from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.s370prog import assemble, store_commands
from tests.integration.telnet import TTY

READER_PROGRAM = """
        .include "s370.inc"
        lowcore
        .macro  diag14 sub
        la      %r5,\\sub
        .insn   rs,0x83000000,%r2,%r4,0x14(%r0)
        bal     %r14,reccc
        .endm
        la      %r13,results
        la      %r2,desc                # 0FFF: the first reader file (Ry = spoolid 0)
        sr      %r4,%r4
        diag14  0xfff
        l       %r2,pageaddr            # 0000: its first page buffer at 3000
        la      %r4,0x00c
        diag14  0
        l       %r6,pageaddr
        l       %r7,12(%r6)             # SPRECNUM
        st      %r7,0(%r13)
        la      %r13,4(%r13)
        la      %r8,16(%r6)             # the first CCW
        cli     0(%r8),0x03             # the TAG record (a NOP): follow its TIC
        bne     walk
        l       %r8,8(%r8)
        la      %r8,0(%r8)
walk:   ltr     %r7,%r7
        bz      walked
        l       %r9,0(%r8)              # write the record's data on the console
        st      %r9,wccw
        mvi     wccw,0x09
        mvc     wccw+6(2),6(%r8)
        la      %r1,wccw
        st      %r1,0x48
        .insn   s,0x9c000000,9(%r0)     # SIO 009
tio:    .insn   s,0x9d000000,9(%r0)     # TIO 009 until done
        bc      7,tio
        l       %r8,8(%r8)              # the TIC: next CCW
        la      %r8,0(%r8)
        bct     %r7,walk
walked: l       %r2,pageaddr
        diag14  0                       # end of file: cc 1
        diag14  0x14                    # restart: cc 0
        diag14  0x18                    # backspace at the first buffer: cc 0
        la      %r4,0x009               # the console is not a reader: cc 3, Ry+1 = 8
        diag14  0
        st      %r5,0(%r13)
        la      %r13,4(%r13)
        la      %r4,0x0fe               # no such device: cc 3, Ry+1 = 4
        diag14  0
        st      %r5,0(%r13)
        la      %r13,4(%r13)
        la      %r4,0x00c
        la      %r2,sfb
        diag14  4                       # printer SFBLOKs: none (cc 2)
        diag14  8                       # card SFBLOKs: GINA's file (cc 0)
        diag14  8                       # no more (cc 1)
        la      %r6,notready            # CP NOTREADY 00C (DIAGNOSE X'08')
        la      %r7,12
        .insn   rs,0x83000000,%r6,%r7,0x08(%r0)
        diag14  0                       # a reader not ready: cc 3, Ry+1 = 12
        st      %r5,0(%r13)
        la      %r13,4(%r13)
        la      %r6,ready               # CP READY 00C
        la      %r7,9
        .insn   rs,0x83000000,%r6,%r7,0x08(%r0)
        eoj
reccc:  st      %r14,0(%r13)            # BAL's link: the condition code in bits 2-3
        la      %r13,4(%r13)
        br      %r14
        .balign 8
wccw:   .long   0, 0x20000000
notready: .byte 0xD5,0xD6,0xE3,0xD9,0xC5,0xC1,0xC4,0xE8,0x40,0xF0,0xF0,0xC3   # NOTREADY 00C
ready:  .byte   0xD9,0xC5,0xC1,0xC4,0xE8,0x40,0xF0,0xF0,0xC3                   # READY 00C
        .balign 4
pageaddr: .long 0x3000
        .org    0x800
results: .space 64
        .org    0x900
desc:   .space  256
        .org    0xa00
sfb:    .space  104
"""

BAD_PROGRAM = """
        .include "s370.inc"
        lowcore
        l       %r2,buffer
        la      %r4,0x{ry}
        la      %r5,0x{subcode}
        .insn   rs,0x83000000,%r2,%r{register},0x14(%r0)
        eoj
buffer: .long   0x{buffer}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    directory = make_test_directory() + (
        "USER GINA " + hash_password("GINAPW", log2_n=4) + " 1M 16M G\n"
        " CONSOLE 009 3215\n SPOOL 00C 2540 READER *\n SPOOL 00D 2540 PUNCH A\n"
        "USER HUGO " + hash_password("HUGOPW", log2_n=4) + " 64K 16M G\n"
        " CONSOLE 009 3215\n SPOOL 00C 2540 READER *\n"
    )
    server = VMServer(tmp_path_factory.mktemp("diag14"), directory)
    yield server
    server.stop()


def load(tty: TTY, image: bytes) -> None:
    for line in store_commands(image):
        tty.send(line)
        tty.expect("STORE COMPLETE")


def results(tty: TTY, count: int) -> list[int]:
    """The program's result words at 800."""
    tty.send(f"D 800.{count * 4:X}")
    words: list[int] = []
    while len(words) < count:
        tty.expect(r"\n0008[0-9A-F]0 ((?:[0-9A-F]{8} ?){1,4})")
        words += [int(w, 16) for w in tty.child.match.group(1).split()]
    return words[:count]


def punch_two_cards(gina: TTY) -> None:
    first = "HELLO HUGO".ljust(80).encode("cp037").hex().upper()
    second = "SECOND CARD".ljust(80).encode("cp037").hex().upper()
    # 200: LA 1,300 / ST 1,48 / SIO 00D / TIO 00D / BC 7,20C / LPSW 600 (two chained CCWs)
    gina.send("STORE S200 41100300 50100048 9C00000D 9D00000D 4770020C 82000600")
    gina.send(
        f"STORE S300 0100040040000050 0100045000000050#STORE S400 {first}"
        f"#STORE S450 {second}#STORE S600 000200000000EEEE"
    )
    gina.send("SPOOL PUNCH TO HUGO#TAG DEV 00D FOR HUGO ONLY#BEGIN 200")
    gina.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000EEEE'")
    gina.send("CLOSE PUNCH")
    gina.expect(r"PUN FILE (\d{4})  TO  HUGO")


def test_program_reads_reader_spool_buffers(server: VMServer, tmp_path: Path) -> None:
    image = assemble(READER_PROGRAM, "diag14_reader", tmp_path)
    hugo = TTY(server.port)
    hugo.logon("HUGO", "HUGOPW")
    gina = TTY(server.port)
    gina.logon("GINA", "GINAPW")
    punch_two_cards(gina)
    spoolid = int(gina.child.match.group(1))
    hugo.expect(r"RDR FILE \d{4} FROM GINA")
    load(hugo, image)
    hugo.send("BEGIN 200")
    hugo.expect("\nHELLO HUGO\r\n")
    hugo.expect("SECOND CARD\r\n")
    hugo.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000EE00'")
    words = results(hugo, 15)
    ccs = [word >> 28 & 3 for word in words]
    assert ccs[0:2] == [0, 0]  # 0FFF found the file; 0000 gave its first buffer
    assert words[2] == 2  # SPRECNUM: two cards
    assert ccs[3:6] == [1, 0, 0]  # end of file, restart, backspace
    assert (ccs[6], words[7]) == (3, 8)  # console: not a reader
    assert (ccs[8], words[9]) == (3, 4)  # no such device
    assert ccs[10:13] == [2, 0, 1]  # no printer files; GINA's card file; no more
    assert (ccs[13], words[14]) == (3, 12)  # NOTREADY: the reader is not ready
    hugo.send("D T900.20")  # SFBLOK: owner, origin ... and the TAG after 104 bytes
    hugo.expect(r"\*\.{8}HUGO    \*\r\n000910 C7C9D5C1 40404040 00000002")
    hugo.send("D 91C.4")  # SFBRECSZ 80, SFBFILID the spoolid
    hugo.expect(f"00091C 0050{spoolid:04X}")
    hugo.send("D T968.10")
    hugo.expect("FOR HUGO")
    hugo.send("D 3010.8")  # the TAG record: a NOP CCW, SLI, 136 bytes
    hugo.expect("003010 03003020 60000088")
    hugo.send("D A1C.4")  # card SFBLOK: the record size and spoolid
    hugo.expect(f"000A1C 0050{spoolid:04X}")
    hugo.send("QUERY RDR ALL")  # still the reader's open file
    hugo.expect(f"GINA     {spoolid:04d} A PUN 00000002")
    hugo.send("CLOSE RDR")  # NOHOLD: the file goes
    hugo.send("QUERY RDR ALL")
    hugo.expect("NO RDR FILES")
    for tty in (gina, hugo):
        tty.send("LOGOFF")
        tty.expect(pexpect.EOF)


@pytest.mark.parametrize(
    ("buffer", "register", "subcode"),
    [
        ("3001", 4, "000"),  # page buffer not on a page
        ("3000", 5, "000"),  # Ry is an odd register
        ("3000", 4, "0FE"),  # unknown subcode
        ("FFF", 4, "004"),  # SFBLOK buffer crossing a page
    ],
)
def test_bad_operands_are_specification_exceptions(
    server: VMServer, tmp_path: Path, buffer: str, register: int, subcode: str
) -> None:
    source = BAD_PROGRAM.format(buffer=buffer, ry="00C", register=register, subcode=subcode)
    image = assemble(source, f"diag14_bad_{buffer}_{register}_{subcode}", tmp_path)
    hugo = TTY(server.port)
    hugo.logon("HUGO", "HUGOPW")
    load(hugo, image)
    hugo.send("BEGIN 200")
    hugo.expect("CP ENTERED; DISABLED WAIT PSW '00020000 00000068'")
    hugo.send("D 28.8")  # program old PSW: the interruption code
    hugo.expect("000028 00000006")
    hugo.send("QUERY TIME")  # the session goes on
    hugo.expect("CONNECT=")
    hugo.send("LOGOFF")
    hugo.expect(pexpect.EOF)


def test_buffer_outside_storage_is_an_addressing_exception(
    server: VMServer, tmp_path: Path
) -> None:
    source = BAD_PROGRAM.format(buffer="20000", ry="00C", register=4, subcode="000")
    image = assemble(source, "diag14_far", tmp_path)
    hugo = TTY(server.port)
    hugo.logon("HUGO", "HUGOPW")  # 64K of storage: 20000 is outside
    load(hugo, image)
    hugo.send("BEGIN 200")
    hugo.expect("CP ENTERED; DISABLED WAIT PSW '00020000 00000068'")
    hugo.send("D 28.8")
    hugo.expect("000028 00000005")
    hugo.send("LOGOFF")
    hugo.expect(pexpect.EOF)
