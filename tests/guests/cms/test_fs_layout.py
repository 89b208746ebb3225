"""Codecs of the R6 disk format against the byte layouts of reference/dasd.md 5."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guests.cms.fs.errors import DirectoryError, FileFormatError, InvalidFileId, NotCmsDisk
from guests.cms.fs.layout import (
    FstEntry,
    Mfd,
    chain_link_count,
    check_name,
    decode_first_link,
    decode_fst,
    decode_fst_block,
    decode_label,
    decode_mfd,
    decode_nth_link,
    decode_records,
    encode_first_link,
    encode_fst,
    encode_fst_block,
    encode_label,
    encode_mfd,
    encode_nth_link,
    encode_records,
    extension_count,
    join_bitmap,
    last_bitmap_byte,
    matches,
    mfd_list_fits,
    split_bitmap,
    split_first_chain_link_address,
)

# The observed entry of dasd.md 5.6.
OBSERVED_FST = bytes.fromhex(
    "6D6DD4C5D4D4C7D9 C840404040404040 0606 2016 0064 0001 D7F1 0063 0006 E5 00 00000048"
    " 0004 F0F9".replace(" ", "")
)


def test_observed_fst_entry_decodes() -> None:
    entry = decode_fst(OBSERVED_FST)
    assert entry == FstEntry(
        fn="__MEMMGR", ft="H", mode="P1", recfm="V", lrecl=72, item_count=99,
        data_blocks=4, first_chain_link=6, month=6, day=6, hour=20, minute=16,
        year="09", write_pointer=100, read_pointer=1, flags=0,
    )  # fmt: skip
    assert encode_fst(entry) == OBSERVED_FST
    assert entry.written() == "06/06/09 20:16"
    assert (entry.mode_letter, entry.mode_number, entry.fileid) == ("P", 1, "__MEMMGR H P1")


@pytest.mark.parametrize(
    ("offset", "value", "message"),
    [(24, b"\x00\xf1", "MODE"), (25, b"\xc1", "MODE"), (30, b"\xc4", "RECORD FORMAT"),
     (16, b"\x1a", "DATE"), (17, b"\x32", "DATE"), (18, b"\x24", "DATE")],
)  # fmt: skip
def test_bad_fst_fields_are_directory_errors(offset: int, value: bytes, message: str) -> None:
    raw = bytearray(OBSERVED_FST)
    raw[offset : offset + len(value)] = value
    with pytest.raises(DirectoryError, match=message):
        decode_fst(bytes(raw))


def test_fst_block_packs_twenty_and_skips_unused() -> None:
    entry = decode_fst(OBSERVED_FST)
    block = encode_fst_block([entry, entry])
    assert block[:80] == OBSERVED_FST * 2 and block[80:] == bytes(720)
    holey = bytes(40) + OBSERVED_FST + bytes(720)
    assert decode_fst_block(holey) == [entry]
    with pytest.raises(ValueError):
        encode_fst_block([entry] * 21)


def test_label() -> None:
    block = encode_label("MNT19D")
    assert block[:10] == bytes.fromhex("C3D4E27ED4D5E3F1F9C4") and block[10:] == bytes(790)
    assert decode_label(block) == "MNT19D"
    assert encode_label("AB")[4:10] == bytes.fromhex("C1C240404040")
    assert decode_label(encode_label("AB")) == "AB"
    with pytest.raises(NotCmsDisk):
        decode_label(bytes(800))
    with pytest.raises(NotCmsDisk):
        decode_label(bytes.fromhex("C3D4E2F1") + bytes(796))  # an EDF label (6.1)


def fresh_mfd() -> Mfd:
    return Mfd(
        fst_blocks=(5,), extension_blocks=(), total_blocks=570, used_blocks=5, left_blocks=565,
        last_byte=0, cylinders=1, qmsk=b"\xf8", unit_code=0x0B,
    )  # fmt: skip


def test_mfd_of_a_freshly_formatted_3350() -> None:
    block = encode_mfd(fresh_mfd())
    assert block[:4] == bytes.fromhex("0005FFFF") and block[4:364] == bytes(360)
    assert block[364:384] == bytes.fromhex(
        "0000023A 00000005 00000235 00000000 00000001".replace(" ", "")
    )
    assert block[384] == 0xF8 and block[385:599] == bytes(214)
    assert block[599] == 0x0B and block[600:] == bytes(200)
    assert decode_mfd(block) == Mfd(**{**fresh_mfd().__dict__, "qmsk": b"\xf8" + bytes(214)})


def test_mfd_with_extension_list() -> None:
    mfd = Mfd((5, 9), (6, 7, 8, 10, 11, 12, 13, 14, 15, 16), 65531, 100, 65431, 300, 115,
              bytes(215), 0x0B)  # fmt: skip
    block = encode_mfd(mfd)
    assert block[:8] == bytes.fromhex("00050009FFFD0006")
    assert block[24:28] == bytes.fromhex("00100000")
    assert decode_mfd(block) == mfd


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ("0005", "NO END"),  # no sentinel at all (rest of the list is zero)
        ("FFFF", "NO FST BLOCKS"),
        ("0003FFFF", "OUTSIDE"),
        ("0005 0005 FFFF", "TWICE"),
        ("0005 FFFD 0006", "EXTENSION"),
    ],
)
def test_bad_mfd_lists(words: str, message: str) -> None:
    block = bytearray(encode_mfd(fresh_mfd()))
    block[:364] = bytes(364)
    raw = bytes.fromhex(words.replace(" ", ""))
    block[: len(raw)] = raw
    with pytest.raises(DirectoryError, match=message):
        decode_mfd(bytes(block))


def test_mfd_without_sentinel_in_list_space() -> None:
    block = bytearray(encode_mfd(fresh_mfd()))
    block[:364] = b"\x00\x05" * 182
    with pytest.raises(DirectoryError):
        decode_mfd(bytes(block))


@pytest.mark.parametrize("adtnum", [0, 4, 65532, 0xFFFFFFFF])
def test_mfd_adtnum_range(adtnum: int) -> None:
    block = bytearray(encode_mfd(fresh_mfd()))
    block[364:368] = adtnum.to_bytes(4, "big")
    with pytest.raises(DirectoryError, match="ADTNUM"):
        decode_mfd(bytes(block))


def test_mfd_list_space() -> None:
    assert mfd_list_fits(181, 0) and not mfd_list_fits(182, 0)
    assert mfd_list_fits(170, 10) and not mfd_list_fits(171, 10)


@pytest.mark.parametrize(
    ("adtnum", "count"), [(570, 0), (1720, 0), (1721, 1), (8120, 1), (8121, 2), (39900, 6),
                          (65531, 10)]
)  # fmt: skip
def test_extension_count(adtnum: int, count: int) -> None:
    assert extension_count(adtnum) == count


def test_bitmap_example_and_split() -> None:
    bitmap = bytearray(join_bitmap(b"\xff" * 11, [], 570))
    assert len(bitmap) == 72 and bitmap[:11] == b"\xff" * 11 and last_bitmap_byte(bitmap) == 10
    big = join_bitmap(bytes(215), [b"\x80" + bytes(799)], 8000)
    assert len(big) == 1000 and big[215] == 0x80  # block 1721 is the first extension bit
    qmsk, parts = split_bitmap(big, 1)
    assert qmsk == bytes(215) and parts[0][0] == 0x80 and len(parts[0]) == 800
    assert last_bitmap_byte(bytes(10)) == 0


def test_chain_links() -> None:
    first = encode_first_link([7, 8], list(range(100, 160)))
    assert first[:6] == bytes.fromhex("000700080000") and first[80:82] == bytes.fromhex("0064")
    assert first[198:200] == (159).to_bytes(2, "big") and first[200:] == bytes(600)
    links, data = decode_first_link(first[:200])
    assert links[:3] == [7, 8, 0] and data == list(range(100, 160))
    nth = encode_nth_link([1, 2, 3])
    assert nth[:6] == bytes.fromhex("000100020003") and decode_nth_link(nth)[:4] == [1, 2, 3, 0]


@pytest.mark.parametrize(
    ("blocks", "links"), [(0, 0), (1, 0), (60, 0), (61, 1), (460, 1), (461, 2), (16060, 40)]
)
def test_chain_link_count(blocks: int, links: int) -> None:
    assert chain_link_count(blocks) == links


def test_2314_first_chain_link_segments() -> None:
    assert split_first_chain_link_address(0x8012, True) == (0x12, 400)
    assert split_first_chain_link_address(0x4012, True) == (0x12, 200)
    assert split_first_chain_link_address(0x0012, False) == (0x12, 0)


def test_v_records_straddle_and_zero_length() -> None:
    records = [b"", b"A" * 799, b"BC"]
    stream = encode_records("V", records)
    assert stream[:4] == bytes.fromhex("0000031F") and stream[803:805] == b"\x00\x02"
    assert decode_records("V", 799, 3, stream + bytes(100)) == records
    with pytest.raises(FileFormatError):
        decode_records("V", 799, 4, stream)


def test_f_records() -> None:
    stream = encode_records("F", [b"AB", b"CD"])
    assert stream == b"ABCD"
    assert decode_records("F", 2, 2, stream) == [b"AB", b"CD"]
    with pytest.raises(FileFormatError):
        decode_records("F", 2, 3, stream)
    with pytest.raises(FileFormatError):
        decode_records("F", 0, 1, stream)


@given(st.sampled_from("FV"), st.lists(st.binary(max_size=300), min_size=1, max_size=30))
def test_record_streams_round_trip(recfm: str, records: list[bytes]) -> None:
    if recfm == "F":
        records = [record.ljust(300, b"@") for record in records]
    lrecl = max(len(record) for record in records)
    stream = encode_records(recfm, records)
    assert decode_records(recfm, lrecl, len(records), stream) == records


@given(st.binary(min_size=40, max_size=40))
def test_fst_decode_of_random_bytes_is_clean(raw: bytes) -> None:
    try:
        entry = decode_fst(raw)
    except DirectoryError:
        return
    assert entry.recfm in ("F", "V") and entry.mode_number in range(10)


@given(st.binary(min_size=800, max_size=800))
def test_mfd_decode_of_random_bytes_is_clean(raw: bytes) -> None:
    try:
        mfd = decode_mfd(raw)
    except DirectoryError:
        return
    assert all(5 <= block <= mfd.total_blocks for block in mfd.fst_blocks)


def test_names_and_patterns() -> None:
    for good in ("PROFILE", "A", "__MEMMGR", "$X#@-_+:", "12345678", "lower"):
        check_name(good, "x")
    for bad in ("", "TOOLONGXX", "A B", "A*", "A=", "A.B"):
        with pytest.raises(InvalidFileId):
            check_name(bad, "x")
    assert matches("*", "ANY") and matches("PRO*", "PROFILE") and not matches("PRO*", "XPRO")
    assert matches("*ILE", "PROFILE") and matches("P*F*", "PROF") and not matches("A", "AB")
    assert matches("A+B", "A+B") and not matches("A.B", "AXB")
