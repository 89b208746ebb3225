"""Track images: reference/dasd.md 2.3 layout, parsing, record operations."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.dasd.errors import DasdError, Fault
from server.dasd.track import END_OF_TRACK, NULL_TRACK_LENGTH, Record, Track, null_track_image
from tests.dasd.conftest import formatted_track


def test_null_track_layout() -> None:
    image = null_track_image(0x0123, 0x0004)
    assert len(image) == NULL_TRACK_LENGTH == 29
    assert image[:5] == bytes.fromhex("0001230004")
    assert image[5:13] == bytes.fromhex("0123000400000008")
    assert image[13:21] == bytes(8)
    assert image[21:] == END_OF_TRACK


def test_null_track_r0_may_carry_another_cylinder() -> None:
    track = Track.parse(null_track_image(107, 3, r0_cylinder=7))
    assert (track.cylinder, track.head) == (107, 3)
    assert track.r0.ident() == bytes.fromhex("0007000300")
    assert not track.is_null()
    assert Track.null(107, 3).is_null()


def test_records_keep_their_count_fields() -> None:
    track = Track.null(5, 1)
    track.records.append(Record(2, 1, 1, b"KEY", b"DATA"))
    image = track.image()
    assert image[21:29] == bytes.fromhex("0002000101030004")
    assert image[29:36] == b"KEYDATA"
    assert image[36:] == END_OF_TRACK
    assert track.size == len(image)
    parsed = Track.parse(image)
    assert parsed == track
    assert parsed.user_records[0].key == b"KEY"


def test_overflow_flag_is_kept_but_masked_from_the_ident() -> None:
    record = Record(3, 2, 1, b"", b"x", overflow=True)
    assert record.count_field()[:2] == bytes.fromhex("8003")
    assert record.ident() == bytes.fromhex("0003000201")
    again = Record.from_count(record.count_field(), b"", b"x")
    assert again.overflow and again.cylinder == 3


def test_find_index_of_and_write_after() -> None:
    track = formatted_track(10, 0, records=5, record_cylinder=0)
    assert track.index_of(bytes.fromhex("0000000003")) == 3
    assert track.index_of(bytes.fromhex("000A000003")) is None  # HA cylinder, not recorded
    assert track.find(4) is not None and track.find(4).data[0] == 4  # type: ignore[union-attr]
    assert track.find(9) is None
    track.write_after(2, Record(0, 0, 3, b"", b"new"))
    assert [r.number for r in track.records] == [0, 1, 2, 3]
    assert track.records[3].data == b"new"
    track.erase_after(0)
    assert track.user_records == []


def test_end_of_file_record() -> None:
    assert Record(0, 0, 1).is_end_of_file
    assert not Record(0, 0, 1, b"", b"\x00").is_end_of_file


@pytest.mark.parametrize(
    ("image", "why"),
    [
        (b"\x00" * 10, "shorter"),
        (null_track_image(0, 0)[:-8], "no end marker"),
        (null_track_image(0, 0)[:5] + bytes.fromhex("0000000000000100") + b"\x00" * 20, "past"),
        (null_track_image(0, 0)[:5] + END_OF_TRACK, "no record 0"),
    ],
)
def test_malformed_images_are_refused(image: bytes, why: str) -> None:
    with pytest.raises(DasdError, match=why) as caught:
        Track.parse(image)
    assert caught.value.fault is Fault.INVALID_TRACK_FORMAT


records = st.lists(
    st.tuples(
        st.integers(0, 0x7FFF),
        st.integers(0, 0xFFFF),
        st.integers(0, 255),
        st.binary(max_size=20),
        st.binary(max_size=300),
        st.booleans(),
    ),
    max_size=12,
)


@given(st.integers(0, 0x7FFF), st.integers(0, 0xFFFF), records)
def test_image_parse_round_trip(cylinder: int, head: int, fields: list[tuple]) -> None:  # type: ignore[type-arg]
    track = Track.null(cylinder, head)
    track.records += [Record(c, h, r, k, d, o) for c, h, r, k, d, o in fields]
    image = track.image()
    assert len(image) == track.size
    assert Track.parse(image) == track
    assert Track.parse(image).image() == image
