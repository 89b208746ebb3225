"""What real printers and punches put on paper: pages, separators, block letters, PDF."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from spool.model import DeviceType, FileName, HoldStatus, Queue, RecordFormat, SpoolFile
from spool.output import (
    PAGE_LINES,
    block_letters,
    pages,
    separator_cards,
    separator_page,
    write_pdf,
)
from spool.records import Carriage, print_line

WHEN = dt.datetime(2026, 11, 22, 3, 4, 5, tzinfo=dt.UTC)


def a_file(**changes: object) -> SpoolFile:
    values: dict[str, object] = dict(
        spoolid=12, owner="ALICE", originator="ALICE", queue=Queue.PRT, device=DeviceType.PRT,
        spool_class="A", records=3, copies=1, hold=HoldStatus.NONE, created=WHEN,
        name=FileName("PROG", "LISTING"), dist="DEPT42", tag="", record_format=RecordFormat.PRINT,
    )  # fmt: skip
    values.update(changes)
    return SpoolFile(**values)  # type: ignore[arg-type]


def test_block_letters_draw_each_character_with_itself() -> None:
    rows = block_letters("HI")
    assert len(rows) == 7
    assert rows[0] == "HH      HH    IIIIII"
    assert rows[3].startswith("HHHHHHHHHH")
    assert block_letters("") == [""] * 7
    assert len(block_letters("ABCDEFGHIJ")[0]) <= 8 * 12  # at most eight characters


def test_separator_page_names_the_file_and_starts_a_page() -> None:
    page = separator_page(a_file(), "PRT 00E", "VM370", WHEN, dt.UTC)
    assert page[0] == "\f" and "\f" not in page[1:]
    text = "\n".join(page)
    assert "USERID   ALICE" in text and "DIST   DEPT42" in text
    assert "SPOOLID 0012" in text and "NAME     PROG LISTING" in text
    assert "PRINTED  11/22/26 03:04:05 ON PRT 00E OF SYSTEM VM370" in text
    assert all(len(line) <= 132 for line in page)
    assert "DDDDDDDD" in text  # the distribution code in block letters


def test_separator_cards_are_four_cards_with_userid_and_dist() -> None:
    cards = separator_cards(a_file(record_format=RecordFormat.CARD))
    assert len(cards) == 4 and all(len(card) == 80 for card in cards)
    assert cards[0].decode("cp037").startswith("******** ALICE    DEPT42   0012 A PROG")


def test_pages_break_at_skips_and_at_the_form_length() -> None:
    lines = ["\f", "a", "b", "\f", "\f", "c"] + ["x"] * PAGE_LINES + ["\f", "y"]
    result = list(pages(lines))
    assert result[0] == ["a", "b"]
    assert result[1] == []  # two skips in a row: a blank page
    assert result[2] == ["c"] + ["x"] * (PAGE_LINES - 1)
    assert result[3] == ["x"]
    assert result[4] == ["y"]
    full = ["x"] * PAGE_LINES + ["\f", "z"]
    assert list(pages(full)) == [["x"] * PAGE_LINES, ["z"]]  # no blank page after a full one


@given(st.lists(st.sampled_from(["\f", "line", ""]), max_size=300))
def test_pages_keep_every_printed_line(lines: list[str]) -> None:
    result = list(pages(lines))
    assert sum(len(page) for page in result) == sum(1 for line in lines if line != "\f")
    assert all(len(page) <= PAGE_LINES for page in result)


def test_single_spacing_ignores_spaces_and_skips() -> None:
    records = [print_line("ONE", 0x19), print_line("TWO", 0x89), bytes([0x8B]), print_line("3")]
    normal, single = Carriage(), Carriage(single_space=True)
    assert [x for r in records for x in normal.feed(r)] + normal.finish() == [
        "ONE", "", "", "TWO", "\f", "\f", "3",
    ]  # fmt: skip
    assert [x for r in records for x in single.feed(r)] + single.finish() == ["ONE", "TWO", "3"]


def test_pdf_has_one_page_per_printed_page(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    count = write_pdf(pages(["\f", "HELLO", "\f", "WORLD \u00e9\u20ac"]), target, "test")
    data = target.read_bytes()
    assert count == 2 and data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type /Page\b", data)) == 2
    assert write_pdf([], tmp_path / "empty.pdf", "empty") == 1  # an empty file: a blank page
