"""CMS NOTE between two vm370 nodes, and RSCS TAG JOB/SYSTEM, by users on telnet
(guests/cms/commands/note.py; reference/nje-rscs.md sections 2.2 and 14.4).

NODEA and NODEB are separate ``vm370 serve`` processes linked by RSCS, as in
test_rscs_network.py; CMS runs over in-memory minidisks.
"""

from __future__ import annotations

from collections.abc import Iterator

import pexpect
import pytest

from tests.integration.telnet import TTY
from tests.integration.test_rscs_network import (
    READY,
    Network,
    cms_user,
    cp_user,
    wait_link_active,
)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    topology: dict[str, tuple[list[str], str | None]] = {
        "NODEA": (["NODEB"], None),
        "NODEB": (["NODEA"], None),
    }
    running = Network(tmp_path_factory.mktemp("rscsnote"), topology)
    yield running
    running.stop()


def write_note(tty: TTY, *lines: str) -> None:
    """In the editor NOTE started: add ``lines`` after the header and FILE the note."""
    tty.expect("EDIT:")
    tty.send("bottom")
    tty.send("input")
    tty.expect("INPUT:")
    for line in lines:
        tty.send(line)
    tty.send("")
    tty.expect("EDIT:")
    tty.send("file")


def test_note_to_a_remote_and_a_local_user(pair: Network) -> None:
    sender = cms_user(pair.servers["NODEA"], "SENDER")
    taker = cms_user(pair.servers["NODEB"], "TAKER")
    bob = cp_user(pair.servers["NODEA"], "BOB", "BOBPW")
    wait_link_active(bob, "NODEB")
    sender.send("NOTE TAKER AT NODEB CC: BOB")
    write_note(sender, "Hello Taker,", "the plans are ready.")
    sender.expect("NOTE 'SENDER NOTE A1' SENT TO TAKER AT NODEB")
    sender.expect("NOTE 'SENDER NOTE A1' SENT TO BOB")
    sender.expect(READY)
    bob.expect(r"RDR FILE \d{4} FROM SENDER   PUN")
    taker.expect(r"DMTNJE105I FILE \d{4} \(\d{4}\) SPOOLED TO TAKER -- ORG NODEA\(SENDER\)")
    taker.send("#CP QUERY RDR ALL")
    taker.expect(r"RSCS +\d{4} A PUN \d{8} .* SENDER +NOTE .* FROM NODEA\(SENDER\)")
    taker.send("READCARD LETTER NOTE")
    taker.expect(READY)
    taker.send("TYPE LETTER NOTE")
    taker.expect(r"DATE: \d+ NOVEMBER|Date: \d+ \w+ \d{4}, \d\d:\d\d:\d\d")
    taker.expect(r"From: SENDER   at NODEA\r\nTo:   TAKER    at NODEB\r\ncc:   BOB      at NODEA")
    taker.expect("Hello Taker,\r\nthe plans are ready.")
    sender.send("TYPE ALL NOTEBOOK A")  # LOG is the default: the sent note is kept
    sender.expect("the plans are ready.")
    sender.expect(READY)
    sender.send("LISTFILE SENDER NOTE A")  # erased once sent
    sender.expect("DMSLST002E FILE NOT FOUND")
    for tty in (sender, taker):
        tty.send("#CP LOGOFF")
        tty.expect(pexpect.EOF)
    bob.send("LOGOFF")
    bob.expect(pexpect.EOF)


