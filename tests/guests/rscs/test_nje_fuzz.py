"""Property tests: arbitrary bytes never raise anything but NJEDecodeError from the codecs,
never raise at all from the protocol machine, and encodings round-trip."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guests.rscs.nje.block import Record, decode_block
from guests.rscs.nje.control import ControlRecord
from guests.rscs.nje.files import FileRecord, decode_data_record, encode_data_record
from guests.rscs.nje.framing import TTBReceiver, classify_unit, decode_ttb, encode_ttb
from guests.rscs.nje.headers import DatasetHeader, HeaderAssembler, JobHeader, JobTrailer
from guests.rscs.nje.nmr import NodalMessage, user_message
from guests.rscs.nje.protocol import LinkState
from guests.rscs.nje.scb import compress, decompress_bytes
from guests.rscs.nje.signon import Signon
from guests.rscs.nje.wire import NJEDecodeError
from tests.guests.rscs.nje_helpers import Pair


def _receiver(data: bytes) -> object:
    receiver = TTBReceiver()
    receiver.feed(data)
    return [receiver.next_ttb() for _ in range(4)]


def _assembler(data: bytes) -> object:
    assembler = HeaderAssembler()
    return [assembler.add(data[i : i + 40]) for i in range(0, len(data), 40)]


DECODERS: dict[str, Callable[[bytes], object]] = {
    "control": ControlRecord.decode,
    "ttb": decode_ttb,
    "receiver": _receiver,
    "unit": classify_unit,
    "block": decode_block,
    "scb": decompress_bytes,
    "signon": lambda data: Signon.from_record(Record(0xF0, 0xC9, data)),
    "nmr": NodalMessage.decode,
    "njh": JobHeader.decode,
    "ndh": DatasetHeader.decode,
    "njt": JobTrailer.decode,
    "segments": _assembler,
    "card": lambda data: decode_data_record(0x80, data),
    "print": lambda data: decode_data_record(0x90, data),
}


@pytest.mark.parametrize("name", sorted(DECODERS))
@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=400))
def test_decoders_raise_only_decode_errors(name: str, data: bytes) -> None:
    try:
        DECODERS[name](data)
    except NJEDecodeError:
        pass


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=600), runs=st.booleans())
def test_scb_round_trip(data: bytes, runs: bool) -> None:
    encoded = compress(data, runs=runs)
    assert decompress_bytes(encoded).data == data


names = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789$#@", min_size=1, max_size=8)
texts = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=120)


@settings(max_examples=200, deadline=None)
@given(names, names, names, names, texts)
def test_nmr_round_trip(from_node: str, user: str, to_node: str, to_user: str, text: str) -> None:
    nmr = user_message(from_node, user, to_node, to_user, text)
    decoded = NodalMessage.decode(nmr.record().data)
    assert decoded == nmr and decoded.text == text.rstrip()


@settings(max_examples=200, deadline=None)
@given(names, names, names, st.integers(0, 0xFFFF), st.integers(0, 2**64 - 1), texts)
def test_header_round_trip(
    node: str, user: str, name: str, job_id: int, tod: int, tag: str
) -> None:
    njh = JobHeader(origin_node=node, origin_user=user, job_id=job_id, entry_time=tod)
    assert JobHeader.decode(njh.encode()) == njh
    ndh = DatasetHeader(dest_node=node, dest_user=user, file_name=name, tag=tag.rstrip())
    assert DatasetHeader.decode(ndh.encode()) == ndh


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=255), st.sampled_from([0x80, 0x90, 0xA0]), st.integers(0, 255))
def test_data_record_round_trip(data: bytes, srcb: int, cc: int) -> None:
    record = FileRecord(data, None if srcb == 0x80 else cc)
    assert decode_data_record(srcb, encode_data_record(record, srcb)) == record


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(min_size=1, max_size=300), max_size=5))
def test_ttb_round_trip(units: list[bytes]) -> None:
    assert [ttr.data for ttr in decode_ttb(encode_ttb(units))] == units


@settings(max_examples=300, deadline=None)
@given(chunks=st.lists(st.binary(max_size=200), max_size=6), signed_on=st.booleans())
def test_protocol_never_raises_on_garbage(chunks: list[bytes], signed_on: bool) -> None:
    pair = Pair()
    if signed_on:
        pair.start()
    else:
        pair.b.start()
    for chunk in chunks:
        pair.b.receive_data(chunk)
        pair.b.data_to_send()
    events = pair.b.events()
    assert pair.b.state in set(LinkState)
    if pair.b.state is LinkState.CLOSED:
        assert events[-1].__class__.__name__ == "LinkDown"


block_bodies = st.lists(
    st.tuples(st.sampled_from([0x90, 0xA0, 0xB0, 0xC0, 0x99, 0x98, 0x9A, 0xF0, 0xE0]),
              st.sampled_from([0x99, 0xC0, 0xE0, 0xD0, 0x80, 0x90, 0xC2]),
              st.binary(max_size=60)),
    max_size=4,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(blocks=st.lists(block_bodies, max_size=6), bcbs=st.lists(st.integers(0, 255), max_size=6))
def test_protocol_survives_plausible_blocks(
    blocks: list[list[tuple[int, int, bytes]]], bcbs: list[int]
) -> None:
    """Well-framed blocks with arbitrary records and BCBs: a clean state, never an exception."""
    pair = Pair()
    pair.start()
    for number, records in enumerate(blocks):
        bcb = bcbs[number] if number < len(bcbs) else 0x80 | (number % 16)
        body = b"".join(bytes([rcb, srcb]) + compress(data) for rcb, srcb, data in records)
        pair.b.receive_data(encode_ttb([b"\x10\x02" + bytes([bcb, 0x8F, 0xCF]) + body + b"\0"]))
        pair.b.data_to_send()
    events = pair.b.events()
    if pair.b.state is LinkState.CLOSED:
        assert events[-1].__class__.__name__ == "LinkDown"
