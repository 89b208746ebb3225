"""Plain FBA volume images: Hercules' FBA format, 512-byte blocks and nothing else.

Models reference/dasd.md section 2.5: block n occupies bytes ``512 n`` to
``512 n + 511``; the block count is the file size over 512.  The file has no
header, so the device type is known from the volume registry, not the file.
Images are created as sparse files (unwritten blocks read as zeros, which is
also what a freshly initialised FBA block holds).  Writes are positioned writes
done before the call returns; ``SyncPolicy.WRITE`` adds an fsync per write.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from server.dasd.errors import DasdError, Fault, ImageFormatError
from server.dasd.fileio import SyncPolicy, pwrite_all, zero_range
from server.dasd.geometry import FBA_BLOCK_SIZE, FbaGeometry

__all__ = ["FbaImage", "export_fba"]


class FbaImage:
    """An open plain FBA image: block access by device block number."""

    def __init__(
        self,
        path: Path,
        descriptor: int,
        geometry: FbaGeometry,
        blocks: int,
        *,
        read_only: bool = False,
        sync: SyncPolicy = SyncPolicy.NONE,
    ) -> None:
        self.path = path
        self.geometry = geometry
        self.blocks = blocks
        self.read_only = read_only
        self.sync = sync
        self._descriptor = descriptor

    @classmethod
    def create(
        cls,
        path: Path,
        geometry: FbaGeometry,
        blocks: int | None = None,
        *,
        sync: SyncPolicy = SyncPolicy.NONE,
    ) -> FbaImage:
        """Create a new sparse image of ``blocks`` (default: the model's size)."""
        size = geometry.blocks if blocks is None else blocks
        if not 0 < size < 2**32:
            raise ValueError(f"block count out of range: {size}")
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.ftruncate(descriptor, size * FBA_BLOCK_SIZE)
        except BaseException:
            os.close(descriptor)
            path.unlink(missing_ok=True)
            raise
        return cls(path, descriptor, geometry, size, sync=sync)

    @classmethod
    def open(
        cls,
        path: Path,
        geometry: FbaGeometry,
        *,
        read_only: bool = False,
        sync: SyncPolicy = SyncPolicy.NONE,
    ) -> FbaImage:
        """Open an existing image of the given model."""
        descriptor = os.open(path, os.O_RDONLY if read_only else os.O_RDWR)
        size = os.fstat(descriptor).st_size
        if size == 0 or size % FBA_BLOCK_SIZE:
            os.close(descriptor)
            raise ImageFormatError(f"{path}: size {size} is not a whole number of 512-byte blocks")
        return cls(
            path, descriptor, geometry, size // FBA_BLOCK_SIZE, read_only=read_only, sync=sync
        )

    def close(self) -> None:
        if self._descriptor >= 0:
            os.close(self._descriptor)
            self._descriptor = -1

    def __enter__(self) -> FbaImage:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _check(self, first: int, count: int) -> None:
        if count < 0 or first < 0 or first + count > self.blocks:
            raise DasdError(
                Fault.OUTSIDE_EXTENT,
                f"blocks {first}-{first + count - 1} are outside the volume ({self.blocks} blocks)",
            )

    def read_blocks(self, first: int, count: int = 1) -> bytes:
        """``count`` blocks from device block ``first``."""
        self._check(first, count)
        return os.pread(self._descriptor, count * FBA_BLOCK_SIZE, first * FBA_BLOCK_SIZE)

    def write_blocks(self, first: int, data: bytes) -> None:
        """Write ``data`` from device block ``first``; a short last block is padded with X'00'."""
        count = -(-len(data) // FBA_BLOCK_SIZE)
        self._check(first, count)
        if self.read_only:
            raise DasdError(Fault.WRITE_INHIBITED, f"{self.path.name} is open read-only")
        padded = bytes(data).ljust(count * FBA_BLOCK_SIZE, b"\x00")
        pwrite_all(self._descriptor, padded, first * FBA_BLOCK_SIZE, self.sync)

    def clear_blocks(self, first: int, count: int) -> None:
        """Zero ``count`` blocks from ``first`` (the space is freed where possible)."""
        self._check(first, count)
        if self.read_only:
            raise DasdError(Fault.WRITE_INHIBITED, f"{self.path.name} is open read-only")
        zero_range(self._descriptor, first * FBA_BLOCK_SIZE, count * FBA_BLOCK_SIZE, self.sync)

    def flush(self) -> None:
        os.fsync(self._descriptor)


def export_fba(image: FbaImage, path: Path, chunk_blocks: int = 2048) -> None:
    """Copy ``image`` to a new plain FBA file with every block written."""
    with open(path, "xb") as output:
        for first in range(0, image.blocks, chunk_blocks):
            output.write(image.read_blocks(first, min(chunk_blocks, image.blocks - first)))
