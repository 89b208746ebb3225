"""Initial program loading from a device.

Models Principles of Operation (GA22-7000) chapter 4, "Initial Program
Loading": a system reset, then the channel reads 24 bytes from the IPL
device into location 0 with an implied Read command (X'02', chain command
and SLI), continues the chain with the CCW at location 8, and when the
device ends with channel end and device end and no error, stores the IPL
device address and loads the PSW at location 0.  The address goes into
bits 16-31 of that PSW when it is a BC-mode PSW, and at locations
X'BA'-X'BB' when it is an EC-mode PSW.  A card reader reads its first card,
a CKD disk performs Read IPL (cylinder 0 head 0 record 1), an FBA disk
reads block 0 (reference/diagnose.md section 2).

An IPL that does not end cleanly (unit check, unit exception, a program
check in the chain, a device that must wait) leaves the CPU stopped:
:func:`ipl` raises :class:`IplError` with the ending CSW.
"""

from __future__ import annotations

from server.machine.channel import Channel
from server.machine.devices.base import CE_DE
from server.machine.machine import Machine

EC_MODE = 0x08  # PSW byte 1 bit 12
IPL_ADDRESS_EC = 0xBA


class IplError(Exception):
    """The IPL channel program did not end with channel end and device end alone."""

    def __init__(self, message: str, csw: bytes | None = None, sense: bytes | None = None):
        super().__init__(message)
        self.csw = csw
        self.sense = sense


def ipl(machine: Machine, channel: Channel, address: int, clear: bool = False) -> bytes:
    """IPL ``machine`` from the device at ``address``; return the PSW now current."""
    if address not in channel.devices:
        raise IplError(f"no device at {address:03X}")
    channel.reset()
    if clear:
        _clear_storage(machine)
    machine.cpu.initial_reset()
    result = channel.run_ipl(address)
    if result.csw is None:
        channel.reset()
        raise IplError(f"device {address:03X} did not complete the IPL read")
    csw = result.csw
    if csw[4] & ~0x40 != CE_DE or csw[5]:
        raise IplError(f"IPL from {address:03X} ended with CSW {csw.hex().upper()}", csw,
                       result.sense)
    psw = bytearray(machine.read(0, 8))
    if psw[1] & EC_MODE:
        machine.load(IPL_ADDRESS_EC, address.to_bytes(2, "big"))
    else:
        psw[2:4] = address.to_bytes(2, "big")
        machine.load(0, bytes(psw))
    machine.set_psw(bytes(psw))
    return bytes(psw)


def _clear_storage(machine: Machine) -> None:
    """IPL CLEAR: storage and storage keys set to zero."""
    size = machine.storage.size
    step = 1 << 16
    zeros = bytes(step)
    for start in range(0, size, step):
        machine.load(start, zeros[: min(step, size - start)])
    for block in range(0, size, 2048):
        machine.storage.set_key(block, 0)
    machine.cpu.flush_icache()  # once, not per block as Machine.set_key would
