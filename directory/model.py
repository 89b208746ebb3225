"""The parsed CP directory as plain typed values.

One `UserEntry` per USER statement with the device statements that follow it,
as described in the VM/370 Release 6 Planning and System Generation Guide
("Directory Control Statements") and reference cp-cms.md section 7.  These
values are what the parser produces, the writer prints, the store persists
and CP reads at logon.  Passwords in them are in stored form (see
`directory.passwords`), except in a directory parsed only for checking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "CKD_CYLINDERS",
    "DEFAULT_PRIORITY",
    "DEFAULT_STORAGE",
    "FBA_BLOCKS",
    "FULL_PACK_CYLINDERS",
    "MAX_STORAGE",
    "MINIDISK_MODES",
    "OPTION_FLAGS",
    "ConsoleDevice",
    "Dedicate",
    "Directory",
    "DirectoryVolume",
    "IplSpec",
    "LineEdit",
    "Link",
    "Minidisk",
    "Special",
    "SpoolDevice",
    "SpoolKind",
    "UserEntry",
]

KILO = 1024
MEGA = 1024 * 1024
DEFAULT_STORAGE = 256 * KILO
MAX_STORAGE = 16 * MEGA
DEFAULT_PRIORITY = 50

#: Link modes, also the owner's access mode on MDISK (cp-cms.md 5.19).
MINIDISK_MODES = frozenset({"R", "RR", "W", "WR", "M", "MR", "MW"})

#: OPTION keywords without an operand: R6, CE's LNKNOPAS, vm370's NETWORK.
OPTION_FLAGS = frozenset(
    {"REALTIMER", "ECMODE", "ISAM", "VIRT=REAL", "ACCT", "SVCOFF", "BMX", "LNKNOPAS", "NETWORK"}
)

#: Largest cylinder count of any model of each CKD type (3330-11, 3340-70,
#: 3350 with alternates); an MDISK extent must end within it.
CKD_CYLINDERS = {
    "2305": 96,
    "2314": 203,
    "2319": 203,
    "3330": 808,
    "3333": 808,
    "3340": 696,
    "3344": 696,
    "3350": 560,
}
#: Cylinders of the smallest model of each CKD type: an extent starting at 0
#: with at least this many cylinders is a full-pack minidisk.
FULL_PACK_CYLINDERS = {
    "2305": 48,
    "2314": 200,
    "2319": 200,
    "3330": 404,
    "3333": 404,
    "3340": 348,
    "3344": 348,
    "3350": 555,
}
#: FBA devices (R6 PLC): extents in 512-byte blocks.
FBA_BLOCKS = {"3310": 126016, "3370": 712752}
FULL_PACK_BLOCKS = {"3310": 126016, "3370": 558000}


class SpoolKind(StrEnum):
    """What a spooled unit-record device does."""

    READER = "READER"
    PUNCH = "PUNCH"
    PRINTER = "PRINTER"


@dataclass
class DirectoryVolume:
    """DIRECTORY cuu devtype volser: where R6 wrote the object directory."""

    address: int
    device_type: str
    volser: str


@dataclass
class LineEdit:
    """USER statement line-edit overrides, in card order; None = system default.

    Each is one non-alphanumeric character or ``OFF``.  Positional: a later
    field may be set only when every earlier one is.
    """

    line_end: str | None = None
    line_delete: str | None = None
    char_delete: str | None = None
    escape: str | None = None

    def given(self) -> list[str]:
        """The operands as written on the card (up to the last one given)."""
        values = [self.line_end, self.line_delete, self.char_delete, self.escape]
        given: list[str] = []
        for value in values:
            if value is None:
                break
            given.append(value)
        return given


@dataclass
class IplSpec:
    """IPL cuu|sysname [PARM string]: the automatic IPL at logon."""

    target: str
    parm: str | None = None


@dataclass
class ConsoleDevice:
    """CONSOLE vaddr devtype [class]."""

    address: int
    device_type: str
    spool_class: str | None = None


@dataclass
class SpoolDevice:
    """SPOOL vaddr devtype [class]: a spooled reader, punch or printer."""

    address: int
    device_type: str
    kind: SpoolKind
    spool_class: str


@dataclass
class Minidisk:
    """MDISK vaddr devtype start count volser [mode [rpw [wpw [mpw]]]].

    start and count are cylinders (blocks on FBA).  Passwords are stored forms
    or ``ALL``; None means the operand was not given (no link in that mode).
    """

    address: int
    device_type: str
    start: int
    count: int
    volser: str
    mode: str = "W"
    read_password: str | None = None
    write_password: str | None = None
    multi_password: str | None = None

    @property
    def end(self) -> int:
        """First cylinder (block) after the extent."""
        return self.start + self.count

    def is_full_pack(self) -> bool:
        """True for an extent from 0 covering a whole volume of the smallest model."""
        size = FULL_PACK_CYLINDERS.get(self.device_type) or FULL_PACK_BLOCKS.get(
            self.device_type, 0
        )
        return self.start == 0 and size > 0 and self.count >= size


@dataclass
class Link:
    """LINK userid vaddr1 vaddr2 [mode]: another user's disk linked at logon."""

    userid: str
    target_address: int
    address: int
    mode: str = "R"


