"""EXEC 1 scanning and value rules: tokens, numbers, EBCDIC comparison, hex."""

from __future__ import annotations

import pytest

from guests.cms.exec1 import ExecError, ExecErrorKind, format_return_code
from guests.cms.exec1.scanner import (
    compare,
    decimal_to_hex,
    hex_to_decimal,
    is_number,
    is_variable_name,
    scan,
    scanned_text,
)


@pytest.mark.parametrize(
    ("line", "tokens"),
    [
        (
            "&TYPE  THIS IS AN EXAGGERATED (MESSAGE",
            ["&TYPE", "THIS", "IS", "AN", "EXAGGERA", "(", "MESSAGE"],
        ),
        ("", []),
        ("    ", []),
        ("LISTFILE * EXEC A(DATE)", ["LISTFILE", "*", "EXEC", "A", "(", "DATE", ")"]),
        ("&VERYLONGNAME = 1", ["&VERYLON", "=", "1"]),
        ("a  b", ["a", "b"]),
    ],
)
def test_scan(line: str, tokens: list[str]) -> None:
    assert scan(line) == tokens


def test_fixed_records_scan_only_columns_1_to_72() -> None:
    record = "&TYPE A".ljust(72) + "SEQ00010"
    assert scan(scanned_text(record, "F")) == ["&TYPE", "A"]
    assert scan(scanned_text(record, "V")) == ["&TYPE", "A", "SEQ00010"]


@pytest.mark.parametrize(
    ("value", "numeric"),
    [("0", True), ("-5", True), ("+12", True), ("007", True), ("", False), ("-", False),
     ("1A", False), ("1.5", False), ("٣", False)],
)  # fmt: skip
def test_is_number(value: str, numeric: bool) -> None:
    assert is_number(value) is numeric


@pytest.mark.parametrize(
    ("left", "operator", "right", "result"),
    [
        ("10", "GT", "9", True),  # numeric, not character
        ("-3", "LT", "2", True),
        ("007", "EQ", "7", True),
        ("A", "LT", "AB", True),  # blank pads low
        ("a", "LT", "A", True),  # EBCDIC: lower case sorts before upper case
        ("Z", "LT", "1", True),  # EBCDIC: letters before digits
        ("10", "LT", "9A", True),  # character: '1' < '9'
        ("ABC", "NE", "ABD", True),
        ("X", "GE", "X", True),
        ("X", "LE", "W", False),
    ],
)
def test_compare(left: str, operator: str, right: str, result: bool) -> None:
    assert compare(left, operator, right) is result


def test_hex_conversions() -> None:
    assert hex_to_decimal("X'C0") == "192"
    assert hex_to_decimal("X'FFFFFF") == str(0xFFFFFF)
    assert decimal_to_hex("X'40") == "28"
    assert decimal_to_hex("X'192") == "C0"
    for bad in ("X'", "X'G1", "X'1234567"):
        with pytest.raises(ExecError) as caught:
            hex_to_decimal(bad)
        assert caught.value.kind is ExecErrorKind.CONVERSION
    with pytest.raises(ExecError):
        decimal_to_hex("X'C0")


@pytest.mark.parametrize(
    ("name", "valid"),
    [("&A", True), ("&1", True), ("&DISK*", True), ("&DISK?", True), ("&*", True),
     ("&", False), ("&A.B", False), ("&ABCDEFGH", False), ("A", False)],
)  # fmt: skip
def test_variable_names(name: str, valid: bool) -> None:
    assert is_variable_name(name) is valid


@pytest.mark.parametrize(
    ("code", "text"), [(0, "00000"), (28, "00028"), (-3, "-0003"), (100000, "100000")]
)
def test_return_code_format(code: int, text: str) -> None:
    assert format_return_code(code) == text
