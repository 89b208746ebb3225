"""DIAGNOSE X'58' from an assembled S/370 program, on a real s3270 and on a line-mode telnet.

``fullscreen_demo.s`` (assembled with binutils-s390x, stored with CP STORE at 2000):
Erase/Write a screen with an input field, an enabled wait for the console's
attention, Read Modified, two line displays (X'19') of what was typed, then the
disabled wait ``F58E``; a failing DIAGNOSE ends in ``BAD1``..``BAD4`` instead.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pexpect
import pytest

from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.telnet import TTY
from tests.terminal.s3270 import S3270
from tests.terminal.test_console3270 import logon
from tests.tools import require_tool

SOURCE = Path(__file__).with_name("fullscreen_demo.s")
ORIGIN = 0x2000
SCREEN_OFFSET = 0xCC  # the Erase/Write data in the assembled program


@pytest.fixture(scope="module")
def program() -> bytes:
    """The demo program, assembled for address 2000."""
    tools = [require_tool(f"s390x-linux-gnu-{name}") for name in ("as", "ld", "objcopy")]
    with tempfile.TemporaryDirectory() as work:
        obj, elf, flat = (Path(work) / f"demo.{ext}" for ext in ("o", "elf", "bin"))
        for step in (
            [tools[0], "-m31", "-mesa", "-o", str(obj), str(SOURCE)],
            [tools[1], "-m", "elf_s390", f"-Ttext={ORIGIN:#x}", "-e", f"{ORIGIN:#x}", "-o",
             str(elf), str(obj)],
            [tools[2], "-O", "binary", "-j", ".text", str(elf), str(flat)],
        ):  # fmt: skip
            subprocess.run(step, check=True, capture_output=True)
        image = flat.read_bytes()
    assert image[SCREEN_OFFSET : SCREEN_OFFSET + 2] == bytes.fromhex("C311")
    return image


def store(send: Callable[[str], None], address: int, image: bytes) -> None:
    """CP STORE of ``image`` at ``address``, twelve words a command (fits a 3270 input area)."""
    image = image.ljust((len(image) + 3) // 4 * 4, b"\0")
    for start in range(0, len(image), 48):
        chunk = image[start : start + 48]
        words = " ".join(chunk[i : i + 4].hex().upper() for i in range(0, len(chunk), 4))
        send(f"STORE S{address + start:X} {words}")


def stored(terminal: S3270, address: int, image: bytes) -> None:
    def send(line: str) -> None:
        terminal.enter(line)
        terminal.wait_text("STORE COMPLETE")
        terminal.cmd("Clear()")

    store(send, address, image)


def test_program_writes_a_screen_and_reads_the_field(vm_server: VMServer, program: bytes) -> None:
    terminal = S3270(vm_server.port)
    try:
        logon(terminal, "BOB", "BOBPW")
        stored(terminal, ORIGIN, program)
        terminal.enter("BEGIN 2000")
        screen = terminal.wait_text("FULL SCREEN")
        assert "CP READ" not in screen and "RUNNING" not in screen  # the program's screen
        buffer = " ".join(terminal.cmd("ReadBuffer(Ascii)"))
        assert "SF(c0=f8)" in buffer  # its own protected, intensified title field
        terminal.cmd('String("hello 3270")')
        terminal.cmd("Enter()")
        screen = terminal.wait_text("hello 3270")
        rows = screen.splitlines()
        assert rows[3].strip() == "YOU TYPED:" and rows[4].strip() == "hello 3270"
        terminal.wait_text("DISABLED WAIT PSW '00020000 0000F58E'")
        assert terminal.status_area().startswith("CP READ")  # CP's screen is back
        terminal.enter("DISPLAY CSW")
        terminal.wait_text("CSW = 000020C0  0C000000")  # CE+DE after the second line display
        terminal.enter("LOGOFF")
    finally:
        terminal.close()


def test_pa1_takes_the_screen_back_and_the_program_learns_it(
    vm_server: VMServer, program: bytes
) -> None:
    terminal = S3270(vm_server.port)
    try:
        logon(terminal, "BOB", "BOBPW")
        stored(terminal, ORIGIN, program)
        terminal.enter("BEGIN 2000")
        terminal.wait_text("FULL SCREEN")
        terminal.cmd("PA(1)")  # not given to the program (no X'10' in its control byte)
        terminal.wait_text("CP READ")
        assert "FULL SCREEN" not in terminal.text()
        terminal.enter("BEGIN")
        terminal.wait_text("RUNNING")
        terminal.enter("a line for the program")  # attention; its read finds CP's screen
        terminal.wait_text("DISABLED WAIT PSW '00020000 0000BAD3'")
        terminal.enter("DISPLAY CSW")
        terminal.wait_text("CSW = 000020B0  8E0000C8")  # ATTN CE DE UC: full-screen mode lost
        terminal.enter("LOGOFF")
    finally:
        terminal.close()


def test_garbage_data_stream_is_refused_and_the_session_lives(
    vm_server: VMServer, program: bytes
) -> None:
    terminal = S3270(vm_server.port)
    try:
        logon(terminal, "BOB", "BOBPW")
        bad = bytearray(program)
        bad[SCREEN_OFFSET + 1 : SCREEN_OFFSET + 4] = bytes.fromhex("3CFFFF")  # RA off-screen
        stored(terminal, ORIGIN, bytes(bad))
        terminal.enter("BEGIN 2000")
        terminal.wait_text("DISABLED WAIT PSW '00020000 0000BAD2'")
        terminal.enter("DISPLAY CSW")
        terminal.wait_text("CSW = 000020A8  0E00001C")  # CE DE unit check (command reject)
        terminal.enter("QUERY USERID")
        terminal.wait_text("BOB      AT")
        terminal.enter("LOGOFF")
    finally:
        terminal.close()
    assert vm_server.alive()
    assert not any("Traceback" in line for line in vm_server.log)


def test_line_mode_console_gets_condition_code_3(vm_server: VMServer, program: bytes) -> None:
    tty = TTY(vm_server.port)
    tty.logon("BOB", "BOBPW")
    store(tty.send, ORIGIN, program)
    tty.send("BEGIN 2000")
    tty.expect("DISABLED WAIT PSW '00020000 0000BAD2'")
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


@pytest.fixture(scope="module")
def guest_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    server = VMServer(
        tmp_path_factory.mktemp("screenguest"),
        make_test_directory(),
        env={"VM370_GUESTS": "SCREEN=tests.terminal.screen_guest:main"},
    )
    yield server
    server.stop()


def test_python_guest_full_screen_through_the_guest_interface(guest_server: VMServer) -> None:
    terminal = S3270(guest_server.port)
    try:
        logon(terminal, "BOB", "BOBPW")
        terminal.enter("IPL SCREEN")
        terminal.wait_text("PYTHON GUEST SCREEN")
        terminal.cmd('String("from s3270")')
        terminal.cmd("PF(4)")
        screen = terminal.wait_text("GARBAGE CC 1")
        assert "READ CC 0 AID F4 TEXT from s3270" in screen  # PF4's AID and the field
        terminal.wait_text("SCREEN ENDED")
        terminal.enter("IPL SCREEN")
        terminal.wait_text("PYTHON GUEST SCREEN")
        terminal.cmd("PA(1)")  # CP takes the screen; the waiting guest learns it on BEGIN
        terminal.wait_text("CP READ")
        terminal.enter("BEGIN")
        terminal.wait_text("SCREEN TAKEN BACK, READ CC 1 STATUS 8E")
        terminal.enter("LOGOFF")
    finally:
        terminal.close()
    tty = TTY(guest_server.port)
    tty.logon("BOB", "BOBPW")
    tty.send("IPL SCREEN")
    tty.expect("ERASE/WRITE CC 3")  # a line-mode console is no display
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)
    assert guest_server.alive()
