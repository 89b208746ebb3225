"""TOD clock, clock comparator, CPU timer and interval timer, driven by instructions.

Models Principles of Operation (GA22-7000) chapter 4, "Timing": the 64-bit
TOD clock (bit 51 = 1 microsecond, epoch 1900-01-01 00:00 UTC), the clock
comparator, the CPU timer, and the interval timer at real location 80
(X'50'; bit 23 is decremented 300 times a second, so bit 31 is 1/76,800 s).

Time here is *virtual*: the CPU converts executed instructions into time
with a settable ratio of instructions per microsecond, and the embedder adds
idle time while the CPU waits.  All values are kept in TOD units (1/4096
microsecond) of elapsed virtual time, ``now``.

Under VM/370 (SET TIMER, cp-cms.md 5.31) the TOD clock and the clock
comparator follow all elapsed time, waits included, while the interval timer
follows the timer mode (``interval_mode``): ``REAL`` all elapsed time, ``ON``
only the time the CPU runs (waits excluded), ``OFF`` none. The CPU timer
runs with the CPU, and in waits too only in ``REAL`` mode. A bare machine is
``REAL``: every timer follows elapsed time.
"""

from __future__ import annotations

import time

TOD_PER_US = 4096
# 1900-01-01 to 1970-01-01 in seconds (70 years with 17 leap days).
EPOCH_OFFSET_S = (70 * 365 + 17) * 86400
# Interval-timer bit 31 is 1/76,800 s = 1e6/76,800 us.
TOD_PER_INTERVAL_UNIT = TOD_PER_US * 1_000_000 / 76_800
MASK64 = (1 << 64) - 1


def host_tod() -> int:
    """The host's current time as a TOD clock value."""
    return (time.time_ns() // 1000 + EPOCH_OFFSET_S * 1_000_000) * TOD_PER_US & MASK64


class Timers:
    """Elapsed virtual time and the timers that follow it."""

    def __init__(self, instructions_per_us: float = 1.0) -> None:
        self.tod_per_insn = TOD_PER_US / instructions_per_us
        self.base_count = 0  # instruction count at which elapsed_base applies
        self.elapsed_base = 0.0  # elapsed TOD units at base_count
        self.tod_origin = host_tod()  # TOD value at elapsed 0
        self.tod_uniq = 0  # makes successive STCK values unique
        self.last_tod = 0
        self.clock_comparator = 0
        self.cpu_timer_origin = 0  # CPU timer value at elapsed cpu_timer_at
        self.cpu_timer_at = 0.0
        self.interval_at = 0.0  # interval clock when location 80 was last updated
        self.idle = 0.0  # TOD units of wait time included in elapsed
        self.interval_mode = "REAL"  # ON, OFF or REAL (CP's SET TIMER)
        self.interval_frozen = 0.0  # the interval clock while OFF

    # -- elapsed time -----------------------------------------------------------

    def elapsed(self, count: int) -> float:
        """Elapsed virtual time in TOD units after ``count`` instructions."""
        return self.elapsed_base + (count - self.base_count) * self.tod_per_insn

    def set_rate(self, instructions_per_us: float, count: int) -> None:
        self.elapsed_base = self.elapsed(count)
        self.base_count = count
        self.tod_per_insn = TOD_PER_US / instructions_per_us

    def add_idle(self, units: float, count: int) -> None:
        """Let ``units`` of TOD time pass without instructions (a wait state)."""
        self.elapsed_base = self.elapsed(count) + units
        self.base_count = count
        self.idle += units

    def running_time(self, count: int) -> float:
        """Elapsed time less the waits: the time the CPU ran."""
        return self.elapsed(count) - self.idle

    # -- timer mode (VM/370 SET TIMER) ------------------------------------------------
    @property
    def waits_count(self) -> bool:
        """True when the interval and CPU timers also run while the CPU waits."""
        return self.interval_mode == "REAL"

    def _interval_clock(self, count: int) -> float:
        if self.interval_mode == "REAL":
            return self.elapsed(count)
        if self.interval_mode == "ON":
            return self.running_time(count)
        return self.interval_frozen

    def _cpu_clock(self, count: int) -> float:
        return self.elapsed(count) if self.waits_count else self.running_time(count)

    def set_mode(self, mode: str, count: int) -> None:
        """SET TIMER ON|OFF|REAL: the timers keep their values and follow the new clock."""
        interval_pending = self._interval_clock(count) - self.interval_at
        cpu_value = self.cpu_timer(count)
        if mode == "OFF":
            self.interval_frozen = self._interval_clock(count)
        self.interval_mode = mode
        self.interval_at = self._interval_clock(count) - interval_pending
        self.set_cpu_timer(cpu_value & (1 << 64) - 1, count)

    def instructions_until(self, units: float) -> int:
        """Instructions needed for ``units`` of time to pass (at least 1)."""
        return max(1, int(units / self.tod_per_insn) + 1)

    # -- TOD clock and comparator ---------------------------------------------------

    def tod(self, count: int) -> int:
        return (self.tod_origin + int(self.elapsed(count))) & MASK64

    def store_clock(self, count: int) -> int:
        """A TOD value for STCK: increasing and unique (low-order bits stepped)."""
        value = self.tod(count)
        if value <= self.last_tod:
            value = self.last_tod + 1
        self.last_tod = value
        return value

    def set_tod(self, value: int, count: int) -> None:
        self.tod_origin = (value - int(self.elapsed(count))) & MASK64
        self.last_tod = 0

    def comparator_pending(self, count: int) -> bool:
        return self.tod(count) > self.clock_comparator

    def until_comparator(self, count: int) -> float:
        return float(self.clock_comparator - self.tod(count) + 1)

    # -- CPU timer ------------------------------------------------------------------

    def cpu_timer(self, count: int) -> int:
        value = self.cpu_timer_origin - int(self._cpu_clock(count) - self.cpu_timer_at)
        return value

    def set_cpu_timer(self, value: int, count: int) -> None:
        self.cpu_timer_origin = value - (1 << 64) if value >> 63 else value
        self.cpu_timer_at = self._cpu_clock(count)

    def cpu_timer_pending(self, count: int) -> bool:
        return self.cpu_timer(count) < 0

    # -- interval timer (location 80) -------------------------------------------------

    def interval_units(self, count: int) -> int:
        """Whole interval-timer units elapsed since the last update; consumes them."""
        now = self._interval_clock(count)
        units = int((now - self.interval_at) / TOD_PER_INTERVAL_UNIT)
        self.interval_at += units * TOD_PER_INTERVAL_UNIT
        return units

    def until_interval(self, value: int, count: int) -> float:
        """Time until an interval timer now holding ``value`` (>= 0) goes negative."""
        return (value + 1) * TOD_PER_INTERVAL_UNIT - (
            self._interval_clock(count) - self.interval_at
        )
