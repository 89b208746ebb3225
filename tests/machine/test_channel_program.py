"""An S/370 program assembled with GNU as drives the 3215 console through the channel.

The program writes HELLO with SIO and a CCW chain, waits enabled for the I/O
interruption, reads a line the test types, and loads a disabled wait.  It
runs on :class:`server.machine.Machine` with the channel attached: started
directly, IPLed from a card deck in a virtual reader, and IPLed from a CKD
disk.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from server.machine import Machine, Stop
from server.machine.channel import Channel
from server.machine.devices.base import CC, CE_DE, SLI
from server.machine.devices.ckd import MODEL_3350, CkdDevice, MemoryTrackStore
from server.machine.devices.console3215 import Console3215, RecordingBridge
from server.machine.devices.unitrecord import MemorySpool, Reader
from server.machine.ipl import IplError, ipl
from tests.machine.ckd_rig import Rig, Step, count_field, ident, seek_argument
from tests.tools import require_tool

ORIGIN = 0x400
CONSOLE = 0x009
READER = 0x00C
DISK = 0x190

SOURCE = """
        .text
        .org 0x400
start:  mvc     0x78(8,%r0),iopsw       # I/O new PSW: ioint, disabled
        la      %r1,wccw
        st      %r1,0x48                # CAW: key 0, the write CCW
        .insn   s,0x9c000000,9(%r0)     # SIO 009
        balr    %r15,0
        st      %r15,siocc              # condition code in bits 2-3
        bal     %r14,wait
        mvc     wcsw(8),0x40
        la      %r1,rccw
        st      %r1,0x48
        .insn   s,0x9c000000,9(%r0)     # SIO 009: read a line
        balr    %r15,0
        st      %r15,siocc+4
        bal     %r14,wait
        mvc     rcsw(8),0x40
        lpsw    donepsw
wait:   lpsw    waitpsw                 # enabled wait for channel 0
ioint:  clc     0x3a(2,%r0),devaddr     # BC I/O old PSW: interruption code = device
        bne     again
        tm      0x44,0x04               # device end?
        bno     again
        br      %r14
again:  lpsw    waitpsw
        .balign 8
iopsw:  .long   0x00000000, ioint
waitpsw: .long  0xFE020000, 0
donepsw: .long  0x00020000, 0x0000EE00
wccw:   .long   0x09000000+hello, 0x60000005    # write CR, CC+SLI, 5
        .long   0x03000000, 0x20000001          # NOP, SLI, 1
rccw:   .long   0x0A000000+buffer, 0x60000050   # read, CC+SLI, 80
        .long   0x03000000, 0x20000001
siocc:  .long   -1, -1
wcsw:   .long   0, 0
rcsw:   .long   0, 0
devaddr: .short 0x0009
hello:  .byte   0xC8,0xC5,0xD3,0xD3,0xD6
        .balign 8
buffer: .space  80
"""


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The program image from location 0 (zeros up to X'400')."""
    require_tool("s390x-linux-gnu-as")
    from tests.machine.oracle.program import Program, assemble

    source = Path(tmp_path_factory.mktemp("console")) / "console_hello.s"
    source.write_text(SOURCE)
    return assemble(Program(name="console_hello", source=source)).image


def symbol(image: bytes, marker: bytes) -> int:
    return image.index(marker)


def machine_with_console() -> tuple[Machine, Channel, Console3215, RecordingBridge]:
    machine = Machine(storage_size=64 * 1024)
    channel = Channel(machine.cpu)
    machine.channel = channel
    bridge = RecordingBridge()
    console = Console3215(bridge)
    channel.attach(CONSOLE, console)
    return machine, channel, console, bridge


def converse(machine: Machine, console: Console3215, bridge: RecordingBridge,
             image: bytes) -> None:
    """Run to the read, type a line, run to the end; check everything the program saw."""
    assert machine.run(200_000) is Stop.WAIT
    assert bridge.lines == ["HELLO"]
    assert console.reading and bridge.reads == 1
    console.enter("hi there")
    assert machine.run(200_000) is Stop.DISABLED_WAIT
    assert machine.psw()[4:] == bytes.fromhex("0000EE00")
    hello = image.index(bytes.fromhex("C8C5D3D3D6"))
    buffer = (hello + 5 + 7) // 8 * 8
    assert machine.read(buffer, 8) == "hi there".encode("cp037")
    siocc = hello - 2 - 24
    assert machine.read(siocc, 8)[0] >> 4 & 3 == 0 and machine.read(siocc + 4, 1)[0] >> 4 & 3 == 0
    wcsw = machine.read(siocc + 8, 8)
    rcsw = machine.read(siocc + 16, 8)
    # the NOP (an immediate command, count 1) ended each chain: residual 1, no IL
    assert wcsw[4:] == bytes([CE_DE, 0, 0, 1])
    assert rcsw[4:] == bytes([CE_DE, 0, 0, 1])
    assert int.from_bytes(wcsw[1:4], "big") == int.from_bytes(rcsw[1:4], "big") - 16


