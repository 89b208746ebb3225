"""Channel semantics (GA22-7000 chapter 13) with a scripted test device."""

from __future__ import annotations

import struct

import pytest

from server.machine import Machine
from server.machine.channel import CCW_BUDGET, Channel, ProgramResult, make_csw
from server.machine.devices.base import (
    ATTENTION,
    CC,
    CD,
    CE_DE,
    CHANNEL_CONTROL_CHECK,
    INCORRECT_LENGTH,
    PCI,
    PCI_FLAG,
    PENDING,
    PROGRAM_CHECK,
    PROTECTION_CHECK,
    SKIP,
    SLI,
    STATUS_MODIFIER,
    UNIT_CHECK,
    UNIT_EXCEPTION,
    CCWResult,
    Device,
    consumed,
    transfer,
)

DEV = 0x180


class Scripted(Device):
    """Records every command; reads return ``record``; X'13' ends with ``control_status``."""

    sense_length = 1

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[int, int, bytes, int]] = []
        self.record = b"ABCDEFGH"
        self.control_status = CE_DE
        self.pending = False
        self.chains = 0
        self.halted = 0

    def begin_chain(self) -> None:
        self.chains += 1

    def halt(self) -> None:
        self.halted += 1

    def command(self, opcode: int, flags: int, data: bytes, count: int) -> CCWResult:
        self.log.append((opcode, flags, data, count))
        if opcode == 0x02:
            return PENDING if self.pending else transfer(count, self.record)
        if opcode == 0x01:
            return consumed(count, count)
        if opcode == 0x03:
            return CCWResult(CE_DE)
        if opcode == 0x13:
            return CCWResult(self.control_status)
        if opcode == 0x07:  # a control command that takes 6 bytes
            return consumed(count, 6)
        return self.reject()


def ccw(opcode: int, address: int, flags: int, count: int) -> bytes:
    return struct.pack(">I B x H", opcode << 24 | address, flags, count)


def setup(program: bytes, at: int = 0x1000, key: int = 0) -> tuple[Machine, Channel, Scripted]:
    machine = Machine(storage_size=64 * 1024)
    channel = Channel(machine.cpu)
    machine.channel = channel
    device = Scripted()
    channel.attach(DEV, device)
    machine.load(at, program)
    machine.load(0x48, (key << 28 | at).to_bytes(4, "big"))
    return machine, channel, device


def sio(machine: Machine, channel: Channel, instruction: str = "SIO") -> int:
    return channel.io_instruction(machine.cpu, instruction, DEV)


def interrupt(channel: Channel) -> tuple[int, bytes] | None:
    return channel.take_interrupt(lambda _channel: True)


def ending(channel: Channel) -> bytes:
    found = interrupt(channel)
    assert found is not None and found[0] == DEV
    return found[1]


def test_read_into_storage_and_csw() -> None:
    machine, channel, device = setup(ccw(0x02, 0x2000, 0, 8))
    assert sio(machine, channel) == 0
    assert machine.read(0x2000, 8) == b"ABCDEFGH"
    assert ending(channel) == make_csw(0, 0x1008, CE_DE, 0, 0)
    assert interrupt(channel) is None
    assert device.chains == 1


def test_no_device_is_not_operational() -> None:
    machine, channel, _ = setup(ccw(0x03, 0, 0, 1))
    assert channel.io_instruction(machine.cpu, "SIO", 0x281) == 3
    assert channel.io_instruction(machine.cpu, "TIO", 0x281) == 3
    assert channel.io_instruction(machine.cpu, "TCH", 0x1FF) == 0  # channel 1 has a device
    assert channel.io_instruction(machine.cpu, "TCH", 0x500) == 3


def test_short_read_incorrect_length_unless_sli() -> None:
    machine, channel, _ = setup(ccw(0x02, 0x2000, 0, 10))
    sio(machine, channel)
    assert ending(channel) == make_csw(0, 0x1008, CE_DE, INCORRECT_LENGTH, 2)
    machine, channel, _ = setup(ccw(0x02, 0x2000, SLI, 10))
    sio(machine, channel)
    assert ending(channel) == make_csw(0, 0x1008, CE_DE, 0, 2)


def test_long_record_truncated_incorrect_length() -> None:
    machine, channel, _ = setup(ccw(0x02, 0x2000, 0, 4))
    sio(machine, channel)
    assert machine.read(0x2000, 5) == b"ABCD\0"
    assert ending(channel) == make_csw(0, 0x1008, CE_DE, INCORRECT_LENGTH, 0)


