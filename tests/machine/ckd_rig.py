"""Test rigs: a machine with a channel and one device, and a channel-program builder."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from server.machine import Machine
from server.machine.channel import Channel
from server.machine.devices.base import CC, SLI, Device
from server.machine.devices.ckd import CkdDevice, Track, TrackStore

ADDRESS = 0x191
PROGRAM_AT = 0x1000
BUFFERS_AT = 0x4000


def ccw(opcode: int, address: int, flags: int, count: int) -> bytes:
    return struct.pack(">I B x H", opcode << 24 | address, flags, count)


def seek_argument(cylinder: int, head: int) -> bytes:
    return struct.pack(">HHH", 0, cylinder, head)


def ident(cylinder: int, head: int, record: int) -> bytes:
    return struct.pack(">HHB", cylinder, head, record)


def count_field(cylinder: int, head: int, record: int, key: int, data: int) -> bytes:
    return ident(cylinder, head, record) + struct.pack(">BH", key, data)


@dataclass
class Step:
    """One CCW: ``payload`` for writes/controls or ``length`` for reads; ``tic`` an index."""

    opcode: int
    payload: bytes = b""
    length: int = 0
    flags: int = CC
    tic: int | None = None


@dataclass
class Outcome:
    csw: bytes
    buffers: list[bytes] = field(default_factory=list)

    @property
    def unit(self) -> int:
        return self.csw[4]

    @property
    def channel(self) -> int:
        return self.csw[5]

    @property
    def residual(self) -> int:
        return int.from_bytes(self.csw[6:8], "big")

    @property
    def ccw_index(self) -> int:
        """Index of the last CCW executed (from the CSW address)."""
        return ((int.from_bytes(self.csw[1:4], "big") - 8) - PROGRAM_AT) // 8


class Rig:
    """One CKD device on a channel; ``run`` executes a channel program synchronously."""

    def __init__(self, store: TrackStore, size: int = 128 * 1024) -> None:
        self.store = store
        self.machine = Machine(storage_size=size)
        self.channel = Channel(self.machine.cpu)
        self.device = CkdDevice(store)
        self.channel.attach(ADDRESS, self.device)

    def run(self, steps: list[Step]) -> Outcome:
        buffer = BUFFERS_AT
        places: list[tuple[int, int]] = []
        program = b""
        for number, step in enumerate(steps):
            flags = step.flags if number < len(steps) - 1 else step.flags & ~CC
            if step.tic is not None:
                program += ccw(0x08, PROGRAM_AT + 8 * step.tic, 0, 0)
                places.append((0, 0))
                continue
            size = len(step.payload) or step.length
            self.machine.load(buffer, step.payload or bytes(size))
            program += ccw(step.opcode, buffer, flags, size)
            places.append((buffer, size))
            buffer += (size + 7) // 8 * 8
        self.machine.load(PROGRAM_AT, program)
        result = self.channel.run_program(ADDRESS, PROGRAM_AT)
        assert result.csw is not None
        return Outcome(result.csw, [self.machine.read(at, n) for at, n in places])

    def track(self, cylinder: int, head: int) -> Track:
        return Track.parse(self.store.read_track_image(cylinder, head))

    def format_track(self, cylinder: int, head: int, records: list[tuple[bytes, bytes]],
                     first: int = 1) -> Outcome:
        """Write records (key, data) R``first``... after R0, as CMS FORMAT does."""
        steps = [Step(0x07, seek_argument(cylinder, head)),
                 Step(0x31, ident(cylinder, head, first - 1)), Step(0x08, tic=1)]
        for number, (key, data) in enumerate(records, first):
            steps.append(Step(0x1D, count_field(cylinder, head, number, len(key), len(data))
                              + key + data))
        return self.run(steps)


def sli(step: Step) -> Step:
    step.flags |= SLI
    return step


class Bench:
    def __init__(self, device: Device, address: int = 0x00C) -> None:
        self.machine = Machine(storage_size=64 * 1024)
        self.channel = Channel(self.machine.cpu)
        self.address = address
        self.device = self.channel.attach(address, device)

    def run(self, *ccws: bytes) -> bytes:
        self.machine.load(0x1000, b"".join(ccws))
        result = self.channel.run_program(self.address, 0x1000)
        assert result.csw is not None
        return result.csw