def test_program_writes_hello_and_reads_a_line(image: bytes) -> None:
    machine, _, console, bridge = machine_with_console()
    machine.load(0, image)
    machine.set_psw(struct.pack(">II", 0, ORIGIN))
    converse(machine, console, bridge, image)


def test_pending_attention_makes_sio_busy(image: bytes) -> None:
    machine, channel, console, bridge = machine_with_console()
    machine.load(0, image)
    console.enter("early")  # no read pending: the line is kept and attention is queued
    assert channel.interrupts[CONSOLE][4] == 0x80
    machine.set_psw(struct.pack(">II", 0, ORIGIN))
    # SIO finds the attention pending: condition code 1, CSW with busy and attention
    assert machine.run(200_000) is Stop.WAIT
    hello = image.index(bytes.fromhex("C8C5D3D3D6"))
    assert machine.read(hello - 2 - 24, 1)[0] >> 4 & 3 == 1
    assert machine.read(0x44, 1)[0] == 0x80 | 0x10
    assert bridge.lines == []
    # a later read gets the typed-ahead line at once
    assert console.execute_ccw(0x0A, SLI, b"", 80).data == "early".encode("cp037")


def ipl_deck(program: bytes) -> list[bytes]:
    """Card 1: IPL PSW + read card 2 to X'100' + TIC; card 2: CCWs reading the program."""
    cards = [program[i : i + 80] for i in range(0, len(program), 80)]
    assert len(cards) <= 10
    ccws = b""
    for number, _card in enumerate(cards):
        flags = SLI | (CC if number < len(cards) - 1 else 0)
        ccws += struct.pack(">IBxH", 0x02000000 | ORIGIN + 80 * number, flags, 80)
    first = (struct.pack(">II", 0, ORIGIN) + struct.pack(">IBxH", 0x02000100, CC | SLI, 80)
             + struct.pack(">IBxH", 0x08000100, 0, 1))
    return [card.ljust(80, b"\0") for card in [first, ccws, *cards]]


def test_ipl_from_card_deck_in_the_reader(image: bytes) -> None:
    machine, channel, console, bridge = machine_with_console()
    spool = MemorySpool()
    spool.add_reader_file(ipl_deck(image[ORIGIN:]))
    channel.attach(READER, Reader(spool))
    psw = ipl(machine, channel, READER)
    assert psw == bytes.fromhex("0000000C") + ORIGIN.to_bytes(4, "big")
    assert machine.read(0, 4) == bytes.fromhex("0000000C")  # the IPL device address
    assert machine.read(ORIGIN, len(image) - ORIGIN) == image[ORIGIN:]
    converse(machine, console, bridge, image)


def test_ipl_from_ckd_disk(image: bytes) -> None:
    store = MemoryTrackStore(MODEL_3350, cylinders=2)
    program = image[ORIGIN:]
    ipl_record = (struct.pack(">II", 0, ORIGIN)
                  + struct.pack(">IBxH", 0x06000000 | ORIGIN, SLI, len(program)) + bytes(8))
    rig = Rig(store)
    rig.format_track(0, 0, [(b"", ipl_record), (b"", program)])
    machine, channel, console, bridge = machine_with_console()
    channel.attach(DISK, CkdDevice(store))
    ipl(machine, channel, DISK, clear=True)
    assert machine.read(0, 4) == struct.pack(">I", DISK)
    converse(machine, console, bridge, image)


def test_ipl_ec_psw_stores_address_at_ba() -> None:
    store = MemoryTrackStore(MODEL_3350, cylinders=1)
    record = bytes.fromhex("000A000000001234" "0300000020000001") + bytes(8)  # PSW, NOP
    Rig(store).format_track(0, 0, [(b"", record)])
    machine = Machine(storage_size=64 * 1024)
    channel = Channel(machine.cpu)
    machine.channel = channel
    channel.attach(DISK, CkdDevice(store))
    assert ipl(machine, channel, DISK) == bytes.fromhex("000A000000001234")
    assert machine.read(0xBA, 2) == struct.pack(">H", DISK)


def test_ipl_failures_raise() -> None:
    machine = Machine(storage_size=64 * 1024)
    channel = Channel(machine.cpu)
    with pytest.raises(IplError):
        ipl(machine, channel, 0x00C)
    channel.attach(READER, Reader(MemorySpool()))
    with pytest.raises(IplError) as empty:
        ipl(machine, channel, READER)  # no file: intervention required
    assert empty.value.sense == b"\x40"
    store = MemoryTrackStore(MODEL_3350, cylinders=1)  # unformatted: no R1
    channel.attach(DISK, CkdDevice(store))
    with pytest.raises(IplError):
        ipl(machine, channel, DISK)


def test_rig_search_helpers_are_consistent() -> None:
    assert count_field(1, 2, 3, 0, 800)[:5] == ident(1, 2, 3)
    assert seek_argument(1, 2) == b"\0\0\0\x01\0\x02"
    assert Step(0x06).flags == CC
