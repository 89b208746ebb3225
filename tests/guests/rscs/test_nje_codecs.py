"""Table-driven tests of the NJE codecs with byte strings from reference/nje-rscs.md
(sections 4.2, 5, 6, 7, 9, 10.5, 12.3, 12.4, 13.3 and 14)."""

from __future__ import annotations

import pytest

from guests.rscs.nje.block import (
    BCB_RESET,
    RCB_NCCR,
    RCB_NMR,
    BCBChecker,
    BCBSender,
    BCBVerdict,
    Record,
    RecordStatus,
    decode_block,
    encode_block,
    stream_of,
    stream_rcb,
)
from guests.rscs.nje.control import (
    ACK,
    NAK,
    NAK_OPEN_PENDING,
    ControlRecord,
    keep_local_open,
    open_record,
)
from guests.rscs.nje.files import FileRecord, decode_data_record, encode_data_record
from guests.rscs.nje.framing import (
    EMPTY_TTB,
    TTBReceiver,
    UnitKind,
    classify_unit,
    decode_ttb,
    encode_ttb,
)
from guests.rscs.nje.headers import (
    DatasetHeader,
    HeaderAssembler,
    JobHeader,
    JobTrailer,
    segment_header,
    set_hops,
)
from guests.rscs.nje.nmr import NodalMessage, command, system_message, user_message
from guests.rscs.nje.scb import compress, decompress_bytes
from guests.rscs.nje.signon import Signon, clamp_buffer_size
from guests.rscs.nje.wire import NJEDecodeError
from tests.guests.rscs.nje_helpers import hexbytes

# ----- section 4.2: the control record (captured, F as NODEA on 127.0.0.1) -----------------

OPEN_A_TO_B = hexbytes(
    "D6 D7 C5 D5 40 40 40 40  D5 D6 C4 C5 C1 40 40 40  7F 00 00 01"
    " D5 D6 C4 C5 C2 40 40 40  7F 00 00 01  00"
)
ACK_B_TO_A = hexbytes(
    "C1 C3 D2 40 40 40 40 40  D5 D6 C4 C5 C2 40 40 40  7F 00 00 01"
    " D5 D6 C4 C5 C1 40 40 40  7F 00 00 01  00"
)


def test_open_record_matches_capture() -> None:
    record = open_record("nodea", "127.0.0.1", "NODEB", "127.0.0.1")
    assert record.encode() == OPEN_A_TO_B
    assert ControlRecord.decode(OPEN_A_TO_B) == record


def test_ack_swaps_names_exactly() -> None:
    ack = ControlRecord.decode(OPEN_A_TO_B).reply(ACK)
    assert ack.encode() == ACK_B_TO_A
    nak = ControlRecord.decode(OPEN_A_TO_B).reply(NAK, NAK_OPEN_PENDING)
    assert nak.encode()[:8] == hexbytes("D5 C1 D2 40 40 40 40 40") and nak.encode()[-1] == 3


@pytest.mark.parametrize(
    "data",
    [
        OPEN_A_TO_B[:32],  # short
        OPEN_A_TO_B + b"\x00",  # long
        hexbytes("C2 C1 C4 40 40 40 40 40") + OPEN_A_TO_B[8:],  # type BAD
    ],
)
def test_bad_control_records(data: bytes) -> None:
    with pytest.raises(NJEDecodeError):
        ControlRecord.decode(data)


def test_simultaneous_open_rule() -> None:
    assert keep_local_open("NODEA", "NODEB")
    assert not keep_local_open("NODEB", "NODEA")


# ----- sections 5 and 6: TTB/TTR and BSC units --------------------------------------------


def test_ttb_framing_of_soh_enq_and_dle_ack0() -> None:
    assert encode_ttb([hexbytes("01 2D")]) == hexbytes(
        "00 00 00 12 00 00 00 00 | 00 00 00 02 | 01 2D | 00 00 00 00"
    )
    assert encode_ttb([hexbytes("10 70")]) == hexbytes(
        "00 00 00 12 00 00 00 00 | 00 00 00 02 | 10 70 | 00 00 00 00"
    )
    assert encode_ttb([]) == EMPTY_TTB


