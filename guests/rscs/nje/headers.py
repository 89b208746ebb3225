"""Job and data set headers and the job trailer: NJH, NDH (with the VM/370 RSCS section) and
NJT, and their segmentation (reference/nje-rscs.md sections 12.3 and 14; NJE Formats and
Protocols, "Job Header", "Data Set Header", "Job Trailer").

A header is built from sections ``LEN(2) TYPE(1) MODIFIER(1) fields``; offsets below are within
the reassembled header, including its 4-byte segment prefix ``LEN(2) FLAGS(1) SEQ(1)``. Each
header class keeps the bytes it was decoded from in ``raw`` so a transit node can forward a
file's headers unchanged.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, TypeVar

from guests.rscs.nje.wire import NJEDecodeError, from_ebcdic, to_ebcdic

SEGMENT_PREFIX = 4
MAX_SEGMENT = 253
SEQ_MORE = 0x80
SECTION_GENERAL = 0x00
SECTION_RSCS = 0x87
NJH_GENERAL_LENGTH = 200
NDH_GENERAL_LENGTH = 112
NJT_GENERAL_LENGTH = 44
RSCS_SECTION_LENGTH = 44
RSCS_TAG_LENGTH = 136

# Field layouts: attribute -> (offset, length, kind); kind "c" EBCDIC text, "u" unsigned.
Layout = dict[str, tuple[int, int, str]]

NJH_LAYOUT: Layout = {
    "job_id": (8, 2, "u"), "job_class": (10, 1, "c"), "message_class": (11, 1, "c"),
    "flags": (12, 1, "u"), "priority": (13, 1, "u"), "origin_qualifier": (14, 1, "u"),
    "copies": (15, 1, "u"), "lines_per_page": (16, 1, "u"), "hops": (18, 2, "u"),
    "account": (20, 8, "c"), "job_name": (28, 8, "c"), "user_id": (36, 8, "c"),
    "password": (44, 8, "c"), "new_password": (52, 8, "c"), "entry_time": (60, 8, "u"),
    "origin_node": (68, 8, "c"), "origin_user": (76, 8, "c"), "exec_node": (84, 8, "c"),
    "exec_user": (92, 8, "c"), "print_node": (100, 8, "c"), "print_user": (108, 8, "c"),
    "punch_node": (116, 8, "c"), "punch_user": (124, 8, "c"), "forms": (132, 8, "c"),
    "input_cards": (140, 4, "u"), "estimated_time": (144, 4, "u"),
    "estimated_lines": (148, 4, "u"), "estimated_cards": (152, 4, "u"),
    "programmer": (156, 20, "c"), "room": (176, 8, "c"), "department": (184, 8, "c"),
    "building": (192, 8, "c"), "record_count": (200, 4, "u"),
}  # fmt: skip

NDH_LAYOUT: Layout = {
    "dest_node": (8, 8, "c"), "dest_user": (16, 8, "c"), "proc_name": (24, 8, "c"),
    "step_name": (32, 8, "c"), "dd_name": (40, 8, "c"), "dataset_number": (48, 2, "u"),
    "out_class": (51, 1, "c"), "record_count": (52, 4, "u"), "flags1": (56, 1, "u"),
    "record_format": (57, 1, "u"), "lrecl": (58, 2, "u"), "copies": (60, 1, "u"),
    "fcb_index": (61, 1, "u"), "lines_per_page": (62, 1, "u"), "forms": (64, 8, "c"),
    "fcb": (72, 8, "c"), "ucs": (80, 8, "c"), "writer": (88, 8, "c"),
    "flags2": (104, 1, "u"), "ucs_options": (105, 1, "u"), "process_mode": (108, 8, "c"),
}  # fmt: skip

# Offsets relative to the start of the RSCS section.
RSCS_LAYOUT: Layout = {
    "rscs_flags": (4, 1, "u"), "vm_class": (5, 1, "c"), "origin_device": (6, 1, "u"),
    "page_length": (7, 1, "u"), "dist": (8, 8, "c"), "file_name": (16, 12, "c"),
    "file_type": (28, 12, "c"), "transmit_priority": (40, 2, "u"),
    "rscs_version": (42, 1, "u"), "rscs_release": (43, 1, "u"), "tag": (44, 136, "c"),
}  # fmt: skip

NJT_LAYOUT: Layout = {
    "flags": (8, 1, "u"), "exec_class": (9, 1, "c"), "start_time": (12, 8, "u"),
    "stop_time": (20, 8, "u"), "cpu_time": (28, 4, "u"), "lines": (32, 4, "u"),
    "cards": (36, 4, "u"), "excp_count": (40, 4, "u"), "initial_exec_priority": (44, 1, "u"),
    "actual_exec_priority": (45, 1, "u"), "initial_output_priority": (46, 1, "u"),
    "actual_output_priority": (47, 1, "u"),
}  # fmt: skip

# NDHGFLG2 and NDHVIDEV values (section 14.2).
NDH_PRINT = 0x80
NDH_PUNCH = 0x40
DEVICE_PUNCH = 0x82
DEVICE_PRINT = 0x41


def _put_fields(buffer: bytearray, base: int, layout: Layout, values: Any) -> None:
    for name, (offset, length, kind) in layout.items():
        value = getattr(values, name)
        start = base + offset
        if kind == "c":
            buffer[start : start + length] = to_ebcdic(str(value), length)
        else:
            buffer[start : start + length] = (int(value) % (1 << (8 * length))).to_bytes(
                length, "big"
            )


def _get_fields(data: bytes, base: int, end: int, layout: Layout) -> dict[str, Any]:
    """Fields that lie wholly inside ``data[base:end]``; the others keep their defaults."""
    values: dict[str, Any] = {}
    for name, (offset, length, kind) in layout.items():
        start = base + offset
        if start + length > end:
            continue
        chunk = data[start : start + length]
        values[name] = from_ebcdic(chunk) if kind == "c" else int.from_bytes(chunk, "big")
    return values


def _section_header(length: int, kind: int) -> bytes:
    return length.to_bytes(2, "big") + bytes([kind, 0])


def _with_prefix(body: bytes) -> bytes:
    return (SEGMENT_PREFIX + len(body)).to_bytes(2, "big") + bytes(2) + body


def _general_section(data: bytes) -> int:
    """Validate the reassembled header's general section and return its end offset."""
    if len(data) < SEGMENT_PREFIX + 4:
        raise NJEDecodeError(f"header of {len(data)} bytes has no general section")
    length = int.from_bytes(data[4:6], "big")
    if length < 4 or data[6] != SECTION_GENERAL:
        raise NJEDecodeError(f"bad general section: length {length} type {data[6]:02X}")
    return min(len(data), SEGMENT_PREFIX + length)