def test_note_by_nickname_unsent_note_and_bad_operands(pair: Network) -> None:
    sender = cms_user(pair.servers["NODEA"], "SENDER")
    taker = cms_user(pair.servers["NODEB"], "TAKER")
    wait_link_active(sender, "NODEB")
    sender.send("EDIT SENDER NAMES A")
    sender.expect("NEW FILE:")
    sender.expect("EDIT:")
    sender.send("input")
    sender.send(":nick.PAL :userid.TAKER :node.NODEB")
    sender.send(":nick.GANG :list.PAL BOB")
    sender.send("")
    sender.expect("EDIT:")
    sender.send("file")
    sender.expect(READY)
    sender.send("NOTE PAL (NOLOG")
    sender.expect("EDIT:")
    sender.send("quit")  # nothing written: nothing sent
    sender.expect("DMSNOT601I NOTE NOT SENT; 'SENDER NOTE A1' KEPT")
    sender.expect(READY)
    sender.send("NOTE GANG (NOLOG CLASS N")
    write_note(sender, "to the whole gang")
    sender.expect("NOTE 'SENDER NOTE A1' SENT TO TAKER AT NODEB")
    sender.expect("NOTE 'SENDER NOTE A1' SENT TO BOB")
    taker.expect(r"SPOOLED TO TAKER -- ORG NODEA\(SENDER\)")
    taker.send("#CP QUERY RDR ALL")
    taker.expect(r"RSCS +\d{4} N PUN \d{8} .* SENDER +NOTE")
    sender.send("NOTE")
    sender.expect("DMSNOT054E NO USERID SPECIFIED")
    sender.send("NOTE TAKER AT NODEB (ACK")
    sender.expect("DMSNOT003E OPTION 'ACK' NOT AVAILABLE")
    sender.send("NOTE TAKER (BOGUS")
    sender.expect("DMSNOT003E INVALID OPTION 'BOGUS'")
    sender.send("NOTE BAD!ID")
    sender.expect("DMSNOT070E INVALID PARAMETER 'BAD!ID'")
    sender.send("NOTE TAKER AT NODEX")  # RSCS returns what it cannot route
    write_note(sender, "anyone there")
    sender.expect(r"DMTAXS106E FILE \d{4} RETURNED: DMTCMX090E NODE NODEX NOT DEFINED")
    for tty in (sender, taker):
        tty.send("#CP LOGOFF")
        tty.expect(pexpect.EOF)
    assert pair.servers["NODEA"].alive() and pair.servers["NODEB"].alive()


def test_tag_job_and_system(pair: Network) -> None:
    sender = cms_user(pair.servers["NODEA"], "SENDER")
    operator = cp_user(pair.servers["NODEB"], "OPERATOR", "OPPW")
    wait_link_active(operator, "NODEA")
    sender.send("cp spool punch to rscs")
    sender.expect(READY)
    sender.send("cp tag dev punch nodeb job")  # a job, on a SYSIN stream
    sender.expect(READY)
    sender.send("punch loop exec s")
    sender.expect(r"DMTNJE104I FILE \d{4} SENT TO NODEB\(JOB\) ON LINK NODEB")
    operator.expect(r"SPOOLED TO OPERATOR -- ORG NODEA\(SENDER\)")  # no batch here: the operator
    operator.send("QUERY RDR ALL")
    operator.expect(r"RSCS +\d{4} A PUN 00000006 .* LOOP +OUTPUT .* FROM NODEA\(SENDER\)")
    sender.send("cp spool printer to rscs")
    sender.expect(READY)
    sender.send("cp tag dev printer nodeb job")  # a job is cards
    sender.expect(READY)
    sender.send("print loop exec s")
    sender.expect(r"DMTAXS106E FILE \d{4} RETURNED: A JOB MUST BE A PUNCH FILE")
    sender.send("#CP PURGE RDR ALL")
    sender.send("cp tag dev printer nodeb system")  # the other system's printer
    sender.expect(READY)
    sender.send("print loop exec s")
    sender.expect(r"DMTNJE104I FILE \d{4} SENT TO NODEB\(SYSTEM\) ON LINK NODEB")
    operator.send("QUERY PRINTER SYSTEM ALL")
    operator.expect(r"RSCS +\d{4} A PRT \d{8} .* LOOP +EXEC .* FROM NODEA\(SENDER\)")
    sender.send("cp spool punch to * class a")  # a deck in one's own reader, given to RSCS
    sender.expect(READY)
    sender.send("punch loop exec s")
    sender.expect(r"RDR FILE (\d{4}) FROM SENDER")
    spoolid = sender.child.match.group(1)
    sender.send(f"cp tag file {spoolid} nodeb operator")
    sender.expect(READY)
    sender.send(f"cp transfer rdr {spoolid} to rscs")  # RSCS takes it at once
    sender.expect(r"DMTNJE104I FILE \d{4} SENT TO NODEB\(OPERATOR\) ON LINK NODEB", timeout=15)
    operator.expect(r"SPOOLED TO OPERATOR -- ORG NODEA\(SENDER\)")
    sender.send("#CP LOGOFF")
    sender.expect(pexpect.EOF)
    operator.send("LOGOFF")
    operator.expect(pexpect.EOF)
