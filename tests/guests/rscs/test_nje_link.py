"""End to end: two NJE link drivers over a loopback TCP connection (reference/nje-rscs.md
sections 4, 10, 12 and 13)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Collection

import pytest

from guests.rscs.nje.control import (
    ACK,
    NAK,
    NAK_ALREADY_ACTIVE,
    NAK_NO_SUCH_LINK,
    ControlRecord,
    open_record,
)
from guests.rscs.nje.events import FileReceived, LinkDown, MessageReceived
from guests.rscs.nje.files import FileRecord, make_file
from guests.rscs.nje.link import (
    FileRefusedError,
    LinkDownError,
    NJELink,
    NJELinkError,
    OpenRefused,
    Timeouts,
    retry_delay,
)
from guests.rscs.nje.protocol import LinkOptions

FAST = Timeouts(handshake=5.0, keepalive=60.0, idle=60.0)


def cards(count: int, width: int = 80) -> list[FileRecord]:
    return [
        FileRecord(f"RECORD {number:05d}".encode("cp037").ljust(width, b"\x40"))
        for number in range(count)
    ]


async def open_pair(
    links: Collection[str] = ("NODEA",),
    timeouts: Timeouts = FAST,
    options: LinkOptions | None = None,
) -> tuple[NJELink, NJELink, asyncio.Server]:
    """NODEA opens actively to NODEB, which listens on an ephemeral loopback port."""
    accepted: asyncio.Future[NJELink] = asyncio.get_running_loop().create_future()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            link = await NJELink.accept(reader, writer, "NODEB", links, options, timeouts)
            accepted.set_result(link)
        except Exception as error:  # noqa: BLE001 - handed to the test
            accepted.set_exception(error)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        link_a = await NJELink.connect(reader, writer, "NODEA", "NODEB", options, timeouts)
    finally:
        if not accepted.done():
            await asyncio.wait([accepted], timeout=5)
    link_b = await accepted
    return link_a, link_b, server


@pytest.fixture
async def pair() -> AsyncIterator[tuple[NJELink, NJELink]]:
    link_a, link_b, server = await open_pair()
    yield link_a, link_b
    await link_a.abort()
    await link_b.abort()
    server.close()
    await server.wait_closed()


async def next_event(link: NJELink) -> MessageReceived | FileReceived | LinkDown:
    async for event in link.events():
        return event
    raise AssertionError("no event")


async def test_sign_on_negotiates_buffer(pair: tuple[NJELink, NJELink]) -> None:
    link_a, link_b = pair
    assert link_a.is_active and link_b.is_active
    assert (link_a.remote_node, link_b.remote_node) == ("NODEB", "NODEA")
    assert link_a.buffer_size == link_b.buffer_size == 8192


async def test_messages_and_commands_both_ways(pair: tuple[NJELink, NJELink]) -> None:
    link_a, link_b = pair
    await link_a.send_message("NODEA", "CAROL", "NODEB", "JOHN", "Hello, John")
    event = await asyncio.wait_for(next_event(link_b), 5)
    assert isinstance(event, MessageReceived)
    nmr = event.nmr
    assert (nmr.from_node, nmr.from_user, nmr.to_node, nmr.to_user) == (
        "NODEA", "CAROL", "NODEB", "JOHN",
    )  # fmt: skip
    assert nmr.text == "Hello, John" and not nmr.is_command
    await link_b.send_command("NODEB", "OPER", "NODEA", "Q SYS")
    event = await asyncio.wait_for(next_event(link_a), 5)
    assert isinstance(event, MessageReceived)
    assert event.nmr.is_command and event.nmr.text == "Q SYS"
    assert (event.nmr.from_user, event.nmr.from_node) == ("OPER", "NODEB")


async def test_file_transfer_confirm_and_signoff(pair: tuple[NJELink, NJELink]) -> None:
    link_a, link_b = pair
    records = cards(500)
    file = make_file(
        ("NODEA", "CAROL"), ("NODEB", "JOHN"), records, file_name="PROFILE",
        file_type="EXEC", spool_class="B", job_id=17, tag="A TAG",
    )  # fmt: skip
    sending = asyncio.create_task(link_a.send_file(file))
    event = await asyncio.wait_for(next_event(link_b), 5)
    assert isinstance(event, FileReceived)
    received = event.file
    assert not sending.done()  # not before the receiver has committed it
    assert (received.origin_node, received.origin_user) == ("NODEA", "CAROL")
    assert (received.dest_node, received.dest_user) == ("NODEB", "JOHN")
    assert (received.file_name, received.file_type, received.spool_class) == (
        "PROFILE", "EXEC", "B",
    )  # fmt: skip
    assert received.records == records
    assert received.njt is not None and received.njt.cards == 500
    assert received.ndhs[0].tag == "A TAG" and received.network_file_id[:2] == ("NODEA", 17)
    await link_b.confirm(received)
    await asyncio.wait_for(sending, 5)
    await link_a.close()
    down_a = await asyncio.wait_for(next_event(link_a), 5)
    down_b = await asyncio.wait_for(next_event(link_b), 5)
    assert isinstance(down_a, LinkDown) and not down_a.error
    assert isinstance(down_b, LinkDown) and not down_b.error


async def test_print_file_the_other_way(pair: tuple[NJELink, NJELink]) -> None:
    link_a, link_b = pair
    lines = [FileRecord(b"\xc8\xc9" + bytes(100), cc=0x09), FileRecord(b"\xd3\xc1\xe2\xe3", 0x11)]
    file = make_file(
        ("NODEB", "OPER"), ("NODEA", "CAROL"), lines, file_name="LISTING", file_type="LIST",
        print_file=True,
    )  # fmt: skip
    sending = asyncio.create_task(link_b.send_file(file))
    event = await asyncio.wait_for(next_event(link_a), 5)
    assert isinstance(event, FileReceived)
    assert event.file.is_print and event.file.records == lines
    await link_a.confirm(event.file)
    await asyncio.wait_for(sending, 5)


async def test_rejected_file_raises(pair: tuple[NJELink, NJELink]) -> None:
    link_a, link_b = pair
    file = make_file(("NODEA", "CAROL"), ("NODEB", "NOBODY"), cards(3))
    sending = asyncio.create_task(link_a.send_file(file))
    event = await asyncio.wait_for(next_event(link_b), 5)
    assert isinstance(event, FileReceived)
    await link_b.reject(event.file)
    with pytest.raises(FileRefusedError):
        await asyncio.wait_for(sending, 5)
    # the link stays up and takes the next file
    await link_a.send_message("NODEA", "CAROL", "NODEB", "JOHN", "still there?")
    assert isinstance(await asyncio.wait_for(next_event(link_b), 5), MessageReceived)


async def test_link_cut_mid_file_requeues(pair: tuple[NJELink, NJELink]) -> None:
    link_a, link_b = pair
    file = make_file(("NODEA", "CAROL"), ("NODEB", "JOHN"), cards(10))
    sending = asyncio.create_task(link_a.send_file(file))
    event = await asyncio.wait_for(next_event(link_b), 5)
    assert isinstance(event, FileReceived)
    await link_b.abort("cut")  # before committing: the file is not delivered
    with pytest.raises(LinkDownError):
        await asyncio.wait_for(sending, 5)
    down = await asyncio.wait_for(next_event(link_a), 5)
    assert isinstance(down, LinkDown) and down.error


async def test_unknown_node_is_refused() -> None:
    with pytest.raises(OpenRefused) as refused:
        await open_pair(links=("NODEC",))
    assert refused.value.reason == NAK_NO_SUCH_LINK


async def test_keepalive_holds_an_idle_link() -> None:
    timeouts = Timeouts(handshake=5.0, keepalive=0.05, idle=0.5)
    link_a, link_b, server = await open_pair(timeouts=timeouts)
    await asyncio.sleep(1.0)
    assert link_a.is_active and link_b.is_active
    await link_a.close()
    await link_b.wait_closed()
    server.close()


async def test_garbage_gives_clean_link_down(pair: tuple[NJELink, NJELink]) -> None:
    link_a, link_b = pair
    link_a._writer.write(bytes.fromhex("0000001000000000000000041002ff00") + b"junk")
    down = await asyncio.wait_for(next_event(link_b), 5)
    assert isinstance(down, LinkDown) and down.error and "BCB" in down.reason
    down = await asyncio.wait_for(next_event(link_a), 5)
    assert isinstance(down, LinkDown)
    with pytest.raises(LinkDownError):
        await link_b.send_message("NODEB", "X", "NODEA", "Y", "too late")


async def test_cancel_file_raises_in_the_sender(pair: tuple[NJELink, NJELink]) -> None:
    link_a, link_b = pair
    link_b.set_wait_a_bit(True)  # hold the data back so the file is still in transit
    await asyncio.sleep(0.05)
    file = make_file(("NODEA", "CAROL"), ("NODEB", "JOHN"), cards(50))
    sending = asyncio.create_task(link_a.send_file(file))
    await asyncio.sleep(0.05)
    await link_a.cancel_file(file)
    with pytest.raises(FileRefusedError):
        await asyncio.wait_for(sending, 5)
    link_b.set_wait_a_bit(False)
    await link_a.send_message("NODEA", "CAROL", "NODEB", "JOHN", "after the flush")
    event = await asyncio.wait_for(next_event(link_b), 5)
    assert isinstance(event, MessageReceived)


def test_retry_schedule() -> None:
    assert [retry_delay(n) for n in range(6)] == [60, 120, 300, 900, 900, 900]


async def scripted_peer(
    script: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, asyncio.Server]:
    server = await asyncio.start_server(script, "127.0.0.1", 0)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.sockets[0].getsockname()[1])
    return reader, writer, server


@pytest.mark.parametrize(
    ("answer", "error", "reason"),
    [
        (b"", NJELinkError, None),  # silence: handshake timeout
        (open_record("NODEB", "127.0.0.1", "NODEA", "127.0.0.1").encode(), NJELinkError, None),
        (ControlRecord(NAK, "NODEB", "0.0.0.0", "NODEA", "0.0.0.0", 2).encode(), OpenRefused, 2),
        (ControlRecord(ACK, "NODEX", "0.0.0.0", "NODEA", "0.0.0.0").encode(), NJELinkError, None),
        (b"\xff" * 33, NJELinkError, None),
    ],
)
async def test_active_open_failures(
    answer: bytes, error: type[Exception], reason: int | None
) -> None:
    async def peer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readexactly(33)
        writer.write(answer)
        await asyncio.sleep(1)
        writer.close()

    reader, writer, server = await scripted_peer(peer)
    timeouts = Timeouts(handshake=0.2)
    with pytest.raises(error) as raised:
        await NJELink.connect(reader, writer, "NODEA", "NODEB", timeouts=timeouts)
    if reason is not None:
        assert isinstance(raised.value, OpenRefused) and raised.value.reason == reason
    server.close()


async def test_sign_on_timeout_and_idle_timeout() -> None:
    async def mute(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = ControlRecord.decode(await reader.readexactly(33))
        writer.write(request.reply(ACK).encode())  # then never answers SOH ENQ
        await asyncio.sleep(2)
        writer.close()

    reader, writer, server = await scripted_peer(mute)
    with pytest.raises(NJELinkError, match="sign-on"):
        await NJELink.connect(reader, writer, "NODEA", "NODEB", timeouts=Timeouts(handshake=0.1))
    server.close()

    timeouts = Timeouts(handshake=5.0, keepalive=60.0, idle=0.3)
    link_a, link_b, server = await open_pair(timeouts=timeouts)
    down = await asyncio.wait_for(next_event(link_a), 5)
    assert isinstance(down, LinkDown) and down.error and "nothing received" in down.reason
    await link_b.wait_closed()
    server.close()


async def test_accept_with_a_judging_function() -> None:
    def judge(node: str) -> int:
        return NAK_ALREADY_ACTIVE if node == "NODEA" else 0

    accepted: asyncio.Future[NJELink] = asyncio.get_running_loop().create_future()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            accepted.set_result(await NJELink.accept(reader, writer, "NODEB", judge))
        except NJELinkError as error:
            accepted.set_exception(error)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    with pytest.raises(OpenRefused) as refused:
        await NJELink.connect(reader, writer, "NODEA", "NODEB")
    assert refused.value.reason == NAK_ALREADY_ACTIVE
    with pytest.raises(OpenRefused):
        await accepted
    server.close()


async def exchange_both_ways(link_a: NJELink, link_b: NJELink, count: int) -> None:
    """Files and messages in both directions at once; each side confirms what it receives."""

    async def receive(link: NJELink, files: int, messages: int) -> None:
        sizes: list[int] = []
        texts: list[str] = []
        async for event in link.events():
            if isinstance(event, FileReceived):
                await link.confirm(event.file)
                assert event.file.records == cards(len(event.file.records))
                sizes.append(len(event.file.records))
                files -= 1
            elif isinstance(event, MessageReceived):
                texts.append(event.nmr.text)
                messages -= 1
            if not files and not messages:
                break
        assert sorted(sizes) == [count, count + 1, count + 2]
        assert texts == [f"message {number}" for number in range(3)]

    async def send(link: NJELink, origin: str, dest: str) -> None:
        for number in range(3):
            await link.send_message(origin, "U", dest, "V", f"message {number}")
            file = make_file((origin, "U"), (dest, "V"), cards(count + number))
            await link.send_file(file)

    await asyncio.wait_for(
        asyncio.gather(
            receive(link_a, 3, 3), receive(link_b, 3, 3),
            send(link_a, "NODEA", "NODEB"), send(link_b, "NODEB", "NODEA"),
        ),
        20,
    )  # fmt: skip


async def test_full_duplex(pair: tuple[NJELink, NJELink]) -> None:
    await exchange_both_ways(*pair, count=3000)


def test_full_duplex_under_uvloop() -> None:
    uvloop = pytest.importorskip("uvloop")

    async def scenario() -> None:
        link_a, link_b, server = await open_pair()
        await exchange_both_ways(link_a, link_b, count=500)
        await link_a.close()
        await link_b.wait_closed()
        server.close()

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(scenario())


async def test_missing_completion_drops_the_link() -> None:
    timeouts = Timeouts(handshake=5.0, keepalive=60.0, idle=60.0, complete=0.1)
    link_a, link_b, server = await open_pair(timeouts=timeouts)
    file = make_file(("NODEA", "CAROL"), ("NODEB", "JOHN"), cards(2))
    sending = asyncio.create_task(link_a.send_file(file))
    assert isinstance(await asyncio.wait_for(next_event(link_b), 5), FileReceived)
    with pytest.raises(LinkDownError):  # NODEB never confirms
        await asyncio.wait_for(sending, 5)
    down = await asyncio.wait_for(next_event(link_a), 5)
    assert isinstance(down, LinkDown) and "C0" in down.reason and down.unsent == (file,)
    await link_b.wait_closed()
    server.close()


async def test_keepalive_while_only_receiving() -> None:
    """A side that only receives still writes keepalives (the peer's silence detector)."""
    timeouts = Timeouts(handshake=5.0, keepalive=0.1, idle=60.0)
    link_a, link_b, server = await open_pair(timeouts=timeouts)
    written: list[bytes] = []
    original = link_b._writer.write

    def spy(data: bytes | bytearray | memoryview) -> None:
        written.append(bytes(data))
        original(data)

    link_b._writer.write = spy  # type: ignore[method-assign]
    for number in range(12):
        await link_a.send_message("NODEA", "U", "NODEB", "V", f"busy {number}")
        await asyncio.wait_for(next_event(link_b), 5)
        await asyncio.sleep(0.03)
    assert bytes.fromhex("0000000c0000000000000000") in written
    await link_a.close()
    assert isinstance(await asyncio.wait_for(next_event(link_b), 5), LinkDown)
    async for _ in link_b.events():  # after the LinkDown the iterator ends at once
        raise AssertionError("event after LinkDown")
    server.close()
