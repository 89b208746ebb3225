"""The 3270 data-stream codec, table-driven (reference/terminals.md 4)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.terminal import ds3270
from server.terminal.ds3270 import (
    DataStreamError,
    Inbound,
    Write,
    decode_address,
    encode_address,
    encode_text,
    parse_inbound,
)


@pytest.mark.parametrize(
    ("row", "col", "address", "encoded"),
    [
        (1, 1, 0, "4040"),
        (1, 2, 1, "40C1"),
        (22, 2, 1681, "5AD1"),
        (22, 80, 1759, "5B5F"),
        (23, 1, 1760, "5B60"),
        (23, 4, 1763, "5BE3"),
        (24, 60, 1899, "5D6B"),
        (24, 61, 1900, "5D6C"),
        (24, 80, 1919, "5D7F"),
    ],
)
def test_addresses_on_a_24x80_screen(row: int, col: int, address: int, encoded: str) -> None:
    assert (row - 1) * 80 + col - 1 == address
    assert encode_address(address).hex().upper() == encoded
    data = bytes.fromhex(encoded)
    assert decode_address(data[0], data[1]) == address


@pytest.mark.parametrize("address", [0, 63, 64, 1919, 2559, 3439, 3563, 4095])
def test_address_round_trip_at_model_edges(address: int) -> None:
    data = encode_address(address)
    assert decode_address(data[0], data[1]) == address


def test_fourteen_bit_addresses_decode() -> None:
    assert decode_address(0x0D, 0x7F) == 0x0D7F
    assert decode_address(0x00, 0x00) == 0


def test_address_out_of_range() -> None:
    with pytest.raises(ValueError):
        encode_address(4096)


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda w: w.sba(0), "114040"),
        (lambda w: w.sf(ds3270.ATTR_PROTECTED), "1D60"),
        (lambda w: w.sf(0), "1D40"),
        (lambda w: w.sf(ds3270.ATTR_NONDISPLAY), "1D4C"),
        (lambda w: w.sf(ds3270.ATTR_PROTECTED | ds3270.ATTR_INTENSIFIED), "1DE8"),
        (lambda w: w.sf(ds3270.ATTR_MDT), "1DC1"),
        (lambda w: w.ic(), "13"),
        (lambda w: w.ra(1759, 0x00), "3C5B5F00"),
        (lambda w: w.eua(1899), "125D6B"),
        (lambda w: w.text("VM/370"), "E5D461F3F7F0"),
    ],
)
def test_orders(build: object, expected: str) -> None:
    write = Write()
    build(write)  # type: ignore[operator]
    assert bytes(write.body).hex().upper() == expected


def test_write_commands_and_wcc() -> None:
    assert Write(ds3270.CMD_ERASE_WRITE, 0x43).record() == bytes.fromhex("F5C3")
    assert Write(ds3270.CMD_WRITE, 0x42).record() == bytes.fromhex("F1C2")
    assert Write(ds3270.CMD_ERASE_WRITE_ALTERNATE, 0x47).record() == bytes.fromhex("7EC7")


def test_text_never_produces_orders() -> None:
    data = encode_text("a\nb\x11c\x00[]\u0085\u20ac")
    assert all(byte >= 0x40 and byte != 0xFF for byte in data)
    assert data[:1] == b"\x81"


@pytest.mark.parametrize(
    ("record", "inbound"),
    [
        ("7D5BE3115B60C1C2C3", Inbound(0x7D, 1763, ((1760, "ABC"),))),
        ("7D5B60", Inbound(0x7D, 1760, ())),
        ("F35B60", Inbound(0xF3, 1760, ())),
        ("4C5B60", Inbound(0x4C, 1760, ())),
        ("6C", Inbound(0x6C)),
        ("6E", Inbound(0x6E)),
        ("6D", Inbound(0x6D)),
        ("6B", Inbound(0x6B)),
        ("016C6102", Inbound(ds3270.AID_SYSREQ)),
        ("7D5BE3115B60C1C2C3114040C4C5", Inbound(0x7D, 1763, ((1760, "ABC"), (0, "DE")))),
        ("7D5BE3115B60C100C2", Inbound(0x7D, 1763, ((1760, "AB"),))),
    ],
)
def test_inbound_records(record: str, inbound: Inbound) -> None:
    assert parse_inbound(bytes.fromhex(record)) == inbound


def test_every_aid() -> None:
    for number, aid in enumerate(ds3270.PF_AIDS, start=1):
        assert parse_inbound(bytes([aid, 0x5B, 0x60])).pf_number == number
    for aid in (ds3270.AID_PA1, ds3270.AID_PA2, ds3270.AID_PA3, ds3270.AID_CLEAR):
        assert parse_inbound(bytes([aid])).pf_number is None
    assert parse_inbound(bytes([ds3270.AID_ENTER, 0x5B, 0x60])).aid == ds3270.AID_ENTER


@pytest.mark.parametrize("record", ["", "00", "7D5B", "7D5B60C1C2", "7D5B601140", "FF"])
def test_garbage_records_are_rejected(record: str) -> None:
    with pytest.raises(DataStreamError):
        parse_inbound(bytes.fromhex(record))


@given(st.binary(max_size=200))
def test_arbitrary_records_parse_or_raise_data_stream_error(record: bytes) -> None:
    try:
        inbound = parse_inbound(record)
    except DataStreamError:
        return
    assert 0 <= (inbound.cursor or 0) < 16384
