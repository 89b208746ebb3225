"""The virtual reader, punch and printer bound to the spool system.

The channel's unit-record devices (``server.machine.devices.unitrecord``)
run inside the CPU's slice and cannot wait for the database, so this
bridge keeps the spool's asynchronous side out of their way (reference
cp-cms.md 8.2):

* output: the device's first record opens a spool file (the SPOOL
  settings of that moment apply) whose records collect in memory; CLOSE,
  SPOOL ... CLOSE and LOGOFF make it a spool file in one transaction;
* input: a read with no file staged waits (the reader's read stays
  pending) while CP loads the next readable file of the reader's class
  from the database; the read then completes and later cards come from
  memory. At the end of a file CP applies the CLOSE table's disposition.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from server.machine.devices import Device, Printer, Punch, Reader
from server.machine.devices.unitrecord import SpoolAttributes
from spool.model import DeviceType, SpoolFile, reader_disposition
from spool.store import SpoolStore
from spool.unitrecord import OutputDevice

if TYPE_CHECKING:
    from server.cp.system import System
    from server.cp.user import User

log = logging.getLogger(__name__)


@dataclass
class StagedFile:
    """A reader file loaded for the virtual reader (SpoolInputFile)."""

    bridge: ReaderBridge
    spool_file: SpoolFile
    records: list[bytes]
    attributes: SpoolAttributes = field(default_factory=SpoolAttributes)
    position: int = 0

    def read(self) -> bytes | None:
        if self.position >= len(self.records):
            return None
        self.position += 1
        return self.records[self.position - 1]

    def close(self, option: str | None = None) -> None:
        self.bridge.finished(self, option)


class ReaderBridge:
    """The spool side of one virtual reader."""

    def __init__(self, system: System, store: SpoolStore, user: User, address: int) -> None:
        self.system = system
        self.store = store
        self.user = user
        self.address = address
        self.spool_class: str | None = None  # CLASS *
        self.cont = False
        self.hold = False
        self.eof = True
        self.staged: StagedFile | None = None
        self.staging: asyncio.Task[None] | None = None
        self.device: Reader | None = None
        self.tasks: set[asyncio.Task[None]] = set()

    def open_input(self) -> StagedFile | None:
        staged, self.staged = self.staged, None
        if staged is None:
            self.stage()
        return staged

    def open_output(self, device_type: int, attributes: SpoolAttributes) -> StagedFile:
        raise RuntimeError("a reader has no output")

    async def prepare(self) -> None:
        """Stage the next file now (IPL reads it at once, it cannot wait)."""
        if self.staged is None:
            if self.staging is not None and not self.staging.done():
                await self.staging
            if self.staged is None:
                await self._stage()

    def stage_if_waiting(self) -> None:
        """A file arrived: stage it only for a read that is waiting."""
        if self.device is not None and self.device.pending_count is not None:
            self.stage()

    def unstage(self) -> None:
        """LOGOFF, DETACH: a staged file nobody read goes back to the queue, unread."""
        staged, self.staged = self.staged, None
        if staged is not None:
            self.store.release(staged.spool_file.spoolid)

    def stage(self) -> None:
        """Load the next readable file, if any, in the background."""
        if self.staging is None or self.staging.done():
            self.staging = asyncio.get_running_loop().create_task(self._stage())

    async def _stage(self) -> None:
        spool_file = await self.store.next_reader_file(self.user.userid, self.spool_class)
        if spool_file is None:
            return
        records = [record async for record in self.store.records(spool_file.spoolid)]
        self.staged = StagedFile(self, spool_file, records)
        if self.device is not None:
            self.device.file_arrived()
        if self.user.vm is not None:
            self.user.vm.io_posted()

    def finished(self, staged: StagedFile, option: str | None) -> None:
        """End of file or CLOSE: purge, keep or hold it as the CLOSE table says."""
        disposition = reader_disposition(self.hold, self.cont, option)
        task = asyncio.get_running_loop().create_task(
            self.store.finish_reader(staged.spool_file.spoolid, disposition)
        )
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


class OutputBridge:
    """The spool side of one virtual punch or printer (its SPOOL settings too)."""

    def __init__(self, output: OutputDevice) -> None:
        self.output = output

    def open_input(self) -> None:
        return None

    def open_output(self, device_type: int, attributes: SpoolAttributes) -> OutputBridge:
        return self

    def write(self, record: bytes) -> None:
        self.output.write(record)

    def close(self) -> None:
        """The device's own close is not used: CP's CLOSE awaits ``output.close``."""


@dataclass
class UnitRecord:
    """A spooled device of the virtual configuration."""

    address: int
    kind: DeviceType  # RDR, PUN, PRT
    device: Device
    reader: ReaderBridge | None = None
    output: OutputDevice | None = None


def make_unit_record(
    system: System,
    store: SpoolStore,
    user: User,
    address: int,
    kind: DeviceType,
    spool_class: str,
) -> UnitRecord:
    if kind is DeviceType.RDR:
        bridge = ReaderBridge(system, store, user, address)
        bridge.spool_class = None if spool_class == "*" else spool_class
        reader = Reader(bridge, wait_for_file=True)  # type: ignore[arg-type]
        bridge.device = reader
        return UnitRecord(address, kind, reader, reader=bridge)
    output = OutputDevice(store, user.userid, kind)
    output.spool_class = spool_class
    device_class = Printer if kind is DeviceType.PRT else Punch
    return UnitRecord(address, kind, device_class(OutputBridge(output)), output=output)
