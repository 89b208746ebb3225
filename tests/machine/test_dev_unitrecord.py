"""Readers, punches and printers over the in-memory spool (reference/diagnose.md 4)."""

from __future__ import annotations

import pytest

from server.machine.devices.base import (
    CC,
    CE_DE,
    DEVICE_END,
    SLI,
    UNIT_CHECK,
    UNIT_EXCEPTION,
    Device,
)
from server.machine.devices.unitrecord import (
    MemorySpool,
    Printer,
    Printer3211,
    Punch,
    Punch3525,
    Reader,
    Reader3505,
)
from tests.machine.ckd_rig import Bench, ccw


def card(text: str) -> bytes:
    return text.ljust(80).encode("cp037")


def test_reader_reads_cards_then_end_of_file() -> None:
    spool = MemorySpool()
    first = spool.add_reader_file([card("ONE"), card("TWO")])
    bench = Bench(Reader(spool))
    csw = bench.run(ccw(0x02, 0x2000, CC, 80), ccw(0x02, 0x2050, 0, 80))
    assert csw[4:] == bytes([CE_DE, 0, 0, 0])
    assert bench.machine.read(0x2000, 160) == card("ONE") + card("TWO")
    csw = bench.run(ccw(0x02, 0x2000, 0, 80))
    assert csw[4] == CE_DE | UNIT_EXCEPTION and csw[6:] == b"\0\x50"
    assert first.closed


def test_reader_short_card_padded_and_short_count() -> None:
    spool = MemorySpool()
    spool.add_reader_file([b"\xc1\xc2", card("X")])
    bench = Bench(Reader(spool))
    bench.run(ccw(0x02, 0x2000, 0, 80))
    assert bench.machine.read(0x2000, 3) == b"\xc1\xc2\x40"
    csw = bench.run(ccw(0x02, 0x2000, SLI, 10))
    assert csw[4:] == bytes([CE_DE, 0, 0, 0])  # SLI: 80-byte card into 10 bytes


def test_empty_reader_intervention_required_then_device_end() -> None:
    spool = MemorySpool()
    bench = Bench(Reader(spool))
    csw = bench.run(ccw(0x02, 0x2000, 0, 80))
    assert csw[4] == CE_DE | UNIT_CHECK
    assert bench.run(ccw(0x04, 0x2100, 0, 1))[4] == CE_DE
    assert bench.machine.read(0x2100, 1) == b"\x40"
    spool.add_reader_file([card("LATE")])
    reader = bench.device
    assert isinstance(reader, Reader)
    reader.file_arrived()
    assert bench.channel.take_interrupt(lambda _c: True) == (
        0x00C, bytes([0, 0, 0, 0, DEVICE_END, 0, 0, 0]))
    bench.run(ccw(0x02, 0x2000, 0, 80))
    assert bench.machine.read(0x2000, 80) == card("LATE")


def test_reader_waiting_for_a_file_completes_later() -> None:
    spool = MemorySpool()
    bench = Bench(Reader(spool, wait_for_file=True))
    bench.machine.load(0x1000, ccw(0x02, 0x2000, 0, 80))
    bench.machine.load(0x48, (0x1000).to_bytes(4, "big"))
    assert bench.channel.io_instruction(bench.machine.cpu, "SIO", 0x00C) == 0
    assert bench.channel.take_interrupt(lambda _c: True) is None
    spool.add_reader_file([card("HI")])
    reader = bench.device
    assert isinstance(reader, Reader)
    reader.file_arrived()
    found = bench.channel.take_interrupt(lambda _c: True)
    assert found is not None and found[1][4] == CE_DE
    assert bench.machine.read(0x2000, 80) == card("HI")


def test_continuous_reader_runs_files_together() -> None:
    spool = MemorySpool()
    spool.add_reader_file([card("A")])
    spool.add_reader_file([card("B")])
    bench = Bench(Reader(spool, continuous=True))
    bench.run(ccw(0x02, 0x2000, CC, 80), ccw(0x02, 0x2050, 0, 80))
    assert bench.machine.read(0x2000, 160) == card("A") + card("B")
    assert bench.run(ccw(0x02, 0x2000, 0, 80))[4] == CE_DE | UNIT_EXCEPTION


