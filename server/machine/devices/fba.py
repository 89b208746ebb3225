"""FBA direct-access storage: the channel commands of the 3310 and 3370.

Models reference/dasd.md section 4.6 (after the IBM 3370 and 3310 reference
summaries and Hercules' ``fbadasd.c``): Define Extent, Locate, Read, Write,
Read IPL, No-Operation, Sense (24 bytes), Sense ID and Read Device
Characteristics, on 512-byte blocks numbered from 0.

The device reads and writes blocks through a :class:`BlockStore`: a volume
image, a minidisk view (block 0 at the extent's start;
``server.dasd.minidisk.FbaMinidisk`` is one; its errors are
:class:`~server.machine.devices.base.DeviceStoreError` with sense bytes), or
:class:`MemoryBlockStore` for tests.  Every write reaches the store before
the command ends.  Violations of the command sequence, of the extent and of
the file mask end with unit check, command reject (sense byte 0 X'80').
A Write writes every located block (data short of them is padded with
zeros); Read IPL must be the first command of the program (or follow
another Read IPL) and a Read right after it reads the blocks after block 0.
Residual counts follow Hercules (a rejected Define Extent or Locate has taken
its data: residual zero).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from server.machine.devices.base import (
    NOP,
    CCWResult,
    Device,
    DeviceStoreError,
    consumed,
    immediate,
    transfer,
)

BLOCK = 512

READ_IPL = 0x02
WRITE = 0x41
READ = 0x42
LOCATE = 0x43
DEFINE_EXTENT = 0x63
READ_DEVICE_CHARACTERISTICS = 0x64

# Locate operations (byte 0, low nibble).
OP_WRITE = 0x01
OP_READ_REPLICATED = 0x02
OP_FORMAT = 0x04
OP_WRITE_VERIFY = 0x05
OP_READ = 0x06
_READS = (OP_READ, OP_READ_REPLICATED)
_WRITES = (OP_WRITE, OP_WRITE_VERIFY, OP_FORMAT)

MASK_WRITE = 0xC0
MASK_INHIBIT_WRITES = 0x40
MASK_RESERVED = 0x20


class FbaGeometryInfo(Protocol):
    """The device facts an FBA device needs (``server.dasd.geometry.FbaGeometry`` fits)."""

    @property
    def device_type(self) -> int: ...

    def sense_id_bytes(self) -> bytes: ...

    def device_characteristics(self, blocks: int | None = None) -> bytes: ...


class BlockStore(Protocol):
    """Block access to an FBA volume or minidisk, blocks relative to its start."""

    @property
    def geometry(self) -> FbaGeometryInfo: ...

    @property
    def blocks(self) -> int: ...

    @property
    def read_only(self) -> bool: ...

    def read_blocks(self, first: int, count: int = 1) -> bytes: ...

    def write_blocks(self, first: int, data: bytes) -> None: ...


@dataclass(frozen=True)
class FbaModel:
    """A minimal FBA device description for tests and simple embedders."""

    device_type: int
    model: int
    control_unit: int
    control_unit_model: int
    unit_type: int
    blocks_per_group: int
    blocks_per_access: int

    def sense_id_bytes(self) -> bytes:
        return (b"\xff" + self.control_unit.to_bytes(2, "big") + bytes([self.control_unit_model])
                + self.device_type.to_bytes(2, "big") + bytes([self.model]))

    def device_characteristics(self, blocks: int | None = None) -> bytes:
        return (bytes([0x30, 0x08, 0x21, self.unit_type]) + BLOCK.to_bytes(2, "big")
                + self.blocks_per_group.to_bytes(4, "big")
                + self.blocks_per_access.to_bytes(4, "big")
                + (blocks or 0).to_bytes(4, "big") + bytes(14))


# Figures of reference/dasd.md tables 1.4 and 1.5.
MODEL_3310 = FbaModel(0x3310, 0x01, 0x4331, 0x01, 0x01, 32, 352)
MODEL_3370 = FbaModel(0x3370, 0x00, 0x3880, 0x01, 0x02, 62, 744)


@dataclass
class MemoryBlockStore:
    """Blocks in a dict (never-written blocks read as zeros)."""

    geometry: FbaModel
    blocks: int
    read_only: bool = False
    data: dict[int, bytes] = field(default_factory=dict)

    def read_blocks(self, first: int, count: int = 1) -> bytes:
        return b"".join(self.data.get(n, bytes(BLOCK)) for n in range(first, first + count))

    def write_blocks(self, first: int, data: bytes) -> None:
        if self.read_only:
            raise DeviceStoreError(b"\x80" + bytes(23), "read-only")
        for index in range(0, len(data), BLOCK):
            self.data[first + index // BLOCK] = data[index : index + BLOCK].ljust(BLOCK, b"\0")


class _Reject(Exception):
    """Command reject; ``after_data``: the command took its control data first
    (Define Extent, Locate), so the residual count is zero (as Hercules)."""

    def __init__(self, after_data: bool = False) -> None:
        super().__init__("command reject")
        self.after_data = after_data


class FbaDevice(Device):
    """A virtual FBA disk over a :class:`BlockStore`."""

    sense_length = 24

    def __init__(self, store: BlockStore) -> None:
        self.store = store
        self.device_type = store.geometry.device_type
        self.sense_id_data = store.geometry.sense_id_bytes()
        super().__init__()
        self.begin_chain()

    def begin_chain(self) -> None:
        self.extent: tuple[int, int, int] | None = None  # origin, first, last
        self.file_mask = 0
        self.operation = 0  # Locate operation in force for the next command
        self.next_block = 0  # device block of the next Read/Write
        self.located = 0  # blocks left of the Locate
        self.previous = 0  # the command before this one

    def command(self, opcode: int, flags: int, data: bytes, count: int) -> CCWResult:
        previous, self.previous = self.previous, opcode
        try:
            return self._dispatch(opcode, data, count, previous)
        except _Reject as reject:
            return self.reject(0, 0 if reject.after_data else count)
        except DeviceStoreError as error:  # a store's refusal becomes unit check
            return self.unit_check(error.sense)

    def _dispatch(self, opcode: int, data: bytes, count: int, previous: int) -> CCWResult:
        # -- CONTROL NO-OPERATION --
        if opcode == NOP:
            return immediate(count)
        # -- DEFINE EXTENT --
        if opcode == DEFINE_EXTENT:
            return self._define_extent(data, count)
        # -- LOCATE --
        if opcode == LOCATE:
            return self._locate(data, count)
        # -- READ --
        if opcode == READ:
            if previous not in (LOCATE, READ_IPL) or self.operation not in _READS:
                raise _Reject()
            if previous == READ_IPL:  # the blocks after block 0, as many as the count asks
                self.located = min(-(-count // BLOCK), self.store.blocks - self.next_block)
            return transfer(count, self._read_located())
        # -- WRITE --
        if opcode == WRITE:
            if previous != LOCATE or self.operation not in (OP_WRITE, OP_WRITE_VERIFY):
                raise _Reject()
            return self._write(data, count)
        # -- READ IPL: the first command, or after another Read IPL --
        if opcode == READ_IPL:
            if previous not in (0, READ_IPL):
                raise _Reject()
            self.extent = (0, 0, self.store.blocks - 1)
            self.operation, self.next_block, self.located = OP_READ, 1, 0
            return transfer(count, self.store.read_blocks(0, 1))
        # -- READ DEVICE CHARACTERISTICS --
        if opcode == READ_DEVICE_CHARACTERISTICS:
            return transfer(count, self.store.geometry.device_characteristics(self.store.blocks))
        raise _Reject()

    def _define_extent(self, data: bytes, count: int) -> CCWResult:
        if self.extent is not None or count < 16 or data[0] & MASK_RESERVED:
            raise _Reject(after_data=True)
        origin, first, last = (int.from_bytes(data[i : i + 4], "big") for i in (4, 8, 12))
        if last < first or origin + last - first >= self.store.blocks:
            raise _Reject(after_data=True)
        self.extent = (origin, first, last)
        self.file_mask = data[0]
        return consumed(count, 16)

    def _locate(self, data: bytes, count: int) -> CCWResult:
        if self.extent is None or count < 8 or data[0] & 0xF0:
            raise _Reject(after_data=True)
        operation = data[0] & 0x0F
        blocks = int.from_bytes(data[2:4], "big")
        first = int.from_bytes(data[4:8], "big")
        origin, extent_first, extent_last = self.extent
        if operation not in _READS + _WRITES or not blocks:
            raise _Reject(after_data=True)
        if first < extent_first or first + blocks - 1 > extent_last:
            raise _Reject(after_data=True)
        mask = self.file_mask & MASK_WRITE
        if operation in _WRITES and (mask == MASK_INHIBIT_WRITES or self.store.read_only):
            raise _Reject(after_data=True)
        if operation == OP_FORMAT and mask == 0:  # X'00' allows all writes but formatting
            raise _Reject(after_data=True)
        self.operation = operation
        self.next_block = origin + first - extent_first
        self.located = blocks
        return consumed(count, 8)

    def _read_located(self) -> bytes:
        first, blocks = self.next_block, self.located
        self.next_block += blocks
        self.located = 0
        return self.store.read_blocks(first, blocks)

    def _write(self, data: bytes, count: int) -> CCWResult:
        """Every located block is written; data short of them is padded with zeros."""
        length = self.located * BLOCK
        self.store.write_blocks(self.next_block, data[:length].ljust(length, b"\0"))
        self.next_block += self.located
        self.located = 0
        return consumed(count, length)
