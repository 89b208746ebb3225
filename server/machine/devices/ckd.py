"""CKD direct-access storage: the channel commands of 2314 to 3380 devices.

Models reference/dasd.md section 4 (after the IBM 3330/3350 reference
summaries, the 3830/3880 storage control descriptions and Hercules'
``ckddasd.c``): Seek, Seek Cylinder, Seek Head, Recalibrate, Set Sector,
Read Sector, the Search ID and Search Key families and Search Home Address
(status modifier when the condition is met), Read Data, Read Key and Data,
Read Count, Read Count Key and Data, Read R0, Read Home Address, Read
Multiple CKD, Read IPL, Write Data, Write Key and Data, Write Count Key and
Data, Write Special CKD, Write R0, Write Home Address, Erase, Set File Mask,
Sense, Sense ID, Device Reserve and Release; multitrack variants (opcode +
X'80'); the file mask; "no record found" after two index passes; "end of
cylinder" for multitrack operations.

The device reads and writes whole track images (reference/dasd.md 2.3) through
a :class:`TrackStore`: a volume image, a minidisk view (cylinder 0 at the
extent's start, count fields as the guest wrote them), or
:class:`MemoryTrackStore` for tests.  Every write reaches the store before
the command ends.  A store may refuse an access by raising
:class:`~server.machine.devices.base.DeviceStoreError` with sense bytes; the
device presents them with unit check (``server.dasd``'s ``DasdError`` is one, so a
``server.dasd.minidisk.CkdMinidisk`` is a TrackStore as it is).  Writes to a
read-only store end with unit check, command reject and write inhibited
(sense bytes 0 X'80', 1 X'02'), as a write under an inhibiting file mask
would; a seek beyond the store's cylinders is a command reject with message 4 (invalid argument).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

from server.machine.devices.base import (
    CE_DE,
    NOP,
    STATUS_MODIFIER,
    UNIT_EXCEPTION,
    CCWResult,
    Device,
    DeviceStoreError,
    consumed,
    immediate,
    transfer,
)

END_OF_TRACK = b"\xff" * 8
HA_LENGTH = 5

# Sense byte 1 bits.
INVALID_TRACK_FORMAT = 0x40
END_OF_CYLINDER = 0x20
NO_RECORD_FOUND = 0x08
FILE_PROTECTED = 0x04
WRITE_INHIBITED = 0x02

# Format-0 messages in sense byte 7.
MSG_INVALID_COMMAND = 0x01
MSG_INVALID_SEQUENCE = 0x02
MSG_COUNT_TOO_SMALL = 0x03
MSG_INVALID_ARGUMENT = 0x04

# File mask fields (reference/dasd.md 4.2).
MASK_WRITE = 0xC0
MASK_INHIBIT_WRITES = 0x40
MASK_UPDATE_ONLY = 0x80
MASK_ALL_WRITES = 0xC0
MASK_RESERVED = 0x20
MASK_SEEK = 0x18
MASK_SEEK_CYL_HEAD = 0x08
MASK_SEEK_HEAD = 0x10
MASK_NO_SEEK = 0x18


class CkdGeometryInfo(Protocol):
    """The device facts the CKD device needs (``server.dasd.geometry.CkdGeometry`` fits)."""

    @property
    def device_type(self) -> int: ...

    @property
    def sectors(self) -> int: ...

    @property
    def track_slot(self) -> int: ...

    @property
    def sense_bytes(self) -> int: ...

    def sense_id_bytes(self) -> bytes | None: ...


class TrackStore(Protocol):
    """Whole-track access to a CKD volume or minidisk, cylinders relative to its start."""

    @property
    def geometry(self) -> CkdGeometryInfo: ...

    @property
    def cylinders(self) -> int: ...

    @property
    def heads(self) -> int: ...

    @property
    def read_only(self) -> bool: ...

    def read_track_image(self, cylinder: int, head: int) -> bytes:
        """The track image: HA, R0, records, end-of-track marker (dasd.md 2.3)."""
        ...

    def write_track_image(self, cylinder: int, head: int, image: bytes) -> None:
        """Replace the track (before the write's device end is presented)."""
        ...


@dataclass(frozen=True)
class CkdModel:
    """A minimal CKD device description for tests and simple embedders."""

    device_type: int
    model: int
    control_unit: int
    control_unit_model: int
    heads: int
    sectors: int
    track_slot: int
    sense_bytes: int = 24
    has_sense_id: bool = True

    def sense_id_bytes(self) -> bytes | None:
        if not self.has_sense_id:
            return None
        return (b"\xff" + self.control_unit.to_bytes(2, "big") + bytes([self.control_unit_model])
                + self.device_type.to_bytes(2, "big") + bytes([self.model]))


# Figures of reference/dasd.md tables 1.2 and 1.5.
MODEL_2314 = CkdModel(0x2314, 0, 0x2314, 0, 20, 0, 7680, 6, has_sense_id=False)
MODEL_3330 = CkdModel(0x3330, 0x01, 0x3830, 2, 19, 128, 13312)
MODEL_3350 = CkdModel(0x3350, 0x00, 0x3830, 2, 30, 128, 19456)
MODEL_3380 = CkdModel(0x3380, 0x02, 0x3880, 5, 15, 222, 47616)


def null_track(cylinder: int, head: int) -> bytes:
    """A freshly initialised track: HA, standard R0 (8 zero bytes of data), end marker."""
    address = cylinder.to_bytes(2, "big") + head.to_bytes(2, "big")
    return b"\0" + address + address + b"\0\0\0\x08" + bytes(8) + END_OF_TRACK


class MemoryTrackStore:
    """Track images in a dict (a never-written track reads as a null track)."""

    def __init__(self, geometry: CkdModel, cylinders: int, read_only: bool = False) -> None:
        self.geometry = geometry
        self.cylinders = cylinders
        self.heads = geometry.heads
        self.read_only = read_only
        self.tracks: dict[tuple[int, int], bytes] = {}

    def read_track_image(self, cylinder: int, head: int) -> bytes:
        return self.tracks.get((cylinder, head)) or null_track(cylinder, head)

    def write_track_image(self, cylinder: int, head: int, image: bytes) -> None:
        if self.read_only:
            raise DeviceStoreError(bytes([0x80, WRITE_INHIBITED]), "read-only")
        self.tracks[(cylinder, head)] = bytes(image)


@dataclass
class Record:
    """One record of a track: count field as recorded, key, data."""

    count: bytes
    key: bytes = b""
    data: bytes = b""

    @property
    def ident(self) -> bytes:
        """CCHHR with the track-overflow flag masked off."""
        return bytes([self.count[0] & 0x7F]) + self.count[1:5]

    @property
    def key_length(self) -> int:
        return self.count[5]

    @property
    def data_length(self) -> int:
        return int.from_bytes(self.count[6:8], "big")

    def image(self) -> bytes:
        return self.count + self.key + self.data


@dataclass
class Track:
    """A parsed track image: home address and records (R0 first)."""

    home_address: bytes
    records: list[Record] = field(default_factory=list)

    @classmethod
    def parse(cls, image: bytes) -> Track:
        track = cls(bytes(image[:HA_LENGTH]))
        offset = HA_LENGTH
        while offset + 8 <= len(image):
            count = bytes(image[offset : offset + 8])
            if count == END_OF_TRACK:
                break
            record = Record(count)
            start = offset + 8
            record.key = bytes(image[start : start + record.key_length])
            start += record.key_length
            record.data = bytes(image[start : start + record.data_length])
            track.records.append(record)
            offset = start + record.data_length
        return track

    def image(self) -> bytes:
        return self.home_address + b"".join(r.image() for r in self.records) + END_OF_TRACK


class Orientation(Enum):
    INDEX = "index"  # at the index point (after a seek)
    HOME = "home address"
    COUNT = "count"
    KEY = "key"
    DATA = "data"


class _Check(Exception):
    """Ends the current command with the result it carries.

    ``after_data``: the command took its data before the error was found (a
    seek argument out of range), so the residual count is zero; otherwise
    nothing was transferred and the residual is the whole count (as Hercules).
    """

    def __init__(self, result: CCWResult, after_data: bool = False) -> None:
        super().__init__("unit check")
        self.result = result
        self.after_data = after_data


# Commands that keep an equal search in force (reference/dasd.md 4.3).
_AFTER_ID_EQUAL = frozenset({0x06, 0x86, 0x0E, 0x8E, 0x05, 0x0D})
_AFTER_KEY_EQUAL = frozenset({0x06, 0x86, 0x05})

Handler = Callable[["CkdDevice", bytes, int, bool], CCWResult]
_COMMANDS: dict[int, tuple[Handler, bool]] = {}  # opcode -> (handler, multitrack)


def _command(*opcodes: int, multitrack: tuple[int, ...] = ()) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for opcode in opcodes:
            _COMMANDS[opcode] = (handler, False)
        for opcode in multitrack:
            _COMMANDS[opcode] = (handler, True)
        return handler

    return register


class CkdDevice(Device):
    """A virtual CKD disk over a :class:`TrackStore`."""

    def __init__(self, store: TrackStore) -> None:
        self.store = store
        self.geometry = store.geometry
        self.sense_length = self.geometry.sense_bytes
        self.sense_id_data = self.geometry.sense_id_bytes()
        self.device_type = self.geometry.device_type
        super().__init__()
        self.cylinder = 0
        self.head = 0
        self.track: Track | None = None
        self.orientation = Orientation.INDEX
        self.current = 0  # index in track.records of the record oriented on
        self.index_passes = 0
        self.file_mask = 0
        self.mask_set = False
        self.equal_search: str | None = None  # "id" or "key"
        self.home_equal = False  # Search Home Address equal or Write HA: Write R0 allowed
        self.write_allowed = False  # a Write R0 or Write CKD earlier in this program
        self._previous_search: str | None = None  # equal_search before this command
        self._opcode = 0

    # -- the device contract --

    def begin_chain(self) -> None:
        self.track = None  # another link may have written the track since
        self.file_mask = 0
        self.mask_set = False
        self.equal_search = None
        self.home_equal = False
        self.write_allowed = False
        self.index_passes = 0

    def reset(self) -> None:
        super().reset()
        self.begin_chain()
        self.cylinder = self.head = 0
        self.track = None
        self.orientation = Orientation.INDEX

    def command(self, opcode: int, flags: int, data: bytes, count: int) -> CCWResult:
        entry = _COMMANDS.get(opcode)
        if entry is None:
            return self.reject(MSG_INVALID_COMMAND, count)
        handler, multitrack = entry
        previous = self._previous_search = self.equal_search
        self.equal_search = None
        self._opcode = opcode
        try:
            result = handler(self, data, count, multitrack)
        except _Check as check:
            result = check.result
            if not check.after_data:
                result.residual = count
        except Exception as error:  # noqa: BLE001 - a store's refusal becomes unit check
            self.track = None  # reread: the stored track is what counts
            if not isinstance(error, DeviceStoreError):
                raise
            result = self.unit_check(error.sense)
        if self.equal_search is None and previous is not None:
            kept = _AFTER_ID_EQUAL if previous == "id" else _AFTER_KEY_EQUAL
            if opcode in kept and not result.status & ~CE_DE:
                self.equal_search = previous
        if opcode not in (0x15, 0x19, 0x39):
            self.home_equal = False
        return result

    def sense_command(self, count: int) -> CCWResult:
        """04 SENSE: bytes 5-6 give the current cylinder and head (24-byte format)."""
        if self.sense_length >= 24:
            if self.store.cylinders > 4095:
                self.sense[5:7] = b"\xff\xff"
            else:
                self.sense[5] = self.cylinder & 0xFF
                self.sense[6] = self.cylinder >> 4 & 0xF0 | self.head
        return super().sense_command(count)

    # -- positioning helpers --

    def _fail(self, byte0: int = 0, byte1: int = 0, byte7: int = 0,
              after_data: bool = False) -> _Check:
        sense = bytearray(self.sense_length)
        sense[0] = byte0
        sense[1] = byte1
        if self.sense_length > 7:
            sense[7] = byte7
        return _Check(self.unit_check(bytes(sense)), after_data)

    def _reject(self, message: int, after_data: bool = False) -> _Check:
        return self._fail(0x80, 0, message, after_data)

    def _loaded(self) -> Track:
        if self.track is None:
            self.track = Track.parse(self.store.read_track_image(self.cylinder, self.head))
        return self.track

    def _move(self, cylinder: int, head: int) -> None:
        self.cylinder, self.head = cylinder, head
        self.track = None
        self.orientation = Orientation.INDEX
        self._loaded()

    def _next_head(self) -> None:
        """Multitrack: continue on the next head of the cylinder."""
        if self.file_mask & MASK_SEEK == MASK_NO_SEEK:
            raise self._fail(0, FILE_PROTECTED)
        if self.head + 1 >= self.store.heads:
            raise self._fail(0, END_OF_CYLINDER)
        self._move(self.cylinder, self.head + 1)

    def _advance(self, skip_r0: bool, multitrack: bool) -> Record:
        """Move to the next count field; wrap, switch heads or report no record found."""
        on_record = self.orientation not in (Orientation.INDEX, Orientation.HOME)
        index = self.current + 1 if on_record else 0
        while True:
            records = self._loaded().records
            if skip_r0 and index == 0:
                index = 1
            if index < len(records):
                self.current = index
                self.orientation = Orientation.COUNT
                return records[index]
            if multitrack:
                self._next_head()
            else:
                self.index_passes += 1
                if self.index_passes >= 2:
                    self.orientation = Orientation.INDEX
                    raise self._fail(0, NO_RECORD_FOUND)
            index = 0

    def _current_or_next(self, multitrack: bool, after_key: bool = False) -> Record:
        """The record oriented on after its count (or key) by a search, else the next one."""
        if self.orientation is Orientation.COUNT or (
                after_key and self.orientation is Orientation.KEY):
            return self._loaded().records[self.current]
        return self._advance(True, multitrack)

    def _save(self) -> None:
        track = self._loaded()
        image = track.image()
        if len(image) > self.geometry.track_slot:
            self.track = None  # the stored track is unchanged
            raise self._fail(0, INVALID_TRACK_FORMAT)
        self.store.write_track_image(self.cylinder, self.head, image)

    def _check_write(self, allowed_masks: tuple[int, ...]) -> None:
        if self.store.read_only:
            raise self._fail(0x80, WRITE_INHIBITED)
        if self.file_mask & MASK_WRITE not in allowed_masks:
            raise self._reject(MSG_INVALID_SEQUENCE)

    def _check_seek(self, allowed: tuple[int, ...]) -> None:
        if self.file_mask & MASK_SEEK not in allowed:
            raise self._fail(0, FILE_PROTECTED)

    # -- control commands --

    @_command(NOP)
    def nop(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        self.index_passes = 0
        return immediate(count)

    @_command(0x07)
    def seek(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """07 SEEK: BBCCHH; needs seek control X'00' in the file mask."""
        self._check_seek((0,))
        return self._seek(data, count, head_only=False)

    @_command(0x0B)
    def seek_cylinder(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """0B SEEK CYLINDER: as Seek; seek control X'00' or X'08'."""
        self._check_seek((0, MASK_SEEK_CYL_HEAD))
        return self._seek(data, count, head_only=False)

    @_command(0x1B)
    def seek_head(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """1B SEEK HEAD: changes the head only; refused with seek control X'18'."""
        self._check_seek((0, MASK_SEEK_CYL_HEAD, MASK_SEEK_HEAD))
        return self._seek(data, count, head_only=True)

    def _seek(self, data: bytes, count: int, head_only: bool) -> CCWResult:
        if count < 6:
            raise self._reject(MSG_COUNT_TOO_SMALL)
        bb = int.from_bytes(data[0:2], "big")
        cylinder = self.cylinder if head_only else int.from_bytes(data[2:4], "big")
        head = int.from_bytes(data[4:6], "big")
        if bb or cylinder >= self.store.cylinders or head >= self.store.heads:
            raise self._reject(MSG_INVALID_ARGUMENT, after_data=True)
        self.index_passes = 0
        self._move(cylinder, head)
        return consumed(count, 6)

    @_command(0x13)
    def recalibrate(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """13 RECALIBRATE."""
        self._check_seek((0,))
        self.index_passes = 0
        self._move(0, 0)
        return immediate(count)

    @_command(0x23)
    def set_sector(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """23 SET SECTOR: accepted and ignored (rotation is not simulated)."""
        if not self.geometry.sectors:
            raise self._reject(MSG_INVALID_COMMAND)
        self.index_passes = 0
        return consumed(count, 1)

    @_command(0x22)
    def read_sector(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """22 READ SECTOR: sector 0."""
        if not self.geometry.sectors:
            raise self._reject(MSG_INVALID_COMMAND)
        return transfer(count, b"\0")

    @_command(0x1F)
    def set_file_mask(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """1F SET FILE MASK: once per channel program; the reserved bit must be zero."""
        if self.mask_set:
            raise self._reject(MSG_INVALID_SEQUENCE)
        if data[0] & MASK_RESERVED:
            raise self._reject(MSG_INVALID_ARGUMENT, after_data=True)
        self.file_mask = data[0]
        self.mask_set = True
        self.index_passes = 0
        return consumed(count, 1)

    @_command(0xB4, 0x94)
    def reserve_release(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """B4 DEVICE RESERVE, 94 DEVICE RELEASE: no sharing here; return the sense bytes."""
        return transfer(count, bytes(self.sense_length))

    # -- searches --

    @_command(0x31, 0x51, 0x71, multitrack=(0xB1, 0xD1, 0xF1))
    def search_id(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """31 SEARCH ID EQUAL, 51 HIGH, 71 EQUAL OR HIGH: the next count field (R0 too)."""
        return self.search(self._opcode, data, count)

    @_command(0x29, 0x49, 0x69, multitrack=(0xA9, 0xC9, 0xE9))
    def search_key(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """29 SEARCH KEY EQUAL, 49 HIGH, 69 EQUAL OR HIGH: the next key (R0 skipped)."""
        return self.search(self._opcode, data, count)

    def search(self, opcode: int, data: bytes, count: int) -> CCWResult:
        """The Search ID and Search Key families: status modifier when the condition holds."""
        multitrack = bool(opcode & 0x80)
        condition = opcode & 0x70  # X'30' or X'20' equal, X'50'/X'40' high, X'70'/X'60' both
        if opcode & 0x0F == 0x01:  # Search ID
            record = self._advance(False, multitrack)
            recorded = record.ident
            length = 5
        else:
            record = self._current_or_next(multitrack)
            self.orientation = Orientation.KEY
            recorded = record.key
            length = record.key_length
            if not length:
                return consumed(count, 0)
        # A shorter argument compares that many bytes and is not incorrect length.
        argument = data[: min(count, length)]
        recorded = recorded[: len(argument)]
        equal, high = recorded == argument, recorded > argument
        met = {0x30: equal, 0x20: equal, 0x50: high, 0x40: high}.get(condition, equal or high)
        if met and condition in (0x30, 0x20) and len(argument) == length:
            self.equal_search = "id" if opcode & 0x0F == 0x01 else "key"
        status = CE_DE | (STATUS_MODIFIER if met else 0)
        return consumed(count, len(argument), status)

    @_command(0x39, multitrack=(0xB9,))
    def search_home_address(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """39 SEARCH HOME ADDRESS EQUAL: CCHH of the track's home address."""
        if multitrack:
            self._next_head()
        track = self._loaded()
        self.orientation = Orientation.HOME
        self.index_passes = 0
        argument = data[: min(count, 4)]
        met = track.home_address[1 : 1 + len(argument)] == argument
        self.home_equal = met
        return consumed(count, 4, CE_DE | (STATUS_MODIFIER if met else 0))

    # -- reads --

    def _read_data_area(self, count: int, record: Record, payload: bytes) -> CCWResult:
        self.orientation = Orientation.DATA
        self.index_passes = 0
        if not record.data_length:
            return transfer(count, payload, CE_DE | UNIT_EXCEPTION)
        return transfer(count, payload)

    @_command(0x06, multitrack=(0x86,))
    def read_data(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """06 READ DATA: the current record after a search, else the next (R0 skipped)."""
        record = self._current_or_next(multitrack, after_key=True)
        return self._read_data_area(count, record, record.data)

    @_command(0x0E, multitrack=(0x8E,))
    def read_key_and_data(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """0E READ KEY AND DATA."""
        record = self._current_or_next(multitrack)
        return self._read_data_area(count, record, record.key + record.data)

    @_command(0x12, multitrack=(0x92,))
    def read_count(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """12 READ COUNT: the next count field (R0 skipped), overflow flag cleared."""
        record = self._advance(True, multitrack)
        return transfer(count, record.ident + record.count[5:])

    @_command(0x1E, multitrack=(0x9E,))
    def read_count_key_data(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """1E READ COUNT, KEY AND DATA: the next record (R0 skipped)."""
        record = self._advance(True, multitrack)
        self.orientation = Orientation.DATA
        self.index_passes = 0
        status = CE_DE if record.data_length else CE_DE | UNIT_EXCEPTION
        return transfer(count, record.image(), status)

    @_command(0x16, multitrack=(0x96,))
    def read_r0(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """16 READ R0: count, key and data of record 0."""
        if multitrack:
            self._next_head()
        track = self._loaded()
        if not track.records:
            raise self._fail(0, NO_RECORD_FOUND)
        self.current = 0
        self.orientation = Orientation.DATA
        self.index_passes = 0
        return transfer(count, track.records[0].image())

    @_command(0x1A, multitrack=(0x9A,))
    def read_home_address(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """1A READ HOME ADDRESS: flag, CC, HH of the track (the real address)."""
        if multitrack:
            self._next_head()
        self.orientation = Orientation.HOME
        self.index_passes = 0
        return transfer(count, self._loaded().home_address)

    @_command(0x5E)
    def read_multiple(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """5E READ MULTIPLE COUNT KEY AND DATA: the rest of the track, R0 excluded."""
        track = self._loaded()
        on_record = self.orientation not in (Orientation.INDEX, Orientation.HOME)
        first = max(self.current + 1 if on_record else 1, 1)
        self.orientation = Orientation.INDEX
        self.index_passes = 0
        return transfer(count, b"".join(r.image() for r in track.records[first:]))

    @_command(0x02)
    def read_ipl(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """02 READ IPL: cylinder 0 head 0, data of the first record after R0."""
        if self.mask_set:
            raise self._reject(MSG_INVALID_SEQUENCE)
        self._move(0, 0)
        self.index_passes = 0
        record = self._advance(True, False)
        return self._read_data_area(count, record, record.data)

    # -- writes --

    @_command(0x05)
    def write_data(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """05 WRITE DATA: the record found by an equal search, in place."""
        return self._update(data, count, with_key=False)

    @_command(0x0D)
    def write_key_and_data(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """0D WRITE KEY AND DATA: after Search ID Equal only."""
        return self._update(data, count, with_key=True)

    def _update(self, data: bytes, count: int, with_key: bool) -> CCWResult:
        self._check_write((0, MASK_UPDATE_ONLY, MASK_ALL_WRITES))
        wanted = ("id",) if with_key else ("id", "key")
        if self._previous_search not in wanted or self.orientation not in (
                Orientation.COUNT, Orientation.KEY):
            raise self._reject(MSG_INVALID_SEQUENCE)
        record = self._loaded().records[self.current]
        key_length = record.key_length if with_key else 0
        length = key_length + record.data_length
        if not record.data_length:
            return consumed(count, 0, CE_DE | UNIT_EXCEPTION)
        payload = data[:length].ljust(length, b"\0")
        if with_key:
            record.key = payload[:key_length]
        record.data = payload[key_length:]
        self._save()
        self.orientation = Orientation.DATA
        self.index_passes = 0
        return consumed(count, length)

    @_command(0x1D)
    def write_count_key_data(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """1D WRITE COUNT, KEY AND DATA: a new record after the current one; rest erased."""
        return self._format_write(data, count, overflow=False, erase=False)

    @_command(0x01)
    def write_special(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """01 WRITE SPECIAL COUNT, KEY AND DATA: as 1D with the track-overflow flag."""
        if self.geometry.device_type == 0x3380:
            raise self._reject(MSG_INVALID_COMMAND)
        return self._format_write(data, count, overflow=True, erase=False)

    @_command(0x11)
    def erase(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """11 ERASE: the end-of-track marker after the current record."""
        return self._format_write(data, count, overflow=False, erase=True)

    def _format_write(self, data: bytes, count: int, overflow: bool, erase: bool) -> CCWResult:
        self._check_write((0, MASK_ALL_WRITES))
        allowed = self._previous_search is not None or self.write_allowed
        if not allowed or self.orientation in (Orientation.INDEX, Orientation.HOME):
            raise self._reject(MSG_INVALID_SEQUENCE)
        if count < 8:
            raise self._reject(MSG_COUNT_TOO_SMALL)
        record = self._record_from(data)
        if overflow:
            record.count = bytes([record.count[0] | 0x80]) + record.count[1:]
        track = self._loaded()
        del track.records[self.current + 1 :]
        if not erase:
            track.records.append(record)
            self.current += 1
        self._save()
        self.write_allowed = not erase
        self.orientation = Orientation.DATA
        self.index_passes = 0
        return consumed(count, 8 + record.key_length + record.data_length)

    @staticmethod
    def _record_from(data: bytes) -> Record:
        record = Record(bytes(data[:8]))
        body = data[8 : 8 + record.key_length + record.data_length]
        body = body.ljust(record.key_length + record.data_length, b"\0")
        record.key = body[: record.key_length]
        record.data = body[record.key_length :]
        return record

    @_command(0x15)
    def write_r0(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """15 WRITE R0: after Search Home Address Equal or Write HA; file mask X'C0'."""
        self._check_write((MASK_ALL_WRITES,))
        if not self.home_equal:
            raise self._reject(MSG_INVALID_SEQUENCE)
        if count < 8:
            raise self._reject(MSG_COUNT_TOO_SMALL)
        record = self._record_from(data)
        self._loaded().records[:] = [record]
        self.current = 0
        self._save()
        self.write_allowed = True
        self.orientation = Orientation.DATA
        self.index_passes = 0
        return consumed(count, 8 + record.key_length + record.data_length)

    @_command(0x19)
    def write_home_address(self, data: bytes, count: int, multitrack: bool) -> CCWResult:
        """19 WRITE HOME ADDRESS: needs file mask X'C0'; the data is accepted and discarded."""
        if self.file_mask & MASK_WRITE != MASK_ALL_WRITES:
            raise self._fail(0, FILE_PROTECTED)
        if self.store.read_only:
            raise self._fail(0x80, WRITE_INHIBITED)
        self.home_equal = True
        self.orientation = Orientation.HOME
        self.index_passes = 0
        return consumed(count, 5)
