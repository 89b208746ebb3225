"""Named segments over telnet: DEFSEG, SAVESEG, QUERY NSS, and DIAGNOSE X'64' from a program.

SEGA (class E) defines page 8 of its storage as the shared segment HELLOSEG and
saves it; SEGB's assembled program finds it, loads it shared (a store into it
is a protection exception), purges it (its storage reads zeros again) and
loads it non-shared (now it may store). ``vm370 savesys`` lists, exports and
imports the segment.
"""

from __future__ import annotations

import subprocess
import sys
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
        lowcore pgm=onpgm
        .macro  diag64 sub, name=segname
        la      %r2,\\name
        la      %r4,\\sub
        .insn   rs,0x83000000,%r2,%r4,0x64(%r0)
        bal     %r14,reccc
        st      %r2,0(%r13)
        st      %r4,4(%r13)
        la      %r13,8(%r13)
        .endm
        la      %r13,results
        la      %r10,unexpected         # a program check out of place ends the program
        l       %r11,segaddr            # the segment's page: 8000
        diag64  12                      # FINDSYS: exists, not loaded (cc 1)
        diag64  12,nosuch               # FINDSYS: no such segment (cc 2, Ry 44)
        diag64  0                       # LOADSYS shared (cc 1: within storage)
        mvc     0(8,%r13),0(%r11)        # what it holds
        la      %r13,8(%r13)
        diag64  12                      # FINDSYS: loaded (cc 0)
        la      %r10,after1
        mvi     0(%r11),0xff             # shared: protection exception
after1: diag64  8                       # PURGESYS (cc 0)
        mvc     0(4,%r13),0(%r11)        # zeros again
        la      %r13,4(%r13)
        diag64  8                       # PURGESYS again: not loaded (cc 1)
        diag64  4                       # LOADSYS non-shared (cc 1)
        la      %r10,after2
        mvi     0(%r11),0xe7             # non-shared: the store works
after2: mvc     0(4,%r13),0(%r11)
        la      %r13,4(%r13)
        eoj
unexpected: eoj 0xBAD0
onpgm:  mvc     0(4,%r13),0x28          # the program old PSW: interruption code
        la      %r13,4(%r13)
        br      %r10
reccc:  st      %r14,0(%r13)
        la      %r13,4(%r13)
        br      %r14
        .balign 8
segaddr: .long  0x8000, 0
segname: .byte  0xC8,0xC5,0xD3,0xD3,0xD6,0xE2,0xC5,0xC7     # HELLOSEG
nosuch: .byte   0xD5,0xD6,0xE2,0xE4,0xC3,0xC8,0x40,0x40     # NOSUCH
        .org    0x800
results: .space 128
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    directory = make_test_directory() + (
        "USER SEGA " + hash_password("SEGAPW", log2_n=4) + " 64K 16M EG\n CONSOLE 009 3215\n"
        "USER SEGB " + hash_password("SEGBPW", log2_n=4) + " 64K 16M G\n CONSOLE 009 3215\n"
    )
    server = VMServer(tmp_path_factory.mktemp("segments"), directory)
    yield server
    server.stop()


