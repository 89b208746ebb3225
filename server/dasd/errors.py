"""Errors of the volume layer, as values the channel layer turns into status and sense.

Each :class:`DasdError` carries a :class:`Fault`; ``Fault.sense`` gives the
architected sense of reference/dasd.md section 4.5 (format 0 message codes in
byte 7), which a device presents with unit check.
"""

from __future__ import annotations

from enum import StrEnum

from server.machine.devices.base import DeviceStoreError

__all__ = ["DasdError", "Fault", "ImageFormatError", "VolumeError"]


class Fault(StrEnum):
    """Why a track, record or block operation was refused."""

    OUTSIDE_EXTENT = "outside extent"  # cylinder/head/block beyond the device or minidisk
    NO_RECORD_FOUND = "no record found"
    INVALID_TRACK_FORMAT = "invalid track format"  # record does not fit the track slot
    WRITE_INHIBITED = "write inhibited"  # read-only link or image opened read-only
    INVALID_ARGUMENT = "invalid argument"  # bad length, negative number, ...

    @property
    def sense(self) -> bytes:
        """Suggested first 8 sense bytes (24-byte format, bytes 8-23 zero)."""
        byte0, byte1, byte7 = _SENSE[self]
        return bytes([byte0, byte1, 0, 0, 0, 0, 0, byte7])


# (byte 0, byte 1, byte 7) per fault: command reject + invalid argument for an
# address outside the device (as a Seek beyond the last cylinder), command
# reject + write inhibited for a write to a read-only link (as the CKD device
# does), byte 1 bits for the rest (dasd.md 4.5).
_SENSE = {
    Fault.OUTSIDE_EXTENT: (0x80, 0x00, 0x04),
    Fault.NO_RECORD_FOUND: (0x00, 0x08, 0x00),
    Fault.INVALID_TRACK_FORMAT: (0x00, 0x40, 0x00),
    Fault.WRITE_INHIBITED: (0x80, 0x02, 0x00),
    Fault.INVALID_ARGUMENT: (0x80, 0x00, 0x04),
}


class DasdError(DeviceStoreError):
    """A refused track, record or block operation; ``fault`` says why.

    It is the devices' ``DeviceStoreError``, so a CKD or FBA device presents unit
    check with ``sense`` (from the fault) when a volume or minidisk refuses.
    """

    def __init__(self, fault: Fault, message: str) -> None:
        super().__init__(fault.sense, message)
        self.fault = fault


class ImageFormatError(Exception):
    """A file is not a volume image this layer can read (wrong header, size, format)."""


class VolumeError(Exception):
    """A volume registry operation failed (unknown volser, duplicate, bad device type)."""
