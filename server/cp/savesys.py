"""Named saved systems: SAVESYS, IPL by name, and the exchange format.

reference/diagnose.md §2: a saved system is one 4 KB information page (the
PSW (8 bytes), 16 general registers (4 each), floating-point registers
0, 2, 4, 6 (8 each), 16 control registers (4 each), then one storage-key
byte per 2K block) followed by the saved pages from address 0. Saved
systems live in ``<data dir>/savesys/NAME.nss`` in exactly that format, so
``vm370 savesys export`` is a copy and one installation's saved system
IPLs on another.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from server.machine import Machine

INFO_PAGE = 4096
PAGE = 4096
KEYS_AT = 8 + 64 + 32 + 64
MAX_KEYS = INFO_PAGE - KEYS_AT  # storage keys the information page has room for
NAME = re.compile(r"^[A-Z0-9$#@]{1,8}$")


class SavedSystemError(Exception):
    """A saved system that cannot be made or used."""


@dataclass
class SavedSystem:
    psw: bytes
    gprs: list[int]
    fprs: list[bytes]
    crs: list[int]
    keys: bytes
    storage: bytes  # the saved pages from address 0

    def pack(self) -> bytes:
        info = bytearray(INFO_PAGE)
        info[0:8] = self.psw
        for index, value in enumerate(self.gprs):
            info[8 + 4 * index : 12 + 4 * index] = value.to_bytes(4, "big")
        for index, fpr in enumerate(self.fprs):
            info[72 + 8 * index : 80 + 8 * index] = fpr
        for index, cr in enumerate(self.crs):
            info[104 + 4 * index : 108 + 4 * index] = cr.to_bytes(4, "big")
        keys = self.keys[:MAX_KEYS]
        info[KEYS_AT : KEYS_AT + len(keys)] = keys
        pages = len(self.storage) // PAGE * PAGE
        return bytes(info) + self.storage[:pages]

    @classmethod
    def unpack(cls, data: bytes) -> SavedSystem:
        if len(data) < INFO_PAGE + PAGE or (len(data) - INFO_PAGE) % PAGE:
            raise SavedSystemError("not a saved system: an information page and whole pages")
        info = data[:INFO_PAGE]
        return cls(
            psw=info[0:8],
            gprs=[int.from_bytes(info[8 + 4 * i : 12 + 4 * i], "big") for i in range(16)],
            fprs=[info[72 + 8 * i : 80 + 8 * i] for i in range(4)],
            crs=[int.from_bytes(info[104 + 4 * i : 108 + 4 * i], "big") for i in range(16)],
            keys=info[KEYS_AT:],
            storage=data[INFO_PAGE:],
        )

    @classmethod
    def of(cls, machine: Machine, size: int) -> SavedSystem:
        """The machine's state now: every page up to the last one holding data."""
        storage = machine.read(0, size)
        used = len(storage.rstrip(b"\0"))
        pages = max(1, (used + PAGE - 1) // PAGE)
        keys = bytes(
            machine.key(block * 2048) & 0xF8 for block in range(min(size // 2048, MAX_KEYS))
        )
        return cls(
            psw=machine.psw(),
            gprs=[machine.gpr(n) for n in range(16)],
            fprs=[machine.fpr(n) for n in (0, 2, 4, 6)],
            crs=[machine.cr(n) for n in range(16)],
            keys=keys,
            storage=storage[: pages * PAGE],
        )

    def restore(self, machine: Machine, size: int) -> None:
        """Put the saved state into a (cleared) machine of ``size`` bytes."""
        if len(self.storage) > size:
            raise SavedSystemError(f"needs {len(self.storage) // 1024}K of storage")
        machine.load(0, self.storage)
        for block, key in enumerate(self.keys[: size // 2048]):
            if key:
                machine.set_key(block * 2048, key & 0xF8)
        for number, value in enumerate(self.gprs):
            machine.set_gpr(number, value)
        for number, fpr in zip((0, 2, 4, 6), self.fprs, strict=True):
            machine.set_fpr(number, fpr)
        for number, cr in enumerate(self.crs):
            machine.set_cr(number, cr)
        machine.set_psw(self.psw)


class SaveFolder:
    """Files of one kind in ``<data dir>/savesys``, named by an up-to-8-character name and
    written atomically (saved systems ``.nss``, named segments ``.seg``)."""

    suffix = ".nss"
    kind = "system"
    error: type[Exception] = SavedSystemError

    def __init__(self, data_dir: Path | None) -> None:
        self.folder = data_dir / "savesys" if data_dir is not None else None

    def path(self, name: str) -> Path:
        if not NAME.match(name.upper()):
            raise self.error(f"invalid {self.kind} name {name}")
        if self.folder is None:
            raise self.error(f"this system keeps no saved {self.kind}s")
        return self.folder / f"{name.upper()}{self.suffix}"

    def write(self, name: str, data: bytes) -> None:
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)

    def names(self) -> list[str]:
        if self.folder is None or not self.folder.exists():
            return []
        return sorted(path.stem for path in self.folder.glob(f"*{self.suffix}"))


class SavedSystems(SaveFolder):
    """The saved systems of an installation (``<data dir>/savesys/*.nss``)."""

    def exists(self, name: str) -> bool:
        try:
            return self.path(name).exists()
        except SavedSystemError:
            return False

    def load(self, name: str) -> SavedSystem:
        return SavedSystem.unpack(self.path(name).read_bytes())

    def save(self, name: str, system: SavedSystem) -> None:
        self.write(name, system.pack())


def parm_registers(parm: str) -> list[int]:
    """IPL ... PARM text in the general registers, 4 EBCDIC characters each from R0."""
    data = parm.encode("cp037", errors="replace")[:64]
    data = data.ljust((len(data) + 3) // 4 * 4, b"\x40")
    return [int.from_bytes(data[i : i + 4], "big") for i in range(0, len(data), 4)]