def test_incorrect_length_stops_command_chaining() -> None:
    machine, channel, device = setup(ccw(0x02, 0x2000, CC, 10) + ccw(0x03, 0, 0, 1))
    sio(machine, channel)
    assert [entry[0] for entry in device.log] == [0x02]
    assert ending(channel)[5] == INCORRECT_LENGTH


def test_command_chaining_and_residual_of_last() -> None:
    program = ccw(0x02, 0x2000, CC | SLI, 3) + ccw(0x01, 0x2000, CC, 3) + ccw(0x03, 0, SLI, 1)
    machine, channel, device = setup(program)
    sio(machine, channel)
    assert [entry[0] for entry in device.log] == [0x02, 0x01, 0x03]
    assert device.log[1][2] == b"ABC"
    assert ending(channel) == make_csw(0, 0x1018, CE_DE, 0, 0)


def test_data_chaining_scatter_with_skip() -> None:
    program = (ccw(0x02, 0x2000, CD, 2) + ccw(0x00, 0x2100, CD | SKIP, 2)
               + ccw(0x00, 0x2200, 0, 4))
    machine, channel, device = setup(program)
    sio(machine, channel)
    assert device.log[0][3] == 8  # one command with the whole chain's count
    assert machine.read(0x2000, 2) == b"AB"
    assert machine.read(0x2100, 2) == b"\0\0"
    assert machine.read(0x2200, 4) == b"EFGH"
    assert ending(channel) == make_csw(0, 0x1018, CE_DE, 0, 0)


def test_data_chaining_gathers_write_data_through_tic() -> None:
    machine, channel, device = setup(
        ccw(0x01, 0x2000, CD, 2) + ccw(0x08, 0x1100, 0, 0) + ccw(0, 0, 0, 0))
    machine.load(0x1100, ccw(0x00, 0x2100, 0, 3))
    machine.load(0x2000, b"XY")
    machine.load(0x2100, b"ZZZ")
    sio(machine, channel)
    assert device.log[0][2:] == (b"XYZZZ", 5)
    assert ending(channel) == make_csw(0, 0x1108, CE_DE, 0, 0)


def test_data_ends_early_in_chain_residual_of_current() -> None:
    machine, channel, _ = setup(ccw(0x02, 0x2000, CD, 6) + ccw(0x00, 0x2100, 0, 6))
    sio(machine, channel)
    assert ending(channel) == make_csw(0, 0x1010, CE_DE, INCORRECT_LENGTH, 4)


def test_status_modifier_skips_one_ccw() -> None:
    program = ccw(0x13, 0, CC | SLI, 1) + ccw(0x02, 0x2000, SLI, 1) + ccw(0x03, 0, SLI, 1)
    machine, channel, device = setup(program)
    device.control_status = CE_DE | STATUS_MODIFIER
    sio(machine, channel)
    assert [entry[0] for entry in device.log] == [0x13, 0x03]
    assert ending(channel) == make_csw(0, 0x1018, CE_DE, 0, 0)


def test_status_modifier_without_chaining_is_in_csw() -> None:
    machine, channel, device = setup(ccw(0x13, 0, SLI, 1))
    device.control_status = CE_DE | STATUS_MODIFIER
    sio(machine, channel)
    assert ending(channel)[4] == CE_DE | STATUS_MODIFIER


@pytest.mark.parametrize("status", [CE_DE | UNIT_EXCEPTION, CE_DE | UNIT_CHECK])
def test_exceptional_status_ends_chain(status: int) -> None:
    machine, channel, device = setup(ccw(0x13, 0, CC | SLI, 1) + ccw(0x03, 0, SLI, 1))
    device.control_status = status
    sio(machine, channel)
    assert len(device.log) == 1
    assert ending(channel) == make_csw(0, 0x1008, status, 0, 0)


def test_invalid_opcode_reaches_device_as_command_reject() -> None:
    machine, channel, device = setup(ccw(0x05, 0, 0, 1))
    sio(machine, channel)
    assert ending(channel) == make_csw(0, 0x1008, CE_DE | UNIT_CHECK, 0, 0)
    assert device.sense == bytearray(b"\x80")  # kept for Sense
    machine.load(0x1000, ccw(0x04, 0x2000, 0, 1))
    sio(machine, channel)
    assert machine.read(0x2000, 1) == b"\x80"
    assert ending(channel)[4] == CE_DE
    assert device.sense == bytearray(1)


