"""DIAGNOSE X'3C' from an assembled S/370 program (server/cp/diag3c.py's register interface).

MAINT's program hands CP a bad directory with EDIT (cc 1, the error count in Ry, the
finding with its line number in the response buffer), a good one with EDIT (cc 0,
nothing changed), then the good one for real: the new user can log on. BOB (class G)
may check but his update is a specification exception.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.s370prog import assemble, store_commands
from tests.integration.telnet import TTY

GOOD = [
    "DIRECTORY 123 3350 VM370S",
    "USER OPERATOR OPPW 1M 16M ABCDEFG",
    "USER MAINT MAINTPW 8M 16M ABCDEG",
    "USER BOB BOBPW 4M 16M G",
    "USER NEWGUY NEWPW 1M 1M G",
]
BAD = [*GOOD[:4], "USER NEWGUY NEWPW 1M 1M G", " LINK"]  # line 6: LINK without operands


def program() -> str:
    good, bad = "\x85".join(GOOD).encode("cp037"), "\x85".join(BAD).encode("cp037")
    return f"""
        .include "s370.inc"
        lowcore pgm=onpgm
        .macro  diag3c text, length, flags
        la      %r2,\\text
        la      %r3,response
        l       %r4,\\length
        l       %r5,\\flags
        .insn   rs,0x83000000,%r2,%r4,0x3c(%r0)
        balr    %r1,0                   # BC mode: the cc in bits 2-3
        st      %r1,0(%r13)
        st      %r4,4(%r13)
        st      %r5,8(%r13)
        la      %r13,12(%r13)
        .endm
        la      %r13,results
        la      %r10,done               # a program check ends the program
        diag3c  bad, badlen, edit
        mvc     0(48,%r13),response     # the first finding
        la      %r13,48(%r13)
        diag3c  good, goodlen, edit
        diag3c  good, goodlen, update
done:   eoj
onpgm:  mvc     0(4,%r13),0x28          # the program old PSW: interruption code
        la      %r13,4(%r13)
        br      %r10
        .balign 4
badlen: .long   {len(bad)}
goodlen: .long  {len(good)}
edit:   .long   0x80000300
update: .long   0x00000300
good:   .byte   {",".join(f"0x{b:02X}" for b in good)}
bad:    .byte   {",".join(f"0x{b:02X}" for b in bad)}
        .org    0xC00                   # within LA's 12-bit reach
results: .space 256
response: .space 0x300
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    server = VMServer(tmp_path_factory.mktemp("diag3c"), make_test_directory())  # MAINT ABCDEG
    yield server
    server.stop()


def run(tty: TTY, tmp_path: Path) -> list[int]:
    for line in store_commands(assemble(program(), "diag3c", tmp_path)):
        tty.send(line)
        tty.expect("STORE COMPLETE")
    tty.send("BEGIN 200")
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000EE00'")
    tty.send("D C00.50")
    words: list[int] = []
    while len(words) < 20:
        tty.expect(r"\n000C[0-9A-F]{2} ((?:[0-9A-F]{8} ?){4})")
        words += [int(w, 16) for w in tty.child.match.group(1).split()]
    return words


def text(words: list[int]) -> str:
    return b"".join(word.to_bytes(4, "big") for word in words).decode("cp037")


def test_program_checks_and_replaces_the_directory(server: VMServer, tmp_path: Path) -> None:
    maint = TTY(server.port)
    maint.logon("MAINT", "MAINTPW")
    words = run(maint, tmp_path)
    assert words[0] >> 28 & 3 == 1 and words[1] >= 1  # errors: cc 1, count in Ry
    assert text(words[3:15]).startswith("ERROR LINE 6:")
    assert words[15] >> 28 & 3 == 0 and words[16] == 0  # the good one, EDIT
    assert words[18] >> 28 & 3 == 0  # and for real
    newguy = TTY(server.port)
    newguy.logon("NEWGUY", "NEWPW")
    newguy.send("LOGOFF")
    newguy.expect(pexpect.EOF)
    maint.send("LOGOFF")
    maint.expect(pexpect.EOF)


def test_class_g_update_is_a_specification_exception(server: VMServer, tmp_path: Path) -> None:
    bob = TTY(server.port)
    bob.logon("BOB", "BOBPW")
    words = run(bob, tmp_path)
    assert words[0] >> 28 & 3 == 1  # EDIT is open to him
    assert words[15] >> 28 & 3 == 0
    assert words[18] & 0xFFFF == 0x0006  # the update: specification exception
    bob.send("LOGOFF")
    bob.expect(pexpect.EOF)
