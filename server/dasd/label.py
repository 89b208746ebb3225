"""IBM standard volume labels: the IPL records and VOL1 label of an initialised pack.

Models reference/dasd.md section 3 ("Real volume cylinder 0, track 0"): R1 with
key ``IPL1`` and 24 data bytes (a disabled-wait PSW, a NOP CCW and a zero CCW),
R2 with key ``IPL2`` and 144 data bytes, R3 with key ``VOL1`` and the 80-byte
VOL1 label (volser at 4-9, security byte at 10, VTOC CCHHR at 11-15, owner at
37-50), all EBCDIC (code page 037).  An FBA volume carries ``VOL1`` and the
volser at the start of block 1, as Hercules' ``dasdinit`` writes it.
"""

from __future__ import annotations

import re

from server.dasd.ckd import CkdImage
from server.dasd.errors import DasdError
from server.dasd.fba import FbaImage
from server.dasd.geometry import FBA_BLOCK_SIZE
from server.dasd.track import Record, Track

__all__ = [
    "EBCDIC",
    "VOLSER_PATTERN",
    "ckd_label_track",
    "fba_label_block",
    "normalise_volser",
    "read_volser",
    "vol1_label",
]

EBCDIC = "cp037"
#: A volume serial: 1-6 of A-Z, 0-9, $, #, @, - (as the directory accepts; padded with blanks).
VOLSER_PATTERN = re.compile(r"[A-Z0-9$#@-]{1,6}")
_VOL1 = "VOL1".encode(EBCDIC)
# Disabled wait PSW (BC mode, wait bit) followed by a NOP CCW and a zero CCW.
_IPL1_DATA = bytes.fromhex("000200000000000F03000000000000010000000000000000")
_VTOC_ADDRESS = bytes.fromhex("0000000101")  # CCHHR cylinder 0 head 1 record 1
_SECURITY = 0xC0
_OWNER = "VM370"


def normalise_volser(volser: str) -> str:
    """The volser in upper case; ValueError when it is not a valid volume serial."""
    value = volser.strip().upper()
    if not VOLSER_PATTERN.fullmatch(value):
        raise ValueError(f"invalid volume serial {volser!r} (1-6 of A-Z 0-9 $ # @ -)")
    return value


def vol1_label(volser: str, owner: str = _OWNER) -> bytes:
    """The 80-byte EBCDIC VOL1 label for ``volser``."""
    text = "VOL1" + normalise_volser(volser).ljust(6)
    label = text.encode(EBCDIC) + bytes([_SECURITY]) + _VTOC_ADDRESS
    label += (" " * 21 + owner.upper()[:14].ljust(14) + " " * 29).encode(EBCDIC)
    return label


def ckd_label_track(volser: str) -> Track:
    """Cylinder 0 track 0 of an initialised CKD pack: R0, IPL1, IPL2, VOL1."""
    track = Track.null(0, 0)
    track.records += [
        Record(0, 0, 1, "IPL1".encode(EBCDIC), _IPL1_DATA),
        Record(0, 0, 2, "IPL2".encode(EBCDIC), bytes(144)),
        Record(0, 0, 3, _VOL1, vol1_label(volser)),
    ]
    return track


def fba_label_block(volser: str) -> bytes:
    """Block 1 of an initialised FBA volume: ``VOL1`` and the volser."""
    text = ("VOL1" + normalise_volser(volser).ljust(6)).encode(EBCDIC)
    return text.ljust(FBA_BLOCK_SIZE, b"\x00")


def _volser_from(label: bytes) -> str | None:
    if label[:4] != _VOL1 or len(label) < 10:
        return None
    volser = label[4:10].decode(EBCDIC).strip()
    return volser if VOLSER_PATTERN.fullmatch(volser) else None


def read_volser(image: CkdImage | FbaImage) -> str | None:
    """The volser of the VOL1 label (CKD cylinder 0 track 0 R3, FBA block 1), if any."""
    if isinstance(image, FbaImage):
        return _volser_from(image.read_blocks(1)) if image.blocks > 1 else None
    try:
        record = image.read_record(0, 0, 3)
    except DasdError:
        return None
    return _volser_from(record.data)
