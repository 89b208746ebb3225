"""Virtual devices from the directory: the 3215 console, minidisks, LINK, IPL, DIAGNOSE I/O."""

from __future__ import annotations

import subprocess
import sys
import time
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
        " MDISK 201 3350 003 001 TESTV1 W RPASS WPASS MPASS\n"
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
    tty.expect("NO UNIT RECORD DEVICES")
    tty.send("IPL 300")  # ERIN's 200, linked read-only as 300
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000CAFE'")
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_volumes_for_the_directory_exist(device_server: VMServer, tmp_path: Path) -> None:
    assert device_server.alive()
    assert not any("Traceback" in line for line in device_server.log)


DECK_IPL = bytes.fromhex("000000000000020002000200200000500000000000000000")
DECK_PROGRAM = bytes.fromhex(
    "41100230 50100048 9C000009 9D000009 4770020C"
    " 41100238 50100048 9C000009 9D000009 47700220 82000248 00000000"
    " 0900024020000005 0A00030020000050 C8C5D3D3D6404040 000200000000DECC".replace(" ", "")
)


@pytest.fixture(scope="module")
def spool_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    directory = make_test_directory() + (
        "USER GINA " + hash_password("GINAPW", log2_n=4) + " 1M 16M G\n"
        " CONSOLE 009 3215\n SPOOL 00C 2540 READER *\n SPOOL 00D 2540 PUNCH A\n"
        " SPOOL 00E 1403 A\n"
        "USER HUGO " + hash_password("HUGOPW", log2_n=4) + " 1M 16M G\n"
        " CONSOLE 009 3215\n SPOOL 00C 2540 READER *\n"
    )
    server = VMServer(tmp_path_factory.mktemp("spooldev"), directory)
    yield server
    server.stop()


def punch_from_host(server: VMServer, data: bytes, to: str, tmp_path: Path) -> None:
    deck = tmp_path / "deck.bin"
    deck.write_bytes(data)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "server",
            "spool",
            "punch",
            str(deck),
            "--to",
            to,
            "--binary",
            "--data-dir",
            str(server.data_dir),
            "--name",
            "HELLO",
            "DECK",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_ipl_a_card_deck_from_the_reader(spool_server: VMServer, tmp_path: Path) -> None:
    punch_from_host(spool_server, DECK_IPL.ljust(80, b"\x40") + DECK_PROGRAM, "GINA", tmp_path)
    tty = TTY(spool_server.port)
    tty.send("LOGON GINA GINAPW")
    tty.expect("FILES: 001 RDR,  NO PRT,  NO PUN")
    tty.expect("LOGON AT")
    tty.send("QUERY VIRTUAL 00C")
    tty.expect("RDR  00C CL \\* NOCONT NOHOLD EOF READY")
    tty.send("IPL 00C")
    tty.expect("\nHELLO\r\n")
    tty.send("from the deck")
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000DECC'")
    tty.send("D T300.10")
    tty.expect(r"\*from the deck")
    tty.send("QUERY RDR")  # the deck is still the reader's open file
    tty.expect("GINA     0001 A RDR 00000002 01 NONE")
    tty.send("CLOSE RDR")  # NOHOLD NOCONT: released
    tty.send("QUERY RDR")
    tty.expect("NO RDR FILES")
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_punch_to_another_user_close_and_read(spool_server: VMServer) -> None:
    hugo = TTY(spool_server.port)
    hugo.logon("HUGO", "HUGOPW")
    gina = TTY(spool_server.port)
    gina.logon("GINA", "GINAPW")
    card = "HELLO HUGO".encode("cp037").hex().upper()
    # 200: LA 1,300 / ST 1,48 / SIO 00D / TIO 00D / BC 7,20C / LPSW 600
    gina.send("STORE S200 41100300 50100048 9C00000D 9D00000D 4770020C 82000600")
    gina.send(f"STORE S300 0100040000000050#STORE S400 {card}#STORE S600 000200000000EEEE")
    gina.send("SPOOL PUNCH TO HUGO CLASS B#BEGIN 200")
    gina.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000EEEE'")
    gina.send("INDICATE USER")  # one SIO, one card punched
    gina.expect("SIO=000001 RDR-000000 PRT-000000 PCH-000001")
    gina.send("CLOSE PUNCH")
    gina.expect(r"PUN FILE (\d{4})  TO  HUGO     COPY 01 NOHOLD")
    hugo.expect(r"RDR FILE \d{4} FROM GINA     PUN COPY 01 NOHOLD")
    hugo.send("QUERY RDR ALL")
    hugo.expect(r"GINA     \d{4} B PUN 00000001")
    # HUGO's guest reads the card: SIO read on 00C into 500, then a disabled wait.
    hugo.send("STORE S200 41100300 50100048 9C00000C 9D00000C 4770020C 82000600")
    hugo.send("STORE S300 0200050000000050#STORE S600 000200000000FFFF#BEGIN 200")
    hugo.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000FFFF'")
    hugo.send("D T500.10")
    hugo.expect(r"\*HELLO HUGO")
    hugo.send("INDICATE USER")
    hugo.expect("SIO=000001 RDR-000001 PRT-000000 PCH-000000")
    gina.send("SPOOL PRINTER CLASS Q#SPOOL 00E COPY 3#QUERY VIRTUAL UR")
    gina.expect("RDR  00C CL \\* NOCONT NOHOLD EOF READY")
    gina.expect("PRT  00E CL Q NOCONT NOHOLD COPY 03 READY")
    gina.expect("PUN  00D CL B NOCONT NOHOLD COPY 01 READY")
    gina.expect("00D TO HUGO DIST GINA")
    gina.send("SPOOL 0FF CLASS A")
    gina.expect("DEV 0FF DOES NOT EXIST")
    for tty in (gina, hugo):
        tty.send("LOGOFF")
        tty.expect(pexpect.EOF)


