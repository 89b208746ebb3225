"""Positioned file writes for volume images: durability policy, zeroing, hole punching.

Every write of the volume layer is an ``os.pwrite`` done before the caller
continues (a killed process loses nothing already written); an optional fsync
per write gives power-loss durability.  Zeroing a range punches a hole where
the filesystem allows (``fallocate(PUNCH_HOLE)`` on Linux), so a released
T-disk gives its space back, and writes zeros elsewhere.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from enum import StrEnum

__all__ = ["SyncPolicy", "pwrite_all", "zero_range"]

_PUNCH_HOLE = 0x02 | 0x01  # FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE
_CHUNK = 1 << 20


class SyncPolicy(StrEnum):
    """When written data is forced to stable storage."""

    NONE = "none"  # the write reaches the file (page cache) before the call returns
    WRITE = "write"  # and is fsynced after every write


def pwrite_all(descriptor: int, data: bytes, offset: int, sync: SyncPolicy) -> None:
    """Write all of ``data`` at ``offset`` (one pwrite unless the kernel writes short)."""
    view = memoryview(data)
    while view:
        written = os.pwrite(descriptor, view, offset)
        view, offset = view[written:], offset + written
    if sync is SyncPolicy.WRITE:
        os.fsync(descriptor)


def _fallocate() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        function = ctypes.CDLL(name, use_errno=True).fallocate
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64]
    function.restype = ctypes.c_int
    return function


_FALLOCATE = _fallocate()


def zero_range(descriptor: int, offset: int, length: int, sync: SyncPolicy) -> None:
    """Make ``length`` bytes from ``offset`` read as zeros, freeing the space if possible."""
    if length <= 0:
        return
    if _FALLOCATE is not None and _FALLOCATE(descriptor, _PUNCH_HOLE, offset, length) == 0:
        if sync is SyncPolicy.WRITE:
            os.fsync(descriptor)
        return
    zeros = bytes(min(length, _CHUNK))
    while length > 0:
        piece = min(length, len(zeros))
        pwrite_all(descriptor, zeros[:piece], offset, SyncPolicy.NONE)
        offset, length = offset + piece, length - piece
    if sync is SyncPolicy.WRITE:
        os.fsync(descriptor)
