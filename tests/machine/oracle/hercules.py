"""Drive Debian's Hercules 3.13 headless as the S/370 reference.

Hercules runs with ``EXTERNALGUI``: console commands go in on stdin and
their output comes back on stdout. One Hercules process runs many programs
in turn: ``sysclear`` (system-reset-clear: storage, keys and registers
zeroed, control registers at their initial values), ``loadcore`` of the
image at 0, ``restart`` (the restart interruption loads the PSW at 0), then
waiting for ``HHCCP011I ... Disabled wait state`` and reading the state back
with ``psw``, ``gpr``, ``cr``, ``fpr`` and ``r`` displays. Comment commands
(``* marker``) are echoed and serve as synchronisation points.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from .program import Program
from .state import KEY_BLOCK, State

HERCULES = "hercules"
STORAGE_MB = 2  # Hercules refuses MAINSIZE 1; Machine runs with the same size
CONFIG = f"""\
ARCHMODE S/370
MAINSIZE {STORAGE_MB}
NUMCPU 1
CPUMODEL 3158
000E 1403 /dev/null
"""

_PSW = re.compile(r"^PSW=([0-9A-F]{8}) ([0-9A-F]{8})\s*$")
_GPR = re.compile(r"GR(\d\d)=([0-9A-F]{8})")
_CR = re.compile(r"CR(\d\d)=([0-9A-F]{8})")
_FPR = re.compile(r"FPR(\d)=([0-9A-F]{8}) ([0-9A-F]{8})")
_STORAGE = re.compile(r"^R:([0-9A-F]{8}):K:([0-9A-F]{2})=((?:[0-9A-F]{8} ?){1,4})")
_WAIT = "HHCCP011I"


def _die_with_parent() -> None:
    """In the child: ask Linux to kill Hercules when its parent dies (no setpriv)."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _command(executable: str, config: Path) -> tuple[list[str], Callable[[], None] | None]:
    """The Hercules command line, made to die with this process.

    Hercules 3.13 does not exit when stdin closes; orphaned, it spins a CPU.
    util-linux's setpriv sets the parent-death signal without running Python
    code between fork and exec; a ctypes prctl() is the fallback.
    """
    command = [executable, "-f", str(config), "EXTERNALGUI"]
    if not sys.platform.startswith("linux"):
        return command, None
    setpriv = shutil.which("setpriv")
    if setpriv:
        return [setpriv, "--pdeathsig", "KILL", *command], None
    return command, _die_with_parent


class HerculesError(RuntimeError):
    """Hercules did not start, died, or did not answer in time."""


