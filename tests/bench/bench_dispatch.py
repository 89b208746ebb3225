"""Dispatcher benchmark: terminal responsiveness and fairness with CPU-bound guests.

Run: ``python -m tests.bench.bench_dispatch [--seconds 10] [--loopers 10]``

It starts a real ``vm370 serve`` on a free port, logs on ``--loopers``
users over telnet whose virtual machines run a CPU-bound S/370 loop
(``AR 1,2`` / ``B *-2`` with R2 = 1: R1 counts iterations), and one more user who
measures the round trip of ``QUERY TIME`` (send the line, read to the
``CONNECT=`` line). It reports p50/p99 round-trip time with 0 and with the
loopers running, each looper's share of the virtual CPU (Jain's fairness
index over the instructions each executed) and the aggregate emulated MIPS
against a single looping machine. Targets (issue 6): p99 < 15 ms with 10
loopers, fairness >= 0.99, aggregate MIPS >= 90% of one machine's.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import telnetlib3

from tests.integration.conftest import VMServer, make_test_directory

LOOP = "S200 1A1247F00200"  # 200: AR 1,2 (R2 = 1)   202: B 200 -- R1 counts, 32 bits wide


async def read_until(reader: telnetlib3.TelnetReader, marker: str, timeout: float = 30) -> str:
    seen = ""
    try:
        async with asyncio.timeout(timeout):
            while marker not in seen:
                chunk = await reader.read(4096)
                if not chunk:
                    raise ConnectionError(f"closed before {marker!r}")
                seen += chunk
    except TimeoutError:
        raise TimeoutError(f"no {marker!r} in {seen[-300:]!r}") from None
    return seen


async def session(port: int, userid: str, password: str) -> tuple[object, object]:
    reader, writer = await telnetlib3.open_connection(
        "127.0.0.1", port, encoding="ascii", connect_maxwait=1.0
    )
    await read_until(reader, "VM/370 ONLINE")
    writer.write(f"LOGON {userid} {password}\r\n")
    await read_until(reader, "LOGON AT")
    return reader, writer


async def start_looper(port: int, number: int) -> tuple[object, object]:
    reader, writer = await session(port, f"U{number:03d}", f"P{number:03d}")
    writer.write(f"STORE {LOOP}#STORE G1 0 1#STORE PSW 0 200#BEGIN\r\n")  # type: ignore[attr-defined]
    await read_until(reader, "STORE COMPLETE")  # type: ignore[arg-type]
    return reader, writer


async def iterations(reader: object, writer: object) -> int:
    writer.write("#CP DISPLAY G1\r\n")  # type: ignore[attr-defined]
    seen = ""
    async with asyncio.timeout(30):
        while (match := re.search(r"GPR 1 = ([0-9A-F]{8})", seen)) is None:
            chunk = await reader.read(4096)  # type: ignore[attr-defined]
            if not chunk:
                raise ConnectionError("closed before the register display")
            seen += chunk
    return int(match.group(1), 16)


async def round_trips(port: int, count: int) -> list[float]:
    reader, writer = await session(port, "BOB", "BOBPW")
    times = []
    for _ in range(count):
        started = time.perf_counter()
        writer.write("QUERY TIME\r\n")  # type: ignore[attr-defined]
        await read_until(reader, "TOTCPU=")  # type: ignore[arg-type]
        times.append(time.perf_counter() - started)
    writer.write("LOGOFF\r\n")  # type: ignore[attr-defined]
    await read_until(reader, "LOGOFF AT")  # type: ignore[arg-type]
    return times


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def jain(values: list[float]) -> float:
    total = sum(values)
    squares = sum(value * value for value in values)
    return total * total / (len(values) * squares) if squares else 1.0


async def measure(port: int, loopers: int, seconds: float, probes: int) -> dict[str, float]:
    sessions = [await start_looper(port, n) for n in range(loopers)]
    before = [await iterations(r, w) for r, w in sessions]
    started = time.perf_counter()
    trips = await round_trips(port, probes) if probes else []
    await asyncio.sleep(max(0.0, seconds - (time.perf_counter() - started)))
    after = [await iterations(r, w) for r, w in sessions]
    elapsed = time.perf_counter() - started
    done = [2 * (a - b) for a, b in zip(after, before, strict=True)]
    for reader, writer in sessions:
        writer.write("#CP LOGOFF\r\n")  # type: ignore[attr-defined]
        await read_until(reader, "LOGOFF AT")  # type: ignore[arg-type]
    return {
        "p50_ms": statistics.median(trips) * 1000 if trips else 0.0,
        "p99_ms": percentile(trips, 0.99) * 1000 if trips else 0.0,
        "mips": sum(done) / elapsed / 1e6 if done else 0.0,
        "fairness": jain([float(d) for d in done]) if done else 1.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--loopers", type=int, default=10)
    parser.add_argument("--probes", type=int, default=200)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        server = VMServer(Path(data), make_test_directory(extra_users=options.loopers))
        try:
            idle = asyncio.run(measure(server.port, 0, 0, options.probes))
            single = asyncio.run(measure(server.port, 1, options.seconds, 0))
            loaded = asyncio.run(
                measure(server.port, options.loopers, options.seconds, options.probes)
            )
        finally:
            server.stop()
    ratio = loaded["mips"] / single["mips"] if single["mips"] else 0.0
    print(f"machine: {platform.processor() or platform.machine()}, Python {sys.version.split()[0]}")
    print(
        f"QUERY TIME round trip, idle:         p50 {idle['p50_ms']:.1f} ms, "
        f"p99 {idle['p99_ms']:.1f} ms"
    )
    print(
        f"QUERY TIME round trip, {options.loopers} loopers:   p50 {loaded['p50_ms']:.1f} ms, "
        f"p99 {loaded['p99_ms']:.1f} ms"
    )
    print(
        f"one looping VM: {single['mips']:.2f} MIPS; {options.loopers} looping VMs: "
        f"{loaded['mips']:.2f} MIPS aggregate ({ratio:.0%} of one)"
    )
    print(f"fairness (Jain's index over instructions executed): {loaded['fairness']:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
