"""A device CP made not ready (NOTREADY): unit check in initial status, intervention required."""

from __future__ import annotations

from server.machine.devices.base import INTERVENTION_REQUIRED, SENSE, UNIT_CHECK
from server.machine.devices.unitrecord import MemorySpool, Punch


def test_not_ready_device_rejects_until_ready() -> None:
    punch = Punch(MemorySpool())
    punch.ready = False
    result = punch.execute_ccw(0x01, 0x20, b"\x40" * 80, 80)
    assert result.status == UNIT_CHECK and result.residual == 80
    assert punch.execute_ccw(SENSE, 0, b"", 1).data == bytes([INTERVENTION_REQUIRED])
    punch.ready = True
    assert not punch.execute_ccw(0x01, 0x20, b"\x40" * 80, 80).status & UNIT_CHECK
