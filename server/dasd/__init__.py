"""DASD volumes: Hercules-compatible image files, minidisk extents, the volume registry.

Models the direct-access side of reference/dasd.md (sections 1-3): device
geometry, the Hercules CKD and FBA image formats, and the minidisk convention of
VM/370 (a cylinder or block extent of a real volume, seen from cylinder 0).

Modules:

- :mod:`.geometry` - CKD and FBA device tables, capacity formulas, Sense ID and
  FBA device characteristics (standard library only; the devices may import it).
- :mod:`.track` - CKD track images: home address, records, count fields.
- :mod:`.ckd` - plain ``CKD_P370`` images, sparse, whole-track positioned writes.
- :mod:`.fba` - plain FBA images (512-byte blocks), sparse.
- :mod:`.cckd` - compressed ``CKD_C370``/``FBA_C370`` images: import and export.
- :mod:`.label` - the IPL records and VOL1 label of an initialised pack.
- :mod:`.minidisk` - minidisk views with extent checks.
- :mod:`.volumes` - the registry of volumes in ``<data dir>/volumes/``.
- :mod:`.provision` - :func:`ensure_volumes` for the volumes MDISK statements name.
- :mod:`.errors` - :class:`DasdError` and its :class:`Fault` values.
- :mod:`.fileio` - positioned writes, the fsync policy, hole punching.

A CKD device works on a :class:`CkdMinidisk` (a full pack is the extent from
cylinder 0): it reads a :class:`Track`, searches and reads its records, and
writes the whole track back after Write Data, Write CKD, Write R0 or Erase.
"""

from server.dasd.ckd import CkdImage
from server.dasd.errors import DasdError, Fault, ImageFormatError, VolumeError
from server.dasd.fba import FbaImage
from server.dasd.fileio import SyncPolicy
from server.dasd.geometry import CkdGeometry, FbaGeometry, ckd_geometry, fba_geometry
from server.dasd.minidisk import CkdMinidisk, FbaMinidisk
from server.dasd.track import Record, Track
from server.dasd.volumes import VolumeInfo, VolumeRegistry

__all__ = [
    "CkdGeometry",
    "CkdImage",
    "CkdMinidisk",
    "DasdError",
    "FbaGeometry",
    "FbaImage",
    "FbaMinidisk",
    "Fault",
    "ImageFormatError",
    "Record",
    "SyncPolicy",
    "Track",
    "VolumeError",
    "VolumeInfo",
    "VolumeRegistry",
    "ckd_geometry",
    "fba_geometry",
]
