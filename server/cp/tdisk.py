"""Temporary disks: ``DEFINE T3350 [AS] vaddr [CYL] nnn`` (reference/cp-cms.md 5.9).

T-disks are carved from the system's T-disk pool, one volume per device
type (``VM370T`` for 3350, created on first use), given to the user read/
write, and released at DETACH or LOGOFF, when their cylinders are cleared
(every track back to the never-written state) so the next user finds
nothing of the last one's data. They must be formatted before use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from directory.model import Minidisk
from server.cp.messages import CPError
from server.dasd.volumes import VolumeRegistry

POOL_VOLUMES = {"3350": "VM370T", "3330": "VM370R", "3340": "VM370Q", "2314": "VM370P"}
POOL_CYLINDERS = {"3350": 555, "3330": 404, "3340": 348, "2314": 200}
RESERVED = 1  # cylinder 0 holds the pool volume's label


@dataclass
class TdiskPool:
    """Free and used cylinders of the T-disk volumes."""

    volumes: VolumeRegistry
    used: dict[str, list[tuple[int, int, str, int]]] = field(default_factory=dict)

    def allocate(self, device_type: str, cylinders: int, userid: str, address: int) -> Minidisk:
        if device_type not in POOL_VOLUMES:
            raise CPError("DEF", 26, "OPERAND MISSING OR INVALID")
        volser = POOL_VOLUMES[device_type]
        if self.volumes.find(volser) is None:
            self.volumes.create(volser, device_type)
        start = self._free(device_type, cylinders)
        self.used.setdefault(device_type, []).append((start, cylinders, userid, address))
        return Minidisk(address, device_type, start, cylinders, volser, "W")

    def _free(self, device_type: str, cylinders: int) -> int:
        taken = sorted((s, c) for s, c, _, _ in self.used.get(device_type, []))
        start = RESERVED
        for begin, count in taken:
            if begin - start >= cylinders:
                return start
            start = max(start, begin + count)
        if POOL_CYLINDERS[device_type] - start >= cylinders:
            return start
        raise CPError("DEF", 91, "T-DISK SPACE NOT AVAILABLE")

    def release(self, userid: str, address: int | None = None) -> None:
        """Clear and free one user's T-disk (or all of them)."""
        for device_type, extents in self.used.items():
            for extent in list(extents):
                start, count, owner, vaddr = extent
                if owner == userid and (address is None or vaddr == address):
                    disk = self.volumes.ckd_minidisk(POOL_VOLUMES[device_type], start, count)
                    disk.clear()
                    extents.remove(extent)
