"""The System/370 central processing unit: state, storage access and ``run_slice``.

Models Principles of Operation (GA22-7000) chapter 2, "System Organization"
(the CPU and its registers), chapter 3, "Storage" (key-controlled and
low-address protection, reference and change recording, addressing) and
chapter 5, "Program Execution" (instruction fetch, sequencing, execution).

``run_slice`` is the one complex function: it executes up to a budget of
instructions from a cache of pre-decoded instructions keyed by real
address (an entry is a bound call and the instruction length), and turns
the exceptions instructions raise into PSW swaps.  Interruptions and timers
are looked at between slices (``interrupts.py``).  Stores invalidate cached
instructions through a per-2K-block "holds code" map, so programs may
modify themselves.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from server.machine import blocks, dat, interrupts, isa, psw
from server.machine.isa import (
    ADDRESSING,
    OPERATION,
    PRIVILEGED_OPERATION,
    PROTECTION,
    SPECIFICATION,
    ProgramCheck,
    ProgramCheckIlc,
    SliceBreak,
    SupervisorCall,
    SyncPoint,
)
from server.machine.storage import FETCH_PROTECT, U16, U32, U64, Storage
from server.machine.timers import Timers

if TYPE_CHECKING:
    from server.machine.channel_hook import ChannelHook

Entry = tuple[Callable[[], None], int]
LOW_ADDRESS_PROTECTION = 0x10000000  # CR0 bit 3
RECOMPILE_DELAY = 1024  # entries before a block whose code was stored into is compiled again


class Stop(enum.Enum):
    """Why ``run_slice`` or ``run`` returned."""

    BUDGET = "budget spent"
    LIMIT = "instruction limit reached"
    WAIT = "enabled wait state"
    DISABLED_WAIT = "disabled wait state"
    CHECK_STOP = "check stop"
    SVC = "SVC for the embedder"
    DIAGNOSE = "DIAGNOSE for the embedder"
    IO = "I/O for the embedder"
    HOOK = "stop requested by a hook"


HookResult = bool  # True: the hook serviced the instruction


class CPU:
    """One S/370 CPU attached to its main storage."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.mem = storage.mem
        self.skeys = storage.keys
        self.size = storage.size
        self.code_lines = bytearray(len(storage.mem) >> 8)  # 256-byte lines of cached code
        self.code_maps: dict[int, bytearray] = {}  # block -> bytes covered by cached code
        self.icache: dict[int, Entry] = {}
        self.blocks: dict[int, blocks.Block] = {}  # compiled for PSW key 0
        self.checked_blocks: dict[int, blocks.Block] = {}  # compiled with key checks
        self.fetch_ok = bytes(len(storage.keys))  # per 2K block, for the PSW key
        self.store_ok = bytes(len(storage.keys))
        self.permissions_key = -1  # the key fetch_ok/store_ok were computed for
        self.block_owner: dict[int, set[int]] = {}  # instruction -> blocks holding it
        self.block_done = 0  # set by a block that raised: instructions completed
        self.block_line = 0  # and the source line of the one that raised
        self.block_mode = True  # compile basic blocks where the templates are exact
        self.hot_threshold = 64  # entries into a block before it is compiled
        self.block_heat: dict[int, int] = {}
        self.code_drops = 0  # times stores dropped cached instructions (blocks look)
        self.block_tail = False  # blocks left the end of the budget to the interpreter
        self.tlb: dict[int, int] = {}  # virtual 2K block -> real block address
        self.tlb_protected: set[int] = set()  # blocks in protected segments
        self.timers = Timers()
        self.r = [0] * 17  # r[16] stays 0: a zero base or index field indexes it
        self.fpr = [0] * 8
        self.cr = [0] * 16
        self.sysmask = 0
        self.key = 0
        self.mwp = 0  # PSW bits 13-15
        self.wait = False
        self.problem = False
        self.ec = False
        self.cc = 0
        self.pm = 0
        self.ia = 0
        self.psw_invalid = False  # an invalid PSW was loaded: exception before fetch
        self.invalid_psw = bytes(8)
        self.dat = False
        self.fast = True  # no DAT, no low-address protection: direct real access
        self.executing = False  # inside EX (BAL/BALR link ILC)
        self.sync_armed = False
        self.instructions_executed = 0
        self.consumed = 0
        self.last_ilc = 0  # ILC of the last instruction, stored by I/O and external swaps
        self.profile: dict[str, int] | None = None
        self.trace: Callable[[int, bytes], None] | None = None  # (address, instruction)
        self.stop_request: Stop | None = None
        self.svc_hook: Callable[[int], bool] | None = None
        self.diagnose_hook: Callable[[int, int, int], bool] | None = None
        self.channel: ChannelHook | None = None
        self.channel_posted = False  # set by a channel that queued an interruption
        self.cpu_id = 0xFD00000131580000  # STIDP: version, serial, model 3158
        self.cpu_address = 0
        self.pending_external: set[int] = set()  # interrupt key, signals, SIGP codes
        self.restart_pending = False
        self.lim2 = self.size - 2
        self.lim4 = self.size - 4
        self.lim8 = self.size - 8
        self.initial_reset()

    # -- reset and mode -------------------------------------------------------------

    def initial_reset(self) -> None:
        """Initial CPU reset: PSW, registers and architected control registers."""
        self.r[:16] = [0] * 16
        self.fpr[:] = [0] * 8
        self.cr[:] = [0] * 16
        self.cr[0] = 0x000000E0
        self.cr[2] = 0xFFFFFFFF
        self.cr[14] = 0xC2000000
        self.cr[15] = 0x00000200
        psw.load(self, bytes(8))
        self.pending_external.clear()
        self.flush_translation()

    def mode_changed(self) -> None:
        """Recompute derived state after the PSW or CR0 changed."""
        self.dat = self.ec and bool(self.sysmask & psw.EC_DAT)
        self.fast = not self.dat and not self.cr[0] & LOW_ADDRESS_PROTECTION \
            and not self.storage.readonly

    def set_readonly(self, blocks: frozenset[int]) -> None:
        """Make these 2K blocks read-only (a protection exception on a store), as the
        embedder's shared storage is (VM/370's shared segments); the fast paths, which
        do not look, are off while any block is."""
        self.storage.readonly = blocks  # kept there: the channel may not store there either
        self.mode_changed()
        self.tlb.clear()

    def flush_translation(self) -> None:
        """PTLB, or a control-register load that affects translation."""
        self.tlb.clear()
        self.tlb_protected.clear()

    def refresh_permissions(self) -> None:
        """Recompute which 2K blocks the PSW key may fetch from and store into."""
        key = self.key
        self.fetch_ok = bytes(self.skeys.translate(_FETCH_TABLES[key]))
        self.store_ok = bytes(self.skeys.translate(_STORE_TABLES[key]))
        self.permissions_key = key

    def flush_icache(self) -> None:
        self.icache.clear()
        self.blocks.clear()
        self.checked_blocks.clear()
        self.block_heat.clear()
        self.permissions_key = -1
        self.block_owner.clear()
        self.code_lines[:] = bytes(len(self.code_lines))
        self.code_maps.clear()

    # -- storage access by logical address ------------------------------------------

    def _ranges(self, address: int, length: int, store: bool) -> list[tuple[int, int]]:
        """Real (address, length) pieces of a logical operand, all checks applied."""
        pieces = []
        key = self.key
        keys = self.skeys
        if store and self.cr[0] & LOW_ADDRESS_PROTECTION and (
                address < 512 or address + length > 0x1000000):
            raise ProgramCheck(PROTECTION)
        while length > 0:
            address &= 0xFFFFFF
            piece = min(length, 2048 - (address & 0x7FF))
            real = dat.translate(self, address, store) if self.dat else address
            if real + piece > self.size and real >> 11 not in self.storage.extra:
                raise ProgramCheck(ADDRESSING)
            if store and self.storage.readonly and real >> 11 in self.storage.readonly:
                raise ProgramCheck(PROTECTION)
            if key:
                block_key = keys[real >> 11]
                if block_key >> 4 != key and (store or block_key & FETCH_PROTECT):
                    raise ProgramCheck(PROTECTION)
            pieces.append((real, piece))
            address += piece
            length -= piece
        return pieces

    def check(self, address: int, length: int, store: bool) -> None:
        """Validate a whole operand (translation, addressing, protection)."""
        if length > 0:
            self._ranges(address, length, store)

    def fetch(self, address: int, length: int) -> bytes:
        """``length`` bytes at a logical address (wrapping at 2**24)."""
        if self.fast and address + length <= self.size and length <= 2048 and (
                not self.key or self._allowed(address, address + length - 1, False)):
            keys = self.skeys
            keys[address >> 11] |= 4
            keys[address + length - 1 >> 11] |= 4
            return self.mem[address : address + length]
        if self.dat and (address & 0x7FF) + length <= 2048:
            real = self._translated(address, length, False)
            if real >= 0:
                self.skeys[real >> 11] |= 4
                return self.mem[real : real + length]
        out = bytearray()
        for real, piece in self._ranges(address, length, False):
            self.skeys[real >> 11] |= 4
            out += self.mem[real : real + piece]
        return bytes(out)

    def store(self, address: int, data: bytes) -> None:
        """Store ``data`` at a logical address (wrapping at 2**24)."""
        length = len(data)
        if self.fast and address + length <= self.size and (not self.key or (
                length <= 2048 and self._allowed(address, address + length - 1, True))):
            last = address + length - 1 >> 11
            if address >> 11 == last:
                self.skeys[last] |= 6
                self.mem[address : address + length] = data
                if self.code_lines.find(1, address >> 8, (address + length - 1 >> 8) + 1) != -1:
                    self.invalidate(address, length)
                return
            pieces = self._split(address, length)
        elif self.dat and (address & 0x7FF) + length <= 2048 and (
                real := self._translated(address, length, True)) >= 0:
            pieces = [(real, length)]
        else:
            pieces = self._ranges(address, length, True)
        offset = 0
        mem = self.mem
        for real, piece in pieces:
            self.skeys[real >> 11] |= 6
            mem[real : real + piece] = data[offset : offset + piece]
            if self.code_lines.find(1, real >> 8, (real + piece - 1 >> 8) + 1) != -1:
                self.invalidate(real, piece)
            offset += piece

    def _translated(self, address: int, length: int, store: bool) -> int:
        """The real address of an operand within one 2K block when the TLB
        already holds it and no exception can arise; otherwise -1 (slow path)."""
        frame = self.tlb.get(address >> 11)
        if frame is None or (store and address >> 11 in self.tlb_protected) or (
                store and self.cr[0] & LOW_ADDRESS_PROTECTION and address < 512):
            return -1
        real = frame | address & 0x7FF
        if real + length > self.size or store and self.storage.readonly \
                and real >> 11 in self.storage.readonly:
            return -1
        key = self.key
        if key:
            block_key = self.skeys[real >> 11]
            if block_key >> 4 != key and (store or block_key & FETCH_PROTECT):
                return -1
        return real

    def _allowed(self, first: int, last: int, store: bool) -> bool:
        """Key-controlled protection for an access within two adjacent 2K blocks."""
        key = self.key
        keys = self.skeys
        for block_key in (keys[first >> 11], keys[last >> 11]):
            if block_key >> 4 != key and (store or block_key & FETCH_PROTECT):
                return False
        return True

    @staticmethod
    def _split(address: int, length: int) -> list[tuple[int, int]]:
        pieces = []
        while length > 0:
            piece = min(length, 2048 - (address & 0x7FF))
            pieces.append((address, piece))
            address += piece
            length -= piece
        return pieces

    def _reference(self, address: int, length: int) -> None:
        keys = self.skeys
        for block in range(address >> 11, (address + length - 1 >> 11) + 1):
            keys[block] |= 4

    def fetch1(self, a: int) -> int:
        if self.fast and a < self.size:
            key = self.key
            if key:
                block_key = self.skeys[a >> 11]
                if block_key & FETCH_PROTECT and block_key >> 4 != key:
                    raise ProgramCheck(PROTECTION)
            self.skeys[a >> 11] |= 4
            return self.mem[a]
        return self.fetch(a, 1)[0]

    def fetch2(self, a: int) -> int:
        if self.fast and a <= self.lim2 and (not self.key or self._allowed(a, a + 1, False)):
            self.skeys[a >> 11] |= 4
            self.skeys[a + 1 >> 11] |= 4
            value: int = U16.unpack_from(self.mem, a)[0]
            return value
        return int.from_bytes(self.fetch(a, 2), "big")

    def fetch4(self, a: int) -> int:
        if self.fast and a <= self.lim4 and (not self.key or self._allowed(a, a + 3, False)):
            self.skeys[a >> 11] |= 4
            self.skeys[a + 3 >> 11] |= 4
            value: int = U32.unpack_from(self.mem, a)[0]
            return value
        return int.from_bytes(self.fetch(a, 4), "big")

    def fetch8(self, a: int) -> int:
        if self.fast and a <= self.lim8 and (not self.key or self._allowed(a, a + 7, False)):
            self.skeys[a >> 11] |= 4
            self.skeys[a + 7 >> 11] |= 4
            value: int = U64.unpack_from(self.mem, a)[0]
            return value
        return int.from_bytes(self.fetch(a, 8), "big")

    def store1(self, a: int, v: int) -> None:
        if self.fast and a < self.size and (not self.key or self._allowed(a, a, True)):
            block = a >> 11
            self.skeys[block] |= 6
            self.mem[a] = v & 0xFF
            if self.code_lines[a >> 8]:
                self.invalidate(a, 1)
            return
        self.store(a, bytes((v & 0xFF,)))

    def store2(self, a: int, v: int) -> None:
        if self.fast and a <= self.lim2 and (not self.key or self._allowed(a, a + 1, True)):
            block, last = a >> 11, a + 1 >> 11
            self.skeys[block] |= 6
            self.skeys[last] |= 6
            U16.pack_into(self.mem, a, v & 0xFFFF)
            if self.code_lines[a >> 8] or self.code_lines[a + 1 >> 8]:
                self.invalidate(a, 2)
            return
        self.store(a, (v & 0xFFFF).to_bytes(2, "big"))

    def store4(self, a: int, v: int) -> None:
        if self.fast and a <= self.lim4 and (not self.key or self._allowed(a, a + 3, True)):
            block, last = a >> 11, a + 3 >> 11
            self.skeys[block] |= 6
            self.skeys[last] |= 6
            U32.pack_into(self.mem, a, v & 0xFFFFFFFF)
            if self.code_lines[a >> 8] or self.code_lines[a + 3 >> 8]:
                self.invalidate(a, 4)
            return
        self.store(a, (v & 0xFFFFFFFF).to_bytes(4, "big"))

    def store8(self, a: int, v: int) -> None:
        if self.fast and a <= self.lim8 and (not self.key or self._allowed(a, a + 7, True)):
            block, last = a >> 11, a + 7 >> 11
            self.skeys[block] |= 6
            self.skeys[last] |= 6
            U64.pack_into(self.mem, a, v & 0xFFFFFFFFFFFFFFFF)
            if self.code_lines[a >> 8] or self.code_lines[a + 7 >> 8]:
                self.invalidate(a, 8)
            return
        self.store(a, (v & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "big"))

    # -- real storage (interruptions, low core) -------------------------------------

    def store_real(self, address: int, data: bytes) -> None:
        """Store at a real address without protection (interruption code, PSWs)."""
        self.storage.write(address, data)
        self.storage.mark_changed(address, len(data))
        self.invalidate(address, len(data))

    def fetch_real(self, address: int, length: int) -> bytes:
        data = self.storage.read(address, length)
        self._reference(address, length)
        return data

    def invalidate(self, real: int, length: int) -> None:
        """Drop cached instructions overlapping real ``real .. real+length-1``."""
        cache = self.icache
        if not cache or length <= 0:
            return
        end = real + length
        maps = self.code_maps
        for block in range(real >> 11, (end - 1 >> 11) + 1):
            code_map = maps.get(block)
            base = block << 11
            if code_map is not None and code_map.find(1, max(real - base, 0),
                                                       min(end - base, 2048)) != -1:
                break
        else:
            return  # no cached instruction covers these bytes
        self.code_drops += 1
        for address in range(real - 5, end) if length <= 64 else \
                [a for a in cache if real - 6 < a < end]:
            entry = cache.pop(address, None)
            if entry is not None:
                self._mark_code(address, entry[1], 0)
                for start in self.block_owner.pop(address, ()):
                    self.blocks.pop(start, None)
                    self.checked_blocks.pop(start, None)
                    # Code that keeps modifying itself is better interpreted
                    # than recompiled each time: wait longer before compiling.
                    self.block_heat[start] = -RECOMPILE_DELAY

    def _mark_code(self, real: int, length: int, value: int) -> None:
        for address in range(real, real + length):
            block = address >> 11
            code_map = self.code_maps.get(block)
            if code_map is None:
                if not value:
                    continue
                code_map = self.code_maps[block] = bytearray(2048)
            if value:
                self.code_lines[address >> 8] = 1
            code_map[address & 0x7FF] = value

    # -- instruction fetch and decode ----------------------------------------------

    def _fetch_instruction(self, address: int) -> tuple[bytes, int, bool]:
        """Instruction bytes, their real address, and whether they may be cached."""
        # Hercules reports instruction-fetch exceptions with ILC 2 and the
        # address advanced by 4 (the manual leaves the ILC unpredictable).
        if address & 1:
            raise ProgramCheckIlc(SPECIFICATION, 2, advance=4)
        try:
            first = self._ranges(address, 2, False)[0][0]
            length = isa.instruction_length(self.mem[first])
            pieces = self._ranges(address, length, False)
        except ProgramCheck as check:
            raise ProgramCheckIlc(check.code, 2, check.nullify, advance=4) from None
        data = b"".join(self.mem[real : real + piece] for real, piece in pieces)
        cacheable = len(pieces) == 1 or pieces[1][0] == first + pieces[0][1]
        if self.key:
            keys = self.skeys
            cacheable = cacheable and not any(keys[r >> 11] & FETCH_PROTECT for r, _ in pieces)
        for real, _ in pieces:
            self.skeys[real >> 11] |= 4
        return data, first, cacheable

    def decode(self, address: int) -> Entry:
        """Decode the instruction at a logical address, caching it by real address."""
        data, real, cacheable = self._fetch_instruction(address)
        entry = self.make_entry(data)
        if cacheable:
            self.icache[real] = entry
            self._mark_code(real, len(data), 1)
        return entry

    def make_entry(self, data: bytes) -> Entry:
        """A bound call for the instruction ``data`` (its full length)."""
        definition = isa.lookup(data[0], data[1])
        if definition is None:
            return (partial(_raise, OPERATION), len(data))
        call: Callable[[], None] = partial(
            definition.function, self, *isa.operands(definition.format.name, data))
        if definition.privileged:
            call = partial(_privileged, self, call)
        if definition.sync:
            call = partial(_synchronized, self, call)
        if self.profile is not None:
            call = partial(_counted, self.profile, definition.mnemonic, call)
        if self.trace is not None:
            call = partial(_traced, self, data, call)
        return (call, len(data))

    # -- execution ------------------------------------------------------------------

    def request_stop(self, reason: Stop) -> None:
        """Make the current slice return ``reason`` after the current instruction."""
        self.stop_request = reason

    def run_slice(self, budget: int) -> Stop:
        """Take pending interruptions, then execute up to ``budget`` instructions.

        Returns why it stopped: the budget is spent, the CPU is in a wait
        state with nothing to take, or a hook asked for the embedder.
        ``consumed`` afterwards holds the instructions and interruptions used.
        """
        done = 0
        self.stop_request = None
        while True:
            interrupts.update_interval_timer(self)
            if not self.psw_invalid:
                done += interrupts.service(self)
            if self.wait and not self.psw_invalid:
                self.consumed = done
                enabled = psw.external_enabled(self) or psw.io_mask_any(self)
                return Stop.WAIT if enabled else Stop.DISABLED_WAIT
            if done >= budget:
                self.consumed = done
                return Stop.BUDGET
            chunk = min(budget - done, interrupts.instructions_to_next_event(self))
            done += self.execute(chunk)
            if self.stop_request is not None:
                reason, self.stop_request = self.stop_request, None
                self.consumed = done
                return reason

    def execute(self, budget: int) -> int:
        """Run up to ``budget`` instructions; stop early after a PSW swap or a break."""
        executed = 0
        if self.block_mode and self.fast and self.profile is None and self.trace is None \
                and not self.psw_invalid:
            executed = blocks.execute(self, budget)
            if not self.block_tail:
                return executed
            budget -= executed
        total = 0
        count = 0
        ia = self.ia
        entry: Entry | None = None
        cache_get = self.icache.get
        decode = self.decode
        tlb = self.tlb
        while True:
            try:
                if self.psw_invalid:
                    raise ProgramCheckIlc(SPECIFICATION, 0, nullify=True)
                if not self.dat:
                    while count < budget:
                        ia = self.ia
                        entry = cache_get(ia)
                        if entry is None:
                            entry = decode(ia)
                        self.ia = ia + entry[1]
                        entry[0]()
                        count += 1
                else:
                    while count < budget:
                        ia = self.ia
                        entry = None
                        frame = tlb.get(ia >> 11)
                        if frame is not None:
                            entry = cache_get(frame | ia & 0x7FF)
                        if entry is None:
                            entry = decode(ia)
                        self.ia = ia + entry[1]
                        entry[0]()
                        count += 1
                break
            except ProgramCheck as check:
                count += 1
                looping = self.psw_invalid
                if isinstance(check, ProgramCheckIlc):
                    ilc = check.ilc
                    self.ia = ia if check.nullify else (ia + check.advance) & 0xFFFFFF
                else:
                    ilc = entry[1] >> 1 if entry else 0
                    if check.nullify:
                        self.ia = ia
                interrupts.program(self, check.code, ilc)
                if looping and self.psw_invalid:
                    # The program new PSW is invalid too: the CPU would loop
                    # taking program interruptions; stop it as a check-stop.
                    self.stop_request = Stop.CHECK_STOP
                break
            except SupervisorCall as call:
                count += 1
                interrupts.supervisor_call(self, call.code, entry[1] >> 1 if entry else 1)
                break
            except SliceBreak:
                count += 1
                break
            except SyncPoint:
                self.ia = ia
                self.instructions_executed += count
                total += count
                budget -= count
                count = 0
                self.sync_armed = True
        self.instructions_executed += count
        if entry is not None:
            self.last_ilc = entry[1] >> 1
        return executed + total + count


