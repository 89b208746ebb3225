"""The sans-IO NJE link machine: sign-on, BCB and NAK handling, FCS wait-a-bit, stream
permission and completion, and the clean failures (reference/nje-rscs.md sections 4.6, 6, 7,
10, 11 and 12)."""

from __future__ import annotations

import pytest

from guests.rscs.nje.block import RCB_REQUEST, Record, decode_block, encode_record
from guests.rscs.nje.events import (
    FileDelivered,
    FileReceived,
    FileRefused,
    LinkDown,
    MessageReceived,
    SignedOn,
)
from guests.rscs.nje.files import FileRecord, OutboundFile, make_file
from guests.rscs.nje.framing import classify_unit, decode_ttb, encode_ttb
from guests.rscs.nje.headers import JobHeader, segment_header
from guests.rscs.nje.nmr import user_message
from guests.rscs.nje.protocol import LinkOptions, LinkState, LinkStateError, NJEProtocol
from tests.guests.rscs.nje_helpers import Pair, hexbytes

J_TTB = hexbytes(
    "00 00 00 3E 00 00 00 00 | 00 00 00 2E | 10 02 A0 8F CF"
    " F0 D1 29 D5 D6 C4 C5 C2 40 40 40 01 00 00 00 00 00 00 20 00"
    " 40 40 40 40 40 40 40 40 40 40 40 40 40 40 40 40 00 00 00 00 00 | 00 00 00 00"
)


def cards(count: int) -> list[FileRecord]:
    return [FileRecord(f"CARD {n}".encode("cp037").ljust(80, b"\x40")) for n in range(count)]


def a_file(count: int = 5, user: str = "JOHN") -> OutboundFile:
    return make_file(("NODEA", "CAROL"), ("NODEB", user), cards(count), file_name="F")


def inject(protocol: NJEProtocol, body: bytes, bcb: int = 0x90, fast_open: bool = False) -> None:
    """Deliver one block from the peer (bypass BCB by default, so counts are untouched)."""
    unit = b"\x10\x02" + bytes([bcb, 0x8F, 0xCF]) + body + b"\x00"
    protocol.receive_data(encode_ttb([unit], fast_open=fast_open))


def blocks_sent(data: bytes) -> list[bytes]:
    """The DLE STX payloads in a chunk of output TTBs."""
    payloads = []
    while data:
        length = int.from_bytes(data[2:4], "big")
        for ttr in decode_ttb(data[:length]):
            unit = classify_unit(ttr.data)
            if unit.data:
                payloads.append(unit.data)
        data = data[length:]
    return payloads


def test_sign_on_bytes() -> None:
    pair = Pair()
    pair.start()
    assert pair.wire_a_to_b[0] == hexbytes("00 00 00 12 00 00 00 00 00 00 00 02 01 2D 00 00 00 00")
    assert pair.wire_b_to_a[0] == hexbytes("00 00 00 12 00 00 00 00 00 00 00 02 10 70 00 00 00 00")
    i_block = pair.wire_a_to_b[1]
    assert i_block[:17] == hexbytes("00 00 00 3E 00 00 00 00 00 00 00 2E 10 02 A0 8F CF")
    assert i_block[17:20] == hexbytes("F0 C9 29")
    assert pair.wire_b_to_a[1] == J_TTB
    assert pair.a.state is pair.b.state is LinkState.ACTIVE
    assert pair.events_a == [SignedOn("NODEB", 8192)]


def test_buffer_negotiation_limits_every_ttb() -> None:
    pair = Pair(LinkOptions(buffer_size=1024), LinkOptions(buffer_size=8192))
    pair.start()
    assert pair.a.buffer_size == pair.b.buffer_size == 1024
    pair.b.queue_file(make_file(("NODEB", "X"), ("NODEA", "Y"), cards(200)))
    pair.run()
    (received,) = [e for e in pair.events_a if isinstance(e, FileReceived)]
    assert len(received.file.records) == 200
    for chunk in pair.wire_b_to_a:
        while chunk:
            length = int.from_bytes(chunk[2:4], "big")
            assert length <= 1024
            chunk = chunk[length:]


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        (LinkOptions(line_password="SECRET"), "line password"),
        (LinkOptions(node_password="SECRET"), "node password"),
    ],
)
def test_passwords_are_checked(options: LinkOptions, problem: str) -> None:
    pair = Pair(options_b=options)
    pair.start()
    assert pair.b.state is LinkState.CLOSED
    (down,) = [e for e in pair.events_b if isinstance(e, LinkDown)]
    assert problem in down.reason and down.error


def test_passwords_that_match() -> None:
    options = LinkOptions(line_password="SECRET", node_password="NODEPW")
    pair = Pair(options, options)
    pair.start()
    assert pair.a.active and pair.b.active


