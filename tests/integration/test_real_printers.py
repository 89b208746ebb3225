"""The system's real printers, punches and card reader, driven by the operator over telnet.

A user's console spool file is printed on the real printer and appears as a
host text file and a PDF; the operator STARTs and DRAINs devices, FLUSHes,
BACKSPACes, REPEATs and SPACEs the file being printed (the printer runs at
10 lines a second so there is time to do it), restricts a printer to a class
and starts it NOSEP; the punch produces separator cards and EBCDIC card
images; a drained card reader leaves decks in the hopper until START.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY

CONFIG = """\
[printer.00E]
type = "1403"
classes = "A"
per_minute = 600

[punch.00D]
type = "3525"
"""
NOTICE = re.compile(r"^(?:RDR|PUN|PRT) FILE (\d{4}) ")


class Installation:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        config = data_dir / "vm370.toml"
        data_dir.mkdir(parents=True, exist_ok=True)
        config.write_text(CONFIG)
        self.server = VMServer(data_dir, make_test_directory(), "--config", str(config))

    def host(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "server", *args, "--data-dir", str(self.data_dir)],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def queue_print(self, owner: str, lines: list[str], *options: str) -> int:
        done = self.host(
            "spool", "punch", "-", "--for", owner, "--device", "PRT", *options,
            stdin="\n".join(lines) + "\n",
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        match = NOTICE.match(done.stdout)
        assert match, done.stdout
        return int(match.group(1))

    def output(self, kind: str, raddr: str, spoolid: int, suffix: str = ".txt") -> Path:
        """Wait for the host file a device produced for ``spoolid``."""
        folder = self.data_dir / kind / raddr
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = sorted(folder.glob(f"*-{spoolid:04d}-*{suffix}")) if folder.exists() else []
            found = [path for path in found if not path.name.endswith(".partial")]
            if found:
                return found[0]
            time.sleep(0.1)
        raise AssertionError(f"no {suffix} output for file {spoolid} in {folder}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    installation = Installation(tmp_path_factory.mktemp("printers"))
    yield installation
    installation.server.stop()


def operator(site: Installation) -> TTY:
    tty = TTY(site.server.port)
    tty.send("LOGON OPERATOR OPPW")
    tty.expect(r"(LOGON|RECONNECTED) AT")
    return tty


def logoff(tty: TTY) -> None:
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


def test_devices_start_drained_and_query_shows_them(site: Installation) -> None:
    tty = operator(site)
    tty.send("QUERY UR")
    tty.expect(r"RDR 00C DRAINED  SYSTEM   HOPPER\r\n")
    tty.expect(r"PUN 00D DRAINED  SYSTEM   CLASS A    SEP   3525\r\n")
    tty.expect(r"PRT 00E DRAINED  SYSTEM   CLASS A    SEP   1403\r\n")
    tty.send("Q PRINTERS")
    tty.expect(r"PRT 00E DRAINED  SYSTEM")
    tty.send("Q 00D")
    tty.expect(r"PUN 00D DRAINED")
    tty.send("START 123")
    tty.expect("DEV 123 DOES NOT EXIST")
    tty.send("FLUSH 00E")
    tty.expect("PRT 00E NOT ACTIVE")
    tty.send("SPACE 00D")
    tty.expect("DEV 00D IS NOT A PRINTER")
    tty.send("START 00E CLASS")
    tty.expect("INVALID OPERAND - CLASS")
    tty.send("REPEAT 00E 100")
    tty.expect("INVALID OPERAND - 100")
    tty.send("LOADBUF 00E FCB FCB1")
    tty.expect("UCS AND FCB IMAGES NOT AVAILABLE ON THIS SYSTEM")
    tty.send("LOADVFCB 00E FCB FCB1")
    tty.expect("FCB IMAGES NOT AVAILABLE ON THIS SYSTEM")
    logoff(tty)
    user = TTY(site.server.port)
    user.send("LOGON BOB BOBPW")
    user.expect("LOGON AT")
    user.send("START 00E")
    user.expect(r"\?CP: START")
    user.send("DRAIN ALL")
    user.expect(r"\?CP: DRAIN")
    logoff(user)


def test_console_file_printed_to_text_and_pdf(site: Installation) -> None:
    alice = TTY(site.server.port)
    alice.send("LOGON ALICE ALICEPW NOIPL")
    alice.expect("LOGON AT")
    alice.send("SPOOL CONSOLE TO NOSUCH")
    alice.expect("NOSUCH NOT IN CP DIRECTORY")  # a file for nobody would be lost
    alice.send("DEFINE PRINTER 01E")
    alice.send("SPOOL 01E FOR NOBODYXX CLASS B")
    alice.expect("NOBODYXX NOT IN CP DIRECTORY")
    alice.send("SPOOL 01E TO BOB")
    alice.send("QUERY VIRTUAL 01E")
    alice.expect(r"01E TO BOB DIST")
    alice.send("SPOOL 01E OFF")  # OFF: no TO or FOR, the system printer queue again
    alice.send("QUERY VIRTUAL 01E")
    alice.expect(r"01E FOR ALICE DIST")
    alice.send("SPOOL CONSOLE TO BOB")
    alice.send("SPOOL CONSOLE OFF START")
    alice.send("QUERY USERID")
    alice.expect(r"ALICE    AT ")
    alice.send("SPOOL CONSOLE STOP CLOSE")
    alice.send("QUERY PRT")  # a file for oneself closes without a notice
    alice.expect(r"ALICE    (\d{4}) T CON")
    spoolid = int(alice.child.match.group(1))
    tty = operator(site)
    tty.send("START PRINTERS CLASS A T")  # console files are class T
    tty.expect("PRT 00E STARTED")
    tty.expect(rf"PRT 00E OUTPUT OF ALICE    FILE = {spoolid:04d} RECDS = \d{{8}} COPY = 01 T CON")
    text = site.output("printer", "00E", spoolid).read_text()
    lines = text.split("\n")  # (splitlines would take the form feed for a line end)
    assert lines[0] == "\f"  # the separator starts a page
    assert "AAAA" in text and "LLLLLLLLLL" in text  # ALICE in block letters
    assert f"SPOOLID {spoolid:04d}" in text and "ON PRT 00E OF SYSTEM" in text
    assert text.count("USERID   ALICE") == 2  # two separator pages
    assert "ALICE    AT " in text  # the console lines themselves
    pdf = site.output("printer", "00E", spoolid, ".pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 3  # two separators and the file
    alice.send("QUERY PRT ALL")
    alice.expect("NO PRT FILES")  # printed files are purged
    logoff(alice)
    tty.send("DRAIN 00E")
    tty.expect("PRT 00E DRAINED")
    logoff(tty)


def test_operator_controls_the_file_being_printed(site: Installation) -> None:
    body = [f"LINE {n:04d} OF THE BIG LISTING" for n in range(400)]
    big = site.queue_print("CAROL", body, "--copies", "2", "--name", "BIG", "LISTING")
    other = site.queue_print("MAINT", ["CLASS B FILE"] * 30, "--class", "B", "--name", "B")
    tty = operator(site)
    tty.send("START 00E")
    tty.expect("PRT 00E STARTED")
    tty.expect(rf"PRT 00E OUTPUT OF CAROL    FILE = {big:04d} RECDS = 00000400 COPY = 02 A PRT")
    tty.send("QUERY 00E")
    tty.expect(r"PRT 00E ACTIVE   SYSTEM   CLASS A")
    tty.expect(rf"PRT 00E PROCESSING CAROL    FILE = {big:04d}")
    tty.send("REPEAT 00E")
    tty.expect(rf"PRT 00E REPEAT CAROL    FILE = {big:04d} RECDS = 00000400 COPY = 03")
    tty.send("SPACE 00E")
    tty.expect(rf"PRT 00E SPACED CAROL    FILE = {big:04d}")
    tty.send("BACKSPAC 00E FILE")
    tty.expect(rf"PRT 00E BACKSPACE CAROL    FILE = {big:04d}")
    tty.send("BACKSPAC 00E 2 EOF")
    tty.expect(rf"PRT 00E BACKSPACE CAROL    FILE = {big:04d}")
    tty.send("FLUSH 00E")
    tty.expect(rf"PRT 00E FLUSHED CAROL    FILE = {big:04d}")
    tty.expect(rf"PRT 00E REPEATED CAROL    FILE = {big:04d} RECDS = 00000400 COPY = 02")
    tty.send("FLUSH 00E HOLD")
    tty.expect(rf"PRT 00E FLUSHED CAROL    FILE = {big:04d}")
    tty.expect(rf"PRT 00E HELD CAROL    FILE = {big:04d}")
    flushed = site.output("printer", "00E", big, ".flushed.txt").read_text()
    assert flushed.count("LINE 0000 OF THE BIG LISTING") >= 2  # restarted, then a copy
    assert "LINE 0399" not in flushed.split("\f")[-1]  # the held copy was cut short
    tty.send("QUERY PRT CAROL ALL")
    tty.expect(rf"CAROL    {big:04d} A PRT 00000400 02 SYS ")
    # the class B file waits for a printer of class B; NOSEP leaves out the separator
    tty.send("START 00E CLASS B NOSEP")
    tty.expect("PRT 00E STARTED")
    tty.expect(rf"PRT 00E OUTPUT OF MAINT    FILE = {other:04d}")
    printed = site.output("printer", "00E", other).read_text()
    assert printed.splitlines()[0] == "CLASS B FILE"
    assert printed.count("CLASS B FILE") == 30
    tty.send("DRAIN 00E")
    tty.expect("PRT 00E DRAINED")
    tty.send("START 00E CLASS A SEP")
    tty.expect("PRT 00E STARTED")
    tty.send(f"PURGE CAROL PRT {big}")
    tty.expect("0001 FILE  PURGED")
    logoff(tty)


def test_punch_separator_cards_and_card_images(site: Installation) -> None:
    done = site.host(
        "spool", "punch", "-", "--for", "BOB", "--name", "DECK", "TEXT", stdin="ONE\nTWO\nTHREE\n"
    )
    assert done.returncode == 0, done.stderr
    spoolid = int(NOTICE.match(done.stdout).group(1))  # type: ignore[union-attr]
    tty = operator(site)
    tty.send("START PUNCHES")
    tty.expect("PUN 00D STARTED")
    tty.expect(rf"PUN 00D OUTPUT OF BOB      FILE = {spoolid:04d} RECDS = 00000003 COPY = 01 A PUN")
    text = site.output("punch", "00D", spoolid).read_text().splitlines()
    assert text[4:] == ["ONE", "TWO", "THREE"]
    assert all(line.startswith("******** BOB") for line in text[:4])
    cards = site.output("punch", "00D", spoolid, ".ebcdic").read_bytes()
    assert len(cards) == 7 * 80
    assert cards[4 * 80 : 5 * 80] == "ONE".ljust(80).encode("cp037")
    assert not list((site.data_dir / "punch" / "00D").glob("*.pdf"))
    tty.send("BACKSPAC 00D 3")
    tty.expect("PUN 00D NOT ACTIVE")
    tty.send("DRAIN PUNCHES")
    tty.expect("PUN 00D DRAINED")
    logoff(tty)


def test_drained_reader_keeps_decks_in_the_hopper(site: Installation) -> None:
    deck = site.data_dir / "deck.txt"
    deck.write_text("HELLO FROM THE HOPPER\n")
    tty = operator(site)
    tty.send("START READERS")
    tty.expect("RDR 00C STARTED")
    tty.send("DRAIN 00C")
    tty.expect("RDR 00C DRAINED")
    done = site.host("card", "punch", str(deck), "--to", "CAROL")
    assert done.returncode == 0, done.stderr
    time.sleep(2.5)  # the hopper is looked at every second; a drained reader leaves it
    assert [p for p in (site.data_dir / "hopper").iterdir() if p.is_file()]
    tty.send("START 00C")
    tty.expect("RDR 00C STARTED")
    tty.expect(r"RDR FILE \d{4} READ FOR CAROL FROM HOPPER")
    logoff(tty)
