"""IPL (GA22-7000 "Initial Program Loading") from FBA, CKD and card devices."""

from __future__ import annotations

import struct

import pytest

from server.machine import Machine, Stop
from server.machine.channel import Channel
from server.machine.devices.base import CC, SLI
from server.machine.devices.fba import MODEL_3370, FbaDevice, MemoryBlockStore
from server.machine.devices.unitrecord import MemorySpool, Reader
from server.machine.ipl import IplError, ipl

# BALR 15,0; ST 15,X'600'; LPSW X'608' (a disabled wait at EE00), at X'400'.
PROGRAM = bytes.fromhex("05F0 50F00600 82000608".replace(" ", "")).ljust(0x208, b"\0")
END_PSW = bytes.fromhex("000200000000EE00")


def machine() -> tuple[Machine, Channel]:
    machine = Machine(storage_size=64 * 1024)
    channel = Channel(machine.cpu)
    machine.channel = channel
    return machine, channel


def test_ipl_from_fba_reads_block_0_then_the_following_blocks() -> None:
    store = MemoryBlockStore(MODEL_3370, blocks=100)
    first = struct.pack(">II", 0, 0x400) + struct.pack(">IBxH", 0x42000400, SLI, 1024)
    store.data[0] = first.ljust(512, b"\0")
    payload = (PROGRAM + END_PSW).ljust(1024, b"\0")  # the wait PSW lands at X'608'
    store.data[1], store.data[2] = payload[:512], payload[512:]
    m, channel = machine()
    channel.attach(0x300, FbaDevice(store))
    ipl(m, channel, 0x300)
    assert m.read(0, 4) == bytes.fromhex("00000300")
    assert m.run(1000) is Stop.DISABLED_WAIT
    assert m.psw()[4:] == bytes.fromhex("0000EE00")


def test_ipl_clear_zeroes_storage_and_keys() -> None:
    spool = MemorySpool()
    card1 = struct.pack(">II", 0, 0x400) + struct.pack(">IBxH", 0x02000400, CC | SLI, 80) \
        + struct.pack(">IBxH", 0x02000450, SLI, 80)
    spool.add_reader_file([card1.ljust(80, b"\0"), PROGRAM[:80], bytes(80)])
    m, channel = machine()
    channel.attach(0x00C, Reader(spool))
    m.load(0x8000, b"junk")
    m.set_key(0x8000, 0x38)
    m.set_gpr(3, 99)
    ipl(m, channel, 0x00C, clear=True)
    assert m.read(0x8000, 4) == bytes(4)
    assert m.key(0x8000) & 0xF8 == 0
    assert m.gpr(3) == 0
    assert m.read(0x400, 12) == PROGRAM[:12]


def test_ipl_without_clear_keeps_storage() -> None:
    spool = MemorySpool()
    card1 = struct.pack(">II", 0, 0x400) + bytes.fromhex("0300000020000001") + bytes(8)
    spool.add_reader_file([card1.ljust(80, b"\0")])
    m, channel = machine()
    channel.attach(0x00C, Reader(spool))
    m.load(0x8000, b"kept")
    psw = ipl(m, channel, 0x00C)
    assert psw == bytes.fromhex("0000000C00000400")
    assert m.read(0x8000, 4) == b"kept"


def test_ipl_chain_program_check_is_an_ipl_error() -> None:
    spool = MemorySpool()
    card1 = struct.pack(">II", 0, 0x400) + bytes(16)  # CCW at 8 has count 0
    spool.add_reader_file([card1.ljust(80, b"\0")])
    m, channel = machine()
    channel.attach(0x00C, Reader(spool))
    with pytest.raises(IplError) as failure:
        ipl(m, channel, 0x00C)
    assert failure.value.csw is not None and failure.value.csw[5] == 0x20


def test_ipl_pending_device_is_an_ipl_error() -> None:
    m, channel = machine()
    channel.attach(0x00C, Reader(MemorySpool(), wait_for_file=True))
    with pytest.raises(IplError):
        ipl(m, channel, 0x00C)
    assert not channel.running