def sections(data: bytes) -> list[tuple[int, int, int]]:
    """Walk a header's sections: (offset, length, type) of each, stopping at bad lengths."""
    found: list[tuple[int, int, int]] = []
    offset = SEGMENT_PREFIX
    while offset + 4 <= len(data):
        length = int.from_bytes(data[offset : offset + 2], "big")
        if length < 4 or offset + length > len(data):
            break
        found.append((offset, length, data[offset + 2]))
        offset += length
    return found


H = TypeVar("H", "JobHeader", "DatasetHeader", "JobTrailer")


def _decode(cls: type[H], data: bytes, layout: Layout) -> H:
    end = _general_section(data)
    return cls(**_get_fields(data, 0, end, layout), raw=bytes(data))


@dataclass
class JobHeader:
    """NJH, SRCB X'C0' (section 14.1); the general section only is encoded."""

    origin_node: str = ""
    origin_user: str = ""
    exec_node: str = ""
    exec_user: str = ""
    job_id: int = 0
    job_name: str = ""
    user_id: str = ""
    job_class: str = "A"
    message_class: str = "A"
    flags: int = 0x0C
    priority: int = 7
    origin_qualifier: int = 1
    copies: int = 1
    lines_per_page: int = 0
    hops: int = 0
    account: str = ""
    password: str = ""
    new_password: str = ""
    entry_time: int = 0
    print_node: str = ""
    print_user: str = ""
    punch_node: str = ""
    punch_user: str = ""
    forms: str = ""
    input_cards: int = 0
    estimated_time: int = 0
    estimated_lines: int = 0
    estimated_cards: int = 0
    programmer: str = ""
    room: str = ""
    department: str = ""
    building: str = ""
    record_count: int = 0
    raw: bytes = field(default=b"", compare=False, repr=False)

    def encode(self) -> bytes:
        body = bytearray(_section_header(NJH_GENERAL_LENGTH, SECTION_GENERAL))
        body += bytes(NJH_GENERAL_LENGTH - 4)
        header = bytearray(_with_prefix(bytes(body)))
        _put_fields(header, 0, NJH_LAYOUT, self)
        return bytes(header)

    @classmethod
    def decode(cls, data: bytes) -> JobHeader:
        return _decode(cls, data, NJH_LAYOUT)


