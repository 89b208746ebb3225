"""The CMS file system of VM/370 Release 6 on 800-byte-block minidisks.

Format: reference/dasd.md section 5; commands: reference/cp-cms.md 9.4-9.6 and 10.
The package is pure code over a ``BlockDevice`` (``device.py``), which the CMS guest
implements with DIAGNOSE X'18' channel programs; nothing here does console I/O or
knows CP.

API for the command layer (all failures raise ``CmsFsError`` subclasses carrying the
DMS message number, the command RC and the FSCB function RC, ``errors.py``):

``CmsDisk.format(device, label, cylinders=None, mode_letter="A")``
    FORMAT: label block 3, empty directory. ``disk.relabel(label)`` is FORMAT (LABEL,
    ``disk.recomp(cylinders)`` is FORMAT (RECOMP.
``CmsDisk.access(device, mode_letter="A", read_only=False, mode0=False)``
    ACCESS: reads label and directory. ``disk.erase_all()`` is ACCESS (ERASE;
    ``disk.rewrite_directory()`` is what RELEASE does to a R/W disk.
``disk.label``, ``disk.mode_letter``, ``disk.read_only``, ``disk.device_type``,
``disk.cylinders``, ``disk.total_blocks``, ``disk.used_blocks``, ``disk.free_blocks``,
``disk.file_count``
    QUERY DISK.
``disk.files(fn="*", ft="*", mode_number=None) -> list[FstEntry]``
    LISTFILE; ``*`` matches any run of characters.
``disk.find(fn, ft) -> FstEntry | None``; ``disk.state(fn, ft) -> FstEntry``
    STATE (FileNotFound, RC 28).
``disk.read(fn, ft) -> list[bytes]``
    All records of a file (TYPE, COPYFILE, RDBUF).
``disk.write(fn, ft, records, recfm="F", lrecl=None, mode_number=None, replace=True)``
    Create or replace a file (COPYFILE, WRBUF+FINIS).
``disk.append(fn, ft, records, recfm=None, mode_number=None)``
    Add records at the end (COPYFILE (APPEND, LISTFILE (APPEND).
``disk.replace_records(fn, ft, item, records)``
    Write records from record number ``item`` on (WRBUF with FSCBITNO); V records
    keep their length; only the changed data blocks are rewritten.
``disk.erase(fn, ft)``, ``disk.rename(fn, ft, new_fn, new_ft, mode_number=None)``
    ERASE, RENAME (FileExists if the new name is taken).

``FstEntry`` (``layout.py``) is the 40-byte File Status Table entry, with the access
letter in place of the stored one. Names are used as given (the command layer
upper-cases); a write to a read-only disk raises ``DiskReadOnly`` (DMSxxx037E).

Every update is crash-consistent: data blocks and chain links are written first,
then a new directory in free blocks, and the MFD write in block 4 commits it; a
failure at any point leaves the old or the new file, and running out of space is
detected before the first write.
"""

from guests.cms.fs.device import (
    BLOCK_SIZE,
    BlockDevice,
    CmsGeometry,
    MemoryBlockDevice,
    block_address,
    block_number,
    block_records,
    cms_geometry,
    total_blocks,
    track_records,
)
from guests.cms.fs.disk import CmsDisk
from guests.cms.fs.errors import (
    CmsFsError,
    DiskFull,
    DiskReadOnly,
    FileExists,
    FileNotFound,
    InvalidFileId,
)
from guests.cms.fs.layout import FstEntry

__all__ = [
    "BLOCK_SIZE",
    "BlockDevice",
    "CmsDisk",
    "CmsFsError",
    "CmsGeometry",
    "DiskFull",
    "DiskReadOnly",
    "FileExists",
    "FileNotFound",
    "FstEntry",
    "InvalidFileId",
    "MemoryBlockDevice",
    "block_address",
    "block_number",
    "block_records",
    "cms_geometry",
    "total_blocks",
    "track_records",
]
