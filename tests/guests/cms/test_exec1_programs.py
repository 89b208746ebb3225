"""EXEC 1 programs with their expected console output, stack, punch and rc.

Each case is an EXEC file run under &CONTROL OFF unless it says otherwise,
so the output is only what the program displays itself.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import pytest

from tests.guests.cms.test_exec1_fakehost import FakeHost, run_exec


@dataclass(frozen=True)
class Case:
    name: str
    program: str
    output: list[str]
    rc: int = 0
    arguments: tuple[str, ...] = ()
    terminal: tuple[str, ...] = ()
    stack: list[str] | None = None
    punched: list[str] | None = None
    commands: dict[str, int] = field(default_factory=dict)


CASES = [
    # ------------------------------------------------------------ basics
    Case("type", "&TYPE HELLO   WORLD", ["HELLO WORLD"]),
    Case("type truncates tokens", "&TYPE EXAGGERATED (MESSAGE)", ["EXAGGERA ( MESSAGE )"]),
    Case("type with no tokens", "&TYPE", [""]),
    Case("comment and null lines", "* a comment &TYPE NO\n\n   \n&TYPE YES", ["YES"]),
    Case("label line runs its statement", "-HERE &TYPE LABELLED\n-THERE", ["LABELLED"]),
    Case("end of file gives rc 0", "&X = 1", [], rc=0),
    # ------------------------------------------------------- variables
    Case("assignment", "&A = ABC\n&TYPE &A", ["ABC"]),
    Case("value truncated to 8", "&A = &CONCAT ABCDEF GHIJ\n&TYPE &A", ["ABCDEFGH"]),
    Case("undefined variable is dropped", "&TYPE A &NOPE B", ["A B"]),
    Case("concatenated prefix", "&TYPE .&1", ["."]),
    Case("name runs to the end of the token", "&A = 1\n&TYPE X&A.", ["X"]),
    Case("lone ampersand is text", "&TYPE A & B", ["A & B"]),
    Case("prefix survives", "&A = 7\n&TYPE X&A", ["X7"]),
    Case("variable built from variables", "&I = 2\n&X2 = TWO\n&TYPE &X&I", ["TWO"]),
    Case("left side substituted after the head", "&I = 3\n&V&I = 9\n&TYPE &V3", ["9"]),
    Case("literal", "&A = 5\n&TYPE &LITERAL &A IS &A", ["&A IS 5"]),
    Case("literal assignment", "&A = &LITERAL &B\n&TYPE &LITERAL &A", ["&A"]),
    Case("empty assignment is null", "&A = X\n&A =\n&TYPE [ &A ]", ["[ ]"]),
    Case("arguments", "&TYPE &INDEX &1 &2 &3", ["2 ONE TWO"], arguments=("ONE", "TWO")),
    Case("percent argument is blank", "&TYPE &INDEX .&2", ["3 ."], arguments=("A", "%", "C")),
    Case("long argument truncated", "&TYPE &1", ["ABCDEFGH"], arguments=("ABCDEFGHIJ",)),
    Case("&0 and &EXEC", "&TYPE &0 &EXEC\n&0 = OTHER\n&TYPE &0 &EXEC", ["TEST TEST", "OTHER TEST"]),
    Case("argument assignment", "&2 = NEW\n&TYPE &1 &2 &INDEX", ["A NEW 1"], arguments=("A",)),
    Case("&LINENUM", "&TYPE &LINENUM\n\n&TYPE &LINENUM", ["2", "4"]),
    Case("&GLOBAL level", "&TYPE &GLOBAL", ["1"]),
    Case("&GLOBALn", "&TYPE &GLOBAL3\n&GLOBAL3 = 42\n&TYPE &GLOBAL3", ["1", "42"]),
    Case("&RETCODE starts at 0", "&TYPE &RETCODE", ["0"]),
    Case(
        "&READFLAG", "&TYPE &READFLAG\n&STACK X\n&TYPE &READFLAG", ["CONSOLE", "STACK"], stack=["X"]
    ),  # fmt: skip
    Case("&TYPEFLAG", "&TYPE &TYPEFLAG", ["RT"]),
    Case("&DISKx", "&TYPE &DISKA &DISKC &DISKQ", ["CMS OS NA"]),
    Case("&DISK* and &DISK?", "&TYPE &DISK* &DISK?", ["A A"]),
    Case("&DISKx set loses its function", "&DISKA = MINE\n&TYPE &DISKA", ["MINE"]),
    Case("&DOS", "&TYPE &DOS", ["OFF"]),
    # ------------------------------------------------------ arithmetic
    Case("add", "&X = 1\n&X = &X + 1\n&TYPE &X", ["2"]),
    Case("left to right", "&X = 10 - 3 - 2\n&TYPE &X", ["5"]),
    Case("minus and negative", "&X = 3 - 10\n&Y = &X - -2 + +1\n&TYPE &X &Y", ["-7 -4"]),
    Case("arguments in arithmetic", "&X = &1 - 4 + &2\n&TYPE &X", ["8"], arguments=("5", "7")),
    Case("numbers keep their form", "&X = 007\n&Y = &X + 0\n&TYPE &X &Y", ["007 7"]),
    Case("largest value", "&X = 99999998 + 1\n&TYPE &X", ["99999999"]),
    Case("hex on the right of =", "&HEX ON\n&A = X'C0\n&TYPE &A", ["192"]),
    Case("hex on assignment is decimal", "&HEX ON\n&A = X'C0\n&HEX OFF\n&TYPE &A", ["192"]),
    Case("hex off leaves X' alone", "&TYPE X'40", ["X'40"]),
    Case("hex display", "&HEX ON\n&TYPE X'40\n&A = 192\n&TYPE X'&A", ["28", "C0"]),
    # ------------------------------------------------------- functions
    Case("&CONCAT", "&A = **\n&B = &CONCAT XX &A 45\n&TYPE &B", ["XX**45"]),
    Case(
        "&DATATYPE",
        "&A = &DATATYPE 123\n&B = &DATATYPE A1\n&C = &DATATYPE &NONE\n&TYPE &A &B &C",
        ["NUM CHAR CHAR"],
    ),  # fmt: skip
    Case("&LENGTH", "&A = &LENGTH ALPHA\n&B = &LENGTH &NONE\n&TYPE &A &B", ["5 0"]),
    Case("&SUBSTR", "&A = &SUBSTR ABCDEF 2 3\n&B = &SUBSTR ABCDEF 4\n&TYPE &A &B", ["BCD DEF"]),
    # ------------------------------------------------------------ &IF
    Case("if true", "&IF 5 EQ 5 &TYPE YES", ["YES"]),
    Case("if false", "&IF 5 NE 5 &TYPE YES\n&TYPE NEXT", ["NEXT"]),
    Case("if numeric", "&IF 10 GT 9 &TYPE NUMERIC", ["NUMERIC"]),
    Case("if character", "&IF 10 GT 9A &TYPE NO\n&IF ABC LT ABD &TYPE CHAR", ["CHAR"]),
    Case(
        "if symbols",
        "&IF 1 < 2 &TYPE LT\n&IF 2 >= 2 &TYPE GE\n&IF A ¬= B &TYPE NE\n"
        "&IF 3 <= 1 &TYPE LE\n&IF 3 > 1 &TYPE GT\n&IF A = A &TYPE EQ",
        ["LT", "GE", "NE", "GT", "EQ"],
    ),  # fmt: skip
    Case(
        "if words", "&IF 1 LT 2 &TYPE LT\n&IF 1 LE 1 &TYPE LE\n&IF 2 GE 3 &TYPE GE", ["LT", "LE"]
    ),  # fmt: skip
    Case("nested if", "&IF 1 EQ 1 &IF 2 EQ 2 &TYPE BOTH", ["BOTH"]),
    Case("if assignment", "&IF 1 EQ 1 &X = 3\n&TYPE &X", ["3"]),
    Case("null operand pitfall", "&IF .&1 EQ . &TYPE NOARGS", ["NOARGS"]),
    Case("null operand shifts", "&IF &1 EQ X &TYPE SHIFTED\n&TYPE NEXT", ["NEXT"]),
    Case("if &* all", "&IF &* EQ A &TYPE ALL-A", ["ALL-A"], arguments=("A", "A")),
    Case("if &* not all", "&IF &* EQ A &TYPE ALL-A", [], arguments=("A", "B")),
    Case("if &$ any", "&IF &$ EQ B &TYPE SOME-B", ["SOME-B"], arguments=("A", "B")),
    Case("if &* without arguments is null", "&IF &* EQ A &TYPE X\n&IF &$ NE A &TYPE Y", []),
    Case("if literal", "&A = 1\n&IF &LITERAL &A EQ &LITERAL &A &TYPE SAME", ["SAME"]),
    # ---------------------------------------------------------- &GOTO
    Case("goto label", "&GOTO -B\n&TYPE A\n-B &TYPE B", ["B"]),
    Case(
        "goto label wraps to the top",
        "&X = 1\n-TOP &TYPE &X\n&IF &X EQ 2 &EXIT\n&X = 2\n&GOTO -TOP",
        ["1", "2"],
    ),  # fmt: skip
    Case(
        "goto first match after the goto",
        "-L &TYPE ONE\n&IF &X EQ 1 &EXIT\n&X = 1\n&GOTO -L\n-L &TYPE TWO\n&GOTO -L",
        ["ONE", "TWO", "ONE"],
    ),  # fmt: skip
    Case("goto top", "&X = &CONCAT &X A\n&TYPE &X\n&IF &X NE AA &GOTO TOP", ["A", "AA"]),
    Case("goto line", "&GOTO 4\n&TYPE TWO\n&TYPE THREE", ["THREE"]),
    Case("goto substituted label", "&T = -X\n&GOTO &T\n&TYPE NO\n-X &TYPE X", ["X"]),
    # ---------------------------------------------------------- &SKIP
    Case("skip", "&SKIP\n&TYPE A\n&TYPE B", ["B"]),
    Case("skip n", "&SKIP 2\n&TYPE A\n&TYPE B\n&TYPE C", ["C"]),
    Case("skip 0", "&SKIP 0\n&TYPE A", ["A"]),
    Case("skip back", "&N = 0\n&N = &N + 1\n&TYPE &N\n&IF &N LT 3 &SKIP -2", ["1", "2", "3"]),
    Case(
        "skip back counts from the &SKIP",
        "&GOTO -B\n-A &TYPE A\n&EXIT\n-B &TYPE B\n&SKIP -3",
        ["B", "A"],
    ),  # fmt: skip
    Case("skip -1 is the line above", "&X = 0\n&X = &X + 1\n&IF &X LT 3 &SKIP -1\n&TYPE &X", ["3"]),
    Case("skip past the end ends", "&SKIP 9\n&TYPE A", [], rc=0),
    # ---------------------------------------------------------- &LOOP
    Case(
        "loop n m", "&LOOP 2 3\n&TYPE A\n&TYPE B\n&TYPE END", ["A", "B", "A", "B", "A", "B", "END"]
    ),  # fmt: skip
    Case("loop zero times", "&LOOP 1 0\n&TYPE NEVER\n&TYPE AFTER", ["AFTER"]),
    Case(
        "inner loop skipped at a shared end",
        "&N = 0\n&LOOP -E 2\n&LOOP -E &N\n-E &TYPE IN\n&TYPE OUT",
        ["OUT"],
    ),
    Case(
        "outer loop repeats after an inner loop that did not run",
        "&I = 0\n&N = 0\n&LOOP -E 2\n&I = &I + 1\n&TYPE &I\n&LOOP -E &N\n-E &TYPE IN\n&TYPE OUT",
        ["1", "2", "OUT"],
    ),
    Case(
        "loop to label",
        "&I = 0\n&LOOP -E 3\n&I = &I + 1\n-E &TYPE &I\n&TYPE DONE",
        ["1", "2", "3", "DONE"],
    ),  # fmt: skip
    Case(
        "loop condition", "&I = 0\n&LOOP 2 &I = 3\n&I = &I + 1\n&TYPE &I", ["1", "2", "3"]
    ),  # fmt: skip
    Case("loop condition met at once", "&LOOP 1 1 EQ 1\n&TYPE NO\n&TYPE YES", ["YES"]),
    Case("loop counts comment lines", "&LOOP 2 2\n* comment\n&TYPE X", ["X", "X"]),
    Case(
        "nested loops sharing a label",
        "&I = 0\n&LOOP -E 2\n&J = 0\n&LOOP -E 2\n&J = &J + 1\n-E &TYPE &I &J\n",
        ["0 1", "0 2", "0 1", "0 2"],
    ),  # fmt: skip
    Case(
        "nested loops",
        "&LOOP -O 2\n&LOOP 1 2\n&TYPE IN\n-O &TYPE OUT",
        ["IN", "IN", "OUT", "IN", "IN", "OUT"],
    ),  # fmt: skip
    Case(
        "goto leaves a loop", "&LOOP -E 5\n&TYPE X\n&GOTO -OUT\n-E\n-OUT &TYPE OUT", ["X", "OUT"]
    ),  # fmt: skip
    Case(
        "loop with &* condition", "&LOOP 2 &* EQ X\n&TYPE ONCE\n&ARGS X", ["ONCE"], arguments=("Y",)
    ),  # fmt: skip
    # ------------------------------------------------- &ARGS and &READ
    Case("&ARGS", "&ARGS A % C\n&TYPE &INDEX &1 .&2 &3", ["3 A . C"], arguments=("Z", "Y")),
    Case("&ARGS resets the rest", "&ARGS\n&TYPE &INDEX .&1", ["0 ."], arguments=("Z",)),
    Case("&READ ARGS", "&READ ARGS\n&TYPE &INDEX &2", ["3 BB"], terminal=("AA BB CC",)),
    Case("&READ VARS", "&READ VARS &A &B &C\n&TYPE &A &B .&C", ["X Y ."], terminal=("X Y",)),
    Case("&READ VARS from the stack", "&STACK P Q\n&READ VARS &A\n&TYPE &A", ["P"]),
    Case(
        "&READ n runs the lines",
        "&READ 2\n&TYPE AFTER",
        ["READ1", "AFTER"],
        terminal=("&TYPE READ1", "&X = 4"),
    ),  # fmt: skip
    Case(
        "&READ reads a command",
        "&READ\n&TYPE &RETCODE",
        ["28"],
        terminal=("STATE X Y",),
        commands={"STATE": 28},
    ),  # fmt: skip
    Case(
        "&READ inside &READ", "&READ 2", ["OUT", "IN"], terminal=("&READ", "&TYPE OUT", "&TYPE IN")
    ),
    Case(
        "&READ goto stops reading",
        "&READ 2\n&TYPE NO\n-L &TYPE L",
        ["L"],
        terminal=("&GOTO -L", "&TYPE NOT-RUN"),
    ),  # fmt: skip
    # --------------------------------------------------------- output
    Case("&SPACE", "&SPACE\n&SPACE 2\n&TYPE X", ["", "", "", "X"]),
    Case(
        "&BEGTYPE",
        "&BEGTYPE\n  keeps   &SPACING & case\n\n&END\n&TYPE AFTER",
        ["  keeps   &SPACING & case", "", "AFTER"],
    ),  # fmt: skip
    Case("&END must start in column 1", "&BEGTYPE\n &END\n&END", [" &END"]),
    Case("&BEGTYPE to the end of file", "&BEGTYPE\nA\nB", ["A", "B"]),
    Case("&EMSG", "&EMSG ERROR1E BAD THING\n&EMSG HELLO", ["DMSERROR1E BAD THING", "HELLO"]),
    Case(
        "&BEGEMSG",
        "&BEGEMSG\nTEST01E SOMETHING  WRONG\nNOT A MESSAGE\n&END",
        ["DMSTEST01E SOMETHING  WRONG", "NOT A MESSAGE"],
    ),  # fmt: skip
    # ---------------------------------------------------------- stack
    Case("&STACK", "&STACK A B\n&STACK\n&STACK LIFO FIRST", [], stack=["FIRST", "A B", ""]),
    Case("&STACK = is an assignment", "&STACK = X\n&EQ = &LITERAL =\n&STACK &EQ", [], stack=["="]),
    Case("&STACK FIFO", "&STACK FIFO ONE\n&STACK FIFO TWO", [], stack=["ONE", "TWO"]),
    Case("&STACK substitutes", "&A = VAL\n&STACK &A", [], stack=["VAL"]),
    Case("&STACK HT and RT", "&STACK HT\n&TYPE HIDDEN\n&STACK RT\n&TYPE SHOWN", ["SHOWN"]),
    Case("&STACK HT with other tokens is stacked", "&STACK HT NOW", [], stack=["HT NOW"]),
    Case("&BEGSTACK", "&BEGSTACK\nINPUT LINE &1\n\n&END", [], stack=["INPUT LINE &1", " "]),
    Case("&BEGSTACK LIFO", "&BEGSTACK LIFO\nA\nB\n&END", [], stack=["B", "A"]),
    # ---------------------------------------------------------- punch
    Case(
        "&PUNCH",
        "&PUNCH CARD &1\n&PUNCH",
        [],
        arguments=("ONE",),
        punched=["CARD ONE".ljust(80), " " * 80],
    ),  # fmt: skip
    Case("&BEGPUNCH", "&BEGPUNCH\n//JOB CARD\n&END", [], punched=["//JOB CARD".ljust(80)]),
    # ----------------------------------------------------------- exit
    Case("&EXIT", "&EXIT 12\n&TYPE NO", [], rc=12),
    Case("&EXIT default", "&EXIT\n&TYPE NO", [], rc=0),
    Case("&EXIT negative", "&EXIT -3", [], rc=-3),
    Case("&EXIT &RETCODE", "STATE A B\n&EXIT &RETCODE", [], rc=28, commands={"STATE": 28}),
    Case("&CONTINUE", "&CONTINUE\n&TYPE ON", ["ON"]),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_program(case: Case) -> None:
    host = FakeHost(terminal=deque(case.terminal), commands=dict(case.commands))
    program = "&CONTROL OFF\n" + case.program
    return_code, host = await run_exec(program, case.arguments, host)
    assert host.output == case.output
    assert return_code == case.rc
    if case.stack is not None:
        assert list(host.stack) == case.stack
    if case.punched is not None:
        assert host.punched == case.punched
