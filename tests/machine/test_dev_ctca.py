"""Two virtual machines joined by a CTCA (COUPLE) move data with Write and Read."""

from __future__ import annotations

from server.machine.devices.base import ATTENTION, CC, CE_DE, SLI, UNIT_CHECK
from server.machine.devices.ctca import ChannelToChannel, couple, uncouple
from tests.machine.ckd_rig import Bench, ccw

ADDRESS = 0x500


def start(bench: Bench, *ccws: bytes) -> int:
    bench.machine.load(0x1000, b"".join(ccws))
    bench.machine.load(0x48, (0x1000).to_bytes(4, "big"))
    return bench.channel.io_instruction(bench.machine.cpu, "SIO", ADDRESS)


def taken(bench: Bench) -> bytes | None:
    found = bench.channel.take_interrupt(lambda _channel: True)
    return None if found is None else found[1]


def pair() -> tuple[Bench, Bench]:
    left, right = Bench(ChannelToChannel(), ADDRESS), Bench(ChannelToChannel(), ADDRESS)
    assert isinstance(left.device, ChannelToChannel)
    assert isinstance(right.device, ChannelToChannel)
    couple(left.device, right.device)
    return left, right


def test_write_then_read_moves_data() -> None:
    left, right = pair()
    left.machine.load(0x2000, b"PAYLOAD!")
    assert start(left, ccw(0x01, 0x2000, 0, 8)) == 0
    assert taken(left) is None  # the write waits for the other side
    attention = taken(right)
    assert attention is not None and attention[4] == ATTENTION
    assert start(right, ccw(0x14, 0x3000, CC, 1), ccw(0x02, 0x3100, SLI, 100)) == 0
    assert right.machine.read(0x3000, 1) == b"\x01"
    assert right.machine.read(0x3100, 8) == b"PAYLOAD!"
    right_end = taken(right)
    assert right_end is not None and right_end[4:] == bytes([CE_DE, 0, 0, 92])
    left_end = taken(left)
    assert left_end is not None and left_end[4:] == bytes([CE_DE, 0, 0, 0])


def test_read_first_then_write() -> None:
    left, right = pair()
    start(left, ccw(0x02, 0x2000, 0, 4))
    assert taken(right) is not None  # attention
    right.machine.load(0x3000, b"DATA")
    start(right, ccw(0x01, 0x3000, 0, 4))
    assert left.machine.read(0x2000, 4) == b"DATA"
    left_end, right_end = taken(left), taken(right)
    assert left_end is not None and left_end[4] == CE_DE
    assert right_end is not None and right_end[4] == CE_DE


def test_control_ends_on_sense_command_byte() -> None:
    left, right = pair()
    start(left, ccw(0x07, 0, SLI, 1))
    assert taken(right) is not None
    start(right, ccw(0x14, 0x3000, 0, 1))
    assert right.machine.read(0x3000, 1) == b"\x07"
    left_end = taken(left)
    assert left_end is not None and left_end[4] == CE_DE


def test_uncoupled_adapter_intervention_required() -> None:
    left, right = pair()
    assert isinstance(left.device, ChannelToChannel)
    uncouple(left.device)
    start(left, ccw(0x01, 0x2000, CC, 4), ccw(0x04, 0x2100, 0, 1))
    end = taken(left)
    assert end is not None and end[4] == CE_DE | UNIT_CHECK
    assert left.channel.run_program(ADDRESS, 0x1008).csw is not None
    assert left.machine.read(0x2100, 1) == b"\x40"
    assert taken(right) is None


def test_halt_withdraws_a_waiting_write() -> None:
    left, right = pair()
    start(left, ccw(0x01, 0x2000, 0, 4))
    taken(right)
    assert left.channel.io_instruction(left.machine.cpu, "HIO", ADDRESS) == 1
    start(right, ccw(0x14, 0x3000, 0, 1))
    assert right.machine.read(0x3000, 1) == b"\x00"


def test_sense_id() -> None:
    left, _ = pair()
    left.machine.load(0x1000, ccw(0xE4, 0x2000, 0, 7))
    left.channel.run_program(ADDRESS, 0x1000)
    assert left.machine.read(0x2000, 7).hex() == "ff308808308801"
