"""A newcomer's first session on a fresh system with the built-in directory.

`vm370 serve` on an empty data directory creates the volumes the default
directory names and delivers their CMS minidisks formatted (server/install.py):
CMSUSER logs on, CMS IPLs with its A-, S- and Y-disks accessed, the S-disk has
CMSLIB MACLIB, and a file written on A survives a restart.
"""

from __future__ import annotations

from pathlib import Path

import pexpect

from directory.default import default_directory_text
from tests.integration.conftest import VMServer
from tests.integration.telnet import TTY

READY = r"Ready; T=\d+\.\d\d/\d+\.\d\d \d\d:\d\d:\d\d"


def logon(server: VMServer) -> TTY:
    tty = TTY(server.port)
    tty.send("LOGON CMSUSER CMSUSER")
    tty.expect("CMS VERSION 6.0")
    index = tty.expect(["DMSACC112S", READY])
    assert index == 1, "a fresh system's CMS disks must be formatted"
    return tty


def test_first_logon_finds_formatted_cms_disks(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh"
    server = VMServer(data_dir, default_directory_text())
    try:
        assert any("formatted for CMS, label CMS190" in line for line in server.log)
        tty = logon(server)
        tty.send("query disk")
        tty.expect(r"A \(191\): 0 FILES, 5 REC IN USE, \d+ LEFT \(OF \d+\), 0% FULL \(20 CYL\)")
        tty.expect(r"S \(190\): 1 FILES")
        tty.expect(r"Y \(19E\): 0 FILES")
        tty.expect(READY)
        tty.send("listfile * * s")
        tty.expect("CMSLIB   MACLIB   S2")
        tty.send("global maclib cmslib")
        tty.expect(READY)
        tty.send("copyfile cmslib maclib s keep maclib a")
        tty.expect(READY)
        tty.send("tape dump keep maclib a")  # R6 commands this CMS lacks say so
        tty.expect(r"TAPE IS NOT AVAILABLE IN THIS CMS YET \(NO TAPE DEVICES\)")
        tty.expect(r"Ready\(00001\)")
        tty.send("logoff")
        tty.expect(pexpect.EOF)
    finally:
        server.stop()
    server = VMServer(data_dir, default_directory_text())  # the volumes exist: untouched
    try:
        assert not any("formatted for CMS" in line for line in server.log)
        tty = logon(server)
        tty.send("listfile * * a")
        tty.expect("KEEP     MACLIB   A2")  # COPYFILE keeps the mode number
        tty.send("logoff")
        tty.expect(pexpect.EOF)
    finally:
        server.stop()
