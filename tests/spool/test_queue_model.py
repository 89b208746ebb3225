"""Reader queues against a plain Python model: random PUNCH, PURGE, ORDER, TRANSFER,
CHANGE CLASS and reads (with each CLOSE disposition) on a real SQLite store."""

from __future__ import annotations

import asyncio
import itertools
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.db import make_engine, sqlite_url
from spool.model import Disposition, FileName, OutputSettings, Queue
from spool.records import card
from spool.store import FileChanges, Selector, SpoolStore

USERS = ("BOB", "CAROL")
CLASSES = ("A", "B")
_names = itertools.count()

users = st.sampled_from(USERS)
classes = st.sampled_from(CLASSES)
#: Items name files by index into the spoolids in use (or a spoolid not in use) or by class.
items = st.lists(st.one_of(st.integers(0, 6), classes), max_size=4)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("punch"), users, classes, st.booleans()),
        st.tuples(st.just("purge"), users, items),
        st.tuples(st.just("order"), users, items.filter(bool)),
        st.tuples(st.just("transfer"), users, items),
        st.tuples(st.just("change"), users, items, classes),
        st.tuples(
            st.just("read"), users, st.one_of(st.none(), classes), st.sampled_from(Disposition)
        ),
    ),
    max_size=25,
)


@dataclass
class Model:
    """Each file's owner, class, hold and rank; a user's queue is their files by rank."""

    files: dict[int, dict[str, Any]] = field(default_factory=dict)
    counter: int = 0

    def queue(self, owner: str) -> list[tuple[int, str, bool]]:
        mine = [(f["rank"], sid, f) for sid, f in self.files.items() if f["owner"] == owner]
        return [(sid, f["cls"], f["hold"]) for _, sid, f in sorted(mine)]

    def next_rank(self) -> int:
        self.counter += 1
        return self.counter

    def selected(self, owner: str, wanted: tuple[int | str, ...]) -> list[int]:
        return [
            sid for sid, cls, _ in self.queue(owner) if not wanted or sid in wanted or cls in wanted
        ]

    def order(self, owner: str, wanted: tuple[int | str, ...]) -> list[int]:
        queue = self.queue(owner)
        moved: list[int] = []
        for item in wanted:
            for sid, cls, _ in queue:
                if (sid == item if isinstance(item, int) else cls == item) and sid not in moved:
                    moved.append(sid)
        lowest = min((self.files[sid]["rank"] for sid, _, _ in queue), default=0)
        for index, sid in enumerate(moved):
            self.files[sid]["rank"] = lowest - len(moved) + index
        return moved


def _resolve(raw: list[int | str], model: Model) -> tuple[int | str, ...]:
    in_use = sorted(model.files)
    return tuple(
        item if isinstance(item, str) else (in_use[item] if item < len(in_use) else 9000 + item)
        for item in raw
    )


async def _apply(store: SpoolStore, model: Model, operation: tuple[Any, ...]) -> None:
    kind, owner = operation[0], operation[1]
    other = USERS[1 - USERS.index(owner)]
    if kind == "punch":
        _, _, cls, hold = operation
        writer = store.open_output("MAINT", OutputSettings(spool_class=cls, to=owner, hold=hold))
        writer.write(card("X"))
        closed = await store.close(writer, name=FileName("F", str(closed_count(model))))
        model.files[closed.spoolid] = {"owner": owner, "cls": cls, "hold": hold}
        model.files[closed.spoolid]["rank"] = model.next_rank() * 1000
        return
    if kind == "read":
        await _read(store, model, owner, operation[2], operation[3])
        return
    wanted = _resolve(operation[2], model)
    selector = Selector(owner=owner, queues=(Queue.RDR,), items=wanted)
    if kind == "purge":
        expected = model.selected(owner, wanted)
        assert [f.spoolid for f in (await store.purge(selector)).files] == expected
        for sid in expected:
            del model.files[sid]
    elif kind == "order":
        expected = model.order(owner, wanted)
        assert [f.spoolid for f in (await store.order(owner, Queue.RDR, wanted)).files] == expected
    elif kind == "transfer":
        expected = model.selected(owner, wanted)
        assert [f.spoolid for f in (await store.transfer(selector, other)).files] == expected
        rank = model.next_rank() * 1000
        for offset, sid in enumerate(expected):
            model.files[sid].update(owner=other, rank=rank + offset)
    else:
        expected = model.selected(owner, wanted)
        changes = FileChanges(spool_class=operation[3])
        assert [f.spoolid for f in (await store.change(selector, changes)).files] == expected
        for sid in expected:
            model.files[sid]["cls"] = operation[3]


def closed_count(model: Model) -> int:
    return len(model.files)


async def _read(
    store: SpoolStore, model: Model, owner: str, cls: str | None, disposition: Disposition
) -> None:
    readable = [s for s, c, held in model.queue(owner) if not held and cls in (None, c)]
    chosen = await store.next_reader_file(owner, cls)
    assert (chosen.spoolid if chosen else None) == (readable[0] if readable else None)
    if chosen is None:
        return
    assert [record async for record in store.records(chosen.spoolid)] == [card("X")]
    await store.finish_reader(chosen.spoolid, disposition)
    if disposition is Disposition.PURGE:
        del model.files[chosen.spoolid]
    elif disposition is Disposition.HOLD:
        model.files[chosen.spoolid]["hold"] = True


async def _run(path: Path, steps: list[tuple[Any, ...]]) -> None:
    store = SpoolStore(make_engine(sqlite_url(str(path))))
    model = Model()
    try:
        for step in steps:
            await _apply(store, model, step)
            for owner in USERS:
                queue = await store.files(Selector(owner=owner, queues=(Queue.RDR,)))
                assert [(f.spoolid, f.spool_class, f.held) for f in queue] == model.queue(owner)
    finally:
        await store.engine.dispose()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spool-model") / "template.db"

    async def create() -> None:
        store = SpoolStore(make_engine(sqlite_url(str(path))))
        await store.migrate()
        await store.engine.dispose()

    asyncio.run(create())
    return path


@settings(max_examples=50, deadline=None)
@given(steps=operations)
def test_reader_queues_follow_the_model(template: Path, steps: list[tuple[Any, ...]]) -> None:
    path = template.with_name(f"run{next(_names)}.db")
    shutil.copy(template, path)
    try:
        asyncio.run(_run(path, steps))
    finally:
        path.unlink(missing_ok=True)