def test_sign_on_from_the_wrong_node() -> None:
    primary = NJEProtocol("NODEX", "NODEB", primary=True)
    secondary = NJEProtocol("NODEB", "NODEA", primary=False)
    secondary.start()
    primary.start()
    for _ in range(3):
        secondary.receive_data(primary.data_to_send())
        primary.receive_data(secondary.data_to_send())
    (down,) = secondary.events()
    assert isinstance(down, LinkDown) and "NODEX" in down.reason


def test_messages_are_numbered_and_duplicates_dropped() -> None:
    pair = Pair()
    pair.start()
    for text in ("one", "two"):
        pair.a.send_nmr(user_message("NODEA", "U", "NODEB", "V", text))
    data = pair.a.data_to_send()
    first, second = blocks_sent(data)
    assert (first[0], second[0]) == (0x80, 0x81)
    pair.b.receive_data(data)
    pair.b.receive_data(encode_ttb([b"\x10\x02" + second]))  # identical retransmission
    texts = [e.nmr.text for e in pair.b.events() if isinstance(e, MessageReceived)]
    assert texts == ["one", "two"]
    gap = b"\x10\x02\x87" + second[1:]  # count 7 instead of 2: logged, accepted
    pair.b.receive_data(encode_ttb([gap]))
    assert [type(e) for e in pair.b.events()] == [MessageReceived]
    assert pair.b.active


def test_nak_retransmits_the_last_block_then_gives_up() -> None:
    pair = Pair()
    pair.start()
    pair.a.send_nmr(user_message("NODEA", "U", "NODEB", "V", "again"))
    sent = blocks_sent(pair.a.data_to_send())
    for _ in range(3):
        pair.a.receive_data(encode_ttb([b"\x3d\xff"]))
        assert blocks_sent(pair.a.data_to_send()) == sent
    pair.a.receive_data(encode_ttb([b"\x3d"]))
    assert pair.a.state is LinkState.CLOSED


def test_file_with_request_permit_and_complete() -> None:
    pair = Pair()
    pair.start()
    file = a_file(3)
    pair.a.queue_file(file)
    request = blocks_sent(pair.a.data_to_send())
    assert request == [hexbytes("80 8F CF 90 99 00 00")]
    pair.b.receive_data(encode_ttb([b"\x10\x02" + request[0]]))
    assert blocks_sent(pair.b.data_to_send()) == [hexbytes("80 8F CF A0 99 00 00")]
    pair.wire_a_to_b.clear()
    pair.b.receive_data(b"")
    pair.a.receive_data(encode_ttb([hexbytes("10 02 80 8F CF A0 99 00 00")]))
    stream = blocks_sent(pair.a.data_to_send())
    kinds = [decode_block(payload).records[0].srcb for payload in stream]
    assert kinds == [0xC0, 0xE0, 0x80, 0xD0, 0x80]  # NJH, NDH, data, NJT, end of file
    assert decode_block(stream[-1]).records == [Record(0x99, 0x80)]
    for payload in stream:
        pair.b.receive_data(encode_ttb([b"\x10\x02" + payload]))
    (received,) = pair.b.events()
    assert isinstance(received, FileReceived)
    pair.b.confirm_file(received.file)
    assert blocks_sent(pair.b.data_to_send()) == [hexbytes("81 8F CF C0 99 00 00")]
    pair.a.receive_data(encode_ttb([hexbytes("10 02 81 8F CF C0 99 00 00")]))
    assert pair.a.events() == [FileDelivered(file)]
    with pytest.raises(LinkStateError):
        pair.b.confirm_file(received.file)


def test_wait_a_bit_pauses_file_data() -> None:
    pair = Pair()
    pair.start()
    pair.b.set_wait_a_bit(True)
    pair.run()
    pair.a.queue_file(a_file(50))
    pair.run()
    assert not [e for e in pair.events_b if isinstance(e, FileReceived)]
    pair.b.set_wait_a_bit(False)
    pair.run()
    (received,) = [e for e in pair.events_b if isinstance(e, FileReceived)]
    assert len(received.file.records) == 50


def test_draining_receiver_refuses_files() -> None:
    pair = Pair()
    pair.start()
    pair.b.drain()
    file = a_file()
    pair.a.queue_file(file)
    pair.run()
    assert FileRefused(file, "refused by the receiver") in pair.events_a
    with pytest.raises(LinkStateError):
        pair.b.queue_file(a_file())


def test_rejected_after_receipt_is_a_cancel() -> None:
    pair = Pair()
    pair.start()
    file = a_file()
    pair.a.queue_file(file)
    pair.run()
    (received,) = [e for e in pair.events_b if isinstance(e, FileReceived)]
    pair.b.reject_file(received.file)
    pair.run()
    assert FileRefused(file, "cancelled by the receiver") in pair.events_a


