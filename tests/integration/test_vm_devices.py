"""Virtual devices from the directory: the 3215 console, minidisks, LINK, IPL, DIAGNOSE I/O."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from directory.passwords import hash_password
from server.dasd.track import Record
from server.dasd.volumes import VolumeRegistry
from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY

# 300: the IPL record (PSW, then a CCW reading record 2 into 200); record 2 is the program:
# 200 LA 1,7 / AR 1,1 / LPSW 210;  210: disabled wait PSW, address CAFE
IPL_RECORD = bytes.fromhex("000000000000020006000200200000180000000000000000")
PROGRAM = bytes.fromhex("411000071A1182000210000000000000000200000000CAFE")

# The console program: SIO a write of HELLO, poll with TIO; SIO a read into 500, poll;
# then a disabled wait.
CONSOLE_PROGRAM = (
    "S200 41100300 50100048 9C000009 9D000009 4770020C"
    " 41100308 50100048 9C000009 9D000009 47700220 82000600"
)
CONSOLE_DATA = "S300 0900040020000005 0A00050020000050#STORE S400 C8C5D3D3D6"
WAIT = "S600 000200000000A11D"


@pytest.fixture(scope="module")
def device_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    data_dir = tmp_path_factory.mktemp("devices")
    volumes = VolumeRegistry(data_dir)
    volumes.create("TESTV1", "3350")
    disk = volumes.ckd_minidisk("TESTV1", 1, 2)
    disk.write_record_after(0, 0, 0, Record(0, 0, 1, b"", IPL_RECORD))
    disk.write_record_after(0, 0, 1, Record(0, 0, 2, b"", PROGRAM))
    volumes.close()
    directory = make_test_directory() + (
        "USER ERIN " + hash_password("ERINPW", log2_n=4) + " 1M 16M G\n"
        " CONSOLE 009 3215\n"
        " MDISK 200 3350 001 002 TESTV1 MR\n"
        "USER FRANK " + hash_password("FRANKPW", log2_n=4) + " 1M 16M G\n"
        " CONSOLE 01F 3215\n"
        " LINK ERIN 200 300 RR\n"
        " LINK ERIN 999 301 RR\n"
    )
    server = VMServer(data_dir, directory)
    yield server
    server.stop()


def test_console_program_writes_and_reads(device_server: VMServer) -> None:
    tty = TTY(device_server.port)
    tty.logon("BOB", "BOBPW")
    tty.send(f"STORE {CONSOLE_PROGRAM}#STORE {CONSOLE_DATA}#STORE {WAIT}")
    tty.send("BEGIN 200")
    tty.expect("\nHELLO\r\n")
    tty.send("Typed Line")  # the guest's pending read gets it
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000A11D'")
    tty.send("DISPLAY T500.10")
    tty.expect(r"\*Typed Line")
    tty.send("DISPLAY CSW")
    tty.expect("CSW = 00000310  0C000046")  # CE+DE, 70 of 80 bytes not read
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_ipl_from_a_minidisk_and_diagnose_io(device_server: VMServer) -> None:
    tty = TTY(device_server.port)
    tty.logon("ERIN", "ERINPW")
    tty.send("IPL 200")
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000CAFE'")
    tty.send("D G1")
    tty.expect("GPR 1 = 0000000E")
    tty.send("IPL 123")
    tty.expect("DEV 123 DOES NOT EXIST")
    # DIAG 24 on the minidisk and on the console (Rx = -1), DIAG 18 reading record 2
    # with SEEK / SEARCH ID EQUAL / TIC / READ DATA (the CMS chain), into 800.
    tty.send(
        "STORE S100 41200200 83240024 18A418B5 58200730 83240024 18C418D5"
        " 41F00001 41200200 41400700 83240018 82000600"
    )
    tty.send("STORE S700 0700073840000006 3100074040000005 0800070800000000 0600080020000018")
    tty.send("STORE S730 FFFFFFFF#STORE S738 000000000000#STORE S740 0000000002")
    tty.send("STORE S600 000200000000D180#BEGIN 100")
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000D180'")
    tty.send("D G10-13")
    tty.expect("GPR 10 = 04080000 04080000 80000000 80000082")
    tty.send("D 800.18")
    tty.expect("000800 41100007 1A118200 02100000 00000000")
    tty.send("D G15")
    tty.expect("GPR 15 = 00000000")
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_links_and_a_missing_link(device_server: VMServer) -> None:
    tty = TTY(device_server.port)
    tty.send("LOGON FRANK FRANKPW")
    tty.expect("DMKLNK107E ERIN 999 NOT LINKED; NOT IN CP DIRECTORY")
    tty.expect("LOGON AT")
    tty.send("QUERY VIRTUAL ALL")
    tty.expect("STORAGE = 01024K")
    tty.expect("DASD 300 3350 TESTV1 R/O      2 CYL")
    tty.expect(r"CONS 01F ON LINE 0[0-9A-F]{2}")
    tty.expect("CHANNELS= SEL")
    tty.send("Q DASD")
    tty.expect("DASD 300 3350 TESTV1 R/O")
    tty.send("Q V 301")
    tty.expect("DEV 301 DOES NOT EXIST")
    tty.send("Q V UR")
    tty.expect("VIRTUAL UNIT RECORD DEVICES NOT AVAILABLE")
    tty.send("IPL 300")  # ERIN's 200, linked read-only as 300
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000CAFE'")
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_volumes_for_the_directory_exist(device_server: VMServer, tmp_path: Path) -> None:
    assert device_server.alive()
    assert not any("Traceback" in line for line in device_server.log)
