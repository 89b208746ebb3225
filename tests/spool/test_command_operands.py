"""Operand parsing of the CP spool file commands (server/cp/commands/spoolfiles.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.cp.commands.spoolfiles import (
    count_line,
    device_queue,
    parse_changes,
    parse_items,
    query_selection,
    transfer_operands,
)
from server.cp.messages import CPError
from spool.model import CLASSES, FileName, Queue

items = st.lists(
    st.one_of(st.integers(1, 9900), st.sampled_from(sorted(CLASSES))), min_size=1, max_size=8
)


@given(items, st.sampled_from(["CL", "CLA", "CLASS"]))
def test_items_parse_back(wanted: list[int | str], keyword: str) -> None:
    tokens: list[str] = []
    for item in wanted:
        tokens += [str(item)] if isinstance(item, int) else [keyword, item]
    assert parse_items(tokens) == tuple(wanted)


@pytest.mark.parametrize(
    "tokens", [["0"], ["9901"], ["CLASS"], ["CLASS", "*"], ["FROB"], ["C", "A"]]
)
def test_bad_items(tokens: list[str]) -> None:
    with pytest.raises(CPError):
        parse_items(tokens)


def test_all_or_nothing_is_every_file() -> None:
    assert parse_items([]) == parse_items(["ALL"]) == ()


def test_device_names_and_abbreviations() -> None:
    names = {
        "R": Queue.RDR,
        "RDR": Queue.RDR,
        "READER": Queue.RDR,
        "P": Queue.PRT,
        "PRT": Queue.PRT,
        "PRINT": Queue.PRT,
        "PU": Queue.PUN,
        "PCH": Queue.PUN,
        "PUNCH": Queue.PUN,
    }
    for token, queue in names.items():
        assert device_queue(token) is queue
    assert device_queue("RD") is None and device_queue("X") is None


def test_count_lines() -> None:
    assert count_line(0, "PURGED") == "NO FILES PURGED"
    assert count_line(1, "ORDERED") == "0001 FILE  ORDERED"
    assert count_line(12, "CHANGED") == "0012 FILES CHANGED"


def test_changes() -> None:
    changes = parse_changes(["CL", "X", "CO", "5", "NOH", "DI", "BIN1", "NA", "A", "B"], Queue.PRT)
    assert (changes.spool_class, changes.copies, changes.hold, changes.dist) == (
        "X",
        5,
        False,
        "BIN1",
    )
    assert changes.name == FileName("A", "B")
    for bad in (["COPY", "5"], [], ["COPY"], ["NAME"], ["DIST", "TOOLONGDI"]):
        with pytest.raises(CPError):
            parse_changes(bad, Queue.RDR)


def test_transfer_operands() -> None:
    assert transfer_operands(["12", "BOB"]) == ((12,), False, "BOB")
    assert transfer_operands(["RDR", "CLASS", "A", "TO", "*"]) == (("A",), False, "*")
    assert transfer_operands(["ALL", "FROM", "ALL"]) == ((), True, "ALL")
    for bad in (["12"], ["12", "TO"], ["12", "BOB", "EXTRA"], ["PRT", "12", "BOB"]):
        with pytest.raises(CPError):
            transfer_operands(bad)


def test_query_selection() -> None:
    assert query_selection([]) == ((), False)
    assert query_selection(["ALL"]) == ((), True)
    assert query_selection(["CL", "B"]) == (("B",), False)
    assert query_selection(["7"]) == ((7,), True)
    with pytest.raises(CPError):
        query_selection(["7", "8"])
