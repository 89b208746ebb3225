"""A hypothesis state machine: CmsDisk against a dictionary of files.

After every step the independent reader must see exactly the model's files and a
disk that keeps every invariant of reference/dasd.md 5.12; running out of space
changes nothing.
"""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from guests.cms.fs.disk import CmsDisk
from guests.cms.fs.errors import DiskFull
from tests.guests.cms.helpers import clock, fresh, reread

NAMES = st.sampled_from([("A", "EXEC"), ("B", "DATA"), ("C", "TEXT"), ("LONGNAME", "$TYPE#")])
# sizes chosen to cross the 60- and 460-block chain link boundaries on a 2-cylinder disk
RECORDS = st.tuples(st.integers(1, 1200), st.integers(0, 400), st.integers(0, 255))


def make_records(spec: tuple[int, int, int], recfm: str) -> list[bytes]:
    count, length, fill = spec
    if recfm == "F":
        return [bytes([fill]) * max(length, 1)] * count
    return [bytes([fill]) * ((length * n) % 401) for n in range(count)]


class DiskMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.device, self.disk = fresh(cylinders=2)  # 1,140 blocks
        self.model: dict[tuple[str, str], list[bytes]] = {}

    @rule(name=NAMES, spec=RECORDS, recfm=st.sampled_from("FV"))
    def write(self, name: tuple[str, str], spec: tuple[int, int, int], recfm: str) -> None:
        records = make_records(spec, recfm)
        try:
            self.disk.write(*name, records, recfm=recfm)
        except DiskFull:
            return
        self.model[name] = records

    @precondition(lambda self: bool(self.model))
    @rule(data=st.data(), spec=RECORDS)
    def append(self, data: st.DataObject, spec: tuple[int, int, int]) -> None:
        name = data.draw(st.sampled_from(sorted(self.model)))
        entry = self.disk.state(*name)
        records = make_records(spec, entry.recfm)
        if entry.recfm == "F":
            records = [record[:1].ljust(entry.lrecl, b"-") for record in records]
        try:
            self.disk.append(*name, records)
        except DiskFull:
            return
        self.model[name] = self.model[name] + records

    @precondition(lambda self: bool(self.model))
    @rule(data=st.data())
    def replace_one(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.model)))
        item = data.draw(st.integers(1, len(self.model[name])))
        record = bytes(len(self.model[name][item - 1]))
        try:
            self.disk.replace_records(*name, item, [record])
        except DiskFull:
            return
        self.model[name][item - 1] = record

    @precondition(lambda self: bool(self.model))
    @rule(data=st.data())
    def erase(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.model)))
        self.disk.erase(*name)
        del self.model[name]

    @precondition(lambda self: bool(self.model))
    @rule(data=st.data(), new=NAMES)
    def rename(self, data: st.DataObject, new: tuple[str, str]) -> None:
        name = data.draw(st.sampled_from(sorted(self.model)))
        if new in self.model and new != name:
            return
        self.disk.rename(*name, *new)
        self.model[new] = self.model.pop(name)

    @rule(sort=st.booleans())
    def release_and_access(self, sort: bool) -> None:
        self.disk.rewrite_directory(sort=sort)
        self.disk = CmsDisk.access(self.device, clock=clock)

    @invariant()
    def disk_matches_model(self) -> None:
        on_disk = reread(self.device)
        assert {(f.name, f.type): f.records for f in on_disk.files} == self.model
        assert on_disk.adtused == self.disk.used_blocks
        assert {(e.fn, e.ft) for e in self.disk.files()} == set(self.model)


DiskMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=15, deadline=None)
test_disk_machine = DiskMachine.TestCase