@pytest.mark.parametrize(
    "program",
    [
        ccw(0x00, 0x2000, 0, 8),  # command code 0 is invalid in the channel
        ccw(0x02, 0x2000, 0, 0),  # count 0
        ccw(0x02, 0x2000, 0x01, 8),  # flag bits that must be zero
        ccw(0x02, 0x2000, 0x04, 8),  # IDA is not provided
        ccw(0x08, 0x1008, 0, 0),  # TIC as the first CCW
    ],
)
def test_first_ccw_program_check_stored_by_sio(program: bytes) -> None:
    machine, channel, device = setup(program)
    assert sio(machine, channel) == 1
    assert machine.read(0x40, 8) == make_csw(0, 0x1008, 0, PROGRAM_CHECK, 0)
    assert device.log == []
    assert interrupt(channel) is None


def test_siof_reports_program_check_by_interruption() -> None:
    machine, channel, _ = setup(ccw(0x02, 0x2000, 0, 0))
    assert sio(machine, channel, "SIOF") == 0
    assert ending(channel) == bytes([0x01]) + make_csw(0, 0x1008, 0, PROGRAM_CHECK, 0)[1:]


def test_caw_invalid_address() -> None:
    machine, channel, _ = setup(b"", at=0x1004)
    assert sio(machine, channel) == 1
    assert machine.read(0x44, 2) == bytes([0, PROGRAM_CHECK])
    machine.load(0x48, (0x10000).to_bytes(4, "big"))  # beyond 64K of storage
    assert sio(machine, channel) == 1
    assert machine.read(0x45, 1)[0] == PROGRAM_CHECK


def test_tic_to_tic_is_program_check() -> None:
    program = ccw(0x03, 0, CC | SLI, 1) + ccw(0x08, 0x1010, 0, 0) + ccw(0x08, 0x1000, 0, 0)
    machine, channel, device = setup(program)
    assert sio(machine, channel) == 0
    assert ending(channel) == make_csw(0, 0x1018, 0, PROGRAM_CHECK, 0)
    assert len(device.log) == 1


def test_chained_ccw_beyond_storage_is_program_check() -> None:
    machine, channel, _ = setup(ccw(0x03, 0, CC | SLI, 1) + ccw(0x08, 0xFFF8 + 8, 0, 0))
    sio(machine, channel)
    assert ending(channel) == make_csw(0, 0x1010, 0, PROGRAM_CHECK, 0)


def test_chaining_off_the_end_of_storage() -> None:
    machine, channel, _ = setup(ccw(0x03, 0, CC | SLI, 1), at=0xFFF8)
    sio(machine, channel)
    assert ending(channel) == make_csw(0, 0x10008, 0, PROGRAM_CHECK, 0)


def test_sli_and_cc_ignored_with_chain_data() -> None:
    # data ends in the first CCW of a data chain: SLI there does not suppress
    program = ccw(0x02, 0x2000, CD | SLI | CC, 10) + ccw(0x00, 0x2100, SLI | CC, 4)
    machine, channel, device = setup(program + ccw(0x03, 0, SLI, 1))
    sio(machine, channel)
    assert ending(channel) == make_csw(0, 0x1008, CE_DE, INCORRECT_LENGTH, 2)
    assert len(device.log) == 1


def test_read_beyond_storage_is_program_check() -> None:
    machine, channel, _ = setup(ccw(0x02, 0xFFFC, 0, 8))
    sio(machine, channel)
    csw = ending(channel)
    assert csw[4:6] == bytes([CE_DE, PROGRAM_CHECK])
    assert machine.read(0xFFFC, 4) == bytes(4)


def test_write_beyond_storage_never_reaches_device() -> None:
    machine, channel, device = setup(ccw(0x01, 0xFFFC, 0, 8))
    sio(machine, channel)
    assert ending(channel)[4:6] == bytes([0, PROGRAM_CHECK])
    assert device.log == []


def test_nop_data_address_is_not_checked() -> None:
    machine, channel, _ = setup(ccw(0x03, 0xFFFFF0, SLI, 1))
    sio(machine, channel)
    assert ending(channel) == make_csw(0, 0x1008, CE_DE, 0, 0)


