"""Two vm370 nodes linked by RSCS over NJE on loopback: messages, a punched file, QUERY and a
link restart, by users on telnet (reference/nje-rscs.md sections 2.2-2.4).

NODEA and NODEB are separate ``vm370 serve`` processes with their own data directories;
each one's ``[rscs]`` section defines a link to the other's NJE port. CMS runs over
in-memory minidisks (tests/guests/cms/cmsfake.py) so a user can PUNCH a file.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from directory.passwords import hash_password
from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY

READY = r"Ready; T=\d+\.\d\d/\d+\.\d\d \d\d:\d\d:\d\d"
UNIT_RECORD = " SPOOL 00C 2540 READER *\n SPOOL 00D 2540 PUNCH A\n SPOOL 00E 1403 A\n"
GUESTS = {"VM370_GUESTS": "CMS=tests.guests.cms.cmsfake:memory_main"}


def directory() -> str:
    text = make_test_directory()
    password = hash_password("RSCSPW", log2_n=4)
    text += f"USER RSCS {password} 4M 16M BG\n IPL RSCS\n OPTION NETWORK\n{UNIT_RECORD}"
    for userid in ("SENDER", "TAKER"):
        password = hash_password(f"{userid}PW", log2_n=4)
        text += f"USER {userid} {password} 4M 16M G\n IPL CMS\n CONSOLE 009 3215\n{UNIT_RECORD}"
    return text


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rscs_config(listen: int, peers: dict[str, int], default_route: str | None) -> str:
    text = (
        f'[rscs]\nlisten_host = "127.0.0.1"\nlisten_port = {listen}\n'
        'operators = ["OPERATOR", "BOB"]\n'
    )
    if default_route:
        text += f'default_route = "{default_route}"\n'
    for peer, port in peers.items():
        text += f'[rscs.links.{peer}]\nhost = "127.0.0.1"\nport = {port}\nretry = 0.5\n'
    return text


class Network:
    """vm370 nodes linked as ``topology`` says: node -> (adjacent nodes, default route)."""

    def __init__(self, base: Path, topology: dict[str, tuple[list[str], str | None]]) -> None:
        self.ports = {node: free_port() for node in topology}
        self.dirs = {node: base / node.lower() for node in topology}
        for node, (peers, default_route) in topology.items():
            self.dirs[node].mkdir(parents=True)
            links = {peer: self.ports[peer] for peer in peers}
            config = rscs_config(self.ports[node], links, default_route)
            (self.dirs[node] / "vm370.toml").write_text(config)
        self.servers = {node: self.start(node) for node in topology}

    def start(self, node: str) -> VMServer:
        return VMServer(self.dirs[node], directory(), "--node", node, env=GUESTS)

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    topology: dict[str, tuple[list[str], str | None]] = {
        "NODEA": (["NODEB"], None),
        "NODEB": (["NODEA"], None),
    }
    running = Network(tmp_path_factory.mktemp("rscs"), topology)
    yield running
    running.stop()


def cp_user(server: VMServer, userid: str, password: str) -> TTY:
    tty = TTY(server.port)
    tty.logon(userid, password)
    return tty


def cms_user(server: VMServer, userid: str) -> TTY:
    tty = TTY(server.port)
    tty.logon(userid, f"{userid}PW")
    tty.expect(READY)
    tty.send("#CP SET EMSG ON")
    return tty


def wait_link_active(tty: TTY, link: str, timeout: float = 20) -> None:
    """Ask RSCS for its links until ``link`` is ACTIVE."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tty.send("SMSG RSCS QUERY LINKS")
        found = tty.expect([rf"LINK {link} +ACTIVE", rf"LINK {link} +\w+"], timeout=5)
        if found == 0:
            return
        time.sleep(0.3)
    raise AssertionError(f"link {link} did not become active")


