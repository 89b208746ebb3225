"""Spool file commands through a real telnet client, with files placed by ``vm370 spool punch``.

QUERY FILES/READER/PRINTER, FILES: at logon, PURGE, ORDER, CHANGE,
TRANSFER (to a user and reclaimed), TAG, the class D forms, IMSG and MSG
suppression, and files surviving a server restart.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY

NOTICE = re.compile(r"^(?:RDR|PUN|PRT) FILE (\d{4}) ")
SHORT_HEADER = r"OWNERID  FILE CLASS RECDS  CPY HOLD\r\n"
LONG_HEADER = r"OWNERID  FILE CLASS RECDS  CPY HOLD   DATE  TIME    NAME    TYPE     DIST"
WHEN = r"\d\d/\d\d \d\d:\d\d:\d\d"


class SpoolServer:
    """A vm370 server and its data directory, for host spool commands beside it."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.server = VMServer(data_dir, make_test_directory())

    @property
    def port(self) -> int:
        return self.server.port

    def host(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "server", "spool", *args, "--data-dir", str(self.data_dir)],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def punch(self, to: str, *cards: str, options: tuple[str, ...] = ()) -> int:
        """Put a deck into ``to``'s reader; returns its spoolid."""
        done = self.host("punch", "-", "--to", to, *options, stdin="\n".join(cards) + "\n")
        assert done.returncode == 0, done.stderr
        match = NOTICE.match(done.stdout)
        assert match, done.stdout
        return int(match.group(1))


@pytest.fixture(scope="module")
def spool_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SpoolServer]:
    server = SpoolServer(tmp_path_factory.mktemp("spool"))
    yield server
    server.server.stop()


def logon(server: SpoolServer, userid: str, password: str) -> TTY:
    """A logged-on terminal (reconnected, if an earlier test left the user disconnected)."""
    tty = TTY(server.port)
    tty.send(f"LOGON {userid} {password}")
    tty.expect(r"(LOGON|RECONNECTED) AT \d\d:\d\d:\d\d")
    return tty


def logoff(*terminals: TTY) -> None:
    for tty in terminals:
        tty.send("LOGOFF")
        tty.expect(pexpect.EOF)


def clean(tty: TTY) -> None:
    """Empty the user's queues, and wait until that is done."""
    tty.send("PURGE ALL")
    tty.expect(r"(FILES?|NO FILES) +PURGED")


def test_files_line_at_logon_and_reader_listings(spool_server: SpoolServer) -> None:
    first = spool_server.punch("CAROL", "ONE", "TWO", options=("--from", "MAINT", "--name", "A"))
    second = spool_server.punch(
        "CAROL", "THREE", options=("--class", "B", "--name", "DECK", "DATA", "--hold")
    )
    tty = TTY(spool_server.port)
    tty.send("LOGON CAROL CAROLPW")
    tty.expect(r"FILES: 002 RDR,  NO PRT,  NO PUN\r\nLOGON AT")
    tty.send("QUERY RDR")
    tty.expect(SHORT_HEADER + rf"MAINT    {first:04d} A PUN 00000002 01 NONE\r\n")
    tty.expect(rf"CAROL    {second:04d} B RDR 00000001 01 USER\r\n")
    tty.send("Q RDR ALL")
    tty.expect(LONG_HEADER)
    tty.expect(rf"MAINT    {first:04d} A PUN 00000002 01 NONE  {WHEN} A\r\n")
    tty.expect(rf"CAROL    {second:04d} B RDR 00000001 01 USER  {WHEN} DECK     DATA\r\n")
    tty.send("Q READER CLASS B")
    tty.expect(SHORT_HEADER + rf"CAROL    {second:04d} B RDR")
    tty.send(f"Q RDR {first}")
    tty.expect(LONG_HEADER + rf"\r\nMAINT    {first:04d} A PUN")
    tty.send("Q PRT")
    tty.expect("NO PRT FILES")
    tty.send("QUERY FILES")
    tty.expect(r"FILES: 002 RDR,  NO PRT,  NO PUN")
    tty.send("Q RDR 9899")
    tty.expect("SPOOLID 9899 DOES NOT EXIST")
    tty.send("Q RDR 9901")
    tty.expect("INVALID OPERAND - 9901")
    clean(tty)
    tty.send("Q FILES")
    tty.expect(r"FILES:  NO RDR,  NO PRT,  NO PUN")
    logoff(tty)