class Hercules:
    """One headless Hercules process that runs corpus programs one after another."""

    def __init__(self, executable: str = HERCULES) -> None:
        self._workdir = tempfile.TemporaryDirectory(prefix="vm370-hercules-")
        config = Path(self._workdir.name) / "hercules.cnf"
        config.write_text(CONFIG)
        command, preexec = _command(executable, config)
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=self._workdir.name,
            text=True,
            errors="replace",
            bufsize=1,
            preexec_fn=preexec,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._markers = 0
        self.sync(timeout=20.0)

    # -- plumbing ---------------------------------------------------------

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def send(self, command: str) -> None:
        """Send one console command."""
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(command + "\n")
            self._process.stdin.flush()
        except BrokenPipeError as error:
            raise HerculesError("Hercules has exited") from error

    def _next(self, deadline: float) -> str | None:
        """The next output line, or None when the deadline passes first."""
        try:
            line = self._lines.get(timeout=max(deadline - time.monotonic(), 0.001))
        except queue.Empty:
            return None
        if line is None:
            raise HerculesError("Hercules has exited")
        return line

    def sync(self, timeout: float = 10.0) -> list[str]:
        """Send a marker comment and return every line up to its echo."""
        self._markers += 1
        marker = f"* vm370-sync-{self._markers}"
        self.send(marker)
        deadline = time.monotonic() + timeout
        lines: list[str] = []
        while (line := self._next(deadline)) is not None:
            if line.strip() == marker:
                return lines
            lines.append(line)
        raise HerculesError(f"no answer from Hercules within {timeout} s")

    def wait_for(self, text: str, timeout: float) -> bool:
        """Consume output until a line containing ``text``; False on timeout."""
        deadline = time.monotonic() + timeout
        while (line := self._next(deadline)) is not None:
            if text in line:
                return True
        return False

    # -- running programs ---------------------------------------------------

    def start(self, image: Path) -> None:
        """Clear the machine, load ``image`` at 0 and press restart."""
        for _attempt in range(50):
            self.send("sysclear")
            self.send(f"loadcore {image} 0")
            loaded = self.sync()
            cleared = not any("rejected" in line.lower() for line in loaded)
            if cleared and any("HHCPN113I" in line for line in loaded):
                self.send("restart")
                return
            # Just after start-up, or just after the previous program's disabled
            # wait on a busy host, the CPU thread may not have reached the stopped
            # state yet: "System reset/clear rejected" (the load alone would then
            # run the program with the previous program's registers).
            self.send("stop")
            time.sleep(0.05)
        raise HerculesError(f"loadcore {image} failed: {loaded}")

    def run(self, program: Program) -> State:
        """Run an assembled program to its disabled wait and capture the compared state."""
        assert program.image_path is not None, "assemble the program first"
        self.start(program.image_path)
        waited = self.wait_for(_WAIT, program.timeout)
        if not waited:
            self.send("stop")
        state = self.capture(program)
        state.waited = waited
        if not waited:
            state.note = f"no disabled wait within {program.timeout} s"
        return state

    def capture(self, program: Program) -> State:
        """Display and parse the registers, compared storage and keys."""
        for command in ("psw", "gpr", "cr", "fpr"):
            self.send(command)
        for low, high in program.storage_ranges():
            self.send(f"r {low & ~15:X}-{high | 15:X}")
        for low, high in program.keys:
            for block in range(low & ~(KEY_BLOCK - 1), high + 1, KEY_BLOCK):
                self.send(f"r {block:X}-{block + 15:X}")
        return parse_state(self.sync(), program)

    def close(self) -> None:
        """Quit Hercules (SIGTERM can leave it hanging, so ask it first)."""
        if self._process.poll() is None:
            try:
                self.send("quit")
                self._process.wait(timeout=10)
            except (HerculesError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait()
        self._workdir.cleanup()

    def __enter__(self) -> Hercules:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def parse_state(lines: list[str], program: Program) -> State:
    """Turn the output of ``psw``/``gpr``/``cr``/``fpr``/``r`` into a :class:`State`."""
    state = State()
    ranges = program.storage_ranges()
    key_blocks = {
        block
        for low, high in program.keys
        for block in range(low & ~(KEY_BLOCK - 1), high + 1, KEY_BLOCK)
    }
    for line in lines:
        text = line.strip()
        if match := _PSW.match(text):
            state.psw = bytes.fromhex(match[1] + match[2])
        elif text.startswith("GR"):
            for number, value in _GPR.findall(text):
                state.gprs[int(number)] = int(value, 16)
        elif text.startswith("CR"):
            for number, value in _CR.findall(text):
                state.crs[int(number)] = int(value, 16)
        elif text.startswith("FPR"):
            for number, high, low in _FPR.findall(text):
                state.fprs[int(number)] = bytes.fromhex(high + low)
        elif match := _STORAGE.match(text):
            address = int(match[1], 16)
            data = bytes.fromhex(match[3].replace(" ", ""))
            for offset, byte in enumerate(data):
                if any(low <= address + offset <= high for low, high in ranges):
                    state.storage[address + offset] = byte
            if address in key_blocks:
                state.keys[address] = int(match[2], 16)
    return state
