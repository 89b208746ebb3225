"""The pieces of DIAGNOSE X'58' on the terminal side: outbound checks and line display."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.terminal.ds3270 import (
    ATTR_PROTECTED,
    CODES,
    DataStreamError,
    check_outbound,
    display_data,
)
from server.terminal.screen3270 import ConsoleScreen, Layout

GOOD = [
    "C3",  # a WCC alone
    "C3 1140 40 1DF8 C1C2 13",  # SBA 0, SF, text, IC
    "C3 115D 7F C1",  # SBA to the last position of a model 2 (1919)
    "C3 2902 C0F8 41F2 C1",  # SFE with two pairs
    "C3 3C5D 7F 40",  # RA to 1919 with a blank
    "C3 3C5D 7F 08C1",  # RA of a graphic escape character
    "C3 1240 40 05 00 1C 1E",  # EUA, PT and data controls
    "C3 2C01 41F4 2842 F1",  # MF and SA
]
BAD = [
    "",  # no WCC
    "C3 11",  # SBA cut short
    "C3 1140",  # SBA cut short
    "C3 1D",  # SF without an attribute
    "C3 2902 C0F8",  # SFE with one pair of two
    "C3 3C5D7F",  # RA without its character
    "C3 3CFFFF 40",  # RA beyond the screen
    "C3 2A",  # not an order
    "C3 01",  # a control that is not data
]


@pytest.mark.parametrize("stream", GOOD)
def test_valid_write_data(stream: str) -> None:
    check_outbound(bytes.fromhex(stream), 24 * 80)


@pytest.mark.parametrize("stream", BAD)
def test_invalid_write_data(stream: str) -> None:
    with pytest.raises(DataStreamError):
        check_outbound(bytes.fromhex(stream), 24 * 80)


def test_address_beyond_a_model_2_but_within_a_model_4() -> None:
    stream = bytes.fromhex("C3 11 E1 40 C1")  # 12-bit address 2112
    with pytest.raises(DataStreamError):
        check_outbound(stream, 24 * 80)
    check_outbound(stream, 43 * 80)


@given(st.binary(max_size=300))
def test_any_bytes_are_accepted_or_refused_cleanly(data: bytes) -> None:
    try:
        check_outbound(data, 24 * 80)
    except DataStreamError:
        pass


@given(st.binary(max_size=300), st.integers(0, 2000))
def test_display_data_is_always_safe(data: bytes, room: int) -> None:
    body, text = display_data(data, room)
    assert len(text) <= room
    position = 0
    while position < len(body):
        if body[position] == 0x1D:  # a start field, always with a protected attribute
            assert CODES.index(body[position + 1]) & ATTR_PROTECTED
            position += 2
            continue
        assert body[position] >= 0x40 and body[position] != 0xFF
        position += 1


def test_display_data_keeps_start_fields_protected() -> None:
    body, text = display_data(bytes.fromhex("1D40 C1C2 01 1DC8 C3"), 80)
    assert body == bytes.fromhex("1D60 C1C2 40 1DE8 C3")  # 40 -> 60, C8 -> E8: protected
    assert text == " AB  C"


def test_line_display_overlays_rows_and_refuses_a_row_off_the_screen() -> None:
    screen = ConsoleScreen(Layout(24, 80), "VM370")
    screen.add_lines(["first", "second"])
    records = screen.line_display(1, "line one".ljust(80).encode("cp037") + b"\xc1\xc2", False)
    assert records is not None and len(records) == 1
    assert screen.rows == ["first", "line one", "AB"]
    assert screen.line_display(24, b"\xc1", False) is None
    assert screen.line_display(23, bytes([0xC1]) * 60, False) is None  # past the status area
    typed = screen.line_display(22, "over type".encode("cp037"), False)  # the input area
    assert typed is not None and "over type".encode("cp037") in typed[0]
    assert screen.rows == ["first", "line one", "AB"]
    records = screen.line_display(0, "top".encode("cp037"), True)  # erase: MORE... first
    assert records == [screen.status_only()] and screen.display == "MORE"
    assert screen.line_display(3, b"\xc2", False) == [screen.status_only()]  # waits too
    screen.next_page()  # PA2, CLEAR or the MORE timer
    assert screen.rows == ["top", "", "", "B"] and screen.display == "NORMAL"
    assert screen.line_display(0, "new".encode("cp037"), True) is not None
    screen.clear()
    assert screen.rows == ["new"]
    screen.next_page()
    assert screen.line_display(1, b"\xc1", True) is not None  # nothing to keep: at once
    assert screen.rows == ["", "A"] and screen.display == "NORMAL"
    screen.add_lines([f"line {n}" for n in range(30)])  # MORE...: 10 lines wait
    screen.line_display(0, "picture".encode("cp037"), True)  # waits behind them
    screen.next_page()
    assert screen.rows[-1] == "line 29" and screen.display == "MORE"  # lines first
    screen.next_page()
    assert screen.rows == ["picture"] and screen.display == "NORMAL"
    assert screen.line_display(20, bytes([0xC1]) * 161, False) is None  # does not fit
    screen.line_display(0, bytes([0xC2]) * 1760, False)  # a whole output area (DISPW)
    assert len(screen.rows) == 22 and screen.rows[21] == "B" * 78  # less the attributes
