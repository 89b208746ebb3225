"""Any command line a user types gets an answer, never a broken session."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import server.cp.commands  # noqa: F401  (registers the commands)
from directory.db import make_engine
from directory.parser import parse_directory
from directory.store import DirectoryStore
from server.cp.session import Session
from server.cp.system import System
from tests.integration.conftest import make_test_directory


class RecordingConsole:
    kind = "LINE"
    peer = "127.0.0.1"

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.closed = False

    def write_lines(self, lines: list[str]) -> None:
        self.lines.extend(lines)

    def set_hidden_input(self, hidden: bool) -> None:
        pass

    def show_logo(self) -> None:
        self.lines.append("VM/370 ONLINE")

    def set_state(self, state: str) -> None:
        self.lines.append(f"<{state}>")

    def close(self) -> None:
        self.closed = True


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('fuzz') / 'vm370.db'}"

    async def setup() -> None:
        engine = make_engine(url)
        store = DirectoryStore(engine)
        await store.migrate()
        await store.replace(parse_directory(make_test_directory()).directory)
        await engine.dispose()

    asyncio.run(setup())
    yield url


WORDS = st.sampled_from(
    [
        "Q",
        "QUERY",
        "SET",
        "TERM",
        "TERMINAL",
        "MSG",
        "M",
        "SLEEP",
        "HELP",
        "LOGON",
        "LOGOFF",
        "DISC",
        "FORCE",
        "WARNING",
        "SHUTDOWN",
        "EMSG",
        "ON",
        "OFF",
        "LINEND",
        "CHARDEL",
        "MORE",
        "*",
        "ALL",
        "BOB",
        "OPERATOR",
        "LOGMSG",
        "NULL",
        "1",
        "99",
        "999",
        "#",
        "@",
        '"',
        "CP",
        "TIME",
        "NAMES",
        "USERS",
        "HOLD",
        "SEC",
        "PF01",
        "LINESIZE",
        "MODE",
        "VM",
    ]
)
LINES = st.lists(
    st.one_of(st.lists(WORDS, max_size=6).map(" ".join), st.text(max_size=40)),
    min_size=1,
    max_size=8,
)


async def run_lines(url: str, lines: list[str], classes_user: str) -> list[str]:
    engine = make_engine(url)
    try:
        system = System(DirectoryStore(engine))
        console = RecordingConsole()
        session = Session(system, console)
        await session.input_line(classes_user)
        for line in lines:
            if session.closed:
                session = Session(system, RecordingConsole())
            await session.input_line(line)
        session.wake()
        return console.lines
    finally:
        await engine.dispose()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=LINES, logon=st.sampled_from(["LOGON BOB BOBPW", "LOGON OPERATOR OPPW", ""]))
def test_random_command_lines_always_answer(database: str, lines: list[str], logon: str) -> None:
    output = asyncio.run(run_lines(database, lines, logon))
    assert not any("COMMAND FAILED" in line for line in output), output


def test_recording_console_sees_errors(database: str) -> None:
    output = asyncio.run(run_lines(database, ["QUERY BLAH", "FROB"], "LOGON BOB BOBPW"))
    assert "BLAH NOT LOGGED ON" in output
    assert "?CP: FROB" in output
    assert Path(database.split("///", 1)[1]).exists()
