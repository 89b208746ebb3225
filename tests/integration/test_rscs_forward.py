"""Store and forward: NODEA and NODEC are linked only through NODEB, and reach each other by
their default routes (reference/nje-rscs.md section 2.4)."""

from __future__ import annotations

from collections.abc import Iterator

import pexpect
import pytest

from tests.integration.test_rscs_network import (
    READY,
    Network,
    cms_user,
    cp_user,
    wait_link_active,
)


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    topology: dict[str, tuple[list[str], str | None]] = {
        "NODEA": (["NODEB"], "NODEB"),
        "NODEB": (["NODEA", "NODEC"], None),
        "NODEC": (["NODEB"], "NODEB"),
    }
    running = Network(tmp_path_factory.mktemp("rscschain"), topology)
    yield running
    running.stop()


def test_message_and_file_through_the_middle_node(chain: Network) -> None:
    bob = cp_user(chain.servers["NODEA"], "BOB", "BOBPW")
    carol = cp_user(chain.servers["NODEC"], "CAROL", "CAROLPW")
    wait_link_active(bob, "NODEB")
    wait_link_active(carol, "NODEB")
    bob.send("SMSG RSCS CMD NODEB Q LINKS")
    bob.expect(r"FROM NODEB: LINK NODEA +ACTIVE")
    bob.expect(r"FROM NODEB: LINK NODEC +ACTIVE")
    bob.send("SMSG RSCS MSG NODEC CAROL two hops away")
    carol.expect(r"FROM NODEA\(BOB\): two hops away")
    carol.send("SMSG RSCS CMD NODEA Q SYS")
    carol.expect(r"FROM NODEA: RSCS NODE NODEA LISTENING")
    sender = cms_user(chain.servers["NODEA"], "SENDER")
    sender.send("cp spool punch to rscs")
    sender.expect(READY)
    sender.send("cp tag dev punch nodec carol")
    sender.expect(READY)
    sender.send("punch loop exec s")
    sender.expect(r"DMTNJE104I FILE \d{4} SENT TO NODEC\(CAROL\) ON LINK NODEB")
    carol.expect(r"DMTNJE105I FILE \d{4} \(\d{4}\) SPOOLED TO CAROL -- ORG NODEA\(SENDER\)")
    carol.send("QUERY RDR ALL")
    carol.expect(r"RSCS +\d{4} A PUN 00000006 .* LOOP +EXEC")
    sender.send("cp tag dev punch nodec nobody")
    sender.expect(READY)
    sender.send("punch loop exec s")
    sender.expect(r"DMTNJE104I FILE \d{4} SENT TO NODEC\(NOBODY\) ON LINK NODEB")
    bob.send("SMSG RSCS CMD NODEB Q FILES")
    bob.expect("FROM NODEB: NO FILES QUEUED")
    sender.send("#CP LOGOFF")
    sender.expect(pexpect.EOF)
    for tty in (bob, carol):
        tty.send("LOGOFF")
        tty.expect(pexpect.EOF)


def test_a_job_through_the_middle_node(chain: Network) -> None:
    operator = cp_user(chain.servers["NODEC"], "OPERATOR", "OPPW")
    wait_link_active(operator, "NODEB")
    sender = cms_user(chain.servers["NODEA"], "SENDER")
    sender.send("cp spool punch to rscs")
    sender.expect(READY)
    sender.send("cp tag dev punch nodec job")  # B stores it and sends it on as a job again
    sender.expect(READY)
    sender.send("punch loop exec s")
    sender.expect(r"DMTNJE104I FILE \d{4} SENT TO NODEC\(JOB\) ON LINK NODEB")
    operator.expect(r"SPOOLED TO OPERATOR -- ORG NODEA\(SENDER\)")
    operator.send("QUERY RDR ALL")
    operator.expect(r"RSCS +\d{4} A PUN 00000006 .* LOOP +OUTPUT .* FROM NODEA\(SENDER\)")
    sender.send("#CP LOGOFF")
    sender.expect(pexpect.EOF)
    operator.send("LOGOFF")
    operator.expect(pexpect.EOF)


def test_file_waits_while_the_middle_node_is_down(chain: Network) -> None:
    chain.servers["NODEB"].stop()
    sender = cms_user(chain.servers["NODEA"], "SENDER")
    sender.send("#CP SMSG RSCS MSG NODEC CAROL anyone")
    sender.expect("DMTCMX091E LINK NODEB TO NODE NODEC INACTIVE")
    sender.send("cp spool punch to rscs")
    sender.expect(READY)
    sender.send("cp tag dev punch nodec carol")
    sender.expect(READY)
    sender.send("punch loop exec s")
    sender.expect(READY)
    sender.send("#CP SMSG RSCS Q FILES")
    sender.expect(r"FILE \d{4} NODEA\(SENDER\) TO NODEC\(CAROL\) LINK NODEB REC 6 WAITING")
    carol = cp_user(chain.servers["NODEC"], "CAROL", "CAROLPW")
    chain.servers["NODEB"] = chain.start("NODEB")
    sender.expect(r"DMTNJE104I FILE \d{4} SENT TO NODEC\(CAROL\) ON LINK NODEB", timeout=20)
    carol.expect(r"SPOOLED TO CAROL -- ORG NODEA\(SENDER\)")
    carol.send("QUERY FILES")
    carol.expect("FILES: 002 RDR")  # this one and the earlier test's, each once
    sender.send("#CP LOGOFF")
    sender.expect(pexpect.EOF)
    carol.send("LOGOFF")
    carol.expect(pexpect.EOF)
