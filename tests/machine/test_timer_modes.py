"""The interval and CPU timers under VM/370's SET TIMER modes (server/machine/timers.py)."""

from __future__ import annotations

from server.machine.timers import TOD_PER_INTERVAL_UNIT, Timers

SECOND = 4096 * 1_000_000.0


def test_real_counts_waits_on_counts_only_running_off_counts_nothing() -> None:
    for mode, expected in (("REAL", 2.0), ("ON", 1.0), ("OFF", 0.0)):
        timers = Timers(instructions_per_us=1.0)
        timers.set_mode(mode, 0)
        timers.set_cpu_timer(int(10 * SECOND), 0)
        count = 1_000_000  # one second of instructions
        timers.add_idle(SECOND, count)  # and one second of wait
        units = timers.interval_units(count)
        assert abs(units - expected * SECOND / TOD_PER_INTERVAL_UNIT) <= 1
        cpu_seconds = (10 * SECOND - timers.cpu_timer(count)) / SECOND
        assert abs(cpu_seconds - (2.0 if mode == "REAL" else 1.0)) < 1e-6
        assert timers.tod(count) - timers.tod_origin == int(2 * SECOND)  # the clock: all time


def test_changing_mode_keeps_the_timers_values() -> None:
    timers = Timers()
    timers.set_cpu_timer(5000, 0)
    timers.add_idle(1000.0, 0)
    before = timers.cpu_timer(100)
    timers.set_mode("ON", 100)
    assert timers.cpu_timer(100) == before
    timers.interval_units(100)  # what ran so far is taken
    timers.set_mode("OFF", 100)
    timers.add_idle(SECOND, 200)
    assert timers.interval_units(200) == 0
