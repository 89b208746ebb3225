"""A virtual machine's device configuration, built at LOGON from the directory.

reference/cp-cms.md 7.3 and 5.19: the CONSOLE statement gives the virtual
3215, each MDISK a minidisk (a cylinder extent of a volume image; the
owner's access mode decides read-only), each LINK another user's minidisk
in the link's mode (R/RR read-only). Devices attach to the machine's
channel at their virtual addresses; CP keeps the configuration so a new
machine (DEFINE STORAGE, SYSTEM CLEAR) gets the same devices.

The virtual reader, punch and printer (SPOOL statements) are bound to the
spool system by the spool issue's device step and are not configured yet.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from directory.model import Minidisk
from server.dasd.errors import VolumeError
from server.dasd.minidisk import FbaMinidisk
from server.dasd.volumes import VolumeRegistry
from server.machine.devices import CkdDevice, Console3215, Device, FbaDevice

if TYPE_CHECKING:
    from server.cp.spooldev import UnitRecord
    from server.cp.user import User

log = logging.getLogger(__name__)

READ_ONLY_MODES = {"R", "RR"}


@dataclass
class VirtualDevice:
    """One device of the virtual configuration, as QUERY VIRTUAL shows it."""

    address: int
    kind: str  # CONS or DASD
    device: Device
    volser: str = ""
    read_only: bool = False
    cylinders: int = 0
    owner: str = ""  # the directory entry that owns a minidisk (LINKs)
    device_type: str = ""
    unit: UnitRecord | None = None  # a spooled reader, punch or printer


class TerminalBridge:
    """The virtual 3215's terminal side: the user's console session."""

    def __init__(self, user: User) -> None:
        self.user = user

    def write_line(self, text: str, carriage_return: bool) -> None:
        self.user.write(text)

    def read_requested(self) -> None:
        self.user.console_state("VM READ")

    def alarm(self) -> None:
        """A typewriter has no alarm to ring; a 3270's rings with the next write."""
        if self.user.session is not None:
            self.user.session.alarm()


def console_device(address: int, user: User) -> VirtualDevice:
    return VirtualDevice(address, "CONS", Console3215(TerminalBridge(user)), device_type="3215")


def minidisk_device(
    volumes: VolumeRegistry, owner: str, disk: Minidisk, address: int, read_only: bool
) -> VirtualDevice | None:
    """The device for a minidisk extent, or None (logged) when its volume cannot be used."""
    try:
        store = volumes.minidisk(disk.volser, disk.start, disk.count, read_only=read_only)
    except (VolumeError, OSError, ValueError) as error:
        log.warning("minidisk %s %03X not available: %s", owner, disk.address, error)
        return None
    device: Device = FbaDevice(store) if isinstance(store, FbaMinidisk) else CkdDevice(store)
    return VirtualDevice(
        address, "DASD", device, disk.volser, read_only, disk.count, owner, disk.device_type
    )
