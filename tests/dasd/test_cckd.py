"""Compressed images (CKD_C370, FBA_C370): import, export, and Hercules as the oracle."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.dasd.cckd import CompressedImage, Compression, export_cckd, import_cckd, null_track
from server.dasd.ckd import CkdImage, export_plain
from server.dasd.errors import ImageFormatError
from server.dasd.label import read_volser
from server.dasd.track import Record, Track
from tests.dasd.conftest import ckd, formatted_track, run_tool, same_file, tool_ok
from tests.tools import require_tool

G3350 = ckd("3350")
G2314 = ckd("2314")


def _sample(path: Path, cylinders: int = 12) -> CkdImage:
    """A 3350 image with varied tracks: formatted, keyed, empty-with-EOF, sparse."""
    image = CkdImage.create(path, G3350, cylinders)
    for cylinder in range(0, cylinders, 3):
        for head in range(0, 30, 4):
            image.write_track(cylinder, head, formatted_track(cylinder, head, fill=cylinder + head))
    keyed = Track.null(1, 1)
    keyed.records += [Record(1, 1, n, b"KEY%d" % n, bytes(range(256)) * 10) for n in (1, 2, 3)]
    image.write_track(1, 1, keyed)
    eof = Track.null(2, 2)
    eof.records.append(Record(2, 2, 1))
    image.write_track(2, 2, eof)
    return image


def _same_tracks(first: CkdImage, second: CkdImage) -> list[int]:
    assert (first.cylinders, first.heads) == (second.cylinders, second.heads)
    return [
        track
        for track in range(first.tracks)
        if first.read_track_image(*divmod(track, first.heads))
        != second.read_track_image(*divmod(track, second.heads))
    ]


def test_null_track_formats() -> None:
    assert len(null_track(3, 4, 0)) == 37
    assert len(null_track(3, 4, 1)) == 29
    assert len(null_track(3, 4, 2)) == 49277
    eof = Track.parse(null_track(3, 4, 0))
    assert eof.records[1].is_end_of_file and eof.records[1].ident() == bytes.fromhex("0003000401")
    with pytest.raises(ImageFormatError):
        null_track(0, 0, 3)


@pytest.mark.parametrize("compression", list(Compression))
def test_export_then_import_round_trip(tmp_path: Path, compression: Compression) -> None:
    with _sample(tmp_path / "A.ckd") as original:
        export_cckd(original, tmp_path / "A.cckd", compression)
        with CompressedImage(tmp_path / "A.cckd") as compressed:
            assert compressed.compressed.compression == compression
            assert compressed.cylinders == 12 and compressed.heads == 30
            stored = [compressed.stored(t) for t in range(compressed.tracks)]
            codes = {image[0] for image in stored if image is not None}
            assert codes == {0}  # byte 0 is reset to X'00' after decompression
        with import_cckd(tmp_path / "A.cckd", tmp_path / "B.ckd") as imported:
            assert _same_tracks(original, imported) == []
            assert not imported.is_written(0, 1)  # null tracks stay sparse
    size = (tmp_path / "A.cckd").stat().st_size
    assert size < (tmp_path / "A.ckd").stat().st_size // 10


def test_stored_images_use_the_compression_code(tmp_path: Path) -> None:
    with _sample(tmp_path / "A.ckd") as original:
        export_cckd(original, tmp_path / "A.cckd", Compression.BZIP2)
    data = (tmp_path / "A.cckd").read_bytes()
    numl1 = struct.unpack_from("<I", data, 516)[0]
    l2_offset = struct.unpack_from("<I", data, 1024)[0]
    assert numl1 == 2  # 360 tracks / 256
    offset, length, _size = struct.unpack_from("<IHH", data, l2_offset)  # track 0: formatted
    assert data[offset] == Compression.BZIP2
    assert data[offset + 1 : offset + 5] == bytes(4)  # HA stays uncompressed
    assert data[offset + 5 : offset + 8] == b"BZh"
    assert struct.unpack_from("<IHH", data, l2_offset + 8) == (0, 1, 1)  # track 1: null fmt 1


def test_shadow_and_corrupt_images_are_refused(tmp_path: Path) -> None:
    with _sample(tmp_path / "A.ckd", cylinders=3) as original:
        export_cckd(original, tmp_path / "A.cckd", Compression.ZLIB)
    data = bytearray((tmp_path / "A.cckd").read_bytes())
    shadow = bytearray(data)
    shadow[1024:1028] = b"\xff\xff\xff\xff"
    (tmp_path / "S.cckd").write_bytes(shadow)
    with pytest.raises(ImageFormatError, match="shadow"):
        import_cckd(tmp_path / "S.cckd", tmp_path / "S.ckd")
    assert not (tmp_path / "S.ckd").exists()
    l2_offset = struct.unpack_from("<I", data, 1024)[0]
    offset = struct.unpack_from("<I", data, l2_offset)[0]
    corrupt = bytearray(data)
    corrupt[offset + 5 : offset + 15] = b"\x00" * 10
    (tmp_path / "C.cckd").write_bytes(corrupt)
    with pytest.raises(ImageFormatError, match="decompress"):
        import_cckd(tmp_path / "C.cckd", tmp_path / "C.ckd")
    moved = bytearray(data)
    moved[offset + 1 : offset + 5] = bytes.fromhex("00010000")  # HA of another track
    (tmp_path / "M.cckd").write_bytes(moved)
    with pytest.raises(ImageFormatError, match="holds the image"):
        import_cckd(tmp_path / "M.cckd", tmp_path / "M.ckd")
    (tmp_path / "P.ckd").write_bytes(b"CKD_P370" + bytes(600))
    with pytest.raises(ImageFormatError, match="not a compressed"):
        CompressedImage(tmp_path / "P.ckd")


def test_big_endian_tables_are_read(tmp_path: Path) -> None:
    with _sample(tmp_path / "A.ckd", cylinders=3) as original:
        export_cckd(original, tmp_path / "A.cckd", Compression.ZLIB)
        data = bytearray((tmp_path / "A.cckd").read_bytes())
        # Rewrite the compressed header, L1 and L2 as a big-endian host would.
        for field in (4, 8, 12, 16, 40):
            value = struct.unpack_from("<I", data, 512 + field)[0]
            struct.pack_into(">I", data, 512 + field, value)
        data[512 + 3] |= 0x02
        l2_offset = struct.unpack_from("<I", data, 1024)[0]
        struct.pack_into(">I", data, 1024, l2_offset)
        for index in range(256):
            entry = struct.unpack_from("<IHH", data, l2_offset + 8 * index)
            struct.pack_into(">IHH", data, l2_offset + 8 * index, *entry)
        (tmp_path / "BE.cckd").write_bytes(data)
        with import_cckd(tmp_path / "BE.cckd", tmp_path / "BE.ckd") as imported:
            assert _same_tracks(original, imported) == []


@pytest.mark.parametrize("option", ["-z", "-bz2"])
def test_import_of_dasdinit_images(tmp_path: Path, option: str) -> None:
    dasdinit = require_tool("dasdinit")
    source = tmp_path / "H.cckd"
    tool_ok(run_tool(dasdinit, option, str(source), "3350", "HRC001", "20"))
    plain = tmp_path / "H.ckd"
    tool_ok(run_tool(dasdinit, str(plain), "3350", "HRC001", "20"))
    with import_cckd(source, tmp_path / "I.ckd") as imported, CkdImage.open(plain) as reference:
        assert imported.geometry.name == "3350" and imported.cylinders == 20
        assert read_volser(imported) == "HRC001"
        track0 = imported.read_track(0, 0)
        assert track0 == reference.read_track(0, 0)
        assert [r.key.decode("cp037") for r in track0.user_records] == ["IPL1", "IPL2", "VOL1"]
        assert imported.read_track(19, 29) == reference.read_track(19, 29)


@pytest.mark.parametrize("option", ["-z", "-bz2"])
def test_dasdcopy_compressed_images_read_back_the_same_tracks(tmp_path: Path, option: str) -> None:
    dasdcopy = require_tool("dasdcopy")
    with _sample(tmp_path / "A.ckd", cylinders=20) as original:
        export_plain(original, tmp_path / "full.ckd")
        result = run_tool(
            dasdcopy, "-q", option, str(tmp_path / "full.ckd"), str(tmp_path / "H.cckd")
        )
        tool_ok(result)
        with CompressedImage(tmp_path / "H.cckd") as compressed:
            expected = Compression.ZLIB if option == "-z" else Compression.BZIP2
            assert compressed.compressed.compression == expected
        with import_cckd(tmp_path / "H.cckd", tmp_path / "B.ckd") as imported:
            assert _same_tracks(original, imported) == []


@pytest.mark.parametrize("compression", [Compression.ZLIB, Compression.BZIP2])
def test_hercules_reads_our_compressed_export(tmp_path: Path, compression: Compression) -> None:
    dasdcopy = require_tool("dasdcopy")
    cckdcdsk = require_tool("cckdcdsk")
    with _sample(tmp_path / "A.ckd", cylinders=20) as original:
        export_cckd(original, tmp_path / "A.cckd", compression)
        export_plain(original, tmp_path / "full.ckd")
    tool_ok(run_tool(cckdcdsk, "-ro", "-3", str(tmp_path / "A.cckd")))
    copy = tmp_path / "copy.ckd"
    tool_ok(run_tool(dasdcopy, "-q", "-o", "CKD", str(tmp_path / "A.cckd"), str(copy)))
    assert same_file(copy, tmp_path / "full.ckd")


def test_compressed_fba_groups(tmp_path: Path) -> None:
    dasdinit = require_tool("dasdinit")
    source = tmp_path / "F.cfba"
    tool_ok(run_tool(dasdinit, "-z", str(source), "3310", "FBA123"))
    with CompressedImage(source) as compressed:
        assert compressed.is_fba
        assert compressed.cylinders == 125664
        assert compressed.tracks == 1048
        group = compressed.group_blocks(0)
        assert len(group) == 120 * 512
        assert group[512:522] == "VOL1FBA123".encode("cp037")
        assert compressed.group_blocks(1047) == bytes(120 * 512)


track_contents = st.dictionaries(
    st.integers(0, 39),
    st.lists(st.tuples(st.binary(max_size=8), st.binary(max_size=900)), max_size=6),
    max_size=8,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(contents=track_contents, compression=st.sampled_from(list(Compression)))
def test_any_tracks_survive_export_and_import(
    tmp_path_factory: pytest.TempPathFactory,
    contents: dict[int, list[tuple[bytes, bytes]]],
    compression: Compression,
) -> None:
    folder = tmp_path_factory.mktemp("prop")
    with CkdImage.create(folder / "A.ckd", G2314, cylinders=2) as original:
        for number, records in contents.items():
            cylinder, head = divmod(number, 20)
            track = Track.null(cylinder, head)
            track.records += [
                Record(cylinder, head, n + 1, key, data) for n, (key, data) in enumerate(records)
            ]
            original.write_track(cylinder, head, track)
        export_cckd(original, folder / "A.cckd", compression)
        with import_cckd(folder / "A.cckd", folder / "B.ckd") as imported:
            assert _same_tracks(original, imported) == []
