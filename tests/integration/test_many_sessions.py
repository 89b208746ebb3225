"""Many concurrent telnetlib3 clients logging on and off one server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import telnetlib3

from tests.integration.conftest import VMServer, make_test_directory

USERS = 120


async def read_until(reader: telnetlib3.TelnetReader, marker: str, timeout: float = 60) -> str:
    seen = ""
    async with asyncio.timeout(timeout):
        while marker not in seen:
            chunk = await reader.read(1024)
            if not chunk:
                raise ConnectionError(f"closed before {marker!r}; saw {seen!r}")
            seen += chunk
    return seen


async def one_user(port: int, number: int) -> str:
    reader, writer = await telnetlib3.open_connection(
        "127.0.0.1", port, encoding="ascii", connect_maxwait=1.0
    )
    await read_until(reader, "VM/370 ONLINE")
    writer.write(f"LOGON U{number:03d} P{number:03d}\r\n")
    logon = await read_until(reader, "LOGON AT")
    writer.write("QUERY USERID\r\n")
    await read_until(reader, f"U{number:03d}".ljust(8) + " AT")
    writer.write("LOGOFF\r\n")
    logoff = await read_until(reader, "LOGOFF AT")
    writer.close()
    return logon + logoff


async def crowd(port: int) -> list[str]:
    return await asyncio.gather(*(one_user(port, number) for number in range(USERS)))


def test_120_concurrent_sessions(tmp_path: Path) -> None:
    server = VMServer(tmp_path / "crowd", make_test_directory(extra_users=USERS))
    try:
        transcripts = asyncio.run(crowd(server.port))
        assert len(transcripts) == USERS
        assert all("CONNECT=" in transcript for transcript in transcripts)
        assert server.alive()
    finally:
        assert server.stop() == 0
    logons = [line for line in server.log if " LOGON  AS U" in line]
    logoffs = [line for line in server.log if " LOGOFF AS U" in line]
    assert len(logons) == USERS and len(logoffs) == USERS
