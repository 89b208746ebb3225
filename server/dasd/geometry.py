"""Direct-access device geometry: the CKD and FBA device tables.

Models the device tables of reference/dasd.md sections 1.2-1.5 (the figures are
those of Hercules' ``dasdtab.c`` and of the IBM device manuals): cylinders,
tracks per cylinder, track capacity and its formulas, the Hercules image track
slot size, Sense ID bytes and (FBA) Read Device Characteristics.

This module imports only the standard library, so the devices in
``server/machine/devices`` can use the same tables as the volume layer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "CKD_DEVICES",
    "FBA_DEVICES",
    "FBA_BLOCK_SIZE",
    "CkdGeometry",
    "FbaGeometry",
    "ckd_geometry",
    "ckd_geometry_for_image",
    "device_geometry",
    "fba_geometry",
    "fba_geometry_for_image",
]

FBA_BLOCK_SIZE = 512

# Bytes of a track image around the records: home address, R0 count, R0 data,
# and the end-of-track marker (reference/dasd.md 2.3).
_HA = 5
_COUNT = 8
_R0_DATA = 8
_END = 8


def _round_up(value: int, unit: int) -> int:
    return -(-value // unit) * unit


@dataclass(frozen=True)
class CkdGeometry:
    """One CKD device model (reference/dasd.md table 1.2)."""

    name: str  # "3350", "3330-11": the name volumes and MDISK statements use
    device_type: int  # X'3350'
    model: int  # Sense ID device model byte
    control_unit: int  # X'3830'
    control_unit_model: int
    cylinders: int  # prime cylinders
    alternate_cylinders: int
    heads: int  # tracks per cylinder
    r1_max: int  # largest single-record data length
    track_length: int  # TL of the capacity formula
    formula: int  # -2, -1 or 1
    factors: tuple[int, ...]
    sectors: int  # RPS sectors per track; 0 = no RPS (Set/Read Sector rejected)
    sense_id: bool = True  # 2311/2314 reject Sense ID

    @property
    def total_cylinders(self) -> int:
        """Prime plus alternate cylinders: the size of a volume image created for it."""
        return self.cylinders + self.alternate_cylinders

    @property
    def devtyp(self) -> int:
        """The low byte of the device type, as kept in a Hercules device header."""
        return self.device_type & 0xFF

    @property
    def track_slot(self) -> int:
        """Bytes per track slot in a Hercules image (reference/dasd.md 2.1)."""
        return _round_up(_HA + _COUNT + _R0_DATA + _COUNT + self.r1_max + _END, 512)

    @property
    def sense_bytes(self) -> int:
        """Length of the Sense data: 6 on 2311/2314, 24 on 3830/3880-attached devices."""
        return 24 if self.sense_id else 6

    @property
    def is_rps(self) -> bool:
        """True when Set Sector and Read Sector are valid."""
        return self.sectors > 0

    def sense_id_bytes(self) -> bytes | None:
        """The 7 Sense ID bytes, or None when the device rejects Sense ID."""
        if not self.sense_id:
            return None
        return (
            b"\xff"
            + self.control_unit.to_bytes(2, "big")
            + bytes([self.control_unit_model])
            + self.device_type.to_bytes(2, "big")
            + bytes([self.model])
        )

    def record_space(self, key_length: int, data_length: int, last: bool = False) -> int:
        """Track bytes one record takes by the device's capacity formula (dasd.md 1.3)."""
        keyed = key_length > 0
        if self.formula == -2:
            overhead, extra, numerator, denominator = self.factors
            if last:
                return key_length + data_length + (overhead if keyed else 0)
            scaled = (key_length + data_length) * numerator // denominator
            return scaled + (overhead if keyed else 0) + extra
        if self.formula == -1:
            overhead, extra = self.factors
            return key_length + data_length + (overhead if keyed else 0) + extra
        unit, data_extra, key_extra = self.factors
        space = _round_up(data_length + data_extra, unit)
        return space + (_round_up(key_length + key_extra, unit) if keyed else 0)

    def records_per_track(self, key_length: int, data_length: int) -> int:
        """How many equal records (R1...) fit on one track."""
        if self.formula == -2:
            last = self.record_space(key_length, data_length, last=True)
            if last > self.track_length:
                return 0
            other = self.record_space(key_length, data_length)
            return (self.track_length - last) // other + 1
        return self.track_length // self.record_space(key_length, data_length)

    def fits(self, records: Iterable[tuple[int, int]]) -> bool:
        """True when records R1... given as (key length, data length) fit on a track."""
        sizes = list(records)
        if not sizes:
            return True
        *others, last = sizes
        used = sum(self.record_space(key, data) for key, data in others)
        return used + self.record_space(*last, last=True) <= self.track_length

    def cylinder_capacity(self) -> int:
        """Bytes of track slots per cylinder in a Hercules image."""
        return self.heads * self.track_slot


