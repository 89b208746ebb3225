"""Spooled virtual devices on a real store: output CLOSE/CONT/PURGE, reader EOF/CONT/HOLD."""

from __future__ import annotations

from spool.model import DeviceType, HoldStatus, Queue, RecordFormat
from spool.records import card, card_text, print_line
from spool.store import Selector, SpoolStore
from spool.unitrecord import (
    END_OF_FILE,
    NO_FILE,
    NOT_READY,
    OutputDevice,
    ReaderDevice,
    ReaderSignal,
    notice_wanted,
)
from tests.spool.conftest import punch


async def _read_all(reader: ReaderDevice) -> tuple[list[str], ReaderSignal]:
    cards: list[str] = []
    while True:
        item = await reader.read()
        if isinstance(item, ReaderSignal):
            return cards, item
        cards.append(card_text(item))


async def test_punch_to_a_user_lands_in_the_reader_as_one_copy(store: SpoolStore) -> None:
    device = OutputDevice(store, "alice", DeviceType.PUN)
    device.to, device.copies, device.spool_class = "BOB", 3, "B"
    for text in ("ONE", "TWO"):
        device.write(card(text))
    device.spool_class = "C"  # settings were taken when the file opened
    closed = await device.close()
    assert closed is not None and not device.is_open
    assert (closed.owner, closed.queue, closed.copies, closed.spool_class) == (
        "BOB",
        Queue.RDR,
        1,
        "B",
    )
    assert notice_wanted(closed)
    assert await device.close() is None  # nothing open


async def test_cont_ignores_close_until_forced_and_purge_discards(store: SpoolStore) -> None:
    printer = OutputDevice(store, "ALICE", DeviceType.PRT)
    printer.cont, printer.copies = True, 2
    printer.write(print_line("FIRST"))
    assert await printer.close() is None and printer.is_open
    printer.write(print_line("SECOND"))
    closed = await printer.close(force=True, hold=True, dist="D1")
    assert closed is not None and closed.records == 2 and closed.queue is Queue.PRT
    assert (closed.copies, closed.hold, closed.dist) == (2, HoldStatus.USER, "D1")
    printer.write(print_line("GONE"))
    printer.purge()
    assert not printer.is_open
    assert [f.spoolid for f in await store.files(Selector())] == [closed.spoolid]


async def test_console_defaults(store: SpoolStore) -> None:
    console = OutputDevice(store, "ALICE", DeviceType.CON)
    console.write(print_line("LOGON AT ..."))
    closed = await console.close()
    assert closed is not None
    assert (closed.spool_class, closed.record_format, closed.device) == (
        "T",
        RecordFormat.PRINT,
        DeviceType.CON,
    )
    assert not notice_wanted(closed)


async def test_reader_reads_a_file_then_eof_and_purges_it(store: SpoolStore) -> None:
    first = await punch(store, "ALICE", ["A1", "A2"], to="BOB")
    second = await punch(store, "ALICE", ["B1"], to="BOB")
    reader = ReaderDevice(store, "BOB")
    assert await _read_all(reader) == (["A1", "A2"], END_OF_FILE)
    assert await store.get(first.spoolid) is None
    assert await _read_all(reader) == (["B1"], END_OF_FILE)
    assert await store.get(second.spoolid) is None
    assert await reader.read() is NO_FILE


async def test_reader_class_and_noeof(store: SpoolStore) -> None:
    await punch(store, "ALICE", ["CLASS A"], to="BOB")
    wanted = await punch(store, "ALICE", ["CLASS B"], to="BOB", spool_class="B")
    reader = ReaderDevice(store, "BOB")
    reader.spool_class, reader.eof = "B", False
    assert await _read_all(reader) == (["CLASS B"], NOT_READY)
    assert await store.get(wanted.spoolid) is None
    assert await reader.read() is NO_FILE  # the class A file stays invisible
    assert (await store.counts("BOB"))[Queue.RDR] == 1


async def test_reader_hold_keeps_and_hold_cont_holds(store: SpoolStore) -> None:
    kept = await punch(store, "ALICE", ["K"], to="BOB")
    reader = ReaderDevice(store, "BOB")
    reader.hold = True
    assert await _read_all(reader) == (["K"], END_OF_FILE)
    assert await _read_all(reader) == (["K"], END_OF_FILE)  # saved: readable again
    await punch(store, "ALICE", ["L"], to="BOB")
    reader.cont = True
    assert await _read_all(reader) == (["K", "L"], END_OF_FILE)  # no EOF between files
    statuses = [f.hold for f in await store.files(Selector(owner="BOB"))]
    assert statuses == [HoldStatus.USER, HoldStatus.USER]
    assert await reader.read() is NO_FILE
    assert kept.spoolid in [f.spoolid for f in await store.files(Selector(owner="BOB"))]


async def test_close_hold_in_the_middle_keeps_the_file_whole(store: SpoolStore) -> None:
    deck = await punch(store, "ALICE", [f"CARD {n}" for n in range(1200)], to="BOB")
    reader = ReaderDevice(store, "BOB")
    for _ in range(3):
        assert not isinstance(await reader.read(), ReaderSignal)
    assert (await store.counts("BOB"))[Queue.RDR] == 0  # being read: not counted
    await reader.close("HOLD")
    cards, signal = await _read_all(reader)
    assert len(cards) == 1200 and cards[0] == "CARD 0" and signal is END_OF_FILE
    assert await store.get(deck.spoolid) is None
