"""CKD track images: home address, R0, records, end-of-track marker.

Models the uncompressed track image of reference/dasd.md section 2.3 (the form
every Hercules CKD format shares) and the record structure of section 1.1:
a 5-byte home address (flag, CC, HH), record 0, then records of an 8-byte
count field (CC HH R KL DL), a key and a data area, ended by eight X'FF'.

A :class:`Track` is the parsed form a CKD device works on: records in track
order with their count fields kept as written, so a Search ID argument is
compared with recorded count fields without translation (section 3).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from server.dasd.errors import DasdError, Fault

__all__ = [
    "COUNT_LENGTH",
    "END_OF_TRACK",
    "HA_LENGTH",
    "NULL_TRACK_LENGTH",
    "Record",
    "Track",
    "image_length",
    "null_track_image",
]

HA_LENGTH = 5
COUNT_LENGTH = 8
END_OF_TRACK = b"\xff" * 8
#: Length of a freshly initialised track: HA, standard R0 (8 data bytes), end marker.
NULL_TRACK_LENGTH = HA_LENGTH + COUNT_LENGTH + 8 + len(END_OF_TRACK)
_OVERFLOW = 0x8000  # track-overflow flag in the count field's CC (dasd.md 1.1)


@dataclass(slots=True)
class Record:
    """One record: count field values, key and data.

    ``cylinder`` and ``head`` are as recorded (on a minidisk, minidisk-relative);
    ``overflow`` is the track-overflow flag kept apart from the cylinder.
    """

    cylinder: int
    head: int
    number: int
    key: bytes = b""
    data: bytes = b""
    overflow: bool = False

    @property
    def key_length(self) -> int:
        return len(self.key)

    @property
    def data_length(self) -> int:
        return len(self.data)

    @property
    def is_end_of_file(self) -> bool:
        """KL = 0 and DL = 0: an end-of-file record."""
        return not self.key and not self.data

    def ident(self) -> bytes:
        """CCHHR (5 bytes) as a Search ID compares it: overflow flag masked off."""
        return (
            self.cylinder.to_bytes(2, "big") + self.head.to_bytes(2, "big") + bytes([self.number])
        )

    def count_field(self) -> bytes:
        """The 8-byte count field CC HH R KL DL as recorded (overflow flag included)."""
        cylinder = self.cylinder | (_OVERFLOW if self.overflow else 0)
        return (
            cylinder.to_bytes(2, "big")
            + self.head.to_bytes(2, "big")
            + bytes([self.number, len(self.key)])
            + len(self.data).to_bytes(2, "big")
        )

    def image(self) -> bytes:
        """Count, key and data as they appear in a track image."""
        return self.count_field() + self.key + self.data

    @property
    def size(self) -> int:
        """Bytes this record takes in a track image."""
        return COUNT_LENGTH + len(self.key) + len(self.data)

    @classmethod
    def from_count(
        cls, count: bytes, key: bytes | memoryview = b"", data: bytes | memoryview = b""
    ) -> Record:
        """A record from an 8-byte count field; KL/DL of the count are ignored."""
        cylinder = int.from_bytes(count[0:2], "big")
        return cls(
            cylinder=cylinder & ~_OVERFLOW,
            head=int.from_bytes(count[2:4], "big"),
            number=count[4],
            key=bytes(key),
            data=bytes(data),
            overflow=bool(cylinder & _OVERFLOW),
        )


def _standard_r0(cylinder: int, head: int) -> Record:
    return Record(cylinder, head, 0, b"", bytes(8))


@dataclass
class Track:
    """A parsed track: the home address and the records, R0 first.

    ``cylinder``/``head`` are the home address (the real track address).
    ``records[0]`` is record 0; the user records follow in track order.
    """

    cylinder: int
    head: int
    records: list[Record] = field(default_factory=list)

    @classmethod
    def null(cls, cylinder: int, head: int, r0_cylinder: int | None = None) -> Track:
        """A freshly initialised track: HA, standard R0, no records.

        ``r0_cylinder`` is the cylinder put in R0's count field (the minidisk-relative
        cylinder when the track is seen through a minidisk); default the HA cylinder.
        """
        r0 = cylinder if r0_cylinder is None else r0_cylinder
        return cls(cylinder, head, [_standard_r0(r0, head)])

    @classmethod
    def parse(cls, image: bytes | bytearray | memoryview) -> Track:
        """Decode a track image; raise DasdError(INVALID_TRACK_FORMAT) if it is malformed.

        Bytes after the end-of-track marker (the rest of an image slot) are ignored.
        This is the hot path of every CKD channel program, hence the plain loop.
        """
        data = image if isinstance(image, bytes) else bytes(image)
        end = len(data)
        if end < HA_LENGTH + COUNT_LENGTH:
            raise DasdError(Fault.INVALID_TRACK_FORMAT, "track image shorter than HA and R0")
        records: list[Record] = []
        append = records.append
        position = HA_LENGTH
        while True:
            count = data[position : position + COUNT_LENGTH]
            if count == END_OF_TRACK:
                break
            if len(count) < COUNT_LENGTH:
                raise DasdError(Fault.INVALID_TRACK_FORMAT, "track image has no end marker")
            key_end = position + COUNT_LENGTH + count[5]
            data_end = key_end + (count[6] << 8 | count[7])
            if data_end > end:
                raise DasdError(Fault.INVALID_TRACK_FORMAT, "record runs past the track image")
            cylinder = count[0] << 8 | count[1]
            key = data[position + COUNT_LENGTH : key_end]
            append(
                Record(
                    cylinder & 0x7FFF,
                    count[2] << 8 | count[3],
                    count[4],
                    key,
                    data[key_end:data_end],
                    cylinder >= _OVERFLOW,
                )
            )
            position = data_end
        if not records:
            raise DasdError(Fault.INVALID_TRACK_FORMAT, "track image has no record 0")
        return cls(data[1] << 8 | data[2], data[3] << 8 | data[4], records)

    def image(self) -> bytes:
        """The track image: HA, records, end-of-track marker."""
        parts = [b"\x00", self.cylinder.to_bytes(2, "big"), self.head.to_bytes(2, "big")]
        parts.extend(record.image() for record in self.records)
        parts.append(END_OF_TRACK)
        return b"".join(parts)

    @property
    def size(self) -> int:
        """Bytes of the track image."""
        return HA_LENGTH + sum(record.size for record in self.records) + len(END_OF_TRACK)

    @property
    def home_address(self) -> bytes:
        """The 5 Home Address bytes F CC HH (flag X'00')."""
        return b"\x00" + self.cylinder.to_bytes(2, "big") + self.head.to_bytes(2, "big")

    @property
    def r0(self) -> Record:
        return self.records[0]

    @property
    def user_records(self) -> list[Record]:
        """R1 and on, in track order."""
        return self.records[1:]

    def index_of(self, ident: bytes) -> int | None:
        """Position in ``records`` of the first record whose CCHHR equals ``ident``."""
        for index, record in enumerate(self.records):
            if record.ident() == ident:
                return index
        return None

    def find(self, number: int) -> Record | None:
        """The first user record numbered ``number`` (R0 when 0), whatever its CCHH."""
        return next((r for r in self.records if r.number == number), None)

    def record(self, number: int) -> Record:
        """The first record numbered ``number``; DasdError(NO_RECORD_FOUND) when absent."""
        record = self.find(number)
        if record is None:
            raise DasdError(
                Fault.NO_RECORD_FOUND,
                f"no record {number} on cylinder {self.cylinder} head {self.head}",
            )
        return record

    def record_by_id(self, ident: bytes) -> Record:
        """The first record whose recorded CCHHR is ``ident``; DasdError(NO_RECORD_FOUND)."""
        index = self.index_of(ident)
        if index is None:
            raise DasdError(
                Fault.NO_RECORD_FOUND,
                f"no record {ident.hex().upper()} on cylinder {self.cylinder} head {self.head}",
            )
        return self.records[index]

    def update(self, number: int, data: bytes, key: bytes | None = None) -> Record:
        """Rewrite data (and key) of record ``number`` in place (Write Data, Write Key and
        Data): the recorded lengths stay, shorter values are padded with X'00', longer
        ones are refused with DasdError(INVALID_ARGUMENT)."""
        record = self.record(number)
        record.data = _fit(data, record.data_length, "data")
        if key is not None:
            record.key = _fit(key, record.key_length, "key")
        return record

    def write_record_after(self, number: int, record: Record) -> None:
        """Write ``record`` after record ``number`` and erase the rest (Write CKD; after
        R0 when ``number`` is 0); DasdError(NO_RECORD_FOUND) when ``number`` is absent."""
        self.write_after(self.records.index(self.record(number)), record)

    def erase_after(self, index: int) -> None:
        """Erase every record after ``records[index]`` (Write CKD, Write R0, Erase)."""
        del self.records[index + 1 :]

    def write_after(self, index: int, record: Record) -> None:
        """Write ``record`` after ``records[index]`` and erase the rest (Write CKD)."""
        self.erase_after(index)
        self.records.append(record)

    def is_null(self) -> bool:
        """True for a freshly initialised track whose R0 carries the HA address."""
        return self.records == [_standard_r0(self.cylinder, self.head)]


def image_length(data: bytes) -> int:
    """Length of the track image at the start of ``data`` (a slot), through its end marker.

    Walks the count fields only; DasdError(INVALID_TRACK_FORMAT) when no end marker
    follows whole records.
    """
    end = len(data)
    position = HA_LENGTH
    while True:
        count = data[position : position + COUNT_LENGTH]
        if count == END_OF_TRACK:
            if position == HA_LENGTH:
                raise DasdError(Fault.INVALID_TRACK_FORMAT, "track image has no record 0")
            return position + COUNT_LENGTH
        if len(count) < COUNT_LENGTH:
            raise DasdError(Fault.INVALID_TRACK_FORMAT, "track image has no end marker")
        position += COUNT_LENGTH + count[5] + (count[6] << 8 | count[7])
        if position > end:
            raise DasdError(Fault.INVALID_TRACK_FORMAT, "record runs past the track image")


def _fit(value: bytes, length: int, what: str) -> bytes:
    if len(value) > length:
        raise DasdError(Fault.INVALID_ARGUMENT, f"{what} of {len(value)} bytes exceeds {length}")
    return bytes(value).ljust(length, b"\x00")


def null_track_image(cylinder: int, head: int, r0_cylinder: int | None = None) -> bytes:
    """The image of :meth:`Track.null`."""
    return Track.null(cylinder, head, r0_cylinder).image()
