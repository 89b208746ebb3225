"""Messages breaking in on the 3270 console, without sockets (reference/terminals.md 6.4-6.5).

A message never touches the input area or moves the cursor, sounds the alarm,
waits behind MORE... and HOLDING, and takes the screen back from a full-screen
program on a new, held page. Garbage keys never lose queued output.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from server.terminal.ds3270 import (
    AID_CLEAR,
    AID_ENTER,
    AID_PA2,
    DataStreamError,
    Inbound,
    decode_address,
    parse_inbound,
)
from server.terminal.tn3270 import Console3270, Keyboard
from tests.terminal.test_screen3270 import FakeConnection, FakeSession

MESSAGE = "12:00:00 MSG FROM ALICE: hello"
ORDER_SBA, ORDER_IC, ORDER_EUA, ORDER_RA, ORDER_SF = 0x11, 0x13, 0x12, 0x3C, 0x1D


def orders(record: bytes) -> list[tuple[int, int]]:
    """(order, buffer address) of every SBA, EUA and RA, and (IC, -1), in a record."""
    found: list[tuple[int, int]] = []
    index = 2
    while index < len(record):
        byte = record[index]
        if byte in (ORDER_SBA, ORDER_EUA):
            found.append((byte, decode_address(record[index + 1], record[index + 2])))
            index += 3
        elif byte == ORDER_RA:
            found.append((byte, decode_address(record[index + 1], record[index + 2])))
            index += 4
        elif byte == ORDER_SF:
            index += 2
        else:
            if byte == ORDER_IC:
                found.append((byte, -1))
            index += 1
    return found


def leaves_input_alone(record: bytes) -> bool:
    """A Write (not an erasing one) with no IC and nothing addressed in the input area."""
    if record[0] != 0xF1:
        return False
    for order, address in orders(record):
        if order != ORDER_SBA or 1759 <= address < 1899:
            return False
    return True


class LoggedOnSession(FakeSession):
    """A session with a user who has no virtual machine (full-screen keys go to it)."""

    user = SimpleNamespace(vm=None, terminal=SimpleNamespace(more=(50, 10), pf={}))


def console_and_keyboard() -> tuple[FakeConnection, Console3270, Keyboard]:
    connection = FakeConnection()
    console = Console3270(connection, "VM370")  # type: ignore[arg-type]
    session = LoggedOnSession()
    console.session = session  # type: ignore[assignment]
    keyboard = Keyboard(console, session)  # type: ignore[arg-type]
    return connection, console, keyboard


def fill_to_more(console: Console3270) -> None:
    console.write_lines([f"LINE {n:02d}" for n in range(30)])
    assert console.screen.display == "MORE"


def test_message_is_a_plain_write_with_the_alarm() -> None:
    async def scenario() -> None:
        connection, console, _ = console_and_keyboard()
        console.write_message([MESSAGE])
        (record,) = connection.records
        assert record[1] == 0xC6  # WCC reset, restore keyboard, sound alarm
        assert leaves_input_alone(record)
        assert console.screen.rows == [MESSAGE]
        connection.records.clear()
        console.write_lines(["AN ORDINARY LINE"])
        assert connection.records[0][1] == 0xC2  # the alarm is for the message only
        assert leaves_input_alone(connection.records[0])

    asyncio.run(scenario())


def test_message_waits_behind_more_and_holding() -> None:
    async def scenario() -> None:
        connection, console, keyboard = console_and_keyboard()
        fill_to_more(console)
        connection.records.clear()
        console.write_message([MESSAGE])
        (record,) = connection.records
        assert record[1] == 0xC6 and leaves_input_alone(record)
        assert console.screen.display == "MORE"
        assert MESSAGE not in console.screen.rows and MESSAGE in console.screen.pending
        keyboard.handle(Inbound(AID_ENTER, 1760, ()))  # empty ENTER holds the screen
        assert console.screen.display == "HOLDING"
        console.write_message(["13:00:00 WNG FROM OPERATOR: going down"])
        assert console.screen.display == "HOLDING"  # a warning waits too; nothing lost
        keyboard.handle(Inbound(AID_ENTER, 1760, ()))  # and ENTER does not release it
        assert console.screen.display == "HOLDING"
        assert console.screen.status_text().startswith("HOLDING")
        keyboard.handle(Inbound(AID_PA2, 1760, ()))
        assert console.screen.display == "NORMAL"
        assert console.screen.rows[-2:] == [MESSAGE, "13:00:00 WNG FROM OPERATOR: going down"]
        assert all(record[1] & 0x02 for record in connection.records)
        console._cancel_more_timer()

    asyncio.run(scenario())


def test_more_timer_warns_with_the_alarm_then_clears() -> None:
    async def scenario() -> None:
        connection, console, _ = console_and_keyboard()
        fill_to_more(console)
        assert console._more_timer is not None
        connection.records.clear()
        console._more_timer.cancel()
        console._more_warning(10)  # the first interval ran out
        assert connection.records[-1][1] == 0xC6
        assert console.screen.display == "MORE"
        console._more_timer.cancel()
        console._more_expired()  # and the second one
        assert console.screen.display == "NORMAL"
        assert console.screen.rows[0] == "LINE 22"

    asyncio.run(scenario())


def test_message_takes_the_screen_from_a_full_screen_program() -> None:
    async def scenario() -> None:
        connection, console, keyboard = console_and_keyboard()
        console.write_lines(["BEFORE THE PROGRAM"])
        assert console.full_write("EW", bytes.fromhex("C3 114040 1DF8 C1"), False)
        assert console.full_screen and not console.cp_waiting
        connection.records.clear()
        console.write_message([MESSAGE])
        # The alarm, and the terminal asked for what the user typed; the screen stays.
        assert connection.records == [bytes.fromhex("F1C6"), bytes.fromhex("F6")]
        assert console.full_screen and console.cp_waiting  # an Erase/Write would wait
        reply = bytes.fromhex("60 4BC3 114BC2") + "typed".encode("cp037")
        keyboard.handle(parse_inbound(reply), reply)  # no AID: the fields so far
        assert console.full_screen
        assert console.full_read() == reply  # the program gets what was typed ...
        assert not console.full_screen  # ... and then CP takes the screen
        assert connection.records[-2][0] == 0x7E  # CP's screen redrawn (EWA)
        assert console.screen.rows == [MESSAGE]  # a new page, the message at the top
        assert console.screen.display == "HOLDING"
        assert console.cp_waiting  # the program's Erase/Write waits (X'8E')
        console.write_lines(["THE PROGRAM'S OWN LINE"])
        assert "THE PROGRAM'S OWN LINE" in console.screen.pending
        keyboard.handle(Inbound(AID_CLEAR, None, ()))
        assert console.screen.display == "NORMAL" and not console.cp_waiting
        assert console.screen.rows == ["THE PROGRAM'S OWN LINE"]

    asyncio.run(scenario())


def test_a_program_that_does_not_read_loses_the_screen_anyway() -> None:
    async def scenario() -> None:
        connection, console, _ = console_and_keyboard()
        assert console.full_write("EW", bytes.fromhex("C3"), False)
        console.write_message([MESSAGE])
        console.write_message(["13:00:00 WNG FROM OPERATOR: second"])
        assert connection.records.count(bytes.fromhex("F6")) == 1  # asked once
        assert console.full_read() == bytes.fromhex("604040")  # no answer yet: no AID
        assert console.full_screen  # the program has not seen the typed fields
        console.take_screen()  # BREAK_IN_WAIT ran out
        assert not console.full_screen and console.screen.display == "HOLDING"
        assert console.screen.rows == [MESSAGE, "13:00:00 WNG FROM OPERATOR: second"]

    asyncio.run(scenario())


def test_program_output_without_a_message_is_not_held() -> None:
    async def scenario() -> None:
        _, console, _ = console_and_keyboard()
        assert console.full_write("EW", bytes.fromhex("C3"), False)
        console.write_lines(["A GUEST'S CONSOLE LINE"])  # shown at once (VM/SP), not held
        assert not console.full_screen and console.screen.display == "NORMAL"

    asyncio.run(scenario())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(min_size=0, max_size=12), max_size=12))
def test_garbage_keys_never_lose_queued_output(records: list[bytes]) -> None:
    async def scenario() -> None:
        connection, console, keyboard = console_and_keyboard()
        fill_to_more(console)
        console.write_message([MESSAGE])
        seen = False
        for record in records:
            try:
                inbound = parse_inbound(record)
            except DataStreamError:
                continue
            keyboard.handle(inbound, record)
            seen = seen or MESSAGE in console.screen.rows
        assert seen or MESSAGE in console.screen.pending  # shown, or still waiting
        assert all(record[1] & 0x02 for record in connection.records if record[0] != 0xF5)
        console._cancel_more_timer()
        for task in keyboard.attention_tasks:
            task.cancel()

    asyncio.run(scenario())
