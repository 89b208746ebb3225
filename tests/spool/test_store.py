"""The spool store on real SQLite: atomic close, spoolids, quotas, queues, records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, insert, inspect, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from spool.db import Base, ChunkRow, ControlRow, FileRow
from spool.model import (
    DeviceType,
    Disposition,
    FileName,
    HoldStatus,
    OutputSettings,
    Queue,
    SpoolError,
    SpoolFull,
    SpoolLimits,
    SpoolQuotaExceeded,
)
from spool.records import CHUNK_RECORDS, card, card_text, print_line
from spool.store import FileChanges, Selector, SpoolStore, alembic_config
from tests.spool.conftest import make_store, print_file, punch


def _only_spool_tables(name: str | None, type_: str, _parent: Any) -> bool:
    return type_ != "table" or (name or "").startswith("spool_")


def _schema_diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"include_name": _only_spool_tables, "compare_type": True}
    )
    return list(compare_metadata(context, Base.metadata))


async def test_migration_matches_the_models_and_is_repeatable(store: SpoolStore) -> None:
    await store.migrate()  # a second run changes nothing
    async with store.engine.connect() as connection:
        assert await connection.run_sync(_schema_diff) == []
        version = await connection.scalar(text("SELECT version_num FROM alembic_version_spool"))
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    assert version == "spool0001"
    assert {"spool_files", "spool_records", "spool_control"} <= set(tables)
    assert not any(name.startswith("directory_") for name in tables)


def test_downgrade_removes_only_spool_tables(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    config = alembic_config(url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    import sqlite3

    with sqlite3.connect(tmp_path / "m.db") as connection:
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert not any(name.startswith("spool_") for name in names)


async def test_close_keeps_every_attribute(store: SpoolStore) -> None:
    settings = OutputSettings(
        device=DeviceType.PUN,
        spool_class="c",
        copies=3,
        hold=True,
        to="bob",
        dist="bin7",
        name=FileName("PROG", "TEXT"),
        tag="RSCS NODE",
    )
    writer = store.open_output("alice", settings)
    writer.write(card("HELLO"))
    closed = await store.close(writer)
    fetched = await store.get(closed.spoolid)
    assert fetched == closed
    assert (closed.owner, closed.originator, closed.queue) == ("BOB", "ALICE", Queue.RDR)
    assert (closed.spool_class, closed.copies, closed.hold) == ("C", 3, HoldStatus.USER)
    assert (closed.dist, closed.tag, closed.records) == ("BIN7", "RSCS NODE", 1)
    assert closed.name.columns() == "PROG     TEXT    "
    assert (closed.origin_node, closed.origin_userid) == ("TESTNODE", "ALICE")
    assert closed.created.tzinfo is not None


async def test_destinations_follow_device_and_for(store: SpoolStore) -> None:
    printed = await print_file(store, "ALICE", ["LINE"])
    punched = await punch(store, "ALICE", ["CARD"])
    writer = store.open_output("ALICE", OutputSettings(device=DeviceType.CON, for_user="BOB"))
    console = await store.close(writer, hold=True, dist="X1", name=FileName("CONSOLE", "LOG"))
    assert (printed.queue, printed.owner) == (Queue.PRT, "ALICE")
    assert (punched.queue, punched.owner) == (Queue.PUN, "ALICE")
    assert (console.queue, console.owner, console.device) == (Queue.PRT, "BOB", DeviceType.CON)
    assert (console.hold, console.dist, console.name.filename) == (HoldStatus.USER, "X1", "CONSOLE")


async def test_an_unclosed_or_discarded_file_leaves_no_trace(store: SpoolStore) -> None:
    open_file = store.open_output("ALICE", OutputSettings(to="BOB"))
    open_file.write(card("NEVER CLOSED"))
    discarded = store.open_output("ALICE", OutputSettings(to="BOB"))
    discarded.write(card("PURGED"))
    store.discard(discarded)
    with pytest.raises(SpoolError):
        await store.close(discarded)
    assert await store.files(Selector()) == []


async def test_a_failure_inside_close_rolls_back_the_whole_file(store: SpoolStore) -> None:
    writer = store.open_output("ALICE", OutputSettings(to="BOB"))
    for number in range(CHUNK_RECORDS * 2):
        writer.write(card(f"CARD {number}"))
    writer.sealed_chunks().append((1, None))  # type: ignore[arg-type]  # NOT NULL fails last
    with pytest.raises(IntegrityError):
        await store.close(writer)
    async with store.engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(FileRow)) == 0
        assert await connection.scalar(select(func.count()).select_from(ChunkRow)) == 0
        assert await connection.scalar(select(ControlRow.last_spoolid)) == 0
    good = await punch(store, "ALICE", ["OK"], to="BOB")
    assert good.spoolid == 1


async def test_spoolids_are_sequential_wrap_after_9900_and_skip_used(store: SpoolStore) -> None:
    first = await punch(store, "ALICE", ["A"])
    assert first.spoolid == 1
    async with store.engine.begin() as connection:
        await connection.execute(update(ControlRow).values(last_spoolid=9898))
    ids = [(await punch(store, "ALICE", ["A"])).spoolid for _ in range(3)]
    assert ids == [9899, 9900, 2]  # 1 is still in use
    await store.purge(Selector(items=(9899,)))
    async with store.engine.begin() as connection:
        await connection.execute(update(ControlRow).values(last_spoolid=9898))
    assert (await punch(store, "ALICE", ["A"])).spoolid == 9899  # reused after purge


async def test_spool_full_when_every_spoolid_is_used(store: SpoolStore) -> None:
    first = await punch(store, "ALICE", ["A"])
    row = {
        column: getattr(first, column, None)
        for column in ("owner", "originator", "spool_class", "records", "copies", "dist", "tag")
    }
    rows = [
        {
            **row,
            "spoolid": spoolid,
            "queue": "PUN",
            "device": "PUN",
            "user_hold": False,
            "system_hold": False,
            "created": first.created.replace(tzinfo=None),
            "filename": "",
            "filetype": "",
            "dsname": "",
            "record_format": "CARD",
            "position": spoolid,
        }
        for spoolid in range(2, 9901)
    ]
    async with store.engine.begin() as connection:
        await connection.execute(insert(FileRow), rows)
    with pytest.raises(SpoolFull):
        await punch(store, "ALICE", ["ONE TOO MANY"])


async def test_user_and_system_quotas(tmp_path: Path) -> None:
    store = await make_store(tmp_path / "q.db", SpoolLimits(user_records=10, system_records=15))
    try:
        await punch(store, "ALICE", ["X"] * 8)
        with pytest.raises(SpoolQuotaExceeded, match="ALICE"):
            await punch(store, "ALICE", ["X"] * 3)
        await punch(store, "ALICE", ["X"] * 2)  # exactly at the limit
        await punch(store, "BOB", ["X"] * 5)
        with pytest.raises(SpoolQuotaExceeded, match="SYSTEM"):
            await punch(store, "CAROL", ["X"])
        assert await store.usage("ALICE") == 10
        assert await store.usage() == 15
        await store.purge(Selector(owner="ALICE"))
        await punch(store, "CAROL", ["X"] * 9)
    finally:
        await store.engine.dispose()


async def test_reader_selects_by_class_skips_held_and_follows_queue_order(
    store: SpoolStore,
) -> None:
    held = await punch(store, "ALICE", ["H"], to="BOB", hold=True)
    class_b = await punch(store, "ALICE", ["B"], to="BOB", spool_class="B")
    class_a = await punch(store, "ALICE", ["A"], to="BOB")
    await punch(store, "ALICE", ["ELSEWHERE"], to="CAROL")
    selected = await store.next_reader_file("BOB", "A")
    assert selected is not None and selected.spoolid == class_a.spoolid
    assert (await store.counts("BOB"))[Queue.RDR] == 2  # the active file is not counted
    assert await store.next_reader_file("BOB", "A") is None  # active files are not picked twice
    any_class = await store.next_reader_file("BOB", None)
    assert any_class is not None and any_class.spoolid == class_b.spoolid
    assert await store.next_reader_file("BOB", None) is None  # only the held one is left
    await store.finish_reader(class_a.spoolid, Disposition.PURGE)
    await store.finish_reader(class_b.spoolid, Disposition.HOLD)
    assert await store.get(class_a.spoolid) is None
    remaining = await store.files(Selector(owner="BOB", queues=(Queue.RDR,)))
    assert [(f.spoolid, f.hold) for f in remaining] == [
        (held.spoolid, HoldStatus.USER),
        (class_b.spoolid, HoldStatus.USER),
    ]


async def test_a_kept_reader_file_reads_again(store: SpoolStore) -> None:
    sent = await punch(store, "ALICE", ["AGAIN"], to="BOB")
    first = await store.next_reader_file("BOB", None)
    assert first is not None
    await store.finish_reader(first.spoolid, Disposition.KEEP)
    again = await store.next_reader_file("BOB", None)
    assert again is not None and again.spoolid == sent.spoolid
    store.release(again.spoolid)
    assert not store.is_active(again.spoolid)


async def test_large_file_is_chunked_and_streams_in_order(store: SpoolStore) -> None:
    writer = store.open_output("ALICE", OutputSettings(device=DeviceType.PRT))
    for number in range(100_000):
        writer.write(print_line(f"LINE {number:06d}"))
    closed = await store.close(writer)
    assert closed.records == 100_000
    async with store.engine.connect() as connection:
        chunks = await connection.scalar(select(func.count()).select_from(ChunkRow))
    assert chunks == 100_000 // CHUNK_RECORDS
    count = 0
    async for record in store.records(closed.spoolid):
        assert record[1:].decode("cp037") == f"LINE {count:06d}"
        count += 1
    assert count == 100_000


async def test_purge_counts_only_own_matching_files(store: SpoolStore) -> None:
    a1 = await punch(store, "ALICE", ["1"], to="BOB")
    await punch(store, "ALICE", ["2"], to="BOB", spool_class="B")
    await punch(store, "ALICE", ["3"], to="CAROL")
    outcome = await store.purge(Selector(owner="BOB", queues=(Queue.RDR,), items=("B", 9999)))
    assert outcome.count == 1 and outcome.missing == [9999]
    assert [f.spoolid for f in await store.files(Selector(owner="BOB"))] == [a1.spoolid]
    assert (await store.purge(Selector(owner="BOB"))).count == 1
    assert (await store.counts("CAROL"))[Queue.RDR] == 1


async def test_order_moves_named_files_to_the_front(store: SpoolStore) -> None:
    files = [
        await punch(store, "ALICE", [str(n)], to="BOB", spool_class=c)
        for n, c in enumerate("AABCB")
    ]
    ids = [f.spoolid for f in files]
    outcome = await store.order("BOB", Queue.RDR, [ids[3], "B", ids[3], 777])
    assert outcome.count == 3 and outcome.missing == [777]
    queue = await store.files(Selector(owner="BOB", queues=(Queue.RDR,)))
    assert [f.spoolid for f in queue] == [ids[3], ids[2], ids[4], ids[0], ids[1]]
    later = await punch(store, "ALICE", ["LAST"], to="BOB")
    queue = await store.files(Selector(owner="BOB", queues=(Queue.RDR,)))
    assert queue[-1].spoolid == later.spoolid


async def test_change_alters_selected_files(store: SpoolStore) -> None:
    printed = await print_file(store, "ALICE", ["X"])
    reader = await punch(store, "BOB", ["Y"], to="ALICE")
    changes = FileChanges("Z", 5, True, "DEPT9", FileName(dsname="SYS1.VERY.LONG.DSNAME"))
    outcome = await store.change(Selector(owner="ALICE"), changes)
    assert outcome.count == 2
    changed_print = await store.get(printed.spoolid)
    changed_reader = await store.get(reader.spoolid)
    assert changed_print is not None and changed_reader is not None
    assert (changed_print.spool_class, changed_print.copies, changed_print.hold) == (
        "Z",
        5,
        HoldStatus.USER,
    )
    assert changed_reader.copies == 1  # COPY does not apply to reader files
    assert changed_print.name.columns().startswith("SYS1.VERY.LONG.DSNA")


async def test_transfer_to_and_reclaim_from(store: SpoolStore) -> None:
    sent = await punch(store, "ALICE", ["FOR BOB"], to="BOB")
    mine = await punch(store, "BOB", ["BOBS OWN"], to="BOB")
    outcome = await store.transfer(Selector(owner="BOB", items=(mine.spoolid,)), "CAROL")
    assert [f.spoolid for f in outcome.files] == [mine.spoolid]
    moved = await store.get(mine.spoolid)
    assert moved is not None and moved.owner == "CAROL" and moved.spoolid == mine.spoolid
    reclaim = Selector(originator="ALICE", other_owners=True)
    back = await store.transfer(reclaim, "ALICE")
    assert [f.spoolid for f in back.files] == [sent.spoolid]
    assert [f.owner for f in back.files] == ["BOB"]  # the owner it was taken from
    home = await store.get(sent.spoolid)
    assert home is not None and home.owner == "ALICE"


async def test_system_hold_and_free(store: SpoolStore) -> None:
    printed = await print_file(store, "ALICE", ["X"])
    await punch(store, "ALICE", ["Y"], hold=True)
    held = await store.set_system_hold("ALICE", [Queue.PRT, Queue.PUN], True)
    assert held.count == 2
    statuses = {f.hold for f in await store.files(Selector(owner="ALICE"))}
    assert statuses == {HoldStatus.SYS, HoldStatus.USYS}
    freed = await store.set_system_hold("ALICE", [Queue.PRT], False)
    assert [f.spoolid for f in freed.files] == [printed.spoolid]


async def test_tag_is_kept_and_cut_to_136(store: SpoolStore) -> None:
    sent = await punch(store, "ALICE", ["T"], to="BOB")
    tagged = await store.set_tag(sent.spoolid, "X" * 200, owner="BOB")
    assert tagged.tag == "X" * 136
    with pytest.raises(SpoolError):
        await store.set_tag(sent.spoolid, "NOT MINE", owner="ALICE")


async def test_files_survive_reopening_the_database(tmp_path: Path) -> None:
    first = await make_store(tmp_path / "keep.db")
    sent = await punch(first, "ALICE", ["PERSISTENT"], to="BOB", name=("KEEP", "DATA"))
    await first.engine.dispose()
    second = await make_store(tmp_path / "keep.db", fresh=False)
    try:
        cards = [card_text(record) async for record in second.records(sent.spoolid)]
        assert cards == ["PERSISTENT"]
        assert await second.get(sent.spoolid) == sent
    finally:
        await second.engine.dispose()