def test_link_modes_passwords_detach_and_query_links(device_server: VMServer) -> None:
    frank = TTY(device_server.port)
    frank.logon("FRANK", "FRANKPW")
    frank.send("LINK ERIN 201 401 RR")
    frank.expect("ENTER READ PASSWORD:")
    frank.send("rpass")
    frank.expect("DASD 401 LINKED R/O")
    frank.send("LINK TO ERIN 201 AS 402 W WRONG")
    frank.expect("ERIN 201 NOT LINKED; PASSWORD INCORRECT")
    frank.send("LINK ERIN 201 402 W WPASS")
    frank.expect("DASD 402 LINKED R/W")
    frank.send("LINK ERIN 200 403")
    frank.expect("ERIN 200 NOT LINKED; NO READ PASSWORD")
    frank.send("LINK ERIN 201 401 RR RPASS")
    frank.expect("ERIN 201 NOT LINKED; DASD 401 ALREADY DEFINED")
    erin = TTY(device_server.port)
    erin.send("LOGON ERIN ERINPW")
    erin.expect("DMKLNK101W DASD 201 FORCED R/O; R/W BY FRANK")
    erin.expect("LOGON AT")
    erin.send("QUERY LINKS 201")
    erin.expect("ERIN 201 R/O, FRANK 401 R/O, FRANK 402 R/W")
    erin.send("LINK * 201 210 M")
    erin.expect("ERIN 201 NOT LINKED; R/W BY FRANK")  # her own disk is not forced by M
    frank.send("DETACH 402")
    frank.expect("DASD 402 DETACHED")
    erin.send("LINK * 201 210 M")
    erin.expect("DASD 210 LINKED R/W;R/O BY FRANK")
    frank.send("DETACH 1F")
    frank.expect("IS THE VIRTUAL CONSOLE")
    for tty in (frank, erin):
        tty.send("LOGOFF")
        tty.expect(pexpect.EOF)