def test_ttb_decoding_is_lenient() -> None:
    captured = hexbytes("00 00 00 13 00 00 00 00 | 00 00 00 03 | 01 2D FF | 00 00 00 00")
    (ttr,) = decode_ttb(captured)
    assert classify_unit(ttr.data).kind is UnitKind.SOH_ENQ
    no_final = hexbytes("80 01 00 0F 12 34 56 78 | 80 00 00 03 | 10 70 FF")
    (ttr,) = decode_ttb(no_final)
    assert ttr.fast_open and classify_unit(ttr.data).kind is UnitKind.DLE_ACK0
    two = encode_ttb([b"\x10\x70", b"\x3d"])
    assert [classify_unit(t.data).kind for t in decode_ttb(two)] == [
        UnitKind.DLE_ACK0, UnitKind.NAK,
    ]  # fmt: skip
    assert decode_ttb(EMPTY_TTB) == []


@pytest.mark.parametrize(
    "block",
    [
        hexbytes("00 00 00 10 00 00 00 00 | 00 00 00 09 | 10 70 00 00"),  # TTR overruns
        hexbytes("00 00 00 0A 00 00 00 00 | 00 00"),  # truncated TTR header
        hexbytes("00 00 00 20 00 00 00 00"),  # length does not match
    ],
)
def test_bad_ttbs(block: bytes) -> None:
    with pytest.raises(NJEDecodeError):
        decode_ttb(block)


def test_ttb_receiver_needs_more_bytes() -> None:
    receiver = TTBReceiver()
    whole = encode_ttb([b"\x01\x2d"]) + EMPTY_TTB
    for byte in whole[:-1]:
        receiver.feed(bytes([byte]))
    assert receiver.next_ttb() == encode_ttb([b"\x01\x2d"])
    assert receiver.next_ttb() is None
    receiver.feed(whole[-1:])
    assert receiver.next_ttb() == EMPTY_TTB
    receiver.feed(hexbytes("00 00 00 04"))
    with pytest.raises(NJEDecodeError):
        receiver.next_ttb()


@pytest.mark.parametrize(
    ("unit", "kind", "data"),
    [
        ("01 2D", UnitKind.SOH_ENQ, ""),
        ("01 2D FF", UnitKind.SOH_ENQ, ""),
        ("32 32 10 70", UnitKind.DLE_ACK0, ""),
        ("3D FF", UnitKind.NAK, ""),
        ("32 3D", UnitKind.SYN_NAK, ""),
        ("10 02 90 8F CF 00", UnitKind.BLOCK, "90 8F CF 00"),
        ("", UnitKind.EMPTY, ""),
        ("32", UnitKind.EMPTY, ""),
        ("10 26", UnitKind.UNKNOWN, "10 26"),
    ],
)
def test_bsc_units(unit: str, kind: UnitKind, data: str) -> None:
    classified = classify_unit(hexbytes(unit))
    assert (classified.kind, classified.data) == (kind, hexbytes(data))


# ----- section 9: SCB ---------------------------------------------------------------------

HELLO_CARD = b"\x50" + "HELLO".encode("cp037").ljust(80, b"\x40")


@pytest.mark.parametrize(
    ("data", "runs", "encoded"),
    [
        (HELLO_CARD, True, "C6 50 C8 C5 D3 D3 D6 9F 9F 8D 00"),
        (b"", True, "00"),
        (b"\x40\x40", True, "C2 40 40 00"),
        (b"\x5c" * 40, True, "BF 5C A9 5C 00"),
        (b"\x40" * 33 + b"\xc1", True, "9F C3 40 40 C1 00"),  # a short tail joins the literal
        (b"\x40" * 34, True, "9F 83 00"),
        (b"\xc1\xc1\xc1\x40\x40\x40", True, "A3 C1 83 00"),
        (b"\x40" * 3, False, "C3 40 40 40 00"),
        (bytes(range(64)), False, "FF " + bytes(range(63)).hex() + " C1 3F 00"),
    ],
)
def test_scb_encoding(data: bytes, runs: bool, encoded: str) -> None:
    assert compress(data, runs=runs) == hexbytes(encoded)
    assert decompress_bytes(hexbytes(encoded)).data == data


@pytest.mark.parametrize(
    ("encoded", "data", "aborted"),
    [
        ("80 A0 5C C0 C2 C1 C2 00", "C1 C2", False),  # zero counts decode as nothing
        ("40 00", "", True),
        ("40", "", True),
        ("C1 C1", "C1", False),  # the end of the data ends the record too
    ],
)
def test_scb_decoding(encoded: str, data: str, aborted: bool) -> None:
    result = decompress_bytes(hexbytes(encoded))
    assert (result.data, result.aborted) == (hexbytes(data), aborted)


