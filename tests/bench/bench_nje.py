"""Three-node NJE benchmark: a 10 MB file from NODEA to NODEC through NODEB, and message
latency per hop (issue 10; reference/nje-rscs.md sections 2.2-2.4).

Three ``vm370 serve`` processes on loopback, each with its own data directory (SQLite
spool) and ``[rscs]`` section, linked NODEA - NODEB - NODEC (A and C reach each other by
their default routes through B), as tests/integration/test_rscs_forward.py sets them up.
Users are real telnet sessions driven by pexpect. Run from the repository root:

    python -m tests.bench.bench_nje                  # 10 MB, 50 messages per hop
    python -m tests.bench.bench_nje --megabytes 1 --messages 20

Figures (host ``time.monotonic`` in this process, so each includes the telnet client and
pexpect's polling, a few ms; ``MSG local`` measures exactly that overhead):

- ``file``: SENDER on NODEA types ``SENDFILE BIG DATA B TO CAROL AT NODEC``. CMS punches
  the file to RSCS (``punch``: until SENDFILE's answer, i.e. after CLOSE), RSCS on A sends
  it to B (``A->B``: until DMTNJE104I reaches SENDER), B stores it and forwards it to C,
  and C puts it in CAROL's reader (``end to end``: until CAROL sees DMTNJE105I). MB/s is
  the file's card bytes (80 per card) over the time from CLOSE to arrival.
- ``MSG local``: BOB on NODEA ``MSG``s ALICE on NODEA (CP only, no RSCS).
- ``A->B`` / ``A->C``: BOB types ``SMSG RSCS MSG node CAROL text`` and CAROL on that node
  sees ``FROM NODEA(BOB): text``; one hop and two hops.

The CMS used is the in-memory-minidisk CMS of the telnet tests, with a 60-cylinder
B-disk holding ``BIG DATA`` (80-byte records) for SENDER.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pexpect

from guests.cms.nucleus import run_cms
from server.cp.abi import GuestInterface
from tests.guests.cms.cmsfake import put_file, user_disks
from tests.integration.conftest import VMServer
from tests.integration.telnet import TTY
from tests.integration.test_rscs_network import (
    READY,
    Network,
    cms_user,
    cp_user,
    directory,
    free_port,
    rscs_config,
    wait_link_active,
)

CARD = 80
CMS_MAX_RECORDS = 65_000  # a CMS file holds at most 65,535 records
GUESTS = {"VM370_GUESTS": "CMS=tests.bench.bench_nje:bench_cms"}
TOPOLOGY: dict[str, tuple[list[str], str | None]] = {
    "NODEA": (["NODEB"], "NODEB"),
    "NODEB": (["NODEA", "NODEC"], None),
    "NODEC": (["NODEB"], "NODEB"),
}


def big_file_lines(cards: int) -> list[str]:
    """Card images that do not compress to nothing (SCB compression would flatter blanks)."""
    return [f"{number:08d} " + "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG 0123456789 ABCDEFGHIJ"
            for number in range(cards)]  # fmt: skip


async def bench_cms(guest: GuestInterface) -> None:
    """``IPL CMS`` over in-memory disks; SENDER also gets a B-disk with ``BIG DATA``."""
    disks = user_disks(guest.userid)
    if guest.userid == "SENDER" and 0x192 not in disks.devices:
        disks.add(0x192, cylinders=60, label="BIG192")
        cards = int(os.environ.get("VM370_BENCH_CARDS", "0"))
        put_file(disks, 0x192, "BIG", "DATA", big_file_lines(cards))
    await run_cms(guest, disks)


class BenchNetwork(Network):
    """The test network with the benchmark's CMS, and ``node`` in each node's config file so
    that ``vm370 spool`` on that data directory stamps the right origin node."""

    def __init__(self, base: Path, cards: int) -> None:
        self.cards = cards
        self.ports = {node: free_port() for node in TOPOLOGY}
        self.dirs = {node: base / node.lower() for node in TOPOLOGY}
        for node, (peers, default_route) in TOPOLOGY.items():
            self.dirs[node].mkdir(parents=True)
            links = {peer: self.ports[peer] for peer in peers}
            config = rscs_config(self.ports[node], links, default_route)
            (self.dirs[node] / "vm370.toml").write_text(f'node = "{node}"\n{config}')
        self.servers = {node: self.start(node) for node in TOPOLOGY}

    def start(self, node: str) -> VMServer:
        env = {**GUESTS, "VM370_BENCH_CARDS": str(self.cards)}
        return VMServer(self.dirs[node], directory(), "--node", node, env=env)


def logoff(tty: TTY, command: str = "LOGOFF") -> None:
    tty.send(command)
    tty.expect(pexpect.EOF)


def deck(network: BenchNetwork, cards: int) -> int:
    """``vm370 spool punch``: a deck of ``cards`` in SENDER's reader, as if SENDER punched it
    to itself; returns its spoolid."""
    text = Path(network.dirs["NODEA"]) / "big.txt"
    text.write_text("\n".join(big_file_lines(cards)) + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "server", "spool", "punch", "--data-dir",
         str(network.dirs["NODEA"]), str(text), "--to", "SENDER", "--from", "SENDER",
         "--name", "BIG", "DATA"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(done.stdout.split()[2])  # PUN FILE nnnn TO SENDER ...


def wait_arrival(
    network: BenchNetwork, sender: TTY, carol: TTY, start: str, records: int
) -> dict[str, float]:
    """Type ``start`` as SENDER; seconds until its answer, the first hop and the arrival."""
    started = time.monotonic()
    sender.send(start)
    sender.expect(READY)
    closed = time.monotonic()
    sender.expect(r"DMTNJE104I FILE \d{4} SENT TO NODEC\(CAROL\) ON LINK NODEB")
    first_hop = time.monotonic()
    carol.expect(r"DMTNJE105I FILE \d{4} \(\d{4}\) SPOOLED TO CAROL -- ORG NODEA\(SENDER\)")
    arrived = time.monotonic()
    carol.send("QUERY RDR ALL")
    carol.expect(rf"\d{{4}} A PUN {records:08d} .* FROM NODEA\(SENDER\)")
    return {"command": closed - started, "A->B": first_hop - closed, "A->C": arrived - closed}


def send_files(network: BenchNetwork, big_cards: int) -> dict[str, dict[str, float]]:
    """The 10 MB deck by TAG FILE + TRANSFER, then the CMS file by SENDFILE."""
    carol = cp_user(network.servers["NODEC"], "CAROL", "CAROLPW")
    sender = cms_user(network.servers["NODEA"], "SENDER")
    for tty in (sender, carol):
        tty.child.timeout = 900
    wait_link_active(carol, "NODEB")
    spoolid = deck(network, big_cards)
    sender.send(f"CP TAG FILE {spoolid} NODEC CAROL")
    sender.expect(READY)
    results = {
        f"{big_cards} cards (TRANSFER to RSCS)": wait_arrival(
            network, sender, carol, f"CP TRANSFER RDR {spoolid} TO RSCS", big_cards
        )
    }
    sender.send("ACCESS 192 B")
    sender.expect(READY)
    results[f"{network.cards} cards (CMS SENDFILE)"] = wait_arrival(
        network, sender, carol, "SENDFILE BIG DATA B TO CAROL AT NODEC", network.cards + 1
    )
    logoff(sender, "#CP LOGOFF")
    logoff(carol)
    return results


def latencies(sender: TTY, receiver: TTY, command: str, shown: str, count: int) -> list[float]:
    """Milliseconds from typing each message to its appearance on the receiver's terminal."""
    times: list[float] = []
    sender.child.delaybeforesend = None  # pexpect waits 50 ms before each send by default
    for number in range(count):
        text = f"PING{number:05d}"
        started = time.monotonic()
        sender.send(f"{command} {text}")
        receiver.expect(f"{shown}{text}")
        times.append((time.monotonic() - started) * 1000)
        time.sleep(0.02)  # let the sender's echo and any answer drain
    return times