@dataclass(frozen=True)
class FbaGeometry:
    """One FBA device model (reference/dasd.md table 1.4)."""

    name: str
    device_type: int
    model: int  # Sense ID device model byte
    control_unit: int
    control_unit_model: int
    unit_type: int  # Read Device Characteristics byte 3
    blocks: int
    blocks_per_group: int  # blocks per cyclical group
    blocks_per_access: int  # blocks per access position
    device_class: int = 0x21

    @property
    def devtyp(self) -> int:
        return self.device_type & 0xFF

    def sense_id_bytes(self) -> bytes:
        """The 7 Sense ID bytes."""
        return (
            b"\xff"
            + self.control_unit.to_bytes(2, "big")
            + bytes([self.control_unit_model])
            + self.device_type.to_bytes(2, "big")
            + bytes([self.model])
        )

    def device_characteristics(self, blocks: int | None = None) -> bytes:
        """The 32 bytes of Read Device Characteristics (X'64') for a device of ``blocks``."""
        size = self.blocks if blocks is None else blocks
        return (
            bytes([0x30, 0x08, self.device_class, self.unit_type])
            + FBA_BLOCK_SIZE.to_bytes(2, "big")
            + self.blocks_per_group.to_bytes(4, "big")
            + self.blocks_per_access.to_bytes(4, "big")
            + size.to_bytes(4, "big")
            + bytes(14)
        )


def _ckd(
    name: str,
    device_type: int,
    model: int,
    control_unit: tuple[int, int],
    cylinders: tuple[int, int],
    heads: int,
    lengths: tuple[int, int],
    formula: tuple[int, tuple[int, ...]],
    sectors: int,
    sense_id: bool = True,
) -> CkdGeometry:
    return CkdGeometry(
        name=name,
        device_type=device_type,
        model=model,
        control_unit=control_unit[0],
        control_unit_model=control_unit[1],
        cylinders=cylinders[0],
        alternate_cylinders=cylinders[1],
        heads=heads,
        r1_max=lengths[0],
        track_length=lengths[1],
        formula=formula[0],
        factors=formula[1],
        sectors=sectors,
        sense_id=sense_id,
    )


_FORMULA_3330 = (-1, (56, 135))
_FORMULA_3340 = (-1, (75, 167))
_FORMULA_3380 = (1, (32, 492, 236))

