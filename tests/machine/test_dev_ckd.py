"""Every CKD CCW of reference/dasd.md section 4 against an in-memory track store."""

from __future__ import annotations

import pytest

from server.machine.devices.base import (
    CC,
    CE_DE,
    INCORRECT_LENGTH,
    SLI,
    STATUS_MODIFIER,
    UNIT_CHECK,
    UNIT_EXCEPTION,
    DeviceStoreError,
)
from server.machine.devices.ckd import (
    MODEL_2314,
    MODEL_3350,
    MODEL_3380,
    CkdModel,
    MemoryTrackStore,
    null_track,
)
from tests.machine.ckd_rig import Rig, Step, count_field, ident, seek_argument, sli

BLOCK = 800


def block(number: int) -> bytes:
    return bytes([number]) * BLOCK


@pytest.fixture
def rig() -> Rig:
    """A 3350 with cylinder 0 head 0 and 1 formatted as 5 CMS blocks each."""
    rig = Rig(MemoryTrackStore(MODEL_3350, cylinders=3))
    for head in (0, 1):
        assert rig.format_track(0, head, [(b"", block(head * 10 + r)) for r in range(1, 6)]
                                ).unit == CE_DE
    return rig


def search_loop(record: int, last: Step, head: int = 0) -> list[Step]:
    """The CMS R6 DMSDIO chain (dasd.md 4.4)."""
    return [Step(0x07, seek_argument(0, head)), Step(0x23, b"\x05"),
            Step(0x31, ident(0, head, record)), Step(0x08, tic=2), last]


def sense(rig: Rig) -> bytes:
    return rig.run([Step(0x04, length=24)]).buffers[0]


def test_format_writes_count_fields_and_data(rig: Rig) -> None:
    track = rig.track(0, 1)
    assert [r.count for r in track.records] == [
        count_field(0, 1, 0, 0, 8), *(count_field(0, 1, r, 0, BLOCK) for r in range(1, 6))]
    assert track.records[3].data == block(13)


def test_cms_search_loop_read(rig: Rig) -> None:
    outcome = rig.run(search_loop(4, sli(Step(0x06, length=BLOCK, flags=0))))
    assert outcome.buffers[4] == block(4)
    assert outcome.csw[4:] == bytes([CE_DE, 0, 0, 0])
    assert outcome.ccw_index == 4


def test_cms_search_loop_write_then_read(rig: Rig) -> None:
    outcome = rig.run(search_loop(2, sli(Step(0x05, b"W" * BLOCK, flags=0)), head=1))
    assert outcome.unit == CE_DE
    assert rig.track(0, 1).records[2].data == b"W" * BLOCK
    assert rig.track(0, 1).records[3].data == block(13)  # neighbours untouched
    again = rig.run(search_loop(2, sli(Step(0x06, length=BLOCK, flags=0)), head=1))
    assert again.buffers[4] == b"W" * BLOCK


def test_search_loop_missing_record_no_record_found(rig: Rig) -> None:
    executed: list[int] = []
    original = rig.device.command

    def counting(opcode: int, flags: int, data: bytes, count: int):  # type: ignore[no-untyped-def]
        executed.append(opcode)
        return original(opcode, flags, data, count)

    rig.device.command = counting  # type: ignore[method-assign]
    outcome = rig.run(search_loop(9, sli(Step(0x06, length=BLOCK, flags=0))))
    assert outcome.unit == CE_DE | UNIT_CHECK
    assert outcome.ccw_index == 2
    assert executed.count(0x31) == 13  # R0-R5 twice, then the second index pass
    data = sense(rig)
    assert data[0] == 0 and data[1] == 0x08


def test_short_read_count_gives_incorrect_length_without_sli(rig: Rig) -> None:
    outcome = rig.run(search_loop(1, Step(0x06, length=100, flags=0)))
    assert outcome.channel == INCORRECT_LENGTH
    assert outcome.buffers[4] == block(1)[:100]


def test_search_id_high_and_equal_or_high(rig: Rig) -> None:
    # High: first record whose CCHHR is above 0/0/3 is R4.
    outcome = rig.run([Step(0x07, seek_argument(0, 0)), Step(0x51, ident(0, 0, 3)),
                       Step(0x08, tic=1), Step(0x06, length=BLOCK, flags=SLI)])
    assert outcome.buffers[3] == block(4)
    outcome = rig.run([Step(0x07, seek_argument(0, 0)), Step(0x71, ident(0, 0, 3)),
                       Step(0x08, tic=1), Step(0x06, length=BLOCK, flags=SLI)])
    assert outcome.buffers[3] == block(3)


