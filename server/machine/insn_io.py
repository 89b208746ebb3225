"""Input/output instructions, handed to the channel hook.

Models Principles of Operation (GA22-7000) chapter 13, "Input/Output
Operations": SIO, SIOF, TIO, CLRIO, HIO, HDV, TCH and STIDC.  Bits 16-31 of
the second-operand address are the channel and device address (for TCH
and STIDC only the channel in bits 16-23 counts).  With no channel attached
every device and channel is not operational (condition code 3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from server.machine.isa import Format, SliceBreak, instruction

if TYPE_CHECKING:
    from server.machine.cpu import CPU


def _io(cpu: CPU, name: str, b2: int, d2: int) -> None:
    device = (cpu.r[b2] + d2) & 0xFFFF
    channel = cpu.channel
    if channel is None:
        cpu.cc = 3
        return
    cpu.cc = channel.io_instruction(cpu, name, device) & 3
    if cpu.stop_request is not None:
        raise SliceBreak()
    if cpu.channel_posted:
        cpu.channel_posted = False
        raise SliceBreak()  # an interruption may be pending now


@instruction(0x9C00, "SIO", Format.S, privileged=True)
def start_io(cpu: CPU, b2: int, d2: int) -> None:
    "9C00 SIO - Start I/O [S]"
    _io(cpu, "SIO", b2, d2)


@instruction(0x9C01, "SIOF", Format.S, privileged=True)
def start_io_fast_release(cpu: CPU, b2: int, d2: int) -> None:
    "9C01 SIOF - Start I/O Fast Release [S]"
    _io(cpu, "SIOF", b2, d2)


@instruction(0x9D00, "TIO", Format.S, privileged=True)
def test_io(cpu: CPU, b2: int, d2: int) -> None:
    "9D00 TIO - Test I/O [S]"
    _io(cpu, "TIO", b2, d2)


@instruction(0x9D01, "CLRIO", Format.S, privileged=True)
def clear_io(cpu: CPU, b2: int, d2: int) -> None:
    "9D01 CLRIO - Clear I/O [S]"
    _io(cpu, "CLRIO", b2, d2)


@instruction(0x9E00, "HIO", Format.S, privileged=True)
def halt_io(cpu: CPU, b2: int, d2: int) -> None:
    "9E00 HIO - Halt I/O [S]"
    _io(cpu, "HIO", b2, d2)


@instruction(0x9E01, "HDV", Format.S, privileged=True)
def halt_device(cpu: CPU, b2: int, d2: int) -> None:
    "9E01 HDV - Halt Device [S]"
    _io(cpu, "HDV", b2, d2)


@instruction(0x9F00, "TCH", Format.S, privileged=True)
def test_channel(cpu: CPU, b2: int, d2: int) -> None:
    "9F00 TCH - Test Channel [S]"
    _io(cpu, "TCH", b2, d2)


@instruction(0xB203, "STIDC", Format.S, privileged=True)
def store_channel_id(cpu: CPU, b2: int, d2: int) -> None:
    "B203 STIDC - Store Channel ID [S]"
    _io(cpu, "STIDC", b2, d2)

