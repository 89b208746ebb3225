"""Record packing, card and print text, the reader CLOSE table, names and listing lines."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spool.listing import (
    HEADER_LONG,
    arrival_notice,
    close_notice,
    file_line,
    files_line,
    listing,
)
from spool.model import (
    DeviceType,
    Disposition,
    FileName,
    HoldStatus,
    OutputSettings,
    Queue,
    RecordFormat,
    SpoolFile,
    reader_disposition,
)
from spool.records import card, card_text, pack, print_line, print_text, unpack

PRINTABLE = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=80)


@given(st.lists(st.binary(max_size=300), max_size=50))
def test_pack_unpack_round_trip(records: list[bytes]) -> None:
    assert unpack(pack(records)) == records


def test_unpack_rejects_a_truncated_chunk() -> None:
    with pytest.raises(ValueError):
        unpack(pack([b"ABCDEF"])[:-1])


@given(PRINTABLE)
def test_card_round_trip(text: str) -> None:
    record = card(text)
    assert len(record) == 80
    assert card_text(record) == text.rstrip()


def test_card_is_ebcdic_and_cut_at_80() -> None:
    assert card("A")[:2] == b"\xc1\x40"
    assert card_text(card("X" * 90)) == "X" * 80


@given(st.lists(PRINTABLE, max_size=30))
def test_single_spaced_lines_print_as_they_were_written(lines: list[str]) -> None:
    records = [print_line(line) for line in lines]
    assert list(print_text(records)) == [line.rstrip() for line in lines]


@given(st.lists(st.sampled_from([0x09, 0x11, 0x19]), max_size=30))
def test_spacing_gives_one_line_per_space(controls: list[int]) -> None:
    records = [print_line("X", control) for control in controls]
    lines = list(print_text(records))
    assert len(lines) == sum(control >> 3 for control in controls)
    assert lines.count("X") == len(controls)


def test_carriage_control_codes() -> None:
    records = [
        print_line("TITLE", 0x89),  # write, then skip to channel 1
        print_line("BOLD   ", 0x01),  # write without spacing: the next line overprints
        print_line("____ LINE", 0x11),  # write, space 2
        bytes([0x1B]),  # space 3 immediately
        bytes([0x8B]),  # skip to channel 1 immediately
        print_line("LAST", 0x09),
        bytes([0x03]),  # no-op
    ]
    assert list(print_text(records)) == [
        "TITLE",
        "\f",
        "BOLD LINE",
        "",
        "",
        "",
        "",
        "\f",
        "LAST",
    ]


def test_a_last_line_without_spacing_is_still_printed() -> None:
    assert list(print_text([print_line("END", 0x01)])) == ["END"]


@pytest.mark.parametrize(
    ("hold", "cont", "close", "expected"),
    [
        (False, False, None, Disposition.PURGE),
        (True, False, None, Disposition.KEEP),
        (False, True, None, Disposition.PURGE),
        (True, True, None, Disposition.HOLD),
        *[(h, c, "HOLD", Disposition.KEEP) for h in (False, True) for c in (False, True)],
        *[(h, c, "NOHOLD", Disposition.PURGE) for h in (False, True) for c in (False, True)],
    ],
)
def test_reader_close_table(hold: bool, cont: bool, close: str | None, expected: str) -> None:
    assert reader_disposition(hold, cont, close) is expected


def test_file_names() -> None:
    assert FileName.parse(["PROFILE", "EXEC"]) == FileName("PROFILE", "EXEC")
    assert FileName.parse(["ONLY"]) == FileName("ONLY", "")
    assert FileName.parse(["SYS1.MACLIB"]).dsname == "SYS1.MACLIB"
    for bad in ([], ["A", "B", "C"], ["TOOLONGFN", "FT"], ["X" * 25]):
        with pytest.raises(ValueError):
            FileName.parse(bad)


def test_output_settings_check_their_values() -> None:
    assert OutputSettings(spool_class="b").spool_class == "B"
    assert OutputSettings(device=DeviceType.CON).record_format is RecordFormat.PRINT
    bad: list[dict[str, Any]] = [
        {"spool_class": "*"},
        {"copies": 0},
        {"copies": 100},
        {"to": "TOOLONGID"},
    ]
    for values in bad:
        with pytest.raises(ValueError):
            OutputSettings(**values)


def test_hold_status() -> None:
    assert [HoldStatus.of(bool(u), bool(s)) for u, s in ((0, 0), (1, 0), (0, 1), (1, 1))] == [
        HoldStatus.NONE,
        HoldStatus.USER,
        HoldStatus.SYS,
        HoldStatus.USYS,
    ]


def _example(queue: Queue = Queue.RDR, hold: HoldStatus = HoldStatus.NONE) -> SpoolFile:
    return SpoolFile(
        spoolid=709,
        owner="MAINT",
        originator="MAINT",
        queue=queue,
        device=DeviceType.PUN,
        spool_class="A",
        records=104,
        copies=1,
        hold=hold,
        created=dt.datetime(2026, 11, 27, 21, 17, 40, tzinfo=dt.UTC),
        name=FileName("RELEASE6", "DIRECT"),
        dist="MAINT",
        tag="",
        record_format=RecordFormat.CARD,
    )


def test_listing_lines_follow_the_reference_example() -> None:
    example = _example()
    assert (
        file_line(example, True, dt.UTC)
        == "MAINT    0709 A PUN 00000104 01 NONE  11/27 21:17:40 RELEASE6 DIRECT   MAINT"
    )
    assert file_line(example, False) == "MAINT    0709 A PUN 00000104 01 NONE"
    assert listing([], Queue.PRT, False) == ["NO PRT FILES"]
    assert listing([example], Queue.RDR, True, dt.UTC)[0] == HEADER_LONG


def test_counts_and_notices() -> None:
    assert files_line({Queue.RDR: 2}) == "FILES: 002 RDR,  NO PRT,  NO PUN"
    assert files_line({Queue.PRT: 12, Queue.PUN: 1}) == "FILES:  NO RDR, 012 PRT, 001 PUN"
    assert close_notice(_example()) == "PUN FILE 0709  TO  MAINT    COPY 01 NOHOLD"
    assert close_notice(_example(Queue.PUN, HoldStatus.USER)) == (
        "PUN FILE 0709  FOR MAINT    COPY 01 HOLD"
    )
    assert arrival_notice(_example()) == "RDR FILE 0709 FROM MAINT    PUN COPY 01 NOHOLD"
