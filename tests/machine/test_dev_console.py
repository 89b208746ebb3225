"""The 3215 console (reference/diagnose.md 3) through the channel."""

from __future__ import annotations

from server.machine.devices.base import ATTENTION, CC, CE_DE, INCORRECT_LENGTH, SLI, UNIT_CHECK
from server.machine.devices.console3215 import Console3215, RecordingBridge
from tests.machine.ckd_rig import Bench, ccw

CONSOLE = 0x009


def console_bench() -> tuple[Bench, Console3215, RecordingBridge]:
    bridge = RecordingBridge()
    console = Console3215(bridge)
    return Bench(console, CONSOLE), console, bridge


def start(bench: Bench, *ccws: bytes) -> int:
    bench.machine.load(0x1000, b"".join(ccws))
    bench.machine.load(0x48, (0x1000).to_bytes(4, "big"))
    return bench.channel.io_instruction(bench.machine.cpu, "SIO", CONSOLE)


def taken(bench: Bench) -> bytes | None:
    found = bench.channel.take_interrupt(lambda _channel: True)
    return None if found is None else found[1]


def test_writes_with_and_without_carriage_return_and_alarm() -> None:
    bench, _, bridge = console_bench()
    bench.machine.load(0x2000, "abc ABC 123".encode("cp037"))
    csw = bench.run(ccw(0x01, 0x2000, CC, 3), ccw(0x09, 0x2004, CC, 7),
                    ccw(0x0B, 0, CC | SLI, 1), ccw(0x03, 0, 0, 1))
    assert csw[4:] == bytes([CE_DE, 0, 0, 1])  # an immediate NOP: residual, no IL
    assert bridge.lines == ["abc", "ABC 123"]
    assert bridge.alarms == 1


def test_read_waits_for_the_line_and_residual_gives_its_length() -> None:
    bench, console, bridge = console_bench()
    assert start(bench, ccw(0x0A, 0x2000, SLI, 130)) == 0
    assert taken(bench) is None and console.reading and bridge.reads == 1
    assert start(bench, ccw(0x03, 0, SLI, 1)) == 2  # the subchannel is busy meanwhile
    console.enter("query files")
    csw = taken(bench)
    assert csw is not None and csw[4:] == bytes([CE_DE, 0]) + (130 - 11).to_bytes(2, "big")
    assert bench.machine.read(0x2000, 11) == "query files".encode("cp037")
    assert not console.reading


def test_long_line_is_cut_to_the_count() -> None:
    bench, console, _ = console_bench()
    start(bench, ccw(0x0A, 0x2000, 0, 4))
    console.enter("abcdefgh")
    csw = taken(bench)
    assert csw is not None and csw[4:] == bytes([CE_DE, INCORRECT_LENGTH, 0, 0])
    assert bench.machine.read(0x2000, 5) == "abcd".encode("cp037") + b"\0"


def test_empty_line() -> None:
    bench, console, _ = console_bench()
    start(bench, ccw(0x0A, 0x2000, SLI, 80))
    console.enter("")
    csw = taken(bench)
    assert csw is not None and csw[6:] == (80).to_bytes(2, "big")


def test_unsolicited_input_raises_attention_then_is_read() -> None:
    bench, console, bridge = console_bench()
    console.enter("#cp query time")
    assert taken(bench) == bytes([0, 0, 0, 0, ATTENTION, 0, 0, 0])
    csw = bench.run(ccw(0x0A, 0x2000, SLI, 80))
    assert csw[4] == CE_DE and bridge.reads == 0
    assert bench.machine.read(0x2000, 14) == "#cp query time".encode("cp037")
    console.attention()
    assert taken(bench) == bytes([0, 0, 0, 0, ATTENTION, 0, 0, 0])


def test_halt_cancels_the_read() -> None:
    bench, console, _ = console_bench()
    start(bench, ccw(0x0A, 0x2000, SLI, 80))
    assert bench.channel.io_instruction(bench.machine.cpu, "HIO", CONSOLE) == 1
    assert not console.reading
    taken(bench)
    console.enter("after the halt")  # no read pending any more: attention
    assert taken(bench) == bytes([0, 0, 0, 0, ATTENTION, 0, 0, 0])


def test_sense_and_command_reject() -> None:
    bench, _, _ = console_bench()
    assert bench.run(ccw(0x05, 0x2000, SLI, 1))[4] == UNIT_CHECK  # rejected in initial status
    assert bench.run(ccw(0x04, 0x2100, 0, 1))[4:] == bytes([CE_DE, 0, 0, 0])
    assert bench.machine.read(0x2100, 1) == b"\x80"
    assert bench.run(ccw(0xE4, 0x2200, SLI, 7))[4] == UNIT_CHECK  # no Sense ID