def test_several_streams_at_once() -> None:
    pair = Pair(LinkOptions(max_outbound=3))
    pair.start()
    files = [a_file(20 + n, user=f"USER{n}") for n in range(4)]
    for file in files:
        pair.a.queue_file(file)
    requests = blocks_sent(pair.a.data_to_send())
    assert [payload[3:5] for payload in requests] == [b"\x90\x99", b"\x90\xa9", b"\x90\xb9"]
    pair.b.receive_data(b"".join(encode_ttb([b"\x10\x02" + p]) for p in requests))
    for _ in range(6):
        pair.run()
        for event in pair.events_b:
            if isinstance(event, FileReceived) and event.file.njt is not None:
                pair.b.confirm_file(event.file)
        pair.events_b = [e for e in pair.events_b if not isinstance(e, FileReceived)]
    delivered = [e.file for e in pair.events_a if isinstance(e, FileDelivered)]
    assert sorted(id(f) for f in delivered) == sorted(id(f) for f in files)


def test_sysin_job() -> None:
    pair = Pair()
    pair.start()
    njh = JobHeader(origin_node="NODEA", origin_user="CAROL", exec_node="NODEB",
                    exec_user="BATCH", job_name="MYJOB")  # fmt: skip
    job = OutboundFile(njh, cards(4), sysin=True)
    pair.a.queue_file(job)
    pair.run()
    (received,) = [e.file for e in pair.events_b if isinstance(e, FileReceived)]
    assert received.sysin and received.stream == 1 and not received.ndhs
    assert (received.dest_node, received.dest_user, received.file_name) == (
        "NODEB", "BATCH", "MYJOB",
    )  # fmt: skip


def test_sender_abort_is_confirmed_with_eof() -> None:
    pair = Pair()
    pair.start()
    inject(pair.b, bytes([RCB_REQUEST, 0x99, 0]))
    pair.b.data_to_send()
    njh = JobHeader(origin_node="NODEA").encode()
    inject(pair.b, encode_record(Record(0x99, 0xC0, segment_header(njh)[0])))
    inject(pair.b, hexbytes("99 80 40 00"))
    assert decode_block(blocks_sent(pair.b.data_to_send())[0]).records == [Record(0x99, 0x80)]
    assert pair.b.events() == [] and not pair.b.busy and pair.b.active


def test_fast_open_gets_no_permission() -> None:
    pair = Pair()
    pair.start()
    inject(pair.b, bytes([RCB_REQUEST, 0x99, 0]), fast_open=True)
    assert pair.b.data_to_send() == b"" and pair.b.busy


@pytest.mark.parametrize(
    "body",
    [
        "99 80 C2 50 C1 00",  # data before the job header
        "99 80 00",  # end of file before the job header
        "99 E0 C4 00 08 00 00 00",  # NDH before the NJH
    ],
)
def test_out_of_order_records_refuse_the_file(body: str) -> None:
    pair = Pair()
    pair.start()
    inject(pair.b, bytes([RCB_REQUEST, 0x99, 0]))
    pair.b.data_to_send()
    inject(pair.b, hexbytes(body))
    assert blocks_sent(pair.b.data_to_send())[0][3:5] == b"\xb0\x99"
    assert pair.b.active and not pair.b.busy


def test_unknown_rcb_skips_the_rest_of_the_block() -> None:
    pair = Pair()
    pair.start()
    nmr = encode_record(user_message("NODEA", "U", "NODEB", "V", "after").record())
    inject(pair.b, hexbytes("77 00 00") + nmr)
    inject(pair.b, nmr)
    assert [type(e) for e in pair.b.events()] == [MessageReceived]


@pytest.mark.parametrize(
    ("unit", "reason"),
    [
        ("10 02 90 8F CF E0 05 00 00", "BCB sequence error"),
        ("01 2D", "restarted"),
        ("10 02 90 8F CF F0 C9 29", "restarted"),
        ("10 02 C0 8F CF 00", "invalid BCB"),
    ],
)
def test_protocol_errors_drop_the_link(unit: str, reason: str) -> None:
    pair = Pair()
    pair.start()
    pair.a.queue_file(a_file())
    pair.a.data_to_send()
    pair.a.receive_data(encode_ttb([hexbytes(unit)]))
    (down,) = pair.a.events()
    assert isinstance(down, LinkDown) and down.error and reason in down.reason
    assert len(down.unsent) == 1
    assert pair.a.data_to_send() == b""


def test_signoff_from_the_peer_requeues_files() -> None:
    pair = Pair()
    pair.start()
    file = a_file()
    pair.b.queue_file(make_file(("NODEB", "X"), ("NODEA", "Y"), cards(1)))
    pair.a.queue_file(file)
    pair.b.signoff()
    pair.run()
    (down,) = [e for e in pair.events_a if isinstance(e, LinkDown)]
    assert not down.error and down.unsent == (file,)
    (own,) = [e for e in pair.events_b if isinstance(e, LinkDown)]
    assert len(own.unsent) == 1