def test_message_to_a_user_on_the_other_node(network: Network) -> None:
    bob = cp_user(network.servers["NODEA"], "BOB", "BOBPW")
    carol = cp_user(network.servers["NODEB"], "CAROL", "CAROLPW")
    wait_link_active(bob, "NODEB")
    bob.send("SMSG RSCS MSG NODEB CAROL Hello Carol, from node A")
    carol.expect(r"FROM NODEA\(BOB\): Hello Carol, from node A")
    carol.send("SMSG RSCS MSG NODEA BOB and back")
    bob.expect(r"FROM NODEB\(CAROL\): and back")
    bob.send("SMSG RSCS MSG NODEB NOBODY are you there")
    bob.expect(r"FROM NODEB: DMTMSG140E USER NOBODY AT NODEB NOT LOGGED ON")
    bob.send("SMSG RSCS MSG NODEX CAROL hello")
    bob.expect("DMTCMX090E NODE NODEX NOT DEFINED")
    bob.send("LOGOFF")
    bob.expect(pexpect.EOF)
    carol.send("LOGOFF")
    carol.expect(pexpect.EOF)


def test_query_and_remote_command(network: Network) -> None:
    bob = cp_user(network.servers["NODEA"], "BOB", "BOBPW")
    wait_link_active(bob, "NODEB")
    bob.send("SMSG RSCS QUERY SYSTEM")
    bob.expect(r"RSCS NODE NODEA LISTENING ON 127\.0\.0\.1:\d+")
    bob.expect(r"1 LINK\(S\) DEFINED, 1 ACTIVE")
    bob.send("SMSG RSCS Q ROUTES")
    bob.expect("NODE NODEB    ADJACENT")
    bob.send("SMSG RSCS CMD NODEB Q LINKS")
    bob.expect(r"FROM NODEB: LINK NODEA +ACTIVE +NJE 127\.0\.0\.1:\d+ Q=0")
    bob.send("SMSG RSCS CMD NODEB CPQ TIME")
    bob.expect(r"FROM NODEB: TIME IS \d\d:\d\d:\d\d")
    bob.send("SMSG RSCS CMD NODEB DRAIN NODEA")  # not allowed from another node
    bob.expect("FROM NODEB: DMTCMX003E COMMAND DRAIN NOT AUTHORIZED")
    bob.send("LOGOFF")
    bob.expect(pexpect.EOF)


def test_the_rscs_console(network: Network) -> None:
    bob = cp_user(network.servers["NODEA"], "BOB", "BOBPW")
    wait_link_active(bob, "NODEB")
    bob.send("LOGOFF")
    bob.expect(pexpect.EOF)
    operator = TTY(network.servers["NODEA"].port)
    operator.send("LOGON RSCS RSCSPW")
    operator.expect("RECONNECTED AT")  # the autologged machine, RSCS running in it
    operator.send("query links")
    operator.expect(r"LINK NODEB +ACTIVE +NJE 127\.0\.0\.1:\d+ Q=0")
    operator.send("msg nodeb carol from the console")
    operator.expect("DMTMSG140E USER CAROL AT NODEB NOT LOGGED ON OR NOT RECEIVING")
    operator.send("bogus")
    operator.expect("DMTCMX001E INVALID COMMAND BOGUS")
    operator.send("#CP DISCONNECT")
    operator.expect("DISCONNECT")
    operator.close()


