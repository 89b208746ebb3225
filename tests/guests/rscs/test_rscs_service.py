"""Two RSCS services in one event loop, each with a stand-in for its guest interface, linked
over loopback: the exactly-once rules of reference/nje-rscs.md sections 2.4 and 12.6 (a file
leaves the sender only after C0; a link cut after the receiver's commit makes the sender
send it again, and the receiver drops the duplicate)."""

from __future__ import annotations

import asyncio
import datetime
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from guests.rscs.links import LinkState
from guests.rscs.service import RSCS
from server.cp.abi import ReaderFile
from spool.model import (
    DeviceType,
    FileName,
    HoldStatus,
    OutputSettings,
    Queue,
    RecordFormat,
    SpoolError,
    SpoolFile,
)
from spool.store import NetworkOrigin

SPOOLIDS = itertools.count(1)


class FakeGuest:
    """What RSCS uses of :class:`server.cp.abi.GuestInterface`, kept in memory."""

    userid = "RSCS"

    def __init__(self, node: str, settings: dict[str, Any]) -> None:
        self.node = node
        self.settings = settings
        self.state: dict[str, Any] = {}
        self.readers: dict[str, list[tuple[SpoolFile, list[bytes]]]] = {}
        self.active: set[int] = set()
        self.arrival = asyncio.Event()
        self.smsgs: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
        self.shown: list[str] = []  # MSGNOH lines, "USER text"
        self.console: list[str] = []
        self.after_send_file: Callable[[], Awaitable[None]] | None = None

    def write(self, *lines: str) -> None:
        self.console.extend(lines)

    async def read(self) -> str:
        await asyncio.Event().wait()
        return ""

    async def cp(self, text: str, capture: bool = True) -> tuple[int, list[str]]:
        if text.startswith("MSGNOH "):
            self.shown.append(text[7:])
        return 0, []

    async def user_exists(self, userid: str) -> bool:
        """(What RSCS asks of CP when the guest interface offers it.)"""
        return userid != "NOBODY"

    async def next_smsg(self) -> tuple[str, str]:
        return await self.smsgs.get()

    async def load_state(self) -> dict[str, Any]:
        return dict(self.state)

    async def save_state(self, state: dict[str, Any]) -> None:
        self.state = dict(state)

    def reader(self, userid: str) -> list[tuple[SpoolFile, list[bytes]]]:
        return self.readers.setdefault(userid, [])

    async def next_reader_file(self, spool_class: str | None = None) -> ReaderFile | None:
        for spool_file, records in self.reader(self.userid):
            if spool_file.spoolid not in self.active:
                self.active.add(spool_file.spoolid)
                return ReaderFile(spool_file, records)
        return None

    async def finish_reader_file(self, reader_file: ReaderFile, keep: bool = False) -> None:
        self.active.discard(reader_file.spool_file.spoolid)
        if not keep:
            queue = self.reader(self.userid)
            queue[:] = [entry for entry in queue if entry[0] != reader_file.spool_file]

    async def wait_reader_file(self) -> None:
        await self.arrival.wait()
        self.arrival.clear()

    async def send_file(
        self, records: list[bytes], settings: OutputSettings, origin: NetworkOrigin | None = None
    ) -> SpoolFile:
        assert settings.to is not None
        if settings.to == "FULL":
            raise SpoolError("SPOOL SPACE LIMIT EXCEEDED FOR FULL")
        spool_file = spool_file_for(settings, origin, len(records))
        self.reader(settings.to).append((spool_file, list(records)))
        if settings.to == self.userid:
            self.arrival.set()
        if self.after_send_file is not None:
            await self.after_send_file()
        return spool_file

    async def open_connection(
        self, host: str, port: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(host, port)

    async def start_server(
        self,
        handler: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
        host: str,
        port: int,
    ) -> asyncio.Server:
        return await asyncio.start_server(handler, host, port)


def spool_file_for(settings: OutputSettings, origin: NetworkOrigin | None, count: int) -> SpoolFile:
    return SpoolFile(
        spoolid=next(SPOOLIDS), owner=settings.to or "", originator="RSCS", queue=Queue.RDR,
        device=settings.device, spool_class=settings.spool_class, records=count, copies=1,
        hold=HoldStatus.NONE, created=datetime.datetime.now(datetime.UTC), name=settings.name,
        dist=settings.dist, tag=settings.tag, record_format=RecordFormat.CARD,
        origin_node=origin.node if origin else None,
        origin_userid=origin.userid if origin else None,
        network_id=origin.network_id if origin else None,
    )  # fmt: skip


def settings_for(port: int, peer: str, peer_port: int) -> dict[str, Any]:
    return {
        "listen_host": "127.0.0.1",
        "listen_port": port,
        "links": {peer: {"host": "127.0.0.1", "port": peer_port, "retry": 0.2}},
    }


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def pair() -> AsyncIterator[tuple[RSCS, RSCS]]:
    port_a, port_b = free_port(), free_port()
    guest_a = FakeGuest("NODEA", settings_for(port_a, "NODEB", port_b))
    guest_b = FakeGuest("NODEB", settings_for(port_b, "NODEA", port_a))
    rscs_a, rscs_b = RSCS(guest_a), RSCS(guest_b)  # type: ignore[arg-type]
    tasks = [asyncio.create_task(rscs_a.run()), asyncio.create_task(rscs_b.run())]
    await until(lambda: rscs_a.links.get("NODEB") is not None)
    await until(lambda: rscs_a.links["NODEB"].state is LinkState.ACTIVE)
    yield rscs_a, rscs_b
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not reached"
        await asyncio.sleep(0.02)


def punch(guest: FakeGuest, tag: str, cards: int = 50) -> SpoolFile:
    """A user's punched file arriving in RSCS's reader, tagged ``tag``."""
    settings = OutputSettings(to="RSCS", tag=tag)
    settings.name = FileName("DATA", "FILE")
    spool_file = spool_file_for(settings, NetworkOrigin(guest.node, "CAROL"), cards)
    records = [f"CARD {n:05d}".encode("cp037").ljust(80, b"\x40") for n in range(cards)]
    guest.reader("RSCS").append((spool_file, records))
    guest.arrival.set()
    return spool_file


def fake(rscs: RSCS) -> FakeGuest:
    assert isinstance(rscs.guest, FakeGuest)
    return rscs.guest


async def test_file_is_delivered_and_leaves_the_sender_after_c0(pair: tuple[RSCS, RSCS]) -> None:
    rscs_a, rscs_b = pair
    punch(fake(rscs_a), "NODEB JOHN")
    await until(lambda: bool(fake(rscs_b).reader("JOHN")))
    await until(lambda: not fake(rscs_a).reader("RSCS"))
    spool_file, records = fake(rscs_b).reader("JOHN")[0]
    assert (spool_file.origin_node, spool_file.origin_userid) == ("NODEA", "CAROL")
    assert spool_file.name == FileName("DATA", "FILE") and len(records) == 50
    assert records[3] == "CARD 00003".encode("cp037").ljust(80, b"\x40")
    assert any("SPOOLED TO JOHN -- ORG NODEA(CAROL)" in line for line in fake(rscs_b).shown)
    assert any(line.startswith("CAROL DMTNJE104I FILE") for line in fake(rscs_a).shown)


async def test_link_cut_after_commit_gives_exactly_one_copy(pair: tuple[RSCS, RSCS]) -> None:
    rscs_a, rscs_b = pair
    guest_b = fake(rscs_b)
    cut = 0

    async def cut_before_c0() -> None:  # committed, but the C0 never leaves
        nonlocal cut
        cut += 1
        if cut == 1:
            link = rscs_b.links["NODEA"]
            assert link.session is not None
            await link.session.abort("cut for the test")

    guest_b.after_send_file = cut_before_c0
    punch(fake(rscs_a), "NODEB JOHN")
    await until(lambda: not fake(rscs_a).reader("RSCS"), timeout=15)
    assert cut >= 1
    assert len(guest_b.reader("JOHN")) == 1  # the resent copy was recognised and dropped
    assert rscs_a.links["NODEB"].queue == []


async def test_file_waits_on_a_drained_link(pair: tuple[RSCS, RSCS]) -> None:
    rscs_a, rscs_b = pair
    link = rscs_a.links["NODEB"]
    await link.drain()
    assert link.state is LinkState.INACTIVE
    punch(fake(rscs_a), "NODEB JOHN 10")
    await until(lambda: len(link.queue) == 1)
    await asyncio.sleep(0.3)
    assert not fake(rscs_b).reader("JOHN")
    link.start()
    await until(lambda: bool(fake(rscs_b).reader("JOHN")))
    await until(lambda: not link.queue)


async def test_smsg_query_and_message(pair: tuple[RSCS, RSCS]) -> None:
    rscs_a, rscs_b = pair
    fake(rscs_a).smsgs.put_nowait(("BOB", "Q LINKS"))
    await until(lambda: any("LINK NODEB    ACTIVE" in line for line in fake(rscs_a).shown))
    fake(rscs_a).smsgs.put_nowait(("BOB", "MSG NODEB JOHN hi there"))
    await until(lambda: "JOHN FROM NODEA(BOB): hi there" in fake(rscs_b).shown)


async def command(rscs: RSCS, text: str, user: str = "OPERATOR") -> list[str]:
    """Run an RSCS command as a local user (SMSG) and collect its response."""
    from guests.rscs.commands import Issuer, execute

    return await execute(rscs, Issuer(user, rscs.local_node), text)


async def test_hold_order_change_purge_and_free(pair: tuple[RSCS, RSCS]) -> None:
    rscs_a, rscs_b = pair
    guest_a, link = fake(rscs_a), rscs_a.links["NODEB"]
    assert await command(rscs_a, "HOLD NODEB") == ["DMTCMX075I LINK NODEB HELD"]
    assert await command(rscs_a, "FREE NODEB JUNK") == ["DMTCMX002E INVALID OPERAND JUNK"]
    assert link.hold  # the refused FREE left the link held
    first, second, third = (punch(guest_a, f"NODEB JOHN{n}") for n in range(3))
    await until(lambda: len(link.queue) == 3)
    assert await command(rscs_a, "HOLD NODEB", user="BOB") == [
        "DMTCMX003E COMMAND HOLD NOT AUTHORIZED"
    ]
    low = punch(guest_a, "NODEB JOHN9 90")
    high = punch(guest_a, "NODEB JOHN8 5")
    await until(lambda: len(link.queue) == 5)
    assert [q.spoolid for q in link.queue] == [
        high.spoolid,
        first.spoolid,
        second.spoolid,
        third.spoolid,
        low.spoolid,
    ]
    await command(rscs_a, f"PURGE NODEB {low.spoolid} {high.spoolid}")
    await command(rscs_a, f"ORDER NODEB {third.spoolid}")
    assert [queued.spoolid for queued in link.queue][0] == third.spoolid
    await command(rscs_a, f"CHANGE NODEB {second.spoolid} HOLD")
    purged = await command(rscs_a, f"PURGE NODEB {first.spoolid} 9999")
    assert purged == [
        "DMTCMX110E FILE 9999 NOT QUEUED ON LINK NODEB",
        "DMTCMX111I 1 FILE(S) PURGED ON LINK NODEB",
    ]
    assert any(f"DMTAXS108I FILE {first.spoolid:04d} PURGED" in line for line in guest_a.shown)
    lines = await command(rscs_a, "Q NODEB")
    assert lines[1].endswith("WAITING") and lines[2].endswith("HELD")
    await command(rscs_a, "FREE NODEB")
    await until(lambda: bool(fake(rscs_b).reader("JOHN2")))
    await asyncio.sleep(0.2)
    assert not fake(rscs_b).reader("JOHN1") and [q.spoolid for q in link.queue] == [second.spoolid]
    await command(rscs_a, f"CHANGE NODEB {second.spoolid} NOHOLD")
    await until(lambda: bool(fake(rscs_b).reader("JOHN1")))
    assert not fake(rscs_b).reader("JOHN0")  # purged, never sent


async def test_trace_and_print_file(pair: tuple[RSCS, RSCS]) -> None:
    rscs_a, rscs_b = pair
    assert await command(rscs_a, "TRACE NODEB ON") == ["DMTCMX076I TRACE ON FOR LINK NODEB"]
    settings = OutputSettings(device=DeviceType.PRT, to="RSCS", tag="NODEB JOHN")
    spool_file = spool_file_for(settings, NetworkOrigin("NODEA", "CAROL"), 2)
    lines = [b"\x09" + "HELLO".encode("cp037"), b"\x8b"]  # write and space 1, skip to 1
    fake(rscs_a).reader("RSCS").append((spool_file, lines))
    fake(rscs_a).arrival.set()
    await until(lambda: bool(fake(rscs_b).reader("JOHN")))
    received, records = fake(rscs_b).reader("JOHN")[0]
    assert received.device is DeviceType.PRT and records == lines
    assert any(line.startswith("TRACE NODEB OUT") for line in fake(rscs_a).console)


async def test_cpquery_and_no_message_back_where_it_came_from(pair: tuple[RSCS, RSCS]) -> None:
    rscs_a, rscs_b = pair
    rscs_a.config.default_route, rscs_b.config.default_route = "NODEB", "NODEA"
    assert await command(rscs_a, "MSG NODEQ JOHN hello", user="BOB") == []
    loop = "BOB FROM NODEB: DMTCMX092E ROUTE TO NODE NODEQ LEADS BACK OVER LINK NODEA"
    await until(lambda: any(line.startswith(loop) for line in fake(rscs_a).shown))
    assert await command(rscs_a, "CPQ BOGUS") == ["DMTCMX002E INVALID OPERAND BOGUS"]
    assert await command(rscs_a, "CPQ T JUNK") == ["DMTCMX002E INVALID OPERAND JUNK"]
    assert await command(rscs_a, "Q NODEB JUNK") == ["DMTCMX002E INVALID OPERAND JUNK"]
    assert await command(rscs_a, "CPQ T") == []  # the fake CP answers nothing


async def test_a_file_the_receiver_cannot_spool_comes_back(pair: tuple[RSCS, RSCS]) -> None:
    rscs_a, rscs_b = pair
    sent = punch(fake(rscs_a), "NODEB FULL")
    await until(lambda: bool(fake(rscs_a).reader("CAROL")))
    returned, records = fake(rscs_a).reader("CAROL")[0]
    assert len(records) == 50 and returned.origin_node == "NODEA"
    assert any(
        f"DMTAXS106E FILE {sent.spoolid:04d} RETURNED: REFUSED BY LINK NODEB" in line
        for line in fake(rscs_a).shown
    )
    assert rscs_b.links["NODEA"].state is LinkState.ACTIVE  # the link stays up


async def test_unknown_user_and_too_many_hops_return_the_file(pair: tuple[RSCS, RSCS]) -> None:
    rscs_a, rscs_b = pair
    guest_a = fake(rscs_a)
    unknown = punch(guest_a, "NODEB NOBODY")
    await until(lambda: len(guest_a.reader("CAROL")) == 1)
    reason = "RETURNED: USER NOBODY NOT DEFINED AT NODEB"
    await until(
        lambda: any(
            line.startswith("CAROL FROM NODEB:") and reason in line for line in guest_a.shown
        )
    )
    assert not fake(rscs_b).reader("NOBODY")
    looping = punch(guest_a, "NODEB JOHN HOP=17")
    await until(lambda: len(guest_a.reader("CAROL")) == 2)
    assert any(
        f"FILE {looping.spoolid:04d} RETURNED: MORE THAN 16 HOPS" in line for line in guest_a.shown
    )
    assert unknown.spoolid != looping.spoolid


async def test_message_text_cannot_smuggle_a_cp_command(pair: tuple[RSCS, RSCS]) -> None:
    rscs_a, rscs_b = pair
    await command(rscs_a, "MSG NODEB JOHN hi\x85DETACH 009\nDETACH 00C", user="BOB")
    await until(lambda: bool(fake(rscs_b).shown))
    assert fake(rscs_b).shown == ["JOHN FROM NODEA(BOB): hi DETACH 009 DETACH 00C"]