def test_operations_need_an_active_link() -> None:
    protocol = NJEProtocol("NODEA", "NODEB", primary=True)
    protocol.start()
    with pytest.raises(LinkStateError):
        protocol.send_nmr(user_message("NODEA", "U", "NODEB", "V", "early"))
    with pytest.raises(LinkStateError):
        protocol.start()
    with pytest.raises(ValueError):
        protocol.queue_file(OutboundFile(JobHeader(), []))
    protocol.queue_file(a_file())  # waits for sign-on
    assert protocol.busy


def test_keepalive_and_ignored_units() -> None:
    pair = Pair()
    pair.start()
    pair.a.keepalive()
    assert pair.a.data_to_send() == hexbytes("00 00 00 0C 00 00 00 00 00 00 00 00")
    for unit in ("10 70", "32 3D", "10 02 90 8F CF 00", "10 02 90 8F CF F0 D2 00"):
        pair.b.receive_data(encode_ttb([hexbytes(unit)]))
    pair.b.receive_data(hexbytes("00 00 00 0C 00 00 00 00 00 00 00 00"))
    assert pair.b.active and pair.b.events() == []


def test_cancel_a_queued_a_requested_and_a_sending_file() -> None:
    pair = Pair(LinkOptions(high_water=4096))
    pair.start()
    first, second = a_file(2000), a_file(2)
    pair.a.queue_file(first)
    pair.a.queue_file(second)
    pair.a.cancel_file(second)  # still queued
    assert pair.a.events() == [FileRefused(second, "cancelled by the sender")]
    pair.b.receive_data(pair.a.data_to_send())  # the request
    pair.a.receive_data(pair.b.data_to_send())  # the permission
    pair.b.receive_data(pair.a.data_to_send())  # the first part of the file
    pair.a.cancel_file(first)
    pair.run()
    assert FileRefused(first, "cancelled by the sender") in pair.events_a
    assert not [e for e in pair.events_b if isinstance(e, FileReceived)]
    assert pair.a.active and pair.b.active and not pair.b.busy
    third = a_file(1)
    pair.a.queue_file(third)
    pair.a.cancel_file(third)  # requested: aborted once permission arrives
    pair.run()
    assert FileRefused(third, "cancelled by the sender") in pair.events_a
    assert not pair.a.busy and not pair.b.busy
    with pytest.raises(LinkStateError):
        pair.a.cancel_file(third)


def test_end_of_file_with_any_srcb() -> None:
    pair = Pair()
    pair.start()
    inject(pair.b, bytes([RCB_REQUEST, 0x99, 0]))
    pair.b.data_to_send()
    njh = JobHeader(origin_node="NODEA").encode()
    inject(pair.b, encode_record(Record(0x99, 0xC0, segment_header(njh)[0])))
    inject(pair.b, hexbytes("99 80 C2 01 C1 00"))
    inject(pair.b, hexbytes("99 00 00"))  # NJElib's end of file, without an NJT
    (event,) = pair.b.events()
    assert isinstance(event, FileReceived) and event.file.njt is None
    assert event.file.records == [FileRecord(b"\xc1")]


def test_store_and_forward_keeps_headers_byte_for_byte() -> None:
    first, second = Pair(), Pair()
    first.start()
    second.start()
    file = make_file(("NODEA", "CAROL"), ("NODEC", "JOHN"), cards(7), file_name="F",
                     file_type="T", tag="through B")  # fmt: skip
    first.a.queue_file(file)
    first.run()
    (arrived,) = [e.file for e in first.events_b if isinstance(e, FileReceived)]
    onward = arrived.forward()
    second.a.queue_file(onward)  # NODEB's link onward (named NODEA/NODEB here too)
    second.run()
    (final,) = [e.file for e in second.events_b if isinstance(e, FileReceived)]
    assert (final.hops, arrived.hops) == (1, 0)
    assert final.ndhs[0].raw == arrived.ndhs[0].raw and final.records == arrived.records
    assert final.njh.raw[:18] == arrived.njh.raw[:18] and final.njh.raw[20:] == arrived.njh.raw[20:]
    assert (final.dest_node, final.dest_user, final.ndhs[0].tag) == ("NODEC", "JOHN", "through B")


def test_trace_sees_every_ttb() -> None:
    seen: list[tuple[str, bytes]] = []
    pair = Pair(LinkOptions(trace=lambda direction, ttb: seen.append((direction, ttb))))
    pair.start()
    assert [direction for direction, _ in seen] == ["out", "in", "out", "in"]
    assert seen[0][1] == pair.wire_a_to_b[0] and seen[3][1] == J_TTB