def test_control_data_beyond_storage_program_check() -> None:
    machine, channel, device = setup(ccw(0x07, 0xFFFE, 0, 6))
    sio(machine, channel)
    assert device.log == []
    assert ending(channel) == make_csw(0, 0x1008, 0, PROGRAM_CHECK, 6)


def test_protection_check_with_caw_key() -> None:
    machine, channel, _ = setup(ccw(0x02, 0x2000, 0, 8), key=3)
    machine.set_key(0x2000, 0x50)
    sio(machine, channel)
    assert ending(channel) == make_csw(3, 0x1008, CE_DE, PROTECTION_CHECK, 8)
    assert machine.read(0x2000, 8) == bytes(8)
    machine.set_key(0x2000, 0x30)
    sio(machine, channel)
    assert ending(channel) == make_csw(3, 0x1008, CE_DE, 0, 0)
    assert machine.read(0x2000, 8) == b"ABCDEFGH"


def test_read_into_a_read_only_block_is_a_protection_check_with_any_key() -> None:
    machine, channel, _ = setup(ccw(0x02, 0x2000, 0, 8), key=0)
    machine.cpu.set_readonly(frozenset({0x2000 >> 11}))  # a shared segment's block
    sio(machine, channel)
    assert ending(channel) == make_csw(0, 0x1008, CE_DE, PROTECTION_CHECK, 8)
    assert machine.read(0x2000, 8) == bytes(8)
    machine.cpu.set_readonly(frozenset())
    sio(machine, channel)
    assert ending(channel) == make_csw(0, 0x1008, CE_DE, 0, 0)
    assert machine.read(0x2000, 8) == b"ABCDEFGH"


def test_fetch_protected_ccw() -> None:
    machine, channel, _ = setup(ccw(0x03, 0, SLI, 1), key=3)
    machine.set_key(0x1000, 0x58)
    assert sio(machine, channel) == 1
    assert machine.read(0x45, 1)[0] == PROTECTION_CHECK


def test_tic_loop_hits_the_budget() -> None:
    program = ccw(0x03, 0, CC | SLI, 1) + ccw(0x08, 0x1000, 0, 0)
    machine, channel, device = setup(program)
    sio(machine, channel)
    csw = ending(channel)
    assert csw[4:6] == bytes([0, CHANNEL_CONTROL_CHECK])
    assert CCW_BUDGET // 2 - 2 <= len(device.log) <= CCW_BUDGET // 2


def test_pending_read_busy_and_completion() -> None:
    machine, channel, device = setup(ccw(0x02, 0x2000, CC | SLI, 80) + ccw(0x03, 0, SLI, 1))
    device.pending = True
    assert sio(machine, channel) == 0
    assert interrupt(channel) is None
    assert sio(machine, channel) == 2
    assert channel.io_instruction(machine.cpu, "TIO", DEV) == 2
    device.complete(transfer(80, b"LINE"))
    assert machine.read(0x2000, 4) == b"LINE"
    assert [entry[0] for entry in device.log] == [0x02, 0x03]
    assert ending(channel) == make_csw(0, 0x1010, CE_DE, 0, 0)
    assert channel.io_instruction(machine.cpu, "TIO", DEV) == 0


def test_pci_while_pending_then_merged_or_separate() -> None:
    machine, channel, device = setup(ccw(0x02, 0x2000, SLI | PCI_FLAG, 80))
    device.pending = True
    sio(machine, channel)
    assert ending(channel) == make_csw(0, 0x1008, 0, PCI, 80)
    device.complete(transfer(80, b"X"))
    assert ending(channel) == make_csw(0, 0x1008, CE_DE, 0, 79)
    # not taken before the end: merged into the ending CSW
    machine, channel, device = setup(ccw(0x02, 0x2000, SLI | PCI_FLAG, 80))
    device.pending = True
    sio(machine, channel)
    device.complete(transfer(80, b"X"))
    assert ending(channel) == make_csw(0, 0x1008, CE_DE, PCI, 79)
    assert interrupt(channel) is None


def test_pci_in_synchronous_program_is_merged() -> None:
    machine, channel, _ = setup(ccw(0x03, 0, CC | SLI | PCI_FLAG, 1) + ccw(0x03, 0, SLI, 1))
    sio(machine, channel)
    assert ending(channel) == make_csw(0, 0x1010, CE_DE, PCI, 0)


