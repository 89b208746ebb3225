"""Spool benchmark: CLOSE of a 10,000-card file, and QUERY RDR over a full spool.

Run from the repository root (SQLite in a temporary directory, or the
database at ``--url``):

    python -m tests.bench.bench_spool
    python -m tests.bench.bench_spool --url postgresql://postgres@127.0.0.1/spoolbench

Figures (best of ``--repeat``, host ``time.perf_counter``):

- ``close 10,000 cards``: writing 10,000 card images to a `SpoolWriter` and
  `SpoolStore.close` (one transaction).
- ``fill``: 9,900 one-card files closed one by one into one reader (9,900 is
  the spoolid limit, so the largest possible queue).
- ``QUERY RDR ALL``: `SpoolStore.files` of that reader and the listing lines.
- ``QUERY FILES``: `SpoolStore.counts` of that user.
- ``PURGE RDR ALL``: one PURGE of the whole queue.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text

from directory.db import make_engine, sqlite_url
from spool.listing import listing
from spool.model import MAX_SPOOLID, OutputSettings, Queue
from spool.records import card
from spool.store import Selector, SpoolStore


async def _timed(action: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    await action()
    return time.perf_counter() - started


async def _close_deck(store: SpoolStore, cards: int) -> None:
    writer = store.open_output("MAINT", OutputSettings(to="BOB"))
    for number in range(cards):
        writer.write(card(f"CARD {number:08d}"))
    await store.close(writer)


async def _fill(store: SpoolStore) -> None:
    for _ in range(MAX_SPOOLID):
        await _close_deck(store, 1)


async def _query(store: SpoolStore) -> None:
    files = await store.files(Selector(owner="BOB", queues=(Queue.RDR,)))
    assert len(listing(files, Queue.RDR, True)) == MAX_SPOOLID + 1


async def run(url: str, repeat: int) -> dict[str, float]:
    engine = make_engine(url)
    async with engine.begin() as connection:
        for table in ("spool_records", "spool_files", "spool_control", "alembic_version_spool"):
            await connection.execute(text(f"DROP TABLE IF EXISTS {table}"))
    store = SpoolStore(engine)
    await store.migrate()
    results: dict[str, float] = {}
    try:
        closes = []
        for _ in range(repeat):
            closes.append(await _timed(lambda: _close_deck(store, 10_000)))
            await store.purge(Selector())
        results["close 10,000 cards"] = min(closes)
        results["fill 9,900 files"] = await _timed(lambda: _fill(store))
        results["QUERY RDR ALL (9,900)"] = min([await _timed(lambda: _query(store))] * repeat)
        results["QUERY FILES (9,900)"] = await _timed(lambda: store.counts("BOB"))
        results["PURGE RDR ALL (9,900)"] = await _timed(
            lambda: store.purge(Selector(owner="BOB", queues=(Queue.RDR,)))
        )
    finally:
        await engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: SQLite in a temporary directory)")
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = arguments.url or sqlite_url(str(Path(directory) / "bench.db"))
        results = asyncio.run(run(url, arguments.repeat))
    for name, seconds in results.items():
        print(f"{name:<24} {seconds * 1000:10.1f} ms")


if __name__ == "__main__":
    main()
