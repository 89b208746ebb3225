"""Golden exchanges: the captured FUNET-NJE session of reference/nje-rscs.md (sections 10.5,
12.1 and 13.3) replayed byte for byte against NJELink over loopback TCP, in both roles.

The scripted peer writes the captured bytes and checks that the link answers exactly as the
reference shows (our own blocks carry our own BCB counts)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from guests.rscs.nje.events import FileReceived, LinkDown, MessageReceived
from guests.rscs.nje.files import FileRecord
from guests.rscs.nje.framing import encode_ttb
from guests.rscs.nje.headers import DatasetHeader, JobHeader, JobTrailer, segment_header
from guests.rscs.nje.link import NJELink, Timeouts
from guests.rscs.nje.nmr import system_message
from guests.rscs.nje.scb import compress
from tests.guests.rscs.nje_helpers import hexbytes
from tests.guests.rscs.test_nje_codecs import (
    ACK_B_TO_A,
    END_OF_Q_SYS,
    HELLO_TTB,
    I_FROM_F,
    OPEN_A_TO_B,
    Q_SYS_BLOCK,
)
from tests.guests.rscs.test_nje_protocol import J_TTB

TIMEOUTS = Timeouts(handshake=5.0, keepalive=60.0, idle=60.0)
SOH_ENQ_FROM_F = hexbytes("00 00 00 13 00 00 00 00 | 00 00 00 03 | 01 2D FF | 00 00 00 00")
DLE_ACK0_FROM_F = hexbytes("00 00 00 13 00 00 00 00 | 00 00 00 03 | 10 70 FF | 00 00 00 00")
SOH_ENQ = hexbytes("00 00 00 12 00 00 00 00 | 00 00 00 02 | 01 2D | 00 00 00 00")
DLE_ACK0 = hexbytes("00 00 00 12 00 00 00 00 | 00 00 00 02 | 10 70 | 00 00 00 00")
I_FROM_US = hexbytes(
    "00 00 00 3E 00 00 00 00 | 00 00 00 2E | 10 02 A0 8F CF"
    " F0 C9 29 D5 D6 C4 C5 C1 40 40 40 01 00 00 00 00 00 00 20 00"
    " 40 40 40 40 40 40 40 40 40 40 40 40 40 40 40 40 00 00 00 00 00 | 00 00 00 00"
)
SIGNOFF_FROM_F = hexbytes("00 00 00 18 00 00 00 00 | 00 00 00 08 | 10 02 81 8F CF F0 C2 FF"
                          " | 00 00 00 00")  # fmt: skip
HELLO_CARD_RECORD = hexbytes("99 80 C6 50 C8 C5 D3 D3 D6 9F 9F 8D 00")


def block(bcb: int, body: bytes) -> bytes:
    return encode_ttb([b"\x10\x02" + bytes([bcb, 0x8F, 0xCF]) + body + b"\x00"])


async def expect(reader: asyncio.StreamReader, expected: bytes) -> None:
    received = await asyncio.wait_for(reader.readexactly(len(expected)), 5)
    assert received.hex(" ") == expected.hex(" ")


async def serve(
    handler: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
) -> tuple[asyncio.Server, int]:
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def first_event(link: NJELink) -> MessageReceived | FileReceived | LinkDown:
    async for event in link.events():
        return event
    raise AssertionError("no event")


async def test_passive_side_answers_funet_as_captured() -> None:
    """FUNET-NJE is NODEA and opens; vm370 is NODEB and listens."""
    accepted: asyncio.Future[NJELink] = asyncio.get_running_loop().create_future()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.set_result(await NJELink.accept(reader, writer, "NODEB", ["NODEA"],
                                                 timeouts=TIMEOUTS))  # fmt: skip

    server, port = await serve(handle)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(OPEN_A_TO_B)
    await expect(reader, ACK_B_TO_A)
    writer.write(SOH_ENQ_FROM_F)
    await expect(reader, DLE_ACK0)
    writer.write(encode_ttb([I_FROM_F]))
    await expect(reader, J_TTB)
    writer.write(DLE_ACK0_FROM_F)
    link = await asyncio.wait_for(accepted, 5)

    writer.write(block(0x80, END_OF_Q_SYS))  # F's reply to a command, one normal block
    event = await asyncio.wait_for(first_event(link), 5)
    assert isinstance(event, MessageReceived)
    assert (event.nmr.to_user, event.nmr.text) == ("OPER", "End of Q SYS display")

    await link.send_message("NODEB", "MAINT", "NODEA", "JOHN", "HELLO")
    expected = bytearray(HELLO_TTB)
    expected[14] = 0x80  # our first normal block; the capture's sender had sent one before
    await expect(reader, bytes(expected))

    writer.write(SIGNOFF_FROM_F)
    down = await asyncio.wait_for(first_event(link), 5)
    assert isinstance(down, LinkDown) and not down.error
    assert await asyncio.wait_for(reader.read(), 5) == b""  # we closed the connection
    writer.close()
    server.close()


async def test_active_side_talks_to_a_minimal_peer_as_captured() -> None:
    """vm370 is NODEA and opens (as FUNET-NJE did in the capture); the peer is NODEB."""
    script_done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    link_box: list[NJELink] = []

    async def peer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await expect(reader, OPEN_A_TO_B)
            writer.write(ACK_B_TO_A)
            await expect(reader, SOH_ENQ)
            writer.write(DLE_ACK0)
            await expect(reader, I_FROM_US)
            writer.write(J_TTB)
            await peer_session(reader, writer, link_box)
            script_done.set_result(None)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            script_done.set_exception(error)

    server, port = await serve(peer)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    link = await NJELink.connect(reader, writer, "NODEA", "NODEB", timeouts=TIMEOUTS)
    link_box.append(link)
    await asyncio.wait_for(script_done, 10)
    server.close()


async def peer_session(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, link_box: list[NJELink]
) -> None:
    """After sign-on: a command and its answer, a punch file on stream 1, then signoff."""
    while not link_box:
        await asyncio.sleep(0.01)
    link = link_box[0]
    writer.write(encode_ttb([Q_SYS_BLOCK]))
    event = await asyncio.wait_for(first_event(link), 5)
    assert isinstance(event, MessageReceived) and event.nmr.is_command
    reply = system_message("NODEA", event.nmr.from_node, event.nmr.from_user,
                           "End of Q SYS display")  # fmt: skip
    await link.send_nmr(reply)
    await expect(reader, block(0x80, END_OF_Q_SYS))

    writer.write(block(0x81, hexbytes("90 99 00")))  # request stream 1
    await expect(reader, block(0x81, hexbytes("A0 99 00")))  # permission
    njh = JobHeader(origin_node="NODEB", origin_user="MAINT", job_name="NJE_0001").encode()
    ndh = DatasetHeader(dest_node="NODEA", dest_user="JOHN", file_name="HELLO",
                        file_type="DATA", writer="JOHN", tag="CAPTURE").encode()  # fmt: skip
    count = 0x82
    for kind, header in ((0xC0, njh), (0xE0, ndh)):
        for segment in segment_header(header, 256):  # split as FUNET-NJE splits
            writer.write(block(count, bytes([0x99, kind]) + compress(segment, runs=False)))
            count += 1
    writer.write(block(count, HELLO_CARD_RECORD))
    njt = JobTrailer(lines=1, cards=1).encode()
    writer.write(block(count + 1, bytes([0x99, 0xD0]) + compress(njt, runs=False)))
    writer.write(block(count + 2, hexbytes("99 80 00")))
    event = await asyncio.wait_for(first_event(link), 5)
    assert isinstance(event, FileReceived)
    file = event.file
    assert (file.origin_node, file.origin_user, file.dest_user) == ("NODEB", "MAINT", "JOHN")
    assert (file.file_name, file.file_type, file.ndhs[0].tag) == ("HELLO", "DATA", "CAPTURE")
    assert file.records == [FileRecord("HELLO".encode("cp037").ljust(80, b"\x40"))]
    await link.confirm(file)
    await expect(reader, block(0x82, hexbytes("C0 99 00")))  # transmission complete

    await link.close()
    await expect(reader, block(0x83, hexbytes("F0 C2")))  # signoff
    assert await asyncio.wait_for(reader.read(), 5) == b""
