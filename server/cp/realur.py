"""The system's real printers and punches: they take files from the system spool queues.

Reference cp-cms.md 8.4 and section 6 (class D), VM/370 Operator's Guide R6
("Operator Spooling Functions", BACKSPAC, FLUSH).  Each real device is an
asyncio task of CP.  A STARTed device takes the first file of its queue
whose class is one of the device's (up to four) and that is not held,
puts two separator pages (four separator cards on a punch) in front of it
unless the device was started NOSEP, produces every copy, then purges the
file.  "Paper" is a host file in the data directory:

* ``printer/<raddr>/<date>-<time>-<spoolid>-<owner>-<fn>-<ft>.txt`` — the
  printed lines with carriage control resolved (a form feed starts a page),
  and beside it the same pages as ``.pdf`` (when the printer has PDF output);
* ``punch/<raddr>/...txt`` — the cards as text lines, and ``.ebcdic`` — the
  80-byte card images as they were punched (object decks stay usable).

While a file is produced the host file is ``*.partial``; FLUSH leaves what was
produced as ``*.flushed.txt``, a shutdown or a crash as ``*.interrupted.txt``
(the file stays queued and is produced again from its start).  Devices run at
``per_minute`` records a minute, so the operator's FLUSH, BACKSPAC, REPEAT and
SPACE act on a file while it is being produced, as on a real printer.

Operator notices (Operator's Guide R6): ``PRT 00E OUTPUT OF userid FILE =
spoolid RECDS = norecs COPY = nn c typ`` when a file starts, REPEATED for
its further copies, where nn counts the copies still to come (01 = the last).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from spool.model import CLASSES, Queue, RecordFormat, SpoolFile
from spool.output import pages, separator_cards, separator_page, write_pdf
from spool.records import CARD_BYTES, Carriage, card_text
from spool.store import SpoolStore

if TYPE_CHECKING:
    from server.cp.system import System

log = logging.getLogger(__name__)

__all__ = [
    "DeviceSettings",
    "DeviceState",
    "RealDevice",
    "RealUnitRecord",
    "UnitRecordConfigError",
    "device_settings",
]

POLL_SECONDS = 1.0
BATCH = 50  # most records produced between looks at the operator's requests
MAX_CLASSES = 4
PRINTER_MODELS = ("1403", "3211")
PUNCH_MODELS = ("2540P", "3525")
#: Carriage-control codes that skip to channel 1 (a new page) after or without writing.
SKIP_TO_NEW_PAGE = (0x89, 0x8B)


class UnitRecordConfigError(Exception):
    """The ``[printer.raddr]`` / ``[punch.raddr]`` configuration is wrong."""


class DeviceState(enum.StrEnum):
    STARTED = "STARTED"
    DRAINING = "DRAINING"  # STARTED until the active file is done
    DRAINED = "DRAINED"


@dataclass
class DeviceSettings:
    """One real printer or punch as the configuration defines it."""

    raddr: int
    queue: Queue  # PRT or PUN
    model: str
    classes: str = "A"
    separator: bool = True
    pdf: bool = True
    per_minute: int = 60_000
    start: bool = True

    @property
    def kind(self) -> str:
        return self.queue.value


def _classes(value: Any, where: str) -> str:
    text = "".join(str(value).upper().split())
    if not 1 <= len(text) <= MAX_CLASSES or any(c not in CLASSES for c in text):
        raise UnitRecordConfigError(f"{where}: classes must be 1-4 of A-Z, 0-9")
    return text


def raddr_of(word: str) -> int | None:
    """A real device address operand (1-4 hex digits), or None for anything else."""
    hexadecimal = 1 <= len(word) <= 4 and all(c in "0123456789ABCDEF" for c in word)
    return int(word, 16) if hexadecimal else None


def _one_device(queue: Queue, address: str, table: Any) -> DeviceSettings:
    where = f"[{'printer' if queue is Queue.PRT else 'punch'}.{address}]"
    if not isinstance(table, Mapping):
        raise UnitRecordConfigError(f"{where} must be a table")
    try:
        raddr = int(address, 16)
    except ValueError:
        raise UnitRecordConfigError(f"{where}: {address} is not a device address") from None
    if not 0 <= raddr <= 0xFFF:
        raise UnitRecordConfigError(f"{where}: {address} is not a device address")
    models = PRINTER_MODELS if queue is Queue.PRT else PUNCH_MODELS
    model = str(table.get("type", models[0])).upper()
    if model not in models:
        raise UnitRecordConfigError(f"{where}: type must be one of {', '.join(models)}")
    unknown = set(table) - {"type", "classes", "separator", "pdf", "per_minute", "start"}
    if unknown:
        raise UnitRecordConfigError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}")
    per_minute = table.get("per_minute", 60_000)
    if not isinstance(per_minute, int) or per_minute < 1:
        raise UnitRecordConfigError(f"{where}: per_minute must be a positive whole number")
    flags = {}
    for name in ("separator", "pdf", "start"):
        value = table.get(name, True)
        if not isinstance(value, bool):
            raise UnitRecordConfigError(f"{where}: {name} must be true or false")
        flags[name] = value
    return DeviceSettings(
        raddr,
        queue,
        model,
        _classes(table.get("classes", "A"), where),
        flags["separator"],
        flags["pdf"] and queue is Queue.PRT,
        per_minute,
        flags["start"],
    )


def device_settings(sections: Mapping[str, Any]) -> list[DeviceSettings]:
    """The real printers and punches of the config sections (a 1403 at 00E and a 2540
    punch at 00D when the configuration names none)."""
    devices: list[DeviceSettings] = []
    for name, queue in (("printer", Queue.PRT), ("punch", Queue.PUN)):
        tables = sections.get(name, {})
        if not isinstance(tables, Mapping):
            raise UnitRecordConfigError(f"[{name}] must hold tables such as [{name}.00E]")
        devices.extend(_one_device(queue, address, table) for address, table in tables.items())
    if "printer" not in sections and "punch" not in sections:
        devices = [
            DeviceSettings(0x00E, Queue.PRT, "1403"),
            DeviceSettings(0x00D, Queue.PUN, "2540P", pdf=False),
        ]
    seen: set[int] = set()
    for device in devices:
        if device.raddr in seen:
            raise UnitRecordConfigError(f"device {device.raddr:03X} is defined twice")
        seen.add(device.raddr)
    return devices


@dataclass
class ActiveFile:
    """The file a device is producing, and what the operator asked of it."""

    spool_file: SpoolFile
    records: list[bytes]
    copies_left: int
    position: int = 0
    single_space: bool = False
    repeated: bool = False  # a later copy is under way
    flush: str | None = None  # "COPY", "ALL" or "HOLD"
    restart_at: int | None = None  # BACKSPAC: the record to go on from
    page_starts: list[int] = field(default_factory=list)

    def pages_back(self, count: int, from_end: bool) -> int:
        """The record index ``count`` pages before the current page (or the end)."""
        if not self.page_starts:
            self.page_starts = [0] + [
                index + 1
                for index, record in enumerate(self.records)
                if record and record[0] in SKIP_TO_NEW_PAGE
            ]
        starts = self.page_starts
        if from_end:
            current = len(starts) - 1
        else:
            current = max(i for i, start in enumerate(starts) if start <= self.position)
        return starts[max(0, current - count)]


_UNSAFE = re.compile(r"[^A-Za-z0-9@#$_.-]")


class Paper:
    """The host files a device writes one spool file onto."""

    def __init__(self, folder: Path, spool_file: SpoolFile, started: dt.datetime) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        name = spool_file.name
        parts = [
            f"{started:%Y%m%d-%H%M%S}",
            f"{spool_file.spoolid:04d}",
            spool_file.owner,
            *(part for part in (name.filename, name.filetype, name.dsname) if part),
        ]
        self.stem = folder / _UNSAFE.sub("_", "-".join(parts))
        self.text_path = self.stem.with_name(self.stem.name + ".txt.partial")
        self.text: IO[str] = self.text_path.open("w", encoding="utf-8")
        self.cards: IO[bytes] | None = None
        if spool_file.record_format is RecordFormat.CARD:
            self.cards = self.stem.with_name(self.stem.name + ".ebcdic.partial").open("wb")
        self.last_line: str | None = None

    def lines(self, lines: list[str]) -> None:
        if lines:
            self.text.writelines(line + "\n" for line in lines)
            self.last_line = lines[-1]

    def punch(self, cards: list[bytes]) -> None:
        assert self.cards is not None
        for image in cards:
            self.cards.write(image[:CARD_BYTES].ljust(CARD_BYTES, b"\x40"))
        self.lines([card_text(image) for image in cards])

    def finish(self, suffix: str = "") -> Path:
        """Close the files under their final names; returns the text file's path."""
        self.text.close()
        final = self.stem.with_name(f"{self.stem.name}{suffix}.txt")
        self.text_path.replace(final)
        if self.cards is not None:
            self.cards.close()
            partial = self.stem.with_name(self.stem.name + ".ebcdic.partial")
            partial.replace(self.stem.with_name(f"{self.stem.name}{suffix}.ebcdic"))
        return final