@dataclass
class Dedicate:
    """DEDICATE vaddr raddr: a real device attached at logon."""

    address: int
    real_address: int


@dataclass
class Special:
    """SPECIAL vaddr devtype [IBM|TELE]: a non-spooled virtual device."""

    address: int
    device_type: str
    mode: str | None = None


@dataclass
class UserEntry:
    """One directory entry: a USER statement and its device statements."""

    userid: str
    password: str
    storage: int = DEFAULT_STORAGE
    max_storage: int = DEFAULT_STORAGE
    classes: str = "G"
    priority: int = DEFAULT_PRIORITY
    line_edit: LineEdit = field(default_factory=LineEdit)
    account: str | None = None
    distcode: str | None = None
    options: set[str] = field(default_factory=set)
    cpuid: str | None = None
    affinity: int | None = None
    ipl: IplSpec | None = None
    console: ConsoleDevice | None = None
    spool: list[SpoolDevice] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    mdisks: list[Minidisk] = field(default_factory=list)
    dedicates: list[Dedicate] = field(default_factory=list)
    specials: list[Special] = field(default_factory=list)

    def has_class(self, privilege_class: str) -> bool:
        """True when the user holds that privilege class (A-H)."""
        return len(privilege_class) == 1 and privilege_class.upper() in self.classes

    def has_option(self, option: str) -> bool:
        """True for a directory OPTION flag (ECMODE, NETWORK, ...)."""
        return option.upper() in self.options

    @property
    def can_logon(self) -> bool:
        """False for NOLOG entries, which only own minidisks or receive spool."""
        return self.password != "NOLOG"

    def device_addresses(self) -> list[int]:
        """Every virtual device address the entry defines, in statement order."""
        addresses = [self.console.address] if self.console else []
        addresses += [device.address for device in self.spool]
        addresses += [link.address for link in self.links]
        addresses += [disk.address for disk in self.mdisks]
        addresses += [device.address for device in self.dedicates]
        addresses += [device.address for device in self.specials]
        return addresses

    def minidisk(self, address: int) -> Minidisk | None:
        """The MDISK at a virtual address, if any."""
        return next((disk for disk in self.mdisks if disk.address == address), None)


@dataclass
class Directory:
    """A whole CP directory: the DIRECTORY volume and the entries in order."""

    volume: DirectoryVolume | None = None
    users: list[UserEntry] = field(default_factory=list)

    def user(self, userid: str) -> UserEntry | None:
        """The entry for a userid (case-insensitive), if any."""
        wanted = userid.upper()
        return next((entry for entry in self.users if entry.userid == wanted), None)
