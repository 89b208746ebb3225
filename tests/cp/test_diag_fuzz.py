"""Wild operands for DIAGNOSE X'14' and X'64': a program check or an answer, nothing else."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from server.cp.diagnose import DiagnoseService
from server.cp.segments import Segment, SegmentLinkage, Segments
from server.machine import Machine
from server.machine.isa import ProgramCheck

words = st.one_of(
    st.integers(min_value=0, max_value=0xFFFFFFFF),
    st.sampled_from([0x100, 0x3000, 0x00C, 0, 4, 8, 12, 0x14, 0x18, 0xFFF]),  # names, subcodes
)


def service(tmp_path: Path) -> tuple[DiagnoseService, Machine]:
    machine = Machine(storage_size=64 * 1024)
    user = SimpleNamespace(write=lambda *lines: None)
    vm: Any = SimpleNamespace(devices={}, userid="FUZZ", user=user, machine=machine)
    diagnose = DiagnoseService(vm)
    segments = Segments(tmp_path)
    segments.put(Segment("HELLO", 0x8000, 0x1000, "SR", bytes(0x1000)))
    diagnose.segments = SegmentLinkage(segments)
    return diagnose, machine


@settings(max_examples=300, deadline=None)
@given(code=st.sampled_from([0x14, 0x64]), rx=st.integers(0, 15), ry=st.integers(0, 15),
       values=st.lists(words, min_size=16, max_size=16))
def test_wild_registers(tmp_path_factory: Any, code: int, rx: int, ry: int,
                        values: list[int]) -> None:
    diagnose, machine = service(tmp_path_factory.mktemp("fuzz"))
    machine.load(0x100, "HELLO   ".encode("cp037"))
    for number, value in enumerate(values):
        machine.cpu.r[number] = value
    try:
        answered = diagnose(machine, rx, ry, code)
    except ProgramCheck:
        return
    assert answered in (True, False)
    assert diagnose.deferred is None  # no reader: X'14' never needs the spool here
    assert machine.cpu.cc in (0, 1, 2, 3)
