"""Drive the real ``telnet`` client with pexpect, as a TTY user would."""

from __future__ import annotations

import pexpect

from tests.tools import require_tool


class TTY:
    """One ``telnet 127.0.0.1 port`` session."""

    def __init__(self, port: int, timeout: float = 30) -> None:
        require_tool("telnet")
        self.child = pexpect.spawn(
            f"telnet 127.0.0.1 {port}", encoding="utf-8", timeout=timeout, codec_errors="replace"
        )
        self.child.expect("VM/370 ONLINE")

    def send(self, line: str) -> None:
        self.child.sendline(line)

    def expect(self, pattern: str | list[str], timeout: float | None = None) -> int:
        return int(self.child.expect(pattern, timeout=timeout if timeout is not None else -1))

    def logon(self, userid: str, password: str) -> None:
        self.send(f"LOGON {userid} {password}")
        self.expect(r"LOGON AT \d\d:\d\d:\d\d")

    def close(self) -> None:
        if self.child.isalive():
            self.child.close(force=True)