def test_status_modifier_reported_without_chaining(rig: Rig) -> None:
    rig.run([Step(0x07, seek_argument(0, 0))])
    outcome = rig.run([Step(0x31, ident(0, 0, 0), flags=0)])
    assert outcome.unit == CE_DE | STATUS_MODIFIER  # R0 is included in Search ID


def test_read_count_ckd_r0_ha_and_multiple(rig: Rig) -> None:
    outcome = rig.run([
        Step(0x07, seek_argument(0, 1)), Step(0x12, length=8), Step(0x1E, length=8 + BLOCK),
        Step(0x16, length=16), Step(0x1A, length=5), Step(0x5E, length=5 * 808, flags=SLI)])
    assert outcome.unit == CE_DE and outcome.channel == 0
    assert outcome.buffers[1] == count_field(0, 1, 1, 0, BLOCK)
    assert outcome.buffers[2] == count_field(0, 1, 2, 0, BLOCK) + block(12)
    assert outcome.buffers[3] == count_field(0, 1, 0, 0, 8) + bytes(8)
    assert outcome.buffers[4] == b"\0\0\0\0\x01"
    assert outcome.buffers[5] == b"".join(
        count_field(0, 1, r, 0, BLOCK) + block(10 + r) for r in range(1, 6))


def test_read_data_advances_skipping_r0(rig: Rig) -> None:
    outcome = rig.run([Step(0x07, seek_argument(0, 0)), Step(0x06, length=BLOCK),
                       Step(0x06, length=BLOCK, flags=0)])
    assert outcome.buffers[1:] == [block(1), block(2)]


def test_multitrack_read_crosses_heads_then_end_of_cylinder(rig: Rig) -> None:
    steps = [Step(0x07, seek_argument(0, 0))]
    steps += [Step(0x9E, length=808) for _ in range(6)]
    outcome = rig.run(steps)
    assert outcome.buffers[6] == count_field(0, 1, 1, 0, BLOCK) + block(11)
    # a single-track read wraps instead: two index passes give no record found
    outcome = rig.run([Step(0x07, seek_argument(0, 2)), Step(0x1E, length=808)])
    assert outcome.unit == CE_DE | UNIT_CHECK and sense(rig)[1] == 0x08
    # multitrack from the last head: end of cylinder
    outcome = rig.run([Step(0x07, seek_argument(0, 29)), Step(0x9E, length=808)])
    assert outcome.unit == CE_DE | UNIT_CHECK and sense(rig)[1] == 0x20


def test_multitrack_search_id(rig: Rig) -> None:
    outcome = rig.run([Step(0x07, seek_argument(0, 0)), Step(0xB1, ident(0, 1, 3)),
                       Step(0x08, tic=1), Step(0x06, length=BLOCK, flags=SLI)])
    assert outcome.buffers[3] == block(13)


def test_keyed_records_search_key_family(rig: Rig) -> None:
    keys = [b"AAAA", b"CCCC", b"EEEE"]
    rig.format_track(1, 0, [(key, key * 2) for key in keys])
    outcome = rig.run([Step(0x07, seek_argument(1, 0)), Step(0x29, b"CCCC"),
                       Step(0x08, tic=1), Step(0x06, length=8, flags=0)])
    assert outcome.buffers[3] == b"CCCCCCCC"
    outcome = rig.run([Step(0x07, seek_argument(1, 0)), Step(0x49, b"BBBB"),
                       Step(0x08, tic=1), Step(0x06, length=8, flags=0)])
    assert outcome.buffers[3] == b"CCCCCCCC" and outcome.unit == CE_DE
    outcome = rig.run([Step(0x07, seek_argument(1, 0)), Step(0x31, ident(1, 0, 3)),
                       Step(0x08, tic=1), Step(0x0E, length=12, flags=0)])
    assert outcome.buffers[3] == b"EEEEEEEEEEEE" and outcome.unit == CE_DE
    outcome = rig.run([Step(0x07, seek_argument(1, 0)), Step(0x69, b"EEEE"),
                       Step(0x08, tic=1), Step(0x06, length=8, flags=0)])
    assert outcome.buffers[3] == b"EEEEEEEE"
    # Write Data after Search Key Equal; Write Key and Data is refused after it
    outcome = rig.run([Step(0x07, seek_argument(1, 0)), Step(0x29, b"AAAA"),
                       Step(0x08, tic=1), Step(0x05, b"zzzzzzzz", flags=0)])
    assert outcome.unit == CE_DE and rig.track(1, 0).records[1].data == b"zzzzzzzz"
    outcome = rig.run([Step(0x07, seek_argument(1, 0)), Step(0x29, b"AAAA"),
                       Step(0x08, tic=1), Step(0x0D, b"KKKKdddddddd", flags=0)])
    assert outcome.unit == CE_DE | UNIT_CHECK and sense(rig)[0] == 0x80


