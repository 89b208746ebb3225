"""DIAGNOSE X'58' (server.cp.fullscreen) against a recording display console."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

from hypothesis import given, settings
from hypothesis import strategies as st

from server.cp.fullscreen import DisplayConsole, FullScreenService
from server.cp.vm import VirtualMachine
from server.machine import Machine

CONSOLE = 0x009
CCW = 0x1000
DATA = 0x2000


@dataclass
class Display:
    """A 3270 that records what DIAGNOSE X'58' asked of it."""

    calls: list[tuple[Any, ...]] = field(default_factory=list)
    full_screen: bool = False
    cp_waiting: bool = False
    reply: bytes = bytes.fromhex("7D40C4114041C1C2")

    def line_display(self, line: int, data: bytes, erase: bool) -> bool:
        self.calls.append(("line", line, data, erase))
        return line < 22

    def clear_output(self) -> None:
        self.calls.append(("clear",))

    def reformat(self) -> None:
        self.calls.append(("reformat",))

    def full_write(self, kind: str, data: bytes, pa1_to_guest: bool) -> bool:
        self.calls.append(("write", kind, data, pa1_to_guest))
        if kind != "W":
            self.full_screen = True
        return data[:1] != b"\xff"

    def full_read(self) -> bytes:
        self.calls.append(("read",))
        return self.reply


class LineConsole:
    kind = "LINE"


def make(console: object) -> tuple[FullScreenService, Machine]:
    machine = Machine(storage_size=64 * 1024)
    device = object()
    user = SimpleNamespace(session=SimpleNamespace(console=console))
    vm = SimpleNamespace(
        devices={CONSOLE: SimpleNamespace(device=device)}, console=lambda: device, user=user
    )
    return FullScreenService(cast(VirtualMachine, vm)), machine


def ccw(op: int, address: int, flags: int, control: int, count: int) -> bytes:
    return (
        bytes((op,))
        + address.to_bytes(3, "big")
        + bytes((flags, control))
        + count.to_bytes(2, "big")
    )


def run(service: FullScreenService, machine: Machine, chain: bytes, console: int = CONSOLE) -> int:
    machine.load(CCW, chain)
    machine.cpu.r[2], machine.cpu.r[4] = CCW, console
    assert service(machine, 2, 4)
    return machine.cpu.cc


def csw(machine: Machine) -> bytes:
    return machine.read(0x40, 8)


def test_display_clear_and_reformat_chained() -> None:
    display = Display()
    service, machine = make(display)
    machine.load(DATA, b"\xc1\xc2\xc3")
    chain = (
        ccw(0x19, 0, 0x60, 0xFF, 1)
        + ccw(0x19, DATA, 0x60, 0x85, 3)
        + ccw(0x08, CCW + 24, 0, 0, 0)
        + ccw(0x19, 0, 0x20, 0xFE, 1)
    )
    assert run(service, machine, chain) == 0
    assert display.calls == [("clear",), ("line", 5, b"\xc1\xc2\xc3", True), ("reformat",)]
    assert csw(machine) == bytes.fromhex("00001020 0C000000")
    assert run(service, machine, ccw(0x19, 0, 0x20, 0xFF, 0)) == 0  # nothing to write
    assert run(service, machine, ccw(0x19, DATA, 0x20, 0x01, 0)) == 1  # a count of 0
    assert csw(machine)[5] == 0x20  # program check


def test_data_chaining_joins_the_data_of_a_write() -> None:
    display = Display()
    service, machine = make(display)
    machine.load(DATA, b"\xc1\xc2")
    machine.load(DATA + 0x100, b"\xc3")
    chain = (
        ccw(0x19, DATA, 0xA0, 0x02, 2)  # CD: the data goes on in the next CCW
        + ccw(0x08, CCW + 16, 0, 0, 0)  # a TIC between them
        + ccw(0x00, DATA + 0x100, 0x20, 0x00, 1)  # its command code is not used
    )
    assert run(service, machine, chain) == 0
    assert display.calls == [("line", 2, b"\xc1\xc2\xc3", False)]
    read = ccw(0x2A, DATA, 0xA0, 0x80, 2) + ccw(0x00, DATA + 8, 0x20, 0, 2)
    display.full_screen = True
    assert run(service, machine, read) == 1  # a read with data chaining: refused


def test_full_screen_write_read_and_mode_lost() -> None:
    display = Display()
    service, machine = make(display)
    machine.load(DATA, b"\xc3\x13")
    assert run(service, machine, ccw(0x29, DATA, 0x20, 0x20, 2)) == 1  # WSF: refused
    assert run(service, machine, ccw(0x29, DATA, 0x20, 0x00, 2)) == 1  # W before EW
    assert csw(machine)[4] == 0x8E
    assert run(service, machine, ccw(0x29, DATA, 0x20, 0xD0, 2)) == 0
    assert display.calls[-1] == ("write", "EWA", b"\xc3\x13", True)
    assert run(service, machine, ccw(0x2A, DATA, 0x20, 0x80, 100)) == 0
    assert machine.read(DATA, 8) == display.reply
    assert csw(machine)[4:] == bytes.fromhex("0C00 005C")  # residual 92: 8 bytes read
    assert run(service, machine, ccw(0x2A, DATA, 0x20, 0x00, 100)) == 1  # Read Buffer
    display.full_screen = False  # CP took the screen back
    assert run(service, machine, ccw(0x2A, DATA, 0x20, 0x80, 100)) == 1
    assert csw(machine)[4] == 0x8E


def test_not_the_console_or_not_a_display_is_condition_code_3() -> None:
    service, machine = make(Display())
    assert run(service, machine, ccw(0x19, DATA, 0x20, 0, 1), console=0x00C) == 3
    service, machine = make(LineConsole())
    assert run(service, machine, ccw(0x19, DATA, 0x20, 0, 1)) == 3
    assert isinstance(Display(), DisplayConsole)


def test_bad_chains_end_with_a_check() -> None:
    service, machine = make(Display())
    assert run(service, machine, ccw(0x08, CCW, 0, 0, 0)) == 1  # a TIC loop
    assert csw(machine)[5] == 0x20  # program check
    assert run(service, machine, ccw(0x19, 0xFFFFF0, 0x20, 0, 100)) == 1  # beyond storage
    assert run(service, machine, ccw(0x19, DATA, 0x20, 0, 3000)) == 1  # over 2032 bytes
    assert csw(machine)[4] == 0x0E
    machine.cpu.r[2] = CCW + 4
    assert service(machine, 2, 4) and machine.cpu.cc == 1  # CCW not doubleword aligned


@settings(max_examples=300)
@given(st.binary(min_size=8, max_size=64), st.binary(max_size=64))
def test_garbage_chains_never_raise(chain: bytes, data: bytes) -> None:
    display = Display(full_screen=True)
    service, machine = make(display)
    machine.load(DATA, data)
    assert run(service, machine, chain) in (0, 1)