def messages(network: BenchNetwork, count: int) -> dict[str, list[float]]:
    bob = cp_user(network.servers["NODEA"], "BOB", "BOBPW")
    alice = cp_user(network.servers["NODEA"], "MAINT", "MAINTPW")
    carol_b = cp_user(network.servers["NODEB"], "CAROL", "CAROLPW")
    carol_c = cp_user(network.servers["NODEC"], "CAROL", "CAROLPW")
    wait_link_active(bob, "NODEB")
    wait_link_active(carol_c, "NODEB")
    results = {
        "MSG local (A->A, CP only)": latencies(bob, alice, "MSG MAINT", "MSG FROM BOB: ", count),
        "A->B (1 hop)": latencies(
            bob, carol_b, "SMSG RSCS MSG NODEB CAROL", r"FROM NODEA\(BOB\): ", count
        ),
        "A->C (2 hops)": latencies(
            bob, carol_c, "SMSG RSCS MSG NODEC CAROL", r"FROM NODEA\(BOB\): ", count
        ),
    }
    for tty in (bob, alice, carol_b, carol_c):
        logoff(tty)
    return results


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=10.0, help="deck size (MiB)")
    parser.add_argument("--cms-cards", type=int, default=CMS_MAX_RECORDS, help="SENDFILE size")
    parser.add_argument("--messages", type=int, default=50, help="messages per hop")
    arguments = parser.parse_args()
    big_cards = int(arguments.megabytes * 1024 * 1024) // CARD
    with tempfile.TemporaryDirectory(prefix="bench_nje") as base:
        network = BenchNetwork(Path(base), min(arguments.cms_cards, CMS_MAX_RECORDS))
        try:
            print(f"messages, {arguments.messages} per hop (ms): median  p95  max")
            for name, values in messages(network, arguments.messages).items():
                print(
                    f"  {name:<28} {statistics.median(values):7.1f} "
                    f"{percentile(values, 0.95):7.1f} {max(values):7.1f}"
                )
            for name, times in send_files(network, big_cards).items():
                cards = int(name.split()[0])
                megabytes = cards * CARD / 1e6
                print(
                    f"file of {name}, {megabytes:.2f} MB: command {times['command']:.2f} s, "
                    f"A->B {times['A->B']:.2f} s, A->C {times['A->C']:.2f} s "
                    f"= {megabytes / times['A->C']:.2f} MB/s end to end"
                )
        finally:
            network.stop()


if __name__ == "__main__":
    main()
