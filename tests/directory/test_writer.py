"""USER DIRECT writer: canonical cards that parse back to the same directory."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from directory.model import Directory, UserEntry
from directory.parser import parse_directory
from directory.passwords import SCHEME
from directory.writer import format_storage, write_directory
from tests.directory.conftest import fast_hash
from tests.directory.examples import CE_DIRECT, R6_DIRECT
from tests.directory.strategies import directories


def _cards_fit(text: str) -> bool:
    """Cards without a hash stay within column 71 (hashed ones are read whole)."""
    return all(len(card) <= 71 or f"{SCHEME}:" in card for card in text.splitlines())


@given(directories())
@settings(max_examples=150, deadline=None)
def test_write_then_parse_round_trips(directory: Directory) -> None:
    text = write_directory(directory)
    assert _cards_fit(text)
    assert parse_directory(text, hasher=None).directory == directory


@pytest.mark.parametrize("source", [R6_DIRECT, CE_DIRECT], ids=["R6", "CE"])
def test_reference_entries_parse_write_parse(source: str) -> None:
    first = parse_directory(source, hasher=fast_hash).directory
    text = write_directory(first)
    assert "CPCMS" not in text and "WRITE" not in text.replace("MDISK", "")
    second = parse_directory(text, hasher=fast_hash).directory
    assert second == first
    assert write_directory(second) == text


def test_canonical_form() -> None:
    entry = UserEntry(
        "JOE",
        "NOLOG",
        storage=1536 * 1024,
        max_storage=16 * 1024 * 1024,
        options={"REALTIMER", "ECMODE", "ISAM", "VIRT=REAL", "ACCT", "SVCOFF", "BMX", "NETWORK"},
        cpuid="FF0001",
        affinity=1,
    )
    text = write_directory(Directory(None, [entry]))
    assert text.splitlines()[:2] == ["*", "USER JOE NOLOG 1536K 16M G 50"]
    option_cards = [card for card in text.splitlines() if card.startswith(" OPTION")]
    assert len(option_cards) == 2 and all(len(card) <= 71 for card in option_cards)
    assert option_cards[-1].endswith("CPUID FF0001 AFFINITY 01")


def test_format_storage() -> None:
    assert [format_storage(size * 1024) for size in (256, 1024, 1536, 16384)] == [
        "256K",
        "1M",
        "1536K",
        "16M",
    ]