def _permission_table(key: int, store: bool) -> bytes:
    """Storage-key byte -> 1 when PSW ``key`` may access the block."""
    table = bytearray(256)
    for block_key in range(256):
        matches = key == 0 or block_key >> 4 == key
        table[block_key] = int(matches or (not store and not block_key & FETCH_PROTECT))
    return bytes(table)


_FETCH_TABLES = [_permission_table(key, False) for key in range(16)]
_STORE_TABLES = [_permission_table(key, True) for key in range(16)]


def _raise(code: int) -> None:
    raise ProgramCheck(code)


def _privileged(cpu: CPU, call: Callable[[], None]) -> None:
    if cpu.problem:
        raise ProgramCheck(PRIVILEGED_OPERATION)
    call()


def _synchronized(cpu: CPU, call: Callable[[], None]) -> None:
    if not cpu.sync_armed:
        raise SyncPoint()
    cpu.sync_armed = False
    call()


def _traced(cpu: CPU, data: bytes, call: Callable[[], None]) -> None:
    trace = cpu.trace
    if trace is not None:
        # The CPU has already stepped past the instruction (past EX for a target).
        trace((cpu.ia - (4 if cpu.executing else len(data))) & 0xFFFFFF, data)
    call()


def _counted(profile: dict[str, int], mnemonic: str, call: Callable[[], None]) -> None:
    profile[mnemonic] = profile.get(mnemonic, 0) + 1
    call()
