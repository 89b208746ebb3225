"""Random channel programs never raise out of the channel and always end architecturally.

Hypothesis writes random CCWs (biased towards the commands and flags the devices
know, TICs, data chaining and addresses near the end of storage) and starts them
on a CKD disk, a console, a printer and a reader; whatever happens, SIO returns a
condition code, the program ends (or waits for the console), and exactly one
ending is presented.
"""

from __future__ import annotations

import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from server.machine import Machine
from server.machine.channel import Channel
from server.machine.devices.base import CHANNEL_END, PROGRAM_CHECK
from server.machine.devices.ckd import MODEL_3350, CkdDevice, MemoryTrackStore
from server.machine.devices.console3215 import Console3215
from server.machine.devices.unitrecord import MemorySpool, Printer, Reader
from tests.machine.ckd_rig import Rig, count_field

SIZE = 64 * 1024
PROGRAM_AT = 0x1000
OPCODES = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0E, 0x11,
           0x12, 0x13, 0x15, 0x16, 0x19, 0x1A, 0x1B, 0x1D, 0x1E, 0x1F, 0x22, 0x23, 0x29,
           0x31, 0x39, 0x51, 0x5E, 0x71, 0x86, 0x89, 0x8B, 0x9E, 0xB1, 0xE4, 0x00, 0x27]
ADDRESSES = [0x0000, 0x1000, 0x1008, 0x2000, 0x2004, 0x3000, SIZE - 8, SIZE - 2, SIZE, 0xFFFFF8]

ccws = st.tuples(
    st.sampled_from(OPCODES) | st.integers(0, 255),
    st.sampled_from(ADDRESSES) | st.integers(0, 0xFFFFFF),
    st.sampled_from([0x00, 0x20, 0x40, 0x60, 0x80, 0x90, 0x08, 0x48]) | st.integers(0, 255),
    st.sampled_from([0, 1, 5, 6, 8, 16, 24, 80, 800, 808]) | st.integers(0, 0xFFFF),
)


def machine_with_devices() -> tuple[Machine, Channel, Console3215]:
    machine = Machine(storage_size=SIZE)
    channel = Channel(machine.cpu)
    machine.channel = channel
    store = MemoryTrackStore(MODEL_3350, cylinders=2)
    Rig(store).format_track(0, 0, [(b"", bytes(800)), (b"KEY1", bytes(80))])
    channel.attach(0x190, CkdDevice(store))
    console = Console3215()
    channel.attach(0x009, console)
    spool = MemorySpool()
    spool.add_reader_file([bytes(80)] * 3)
    channel.attach(0x00C, Reader(spool))
    channel.attach(0x00E, Printer(spool))
    machine.load(0x2000, struct.pack(">HHH", 0, 0, 0) + count_field(0, 0, 1, 0, 800))
    return machine, channel, console


@settings(max_examples=150, deadline=None)
@given(program=st.lists(ccws, min_size=1, max_size=12),
       device=st.sampled_from([0x190, 0x009, 0x00C, 0x00E]),
       key=st.integers(0, 15), fast=st.booleans())
def test_random_programs_end_architecturally(program: list[tuple[int, int, int, int]],
                                             device: int, key: int, fast: bool) -> None:
    machine, channel, console = machine_with_devices()
    machine.set_key(0x3000, 0x58)
    machine.load(PROGRAM_AT, b"".join(struct.pack(">IBxH", op << 24 | address, flags, count)
                                      for op, address, flags, count in program))
    machine.load(0x48, (key << 28 | PROGRAM_AT).to_bytes(4, "big"))
    code = channel.io_instruction(machine.cpu, "SIOF" if fast else "SIO", device)
    assert code in (0, 1)
    if console.reading:  # a console read waits for its line: give it one
        console.enter("typed")
    endings = []
    while (found := channel.take_interrupt(lambda _channel: True)) is not None:
        endings.append(found)
    assert not channel.running
    if code == 1:
        csw = machine.read(0x40, 8)
        assert csw[5] & PROGRAM_CHECK or csw[4] & 0x02 or csw[4] & 0x10
    else:
        assert endings, "a started program presents an ending"
        final = endings[-1][1]
        assert final[4] & CHANNEL_END or final[5] or final[4] & 0x02
