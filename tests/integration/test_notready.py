"""NOTREADY and READY over telnet, seen by an assembled S/370 program (cp-cms.md 5.22).

The punch is made not ready: the program's SIO ends at once with unit check (CSW
stored, condition code 1) and SENSE gives intervention required; the program
then waits enabled, READY presents device end, and the same SIO works.
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

PROGRAM = """
        .include "s370.inc"
        lowcore io=ioint
        la      %r13,results
        la      %r1,pccw                # punch a card: not ready
        st      %r1,0x48
        .insn   s,0x9c000000,0x00d(%r0) # SIO 00D
        bal     %r14,reccc
        mvc     0(8,%r13),0x40          # the CSW
        la      %r13,8(%r13)
        la      %r1,sccw                # SENSE
        st      %r1,0x48
        .insn   s,0x9c000000,0x00d(%r0)
        bal     %r14,reccc
stio:   .insn   s,0x9d000000,0x00d(%r0) # TIO until the sense is in
        bc      7,stio
        lpsw    waitpsw                 # until READY's device end
ioint:  mvc     0(4,%r13),0x38          # I/O old PSW: the device
        mvc     4(8,%r13),0x40          # and the CSW
        la      %r13,12(%r13)
        la      %r1,pccw                # punch again: works
        st      %r1,0x48
        .insn   s,0x9c000000,0x00d(%r0)
        bal     %r14,reccc
tio:    .insn   s,0x9d000000,0x00d(%r0)
        bc      7,tio
        eoj
reccc:  st      %r14,0(%r13)
        la      %r13,4(%r13)
        br      %r14
        .balign 8
waitpsw: .long  0xFE020000, 0
pccw:   .long   0x01000000+card, 0x20000050
sccw:   .long   0x04000000+sense, 0x20000001
card:   .byte   0xC3,0xC1,0xD9,0xC4     # CARD
        .org    0x800
results: .space 64
        .org    0x900
sense:  .byte   0xff
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    directory = make_test_directory() + (
        "USER NORA " + hash_password("NORAPW", log2_n=4) + " 64K 16M G\n"
        " CONSOLE 009 3215\n SPOOL 00C 2540 READER *\n SPOOL 00D 2540 PUNCH A\n"
        " MDISK 191 3350 001 001 NORA01 MR\n"
    )
    server = VMServer(tmp_path_factory.mktemp("notready"), directory)
    yield server
    server.stop()


def test_sio_to_a_not_ready_punch_then_ready(server: VMServer, tmp_path: Path) -> None:
    image = assemble(PROGRAM, "notready_punch", tmp_path)
    tty = TTY(server.port)
    tty.logon("NORA", "NORAPW")
    for line in store_commands(image):
        tty.send(line)
        tty.expect("STORE COMPLETE")
    tty.send("NOTREADY 00D")
    tty.send("QUERY VIRTUAL 00D")
    tty.expect("PUN  00D CL A NOCONT NOHOLD COPY 01 NOTREADY")
    tty.send("BEGIN 200")
    tty.send("#CP QUERY TIME")  # the program is in its wait now
    tty.expect("CONNECT=")
    tty.send("#CP READY 00D")
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000EE00'")
    tty.send("D 800.20")
    tty.expect(r"000800 (\w{8}) (\w{8}) (\w{8}) (\w{8})")
    first = [int(word, 16) for word in tty.child.match.groups()]
    tty.expect(r"000810 (\w{8}) (\w{8}) (\w{8}) (\w{8})")
    second = [int(word, 16) for word in tty.child.match.groups()]
    assert first[0] >> 28 & 3 == 1  # SIO: CSW stored
    assert first[2] >> 24 == 0x02  # CSW unit status: unit check (initial status)
    assert first[3] >> 28 & 3 == 0  # SENSE starts
    assert second[0] & 0xFFFF == 0x000D  # the I/O interruption names 00D
    assert second[2] >> 24 == 0x04  # device end
    assert second[3] >> 28 & 3 == 0  # SIO now starts
    tty.send("D 900.1")  # sense byte: intervention required
    tty.expect("000900 40")
    tty.send("QUERY VIRTUAL 00D")
    tty.expect("PUN  00D CL A NOCONT NOHOLD COPY 01 READY")
    tty.send("NOTREADY 191")
    tty.expect("INVALID DEVICE TYPE - 191")
    tty.send("NOTREADY 0EE")
    tty.expect("DEV 0EE DOES NOT EXIST")
    tty.send("CLOSE PUNCH#PURGE RDR ALL#LOGOFF")
    tty.expect(pexpect.EOF)