def test_write_key_and_data_after_search_id(rig: Rig) -> None:
    rig.format_track(1, 1, [(b"OLD1", b"data1234")])
    outcome = rig.run([Step(0x07, seek_argument(1, 1)), Step(0x31, ident(1, 1, 1)),
                       Step(0x08, tic=1), Step(0x0D, b"NEW1abcdefgh", flags=0)])
    assert outcome.unit == CE_DE
    record = rig.track(1, 1).records[1]
    assert (record.key, record.data) == (b"NEW1", b"abcdefgh")


def test_write_data_without_search_is_rejected(rig: Rig) -> None:
    outcome = rig.run([Step(0x07, seek_argument(0, 0)), Step(0x05, b"x" * BLOCK, flags=0)])
    assert outcome.unit == CE_DE | UNIT_CHECK
    data = sense(rig)
    assert (data[0], data[7]) == (0x80, 0x02)


def test_write_data_pads_short_count(rig: Rig) -> None:
    outcome = rig.run(search_loop(5, Step(0x05, b"short", flags=0)))
    assert outcome.channel == INCORRECT_LENGTH  # count 5, record 800
    assert rig.track(0, 0).records[5].data == b"short" + bytes(BLOCK - 5)


def test_write_ckd_erases_rest_of_track(rig: Rig) -> None:
    outcome = rig.run([Step(0x07, seek_argument(0, 0)), Step(0x31, ident(0, 0, 2)),
                       Step(0x08, tic=1), Step(0x1D, count_field(0, 0, 3, 0, 4) + b"new!",
                                                   flags=0)])
    assert outcome.unit == CE_DE
    records = rig.track(0, 0).records
    assert [r.count[4] for r in records] == [0, 1, 2, 3]
    assert records[3].data == b"new!"


def test_write_ckd_needs_search_or_previous_write(rig: Rig) -> None:
    outcome = rig.run([Step(0x07, seek_argument(0, 0)),
                       Step(0x1D, count_field(0, 0, 1, 0, 4) + b"abcd", flags=0)])
    assert outcome.unit == CE_DE | UNIT_CHECK and sense(rig)[0] == 0x80


def test_write_special_sets_overflow_flag(rig: Rig) -> None:
    rig.run([Step(0x07, seek_argument(2, 0)), Step(0x31, ident(2, 0, 0)), Step(0x08, tic=1),
             Step(0x01, count_field(2, 0, 1, 0, 4) + b"ovfl", flags=0)])
    record = rig.track(2, 0).records[1]
    assert record.count[0] == 0x80
    outcome = rig.run([Step(0x07, seek_argument(2, 0)), Step(0x12, length=8, flags=0)])
    assert outcome.buffers[1] == count_field(2, 0, 1, 0, 4)  # flag cleared in the copy


def test_erase(rig: Rig) -> None:
    rig.run([Step(0x07, seek_argument(0, 1)), Step(0x31, ident(0, 1, 1)), Step(0x08, tic=1),
             Step(0x11, count_field(0, 1, 2, 0, BLOCK), flags=SLI)])
    assert len(rig.track(0, 1).records) == 2


def test_eof_record_read_data_unit_exception(rig: Rig) -> None:
    rig.format_track(2, 1, [(b"", b"")])
    outcome = rig.run([Step(0x07, seek_argument(2, 1)), Step(0x06, length=80, flags=SLI)])
    assert outcome.unit == CE_DE | UNIT_EXCEPTION


