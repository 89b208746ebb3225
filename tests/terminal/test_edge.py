"""Input hygiene at the connection edge."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from server.terminal.edge import Garbage, Line, LineAssembler, Overlong, is_http_request


def lines_of(*chunks: bytes, limit: int = 1024) -> list[object]:
    assembler = LineAssembler(limit)
    events: list[object] = []
    for chunk in chunks:
        events += assembler.feed(chunk)
    return events


def test_line_ends() -> None:
    assert lines_of(b"A\r\nB\nC\r\x00D\rE") == [Line("A"), Line("B"), Line("C"), Line("D")]


def test_cr_lf_split_across_chunks() -> None:
    assert lines_of(b"A\r", b"\nB\n") == [Line("A"), Line("B")]


def test_controls_dropped_and_backspace_applied() -> None:
    assert lines_of(b"Q\x00 T\x07X\x08\n") == [Line("Q T")]
    assert lines_of(b"A\tB\n") == [Line("A B")]


def test_overlong_line_refused_then_next_line_fine() -> None:
    assert lines_of(b"X" * 2000 + b"\nQ T\n") == [Overlong(), Line("Q T")]


def test_binary_garbage() -> None:
    noise = bytes(b for b in range(0, 32) if b not in (0x0A, 0x0D)) * 3
    assert lines_of(noise + b"\n") == [Garbage()]


def test_utf8_text_kept() -> None:
    assert lines_of("LINEDEL \u00a2\n".encode()) == [Line("LINEDEL \u00a2")]


def test_http_request() -> None:
    assert is_http_request("GET / HTTP/1.1")
    assert is_http_request("POST /login HTTP/1.0")
    assert not is_http_request("GET THE FILE")


@given(st.lists(st.binary(max_size=300), max_size=20))
def test_arbitrary_bytes_give_only_clean_events(chunks: list[bytes]) -> None:
    for event in lines_of(*chunks, limit=256):
        assert isinstance(event, Line | Overlong | Garbage)
        if isinstance(event, Line):
            assert len(event.text) <= 256
            assert all(char.isprintable() for char in event.text)
