"""CMS UPDATE: the control statements (guests/cms/updater.py) and the command on
in-memory disks (guests/cms/commands/update.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guests.cms.fs import CmsDisk
from guests.cms.updater import Settings, apply_update, sequence_of
from tests.guests.cms.cmsfake import FakeGuest, MemoryDisks, put_file, session, standard_disks
from tests.guests.cms.test_cms_commands import after

SEQ8 = Settings()


def deck8(*texts: str, start: int = 1000, step: int = 1000) -> list[str]:
    return [text.ljust(72) + f"{start + i * step:08d}" for i, text in enumerate(texts)]


SOURCE = deck8("ONE", "TWO", "THREE", "FOUR", "FIVE")


def texts(records: list[str]) -> list[str]:
    return [record[:72].rstrip() for record in records]


def numbers(records: list[str]) -> list[int | None]:
    return [sequence_of(record, SEQ8) for record in records]


def codes(outcome_warnings: list[object]) -> list[int]:
    return [warning.number for warning in outcome_warnings]  # type: ignore[attr-defined]


def test_insert_delete_replace() -> None:
    outcome = apply_update(
        SOURCE,
        ["./ * a fix", "./ I 2000 $", "NEW A", "NEW B", "./ D 3000", "./ R 4000 5000 $ 4500 10",
         "LAST"],
        SEQ8,
    )  # fmt: skip
    assert texts(outcome.records) == ["ONE", "TWO", "NEW A", "NEW B", "LAST"]
    assert numbers(outcome.records) == [1000, 2000, 2001, 2002, 4500]
    assert outcome.warnings == [] and outcome.severity == 0
    assert "./ D 3000" in outcome.log and "DELETING..." in outcome.log


def test_insert_without_dollar_keeps_the_cards_columns() -> None:
    outcome = apply_update(SOURCE, ["./ I 1000", "ADDED".ljust(72) + "00001500"], SEQ8)
    assert numbers(outcome.records)[:3] == [1000, 1500, 2000]


def test_resequence_first_statement_seq8_and_noseq8() -> None:
    outcome = apply_update(SOURCE, ["./ S", "./ I 1000", "X"], SEQ8)
    assert numbers(outcome.records) == [1000, 2000, 3000, 4000, 5000, 6000]
    noseq8 = Settings(seq8=False, label="SAM")
    source = [text.ljust(72) + f"XYZ{n:05d}" for text, n in (("A", 10), ("B", 20))]
    outcome = apply_update(source, ["./ S 5 5", "./ D 20"], noseq8)
    assert [record[72:] for record in outcome.records] == ["SAM00005"]
    outcome = apply_update(source, ["./ S 100 10 LAB"], noseq8)
    assert [record[72:] for record in outcome.records] == ["LAB00100", "LAB00110"]


def test_warnings_and_severity() -> None:
    outcome = apply_update(SOURCE, ["./ D 1500", "./ I 2000", "X", "./ S", "./ Q 1"], SEQ8)
    assert codes(outcome.warnings) == [186, 184, 207]
    assert outcome.severity == 12
    assert outcome.warnings[0].text == "SEQUENCE NUMBER '00001500' NOT FOUND"
    assert outcome.warnings[0].card == 1
    assert texts(outcome.records) == ["ONE", "TWO", "X", "THREE", "FOUR", "FIVE"]
    backwards = apply_update(SOURCE, ["./ D 3000", "./ D 2000"], SEQ8)
    assert codes(backwards.warnings) == [186]  # statements only go forward
    bad = apply_update(SOURCE, ["./ I 1X0", "IGNORED", "./ S 10"], SEQ8)
    assert codes(bad.warnings) == [185, 184]
    assert "IGNORED" not in texts(bad.records)
    zero = apply_update(SOURCE, ["./ S 10 0"], SEQ8)
    assert codes(zero.warnings) == [182] and zero.severity == 8


def test_sequence_errors_in_input_and_output() -> None:
    source = deck8("A", "B") + ["C".ljust(72) + "00001500"]
    outcome = apply_update(source, [], SEQ8)
    assert codes(outcome.warnings) == [210]  # the input's own error is not introduced
    assert outcome.severity == 4
    outcome = apply_update(SOURCE, ["./ I 1000 $ 2500"], SEQ8)
    assert codes(outcome.warnings) == []  # no cards: nothing inserted
    outcome = apply_update(SOURCE, ["./ I 1000 $ 2500", "X"], SEQ8)
    assert codes(outcome.warnings) == [174]
    assert "SEQUENCE ERROR INTRODUCED IN OUTPUT FILE: '00002500' TO '00002000'" in outcome.log[-1]


def test_inc_marks_inserted_cards_and_blank_sequence_fields_go_with_ranges() -> None:
    source = [*deck8("A"), "BLANK".ljust(80), *deck8("B", "C", start=2000)]
    outcome = apply_update(
        source, ["./ R 1000 2000", "NEW"], Settings(inc=True, update_id="UPDTFIX")
    )
    assert texts(outcome.records)[0].startswith("NEW")
    assert outcome.records[0][63:71] == "UPDTFIX "
    assert texts(outcome.records)[1] == "C"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=90), max_size=12), st.booleans())
def test_garbage_update_files_never_raise(deck: list[str], seq8: bool) -> None:
    statements = [line if i % 2 else "./ " + line for i, line in enumerate(deck)]
    outcome = apply_update(SOURCE, statements, Settings(seq8=seq8))
    assert all(len(record) == 80 for record in outcome.records)
    assert outcome.severity in (0, 4, 8, 12)


# ---- the command ---------------------------------------------------------------------------


@pytest.fixture
def disks() -> MemoryDisks:
    disks = standard_disks()
    put_file(disks, 0x191, "SAMPLE", "ASSEMBLE", SOURCE, recfm="F")
    return disks


def put_cards(disks: MemoryDisks, fn: str, ft: str, lines: list[str]) -> None:
    put_file(disks, 0x191, fn, ft, [line.ljust(80) for line in lines], recfm="F")


def card_texts(disks: MemoryDisks, fn: str, ft: str) -> list[str]:
    disk = CmsDisk.access(disks.devices[0x191])
    return [record.decode("cp037") for record in disk.read(fn, ft)]


async def test_update_writes_dollar_file_and_log(disks: MemoryDisks) -> None:
    put_cards(disks, "SAMPLE", "UPDATE", ["./ D 2000", "./ I 4000", "ADDED"])
    output = await session(disks, "update sample")
    assert after(output, "update sample") == [
        "DMSUPD178I UPDATING 'SAMPLE ASSEMBLE A1' WITH 'SAMPLE UPDATE A1'",
        "Ready; T=0.01/0.01 01:02:03",
    ]
    assert texts(card_texts(disks, "$SAMPLE", "ASSEMBLE")) == ["ONE", "THREE", "FOUR", "ADDED",
                                                               "FIVE"]
    log = [line.rstrip() for line in card_texts(disks, "SAMPLE", "UPDLOG")]
    assert log[:3] == ["UPDATING 'SAMPLE ASSEMBLE A1' WITH 'SAMPLE UPDATE A1'", "./ D 2000",
                       "DELETING..."]
    assert texts(card_texts(disks, "SAMPLE", "ASSEMBLE"))[1] == "TWO"  # NOREP keeps it


async def test_rep_replaces_unless_warnings_and_term_shows_the_card(disks: MemoryDisks) -> None:
    put_cards(disks, "SAMPLE", "UPDATE", ["./ D 2000"])
    put_cards(disks, "BAD", "UPDATE", ["./ D 9000", "./ D 3000"])
    output = await session(
        disks, "update sample assemble a bad update a (rep", "update sample (rep"
    )
    bad = after(output, "update sample assemble a bad update a (rep")
    assert bad[1:4] == [
        "DMSUPD186W SEQUENCE NUMBER '00009000' NOT FOUND",
        "FILE 'BAD UPDATE A1', REC #1 = ./ D 9000",
        "DMSUPD177I WARNING MESSAGES ISSUED (SEVERITY=12). 'REP' OPTION IGNORED.",
    ]
    assert bad[4].startswith("Ready(00012);")
    assert texts(card_texts(disks, "$SAMPLE", "ASSEMBLE")) == ["ONE", "TWO", "FOUR", "FIVE"]
    assert texts(card_texts(disks, "SAMPLE", "ASSEMBLE")) == ["ONE", "THREE", "FOUR", "FIVE"]


async def test_noterm_keeps_warnings_in_the_log(disks: MemoryDisks) -> None:
    put_cards(disks, "SAMPLE", "UPDATE", ["./ X"])
    output = await session(disks, "update sample (noterm")
    result = after(output, "update sample (noterm")
    assert not any("207W" in line for line in result)
    assert result[-2:-1] == ["DMSUPD177I WARNING MESSAGES ISSUED (SEVERITY=12)."]
    assert result[-1].startswith("Ready(00012);")
    assert any("DMSUPD207W" in line for line in card_texts(disks, "SAMPLE", "UPDLOG"))


async def test_ctl_applies_bottom_up_with_aux_and_stacks(disks: MemoryDisks) -> None:
    put_cards(disks, "SAMPLE", "CNTRL", ["* control file", "TEXT MACS CMSLIB OSMACRO", "TWO ABC",
                                         "AUX AUXLIST", "ONE UPDTXYZ", "ZZZ NOSUCH"])
    put_cards(disks, "SAMPLE", "UPDTXYZ", ["./ I 1000 $", "FROM XYZ"])
    put_cards(disks, "SAMPLE", "AUXLIST", ["FIX02", "FIX01"])
    put_cards(disks, "SAMPLE", "FIX01", ["./ I 1001 $", "FROM FIX01"])
    put_cards(disks, "SAMPLE", "FIX02", ["./ D 5000"])
    put_cards(disks, "SAMPLE", "UPDTABC", ["./ R 1002", "FROM ABC"])
    put_file(disks, 0x191, "SAMPLE", "EXEC", ["&CONTROL OFF", "UPDATE SAMPLE (CTL STK",
                                               "&READ VARS &STAR &LEVEL", "&READ VARS &S &L1 &L2",
                                               "&TYPE &LEVEL &L1 &L2"], recfm="V")  # fmt: skip
    output = await session(disks, "sample")
    assert after(output, "sample")[:5] == [
        "DMSUPD178I UPDATING 'SAMPLE ASSEMBLE A1' WITH 'SAMPLE UPDTXYZ A1'",
        "DMSUPD178I UPDATING WITH 'SAMPLE FIX01 A1'",
        "DMSUPD178I UPDATING WITH 'SAMPLE FIX02 A1'",
        "DMSUPD178I UPDATING WITH 'SAMPLE UPDTABC A1'",
        "TWO CMSLIB OSMACRO",
    ]
    result = card_texts(disks, "$SAMPLE", "ASSEMBLE")
    assert [record[:63].rstrip() for record in result] == [
        "ONE", "FROM XYZ", "FROM ABC", "TWO", "THREE", "FOUR"
    ]
    assert result[2][63:71] == "UPDTABC "  # CTL implies INC
    assert len(card_texts(disks, "SAMPLE", "UPDATES")) == 4


async def test_option_and_operand_errors(disks: MemoryDisks) -> None:
    lines = ["update", "update sample (bogus", "update sample (rep rep", "update sample (rep norep",
             "update sample (ctl noinc", "update sample (stk", "update a b c d e f g",
             "update sample", "update sample (ctl"]  # fmt: skip
    output = await session(disks, *lines)
    assert [after(output, line)[0] for line in lines] == [
        "DMSUPD001E NO FILENAME SPECIFIED",
        "DMSUPD003E INVALID OPTION 'BOGUS'",
        "DMSUPD065E 'REP' OPTION SPECIFIED TWICE",
        "DMSUPD066E 'REP' AND 'NOREP' ARE CONFLICTING OPTIONS",
        "DMSUPD066E 'CTL' AND 'NOINC' ARE CONFLICTING OPTIONS",
        "DMSUPD187E OPTION 'STK' INVALID WITHOUT 'CTL'",
        "DMSUPD070E INVALID PARAMETER 'G'",
        "DMSUPD002E FILE 'SAMPLE UPDATE A1' NOT FOUND",
        "DMSUPD002E FILE 'SAMPLE CNTRL A1' NOT FOUND",
    ]


async def test_control_file_errors(disks: MemoryDisks) -> None:
    put_cards(disks, "NOMACS", "CNTRL", ["ONE UPDTXYZ"])
    put_cards(disks, "EMPTY", "CNTRL", ["TEXT MACS", "ONE NOSUCH"])
    output = await session(disks, "update sample assemble a nomacs cntrl a (ctl",
                           "update sample assemble a empty cntrl a (ctl")  # fmt: skip
    assert after(output, "update sample assemble a nomacs cntrl a (ctl")[:2] == [
        "DMSUPD179E MISSING OR DUPLICATE 'MACS' CARD IN CONTROL FILE 'NOMACS CNTRL A'",
        "Ready(00032); T=0.01/0.01 01:02:03",
    ]
    assert after(output, "update sample assemble a empty cntrl a (ctl") == [
        "DMSUPD181E NO UPDATE FILES WERE FOUND",
        "Ready(00040); T=0.01/0.01 01:02:03",
    ]
    assert texts(card_texts(disks, "$SAMPLE", "ASSEMBLE")) == texts(SOURCE)  # written anyway


async def test_print_sends_the_log_to_the_printer(disks: MemoryDisks) -> None:
    put_cards(disks, "SAMPLE", "UPDATE", ["./ D 2000"])
    guest = FakeGuest()
    output = await session(disks, "update sample (print", guest=guest)
    assert after(output, "update sample (print")[-1].startswith("Ready;")
    assert CmsDisk.access(disks.devices[0x191]).find("SAMPLE", "UPDLOG") is None
    assert any("CLOSE 00E NAME SAMPLE UPDLOG" in command for command in guest.cp_commands)


async def test_aux_file_missing_ptf_and_term_without_rep(disks: MemoryDisks) -> None:
    put_cards(disks, "SAMPLE", "CNTRL", ["TEXT MACS", "FIX AUXPTFS"])
    put_cards(disks, "SAMPLE", "AUXPTFS", ["P0002", "P0001"])
    put_cards(disks, "SAMPLE", "P0001", ["./ D 1000"])
    output = await session(disks, "update sample (ctl")
    assert after(output, "update sample (ctl") == [
        "DMSUPD178I UPDATING 'SAMPLE ASSEMBLE A1' WITH 'SAMPLE P0001 A1'",
        "DMSUPD180W MISSING PTF FILE 'SAMPLE P0002 *'",
        "Ready(00012); T=0.01/0.01 01:02:03",  # TERM without REP: no 177I
    ]
    assert texts(card_texts(disks, "$SAMPLE", "ASSEMBLE")) == ["TWO", "THREE", "FOUR", "FIVE"]
    assert [line.split()[0] for line in card_texts(disks, "SAMPLE", "UPDATES")] == ["FIX"]


async def test_input_on_a_read_only_disk_gives_output_on_a(disks: MemoryDisks) -> None:
    put_file(disks, 0x190, "SYSPROG", "ASSEMBLE", SOURCE, recfm="F")
    put_cards(disks, "SYSPROG", "UPDATE", ["./ D 1000 4000"])
    output = await session(disks, "update sysprog assemble s sysprog update a (rep")
    assert after(output, "update sysprog assemble s sysprog update a (rep")[0] == (
        "DMSUPD178I UPDATING 'SYSPROG ASSEMBLE S1' WITH 'SYSPROG UPDATE A1'"
    )
    assert texts(card_texts(disks, "SYSPROG", "ASSEMBLE")) == ["FIVE"]  # REP: fn on A
    assert CmsDisk.access(disks.devices[0x190]).find("SYSPROG", "ASSEMBLE") is not None