def test_write_r0_and_write_ha_need_file_mask(rig: Rig) -> None:
    home = Step(0x39, b"\0\x02\0\x02")
    r0 = count_field(2, 2, 0, 0, 8) + b"R0DATA!!"
    outcome = rig.run([Step(0x07, seek_argument(2, 2)), home, Step(0x08, tic=1),
                       Step(0x15, r0, flags=0)])
    assert outcome.unit == CE_DE | UNIT_CHECK and sense(rig)[0] == 0x80
    outcome = rig.run([Step(0x1F, b"\xc0"), Step(0x07, seek_argument(2, 2)), home,
                       Step(0x08, tic=2), Step(0x15, r0),
                       Step(0x1D, count_field(2, 2, 1, 0, 3) + b"one", flags=0)])
    assert outcome.unit == CE_DE
    assert [r.data for r in rig.track(2, 2).records] == [b"R0DATA!!", b"one"]
    # Search Home Address unequal: no status modifier
    outcome = rig.run([Step(0x07, seek_argument(2, 2)), Step(0x39, b"\0\x02\0\x03", flags=0)])
    assert outcome.unit == CE_DE
    # Write HA: file protected without mask X'C0', accepted with it
    outcome = rig.run([Step(0x07, seek_argument(2, 2)), Step(0x19, b"\0\0\x02\0\x02", flags=0)])
    assert outcome.unit == CE_DE | UNIT_CHECK and sense(rig)[1] == 0x04
    outcome = rig.run([Step(0x1F, b"\xc0"), Step(0x07, seek_argument(2, 2)),
                       Step(0x19, b"\0\0\x02\0\x02"), Step(0x15, r0, flags=0)])
    assert outcome.unit == CE_DE


def test_file_mask_restrictions(rig: Rig) -> None:
    outcome = rig.run([Step(0x1F, b"\x40")] + search_loop(1, sli(Step(0x05, block(9), flags=0))))
    assert outcome.unit == CE_DE | UNIT_CHECK and sense(rig)[0] == 0x80
    assert rig.track(0, 0).records[1].data == block(1)
    outcome = rig.run([Step(0x1F, b"\x00"), Step(0x1F, b"\x00", flags=0)])
    assert outcome.ccw_index == 1 and sense(rig)[0] == 0x80
    outcome = rig.run([Step(0x1F, b"\x20", flags=0)])
    assert outcome.unit == CE_DE | UNIT_CHECK and sense(rig)[7] == 0x04
    outcome = rig.run([Step(0x1F, b"\x18"), Step(0x07, seek_argument(0, 1), flags=0)])
    assert outcome.unit == CE_DE | UNIT_CHECK and sense(rig)[1] == 0x04
    outcome = rig.run([Step(0x1F, b"\x10"), Step(0x1B, seek_argument(0, 1)),
                       Step(0x06, length=BLOCK, flags=0)])
    assert outcome.buffers[2] == block(11)
    outcome = rig.run([Step(0x1F, b"\x10"), Step(0x0B, seek_argument(0, 1), flags=0)])
    assert sense(rig)[1] == 0x04
    outcome = rig.run([Step(0x1F, b"\x08"), Step(0x0B, seek_argument(1, 0)),
                       Step(0x13, length=1, flags=SLI)])
    assert outcome.ccw_index == 2 and sense(rig)[1] == 0x04
    # update-only mask: Write Data yes, Write CKD no
    outcome = rig.run([Step(0x1F, b"\x80")] + search_loop(1, sli(Step(0x05, block(7), flags=0))))
    assert outcome.unit == CE_DE
    outcome = rig.run([Step(0x1F, b"\x80"), Step(0x07, seek_argument(0, 0)),
                       Step(0x31, ident(0, 0, 5)), Step(0x08, tic=2),
                       Step(0x1D, count_field(0, 0, 6, 0, 1) + b"x", flags=0)])
    assert outcome.unit == CE_DE | UNIT_CHECK


def test_seek_arguments_checked(rig: Rig) -> None:
    outcome = rig.run([Step(0x07, seek_argument(3, 0), flags=0)])  # 3 cylinders: 0-2
    assert outcome.unit == CE_DE | UNIT_CHECK
    data = sense(rig)
    assert (data[0], data[7]) == (0x80, 0x04)
    outcome = rig.run([Step(0x07, seek_argument(0, 30), flags=0)])
    assert outcome.unit == CE_DE | UNIT_CHECK
    outcome = rig.run([Step(0x07, b"\0\x01" + seek_argument(0, 0)[2:], flags=0)])
    assert outcome.unit == CE_DE | UNIT_CHECK
    outcome = rig.run([Step(0x07, b"\0\0\0", flags=SLI)])
    assert outcome.unit == CE_DE | UNIT_CHECK and sense(rig)[7] == 0x03
    outcome = rig.run([Step(0x07, seek_argument(1, 0)), Step(0x13, length=1, flags=CC | SLI),
                       Step(0x1A, length=5, flags=0)])
    assert outcome.buffers[2] == b"\0\0\0\0\0"