def test_reader_rejects_write_accepts_feed() -> None:
    bench = Bench(Reader(MemorySpool()))
    assert bench.run(ccw(0x01, 0x2000, 0, 80))[4:] == bytes([UNIT_CHECK, 0, 0, 80])
    assert bench.run(ccw(0x23, 0, 0, 1))[4:] == bytes([CE_DE, 0, 0, 1])


def test_punch_cards_and_close() -> None:
    spool = MemorySpool()
    punch = Punch(spool)
    bench = Bench(punch, 0x00D)
    bench.machine.load(0x2000, card("PUNCHED"))
    bench.machine.load(0x2100, b"\xc1")
    csw = bench.run(ccw(0x01, 0x2000, CC, 80), ccw(0x41, 0x2100, SLI, 1))
    assert csw[4:] == bytes([CE_DE, 0, 0, 0])
    assert len(spool.output) == 1
    output = spool.output[0]
    assert output.records == [card("PUNCHED"), b"\xc1" + b"\x40" * 79]
    assert not output.closed
    punch.close()
    assert output.closed
    bench.run(ccw(0x01, 0x2000, 0, 80))
    assert len(spool.output) == 2  # a new file after CLOSE
    taken = punch.take_file()
    assert taken is spool.output[1] and not spool.output[1].closed
    assert punch.take_file() is None


def test_reader_take_file_leaves_it_open() -> None:
    spool = MemorySpool()
    first = spool.add_reader_file([card("A"), card("B")])
    spool.add_reader_file([card("C")])
    reader = Reader(spool)
    bench = Bench(reader)
    bench.run(ccw(0x02, 0x2000, 0, 80))
    assert reader.take_file() is first and not first.closed
    bench.run(ccw(0x02, 0x2000, 0, 80))
    assert bench.machine.read(0x2000, 80) == card("C")


def test_printer_carriage_control_records() -> None:
    spool = MemorySpool()
    bench = Bench(Printer(spool), 0x00E)
    line = "HELLO".encode("cp037")
    bench.machine.load(0x2000, line)
    csw = bench.run(
        ccw(0x09, 0x2000, CC, 5), ccw(0x11, 0x2000, CC, 5), ccw(0x01, 0x2000, CC, 5),
        ccw(0x89, 0x2000, CC, 5), ccw(0x8B, 0, CC | SLI, 1), ccw(0x1B, 0, CC | SLI, 1),
        ccw(0x03, 0, CC | SLI, 1), ccw(0xF3, 0x2000, SLI, 1))
    assert csw[4:] == bytes([CE_DE, 0, 0, 0])
    records = spool.output[0].records
    assert records == [b"\x09" + line, b"\x11" + line, b"\x01" + line, b"\x89" + line,
                       b"\x8b", b"\x1b"]


@pytest.mark.parametrize("opcode", [0x21, 0xE9, 0x02, 0x23])
def test_printer_rejects_invalid_commands(opcode: int) -> None:
    bench = Bench(Printer(MemorySpool()), 0x00E)
    assert bench.run(ccw(opcode, 0x2000, SLI, 1))[4] == UNIT_CHECK


def test_printer_line_length() -> None:
    spool = MemorySpool()
    bench = Bench(Printer(spool), 0x00E)
    csw = bench.run(ccw(0x09, 0x2000, 0, 200))
    assert csw[5] == 0x40 and csw[6:] == (200 - 132).to_bytes(2, "big")  # incorrect length
    assert len(spool.output[0].records[0]) == 133
    wide = Bench(Printer3211(MemorySpool()), 0x00F)
    assert wide.run(ccw(0x09, 0x2000, 0, 150))[4:] == bytes([CE_DE, 0, 0, 0])


@pytest.mark.parametrize(
    ("device", "expected"),
    [
        (Reader(MemorySpool()), "ff282101254001"),
        (Reader3505(MemorySpool()), "ff282101350501"),
        (Punch(MemorySpool()), "ff282101254001"),
        (Punch3525(MemorySpool()), "ff350501352501"),
        (Printer(MemorySpool()), "ff282101140301"),
        (Printer3211(MemorySpool()), "ff282101321101"),
    ],
)
def test_sense_id(device: Device, expected: str) -> None:
    bench = Bench(device)
    bench.run(ccw(0xE4, 0x2000, 0, 7))
    assert bench.machine.read(0x2000, 7).hex() == expected