@pytest.mark.parametrize("encoded", ["01 00", "7F 00", "C2 C1", "C1 C1 40 00", "C1 C1 00 00"])
def test_scb_errors(encoded: str) -> None:
    with pytest.raises(NJEDecodeError):
        decompress_bytes(hexbytes(encoded))


def test_scb_output_is_bounded() -> None:
    with pytest.raises(NJEDecodeError):
        decompress_bytes(b"\x9f" * 1100 + b"\x00")


# ----- sections 7 and 8: blocks, RCBs, BCB -------------------------------------------------

Q_SYS_BLOCK = hexbytes(
    "10 02 80 8F CF  9A 00  E3  80 77 00 05  D5 D6 C4 C5 C1 40 40 40  00"
    " D6 D7 C5 D9 40 40 40 40  D5 D6 C4 C5 C2 40 40 40  00  D8 40 E2 E8 E2  00  00"
)


def test_decode_captured_command_block() -> None:
    block = decode_block(Q_SYS_BLOCK[2:])
    assert (block.bcb, block.fcs, block.unknown_rcb) == (0x80, 0x8FCF, None)
    (record,) = block.records
    assert (record.rcb, record.srcb, len(record.data)) == (RCB_NMR, 0x00, 35)


@pytest.mark.parametrize(
    ("payload", "records", "unknown"),
    [
        ("90 8F CF 00", [], None),  # null buffer
        ("80 8F CF 90 99 00 00", [Record(0x90, 0x99)], None),  # request, stream 1 SYSOUT
        ("80 8F CF A0 99 00", [Record(0xA0, 0x99)], None),  # no final RCB
        ("80 8F CF 99 80 C1 C1 00 77 80 00", [Record(0x99, 0x80, b"\xc1")], 0x77),
        ("80 8F CF 99 80 05 00", [Record(0x99, 0x80, b"", RecordStatus.CORRUPT)], None),
        ("80 8F CF 99 80 40 00 00", [Record(0x99, 0x80, b"", RecordStatus.ABORT)], None),
        ("80 8F CF F0 C2 FF", [Record(RCB_NCCR, 0xC2, b"\xff")], None),
    ],
)
def test_block_decoding(payload: str, records: list[Record], unknown: int | None) -> None:
    block = decode_block(hexbytes(payload))
    assert (block.records, block.unknown_rcb) == (records, unknown)


def test_block_encoding() -> None:
    assert encode_block(0x83, [Record(0x90, 0x99)]) == hexbytes("10 02 83 8F CF 90 99 00 00")
    card = Record(0x99, 0x80, HELLO_CARD)
    assert encode_block(0x80, [card]) == hexbytes(
        "10 02 80 8F CF 99 80 C6 50 C8 C5 D3 D3 D6 9F 9F 8D 00 00"
    )
    with pytest.raises(NJEDecodeError):
        decode_block(b"\x80\x8f")


@pytest.mark.parametrize(
    ("stream", "sysout", "rcb"), [(1, True, 0x99), (1, False, 0x98), (7, True, 0xF9)]
)
def test_stream_rcbs(stream: int, sysout: bool, rcb: int) -> None:
    assert stream_rcb(stream, sysout) == rcb and stream_of(rcb) == stream
    assert stream_of(RCB_NMR) is None and stream_of(0x88) is None


def test_bcb_sender_sequence() -> None:
    sender = BCBSender()
    sent = [sender.next() for _ in range(18)]
    assert sent[:3] == [BCB_RESET, 0x80, 0x81] and sent[16:] == [0x8F, 0x80]


def test_bcb_checker_leniency() -> None:
    checker = BCBChecker()
    assert checker.check(b"\xa0\x8f\xcf") is BCBVerdict.ACCEPT
    assert checker.check(b"\x80\x8f\xcf\x00") is BCBVerdict.ACCEPT
    assert checker.check(b"\x80\x8f\xcf\x00") is BCBVerdict.DUPLICATE  # identical retransmission
    assert checker.check(b"\x81\x8f\xcf\x00") is BCBVerdict.ACCEPT
    assert checker.check(b"\x95\x8f\xcf\x00") is BCBVerdict.ACCEPT  # bypass: no change
    assert checker.check(b"\x85\x8f\xcf\x00") is BCBVerdict.GAP
    assert checker.expected == 6
    assert checker.check(b"\xa3\x8f\xcf\x00") is BCBVerdict.ACCEPT and checker.expected == 3
    for bad in (b"\xb0\x8f\xcf", b"\x00", b""):
        with pytest.raises(NJEDecodeError):
            checker.check(bad)


