"""USER DIRECT parsing: syntax, defaults, checks, and errors with line numbers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.errors import DirectoryError
from directory.model import MEGA, SpoolKind
from directory.parser import ParseResult, parse_directory
from directory.passwords import is_hashed, verify_password
from directory.writer import write_directory
from tests.directory.conftest import fast_hash
from tests.directory.examples import CE_DIRECT, R6_DIRECT

HEAD = "DIRECTORY 123 3350 VM370S\n"


def parse(text: str) -> ParseResult:
    return parse_directory(text, hasher=fast_hash)


def errors_of(text: str) -> list[tuple[int, str]]:
    with pytest.raises(DirectoryError) as caught:
        parse_directory(text, hasher=None)
    return [(issue.line, issue.message) for issue in caught.value.errors]


def test_r6_example_entries() -> None:
    result = parse(R6_DIRECT)
    directory = result.directory
    assert result.warnings == []
    assert directory.volume is not None
    assert (directory.volume.address, directory.volume.volser) == (0x131, "VMREL6")
    assert [user.userid for user in directory.users] == ["OPERATOR", "MAINT", "RSCS"]
    operator, maint, rscs = directory.users
    assert (operator.storage, operator.max_storage, operator.classes) == (
        320 * 1024,
        MEGA,
        "ABCDEG",
    )
    assert (operator.account, operator.distcode) == ("ACT1", "OPERATOR")
    assert maint.options == {"ECMODE", "REALTIMER"}
    assert maint.has_class("C") and not maint.has_class("A")
    assert verify_password("cpcms", maint.password)
    disk = maint.minidisk(0x131)
    assert disk is not None and disk.is_full_pack() and disk.mode == "MW"
    assert disk.read_password is None
    assert rscs.dedicates[0].address == 0xB1 and rscs.dedicates[0].real_address == 0x78
    assert [device.kind for device in rscs.spool][:2] == [SpoolKind.READER, SpoolKind.READER]


def test_omitted_operands_take_defaults() -> None:
    rscs = parse(R6_DIRECT).directory.users[2]
    assert (rscs.storage, rscs.max_storage, rscs.classes, rscs.priority) == (
        512 * 1024,
        512 * 1024,
        "G",
        50,
    )
    entry = parse(HEAD + "USER X Y\n MDISK 191 3350 1 1 V\n LINK X 191 192\n").directory.users[0]
    assert entry.storage == 256 * 1024
    assert entry.mdisks[0].mode == "W" and entry.links[0].mode == "R"


def test_ce_example_entries() -> None:
    directory = parse(CE_DIRECT).directory
    alloc, cmsuser, maint = directory.users
    assert not alloc.can_logon and cmsuser.can_logon
    assert cmsuser.ipl is not None and cmsuser.ipl.target == "CMS"
    assert cmsuser.spool[1].kind is SpoolKind.READER and cmsuser.spool[1].spool_class == "*"
    disk = cmsuser.mdisks[0]
    assert disk.read_password == "ALL"
    assert disk.write_password is not None and verify_password("WRITE", disk.write_password)
    assert disk.multi_password is not None and verify_password("mult", disk.multi_password)
    assert maint.options == {"ECMODE", "LNKNOPAS"} and maint.classes == "ABCDEFGH"


def test_clear_passwords_are_hashed_and_hashes_kept() -> None:
    first = parse(CE_DIRECT).directory
    hashed = first.users[1].password
    assert is_hashed(hashed)
    again = parse(HEAD + f"USER CMSUSER {hashed} 1M 2M\n").directory
    assert again.users[0].password == hashed
    unhashed = parse_directory(CE_DIRECT, hasher=None).directory
    assert unhashed.users[1].password == "CMSUSER"


def test_columns_72_to_80_are_ignored() -> None:
    card = "USER JOE PASS 1M 2M G".ljust(71) + "X1234567"
    entry = parse(HEAD + card + "\n").directory.users[0]
    assert entry.classes == "G" and entry.line_edit.line_end is None
    cut = " MDISK 191 3350 1 2 VOL1".ljust(70) + "MW"
    disk = parse(HEAD + "USER JOE PASS\n" + cut + "\n").directory.users[0].mdisks[0]
    assert disk.mode == "M"


def test_comments_blank_cards_case_and_abbreviations() -> None:
    text = (
        "* a comment before everything\n\n"
        "dir 123 3350 vm370s\n"
        'user joe pass 1m 2m g 10 # OFF @ "\n'
        "   * indented comment\n"
        " acc 12345 dist\n opt ecmode\n con 01F 3215 t\n spo 00c 2540 rdr\n"
        " md 191 3350 10 20 vol1 mr all\n dedi 300 300\n spec 020 ctca\n"
    )
    entry = parse(text).directory.users[0]
    assert entry.userid == "JOE" and entry.priority == 10
    assert entry.line_edit.given() == ["#", "OFF", "@", '"']
    assert entry.account == "12345" and entry.console is not None
    assert entry.console.spool_class == "T"
    assert entry.spool[0].spool_class == "*" and entry.mdisks[0].read_password == "ALL"
    assert entry.specials[0].device_type == "CTCA"


def test_data_after_last_operand_is_ignored() -> None:
    entry = parse(HEAD + "USER A B\n CONSOLE 009 3215 T SEQ001\n LINK B 190 190 RR X\n")
    assert entry.directory.users[0].console is not None


def test_ipl_parm_keeps_the_rest_of_the_card() -> None:
    entry = parse(HEAD + "USER A B\n IPL CMS PARM AUTOCR  SEG=X \n").directory.users[0]
    assert entry.ipl is not None and entry.ipl.parm == "AUTOCR  SEG=X"


def test_every_error_is_reported_with_its_line() -> None:
    text = (
        HEAD
        + "USER MAINT CPCMS 8M 4M\n"  # 2 storage above maxstor
        + "USER MAINT2 CPCMS 8M 32M\n"  # 3 above 16M
        + "USER X1 PW 1M 1M ABZ\n"  # 4 bad class
        + " MDISK 191 3350 0 10 VOL1 XX\n"  # 5 bad mode
        + " MDISK 191 3350 0 10 VOL1\n"  # 6 ok
        + " MDISK 191 3350 20 10 VOL1\n"  # 7 duplicate vaddr
        + " LINK MAINT 19G 19E\n"  # 8 bad hex
        + " OPTION ECMODE FASTER\n"  # 9 unknown option
        + " SPOOL 00E 1404 A\n"  # 10 unknown device type
        + "USER X1 PW\n"  # 11 ok (X1 was rejected on line 4)
        + "USER X1 PW\n"  # 12 duplicate userid
        + "FROB X\n"  # 13 unknown statement
        + "USER X2 TOOLONGPW\n"  # 14 password too long
        + " MDISK 192 3350 551 10 VOL1\n"  # 15 beyond the volume
    )
    lines = [line for line, _ in errors_of(text)]
    assert lines == [2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 14, 15]


def test_error_messages_name_what_is_wrong() -> None:
    found = dict(errors_of(HEAD + "USER A B 4M 2M\nUSER C D\n MDISK 1A0 3350 0 1 V Q\n"))
    assert "maximum storage" in found[2]
    assert "mode Q" in found[4]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (" LINK MAINT 190 190\n", "before any USER"),
        (HEAD + "DIRECTORY 123 3350 VM370S\n", "only one DIRECTORY"),
        ("USER A B\nDIRECTORY 123 3350 X\n", "must be the first"),
        (HEAD + "USER A B 5K\n", "multiple of 4K"),
        (HEAD + "USER A B 1G\n", "nnnK or nnM"),
        (HEAD + "USER A B 1M 1M G 100\n", "priority"),
        (HEAD + "USER A B 1M 1M G 1 X\n", "line-edit"),
        (HEAD + "USER A B\n OPTION CPUID 12\n", "CPUID"),
        (HEAD + "USER A B\n OPTION\n", "no options"),
        (HEAD + "USER A B\n CONSOLE 009 3270\n", "console device type"),
        (HEAD + "USER A B\n CONSOLE 009 3215\n CONSOLE 01F 3215\n", "more than one CONSOLE"),
        (HEAD + "USER A B\n SPOOL 00C 2540 X\n", "READER or PUNCH"),
        (HEAD + "USER A B\n SPOOL 00D 2540 PUNCH *\n", "spool class"),
        (HEAD + "USER A B\n MDISK 191 3350 0 0 V\n", "is 0"),
        (HEAD + "USER A B\n MDISK 191 3350 0 1 TOOLONGV\n", "volume serial"),
        (HEAD + "USER A B\n SPECIAL 020 2703 FOO\n", "IBM or TELE"),
        (HEAD + "USER A B\n IPL CMS PARM\n", "PARM string missing"),
        (HEAD + "USER A B\n MDISK 000 3350 0 1 V\n", "001-FFF"),
        (HEAD + "USER A B\n MDISK 600 3350 0 1 V\n", "ECMODE"),
        (HEAD + "USER A B\n MDISK 1 3350 0 1 V\nUSER C D\n MDISK 1 3330 5 1 V\n", "is a 3330"),
    ],
)
def test_rejected(text: str, message: str) -> None:
    messages = [found for _, found in errors_of(text)]
    assert any(message in found for found in messages), messages


def test_ecmode_allows_addresses_above_5ff() -> None:
    entry = parse(HEAD + "USER A B\n MDISK 600 3350 0 1 V\n OPTION ECMODE\n")
    assert entry.directory.users[0].mdisks[0].address == 0x600


def test_overlapping_extents_warn_but_overlays_do_not() -> None:
    text = (
        HEAD
        + "USER $ALLOC$ NOLOG\n MDISK 100 3350 0 1 V\n"
        + "USER A B\n MDISK 191 3350 0 10 V\n MDISK 123 3350 000 555 V MW\n"
        + "USER C D\n MDISK 191 3350 9 5 V\n MDISK 192 3350 14 5 V\n"
    )
    warnings = parse(text).warnings
    assert [(warning.line, "overlaps A 191" in warning.message) for warning in warnings] == [
        (8, True)
    ]


def test_links_to_unknown_disks_warn() -> None:
    warnings = parse(HEAD + "USER A B\n LINK NOBODY 190 190\n LINK A 191 192\n").warnings
    assert [warning.line for warning in warnings] == [3, 4]


def test_missing_directory_statement_warns() -> None:
    result = parse("USER A B\n")
    assert result.directory.volume is None
    assert [warning.message for warning in result.warnings] == ["no DIRECTORY statement"]


garbage_lines = st.lists(
    st.one_of(
        st.text(max_size=90),
        st.builds(
            " ".join,
            st.lists(
                st.sampled_from(
                    [
                        "USER",
                        "MDISK",
                        "LINK",
                        "DIR",
                        "OPTION",
                        "IPL",
                        "PARM",
                        "SPOOL",
                        "2540",
                        "3350",
                        "191",
                        "0",
                        "999",
                        "NOLOG",
                        "ALL",
                        "MR",
                        "*",
                        "ECMODE",
                        "CPUID",
                        "SCRYPT:4:8:1:00",
                        "16M",
                        "A",
                        "#",
                        "READER",
                        "SPECIAL",
                        "2703",
                        "FFF",
                    ]
                ),
                max_size=9,
            ),
        ),
    ),
    max_size=25,
)


@given(garbage_lines)
@settings(max_examples=300, deadline=None)
def test_garbage_raises_only_directory_error(lines: list[str]) -> None:
    text = "\n".join(lines)
    try:
        result = parse_directory(text, hasher=None)
    except DirectoryError as error:
        assert error.errors
        assert all(1 <= issue.line <= text.count("\n") + 1 for issue in error.errors)
    else:
        # Whatever parses is written back to an equal directory.
        text = write_directory(result.directory)
        assert parse_directory(text, hasher=None).directory == result.directory


extents = st.lists(
    st.tuples(st.integers(0, 554), st.integers(1, 555), st.booleans()), min_size=1, max_size=8
)


@given(extents)
@settings(max_examples=100, deadline=None)
def test_overlap_warnings_match_a_brute_force_count(disks: list[tuple[int, int, bool]]) -> None:
    cards = [HEAD, "USER $MAP NOLOG\n MDISK 100 3350 0 1 V\n"]
    spans = []
    for number, (start, count, own_user) in enumerate(disks):
        count = min(count, 555 - start)
        cards.append(f"USER U{number} PW\n" if own_user or number == 0 else "")
        cards.append(f" MDISK {0x200 + number:03X} 3350 {start} {count} V\n")
        if not (start == 0 and count >= 555):
            spans.append((start, start + count))
    expected = sum(
        1
        for index, (start, end) in enumerate(spans)
        for other_start, other_end in spans[index + 1 :]
        if start < other_end and other_start < end
    )
    warnings = parse_directory("".join(cards), hasher=None).warnings
    assert len([warning for warning in warnings if "overlaps" in warning.message]) == expected


@given(st.text())
@settings(max_examples=200, deadline=None)
def test_arbitrary_text_raises_only_directory_error(text: str) -> None:
    try:
        parse_directory(text, hasher=fast_hash)
    except DirectoryError as error:
        assert error.errors