class RealDevice:
    """One real printer or punch of the system."""

    def __init__(self, owner: RealUnitRecord, settings: DeviceSettings) -> None:
        self.owner = owner
        self.settings = settings
        self.state = DeviceState.STARTED if settings.start else DeviceState.DRAINED
        self.active: ActiveFile | None = None
        self.wake = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    @property
    def name(self) -> str:
        return f"{self.settings.kind} {self.settings.raddr:03X}"

    @property
    def folder(self) -> Path:
        kind = "printer" if self.settings.queue is Queue.PRT else "punch"
        return self.owner.data_dir / kind / f"{self.settings.raddr:03X}"

    # ---- the operator's commands --------------------------------------------------------
    def start(self, classes: str | None, separator: bool | None) -> None:
        if classes is not None:
            self.settings.classes = classes
        if separator is not None:
            self.settings.separator = separator
        self.state = DeviceState.STARTED
        self.wake.set()

    def drain(self) -> bool:
        """True when the device is drained now; False when it drains after its file."""
        if self.active is None:
            self.state = DeviceState.DRAINED
            return True
        self.state = DeviceState.DRAINING
        return False

    def file_line(self, verb: str, copies_left: int | None = None) -> str:
        assert self.active is not None
        spool_file = self.active.spool_file
        left = self.active.copies_left if copies_left is None else copies_left
        return (
            f"{self.name} {verb} {spool_file.owner:<8} FILE = {spool_file.spoolid:04d} "
            f"RECDS = {spool_file.records:08d} COPY = {left:02d} {spool_file.spool_class} "
            f"{spool_file.device.value}"
        )

    def status_lines(self) -> list[str]:
        sep = "SEP" if self.settings.separator else "NOSEP"
        state = self.state.value if self.active is None else "ACTIVE"
        lines = [
            f"{self.name} {state:<8} SYSTEM   CLASS {self.settings.classes:<4} {sep:<5} "
            f"{self.settings.model}"
        ]
        if self.active is not None:
            lines.append(self.file_line("PROCESSING"))
        return lines

    # ---- producing files ----------------------------------------------------------------
    def run(self) -> None:
        self.tidy()
        self.task = asyncio.get_running_loop().create_task(self._run())

    def tidy(self) -> None:
        """Output cut short by a crash is renamed ``*.interrupted.*``; its file is still
        queued and is produced again from its start."""
        if not self.folder.exists():
            return
        for partial in self.folder.glob("*.partial"):
            stem, kind = partial.name.removesuffix(".partial").rsplit(".", 1)
            partial.replace(partial.with_name(f"{stem}.interrupted.{kind}"))

    async def _run(self) -> None:
        store = self.owner.store
        while True:
            try:
                if self.state is DeviceState.DRAINED:
                    await self.wake.wait()
                    self.wake.clear()
                    continue
                spool_file = await store.next_output_file(
                    self.settings.queue, self.settings.classes
                )
                if spool_file is None:
                    await self._nap()
                    continue
                await self._produce(spool_file)
                if self.state is DeviceState.DRAINING:
                    self.state = DeviceState.DRAINED
                    self.owner.tell(f"{self.name} DRAINED")
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s", self.name)
                await asyncio.sleep(POLL_SECONDS)

    async def _nap(self) -> None:
        try:
            await asyncio.wait_for(self.wake.wait(), POLL_SECONDS)
        except TimeoutError:
            pass
        self.wake.clear()

    async def _produce(self, spool_file: SpoolFile) -> None:
        store = self.owner.store
        try:
            records = [record async for record in store.records(spool_file.spoolid)]
        except Exception:
            store.release(spool_file.spoolid)
            raise
        active = ActiveFile(spool_file, records, spool_file.copies)
        self.active = active
        paper = Paper(self.folder, spool_file, self.owner.now())
        hold = False
        try:
            if self.settings.separator:
                self._separator(paper, spool_file)
            hold = await self._copies(paper, active)
        except asyncio.CancelledError:
            paper.finish(".interrupted")
            store.release(spool_file.spoolid)
            self.active = None
            raise
        except Exception:
            paper.finish(".failed")
            store.release(spool_file.spoolid)
            self.active = None
            raise
        flushed = active.flush in ("ALL", "HOLD")
        text = paper.finish(".flushed" if flushed else "")
        self.active = None
        await store.finish_output(spool_file.spoolid, hold=hold)
        if self.settings.pdf and spool_file.record_format is RecordFormat.PRINT:
            await asyncio.to_thread(self._pdf, text)

    def _separator(self, paper: Paper, spool_file: SpoolFile) -> None:
        if spool_file.record_format is RecordFormat.CARD:
            paper.punch(separator_cards(spool_file))
            return
        page = separator_page(
            spool_file, self.name, self.owner.node, self.owner.now(), self.owner.zone
        )
        paper.lines(page + page)

    async def _copies(self, paper: Paper, active: ActiveFile) -> bool:
        """Produce the copies; True when the file is to be kept in system hold."""
        while active.copies_left > 0:
            verb = "REPEATED" if active.repeated else "OUTPUT OF"
            self.owner.tell(self.file_line(verb))
            await self._one_copy(paper, active)
            if active.flush == "HOLD":
                return True
            if active.flush == "ALL":
                return False
            active.flush = None
            active.copies_left -= 1
            active.repeated = True
        return False

    async def _one_copy(self, paper: Paper, active: ActiveFile) -> None:
        cards = active.spool_file.record_format is RecordFormat.CARD
        carriage = Carriage(active.single_space)
        if not cards and paper.last_line is not None and paper.last_line != "\f":
            paper.lines(["\f"])  # each copy starts on a new page
        active.position = 0
        records = active.records
        step = max(1, min(BATCH, self.settings.per_minute // 600))  # about 0.1 s of work
        while active.position < len(records):
            batch = records[active.position : active.position + step]
            if cards:
                paper.punch(batch)
            else:
                carriage.single_space = active.single_space
                for record in batch:
                    paper.lines(carriage.feed(record))
            active.position += len(batch)
            await asyncio.sleep(len(batch) * 60 / self.settings.per_minute)
            if active.flush is not None:
                break
            if active.restart_at is not None:
                if not cards:
                    paper.lines([*carriage.finish(), "\f"])
                active.position, active.restart_at = active.restart_at, None
        if not cards:
            paper.lines(carriage.finish())

    def _pdf(self, text: Path) -> None:
        try:
            with text.open(encoding="utf-8") as handle:
                lines = [line.rstrip("\n") for line in handle]
            write_pdf(pages(lines), text.with_suffix(".pdf"), text.stem)
        except Exception:
            log.exception("%s: PDF of %s", self.name, text.name)


class RealUnitRecord:
    """The table of real printers and punches, and the tasks that run them."""

    def __init__(self, system: System, store: SpoolStore, data_dir: Path) -> None:
        self.system = system
        self.store = store
        self.data_dir = data_dir
        self.devices: dict[int, RealDevice] = {}

    @property
    def node(self) -> str:
        return self.system.node

    @property
    def zone(self) -> dt.tzinfo | None:
        return self.system.clock.zone

    def now(self) -> dt.datetime:
        return self.system.clock.now()

    def tell(self, text: str) -> None:
        self.system.operator_console(text)

    def configure(self, settings: list[DeviceSettings], drained: bool = False) -> None:
        for one in settings:
            if drained:
                one.start = False
            self.devices[one.raddr] = RealDevice(self, one)

    def start_all(self) -> None:
        for device in self.devices.values():
            device.run()

    def stop_all(self) -> None:
        for device in self.devices.values():
            if device.task is not None:
                device.task.cancel()

    def select(self, operand: str) -> list[RealDevice]:
        """The devices an operand names: raddr, ALL, PRINTERS/PRT, PUNCHES/PCH; [] if none."""
        word = operand.upper()
        if word == "ALL":
            return list(self.devices.values())
        for queue, names in ((Queue.PRT, ("PRINTERS", "PRINTER", "PRT")),
                             (Queue.PUN, ("PUNCHES", "PUNCH", "PCH", "PUN"))):  # fmt: skip
            if word in names:
                return [d for d in self.devices.values() if d.settings.queue is queue]
        address = raddr_of(word)
        device = self.devices.get(address) if address is not None else None
        return [device] if device is not None else []