@dataclass
class DatasetHeader:
    """NDH, SRCB X'E0' (section 14.2), with the VM/370 RSCS section (type X'87')."""

    dest_node: str = ""
    dest_user: str = ""
    proc_name: str = ""
    step_name: str = ""
    dd_name: str = ""
    dataset_number: int = 1
    out_class: str = "A"
    record_count: int = 0
    flags1: int = 0
    record_format: int = 0x80
    lrecl: int = 80
    copies: int = 1
    fcb_index: int = 0
    lines_per_page: int = 0
    forms: str = ""
    fcb: str = ""
    ucs: str = ""
    writer: str = ""
    flags2: int = NDH_PUNCH
    ucs_options: int = 0
    process_mode: str = ""
    has_rscs_section: bool = True
    rscs_flags: int = 0
    vm_class: str = "A"
    origin_device: int = DEVICE_PUNCH
    page_length: int = 0
    dist: str = "SYSTEM"
    file_name: str = ""
    file_type: str = ""
    transmit_priority: int = 50
    rscs_version: int = 2
    rscs_release: int = 1
    tag: str = ""
    raw: bytes = field(default=b"", compare=False, repr=False)

    def encode(self) -> bytes:
        general = _section_header(NDH_GENERAL_LENGTH, SECTION_GENERAL)
        body = bytearray(general + bytes(NDH_GENERAL_LENGTH - 4))
        if self.has_rscs_section:
            length = RSCS_SECTION_LENGTH + (RSCS_TAG_LENGTH if self.tag else 0)
            body += _section_header(length, SECTION_RSCS) + bytes(length - 4)
        header = bytearray(_with_prefix(bytes(body)))
        _put_fields(header, 0, NDH_LAYOUT, self)
        if self.has_rscs_section:
            base = SEGMENT_PREFIX + NDH_GENERAL_LENGTH
            layout = RSCS_LAYOUT if self.tag else _without_tag(RSCS_LAYOUT)
            _put_fields(header, base, layout, self)
        return bytes(header)

    @classmethod
    def decode(cls, data: bytes) -> DatasetHeader:
        header = _decode(cls, data, NDH_LAYOUT)
        rscs = [(off, length) for off, length, kind in sections(data) if kind == SECTION_RSCS]
        if not rscs:
            return dataclasses.replace(header, has_rscs_section=False, raw=bytes(data))
        offset, length = rscs[0]
        values = _get_fields(data, offset, offset + length, RSCS_LAYOUT)
        return dataclasses.replace(header, **values, raw=bytes(data))


def _without_tag(layout: Layout) -> Layout:
    return {name: spec for name, spec in layout.items() if name != "tag"}


@dataclass
class JobTrailer:
    """NJT, SRCB X'D0' (section 14.3)."""

    lines: int = 0
    cards: int = 0
    flags: int = 0
    exec_class: str = "A"
    start_time: int = 0
    stop_time: int = 0
    cpu_time: int = 0
    excp_count: int = 0
    initial_exec_priority: int = 0
    actual_exec_priority: int = 0
    initial_output_priority: int = 0
    actual_output_priority: int = 0
    raw: bytes = field(default=b"", compare=False, repr=False)

    def encode(self) -> bytes:
        body = _section_header(NJT_GENERAL_LENGTH, SECTION_GENERAL) + bytes(
            NJT_GENERAL_LENGTH - 4
        )
        header = bytearray(_with_prefix(body))
        _put_fields(header, 0, NJT_LAYOUT, self)
        return bytes(header)

    @classmethod
    def decode(cls, data: bytes) -> JobTrailer:
        return _decode(cls, data, NJT_LAYOUT)


def set_hops(header: bytes, hops: int) -> bytes:
    """A copy of an encoded NJH with NJHGHOPS changed (all else byte for byte)."""
    if len(header) < 20:
        raise NJEDecodeError("NJH too short to hold a hop count")
    return header[:18] + (hops & 0xFFFF).to_bytes(2, "big") + header[20:]


def segment_header(header: bytes, max_segment: int = MAX_SEGMENT) -> list[bytes]:
    """Split a reassembled header into segments of at most ``max_segment`` bytes each."""
    content = header[SEGMENT_PREFIX:]
    size = max_segment - SEGMENT_PREFIX
    chunks = [content[start : start + size] for start in range(0, len(content), size)]
    chunks = chunks or [b""]
    segments = []
    for number, chunk in enumerate(chunks):
        more = SEQ_MORE if number < len(chunks) - 1 else 0
        prefix = (SEGMENT_PREFIX + len(chunk)).to_bytes(2, "big") + bytes([0, number | more])
        segments.append(prefix + chunk)
    return segments


class HeaderAssembler:
    """Reassembles one header from its segments (section 12.3)."""

    def __init__(self, limit: int = 32767) -> None:
        self._content = bytearray()
        self._next = 0
        self._limit = limit

    def add(self, segment: bytes) -> bytes | None:
        """Add a segment; returns the whole header after the last one, else ``None``."""
        if len(segment) < SEGMENT_PREFIX:
            raise NJEDecodeError(f"header segment of {len(segment)} bytes")
        length = int.from_bytes(segment[:2], "big")
        if length < SEGMENT_PREFIX:
            raise NJEDecodeError(f"header segment length {length}")
        sequence = segment[3]
        if sequence & 0x7F != self._next & 0x7F:
            raise NJEDecodeError(f"header segment {sequence & 0x7F}, expected {self._next}")
        self._content += segment[SEGMENT_PREFIX : min(length, len(segment))]
        if len(self._content) > self._limit:
            raise NJEDecodeError("header longer than the limit")
        self._next += 1
        if sequence & SEQ_MORE:
            return None
        whole = _with_prefix(bytes(self._content))
        self._content.clear()
        self._next = 0
        return whole