def test_define_devices_and_a_ctca_between_two_users(spool_server: VMServer) -> None:
    gina = TTY(spool_server.port)
    gina.logon("GINA", "GINAPW")
    hugo = TTY(spool_server.port)
    hugo.logon("HUGO", "HUGOPW")
    gina.send("DEFINE CTCA AS 500")
    gina.expect("CTC 500 DEFINED")
    hugo.send("DEFINE CTCA 600#DEFINE PUNCH 00D#DEFINE 00D AS 01D#QUERY VIRTUAL 01D")
    hugo.expect("CTC 600 DEFINED")
    hugo.expect("PUN 00D DEFINED")
    hugo.expect("PUN 01D DEFINED")
    hugo.expect("PUN  01D CL A NOCONT NOHOLD COPY 01 READY")
    hugo.send("DEFINE CTCA 600")
    hugo.expect("DEV 600 ALREADY DEFINED")
    gina.send("COUPLE 500 TO HUGO 600")
    gina.expect("CTCA 500 COUPLE TO HUGO 600")
    hugo.expect("CTCA 600 COUPLE BY GINA 500")
    # HUGO reads from the adapter (pending until GINA writes), polling with TIO.
    hugo.send("STORE S200 41100300 50100048 9C000600 9D000600 4770020C 82000400")
    hugo.send("STORE S300 0200050020000050#STORE S400 000200000000C7C7#BEGIN 200")
    data = "DATA OVER THE CTCA".encode("cp037").hex().upper()
    # SIO gets CC 1 while HUGO's read has left an attention pending: start it again.
    gina.send("STORE S200 41100300 50100048 9C000500 47400208 9D000500 47700210 82000400")
    gina.send(f"STORE S300 0100050020000012#STORE S500 {data}")
    gina.send("STORE S400 000200000000C7C8#BEGIN 200")
    gina.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000C7C8'")
    hugo.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000C7C7'")
    hugo.send("D T500.20")
    hugo.expect(r"\*DATA OVER THE CT\*")
    hugo.send("DETACH 600")
    hugo.expect("CTCA 600 DETACHED")
    for tty in (gina, hugo):
        tty.send("LOGOFF")
        tty.expect(pexpect.EOF)


