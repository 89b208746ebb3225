"""NOTE's pieces without a network: NAMES files, name resolution, options, the header
(guests/cms/commands/note.py). The whole command is tested over telnet between two nodes in
tests/integration/test_rscs_note.py."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guests.cms.commands.common import CommandError
from guests.cms.commands.note import (
    Addressee,
    Names,
    Resolver,
    _date_line,
    header,
    note_options,
)

NAMES = [
    ":nick.PAL :userid.TAKER :node.NODEB",
    ":nick.ME :userid.SENDER :name.Sam Sender",
    ":nick.GANG :list.PAL BOB",
    ":nick.LOOP :list.LOOP",  # a list naming itself ends, it does not recurse forever
]


def test_names_and_nicknames_resolve() -> None:
    names = Names.parse(NAMES)
    assert names.entries["ME"]["NAME"] == "Sam Sender"
    resolver = Resolver(names, "NODEA")
    assert resolver.resolve(["PAL"]) == [Addressee("TAKER", "NODEB")]
    assert resolver.resolve(["GANG"]) == [Addressee("TAKER", "NODEB"), Addressee("BOB", "NODEA")]
    assert resolver.resolve(["CAROL", "AT", "NODEC", "ALICE@NODEB", "BOB"]) == [
        Addressee("CAROL", "NODEC"),
        Addressee("ALICE", "NODEB"),
        Addressee("BOB", "NODEA"),
    ]
    assert len(resolver.resolve(["LOOP"])) >= 1
    with pytest.raises(CommandError):
        resolver.resolve(["BAD!ID"])


def test_options_and_header() -> None:
    options = note_options(["NOLOG", "CLASS", "N", "LONG", "NOACK"])
    assert (options.log, options.spool_class, options.long) == (False, "N", True)
    assert note_options(["NOTEBOOK", "FRIENDS"]).notebook == "FRIENDS"
    for bad in (["ACK"], ["CLASS", "NN"], ["WHAT"]):
        with pytest.raises(CommandError):
            note_options(bad)
    date = _date_line(["TIME IS 03:04:05 UTC SUNDAY 11/22/26"])
    assert date == "Date: 22 November 2026, 03:04:05 UTC"
    lines = header(date, "SENDER   at NODEA", [Addressee("TAKER", "NODEB")],
                   [Addressee("BOB", "NODEA"), Addressee("CAROL", "NODEA")])  # fmt: skip
    assert lines == [
        date,
        "From: SENDER   at NODEA",
        "To:   TAKER    at NODEB",
        "cc:   BOB      at NODEA",
        "      CAROL    at NODEA",
        "",
    ]


@given(st.lists(st.text(max_size=40), max_size=8))
def test_any_names_file_parses(lines: list[str]) -> None:
    Names.parse(lines)


@given(st.lists(st.text(min_size=1, max_size=10).map(str.upper), max_size=6))
def test_any_operands_resolve_or_give_a_command_error(words: list[str]) -> None:
    resolver = Resolver(Names.parse(NAMES), "NODEA")
    try:
        found = resolver.resolve(words)
    except CommandError:
        return
    assert all(1 <= len(a.userid) <= 8 for a in found)


@given(st.lists(st.sampled_from(["LOG", "NOLOG", "CLASS", "A", "NOTEBOOK", "X1", "ACK", "?"])))
def test_any_options_parse_or_give_a_command_error(words: list[str]) -> None:
    try:
        note_options(words)
    except CommandError:
        pass
