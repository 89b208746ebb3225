"""SET TIMER ON, OFF and REAL seen by an assembled S/370 program over telnet (cp-cms.md 5.31).

The program sets the interval timer at X'50' to 0.2 s, waits enabled for an
external interruption and records the timer and the interruption code. With
TIMER REAL the timer runs during the wait and ends it (code X'0080'); with
TIMER ON it runs only while the virtual CPU runs, so the wait lasts until the
user's EXTERNAL (code X'0040') and the timer has hardly moved; with TIMER OFF
it has not moved at all.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pexpect
import pytest

from directory.passwords import hash_password
from tests.integration.conftest import VMServer, make_test_directory
from tests.integration.s370prog import assemble, store_commands
from tests.integration.telnet import TTY

START = 0x3C00  # 15,360 units of 1/76,800 s: 0.2 s

PROGRAM = f"""
        .include "s370.inc"
        lowcore ext=onext
        l       %r1,start
        st      %r1,0x50
        lpsw    waitpsw                 # enabled for external interruptions
onext:  mvc     0x800(4,%r0),0x50       # the interval timer now
        mvc     0x804(4,%r0),0x18       # the external old PSW: the code in bytes 2-3
        eoj
        .balign 8
waitpsw: .long  0x01020000, 0
start:  .long   {START:#x}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VMServer]:
    directory = make_test_directory() + (
        "USER TIMO " + hash_password("TIMOPW", log2_n=4) + " 64K 16M G\n CONSOLE 009 3215\n"
        "USER RITA " + hash_password("RITAPW", log2_n=4) + " 64K 16M G\n CONSOLE 009 3215\n"
        " OPTION REALTIMER\n"
    )
    server = VMServer(tmp_path_factory.mktemp("timers"), directory)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return assemble(PROGRAM, "timer_modes", tmp_path_factory.mktemp("timerprog"))


def start(tty: TTY, image: bytes) -> None:
    for line in store_commands(image):
        tty.send(line)
        tty.expect("STORE COMPLETE")
    tty.send("STORE PSW 00000000 00000200")
    tty.send("BEGIN")


def outcome(tty: TTY) -> tuple[int, int]:
    """The timer value and the external interruption code the program saw."""
    tty.expect("CP ENTERED; DISABLED WAIT PSW '00020000 0000EE00'")
    tty.send("D 800.8")
    tty.expect(r"000800 (\w{8}) (\w{8})")
    timer, old_psw = (int(word, 16) for word in tty.child.match.groups())
    return timer, old_psw & 0xFFFF


def test_timer_real_runs_during_the_wait(server: VMServer, image: bytes) -> None:
    tty = TTY(server.port)
    tty.logon("RITA", "RITAPW")  # OPTION REALTIMER: TIMER REAL from logon
    start(tty, image)
    timer, code = outcome(tty)  # no EXTERNAL: the timer ends the wait
    assert code == 0x0080 and timer >> 31
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)


@pytest.mark.parametrize("mode", ["ON", "OFF"])
def test_timer_on_and_off_stand_still_in_a_wait(
    server: VMServer, image: bytes, mode: str
) -> None:
    tty = TTY(server.port)
    tty.logon("TIMO", "TIMOPW")
    tty.send(f"SET TIMER {mode}")
    start(tty, image)
    time.sleep(0.6)  # three times the timer's 0.2 s, spent waiting
    tty.send("#CP EXTERNAL")
    timer, code = outcome(tty)
    assert code == 0x0040  # the EXTERNAL ended the wait, not the timer
    if mode == "OFF":
        assert timer == START
    else:  # a few instructions of virtual CPU time: far less than the wait
        assert START - 0x400 < timer <= START
    tty.send("LOGOFF")
    tty.expect(pexpect.EOF)
