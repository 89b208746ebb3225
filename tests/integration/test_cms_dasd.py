"""CMS on real virtual DASD over telnet: DIAGNOSE X'18' block I/O on a directory MDISK.

A new minidisk is not a CMS disk until FORMAT; files written then survive
RELEASE/ACCESS, logoff and logon, and a server restart (the volume image).
"""

from __future__ import annotations

from pathlib import Path

import pexpect

from directory.passwords import hash_password
from guests.cms.fs import CmsDisk
from server.dasd.minidisk import CkdMinidisk
from server.dasd.volumes import VolumeRegistry
from server.machine.devices.ckd import CkdDevice
from tests.guests.cms.test_fs_on_ckd import CkdBlocks
from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY

READY = r"Ready; T=\d+\.\d\d/\d+\.\d\d \d\d:\d\d:\d\d"


def directory() -> str:
    return make_test_directory() + (
        f"USER DASDU {hash_password('DASDPW', log2_n=4)} 4M 16M G\n"
        " IPL CMS\n"
        " CONSOLE 009 3215\n"
        " MDISK 191 3350 001 002 CMSVOL MR\n"
        " MDISK 192 3350 003 001 CMSVOL RR\n"
        f"USER DASDV {hash_password('DASDVPW', log2_n=4)} 4M 16M G\n"
        " IPL CMS\n"
        " CONSOLE 009 3215\n"
        " LINK DASDU 191 291 RR\n"
    )


def logon(server: VMServer) -> TTY:
    tty = TTY(server.port, timeout=30)
    tty.logon("DASDU", "DASDPW")
    tty.expect(r"CMS VERSION 6\.0")
    return tty


def logoff(tty: TTY) -> None:
    tty.send("#CP LOGOFF")
    tty.expect(pexpect.EOF)


def write_offline(data_dir: Path) -> None:
    """Put files on DASDU's 191 with the file system package while the server is down."""
    registry = VolumeRegistry(data_dir)
    try:
        blocks = StoreBlocks(registry.ckd_minidisk("CMSVOL", 1, 2))
        disk = CmsDisk.access(blocks)
        assert disk.label == "MYDISK"  # written by CMS FORMAT through DIAGNOSE X'20'/X'18'
        profile = ["&CONTROL OFF", "&TYPE PROFILE RAN FROM DASD", "LISTFILE * * A (EXEC"]
        disk.write("PROFILE", "EXEC", [line.encode("cp037") for line in profile], recfm="V")
        disk.write("DATA", "FILE", [b"\xc1" * 80, b"\xc2" * 80], recfm="F")
    finally:
        registry.close()


class StoreBlocks(CkdBlocks):
    """CkdBlocks over an existing minidisk track store."""

    def __init__(self, store: CkdMinidisk) -> None:  # noqa: D107
        self.store = store  # type: ignore[assignment]
        self.ckd = CkdDevice(store)
        self.device_type = 0x3350
        self.cylinders = 2
        self.read_only = False


def test_format_files_and_persistence(tmp_path: Path) -> None:
    data_dir = tmp_path / "dasd"
    server = VMServer(data_dir, directory())
    try:
        tty = logon(server)
        tty.expect(READY)  # installation formatted the 191 of the new volume
        tty.send("#CP SET EMSG ON")
        tty.send("query disk a")
        tty.expect(r"A \(191\): 0 FILES, 5 REC IN USE")
        tty.send("format 191 a")
        tty.expect(r"DMSFOR603R FORMAT WILL ERASE ALL FILES ON DISK 'A\(191\)'")
        tty.send("yes")
        tty.expect("DMSFOR605R ENTER DISK LABEL:")
        tty.send("mydisk")
        tty.expect("DMSFOR733I FORMATTING DISK 'A'")
        tty.expect(r"DMSFOR732I '2' CYLINDERS FORMATTED ON DISK 'A\(191\)'")
        tty.expect(READY)
        tty.send("query disk a")
        tty.expect(r"A \(191\): 0 FILES, 5 REC IN USE, 1135 LEFT \(OF 1140\), 0% FULL \(2 CYL\)")
        tty.expect(READY)
        tty.send("access 192 b")  # a read-only link to a disk nobody formatted
        tty.expect(r"DMSACC112S DISK 'B\(192\)' DEVICE ERROR")
        logoff(tty)
    finally:
        server.stop()
    write_offline(data_dir)
    server = VMServer(data_dir, directory())  # the same volumes after a restart
    try:
        tty = logon(server)
        tty.expect("PROFILE RAN FROM DASD")
        tty.expect(READY)
        tty.send("#CP SET EMSG ON")
        tty.send("copyfile data file a saved list a (recfm v trunc fill c1")
        tty.expect(READY)
        tty.send("release a")
        tty.expect(READY)
        tty.send("access 191 a")
        tty.expect(READY)
        tty.send("listfile")  # RELEASE rewrote the directory sorted
        tty.expect("CMS      EXEC     A1")
        tty.expect("DATA     FILE     A1")
        tty.expect("PROFILE  EXEC     A1")
        tty.expect("SAVED    LIST     A1")
        tty.expect(READY)
        tty.send("type cms exec")
        tty.expect(r"&1 &2 PROFILE  EXEC     A1")
        tty.expect(READY)
        tty.send("erase data file")
        tty.expect(READY)
        logoff(tty)
        tty = logon(server)  # logoff and logon keep the files
        tty.expect(READY)
        tty.send("l * * a (label")
        tty.expect(r"SAVED    LIST     A1 V +80 +2 +1 \d\d/\d\d/\d\d \d\d:\d\d MYDISK")
        tty.send("state data file")
        tty.expect(r"Ready\(00028\)")
        logoff(tty)
        reader = TTY(server.port, timeout=30)  # a read-only link to DASDU's 191
        reader.logon("DASDV", "DASDVPW")
        reader.expect(r"DMSACC113S A\(191\) NOT ATTACHED")
        reader.send("#CP SET EMSG ON")
        reader.send("access 291 b")
        reader.expect(r"DMSACC723I B \(291\) R/O")
        reader.send("type saved list b")
        reader.expect("BBBBBBBBBB")
        reader.send("erase saved list b")
        reader.expect("DMSERS037E DISK 'B' IS READ/ONLY")
        reader.expect(r"Ready\(00036\)")
        logoff(reader)
    finally:
        server.stop()