def test_read_ipl(rig: Rig) -> None:
    outcome = rig.run([Step(0x07, seek_argument(2, 0)), Step(0x02, length=24, flags=SLI)])
    assert outcome.buffers[1] == block(1)[:24]
    outcome = rig.run([Step(0x1F, b"\x00"), Step(0x02, length=24, flags=SLI)])
    assert outcome.unit == CE_DE | UNIT_CHECK


def test_sectors_sense_and_sense_id() -> None:
    rig = Rig(MemoryTrackStore(MODEL_3350, cylinders=1))
    outcome = rig.run([Step(0x22, length=1), Step(0x23, b"\x10"), Step(0xE4, length=7, flags=0)])
    assert outcome.buffers[0] == b"\0"
    assert outcome.buffers[2] == bytes.fromhex("ff383002335000")
    old = Rig(MemoryTrackStore(MODEL_2314, cylinders=1))
    assert old.run([Step(0x23, b"\x10", flags=0)]).unit == CE_DE | UNIT_CHECK
    assert old.run([Step(0x04, length=6, flags=0)]).buffers[0] == b"\x80" + bytes(5)
    assert old.run([Step(0xE4, length=7, flags=0)]).unit == CE_DE | UNIT_CHECK
    big = Rig(MemoryTrackStore(MODEL_3380, cylinders=1))
    assert big.run([Step(0xE4, length=7, flags=0)]).buffers[0] == bytes.fromhex("ff388005338002")


def test_invalid_opcode_command_reject(rig: Rig) -> None:
    outcome = rig.run([Step(0x07, seek_argument(0, 0)), Step(0x27, b"x", flags=0)])
    assert outcome.unit == CE_DE | UNIT_CHECK and outcome.ccw_index == 1
    data = sense(rig)
    assert (data[0], data[7]) == (0x80, 0x01) and len(data) == 24
    assert sense(rig) == bytes(24)  # Sense cleared it


def test_reserve_and_release_return_sense(rig: Rig) -> None:
    outcome = rig.run([Step(0xB4, length=24), Step(0x94, length=24, flags=0)])
    assert outcome.unit == CE_DE and outcome.buffers == [bytes(24), bytes(24)]


def test_read_only_store_refuses_writes() -> None:
    store = MemoryTrackStore(MODEL_3350, cylinders=1)
    Rig(store).format_track(0, 0, [(b"", block(1))])
    store.read_only = True
    rig = Rig(store)
    outcome = rig.run(search_loop(1, sli(Step(0x05, block(2), flags=0))))
    assert outcome.unit == CE_DE | UNIT_CHECK
    assert sense(rig)[:2] == b"\x80\x02"
    assert rig.track(0, 0).records[1].data == block(1)
    assert rig.run(search_loop(1, sli(Step(0x06, length=BLOCK, flags=0)))).buffers[4] == block(1)


def test_track_full_is_invalid_track_format() -> None:
    small = CkdModel(0x3350, 0, 0x3830, 2, 30, 128, 512)
    rig = Rig(MemoryTrackStore(small, cylinders=1))
    outcome = rig.format_track(0, 0, [(b"", bytes(200)), (b"", bytes(200)), (b"", bytes(200))])
    assert outcome.unit == CE_DE | UNIT_CHECK and outcome.ccw_index == 5
    assert sense(rig)[1] == 0x40
    assert len(rig.track(0, 0).records) == 3  # R0, R1, R2 stayed


def test_store_errors_become_unit_check() -> None:
    class Failing(MemoryTrackStore):
        def read_track_image(self, cylinder: int, head: int) -> bytes:
            if cylinder == 1:
                raise DeviceStoreError(b"\x10" + bytes(23), "image unreadable")
            return super().read_track_image(cylinder, head)

    rig = Rig(Failing(MODEL_3350, cylinders=2))
    outcome = rig.run([Step(0x07, seek_argument(1, 0), flags=0)])
    assert outcome.unit == CE_DE | UNIT_CHECK and sense(rig)[0] == 0x10


def test_null_track_layout() -> None:
    assert null_track(1, 2) == bytes.fromhex("00000100020001000200000008") + bytes(8) + b"\xff" * 8


def test_command_chain_stops_after_unit_check(rig: Rig) -> None:
    outcome = rig.run([Step(0x07, seek_argument(0, 0)), Step(0x31, ident(0, 0, 9)),
                       Step(0x08, tic=1), Step(0x06, length=BLOCK, flags=SLI | CC),
                       Step(0x03, length=1, flags=SLI)])
    assert outcome.ccw_index == 1 and outcome.unit & UNIT_CHECK
