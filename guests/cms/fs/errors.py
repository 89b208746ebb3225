"""Errors of the CMS file system, carrying their DMS message and return codes.

Every failure of the file system, including a disk whose blocks are garbage, is
raised as a ``CmsFsError`` (never another Python exception), so the command layer
has one thing to catch. Each error carries:

- ``number`` and ``severity``: the DMS message, rendered by the command layer as
  ``DMSmmmnnns text`` with its own module id (``message("LST")``);
- ``rc``: the return code of the CMS *command* (reference/cp-cms.md 9.6);
- ``fs_rc``: the return code of the file-system *function* (RDBUF/WRBUF/STATE/ERASE,
  reference/cp-cms.md 12.3), for the SVC 202 / FSCB interface.

Message numbers and texts follow the VM/370 R6 messages: 002E file not found,
024E file already exists, 037E disk read/only, 048E invalid mode, 062E invalid
character in fileid, 104S/105S error nn reading/writing a file (nn = the RDBUF/WRBUF
return code: 13 disk full, 15 record length, 16 RECFM, 11 RECFM not F/V).
Numbers other than 002 and the FSCB codes marked in cp-cms.md are (unverified);
``DirectoryError`` (a disk whose label or directory cannot be decoded) has no known
R6 message and reuses 104S with its own text.
"""

from __future__ import annotations

__all__ = [
    "BlockIOError",
    "CmsFsError",
    "DirectoryError",
    "DirectoryFull",
    "DiskFull",
    "DiskReadOnly",
    "FileExists",
    "FileFormatError",
    "FileNotFound",
    "FileTooLarge",
    "InvalidFileId",
    "InvalidMode",
    "InvalidParameter",
    "InvalidRecfm",
    "NotCmsDisk",
    "NoRecords",
    "ReadError",
    "RecfmMismatch",
    "RecordLengthError",
    "UnsupportedDevice",
    "WriteError",
]


class CmsFsError(Exception):
    """Base of all file-system errors: a DMS message plus return codes."""

    number: int = 0
    severity: str = "E"
    rc: int = 100
    fs_rc: int = 0

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def message(self, module: str) -> str:
        """The console line, e.g. ``message("STT")`` -> ``DMSSTT002E FILE ...``."""
        return f"DMS{module}{self.number:03d}{self.severity} {self.text}"


class FileNotFound(CmsFsError):
    """DMSxxx002E FILE 'fn ft fm' NOT FOUND (RC 28; RDBUF 1, STATE/ERASE 28)."""

    number, rc, fs_rc = 2, 28, 28

    def __init__(self, fileid: str) -> None:
        super().__init__(f"FILE '{fileid}' NOT FOUND")
        self.fileid = fileid


class FileExists(CmsFsError):
    """DMSxxx024E FILE 'fn ft fm' ALREADY EXISTS (RENAME target, NEWFILE)."""

    number, rc, fs_rc = 24, 28, 24

    def __init__(self, fileid: str) -> None:
        super().__init__(f"FILE '{fileid}' ALREADY EXISTS")
        self.fileid = fileid


class DiskReadOnly(CmsFsError):
    """DMSxxx037E DISK 'm' IS READ/ONLY (RC 36; WRBUF 12)."""

    number, rc, fs_rc = 37, 36, 12

    def __init__(self, mode_letter: str) -> None:
        super().__init__(f"DISK '{mode_letter}' IS READ/ONLY")
        self.mode_letter = mode_letter


class InvalidMode(CmsFsError):
    """DMSxxx048E INVALID MODE 'fm' (RC 24)."""

    number, rc, fs_rc = 48, 24, 24

    def __init__(self, mode: str) -> None:
        super().__init__(f"INVALID MODE '{mode}'")


class InvalidFileId(CmsFsError):
    """DMSxxx062E INVALID CHARACTER IN FILEID (RC 20; WRBUF 20 name, 21 type)."""

    number, rc, fs_rc = 62, 20, 20

    def __init__(self, fileid: str, *, in_type: bool = False) -> None:
        super().__init__(f"INVALID CHARACTER IN FILEID '{fileid}'")
        self.fileid = fileid
        if in_type:
            self.fs_rc = 21


class WriteError(CmsFsError):
    """DMSxxx105S ERROR 'nn' WRITING FILE 'fn ft fm' ON DISK (nn = WRBUF code)."""

    number, severity, rc, fs_rc = 105, "S", 100, 3

    def __init__(self, fileid: str) -> None:
        super().__init__(f"ERROR '{self.fs_rc}' WRITING FILE '{fileid}' ON DISK")
        self.fileid = fileid


class InvalidRecfm(WriteError):
    """WRBUF 11: record format not F or V."""

    fs_rc = 11


class DiskFull(WriteError):
    """WRBUF 13: not enough free blocks; nothing was written."""

    fs_rc = 13


class FileTooLarge(WriteError):
    """More than 16,060 data blocks or 65,535 records (dasd.md 5.10); WRBUF 13."""

    fs_rc = 13


class DirectoryFull(WriteError):
    """No room left in the MFD for another FST block (dasd.md 5.10); WRBUF 13."""

    fs_rc = 13


class RecordLengthError(WriteError):
    """WRBUF 15: a record of an F file differs from its record length."""

    fs_rc = 15


class RecfmMismatch(WriteError):
    """WRBUF 16: appending records of another format to an existing file."""

    fs_rc = 16


class NoRecords(WriteError):
    """A write with no records: CMS keeps no empty files (vm370's WRBUF 5)."""

    fs_rc = 5


class ReadError(CmsFsError):
    """DMSxxx104S ERROR 'nn' READING FILE 'fn ft fm' FROM DISK (nn = RDBUF code)."""

    number, severity, rc, fs_rc = 104, "S", 100, 3

    def __init__(self, fileid: str, detail: str = "") -> None:
        super().__init__(f"ERROR '{self.fs_rc}' READING FILE '{fileid}' FROM DISK")
        self.fileid = fileid
        self.detail = detail


class FileFormatError(ReadError):
    """A file's FST entry, chain links or records are inconsistent (corrupt disk)."""


class DirectoryError(CmsFsError):
    """The label, MFD or an FST block cannot be decoded (corrupt or unformatted disk)."""

    number, severity, rc, fs_rc = 104, "S", 100, 3

    def __init__(self, detail: str) -> None:
        super().__init__(f"ERROR '3' READING DISK DIRECTORY: {detail}")
        self.detail = detail


class NotCmsDisk(DirectoryError):
    """Block 3 holds no ``CMS=`` label: the disk is not formatted for CMS (or is EDF)."""


class BlockIOError(CmsFsError):
    """The block device failed (DIAGNOSE X'18' error, block out of range)."""

    number, severity, rc, fs_rc = 104, "S", 100, 3

    def __init__(self, detail: str) -> None:
        super().__init__(f"PERMANENT I/O ERROR: {detail}")
        self.detail = detail


class UnsupportedDevice(CmsFsError):
    """A device type CMS R6 cannot format or access (reference/dasd.md 5.1)."""

    number, rc, fs_rc = 113, 100, 3  # (unverified): no R6 message for this is known

    def __init__(self, device_type: int) -> None:
        super().__init__(f"DEVICE TYPE {device_type:04X} NOT SUPPORTED")
        self.device_type = device_type


class InvalidParameter(CmsFsError):
    """DMSxxx070E INVALID PARAMETER 'x' (RC 24): a bad label, cylinder count, ..."""

    number, rc, fs_rc = 70, 24, 24

    def __init__(self, parameter: str) -> None:
        super().__init__(f"INVALID PARAMETER '{parameter}'")
        self.parameter = parameter
