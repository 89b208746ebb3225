"""Crash consistency: a failure after any number of block writes leaves old or new.

A device that raises after N writes stands in for a crash or a forced logoff in the
middle of an update. Whatever N, the independent reader must find a consistent disk
holding exactly the old files (N < writes of the update) or the new ones, and the
CmsDisk that saw the failure must still be usable.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guests.cms.fs.device import BLOCK_SIZE, MemoryBlockDevice
from guests.cms.fs.disk import CmsDisk
from guests.cms.fs.errors import BlockIOError
from tests.guests.cms.helpers import clock, fresh, reread

Files = dict[tuple[str, str], list[bytes]]
Operation = Callable[[CmsDisk], object]


class CrashingDevice:
    """Passes blocks to a MemoryBlockDevice until ``writes_left`` runs out."""

    def __init__(self, inner: MemoryBlockDevice, writes_left: int) -> None:
        self.inner = inner
        self.writes_left = writes_left

    @property
    def device_type(self) -> int:
        return self.inner.device_type

    @property
    def cylinders(self) -> int:
        return self.inner.cylinders

    @property
    def read_only(self) -> bool:
        return False

    def read_block(self, block: int) -> bytes:
        return self.inner.read_block(block)

    def write_block(self, block: int, data: bytes) -> None:
        if self.writes_left <= 0:
            raise BlockIOError(f"crash before writing block {block}")
        self.writes_left -= 1
        self.inner.write_block(block, data)


def files_of(device: MemoryBlockDevice) -> Files:
    return {(f.name, f.type): f.records for f in reread(device).files}


def state_of(device: MemoryBlockDevice) -> tuple[object, ...]:
    """Files in directory order and the disk size (RELEASE sorts, RECOMP resizes)."""
    disk = reread(device)
    return tuple((f.name, f.type, f.records) for f in disk.files), disk.adtnum, disk.adtcyl


def copy(device: MemoryBlockDevice) -> MemoryBlockDevice:
    clone = MemoryBlockDevice(device.device_type, device.cylinders)
    clone.blocks = dict(device.blocks)
    return clone


def run_with_crash(
    base: MemoryBlockDevice, operation: Operation, writes: int
) -> tuple[CmsDisk, CrashingDevice]:
    """Access a copy of ``base`` and run ``operation`` with a crash after ``writes``."""
    device = CrashingDevice(copy(base), writes)
    disk = CmsDisk.access(device, clock=clock)
    with pytest.raises(BlockIOError):
        operation(disk)
    return disk, device


def check_every_crash_point(
    base: MemoryBlockDevice, operation: Operation, points: list[int] | None = None
) -> None:
    old = state_of(base)
    done = copy(base)
    before = done.writes
    operation(CmsDisk.access(done, clock=clock))
    new, total = state_of(done), done.writes - before
    assert new != old
    for writes in points if points is not None else range(total):
        disk, device = run_with_crash(base, operation, writes)
        assert state_of(device.inner) == old, f"crash after {writes} of {total} writes"
        device.writes_left = 10**6  # the device is back: the same CmsDisk carries on
        operation(disk)
        assert state_of(device.inner) == new


def base_disk(cylinders: int = 5) -> MemoryBlockDevice:
    device, disk = fresh(cylinders=cylinders)
    disk.write("PROFILE", "EXEC", [b"&CONTROL OFF".ljust(80)] * 20)
    disk.write("BIG", "DATA", [bytes([n % 251]) * 100 for n in range(700)], recfm="V")
    for n in range(25):
        disk.write(f"F{n}", "SCRIPT", [f"{n}".encode()], recfm="V")
    return device


SCENARIOS: dict[str, Operation] = {
    "replace": lambda disk: disk.write("PROFILE", "EXEC", [b"NEW"] * 50, recfm="V"),
    "append": lambda disk: disk.append("BIG", "DATA", [b"tail" * 50] * 100),
    "create": lambda disk: disk.write("NEW", "FILE", [bytes(BLOCK_SIZE)] * 70),
    "update": lambda disk: disk.replace_records("BIG", "DATA", 300, [b"\x07" * 100]),
    "update_v": lambda disk: disk.replace_records("BIG", "DATA", 690, [b"x" * 100] * 20),
    "erase": lambda disk: disk.erase("BIG", "DATA"),
    "rename": lambda disk: disk.rename("F3", "SCRIPT", "G3", "SCRIPT"),
    "erase_all": lambda disk: disk.erase_all(),
    "sort": lambda disk: disk.rewrite_directory(),
    "recomp": lambda disk: disk.recomp(4),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_crash_at_every_write(name: str) -> None:
    check_every_crash_point(base_disk(), SCENARIOS[name])


def test_sort_crash_keeps_the_old_order() -> None:
    base = base_disk()
    order = [(f.name, f.type) for f in reread(base).files]
    _, device = run_with_crash(base, SCENARIOS["sort"], 1)
    assert [(f.name, f.type) for f in reread(device.inner).files] == order


def test_crash_while_extension_blocks_come_and_go() -> None:
    device, disk = fresh(cylinders=115)
    disk.write("SMALL", "FILE", [b"x"], recfm="V")
    big: Operation = lambda disk: disk.write("BIG", "FILE", [bytes(BLOCK_SIZE)] * 1760)  # noqa: E731
    points = [0, 1, 1000, 1759, 1760, 1761, 1762, 1763, 1764, 1765, 1772, 1773]
    check_every_crash_point(device, big, points)
    big(CmsDisk.access(device))
    assert len(reread(device).extension_blocks) == 10
    erase: Operation = lambda disk: disk.erase("BIG", "FILE")  # noqa: E731
    check_every_crash_point(device, erase)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["write", "append", "erase", "rename", "update"]),
            st.integers(min_value=0, max_value=4),
            st.integers(min_value=1, max_value=3000),
        ),
        min_size=1,
        max_size=6,
    ),
    st.integers(min_value=0, max_value=400),
)
def test_random_updates_with_a_crash(ops: list[tuple[str, int, int]], crash_at: int) -> None:
    """A model of the files is kept; after the crash the disk holds a prefix state."""
    device, _ = fresh(cylinders=2)
    crashing = CrashingDevice(device, crash_at)
    disk = CmsDisk.access(crashing, clock=clock)
    model: Files = {}
    for op, number, size in ops:
        name = (f"F{number}", "DATA")
        records = [bytes([size % 256]) * (size % 300)] * (size // 100 + 1)
        try:
            if op == "write":
                disk.write(*name, records, recfm="V")
                model[name] = records
            elif op == "append" and name in model:
                disk.append(*name, records)
                model[name] = model[name] + records
            elif op == "update" and name in model:
                item = size % (len(model[name]) + 1) + 1
                old = model[name]
                new = [bytes(len(r)) for r in old[item - 1 : item - 1 + len(records)]]
                new += records[len(new) :]
                disk.replace_records(*name, item, new)
                model[name] = old[: item - 1] + new + old[item - 1 + len(new) :]
            elif op == "erase" and name in model:
                disk.erase(*name)
                del model[name]
            elif op == "rename" and name in model and ("R", "DATA") not in model:
                disk.rename(*name, "R", "DATA")
                model[("R", "DATA")] = model.pop(name)
        except BlockIOError:
            break
    assert files_of(device) == model
