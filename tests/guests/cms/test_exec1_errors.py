"""EXEC 1 interpreter errors: DMSEXT072E with the line number, and the rc."""

from __future__ import annotations

import pytest

from guests.cms.exec1 import ExecSession
from tests.guests.cms.test_exec1_fakehost import FakeHost, run_exec

NESTED_LOOPS = "\n".join("&LOOP 1 2" for _ in range(5)) + "\n&TYPE X"

ERROR_CASES = [
    # (name, program, line, rc, description)
    ("goto missing label", "&GOTO -NOWHERE", 1, 802, "&SKIP OR &GOTO ERROR"),
    ("goto past the end", "&TYPE A\n&GOTO 9", 2, 802, "&SKIP OR &GOTO ERROR"),
    ("goto line 0", "&GOTO 0", 1, 802, "&SKIP OR &GOTO ERROR"),
    ("goto nonsense", "&GOTO SOMEWHERE", 1, 802, "&SKIP OR &GOTO ERROR"),
    ("skip before the top", "&TYPE A\n&SKIP -5", 2, 802, "&SKIP OR &GOTO ERROR"),
    ("error action goto", "&CONTROL OFF\n&ERROR &GOTO -X\nSTATE A", 3, 802,
     "&SKIP OR &GOTO ERROR"),
    ("too many arguments", "&ARGS " + " ".join(["A"] * 31), 1, 804, "TOO MANY ARGUMENTS"),
    ("five nested loops", NESTED_LOOPS, 5, 805, "MAX DEPTH OF LOOP NESTING EXCEEDED"),
    ("&31", "&TYPE &31", 1, 807, "INVALID SYNTAX"),
    ("&CONTROL operand", "&CONTROL LOUD", 1, 807, "INVALID SYNTAX"),
    ("&HEX operand", "&HEX MAYBE", 1, 807, "INVALID SYNTAX"),
    ("&TIME operand", "&TIME NOW", 1, 807, "INVALID SYNTAX"),
    ("&LOOP without a count", "&LOOP 1", 1, 807, "INVALID SYNTAX"),
    ("&LOOP count too big", "&LOOP 1 4096\n&TYPE X", 1, 807, "INVALID SYNTAX"),
    ("&SUBSTR out of range", "&A = &SUBSTR ABC 5", 1, 807, "INVALID SYNTAX"),
    ("&BEGTYPE operand", "&BEGTYPE SOME\n&END", 1, 807, "INVALID SYNTAX"),
    ("&BEGSTACK FIFO and LIFO", "&BEGSTACK FIFO LIFO\n&END", 1, 807, "INVALID SYNTAX"),
    ("&READ too many operands", "&READ 1 2", 1, 807, "INVALID SYNTAX"),
    ("arithmetic on text", "&X = 1 + A", 1, 809, "CONVERSION ERROR"),
    ("overflow", "&X = 99999999 + 1", 1, 809, "CONVERSION ERROR"),
    ("negative overflow", "&X = -9999999 - 1", 1, 809, "CONVERSION ERROR"),
    ("&EXIT text", "&EXIT ABC", 1, 809, "CONVERSION ERROR"),
    ("&SKIP text", "&SKIP ABC", 1, 809, "CONVERSION ERROR"),
    ("&SPACE text", "&SPACE ABC", 1, 809, "CONVERSION ERROR"),
    ("hex digits", "&HEX ON\n&A = X'GG", 2, 809, "CONVERSION ERROR"),
    ("hex display digits", "&HEX ON\n&TYPE X'AB", 2, 809, "CONVERSION ERROR"),
    ("&LOOP count text", "&LOOP 1 ABC\n&TYPE X", 1, 809, "CONVERSION ERROR"),
    ("loop past the end", "&LOOP 5 2\n&TYPE X", 1, 810, "EOF FOUND IN LOOP"),
    ("loop label missing", "&LOOP -END 2\n&TYPE X", 1, 810, "EOF FOUND IN LOOP"),
    ("loop label behind", "-END &TYPE X\n&LOOP -END 2", 2, 810, "EOF FOUND IN LOOP"),
    ("read-only &INDEX", "&INDEX = 3", 1, 811, "INVALID ASSIGNMENT"),
    ("read-only &LINENUM", "&LINENUM = 3", 1, 811, "INVALID ASSIGNMENT"),
    ("read-only &READFLAG", "&READFLAG = X", 1, 811, "INVALID ASSIGNMENT"),
    ("&RETCODE must be numeric", "&RETCODE = ABC", 1, 811, "INVALID ASSIGNMENT"),
    ("&GLOBALn must be numeric", "&GLOBAL1 = ABC", 1, 811, "INVALID ASSIGNMENT"),
    ("two values", "&A = 1 2", 1, 811, "INVALID ASSIGNMENT"),
    ("bad operator", "&A = 1 % 2", 1, 811, "INVALID ASSIGNMENT"),
    ("no multiplication in R6", "&A = 2 * 3", 1, 811, "INVALID ASSIGNMENT"),
    ("no division in R6", "&A = 6 / 3", 1, 811, "INVALID ASSIGNMENT"),
    ("operator missing its operand", "&A = 1 +", 1, 811, "INVALID ASSIGNMENT"),
    ("bad name", "&A.B = 1", 1, 811, "INVALID ASSIGNMENT"),
    ("&* is not settable", "&* = 1", 1, 811, "INVALID ASSIGNMENT"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("program", "line", "rc", "description"),
    [case[1:] for case in ERROR_CASES],
    ids=[case[0] for case in ERROR_CASES],
)
async def test_interpreter_error(program: str, line: int, rc: int, description: str) -> None:
    host = FakeHost(commands={"STATE": 28})
    return_code, host = await run_exec(program + "\n&TYPE NOT REACHED", host=host)
    message = f"DMSEXT072E ERROR IN EXEC FILE TEST, LINE {line:04d} - {description}"
    assert return_code == rc
    assert host.output[-1] == message
    assert "NOT REACHED" not in host.output


async def test_exec_file_not_found() -> None:
    host = FakeHost()
    assert await ExecSession(host).run("NOSUCH", ["A"]) == 801
    assert host.output == ["DMSEXT072E ERROR IN EXEC FILE NOSUCH, LINE 0000 - FILE NOT FOUND"]


async def test_record_length_over_130_is_a_bad_format() -> None:
    host = FakeHost()
    host.add_exec("WIDE", "&TYPE X", lrecl=200)
    assert await ExecSession(host).run("WIDE") == 803
    assert host.output == ["DMSEXT072E ERROR IN EXEC FILE WIDE, LINE 0000 - BAD FILE FORMAT"]


async def test_too_many_invocation_arguments() -> None:
    return_code, host = await run_exec("&TYPE X", ["A"] * 31)
    assert return_code == 804
    assert host.output == ["DMSEXT072E ERROR IN EXEC FILE TEST, LINE 0000 - TOO MANY ARGUMENTS"]


async def test_thirty_arguments_are_fine() -> None:
    return_code, host = await run_exec("&TYPE &INDEX &30", [str(n) for n in range(1, 31)])
    assert (return_code, host.output) == (0, ["30 30"])


async def test_error_in_a_nested_exec_is_its_return_code() -> None:
    host = FakeHost()
    host.add_exec("INNER", "&CONTROL OFF\n&GOTO -NOWHERE")
    return_code, host = await run_exec("&CONTROL OFF\nEXEC INNER\n&EXIT &RETCODE", host=host)
    assert return_code == 802
    assert host.output == ["DMSEXT072E ERROR IN EXEC FILE INNER, LINE 0002 - &SKIP OR &GOTO ERROR"]


async def test_invalid_if_test_continues() -> None:
    return_code, host = await run_exec("&CONTROL OFF\n&IF 1 XX 1 &TYPE NO\n&IF 1\n&TYPE YES")
    assert (return_code, host.output) == (0, ["YES"])
