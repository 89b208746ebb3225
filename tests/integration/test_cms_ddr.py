"""DDR over telnet on real virtual DASD: COPY a minidisk to a T-disk, ACCESS the copy.

The user formats the 191 minidisk, writes a file with FILEDEF/MOVEFILE from the
terminal, defines a T-disk, copies 191 to it with DDR (DIAGNOSE X'20' track
channel programs), and finds the same file on the copy; then TYPE, tape and
bad-statement answers.
"""

from __future__ import annotations

from pathlib import Path

import pexpect

from directory.passwords import hash_password
from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY

READY = r"Ready; T=\d+\.\d\d/\d+\.\d\d \d\d:\d\d:\d\d"


def directory() -> str:
    return make_test_directory() + (
        f"USER DDRU {hash_password('DDRPW', log2_n=4)} 4M 16M G\n"
        " IPL CMS\n"
        " CONSOLE 009 3215\n"
        " MDISK 191 3350 001 002 DDRVOL MR\n"
        " SPOOL 00E 1403 A\n"
    )


def format_and_fill(tty: TTY) -> None:
    tty.send("format 191 a")
    tty.expect("DMSFOR603R")
    tty.send("yes")
    tty.expect("DMSFOR605R ENTER DISK LABEL:")
    tty.send("srcdsk")
    tty.expect(READY)
    tty.send("filedef inmove terminal")
    tty.expect(READY)
    tty.send("filedef outmove disk hello data a (recfm f lrecl 40")
    tty.expect(READY)
    tty.send("movefile")
    for line in ("HELLO FROM THE SOURCE MINIDISK", "SECOND LINE", ""):
        tty.send(line)
    tty.expect(READY)


def test_ddr_copy_to_a_tdisk_and_access_it(tmp_path: Path) -> None:
    server = VMServer(tmp_path / "ddr", directory())
    try:
        tty = TTY(server.port, timeout=60)
        tty.logon("DDRU", "DDRPW")
        tty.expect(READY)
        tty.send("#CP SET EMSG ON")
        format_and_fill(tty)
        tty.send("cp define t3350 as 1b0 cyl 2")
        tty.expect(READY)
        tty.send("format 1b0 b")
        tty.expect("DMSFOR603R")
        tty.send("yes")
        tty.expect("DMSFOR605R ENTER DISK LABEL:")
        tty.send("tmpdsk")
        tty.expect(READY)
        tty.send("ddr")
        tty.expect("VM/370 DASD DUMP/RESTORE PROGRAM")
        tty.expect("ENTER:")
        tty.send("input 191 3350 srcdsk")
        tty.expect("ENTER:")
        tty.send("output 1b0 3350 scratch")
        tty.expect("ENTER:")
        tty.send("copy all")
        tty.expect("ENTER:")
        tty.send("")
        tty.expect("COPYING   SRCDSK")
        tty.expect("END OF COPY")
        tty.expect("ENTER:")
        tty.send("type 0 0 3")
        tty.expect(r"COUNT 0000 0000 03 00 0320")
        tty.expect(r"000000 C3D4E27E E2D9C3C4 E2D2.*\*CMS=SRCDSK")
        tty.expect("ENTER:")
        tty.send("print 0 0 3")
        tty.expect("ENTER:")
        tty.send("dump all")
        tty.expect("DUMP AND RESTORE NEED A TAPE; THIS SYSTEM HAS NO TAPE DEVICES")
        tty.send("output 181 3420")
        tty.expect("INVALID INPUT OR OUTPUT DEFINITION")
        tty.send("input 1b0 3330")
        tty.expect("DMKDDR708E INVALID OPTION")
        tty.send("")
        tty.expect("END OF JOB")
        tty.expect(r"Ready\(00004\);")
        tty.send("cp query printer all")  # PRINT went to the printer 00E
        tty.expect(r"DDRU +\d{4} A PRT")
        tty.expect(READY)
        tty.send("query disk b")  # OUTPUT released the disk from CMS before writing it
        tty.expect("DMSQRY069E DISK 'B' NOT ACCESSED")
        tty.send("access 1b0 b")
        tty.expect(READY)
        tty.send("listfile * * b (label")
        tty.expect(r"HELLO    DATA     B1 F +40 +2 .*SRCDSK")
        tty.expect(READY)
        tty.send("type hello data b")
        tty.expect("HELLO FROM THE SOURCE MINIDISK")
        tty.expect(READY)
        tty.send("compare hello data a hello data b")
        tty.expect(READY)
        tty.send("#CP LOGOFF")
        tty.expect(pexpect.EOF)
        assert server.alive()
    finally:
        server.stop()