def test_purge_by_spoolid_class_and_all_with_imsg(spool_server: SpoolServer) -> None:
    tty = logon(spool_server, "BOB", "BOBPW")
    clean(tty)
    ids = [
        spool_server.punch("BOB", f"CARD {n}", options=("--class", c)) for n, c in enumerate("AAB")
    ]
    tty.send(f"PURGE RDR {ids[0]}")
    tty.expect(r"0001 FILE  PURGED")
    tty.send("PURGE RDR CLASS B 9898")
    tty.expect("SPOOLID 9898 DOES NOT EXIST")
    tty.expect(r"0001 FILE  PURGED")
    tty.send(f"PURGE RDR {ids[0]}")
    tty.expect("SPOOLID .* DOES NOT EXIST")
    tty.expect("NO FILES PURGED")
    tty.send("SET IMSG OFF")
    tty.send("PURGE READER ALL")
    tty.send("Q FILES")
    index = tty.expect(["PURGED", r"FILES:  NO RDR"])
    assert index == 1, "SET IMSG OFF must suppress the PURGE count"
    tty.send("PURGE FROB")
    tty.expect("INVALID OPERAND - FROB")
    logoff(tty)


def test_order_and_change(spool_server: SpoolServer) -> None:
    tty = logon(spool_server, "BOB", "BOBPW")
    clean(tty)
    ids = [
        spool_server.punch("BOB", f"CARD {n}", options=("--class", c)) for n, c in enumerate("ABC")
    ]
    tty.send(f"ORDER RDR {ids[2]} CLASS B")
    tty.expect("0002 FILES ORDERED")
    tty.send("Q RDR")
    tty.expect(
        SHORT_HEADER
        + rf"BOB      {ids[2]:04d} C .*\r\nBOB      {ids[1]:04d} B .*\r\nBOB      {ids[0]:04d} A "
    )
    tty.send(f"CHANGE RDR {ids[0]} CLASS X HOLD DIST BIN9 NAME NEW FILE")
    tty.expect("0001 FILE  CHANGED")
    tty.send(f"Q RDR {ids[0]}")
    tty.expect(rf"BOB      {ids[0]:04d} X RDR 00000001 01 USER  {WHEN} NEW      FILE     BIN9")
    tty.send("CHANGE RDR CLASS C NOHOLD")
    tty.expect("0001 FILE  CHANGED")
    tty.send("CHANGE RDR ALL COPY 5")
    tty.expect("INVALID OPERAND - COPY")
    tty.send("CHANGE RDR CLASS Q NOHOLD")
    tty.expect("NO FILES CHANGED")
    tty.send("CHANGE RDR ALL CLASS %")
    tty.expect("CLASS MISSING OR INVALID")
    logoff(tty)


def test_transfer_to_a_user_and_reclaim(spool_server: SpoolServer) -> None:
    bob = logon(spool_server, "BOB", "BOBPW")
    carol = logon(spool_server, "CAROL", "CAROLPW")
    clean(bob)
    clean(carol)
    given = spool_server.punch("CAROL", "FOR BOB")
    carol.send(f"TRANSFER RDR {given} TO BOB")
    carol.expect(rf"RDR FILE {given:04d} TRANSFERRED TO BOB\r\n0001 FILE  TRANSFERRED")
    bob.expect(rf"RDR FILE {given:04d} TRANSFERRED FROM CAROL")
    bob.send(f"Q RDR {given}")
    bob.expect(rf"CAROL    {given:04d} A RDR")
    bob.send("SET MSG OFF")
    quiet = spool_server.punch("CAROL", "QUIET")
    carol.send(f"TRANSFER {quiet} BOB")
    carol.expect("0001 FILE  TRANSFERRED")
    bob.send("Q FILES")
    assert bob.expect(["TRANSFERRED FROM", r"FILES: 002 RDR"]) == 1, "SET MSG OFF hides notices"
    sent = spool_server.punch("BOB", "MINE", options=("--from", "CAROL"))
    carol.send(f"TRANSFER {sent} FROM BOB")
    carol.expect(rf"RDR FILE {sent:04d} TRANSFERRED FROM BOB\r\n0001 FILE  TRANSFERRED")
    carol.send("TRANSFER ALL FROM ALL")  # the two she sent with TRANSFER come back too
    carol.expect(rf"RDR FILE {given:04d} TRANSFERRED FROM BOB\r\n")
    carol.expect("0002 FILES TRANSFERRED")
    carol.send("TRANSFER ALL TO NOSUCH")
    carol.expect("NOSUCH NOT IN CP DIRECTORY")
    logoff(bob, carol)


