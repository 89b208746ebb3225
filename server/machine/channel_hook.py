"""The contract between the CPU and a channel subsystem (the real one is its own issue).

Models the CPU side of Principles of Operation (GA22-7000) chapter 12,
"Input/Output Operations": the I/O instructions hand the device address
(bits 16-31 of the second-operand address: channel in 16-23, device in
24-31) to the channel and set the condition code it returns; the channel
stores a CSW at X'40' itself when an instruction calls for one (use
``cpu.store_real``).  Between slices the CPU asks for one pending I/O
interruption on a channel it is enabled for and performs the PSW swap,
storing the CSW and, in EC mode, the device address at X'B8'.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from server.machine.cpu import CPU

# Names passed as ``instruction``.
IO_INSTRUCTIONS = ("SIO", "SIOF", "TIO", "CLRIO", "HIO", "HDV", "TCH", "STIDC")


class ChannelHook(Protocol):
    """What the CPU needs from a channel subsystem."""

    def io_instruction(self, cpu: CPU, instruction: str, device: int) -> int:
        """Execute an instruction of IO_INSTRUCTIONS; return the condition code.

        ``device`` is the 16-bit channel and device address.  To make the
        slice stop after the instruction (a device that must wait for the
        embedder), call ``cpu.request_stop(Stop.IO)``; after queueing an
        interruption the CPU should see at once, set ``cpu.channel_posted``.
        """
        ...

    def take_interrupt(self, enabled: Callable[[int], bool]) -> tuple[int, bytes] | None:
        """Remove and return (device address, 8-byte CSW) of a pending I/O
        interruption whose channel number satisfies ``enabled``, or None."""
        ...
