"""A real vm370 server process on a free port, for end-to-end tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from directory.passwords import hash_password

ONLINE = re.compile(r"VM/370 ONLINE at [\d.]+:(\d+)")

# Cheap hashes keep start-up fast; the logon path is the same as with the default cost.
TEST_DIRECT = """\
DIRECTORY 123 3350 VM370S
USER OPERATOR {op} 1M 16M ABCDEFG
 CONSOLE 009 3215
USER MAINT {maint} 8M 16M ABCDEG
 CONSOLE 009 3215
USER ALICE {alice} 4M 16M G
 IPL CMS
 CONSOLE 009 3215
USER BOB {bob} 4M 16M G
 CONSOLE 009 3215
USER CAROL {carol} 4M 16M G
USER NOBODY NOLOG
"""


def make_test_directory(extra_users: int = 0) -> str:
    text = TEST_DIRECT.format(
        op=hash_password("OPPW", log2_n=4),
        maint=hash_password("MAINTPW", log2_n=4),
        alice=hash_password("ALICEPW", log2_n=4),
        bob=hash_password("BOBPW", log2_n=4),
        carol=hash_password("CAROLPW", log2_n=4),
    )
    for number in range(extra_users):
        text += f"USER U{number:03d} {hash_password(f'P{number:03d}', log2_n=4)} 1M 1M G\n"
    return text


class VMServer:
    """``python -m server serve`` in a subprocess, its log collected."""

    def __init__(
        self,
        data_dir: Path,
        directory_text: str,
        *extra: str,
        prelogon_timeout: float = 20,
        env: dict[str, str] | None = None,
    ) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir
        direct = data_dir / "TEST.DIRECT"
        direct.write_text(directory_text)
        self.log: list[str] = []
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "server",
                "serve",
                "--port",
                "0",
                "--host",
                "127.0.0.1",
                "--data-dir",
                str(data_dir),
                "--directory",
                str(direct),
                *extra,
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={
                **os.environ,
                "VM370_PRELOGON_TIMEOUT": str(prelogon_timeout),
                # The real printers and punches start drained, so tests see closed
                # files stay in the system queues; tests of the devices START them.
                "VM370_START_DRAINED": "1",
                **(env or {}),
            },
        )
        self._reader = threading.Thread(target=self._collect, daemon=True)
        self._reader.start()
        self.port = self._wait_port()

    def _collect(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line.rstrip("\n"))

    def _wait_port(self) -> int:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for line in list(self.log):
                match = ONLINE.search(line)
                if match:
                    return int(match.group(1))
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("vm370 did not start:\n" + "\n".join(self.log))

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._reader.join(5)
        return self.process.returncode

    def alive(self) -> bool:
        return self.process.poll() is None


@pytest.fixture(scope="module")
def vm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    server = VMServer(tmp_path_factory.mktemp("vm370"), make_test_directory())
    yield server
    server.stop()