def test_tdisk_define_write_and_cleared_on_detach(device_server: VMServer) -> None:
    tty = TTY(device_server.port)
    tty.logon("BOB", "BOBPW")
    tty.send("DEFINE T3350 AS 195 CYL 2")
    tty.expect("DASD 195 DEFINED")
    tty.send("QUERY VIRTUAL 195")
    tty.expect("DASD 195 3350 VM370T R/W      2 CYL")
    # 700: write R1 after R0 (SEEK, SEARCH ID EQ R0, TIC, WRITE CKD); 7A0: read R1 into 800.
    tty.send("STORE S700 0700073840000006 3100074040000005 0800070800000000 1D00075000000010")
    tty.send("STORE S7A0 0700073840000006 310007C040000005 080007A800000000 0600080020000008")
    tty.send("STORE S738 000000000000#STORE S740 0000000000#STORE S7C0 0000000001")
    tty.send("STORE S750 0000000001000008 C1C2C3C4C5C6C7C8")
    # 100: DIAG X'20' on the device in R2 with the chain in R4; CC 0 -> wait BEEF, else DEAD.
    tty.send("STORE S100 83240020 47100110 82000600 00000000 82000608")
    tty.send("STORE S600 000200000000BEEF 000200000000DEAD")
    tty.send("STORE G2 195#STORE G4 700#BEGIN 100")
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000BEEF'")
    tty.send("STORE G4 7A0#BEGIN 100")
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000BEEF'")
    tty.send("D 800.8")
    tty.expect("000800 C1C2C3C4 C5C6C7C8")  # the record is on the T-disk
    tty.send("DETACH 195")
    tty.expect("DASD 195 DETACHED")
    tty.send("DEFINE T3350 AS 196 CYL 2")
    tty.expect("DASD 196 DEFINED")
    tty.send("STORE G2 196#STORE G4 7A0#BEGIN 100")  # the same cylinders: R1 is gone
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000DEAD'")
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_card_hopper_decks_reach_the_reader(spool_server: VMServer, tmp_path: Path) -> None:
    text = tmp_path / "cards.txt"
    text.write_text("HELLO FROM THE HOPPER\nSECOND CARD\n")
    card = [
        sys.executable,
        "-m",
        "server",
        "card",
        "punch",
        "--data-dir",
        str(spool_server.data_dir),
    ]
    done = subprocess.run(
        [*card, str(text), "--to", "hugo", "--name", "HOP", "DATA"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    operator = TTY(spool_server.port)  # the test servers start with the reader drained
    operator.logon("OPERATOR", "OPPW")
    operator.send("START READERS#LOGOFF")
    operator.expect(pexpect.EOF)
    hopper = spool_server.data_dir / "hopper"
    deadline = time.monotonic() + 20
    while any(p.suffix == ".txt" for p in hopper.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.2)  # the system card reader polls its hopper
    hugo = TTY(spool_server.port)
    hugo.logon("HUGO", "HUGOPW")
    hugo.send("QUERY RDR ALL")
    hugo.expect(r"SYSTEM   \d{4} A RDR 00000002 01 NONE .* HOP      DATA")
    deck = tmp_path / "deck.bin"
    deck.write_bytes(DECK_IPL.ljust(80, b"\x40") + DECK_PROGRAM)
    assert (
        subprocess.run(
            [*card, str(deck), "--to", "HUGO", "--binary"], timeout=60, check=False
        ).returncode
        == 0
    )
    hugo.expect(r"RDR FILE \d{4} FROM SYSTEM")
    bad = spool_server.data_dir / "hopper" / "nocard.txt"
    bad.write_text("JUST TEXT\n")
    time.sleep(2.5)
    assert (spool_server.data_dir / "hopper" / "rejected" / "nocard.txt.why").exists()
    hugo.send("PURGE RDR ALL")
    hugo.send("LOGOFF")
    hugo.expect(pexpect.EOF)


def test_console_spooling(spool_server: VMServer) -> None:
    gina = TTY(spool_server.port)
    gina.logon("GINA", "GINAPW")
    hugo = TTY(spool_server.port)
    hugo.logon("HUGO", "HUGOPW")
    gina.send("SPOOL CONSOLE START TO HUGO")
    gina.send("QUERY USERID")
    gina.expect("GINA     AT VM370")
    gina.send("SPOOL CONSOLE NOTERM")
    gina.send("QUERY PRIV")  # spooled only, not shown
    gina.send("SPOOL CONSOLE TERM#CLOSE CONSOLE")
    gina.expect(r"CON FILE (\d{4})  TO  HUGO     COPY 01 NOHOLD")
    match = gina.child.match
    assert match is not None and "PRIV = G" not in str(gina.child.before)
    hugo.expect(r"RDR FILE \d{4} FROM GINA     CON")
    printed = subprocess.run(
        [
            sys.executable,
            "-m",
            "server",
            "spool",
            "print",
            str(int(match.group(1))),
            "--data-dir",
            str(spool_server.data_dir),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "QUERY USERID" in printed.stdout and "GINA     AT VM370" in printed.stdout
    assert "PRIV = G" in printed.stdout
    gina.send("SPOOL CONSOLE STOP")
    gina.send("SPOOL CONSOLE FROB")
    gina.expect("INVALID OPERAND - FROB")
    for tty in (gina, hugo):
        tty.send("PURGE RDR ALL#LOGOFF")
        tty.expect(pexpect.EOF)


def test_request_and_ready_raise_interruptions(device_server: VMServer) -> None:
    tty = TTY(device_server.port)
    tty.logon("ERIN", "ERINPW")  # console 009
    tty.send("STORE S78 000200000000A77E#STORE PSW FE020000 00000200#BEGIN")
    tty.send("#CP REQUEST")  # attention at the console ends the enabled wait
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000A77E'")
    tty.send("D 38.8")
    tty.expect("000038 FE020009")  # the I/O old PSW names device 009
    tty.send("D CSW")
    tty.expect("CSW = 00000000  80000000")  # attention
    tty.send("STORE PSW FE020000 00000200#BEGIN")
    tty.send("#CP READY 200")
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000A77E'")
    tty.send("D 38.8")
    tty.expect("000038 FE020200")
    tty.send("NOTREADY 200")  # a minidisk: only unit-record devices and the console
    tty.expect("INVALID DEVICE TYPE - 200")
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_operator_attach_and_detach_of_a_volume(device_server: VMServer) -> None:
    operator = TTY(device_server.port)
    operator.logon("OPERATOR", "OPPW")
    erin = TTY(device_server.port)
    erin.logon("ERIN", "ERINPW")
    operator.send("ATTACH TESTV1 TO ERIN AS 250 R/O")
    operator.expect("DASD TESTV1 ATTACHED TO ERIN 250")
    erin.expect("DASD 250 ATTACHED")
    erin.send("QUERY VIRTUAL 250")
    erin.expect(r"DASD 250 3350 TESTV1 R/O +\d+ CYL")
    operator.send("ATTACH TESTV1 TO OPERATOR AS 251")
    operator.expect("DASD TESTV1 ALREADY ATTACHED TO ERIN")
    erin.send("ATTACH TESTV1 TO ERIN AS 252")
    erin.expect("\\\\?CP: ATTACH")  # class B only
    operator.send("DETACH TESTV1 FROM ERIN")
    operator.expect("DASD TESTV1 DETACHED FROM ERIN")
    erin.expect("DASD 250 DETACHED BY OPERATOR")
    for tty in (operator, erin):
        tty.send("LOGOFF")
        tty.expect(pexpect.EOF)
