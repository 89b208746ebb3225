"""Main storage and storage keys of one System/370.

Models Principles of Operation (GA22-7000) chapter 3, "Storage": main
storage addressed by 24-bit real addresses, and one storage key per 2K
block (bits 0-3 access-control key, bit 4 fetch protection, bit 5
reference, bit 6 change).  Storage lives in one anonymous ``mmap`` so that
untouched pages cost no host memory; the keys live in a ``bytearray``.

This module does no protection checking itself: the CPU compares keys and
decides about protection and addressing exceptions (see ``cpu.py``); the
channel uses :meth:`Storage.check_channel_access` for its own checks.
"""

from __future__ import annotations

import mmap
import struct

BLOCK_SHIFT = 11  # storage keys cover 2K blocks
BLOCK_SIZE = 1 << BLOCK_SHIFT
MAX_STORAGE = 1 << 24  # 24-bit real addresses

# Storage-key byte layout, as SSK/ISK see it in bits 24-31 of a register.
KEY_MASK = 0xF0
FETCH_PROTECT = 0x08
REFERENCE = 0x04
CHANGE = 0x02

U8 = struct.Struct(">B")
U16 = struct.Struct(">H")
U32 = struct.Struct(">I")
U64 = struct.Struct(">Q")
S16 = struct.Struct(">h")
S32 = struct.Struct(">i")


class AddressingError(Exception):
    """A real address beyond the installed storage size."""

    def __init__(self, address: int) -> None:
        super().__init__(f"address {address:06X} outside storage")
        self.address = address


class Storage:
    """Main storage of ``size`` bytes plus the storage keys of its 2K blocks."""

    def __init__(self, size: int) -> None:
        if size <= 0 or size > MAX_STORAGE or size % BLOCK_SIZE:
            raise ValueError(f"storage size {size} must be a multiple of 2K up to 16M")
        self.size = size
        # The map and keys cover 16M: past ``size`` only the blocks in ``extra`` are
        # installed (an embedder's attached storage, such as VM/370's named segments
        # loaded above a virtual machine's size); untouched pages cost nothing.
        self.mem = mmap.mmap(-1, MAX_STORAGE)
        self.keys = bytearray(MAX_STORAGE >> BLOCK_SHIFT)
        self.extra: frozenset[int] = frozenset()
        self.readonly: frozenset[int] = frozenset()  # blocks no store may change (CPU and channel)

    # -- raw real-storage access (no keys, no reference bits) ----------------

    def installed(self, address: int, length: int) -> bool:
        """True when ``address .. address+length-1`` is storage (in ``size`` or ``extra``)."""
        if 0 <= address and address + length <= self.size:
            return True
        if address < 0 or address + length > MAX_STORAGE or length <= 0:
            return False
        first = max(address, self.size) >> BLOCK_SHIFT
        last = address + length - 1 >> BLOCK_SHIFT
        return all(block in self.extra for block in range(first, last + 1))

    def check(self, address: int, length: int = 1) -> None:
        """Raise AddressingError unless ``address .. address+length-1`` is installed."""
        if address < 0 or address + length > self.size:
            if self.extra and self.installed(address, length):
                return
            raise AddressingError(address if address >= self.size else self.size)

    def read(self, address: int, length: int) -> bytes:
        self.check(address, length)
        return self.mem[address : address + length]

    def write(self, address: int, data: bytes) -> None:
        self.check(address, len(data))
        self.mem[address : address + len(data)] = data

    def read_word(self, address: int) -> int:
        self.check(address, 4)
        value: int = U32.unpack_from(self.mem, address)[0]
        return value

    def write_word(self, address: int, value: int) -> None:
        self.check(address, 4)
        U32.pack_into(self.mem, address, value & 0xFFFFFFFF)

    def read_dword(self, address: int) -> int:
        self.check(address, 8)
        value: int = U64.unpack_from(self.mem, address)[0]
        return value

    def write_dword(self, address: int, value: int) -> None:
        self.check(address, 8)
        U64.pack_into(self.mem, address, value & 0xFFFFFFFFFFFFFFFF)

    # -- storage keys ----------------------------------------------------------

    def key(self, address: int) -> int:
        """The key byte (key, fetch, reference, change) of the block holding ``address``."""
        self.check(address)
        return self.keys[address >> BLOCK_SHIFT]

    def set_key(self, address: int, key: int) -> None:
        """Set the key byte of the block holding ``address`` (bit 7 is ignored)."""
        self.check(address)
        self.keys[address >> BLOCK_SHIFT] = key & 0xFE

    def mark_changed(self, address: int, length: int) -> None:
        """Set reference and change bits for a channel or loader store."""
        keys = self.keys
        for block in range(address >> BLOCK_SHIFT, (address + length - 1 >> BLOCK_SHIFT) + 1):
            keys[block] |= REFERENCE | CHANGE

    def check_channel_access(self, address: int, length: int, key: int, store: bool) -> bool:
        """True when a channel access with protection ``key`` is allowed: the keys, and no
        store into a read-only block whatever the key (a shared segment)."""
        blocks = range(address >> BLOCK_SHIFT, (address + length - 1 >> BLOCK_SHIFT) + 1)
        if store and self.readonly and any(block in self.readonly for block in blocks):
            return False
        if key == 0:
            return True
        keys = self.keys
        for block in blocks:
            block_key = keys[block]
            if block_key >> 4 != key and (store or block_key & FETCH_PROTECT):
                return False
        return True

    def close(self) -> None:
        self.mem.close()
