"""Arbitrary EXEC text never breaks the interpreter: it ends with a return
code (an interpreter error is a message and an 8xx code), or is stopped by
the host's checkpoint when it would run forever."""

from __future__ import annotations

import asyncio
from collections import deque

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guests.cms.exec1 import ExecSession
from tests.guests.cms.test_exec1_fakehost import FakeHost, StepLimit

WORDS = [
    "&ARGS", "&BEGEMSG", "&BEGPUNCH", "&BEGSTACK", "&BEGTYPE", "&CONTINUE", "&CONTROL",
    "&EMSG", "&END", "&ERROR", "&EXIT", "&GOTO", "&HEX", "&IF", "&LOOP", "&PUNCH", "&READ",
    "&SKIP", "&SPACE", "&STACK", "&TIME", "&TYPE", "&CONCAT", "&DATATYPE", "&LENGTH",
    "&LITERAL", "&SUBSTR", "&A", "&B", "&A&B", "&1", "&2", "&0", "&31", "&*", "&$", "&INDEX",
    "&RETCODE", "&GLOBAL", "&GLOBAL1", "&DISK*", "&DISK?", "&DISKA", "&LINENUM", "&READFLAG",
    "&TYPEFLAG", "&EXEC", "&", "=", "+", "-", "*", "/", "EQ", "NE", "LT", "GE", "<", ">=", "¬=",
    "0", "1", "2", "-1", "4096", "99999999", "X'40", "X'C0", "ON", "OFF", "ALL", "CMS", "ERROR",
    "TIME", "NOMSG", "NOPACK", "LIFO", "FIFO", "HT", "RT", "ARGS", "VARS", "TOP", "RESET",
    "TYPE", "-L", "-M", "STATE", "EXEC", "TEST", "(", ")", "%", "\xff", "\xff" * 8, "*",
    "abc", "LONGERTHANEIGHT",
]  # fmt: skip

line_of_words = st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join)
any_line = st.one_of(line_of_words, line_of_words, st.text(max_size=40))
programs = st.lists(any_line, max_size=12).map("\n".join)


async def _run(program: str, arguments: list[str], terminal: list[str], rc: int) -> None:
    host = FakeHost(
        terminal=deque(terminal),
        empty_terminal_line="",
        step_limit=300,
        commands={"STATE": rc},
    )
    host.add_exec("TEST", program)
    try:
        return_code = await ExecSession(host).run("TEST", arguments)
    except StepLimit:
        return
    assert isinstance(return_code, int)
    assert all(isinstance(line, str) for line in host.output)
    assert all(len(card) == 80 for card in host.punched)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    program=programs,
    arguments=st.lists(st.sampled_from(WORDS), max_size=4),
    terminal=st.lists(any_line, max_size=3),
    rc=st.sampled_from([0, 28, -3]),
)
def test_arbitrary_exec_text(
    program: str, arguments: list[str], terminal: list[str], rc: int
) -> None:
    asyncio.run(_run(program, arguments, terminal, rc))