def test_halt_io_ends_pending_program() -> None:
    machine, channel, device = setup(ccw(0x02, 0x2000, SLI, 80))
    device.pending = True
    sio(machine, channel)
    assert channel.io_instruction(machine.cpu, "HIO", DEV) == 1
    assert device.halted == 1
    assert machine.read(0x40, 8) == make_csw(0, 0x1008, 0, 0, 80)
    assert ending(channel) == make_csw(0, 0x1008, CE_DE, 0, 80)
    device.complete(transfer(80, b"late"))  # ignored: the program is gone
    assert interrupt(channel) is None
    assert channel.io_instruction(machine.cpu, "HDV", DEV) == 0


def test_clear_io_and_test_io_store_pending_status() -> None:
    machine, channel, _ = setup(ccw(0x03, 0, SLI, 1))
    sio(machine, channel)
    assert channel.io_instruction(machine.cpu, "TIO", DEV) == 1
    assert machine.read(0x40, 8) == make_csw(0, 0x1008, CE_DE, 0, 0)
    assert channel.io_instruction(machine.cpu, "TIO", DEV) == 0
    sio(machine, channel)
    assert channel.io_instruction(machine.cpu, "CLRIO", DEV) == 1
    assert channel.io_instruction(machine.cpu, "CLRIO", DEV) == 0
    assert interrupt(channel) is None


def test_sio_with_interruption_pending_is_busy_and_clears_it() -> None:
    machine, channel, device = setup(ccw(0x03, 0, SLI, 1))
    device.signal(ATTENTION)
    assert channel.io_instruction(machine.cpu, "TCH", DEV) == 1
    assert sio(machine, channel) == 1
    assert machine.read(0x44, 1)[0] == ATTENTION | 0x10
    assert interrupt(channel) is None
    assert sio(machine, channel) == 0


def test_take_interrupt_respects_channel_mask() -> None:
    machine, channel, device = setup(ccw(0x03, 0, SLI, 1))
    other = Scripted()
    channel.attach(0x00E, other)
    device.signal(ATTENTION)
    other.signal(ATTENTION)
    assert channel.take_interrupt(lambda number: number == 0) == (
        0x00E, make_csw(0, 0, ATTENTION, 0, 0))
    assert channel.take_interrupt(lambda number: number == 0) is None
    assert channel.take_interrupt(lambda number: number == 1) == (
        DEV, make_csw(0, 0, ATTENTION, 0, 0))


def test_store_channel_id() -> None:
    machine, channel, _ = setup(b"")
    channel.attach(0x00C, Scripted())
    assert channel.io_instruction(machine.cpu, "STIDC", 0x000) == 0
    assert machine.read(0xA8, 4) == bytes.fromhex("10000000")
    assert channel.io_instruction(machine.cpu, "STIDC", 0x100) == 0
    assert machine.read(0xA8, 4) == bytes.fromhex("20000000")
    assert channel.io_instruction(machine.cpu, "STIDC", 0x300) == 3


def test_run_program_returns_csw_without_interruption() -> None:
    machine, channel, device = setup(ccw(0x05, 0, 0, 1))
    result = channel.run_program(DEV, 0x1000)
    assert result.csw == make_csw(0, 0x1008, CE_DE | UNIT_CHECK, 0, 0)
    assert result.sense == b"\x80"
    assert interrupt(channel) is None
    machine.load(0x1000, ccw(0x03, 0, SLI, 1))
    assert channel.run_program(DEV, 0x1000) == ProgramResult(make_csw(0, 0x1008, CE_DE, 0, 0),
                                                            None)


def test_run_program_that_waits_ends_with_an_interruption() -> None:
    machine, channel, device = setup(ccw(0x02, 0x2000, SLI, 80))
    device.pending = True
    assert channel.run_program(DEV, 0x1000).csw is None
    device.complete(transfer(80, b"late"))
    assert ending(channel) == make_csw(0, 0x1008, CE_DE, 0, 76)


def test_device_exception_becomes_unit_check() -> None:
    class Broken(Scripted):
        def command(self, opcode: int, flags: int, data: bytes, count: int) -> CCWResult:
            raise RuntimeError("bug")

    machine, channel, _ = setup(ccw(0x03, 0, SLI, 1))
    channel.detach(DEV)
    channel.attach(DEV, Broken())
    sio(machine, channel)
    assert ending(channel)[4] == CE_DE | UNIT_CHECK
