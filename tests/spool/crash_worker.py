"""Close spool files in a loop until killed; print each CLOSE once it has returned.

Run as ``python -m tests.spool.crash_worker DBFILE WORKER``; used by test_crash.
"""

from __future__ import annotations

import asyncio
import random
import sys

from directory.db import make_engine, sqlite_url
from spool.model import OutputSettings
from spool.records import card
from spool.store import SpoolStore


async def main(path: str, worker: str) -> None:
    store = SpoolStore(make_engine(sqlite_url(path)))
    randomness = random.Random(worker)
    for sequence in range(1_000_000):
        writer = store.open_output("MAINT", OutputSettings(to="BOB"))
        for number in range(randomness.randint(1, 3000)):
            writer.write(card(f"W{worker} F{sequence} C{number}"))
        closed = await store.close(writer)
        print(closed.spoolid, closed.records, worker, sequence, flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