def test_punched_file_arrives_with_its_origin(network: Network) -> None:
    sender = cms_user(network.servers["NODEA"], "SENDER")
    carol = cp_user(network.servers["NODEB"], "CAROL", "CAROLPW")
    sender.send("#CP SMSG RSCS Q LINKS")
    sender.expect(r"LINK NODEB +ACTIVE")
    sender.send("cp tag query dev 00d")
    sender.expect("PUN 00D TAG:")
    sender.expect("TAG NOT SET")
    sender.send("cp tag dev 00c nodeb carol")  # a reader has no tag
    sender.expect("DEV 00C DOES NOT EXIST")
    sender.send("cp spool punch to rscs")
    sender.expect(READY)
    sender.send("cp tag dev punch nodeb carol")
    sender.expect(READY)
    sender.send("cp tag query dev punch")
    sender.expect("PUN 00D TAG:")
    sender.expect("NODEB CAROL")
    sender.send("punch loop exec s")
    carol.expect(r"DMTNJE105I FILE \d{4} \(\d{4}\) SPOOLED TO CAROL -- ORG NODEA\(SENDER\)")
    sender.expect(r"DMTNJE104I FILE \d{4} SENT TO NODEB\(CAROL\) ON LINK NODEB")
    carol.send("QUERY RDR ALL")
    carol.expect(r"RSCS +\d{4} A PUN 00000006 .* LOOP +EXEC")
    sender.send("#CP SMSG RSCS Q FILES")
    sender.expect("NO FILES QUEUED")
    sender.send("cp spool printer to rscs")  # remote printing
    sender.expect(READY)
    sender.send("cp tag dev printer nodeb carol")
    sender.expect(READY)
    sender.send("print loop exec s (cc")
    carol.expect(r"DMTNJE105I FILE \d{4} \(\d{4}\) SPOOLED TO CAROL -- ORG NODEA\(SENDER\)")
    carol.send("QUERY RDR ALL")
    carol.expect(r"RSCS +\d{4} A PRT \d{8} .* LOOP +EXEC")
    # TAKER is logged off: the file waits in the reader, and READCARD reads it at logon.
    sender.send("cp tag dev punch nodeb taker")
    sender.expect(READY)
    sender.send("punch loop exec s")
    sender.expect(r"DMTNJE104I FILE \d{4} SENT TO NODEB\(TAKER\) ON LINK NODEB")
    taker = cms_user(network.servers["NODEB"], "TAKER")
    taker.send("readcard *")
    taker.expect(r"DMSRDC702I :READ LOOP     EXEC     A1")
    taker.expect(READY)
    taker.send("listfile * * a (format")
    taker.expect(r"LOOP     EXEC     A1 F    80 +5")
    for tty in (sender, taker):
        tty.send("#CP LOGOFF")
        tty.expect(pexpect.EOF)
    carol.send("LOGOFF")
    carol.expect(pexpect.EOF)


def test_unknown_destination_returns_the_file(network: Network) -> None:
    sender = cms_user(network.servers["NODEA"], "SENDER")
    sender.send("cp spool punch to rscs")
    sender.expect(READY)
    sender.send("cp tag dev punch nodex taker")
    sender.expect(READY)
    sender.send("punch loop exec s")
    sender.expect(r"DMTAXS106E FILE \d{4} RETURNED: DMTCMX090E NODE NODEX NOT DEFINED")
    sender.expect(r"DMTNJE105I FILE \d{4} \(\d{4}\) SPOOLED TO SENDER -- ORG NODEA\(SENDER\)")
    sender.send("#CP LOGOFF")
    sender.expect(pexpect.EOF)


def test_drain_and_start_restart_the_link(network: Network) -> None:
    bob = cp_user(network.servers["NODEA"], "BOB", "BOBPW")
    carol = cp_user(network.servers["NODEB"], "CAROL", "CAROLPW")
    wait_link_active(bob, "NODEB")
    carol.send("SMSG RSCS DRAIN NODEA")  # CAROL is not an operator
    carol.expect("DMTCMX003E COMMAND DRAIN NOT AUTHORIZED")
    bob.send("SMSG RSCS DRAIN NODEB")
    bob.expect("DMTCMX074I LINK NODEB DRAINED")
    bob.send("SMSG RSCS Q LINKS")
    bob.expect(r"LINK NODEB +INACTIVE")
    bob.send("SMSG RSCS MSG NODEB CAROL are you there")
    bob.expect("DMTCMX091E LINK NODEB TO NODE NODEB INACTIVE")
    sender = cms_user(network.servers["NODEA"], "SENDER")
    sender.send("cp spool punch to rscs")
    sender.expect(READY)
    sender.send("cp tag dev punch nodeb carol")
    sender.expect(READY)
    sender.send("punch loop exec s")
    sender.expect(READY)
    bob.send("SMSG RSCS QUERY NODEB")  # the file waits on the drained link
    bob.expect(r"LINK NODEB +INACTIVE +NJE 127\.0\.0\.1:\d+ Q=1")
    bob.expect(r"FILE \d{4} NODEA\(SENDER\) TO NODEB\(CAROL\) LINK NODEB REC 6 WAITING")
    bob.send("SMSG RSCS START NODEB")
    bob.expect("DMTCMX073I LINK NODEB STARTED")
    sender.expect(r"DMTNJE104I FILE \d{4} SENT TO NODEB\(CAROL\) ON LINK NODEB", timeout=20)
    carol.expect(r"SPOOLED TO CAROL -- ORG NODEA\(SENDER\)")
    wait_link_active(bob, "NODEB")
    bob.send("SMSG RSCS MSG NODEB CAROL back again")
    carol.expect(r"FROM NODEA\(BOB\): back again")
    sender.send("#CP LOGOFF")
    sender.expect(pexpect.EOF)
    for tty in (bob, carol):
        tty.send("LOGOFF")
        tty.expect(pexpect.EOF)


