"""Drive the real s3270 emulator (reference/terminals.md 7.3), with a deadline on every action."""

from __future__ import annotations

import queue
import subprocess
import threading

from tests.tools import require_tool


class S3270:
    """One s3270 process connected to a vm370 server."""

    def __init__(
        self, port: int, model: str = "3278-2", timeout: float = 15, nvt: bool = False
    ) -> None:
        """``nvt=True`` makes s3270 a VT100 (a non-3270 terminal type): the line-mode path."""
        require_tool("s3270")
        self.timeout = timeout
        options = ["-xrm", "s3270.termName: VT100"] if nvt else []
        self.process = subprocess.Popen(
            [
                "s3270",
                "-model",
                model,
                "-codepage",
                "cp037",
                "-xrm",
                "s3270.unlockDelay: False",
                *options,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self.status = ""
        self.cmd(f"Connect(127.0.0.1:{port})")
        self.cmd(f"Wait({int(timeout)},{'NVTMode' if nvt else 'InputField'})")

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def cmd(self, action: str) -> list[str]:
        """Run one action; its data lines, or RuntimeError on error or deadline."""
        assert self.process.stdin is not None
        self.process.stdin.write(action + "\n")
        self.process.stdin.flush()
        data: list[str] = []
        while True:
            try:
                line = self._lines.get(timeout=self.timeout)
            except queue.Empty:
                self.close()
                raise RuntimeError(f"s3270 gave no answer to {action}") from None
            if line is None:
                raise RuntimeError(f"s3270 exited during {action}")
            if line.startswith("data: "):
                data.append(line[6:])
            elif line in ("ok", "error"):
                break
            else:
                self.status = line
        if line == "error":
            raise RuntimeError(action, data)
        return data

    def screen(self) -> list[str]:
        return self.cmd("Ascii()")

    def text(self) -> str:
        return "\n".join(self.screen())

    def status_area(self) -> str:
        rows = self.screen()
        return rows[-1][60:].strip()

    def enter(self, line: str = "") -> None:
        if line:
            self.cmd(f'String("{line}")')
        self.cmd("Enter()")

    def wait_text(self, text: str, seconds: float = 10) -> str:
        """Wait until ``text`` is on the screen; the screen text."""
        import time

        deadline = time.monotonic() + seconds
        while True:
            screen = self.text()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not on the screen:\n{screen}")
            time.sleep(0.1)

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                assert self.process.stdin is not None
                self.process.stdin.write("Quit()\n")
                self.process.stdin.flush()
                self.process.wait(3)
            except (OSError, subprocess.TimeoutExpired, ValueError):
                self.process.kill()
