"""Virtual devices of a virtual machine: the device side of the channel.

``base`` holds the contract (``Device.execute_ccw`` returning a ``CCWResult``);
each other module is one device family.  The stores and bridges the devices
need (``TrackStore``, ``BlockStore``, ``SpoolBridge``, ``ConsoleBridge``) are
protocols the embedder implements; each module has an in-memory one for tests.
"""

from server.machine.devices.base import CCWResult, Device, DeviceStoreError, StatusSink
from server.machine.devices.ckd import CkdDevice, MemoryTrackStore, TrackStore
from server.machine.devices.console3215 import Console3215, ConsoleBridge, RecordingBridge
from server.machine.devices.ctca import ChannelToChannel, couple, uncouple
from server.machine.devices.fba import BlockStore, FbaDevice, MemoryBlockStore
from server.machine.devices.unitrecord import (
    MemorySpool,
    Printer,
    Printer3211,
    Punch,
    Punch3525,
    Reader,
    Reader3505,
    SpoolAttributes,
    SpoolBridge,
    SpoolInputFile,
    SpoolOutputFile,
)

__all__ = [
    "BlockStore",
    "CCWResult",
    "ChannelToChannel",
    "CkdDevice",
    "Console3215",
    "ConsoleBridge",
    "Device",
    "DeviceStoreError",
    "FbaDevice",
    "MemoryBlockStore",
    "MemorySpool",
    "MemoryTrackStore",
    "Printer",
    "Printer3211",
    "Punch",
    "Punch3525",
    "Reader",
    "Reader3505",
    "RecordingBridge",
    "SpoolAttributes",
    "SpoolBridge",
    "SpoolInputFile",
    "SpoolOutputFile",
    "StatusSink",
    "TrackStore",
    "couple",
    "uncouple",
]