#: Every CKD model, smallest first within a device type (image sizing relies on it).
# fmt: off
CKD_DEVICES: tuple[CkdGeometry, ...] = (
    _ckd("2311", 0x2311, 0, (0x2841, 0), (200, 3), 10, (3625, 3625), (-2, (20, 61, 537, 512)), 0,
         sense_id=False),
    _ckd("2314", 0x2314, 0, (0x2314, 0), (200, 3), 20, (7294, 7294), (-2, (45, 101, 2137, 2048)),
         0, sense_id=False),
    _ckd("2305-1", 0x2305, 0, (0x2835, 0), (48, 6), 8, (14136, 14568), (-1, (202, 432)), 90,
         sense_id=False),
    _ckd("2305-2", 0x2305, 0, (0x2835, 0), (96, 12), 8, (14660, 14858), (-1, (91, 198)), 90,
         sense_id=False),
    _ckd("3330", 0x3330, 0x01, (0x3830, 2), (404, 7), 19, (13030, 13165), _FORMULA_3330, 128),
    _ckd("3330-11", 0x3330, 0x11, (0x3830, 2), (808, 7), 19, (13030, 13165), _FORMULA_3330, 128),
    _ckd("3340", 0x3340, 0x01, (0x3830, 2), (348, 1), 12, (8368, 8535), _FORMULA_3340, 64),
    _ckd("3340-70", 0x3340, 0x02, (0x3830, 2), (696, 2), 12, (8368, 8535), _FORMULA_3340, 64),
    _ckd("3350", 0x3350, 0x00, (0x3830, 2), (555, 5), 30, (19069, 19254), (-1, (82, 185)), 128),
    _ckd("3375", 0x3375, 0x02, (0x3880, 5), (959, 3), 12, (35616, 36000), (1, (32, 384, 160)),
         196),
    _ckd("3380", 0x3380, 0x02, (0x3880, 5), (885, 1), 15, (47476, 47968), _FORMULA_3380, 222),
    _ckd("3380-E", 0x3380, 0x02, (0x3880, 5), (1770, 2), 15, (47476, 47968), _FORMULA_3380, 222),
    _ckd("3380-K", 0x3380, 0x02, (0x3880, 5), (2655, 3), 15, (47476, 47968), _FORMULA_3380, 222),
)

#: Every FBA model, smallest first within a device type.
FBA_DEVICES: tuple[FbaGeometry, ...] = (
    FbaGeometry("3310", 0x3310, 0x01, 0x4331, 0x01, 0x01, 125664, 32, 352),
    FbaGeometry("3370", 0x3370, 0x00, 0x3880, 0x01, 0x02, 558000, 62, 744),
    FbaGeometry("3370-2", 0x3370, 0x04, 0x3880, 0x01, 0x05, 712752, 62, 744),
)
# fmt: on

# Other names for the same model: device-type aliases and explicit model suffixes.
_CKD_ALIASES = {
    "2319": "2314",
    "2305": "2305-1",
    "3330-1": "3330",
    "3333": "3330",
    "3340-35": "3340",
    "3344": "3340-70",
    "3350-1": "3350",
    "3375-1": "3375",
    "3380-A": "3380",
    "3380-B": "3380",
    "3380-D": "3380",
    "3380-J": "3380",
    "3380-1": "3380",
}
_FBA_ALIASES = {
    "3310-1": "3310",
    "3370-1": "3370",
    "3370-A1": "3370",
    "3370-B1": "3370",
    "3370-A2": "3370-2",
    "3370-B2": "3370-2",
}


def ckd_geometry(name: str) -> CkdGeometry | None:
    """The CKD model called ``name`` ("3350", "3330-11", "2319"), or None."""
    key = name.strip().upper()
    key = _CKD_ALIASES.get(key, key)
    return next((device for device in CKD_DEVICES if device.name == key), None)


def fba_geometry(name: str) -> FbaGeometry | None:
    """The FBA model called ``name`` ("3310", "3370", "3370-2"), or None."""
    key = name.strip().upper()
    key = _FBA_ALIASES.get(key, key)
    return next((device for device in FBA_DEVICES if device.name == key), None)


def device_geometry(name: str) -> CkdGeometry | FbaGeometry | None:
    """The CKD or FBA model called ``name``, or None."""
    return ckd_geometry(name) or fba_geometry(name)


def ckd_geometry_for_image(devtyp: int, cylinders: int) -> CkdGeometry | None:
    """The model of a Hercules image: the first of its type whose size covers ``cylinders``.

    ``devtyp`` is the low byte kept in the device header (reference/dasd.md 1.2).
    An image larger than the largest model still gets that model.
    """
    models = [device for device in CKD_DEVICES if device.devtyp == devtyp]
    if not models:
        return None
    return next((m for m in models if m.total_cylinders >= cylinders), models[-1])


def fba_geometry_for_image(devtyp: int, blocks: int) -> FbaGeometry | None:
    """The FBA model whose device type low byte is ``devtyp`` and that covers ``blocks``."""
    models = [device for device in FBA_DEVICES if device.devtyp == devtyp]
    if not models:
        return None
    return next((m for m in models if m.blocks >= blocks), models[-1])
