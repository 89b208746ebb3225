"""EXEC 1 commands: the parameter list CMS gets, &RETCODE, the &CONTROL
execution summary, &ERROR, &TIME, and nested EXECs through the host."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from guests.cms.exec1 import ExecSession
from tests.guests.cms.test_exec1_fakehost import FakeHost, run_exec


def state_not_found(host: FakeHost, plist: Sequence[str]) -> int:
    """STATE of a missing file: its message, unless &CONTROL NOMSG."""
    if not host.issued[-1][1]:
        host.output.append(f"DMSSTT002E FILE '{' '.join(plist[1:4])}' NOT FOUND")
    return 28


def echo_command(host: FakeHost, plist: Sequence[str]) -> int:
    """TYPE-like command that shows its operands."""
    host.output.append(" ".join(plist[1:]))
    return 0


def cms_host() -> FakeHost:
    return FakeHost(commands={"STATE": state_not_found, "SHOW": echo_command, "ERASE": 0})


# ------------------------------------------------------- parameter lists
async def test_command_gets_substituted_eight_character_tokens() -> None:
    _, host = await run_exec("&CONTROL OFF\nLISTFILE &1 EXEC A (DATE", ["LONGFILENAME"])
    assert host.issued == [(["LISTFILE", "LONGFILE", "EXEC", "A", "(", "DATE"], False)]


async def test_null_arguments_drop_out_of_commands() -> None:
    """The CMS EXEC built by LISTFILE (EXEC: `&1 &2 fn ft fm`."""
    _, host = await run_exec("&CONTROL OFF\n &1 &2 PROFILE EXEC A1", ["PRINT"])
    assert host.issued == [(["PRINT", "PROFILE", "EXEC", "A1"], False)]


async def test_all_null_command_is_not_issued() -> None:
    _, host = await run_exec("&1 &2")
    assert (host.issued, host.output) == ([], [])


async def test_retcode_is_set_after_each_command() -> None:
    program = "&CONTROL OFF\nSTATE A B C\n&TYPE &RETCODE\nERASE A B C\n&TYPE &RETCODE"
    _, host = await run_exec(program, host=cms_host())
    assert host.output == ["DMSSTT002E FILE 'A B C' NOT FOUND", "28", "0"]


async def test_unknown_command_gives_minus_3() -> None:
    return_code, host = await run_exec("NOSUCH CMD\n&EXIT &RETCODE")
    assert return_code == -3
    assert host.output == ["NOSUCH CMD", "+++ R(-0003) +++"]


# ------------------------------------------------------ execution summary
SUMMARY_CASES = [
    ("CMS is the default", "SHOW A\nSTATE X Y Z", ["SHOW A", "A", "STATE X Y Z",
     "DMSSTT002E FILE 'X Y Z' NOT FOUND", "+++ R(00028) +++"]),
    ("OFF shows nothing", "&CONTROL OFF\nSHOW A\nSTATE X Y Z",
     ["A", "DMSSTT002E FILE 'X Y Z' NOT FOUND"]),
    ("ERROR shows only failing commands", "&CONTROL ERROR\nSHOW A\nSTATE X Y Z",
     ["A", "DMSSTT002E FILE 'X Y Z' NOT FOUND", "STATE X Y Z", "+++ R(00028) +++"]),
    ("ALL shows statements as scanned", "&CONTROL ALL\n&A = 5\n&B = &A + 1\n&TYPE &B\nSHOW &A",
     ["&A = 5", "&B = 5 + 1", "&TYPE 6", "6", "SHOW 5", "5"]),
    ("ALL keeps literals", "&CONTROL ALL\n&X = 1\n&TYPE &LITERAL &X &X",
     ["&X = 1", "&TYPE &X 1", "&X 1"]),
    ("ALL shows an &IF once", "&CONTROL ALL\n&IF 1 EQ 1 &TYPE Y", ["&IF 1 EQ 1 &TYPE Y", "Y"]),
    ("TIME prefixes commands", "&CONTROL CMS TIME\nSHOW A", ["12:34:56 SHOW A", "A"]),
    ("TIME needs CMS or ALL", "&CONTROL ERROR TIME\nSTATE X Y Z",
     ["DMSSTT002E FILE 'X Y Z' NOT FOUND", "STATE X Y Z", "+++ R(00028) +++"]),
    ("NOPACK keeps the 8-character fields", "&CONTROL NOPACK\nSHOW A B",
     ["SHOW     A        B", "A B"]),
    ("NOMSG suppresses FILE NOT FOUND", "&CONTROL NOMSG\nSTATE X Y Z",
     ["STATE X Y Z", "+++ R(00028) +++"]),
    ("options stay until changed", "&CONTROL OFF\n&CONTROL NOPACK\nSHOW A", ["A"]),
    ("&CONTROL alone resets", "&CONTROL OFF NOPACK\n&CONTROL\nSHOW A B", ["SHOW A B", "A B"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("program", "output"),
    [(program, output) for _, program, output in SUMMARY_CASES],
    ids=[name for name, _, _ in SUMMARY_CASES],
)
async def test_execution_summary(program: str, output: list[str]) -> None:
    _, host = await run_exec(program, host=cms_host())
    assert host.output == output


async def test_nomsg_is_passed_to_cms() -> None:
    _, host = await run_exec("&CONTROL NOMSG\nERASE A B C\n&CONTROL MSG\nERASE A B C")
    assert [nomsg for _, nomsg in host.issued] == [True, False]


# ------------------------------------------------------------------ &ERROR
ERROR_CASES = [
    ("default continues", "&CONTROL OFF\nSTATE A B C\n&TYPE NEXT", 0, ["NEXT"]),
    ("goto", "&CONTROL OFF\n&ERROR &GOTO -BAD\nSTATE A B C\n&TYPE NO\n-BAD &TYPE BAD &RETCODE",
     0, ["BAD 28"]),
    ("statement then the next line", "&CONTROL OFF\n&ERROR &TYPE OOPS\nSTATE A\n&TYPE NEXT",
     0, ["OOPS", "NEXT"]),
    ("exit with the code", "&CONTROL OFF\n&ERROR &EXIT &RETCODE\nSTATE A\n&TYPE NO", 28, []),
    ("not scanned until needed", "&CONTROL OFF\n&ERROR &TYPE &X\n&X = LATE\nSTATE A",
     0, ["LATE"]),
    ("&CONTINUE resets", "&CONTROL OFF\n&ERROR &TYPE OOPS\n&ERROR &CONTINUE\nSTATE A", 0, []),
    ("a failing command in the action ends the EXEC",
     "&CONTROL OFF\n&ERROR STATE B\nSTATE A\n&TYPE NO", 28, []),
    ("successful command in the action", "&CONTROL OFF\n&ERROR SHOW FIXED\nSTATE A\n&TYPE NEXT",
     0, ["FIXED", "NEXT"]),
    ("skip counts from the failing line", "&CONTROL OFF\n&ERROR &SKIP 1\nSTATE A\n&TYPE NO\n"
     "&TYPE YES", 0, ["YES"]),
    ("no action for rc 0", "&CONTROL OFF\n&ERROR &TYPE OOPS\nSHOW OK", 0, ["OK"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("program", "rc", "output"),
    [(program, rc, output) for _, program, rc, output in ERROR_CASES],
    ids=[name for name, *_ in ERROR_CASES],
)
async def test_error_action(program: str, rc: int, output: list[str]) -> None:
    host = FakeHost(commands={"STATE": 28, "SHOW": echo_command})
    return_code, host = await run_exec(program, host=host)
    assert (return_code, host.output) == (rc, output)


async def test_error_action_runs_for_a_failing_command_in_an_if() -> None:
    program = "&CONTROL OFF\n&ERROR &TYPE OOPS\n&IF 1 EQ 1 STATE A\n&TYPE NEXT"
    _, host = await run_exec(program, host=FakeHost(commands={"STATE": 28}))
    assert host.output == ["OOPS", "NEXT"]


# ------------------------------------------------------------------- &TIME
async def test_time_on_shows_cpu_after_each_command() -> None:
    _, host = await run_exec("&TIME ON\nSHOW A\n&TIME OFF\nSHOW B", host=cms_host())
    assert host.output == ["SHOW A", "A", "T=0.01/0.02 12:34:56", "", "SHOW B", "B"]


async def test_time_on_under_control_off_has_no_blank_line() -> None:
    _, host = await run_exec("&CONTROL OFF\n&TIME\nSHOW A", host=cms_host())
    assert host.output == ["A", "T=0.01/0.02 12:34:56"]


async def test_time_type_and_reset() -> None:
    program = "&CONTROL OFF\nSHOW A\nSHOW B\n&TIME TYPE\nSHOW C\n&TIME RESET\n&TIME TYPE"
    _, host = await run_exec(program, host=cms_host())
    assert host.output == ["A", "B", "T=0.02/0.04 12:34:56", "C", "T=0.00/0.00 12:34:56"]


# ------------------------------------------------------------ nested EXECs
INNER = """&CONTROL OFF
&TYPE INNER &1 &2 LEVEL &GLOBAL
&GLOBAL1 = 5
&EXIT 3"""


async def test_nested_exec_returns_its_code_and_shares_globals() -> None:
    host = FakeHost()
    host.add_exec("INNER", INNER)
    program = "EXEC INNER A B\n&TYPE RC &RETCODE G &GLOBAL1 LEVEL &GLOBAL"
    return_code, host = await run_exec(program, host=host)
    assert return_code == 0
    assert host.output == [
        "EXEC INNER A B",
        "INNER A B LEVEL 2",
        "+++ R(00003) +++",
        "RC 3 G 5 LEVEL 1",
    ]


async def test_nested_exec_control_is_local() -> None:
    host = FakeHost(commands={"SHOW": echo_command})
    host.add_exec("INNER", "&CONTROL OFF\nSHOW IN")
    _, host = await run_exec("EXEC INNER\nSHOW OUT", host=host)
    assert host.output == ["EXEC INNER", "IN", "SHOW OUT", "OUT"]


async def test_nested_exec_error_triggers_error_action() -> None:
    host = FakeHost()
    host.add_exec("INNER", "&EXIT 7")
    program = "&CONTROL OFF\n&ERROR &GOTO -E\nEX INNER\n&EXIT 0\n-E &EXIT &RETCODE"
    return_code, _ = await run_exec(program, host=host)
    assert return_code == 7


async def test_missing_nested_exec() -> None:
    return_code, host = await run_exec("&CONTROL OFF\nEXEC NOSUCH\n&EXIT &RETCODE")
    assert return_code == 801
    assert host.output == ["DMSEXT072E ERROR IN EXEC FILE NOSUCH, LINE 0000 - FILE NOT FOUND"]


async def test_recursion_is_limited_to_19_levels() -> None:
    host = FakeHost()
    host.add_exec("SELF", "&CONTROL OFF\n&GLOBAL0 = &GLOBAL\nEXEC SELF\n&EXIT &RETCODE")
    return_code = await ExecSession(host).run("SELF")
    assert return_code == 806
    assert host.output[0].endswith("MAX DEPTH OF EXEC RECURSION EXCEEDED")
    assert host.output[0].startswith("DMSEXT072E ERROR IN EXEC FILE SELF, LINE 0000")


async def test_session_level_is_restored_after_a_halt() -> None:
    class Halt(Exception):
        pass

    async def halt() -> None:
        raise Halt

    host = FakeHost()
    host.add_exec("LOOP", "-L &GOTO -L")
    session = ExecSession(host)
    host.checkpoint = halt  # type: ignore[method-assign]
    with pytest.raises(Halt):
        await session.run("LOOP")
    assert session.shared.level == 0


async def test_runaway_loop_is_stopped_by_the_host() -> None:
    from tests.guests.cms.test_exec1_fakehost import StepLimit

    with pytest.raises(StepLimit):
        await run_exec("&LOOP 1 1 EQ 2\n&CONTINUE", host=FakeHost(step_limit=500))


async def test_stacked_hx_halts_through_the_host() -> None:
    class Halted(Exception):
        pass

    host = FakeHost()

    def immediate(command: str) -> None:
        if command == "HX":
            raise Halted
        host.halted = command == "HT"

    host.immediate = immediate  # type: ignore[method-assign]
    with pytest.raises(Halted):
        await run_exec("&STACK HX\n&TYPE NOT REACHED", host=host)
    assert host.output == []


@pytest.mark.parametrize("program", ["&SPACE 99999999", "&READ 99999999"])
async def test_long_statements_pass_through_the_checkpoint(program: str) -> None:
    from tests.guests.cms.test_exec1_fakehost import StepLimit

    host = FakeHost(step_limit=50, empty_terminal_line="")
    with pytest.raises(StepLimit):
        await run_exec(program, host=host)
