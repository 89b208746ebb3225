"""CP logical line editing (reference/cp-cms.md 1.3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.cp.lineedit import EditSymbols, edit_line, valid_symbol

DEFAULT = EditSymbols()


@pytest.mark.parametrize(
    ("typed", "lines"),
    [
        ("QUERY TIME", ["QUERY TIME"]),
        ("Q T#Q N", ["Q T", "Q N"]),
        ("#CP Q T", ["", "CP Q T"]),
        ("QUERX@Y TIME", ["QUERY TIME"]),
        ("QU@@@@@@Q T", ["Q T"]),
        ("GARBAGE\u00a2Q T", ["Q T"]),
        ("Q T#GARBAGE\u00a2Q N", ["Q T", "Q N"]),
        ('MSG * a"#b', ["MSG * a#b"]),
        ('MSG * a""b', ['MSG * a"b']),
        ('MSG * user"@host', ["MSG * user@host"]),
        ("A\u00a6B", ["A\tB"]),
        ("", [""]),
    ],
)
def test_default_symbols(typed: str, lines: list[str]) -> None:
    assert edit_line(typed, DEFAULT) == lines


def test_symbols_off() -> None:
    off = DEFAULT.off()
    assert edit_line('A#B@C\u00a2D"E', off) == ['A#B@C\u00a2D"E']


def test_shared_symbols_lose_their_function() -> None:
    shared = EditSymbols(linend="#", chardel="!", linedel="!", escape='"')
    assert edit_line("AB!C", shared) == ["AB!C"]
    with_linend = EditSymbols(linend="#", chardel="#", linedel=None, escape=None)
    assert edit_line("A#B", with_linend) == ["A", "B"]


def test_changed_linend() -> None:
    symbols = DEFAULT.with_symbol("linend", ";")
    assert edit_line("Q T;Q N#X", symbols) == ["Q T", "Q N#X"]


def test_valid_symbol() -> None:
    assert valid_symbol("#")
    assert not valid_symbol("A")
    assert not valid_symbol("7")
    assert not valid_symbol(" ")
    assert not valid_symbol("##")


@given(st.text(max_size=200))
def test_off_is_identity(text: str) -> None:
    assert edit_line(text, DEFAULT.off()) == [text]


@given(st.text(alphabet=st.characters(blacklist_characters='#@"\u00a2\u00a6'), max_size=200))
def test_text_without_symbols_is_unchanged(text: str) -> None:
    assert edit_line(text, DEFAULT) == [text]


@given(st.text(max_size=200))
def test_linend_count(text: str) -> None:
    lines = edit_line(text, EditSymbols(linend="#", chardel=None, linedel=None, escape=None))
    assert len(lines) == text.count("#") + 1
    assert all("#" not in line for line in lines)


@given(
    st.text(max_size=200),
    st.sampled_from("#@!$%;:"),
    st.sampled_from("#@!$%;:"),
    st.sampled_from("#@!$%;:"),
    st.sampled_from("#@!$%;:"),
)
def test_never_fails_and_output_is_shorter(
    text: str, linend: str, chardel: str, linedel: str, escape: str
) -> None:
    symbols = EditSymbols(linend, chardel, linedel, escape)
    lines = edit_line(text, symbols)
    assert sum(len(line) for line in lines) <= len(text)