def test_tag_file(spool_server: SpoolServer) -> None:
    tty = logon(spool_server, "CAROL", "CAROLPW")
    spoolid = spool_server.punch("CAROL", "TAGGED")
    tty.send(f"TAG QUERY FILE {spoolid}")
    tty.expect(r"\(TAG BLANK\)")
    tty.send(f"TAG FILE {spoolid} NODE2 BOB 50")
    tty.send(f"TAG QUERY FILE {spoolid}")
    tty.expect(r"\nNODE2 BOB 50\r\n")  # the answer, not the echo of the command
    tty.send("TAG FILE 9897 X")
    tty.expect("SPOOLID 9897 DOES NOT EXIST")
    clean(tty)
    logoff(tty)


def test_class_d_operator_forms(spool_server: SpoolServer) -> None:
    bob = logon(spool_server, "BOB", "BOBPW")
    clean(bob)
    spool_server.punch("BOB", "FIRST", options=("--class", "Z"))
    spool_server.punch("BOB", "SECOND")
    done = spool_server.host(
        "punch", "-", "--for", "BOB", "--device", "PRT", stdin="A PRINTED LINE\n"
    )
    assert done.returncode == 0, done.stderr
    bob.send("PURGE CAROL RDR ALL")
    bob.expect("INVALID OPERAND - CAROL")
    maint = logon(spool_server, "MAINT", "MAINTPW")
    maint.send("QUERY RDR BOB")
    maint.expect(SHORT_HEADER + r"BOB      \d{4} Z RDR .*\r\nBOB      \d{4} A RDR")
    maint.send("QUERY FILES BOB")
    maint.expect(r"FILES: 002 RDR, 001 PRT,  NO PUN")
    maint.send("HOLD BOB PRT")
    maint.expect("0001 FILE  HELD")
    maint.send("QUERY PRT BOB ALL")
    maint.expect(r"BOB      \d{4} A PRT 00000001 01 SYS ")
    maint.send("FREE BOB")
    maint.expect("0001 FILE  FREED")
    maint.send("PURGE BOB RDR CLASS Z")
    maint.expect("0001 FILE  PURGED")
    bob.send("Q FILES")
    bob.expect(r"FILES: 001 RDR, 001 PRT,  NO PUN")
    bob.send("CHANGE PRT ALL COPY 3 DIST ROOM12")
    bob.expect("0001 FILE  CHANGED")
    bob.send("Q PRT ALL")
    bob.expect(rf"BOB      \d{{4}} A PRT 00000001 03 NONE  {WHEN}\s+ROOM12\r\n")
    bob.send("Q PUN")
    bob.expect("NO PUN FILES")
    bob.send("HOLD BOB")
    bob.expect(r"\?CP: HOLD")
    clean(bob)
    logoff(bob, maint)


def test_host_print_and_export(spool_server: SpoolServer, tmp_path: Path) -> None:
    spoolid = spool_server.punch("CAROL", "HELLO", "WORLD", options=("--name", "HOST", "DECK"))
    printed = spool_server.host("print", str(spoolid))
    assert printed.stdout == "HELLO\nWORLD\n"
    target = tmp_path / "deck.bin"
    assert spool_server.host("export", str(spoolid), str(target), "--raw").returncode == 0
    assert target.read_bytes() == "HELLO".ljust(80).encode("cp037") + "WORLD".ljust(80).encode(
        "cp037"
    )
    listed = spool_server.host("list", "CAROL")
    assert re.search(
        rf"RDR   CAROL    CAROL    {spoolid:04d} A RDR 00000002 01 NONE", listed.stdout
    )
    missing = spool_server.host("print", "9996")
    assert missing.returncode == 1 and "9996" in missing.stderr
    nobody = spool_server.host("punch", "-", "--to", "NOSUCH", stdin="X\n")
    assert nobody.returncode == 1 and "NOSUCH" in nobody.stderr


def test_spool_files_survive_a_restart(tmp_path: Path) -> None:
    first = SpoolServer(tmp_path / "data")
    spoolid = first.punch("BOB", "KEEP ME", options=("--name", "SURVIVE", "IT"))
    assert first.server.stop() == 0
    second = SpoolServer(tmp_path / "data")
    try:
        tty = TTY(second.port)
        tty.send("LOGON BOB BOBPW")
        tty.expect(r"FILES: 001 RDR,  NO PRT,  NO PUN\r\nLOGON AT")
        tty.send("Q RDR ALL")
        tty.expect(rf"BOB      {spoolid:04d} A RDR 00000001 01 NONE  {WHEN} SURVIVE  IT")
        tty.send("LOGOFF")
        tty.expect(pexpect.EOF)
    finally:
        second.server.stop()