def savesys_cli(server: VMServer, *words: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "server", "savesys", *words, "--data-dir", str(server.data_dir)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_define_save_and_use_a_segment(server: VMServer, tmp_path: Path) -> None:
    sega = TTY(server.port)
    sega.logon("SEGA", "SEGAPW")
    sega.send("STORE S8000 C8C5D3D3D640E2C5")  # HELLO SE
    sega.send("DEFSEG HELLOSEG 8-7 SR")
    sega.expect("INVALID OPERAND - 8-7")
    sega.send("SAVESEG NOPE")
    sega.expect("SEGMENT NOPE NOT DEFINED")
    sega.send("DEFSEG HELLOSEG 8-8 SR")
    sega.expect("SEGMENT HELLOSEG DEFINED")
    sega.send("QUERY NSS")
    sega.expect("HELLOSEG SR   008000 008FFF DEFINED")
    sega.send("SAVESEG HELLOSEG")
    sega.expect("SEGMENT HELLOSEG SAVED")
    sega.send("QUERY NSS")
    sega.expect("HELLOSEG SR   008000 008FFF SAVED")

    segb = TTY(server.port)
    segb.logon("SEGB", "SEGBPW")
    segb.send("SAVESEG HELLOSEG")  # class E only: as an unknown command
    segb.expect(r"\?CP: SAVESEG")
    for line in store_commands(assemble(PROGRAM, "named_segments", tmp_path)):
        segb.send(line)
        segb.expect("STORE COMPLETE")
    segb.send("BEGIN 200")
    segb.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000EE00'")
    segb.send("D 800.70")
    words: list[int] = []
    while len(words) < 28:
        segb.expect(r"\n0008[0-9A-F]0 ((?:[0-9A-F]{8} ?){4})")
        words += [int(w, 16) for w in segb.child.match.group(1).split()]
    cc = [word >> 28 & 3 for word in words]
    assert (cc[0], words[1], words[2]) == (1, 0x8000, 0x8FFF)  # FINDSYS: not loaded
    assert (cc[3], words[5]) == (2, 44)  # no such segment
    assert (cc[6], words[7], words[8]) == (1, 0x8000, 0x8FFF)  # LOADSYS shared
    assert words[9:11] == [0xC8C5D3D3, 0xD640E2C5]  # HELLO SE
    assert cc[11] == 0  # FINDSYS: loaded
    assert words[14] & 0xFFFF == 0x0004  # the store into it: protection
    assert cc[15] == 0 and words[18] == 0  # PURGESYS; zeros again
    assert cc[19] == 1  # PURGESYS of a segment not loaded
    assert cc[22] == 1 and words[25] == 0xE7C5D3D3  # LOADSYS non-shared: it may store
    sega.send("DEFSEG BIGSEG 20-20 EW#SAVESEG BIGSEG")  # SEGA has 64K
    sega.expect("SEGMENT BIGSEG NOT SAVED; PAGES BEYOND STORAGE")
    for tty in (sega, segb):
        tty.send("LOGOFF")
        tty.expect(pexpect.EOF)

    assert "HELLOSEG SR 008000-008FFF SAVED" in savesys_cli(server, "list")
    exported = tmp_path / "helloseg.seg"
    savesys_cli(server, "export", "HELLOSEG", str(exported))
    assert "SEGMENT COPYSEG SAVED" in savesys_cli(server, "import", "COPYSEG", str(exported))
    assert "COPYSEG  SR 008000-008FFF SAVED" in savesys_cli(server, "list")


BAD_PROGRAM = """
        .include "s370.inc"
        lowcore
        la      %r2,0x{name}
        la      %r4,{subcode}
        .insn   rs,0x83000000,%r2,%r4,0x64(%r0)
        eoj
"""


@pytest.mark.parametrize(
    ("name", "subcode", "code"), [("404", "0", "6"), ("400", "16", "6"), ("FF8", "0", "5")]
)
def test_bad_operands_give_program_checks(
    server: VMServer, tmp_path: Path, name: str, subcode: str, code: str
) -> None:
    """A name not on a doubleword or an unknown subcode: specification; a name past
    the end of storage: addressing."""
    source = BAD_PROGRAM.format(name=name, subcode=subcode)
    if name == "FF8":  # SEGB has 64K: a name at 10000 is outside it
        source = source.replace("la      %r2,0xFF8", "l       %r2,far\n        b       go\n"
                                "far:    .long   0x10000\ngo:")
    image = assemble(source, f"diag64_bad_{name}_{subcode}", tmp_path)
    segb = TTY(server.port)
    segb.logon("SEGB", "SEGBPW")
    for line in store_commands(image):
        segb.send(line)
        segb.expect("STORE COMPLETE")
    segb.send("BEGIN 200")
    segb.expect("CP ENTERED; DISABLED WAIT PSW '00020000 00000068'")
    segb.send("D 28.8")
    segb.expect(f"000028 0000000{code}")
    segb.send("LOGOFF")
    segb.expect(pexpect.EOF)


ABOVE_PROGRAM = """
        .include "s370.inc"
        lowcore pgm=onpgm
        la      %r13,results
        l       %r11,bigaddr            # 20000: above SEGB's 64K
        la      %r2,bigname
        la      %r10,after0
        cli     0(%r11),0               # not storage yet: addressing
after0: la      %r4,0                   # LOADSYS shared: cc 0, above the machine
        .insn   rs,0x83000000,%r2,%r4,0x64(%r0)
        bal     %r14,reccc
        st      %r2,0(%r13)
        la      %r13,4(%r13)
        mvc     0(4,%r13),0(%r11)       # its data
        la      %r13,4(%r13)
        la      %r10,after1
        mvi     0(%r11),0               # shared: protection
after1: la      %r2,bigname                # (LOADSYS left the load address in Rx)
        la      %r4,8                   # PURGESYS
        .insn   rs,0x83000000,%r2,%r4,0x64(%r0)
        bal     %r14,reccc
        la      %r10,after2
        cli     0(%r11),0               # gone: addressing again
after2: eoj
onpgm:  mvc     0(4,%r13),0x28
        la      %r13,4(%r13)
        br      %r10
reccc:  st      %r14,0(%r13)
        la      %r13,4(%r13)
        br      %r14
        .balign 8
bigaddr: .long  0x20000, 0
bigname: .byte  0xC2,0xC9,0xC7,0xE2,0xC5,0xC7,0x40,0x40     # BIGSEG
        .org    0x800
results: .space 64
"""


def test_a_segment_above_the_machine_storage(server: VMServer, tmp_path: Path) -> None:
    maint = TTY(server.port)
    maint.logon("MAINT", "MAINTPW")  # 8M, class E
    maint.send("STORE S20000 C2C9C740E2C5C7")  # BIG SEG
    maint.send("DEFSEG BIGSEG 20-20 SR#SAVESEG BIGSEG")
    maint.expect("SEGMENT BIGSEG SAVED")
    segb = TTY(server.port)
    segb.logon("SEGB", "SEGBPW")
    for line in store_commands(assemble(ABOVE_PROGRAM, "segment_above", tmp_path)):
        segb.send(line)
        segb.expect("STORE COMPLETE")
    segb.send("BEGIN 200")
    segb.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000EE00'")
    segb.send("D 800.20")
    segb.expect(r"000800 (\w{8}) (\w{8}) (\w{8}) (\w{8})")
    first = [int(word, 16) for word in segb.child.match.groups()]
    segb.expect(r"000810 (\w{8}) (\w{8}) (\w{8}) (\w{8})")
    second = [int(word, 16) for word in segb.child.match.groups()]
    assert first[0] & 0xFFFF == 0x0005  # before LOADSYS: addressing
    assert first[1] >> 28 & 3 == 0 and first[2] == 0x20000  # loaded above: cc 0, Rx
    assert first[3] == 0xC2C9C740  # BIG
    assert second[0] & 0xFFFF == 0x0004  # shared: protection
    assert second[1] >> 28 & 3 == 0  # PURGESYS
    assert second[2] & 0xFFFF == 0x0005  # no longer addressable
    segb.send("D 20000.4")  # nor for CP
    segb.expect("EXCEEDS STORAGE")
    for tty in (maint, segb):
        tty.send("LOGOFF")
        tty.expect(pexpect.EOF)


LOAD_SHARED = """
        .include "s370.inc"
        lowcore
        la      %r2,segname
        la      %r4,0                   # LOADSYS shared
        .insn   rs,0x83000000,%r2,%r4,0x64(%r0)
        eoj
        .balign 8
segname: .byte  0xC8,0xC5,0xD3,0xD3,0xD6,0xE2,0xC5,0xC7     # HELLOSEG
"""


def test_store_into_a_shared_segment_gives_a_private_copy(
    server: VMServer, tmp_path: Path
) -> None:
    sega = TTY(server.port)
    sega.logon("SEGA", "SEGAPW")
    sega.send("STORE S8000 C8C5D3D3D6#DEFSEG HELLOSEG 8-8 SR#SAVESEG HELLOSEG")
    sega.expect("SEGMENT HELLOSEG SAVED")
    segb = TTY(server.port)
    segb.logon("SEGB", "SEGBPW")
    for line in store_commands(assemble(LOAD_SHARED, "load_shared", tmp_path)):
        segb.send(line)
        segb.expect("STORE COMPLETE")
    segb.send("BEGIN 200")
    segb.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000EE00'")
    segb.send("STORE S9000 01")  # not in the segment: nothing to say
    segb.expect("STORE COMPLETE")
    segb.send("STORE S8000 E7")
    segb.expect("SHARED SEGMENT HELLOSEG REPLACED WITH NON-SHARED COPY")
    segb.expect("STORE COMPLETE")
    segb.send("D T8000.5")
    segb.expect(r"\*XELLO")
    for tty in (sega, segb):
        tty.send("LOGOFF")
        tty.expect(pexpect.EOF)