def test_define_and_route_survive_a_restart(network: Network) -> None:
    bob = cp_user(network.servers["NODEA"], "BOB", "BOBPW")
    bob.send("SMSG RSCS DEFINE NODEZ HOST 127.0.0.1 PORT 9 NOSTART")
    bob.expect("DMTCMX081I LINK NODEZ DEFINED")
    bob.send("SMSG RSCS ROUTE NODEQ TO NODEZ")
    bob.expect("DMTCMX095I ROUTE NODEQ VIA LINK NODEZ")
    bob.send("LOGOFF")
    bob.expect(pexpect.EOF)
    network.servers["NODEA"].stop()
    network.servers["NODEA"] = network.start("NODEA")
    bob = cp_user(network.servers["NODEA"], "BOB", "BOBPW")
    bob.send("SMSG RSCS Q ROUTES")
    bob.expect("NODE NODEQ    VIA LINK NODEZ")
    bob.send("SMSG RSCS Q LINKS")
    bob.expect(r"LINK NODEZ +INACTIVE +NJE 127\.0\.0\.1:9 Q=0")
    bob.send("SMSG RSCS DELETE NODEZ")
    bob.expect("DMTCMX082I LINK NODEZ DELETED")
    bob.send("SMSG RSCS Q ROUTES")
    bob.expect("NODE NODEB    ADJACENT")
    assert "NODEQ" not in str(bob.child.before)
    wait_link_active(bob, "NODEB")
    bob.send("LOGOFF")
    bob.expect(pexpect.EOF)


def test_node_restart_reconnects(network: Network) -> None:
    network.servers["NODEB"].stop()
    network.servers["NODEB"] = network.start("NODEB")
    bob = cp_user(network.servers["NODEA"], "BOB", "BOBPW")
    wait_link_active(bob, "NODEB")
    carol = cp_user(network.servers["NODEB"], "CAROL", "CAROLPW")
    bob.send("SMSG RSCS MSG NODEB CAROL after the restart")
    carol.expect(r"FROM NODEA\(BOB\): after the restart")
    assert not re.search("Traceback", "\n".join(network.servers["NODEA"].log))
    for tty in (bob, carol):
        tty.send("LOGOFF")
        tty.expect(pexpect.EOF)


def test_cms_tell_and_sendfile_across_nodes(network: Network) -> None:
    sender = cms_user(network.servers["NODEA"], "SENDER")
    taker = cms_user(network.servers["NODEB"], "TAKER")
    local = cp_user(network.servers["NODEA"], "BOB", "BOBPW")
    wait_link_active(local, "NODEB")
    sender.send("TELL TAKER AT NODEB hello over the network")
    taker.expect(r"FROM NODEA\(SENDER\): HELLO OVER THE NETWORK")
    sender.send("TELL BOB hello neighbour")
    local.expect("MSG FROM SENDER: HELLO NEIGHBOUR")
    sender.send("COPYFILE LOOP EXEC S SENT DATA A")
    sender.expect(READY)
    sender.send("SENDFILE SENT DATA A TO TAKER AT NODEB")
    sender.expect("FILE 'SENT DATA A1' SENT TO TAKER AT NODEB")
    taker.expect(r"RDR FILE \d{4} FROM NODEA\(SENDER\) PUN")
    sender.send("SENDFILE SENT DATA A BOB")
    sender.expect("FILE 'SENT DATA A1' SENT TO BOB")
    local.expect(r"RDR FILE \d{4} FROM SENDER   PUN")
    for tty in (sender, taker, local):
        tty.send("#CP LOGOFF")
        tty.expect(pexpect.EOF)
