"""The program status word in BC and EC format.

Models Principles of Operation (GA22-7000) chapter 4, "Control",
"Program-Status Word": bit 12 selects the basic-control (BC) or
extended-control (EC) format.  The CPU keeps the PSW as separate fields
(system mask byte, key, mode bits, condition code, program mask,
instruction address); these functions convert to and from the 8 bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from server.machine.cpu import CPU

EC_MODE = 0x08  # bit 12 within byte 1
MACHINE_CHECK = 0x04  # bit 13
WAIT = 0x02  # bit 14
PROBLEM = 0x01  # bit 15

# EC-mode system-mask bits (byte 0).
EC_PER = 0x40
EC_DAT = 0x04
EC_IO = 0x02
EC_EXTERNAL = 0x01
EC_SYSMASK_INVALID = 0xB8  # bits 0, 2-4 must be zero


def pack(cpu: CPU, code: int = 0, ilc: int = 0) -> bytes:
    """The current PSW; in BC mode ``code`` and ``ilc`` fill bits 16-33.

    An invalid PSW that has just been loaded is returned exactly as loaded.
    """
    if cpu.psw_invalid:
        return cpu.invalid_psw
    mode = cpu.key << 4 | cpu.mwp
    ia = cpu.ia & 0xFFFFFF
    if cpu.ec:
        return bytes((cpu.sysmask, mode | EC_MODE, cpu.cc << 4 | cpu.pm, 0, 0,
                      ia >> 16, ia >> 8 & 0xFF, ia & 0xFF))
    return bytes((cpu.sysmask, mode, code >> 8 & 0xFF, code & 0xFF,
                  (ilc & 3) << 6 | cpu.cc << 4 | cpu.pm, ia >> 16, ia >> 8 & 0xFF, ia & 0xFF))


def valid(data: bytes) -> bool:
    """False for an EC-mode PSW with a nonzero bit that must be zero."""
    if not data[1] & EC_MODE:
        return True
    return not (data[0] & EC_SYSMASK_INVALID or data[2] & 0xC0 or data[3] or data[4])


def load(cpu: CPU, data: bytes) -> bool:
    """Make ``data`` the current PSW; returns False if it is invalid (EC format)."""
    cpu.sysmask = data[0]
    cpu.key = data[1] >> 4
    cpu.mwp = data[1] & 0x07
    cpu.wait = bool(data[1] & WAIT)
    cpu.problem = bool(data[1] & PROBLEM)
    cpu.ec = bool(data[1] & EC_MODE)
    if cpu.ec:
        cpu.cc = data[2] >> 4 & 3
        cpu.pm = data[2] & 15
    else:
        cpu.cc = data[4] >> 4 & 3
        cpu.pm = data[4] & 15
    cpu.ia = data[5] << 16 | data[6] << 8 | data[7]
    cpu.mode_changed()
    ok = valid(data)
    cpu.psw_invalid = not ok
    cpu.invalid_psw = bytes(data)
    return ok


def set_system_mask(cpu: CPU, mask: int) -> bool:
    """SSM/STOSM/STNSM: replace byte 0; returns False if invalid in EC mode."""
    if cpu.ec and mask & EC_SYSMASK_INVALID:
        return False
    cpu.sysmask = mask
    cpu.mode_changed()
    return True


def io_enabled(cpu: CPU, channel: int) -> bool:
    """Whether I/O interruptions from ``channel`` are enabled (BC masks or EC + CR2)."""
    if cpu.ec:
        return bool(cpu.sysmask & EC_IO) and channel < 32 and bool(
            cpu.cr[2] >> (31 - channel) & 1)
    if channel < 6:
        return bool(cpu.sysmask >> (7 - channel) & 1)
    return bool(cpu.sysmask & 0x02)


def io_mask_any(cpu: CPU) -> bool:
    return bool(cpu.sysmask & EC_IO) if cpu.ec else bool(cpu.sysmask & 0xFE)


def external_enabled(cpu: CPU) -> bool:
    return bool(cpu.sysmask & EC_EXTERNAL)
