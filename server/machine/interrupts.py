"""Interruptions: PSW swaps, interruption codes, pending conditions and priorities.

Models Principles of Operation (GA22-7000) chapter 6, "Interruptions": the
old/new PSW pairs in low storage (external X'18'/X'58', SVC X'20'/X'60',
program X'28'/X'68', machine check X'30'/X'70', I/O X'38'/X'78', restart
X'08'/X'00'); in BC mode the interruption code and ILC go into the old PSW,
in EC mode into X'84'-X'8F' and X'B8'.  External interruption conditions
are subclass-masked by CR0 (bit 17 emergency signal, 18 external call, 20
clock comparator, 21 CPU timer, 24 interval timer, 25 interrupt key, 26
external signal) and taken when PSW bit 7 allows; I/O interruptions come
from the channel hook, masked per channel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from server.machine import psw

if TYPE_CHECKING:
    from server.machine.cpu import CPU

RESTART_NEW = 0x00
RESTART_OLD = 0x08
EXTERNAL_OLD = 0x18
SVC_OLD = 0x20
PROGRAM_OLD = 0x28
IO_OLD = 0x38
NEW_OFFSET = 0x40
INTERVAL_TIMER = 0x50

# External interruption codes.
EXT_INTERVAL_TIMER = 0x0080
EXT_INTERRUPT_KEY = 0x0040
EXT_SIGNAL_2 = 0x0020  # external signals 2-7 are 0x0020 .. 0x0001
EXT_CLOCK_COMPARATOR = 0x1004
EXT_CPU_TIMER = 0x1005
EXT_EMERGENCY_SIGNAL = 0x1201
EXT_EXTERNAL_CALL = 0x1202

# CR0 external subclass masks.
CR0_EMERGENCY = 0x4000
CR0_EXTERNAL_CALL = 0x2000
CR0_CLOCK_COMPARATOR = 0x0800
CR0_CPU_TIMER = 0x0400
CR0_INTERVAL_TIMER = 0x0080
CR0_INTERRUPT_KEY = 0x0040
CR0_EXTERNAL_SIGNAL = 0x0020


def swap(cpu: CPU, old_at: int, code: int, ilc: int) -> None:
    """Store the current PSW at ``old_at`` and load the new PSW 64 bytes higher."""
    cpu.store_real(old_at, psw.pack(cpu, code, ilc))
    psw.load(cpu, cpu.fetch_real(old_at + NEW_OFFSET, 8))


def program(cpu: CPU, code: int, ilc: int) -> None:
    if cpu.ec:
        cpu.store_real(0x8C, bytes((0, ilc << 1, code >> 8 & 0xFF, code & 0xFF)))
    swap(cpu, PROGRAM_OLD, code, ilc)


def supervisor_call(cpu: CPU, code: int, ilc: int) -> None:
    if cpu.ec:
        cpu.store_real(0x88, bytes((0, ilc << 1, 0, code & 0xFF)))
    swap(cpu, SVC_OLD, code, ilc)


def external(cpu: CPU, code: int) -> None:
    if cpu.ec:
        cpu.store_real(0x84, bytes((0, 0, code >> 8, code & 0xFF)))
    swap(cpu, EXTERNAL_OLD, code, cpu.last_ilc)


def io(cpu: CPU, device: int, csw: bytes) -> None:
    cpu.store_real(0x40, csw)
    if cpu.ec:
        cpu.store_real(0xB8, bytes((0, 0, device >> 8 & 0xFF, device & 0xFF)))
    swap(cpu, IO_OLD, device, cpu.last_ilc)


def restart(cpu: CPU) -> None:
    cpu.store_real(RESTART_OLD, psw.pack(cpu, 0, cpu.last_ilc))
    psw.load(cpu, cpu.fetch_real(RESTART_NEW, 8))


# -- pending conditions -------------------------------------------------------------

def external_code(cpu: CPU, consume: bool) -> int | None:
    """The highest-priority enabled external condition (removed if ``consume``)."""
    cr0 = cpu.cr[0]
    pending = cpu.pending_external
    count = cpu.instructions_executed
    if EXT_EMERGENCY_SIGNAL in pending and cr0 & CR0_EMERGENCY:
        if consume:
            pending.discard(EXT_EMERGENCY_SIGNAL)
        return EXT_EMERGENCY_SIGNAL
    if EXT_EXTERNAL_CALL in pending and cr0 & CR0_EXTERNAL_CALL:
        if consume:
            pending.discard(EXT_EXTERNAL_CALL)
        return EXT_EXTERNAL_CALL
    if cr0 & CR0_CLOCK_COMPARATOR and cpu.timers.comparator_pending(count):
        return EXT_CLOCK_COMPARATOR
    if cr0 & CR0_CPU_TIMER and cpu.timers.cpu_timer_pending(count):
        return EXT_CPU_TIMER
    code = 0
    if cr0 & CR0_INTERVAL_TIMER and EXT_INTERVAL_TIMER in pending:
        code |= EXT_INTERVAL_TIMER
    if cr0 & CR0_INTERRUPT_KEY and EXT_INTERRUPT_KEY in pending:
        code |= EXT_INTERRUPT_KEY
    if cr0 & CR0_EXTERNAL_SIGNAL:
        for signal in range(6):
            if EXT_SIGNAL_2 >> signal in pending:
                code |= EXT_SIGNAL_2 >> signal
    if not code:
        return None
    if consume:
        for bit in range(8):
            pending.discard(code & 1 << bit)
    return code


def update_interval_timer(cpu: CPU) -> None:
    """Decrement location 80 by the time elapsed; pend an interruption on 0 -> negative."""
    units = cpu.timers.interval_units(cpu.instructions_executed)
    if not units or cpu.size < INTERVAL_TIMER + 4:
        return
    old = cpu.storage.read_word(INTERVAL_TIMER)
    new = (old - units) & 0xFFFFFFFF
    cpu.storage.write_word(INTERVAL_TIMER, new)
    cpu.invalidate(INTERVAL_TIMER, 4)
    if not old >> 31 and new >> 31:
        cpu.pending_external.add(EXT_INTERVAL_TIMER)


def service(cpu: CPU) -> int:
    """Take every pending enabled interruption (at most 16); returns how many."""
    taken = 0
    while taken < 16:
        if cpu.restart_pending:
            cpu.restart_pending = False
            restart(cpu)
        elif psw.external_enabled(cpu) and (code := external_code(cpu, True)) is not None:
            external(cpu, code)
        elif psw.io_mask_any(cpu) and cpu.channel is not None and (
                found := cpu.channel.take_interrupt(lambda channel: psw.io_enabled(cpu, channel))):
            io(cpu, found[0], found[1])
        else:
            break
        taken += 1
    return taken


def instructions_to_next_event(cpu: CPU) -> int:
    """How many instructions may run before an enabled timer condition arises."""
    limit = 1 << 62
    if not psw.external_enabled(cpu):
        return limit
    timers = cpu.timers
    count = cpu.instructions_executed
    cr0 = cpu.cr[0]
    if cr0 & CR0_CLOCK_COMPARATOR:
        limit = min(limit, timers.instructions_until(max(0.0, timers.until_comparator(count))))
    if cr0 & CR0_CPU_TIMER:
        limit = min(limit, timers.instructions_until(max(0, timers.cpu_timer(count) + 1)))
    running = timers.interval_mode != "OFF"
    if running and cr0 & CR0_INTERVAL_TIMER and cpu.size >= INTERVAL_TIMER + 4:
        value = cpu.storage.read_word(INTERVAL_TIMER)
        if not value >> 31:
            limit = min(limit, timers.instructions_until(timers.until_interval(value, count)))
    return limit


def time_to_next_event(cpu: CPU) -> float | None:
    """TOD units until an enabled timer interruption could wake a waiting CPU."""
    if not psw.external_enabled(cpu):
        return None
    timers = cpu.timers
    count = cpu.instructions_executed
    cr0 = cpu.cr[0]
    candidates = []
    if cr0 & CR0_CLOCK_COMPARATOR:
        candidates.append(max(0.0, timers.until_comparator(count)))
    if not timers.waits_count:  # SET TIMER ON/OFF: only the comparator runs in a wait
        return min(candidates) if candidates else None
    if cr0 & CR0_CPU_TIMER:
        candidates.append(float(max(0, timers.cpu_timer(count) + 1)))
    if cr0 & CR0_INTERVAL_TIMER and cpu.size >= INTERVAL_TIMER + 4:
        value = cpu.storage.read_word(INTERVAL_TIMER)
        if not value >> 31:
            candidates.append(max(0.0, timers.until_interval(value, count)))
    return min(candidates) if candidates else None
