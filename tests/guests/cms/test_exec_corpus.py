"""The EXEC corpus (tests/guests/cms/exec_corpus): every ``NAME.exec`` run by the
real EXEC 1 interpreter on a scripted CMS, checked against ``NAME.expected``
(console output line by line, return code, program stack, punched cards,
commands issued, terminal lines all read).
"""

from __future__ import annotations

import pytest

from tests.guests.cms.corpus_format import (
    CARD_COLUMNS,
    CORPUS,
    CorpusFormatError,
    Expected,
    load_corpus,
    parse_expected,
    run_program,
)
from tests.guests.cms.test_exec1_fakehost import StepLimit, TerminalEmpty

PROGRAMS = load_corpus()


@pytest.mark.parametrize("expected", PROGRAMS, ids=[program.name for program in PROGRAMS])
async def test_corpus_program(expected: Expected) -> None:
    try:
        result = await run_program(expected)
    except TerminalEmpty:
        pytest.fail(f"{expected.name} read more terminal lines than TERMINAL gives")
    except StepLimit:
        pytest.fail(f"{expected.name} ran more statements than the scripted CMS allows")
    assert result.output == expected.output
    assert result.return_code == expected.return_code
    assert result.stack == expected.stack
    assert all(len(card) == CARD_COLUMNS for card in result.punch)
    assert [card.rstrip(" ") for card in result.punch] == expected.punch
    if expected.issued is not None:
        assert result.issued == expected.issued
    assert result.terminal_left == [], "TERMINAL lines the program never read"


def test_corpus_is_large_and_names_are_cms_filenames() -> None:
    assert len(PROGRAMS) >= 40
    for program in PROGRAMS:
        assert 1 <= len(program.name) <= 8 and program.name == program.name.upper()


def test_every_control_word_and_function_appears_in_the_corpus() -> None:
    text = " ".join(path.read_text(encoding="utf-8") for path in CORPUS.glob("*.exec"))
    words = (
        "&ARGS &BEGEMSG &BEGPUNCH &BEGSTACK &BEGTYPE &CONTINUE &CONTROL &EMSG &END "
        "&ERROR &EXIT &GOTO &HEX &IF &LOOP &PUNCH &READ &SKIP &SPACE &STACK &TIME &TYPE "
        "&CONCAT &DATATYPE &LENGTH &LITERAL &SUBSTR &INDEX &RETCODE &READFLAG &TYPEFLAG "
        "&LINENUM &DISK* &DISK? &DOS &EXEC &GLOBAL &* &$ &0"
    ).split()
    assert [word for word in words if word not in text] == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("RC 0", "OUTPUT and RC"),
        ("OUTPUT", "OUTPUT and RC"),
        ("OUTPUT\nRC zero", "bad RC"),
        ("OUTPUT\nRC 0\nRC 1", "given twice"),
        ("| stray\nOUTPUT\nRC 0", "outside a block"),
        ("OUTPUT\n! not a command\nRC 0", "outside a block"),
        ("COMMAND STATE 28\nOUTPUT\nRC 0", "RETURNS"),
        ("COMMAND STATE RETURNS X\nOUTPUT\nRC 0", "not a number"),
        ("OUTPUTS\nRC 0", "unknown keyword"),
        ("OUTPUT extra\nRC 0", "no operands"),
    ],
)
def test_format_errors_are_reported(text: str, problem: str) -> None:
    with pytest.raises(CorpusFormatError, match=problem):
        parse_expected("BAD", text)


def test_format_reads_blocks_commands_and_settings() -> None:
    expected = parse_expected(
        "X",
        "# a comment\nARGS A % C\nRECFM F\nTERMINAL\n| LINE ONE\n|\n"
        "COMMAND STATE A RETURNS 28\n| TYPED\n! MESSAGE\nOUTPUT\n|   INDENTED  \nRC -3\n",
    )
    assert expected.arguments == ["A", "%", "C"]
    assert expected.recfm == "F"
    assert expected.terminal == ["LINE ONE", ""]
    assert expected.commands[0].tokens == ["STATE", "A"]
    assert expected.commands[0].lines == [("TYPED", False), ("MESSAGE", True)]
    assert expected.output == ["  INDENTED"]
    assert expected.return_code == -3
