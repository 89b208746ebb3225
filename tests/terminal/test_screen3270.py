"""The console screen state machine, without sockets (reference/terminals.md 6.3)."""

from __future__ import annotations

import asyncio

from server.terminal.ds3270 import Inbound, parse_inbound
from server.terminal.screen3270 import ConsoleScreen, Layout, model_of
from server.terminal.tn3270 import Console3270, Keyboard


def screen() -> ConsoleScreen:
    return ConsoleScreen(Layout(24, 80), "VM370")


def test_layout_matches_the_reference() -> None:
    layout = Layout(24, 80)
    assert layout.input_attribute == 1759
    assert layout.input_start == 1760
    assert layout.status_attribute == 1899
    assert layout.status_start == 1900
    assert layout.input_length == 139
    assert layout.output_rows == 22
    big = Layout(27, 132)
    assert big.status_start + 20 == 27 * 132


def test_models() -> None:
    assert model_of("IBM-3278-2-E") == 2
    assert model_of("IBM-3279-4-E") == 4
    assert model_of("IBM-3278-5") == 5
    assert model_of("IBM-3277-2") == 2
    assert model_of("IBM-3278") == 2


def test_status_priority() -> None:
    console = screen()
    assert console.status_text() == "CP READ        VM370"
    console.display = "MORE"
    assert console.status_text().startswith("MORE...")
    console.display = "HOLDING"
    assert console.status_text().startswith("HOLDING")
    console.not_accepted = True
    assert console.status_text().startswith("NOT ACCEPTED")
    assert len(console.status_text()) == 20


def test_paging() -> None:
    console = screen()
    console.add_lines([f"LINE {n}" for n in range(30)])
    assert console.display == "MORE"
    assert len(console.rows) == 22 and len(console.pending) == 8
    console.next_page()
    assert console.display == "NORMAL"
    assert console.rows[0] == "LINE 22" and not console.pending


def test_long_lines_continue_on_the_next_row() -> None:
    console = screen()
    console.add_lines(["X" * 200])
    assert [len(row) for row in console.rows] == [78, 78, 44]


class FakeConnection:
    peer = "127.0.0.1"
    term = "IBM-3278-2"

    def __init__(self) -> None:
        self.records: list[bytes] = []

    def send_record(self, record: bytes) -> None:
        self.records.append(record)

    def close(self) -> None:
        pass


class FakeSession:
    user = None
    sleeping = False

    def __init__(self) -> None:
        self.cp_mode_entered = 0

    def wake(self) -> None:
        pass

    async def enter_cp_mode(self) -> None:
        self.cp_mode_entered += 1


def test_input_while_busy_is_not_accepted() -> None:
    async def scenario() -> None:
        connection = FakeConnection()
        console = Console3270(connection, "VM370")  # type: ignore[arg-type]
        keyboard = Keyboard(console, FakeSession())  # type: ignore[arg-type]
        enter = parse_inbound(bytes.fromhex("7D5BE3115B60C1C2C3"))
        keyboard.handle(enter)
        assert keyboard.lines.qsize() == 1
        keyboard.handle(enter)  # the first line has not been processed yet
        assert console.screen.not_accepted
        assert keyboard.lines.qsize() == 1
        assert all(record[1] & 0x02 for record in connection.records)  # keyboard restored

    asyncio.run(scenario())


def test_every_aid_gets_a_keyboard_restoring_answer() -> None:
    async def scenario() -> None:
        connection = FakeConnection()
        console = Console3270(connection, "VM370")  # type: ignore[arg-type]
        keyboard = Keyboard(console, FakeSession())  # type: ignore[arg-type]
        for aid in (0x6C, 0x6E, 0x6D, 0x6B, 0xF1, 0x7E):
            connection.records.clear()
            keyboard.handle(Inbound(aid, 1760, ()))
            assert connection.records, f"no answer to AID {aid:02X}"
            assert connection.records[-1][1] & 0x02

    asyncio.run(scenario())