# ----- section 10: sign-on -----------------------------------------------------------------

I_FROM_F = hexbytes(
    "10 02 A0 8F CF F0 C9 25 D5 D6 C4 C5 C1 40 40 40 01 00 00 00 00 00 00 20 00"
    " 40 40 40 40 40 40 40 40 40 40 40 40 40 40 40 40 00 00 00 00 00"
)
J_TO_F = hexbytes(
    "10 02 A0 8F CF F0 D1 29 D5 D6 C4 C5 C2 40 40 40 01 00 00 00 00 00 00 20 00"
    " 40 40 40 40 40 40 40 40 40 40 40 40 40 40 40 40 00 00 00 00 00"
)


def test_signon_records_from_the_capture() -> None:
    (record,) = decode_block(I_FROM_F[2:]).records
    initial = Signon.from_record(record)
    assert (initial.node, initial.buffer_size, initial.response) == ("NODEA", 8192, False)
    reply = Signon("NODEB", 8192, response=True).record()
    assert encode_block(BCB_RESET, [reply], final=False) == J_TO_F
    assert len(reply.data) + 2 == 41


def test_signon_lengths_are_lenient() -> None:
    (record,) = decode_block(J_TO_F[2:]).records
    longer = Record(RCB_NCCR, record.srcb, record.data + b"\x00\x00\x00")
    assert Signon.from_record(longer) == Signon.from_record(record)
    older = Record(RCB_NCCR, record.srcb, b"\x25" + record.data[1:35])
    assert Signon.from_record(older).features == 0
    with pytest.raises(NJEDecodeError):
        Signon.from_record(Record(RCB_NCCR, record.srcb, record.data[:20]))
    with pytest.raises(NJEDecodeError):
        Signon.from_record(Record(RCB_NCCR, 0xC2, record.data))


@pytest.mark.parametrize(("size", "clamped"), [(0, 256), (8192, 8192), (65535, 32767)])
def test_buffer_clamp(size: int, clamped: int) -> None:
    assert clamp_buffer_size(size) == clamped


# ----- section 13: NMRs --------------------------------------------------------------------

HELLO_TTB = hexbytes(
    "00 00 00 45 00 00 00 00 | 00 00 00 35 | 10 02 81 8F CF  9A 80  EB"
    " 20 77 0C 0D  D5 D6 C4 C5 C1 40 40 40  00  D1 D6 C8 D5 40 40 40 40"
    " D5 D6 C4 C5 C2 40 40 40  00  D4 C1 C9 D5 E3 40 40 40  C8 C5 D3 D3 D6  00  00"
    " | 00 00 00 00"
)
END_OF_Q_SYS = hexbytes(
    "9A 80  F2  20 77 04 14  D5 D6 C4 C5 C2 40 40 40  00  D6 D7 C5 D9 40 40 40 40"
    " D5 D6 C4 C5 C1 40 40 40  00  C5 95 84 40 96 86 40 D8 40 E2 E8 E2 40 84 89 A2 97 93"
    " 81 A8  00"
)


def test_user_message_matches_reference_block() -> None:
    nmr = user_message("NODEB", "MAINT", "NODEA", "JOHN", "HELLO")
    assert encode_ttb([encode_block(0x81, [nmr.record()])]) == HELLO_TTB
    (ttr,) = decode_ttb(HELLO_TTB)
    (record,) = decode_block(classify_unit(ttr.data).data).records
    decoded = NodalMessage.decode(record.data)
    assert decoded == nmr
    assert (decoded.from_user, decoded.to_user, decoded.text) == ("MAINT", "JOHN", "HELLO")


def test_command_and_system_reply_from_capture() -> None:
    (record,) = decode_block(Q_SYS_BLOCK[2:]).records
    query = NodalMessage.decode(record.data)
    assert query.is_command and (query.from_user, query.from_node) == ("OPER", "NODEB")
    assert (query.to_node, query.text) == ("NODEA", "Q SYS")
    (record,) = decode_block(b"\x80\x8f\xcf" + END_OF_Q_SYS).records
    reply = NodalMessage.decode(record.data)
    assert (reply.to_node, reply.to_user, reply.from_node) == ("NODEB", "OPER", "NODEA")
    assert (reply.from_user, reply.text) == ("", "End of Q SYS display")
    assert reply == system_message("NODEA", "NODEB", "OPER", "End of Q SYS display")
    assert reply.record().data == record.data  # forwarded byte for byte


def test_command_form_and_short_nmr() -> None:
    nmr = command("NODEB", "oper", "NODEA", "CPQ TIME")
    assert nmr.record().data[:4] == hexbytes("A0 77 00 08")
    with pytest.raises(NJEDecodeError):
        NodalMessage.decode(nmr.record().data[:-1])
    text = NodalMessage(0x20, 0x04, "A", "B", "C", b"\xc1\x05\xc2")
    assert text.text == "A B"  # control characters shown as blanks


# ----- sections 12 and 14: headers and data records ----------------------------------------


def test_header_sizes_and_round_trips() -> None:
    njh = JobHeader(origin_node="NODEA", origin_user="CAROL", job_id=42, hops=1)
    ndh = DatasetHeader(dest_node="NODEB", dest_user="JOHN", file_name="A", tag="T")
    njt = JobTrailer(lines=5, cards=5)
    assert [len(njh.encode()), len(ndh.encode()), len(njt.encode())] == [204, 296, 48]
    assert len(DatasetHeader().encode()) == 160
    assert JobHeader.decode(njh.encode()) == njh
    assert DatasetHeader.decode(ndh.encode()) == ndh
    assert JobTrailer.decode(njt.encode()) == njt
    encoded = njh.encode()
    assert encoded[68:76] == "NODEA".encode("cp037").ljust(8, b"\x40")
    assert encoded[4:8] == hexbytes("00 C8 00 00") and encoded[8:10] == b"\x00\x2a"


def test_ndh_without_rscs_section_and_longer_general_sections() -> None:
    plain = DatasetHeader(dest_node="MVS", has_rscs_section=False)
    decoded = DatasetHeader.decode(plain.encode())
    assert not decoded.has_rscs_section and decoded.dest_node == "MVS"
    zos = bytearray(JobHeader(origin_node="ZOS").encode() + bytes(12))
    zos[0:2] = (216).to_bytes(2, "big")
    zos[4:6] = (212).to_bytes(2, "big")
    assert JobHeader.decode(bytes(zos)).origin_node == "ZOS"
    with pytest.raises(NJEDecodeError):
        JobHeader.decode(hexbytes("00 08 00 00 00 02 00 00"))


def test_segmentation_like_funet_and_njelib() -> None:
    ndh = DatasetHeader(tag="X").encode()
    funet = segment_header(ndh, 256)
    assert [(len(s), s[3]) for s in funet] == [(256, 0x80), (44, 0x01)]
    assert [(len(s), s[3]) for s in segment_header(ndh)] == [(253, 0x80), (47, 0x01)]
    assembler = HeaderAssembler()
    assert assembler.add(funet[0]) is None
    assert assembler.add(funet[1]) == ndh
    with pytest.raises(NJEDecodeError):
        HeaderAssembler().add(funet[1])  # segment 1 first


def test_set_hops_changes_only_the_hop_count() -> None:
    encoded = JobHeader(origin_node="NODEA").encode()
    changed = set_hops(encoded, 3)
    assert JobHeader.decode(changed).hops == 3
    assert changed[:18] == encoded[:18] and changed[20:] == encoded[20:]


@pytest.mark.parametrize(
    ("srcb", "data", "record"),
    [
        (0x80, HELLO_CARD, FileRecord(HELLO_CARD[1:])),
        (0x80, b"\x05\xc1", FileRecord(b"\xc1\x40\x40\x40\x40")),  # padded to LL
        (0x90, b"\x02\x09\xc1\xc2\xc3", FileRecord(b"\xc1\xc2", 0x09)),  # CC, excess dropped
        (0xA0, b"\x00\xf1", FileRecord(b"", 0xF1)),
    ],
)
def test_data_records(srcb: int, data: bytes, record: FileRecord) -> None:
    assert decode_data_record(srcb, data) == record


def test_data_record_encoding() -> None:
    assert encode_data_record(FileRecord(b"\xc1"), 0x80) == b"\x01\xc1"
    assert encode_data_record(FileRecord(b"\xc1", 0x11), 0x90) == b"\x01\x11\xc1"
    for srcb, bad in ((0x80, b""), (0x90, b"\x01")):
        with pytest.raises(NJEDecodeError):
            decode_data_record(srcb, bad)
