"""USER DIRECT parser: VM/370 directory control statements into a `Directory`.

Follows the R6 Planning and System Generation Guide, "Directory Control
Statements", summarised in reference cp-cms.md 7.2-7.3:

* Card images: only columns 1-71 are read; operands are separated by blanks
  and folded to upper case.  Blank cards and cards whose first operand starts
  with ``*`` are comments (so an indented `` * text`` is one too).
* Operands are positional (OPTION's are keywords in any order); omitted
  operands take defaults; data after the last possible operand is ignored.
* DIRECTORY must come first and only once (vm370 needs no object directory
  volume, so a file without it only draws a warning).
* Every card is checked; all errors are raised together in one
  `DirectoryError`, never any other exception, and nothing is returned.

vm370 extensions: passwords are hashed (`directory.passwords`).  A card that
holds a hashed password (``SCRYPT:`` within columns 1-71) is read to its end,
because the hash alone is longer than a card; the writer never puts sequence
numbers on such cards.  Clear passwords are hashed only after the whole file
has checked clean.

Statement abbreviations (unverified beyond DIRectory): DIRectory, USER,
ACCount, OPTion, IPL, CONsole, SPOol, MDisk, LINK, DEDicate, SPECial.
Defaults (unverified, as in cp-cms.md 7.3): storage 256K, maximum storage =
storage, class G, priority 50, MDISK mode W, LINK mode R, reader class ``*``,
punch and printer class A.  USER line-edit operands follow priority in the
order LINEND, LINEDEL, CHARDEL, ESCAPE (the order later VM releases document).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from directory.check import Placed, check_directory
from directory.errors import DirectoryError, Issue
from directory.model import (
    CKD_CYLINDERS,
    FBA_BLOCKS,
    KILO,
    MAX_STORAGE,
    MEGA,
    MINIDISK_MODES,
    OPTION_FLAGS,
    ConsoleDevice,
    Dedicate,
    Directory,
    DirectoryVolume,
    IplSpec,
    LineEdit,
    Link,
    Minidisk,
    Special,
    SpoolDevice,
    SpoolKind,
    UserEntry,
)
from directory.passwords import ALL, NOLOG, SCHEME, hash_password, is_clear_password, is_hashed

__all__ = ["DirectoryError", "Hasher", "Issue", "ParseResult", "parse_directory"]

Hasher = Callable[[str], str]

CARD_COLUMNS = 71
BC_MAX_ADDRESS = 0x5FF
MAX_PARM = 64

DIRECTORY_DEVICE_TYPES = frozenset({"2314", "2319", "2305", "3330", "3340", "3350"})
CONSOLE_DEVICE_TYPES = frozenset({"3215", "3210", "1052"})
SPECIAL_DEVICE_TYPES = frozenset({"3270", "TIMER", "CTCA", "2701", "2702", "2703"})
LINE_DEVICE_TYPES = frozenset({"2701", "2702", "2703"})
SPOOL_DEVICE_KINDS: dict[str, SpoolKind | None] = {
    "2540": None,
    "1403": SpoolKind.PRINTER,
    "1443": SpoolKind.PRINTER,
    "3211": SpoolKind.PRINTER,
    "2501": SpoolKind.READER,
    "3505": SpoolKind.READER,
    "3525": SpoolKind.PUNCH,
}

_USERID = re.compile(r"[A-Z0-9@#$]{1,8}")
_VOLSER = re.compile(r"[A-Z0-9@#$-]{1,6}")
_HEX = re.compile(r"[0-9A-F]{1,3}")
_NAME = re.compile(r"[!-~]{1,8}")
_STORAGE = re.compile(r"([0-9]{1,5})([KM])")
_DECIMAL = re.compile(r"[0-9]{1,7}")
_CLASS = re.compile(r"[A-Z0-9]")
_TOKEN = re.compile(r"[^ ]+")


@dataclass
class ParseResult:
    """A parsed directory and the warnings about it (errors raise instead)."""

    directory: Directory
    warnings: list[Issue] = field(default_factory=list)


class _Reject(Exception):
    """One card is wrong; caught per card and recorded as an error."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Card:
    """One statement card as read: line number, folded text, its operands."""

    line: int
    text: str
    tokens: list[str]
    ends: list[int]

    def operand(self, index: int, what: str) -> str:
        if index >= len(self.tokens):
            raise _Reject(f"{what} missing")
        return self.tokens[index]

    def optional(self, index: int) -> str | None:
        return self.tokens[index] if index < len(self.tokens) else None

    def rest_after(self, index: int) -> str:
        """The card text after operand `index`, blanks around it removed."""
        return self.text[self.ends[index] :].strip(" ")


def _read_card(line_number: int, raw: str) -> Card:
    raw = raw.rstrip("\r").replace("\t", " ")
    text = raw if f"{SCHEME}:" in raw[:CARD_COLUMNS].upper() else raw[:CARD_COLUMNS]
    text = text.upper()
    matches = list(_TOKEN.finditer(text))
    tokens = [match.group() for match in matches]
    return Card(line_number, text.rstrip(" "), tokens, [match.end() for match in matches])


# --- operand checks ---------------------------------------------------------------------------


def _userid(token: str) -> str:
    if _USERID.fullmatch(token) is None:
        raise _Reject(f"userid {token} is not 1-8 characters A-Z 0-9 @ # $")
    return token


def _vaddr(token: str, what: str = "virtual address") -> int:
    if _HEX.fullmatch(token) is None or int(token, 16) == 0:
        raise _Reject(f"{what} {token} is not 1-3 hex digits 001-FFF")
    return int(token, 16)


def _raddr(token: str) -> int:
    if _HEX.fullmatch(token) is None:
        raise _Reject(f"real address {token} is not 1-3 hex digits")
    return int(token, 16)


def _volser(token: str) -> str:
    if _VOLSER.fullmatch(token) is None:
        raise _Reject(f"volume serial {token} is not 1-6 characters A-Z 0-9 @ # $ -")
    return token


def _name(token: str, what: str) -> str:
    if _NAME.fullmatch(token) is None:
        raise _Reject(f"{what} {token} is not 1-8 printable characters")
    return token


def _storage(token: str, what: str) -> int:
    match = _STORAGE.fullmatch(token)
    if match is None:
        raise _Reject(f"{what} {token} is not nnnK or nnM")
    size = int(match[1]) * (KILO if match[2] == "K" else MEGA)
    if size == 0 or size % (4 * KILO):
        raise _Reject(f"{what} {token} is not a positive multiple of 4K")
    if size > MAX_STORAGE:
        raise _Reject(f"{what} {token} is above 16M")
    return size


def _decimal(token: str, what: str) -> int:
    if _DECIMAL.fullmatch(token) is None:
        raise _Reject(f"{what} {token} is not a decimal number")
    return int(token)


def _spool_class(token: str | None, kind: SpoolKind) -> str:
    if token is None:
        return "*" if kind is SpoolKind.READER else "A"
    if _CLASS.fullmatch(token) or (token == "*" and kind is SpoolKind.READER):
        return token
    allowed = "A-Z, 0-9 or *" if kind is SpoolKind.READER else "A-Z or 0-9"
    raise _Reject(f"spool class {token} is not {allowed}")


def _mode(token: str | None, default: str) -> str:
    if token is None:
        return default
    if token not in MINIDISK_MODES:
        raise _Reject(f"mode {token} is not R, RR, W, WR, M, MR or MW")
    return token


def _password(token: str, special: str) -> str:
    """Check a password operand; the clear form stays clear until the file checks clean."""
    if token == special or is_hashed(token):
        return token
    if len(token) > 8:
        raise _Reject("password is longer than 8 characters (and not a vm370 hash)")
    if not is_clear_password(token):
        raise _Reject("password has characters that are not allowed")
    return token


def _line_edit(tokens: list[str]) -> LineEdit:
    values: list[str | None] = []
    for token in tokens[:4]:
        if token != "OFF" and (len(token) != 1 or token.isalnum()):
            raise _Reject(f"line-edit symbol {token} is not OFF or one non-alphanumeric character")
        values.append(token)
    values += [None] * (4 - len(values))
    return LineEdit(values[0], values[1], values[2], values[3])


def _keyword(token: str, table: dict[str, SpoolKind], what: str) -> SpoolKind:
    kind = table.get(token)
    if kind is None:
        raise _Reject(f"{what} {token} is not READER or PUNCH")
    return kind


_READER_PUNCH = {
    "READ": SpoolKind.READER,
    "READE": SpoolKind.READER,
    "READER": SpoolKind.READER,
    "RDR": SpoolKind.READER,
    "PUN": SpoolKind.PUNCH,
    "PUNC": SpoolKind.PUNCH,
    "PUNCH": SpoolKind.PUNCH,
    "PCH": SpoolKind.PUNCH,
}


# --- the parse state --------------------------------------------------------------------------


@dataclass
class _Builder:
    directory: Directory = field(default_factory=Directory)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    current: UserEntry | None = None
    addresses: dict[int, int] = field(default_factory=dict)
    device_cards: list[tuple[int, Card]] = field(default_factory=list)
    userids: set[str] = field(default_factory=set)
    seen_statement: bool = False
    seen_directory: bool = False
    disks: list[tuple[Placed, Minidisk]] = field(default_factory=list)
    links: list[tuple[Placed, Link]] = field(default_factory=list)

    def error(self, card: Card, message: str) -> None:
        self.errors.append(Issue(card.line, card.text.strip(), message))

    def placed(self, entry: UserEntry, card: Card) -> Placed:
        return Placed(entry, card.line, card.text.strip())

    def user(self, card: Card) -> UserEntry:
        if self.current is None:
            raise _Reject(f"{card.tokens[0]} statement before any USER statement")
        return self.current

    def claim(self, card: Card, address: int) -> None:
        """Reserve a virtual address in the current entry (each may be used once)."""
        if address in self.addresses:
            line = self.addresses[address]
            raise _Reject(f"virtual address {address:03X} is already defined on line {line}")
        self.addresses[address] = card.line
        self.device_cards.append((address, card))

    def finish_user(self) -> None:
        """End of an entry: addresses above 5FF need an EC-mode machine."""
        entry = self.current
        if entry is not None and not entry.has_option("ECMODE"):
            for address, card in self.device_cards:
                if address > BC_MAX_ADDRESS:
                    self.error(card, f"virtual address {address:03X} needs OPTION ECMODE")
        self.current = None
        self.addresses = {}
        self.device_cards = []


# --- statements -------------------------------------------------------------------------------


def _stmt_directory(builder: _Builder, card: Card) -> None:
    if builder.seen_directory:
        raise _Reject("only one DIRECTORY statement is allowed")
    builder.seen_directory = True
    if builder.seen_statement:
        raise _Reject("DIRECTORY must be the first statement")
    address = _vaddr(card.operand(1, "directory device address"), "device address")
    device_type = card.operand(2, "device type")
    if device_type not in DIRECTORY_DEVICE_TYPES:
        raise _Reject(f"device type {device_type} cannot hold the directory")
    volser = _volser(card.operand(3, "volume serial"))
    builder.directory.volume = DirectoryVolume(address, device_type, volser)


def _stmt_user(builder: _Builder, card: Card) -> None:
    builder.finish_user()
    # Device statements after a rejected USER are still checked, in a detached entry.
    builder.current = UserEntry(userid=card.optional(1) or "?", password="")
    userid = _userid(card.operand(1, "userid"))
    password = _password(card.operand(2, "password"), NOLOG)
    entry = UserEntry(userid=userid, password=password)
    if (storage := card.optional(3)) is not None:
        entry.storage = entry.max_storage = _storage(storage, "storage")
    if (max_storage := card.optional(4)) is not None:
        entry.max_storage = _storage(max_storage, "maximum storage")
    if entry.storage > entry.max_storage:
        raise _Reject("storage is above the maximum storage")
    if (classes := card.optional(5)) is not None:
        if re.fullmatch(r"[A-H]{1,8}", classes) is None:
            raise _Reject(f"privilege classes {classes} are not letters A-H")
        entry.classes = "".join(sorted(set(classes)))
    if (priority := card.optional(6)) is not None:
        entry.priority = _decimal(priority, "priority")
        if not 1 <= entry.priority <= 99:
            raise _Reject(f"priority {priority} is not 1-99")
    entry.line_edit = _line_edit(card.tokens[7:])
    if userid in builder.userids:
        raise _Reject(f"userid {userid} is already defined")
    builder.userids.add(userid)
    builder.current = entry
    builder.directory.users.append(entry)


def _stmt_account(builder: _Builder, card: Card) -> None:
    entry = builder.user(card)
    if entry.account is not None:
        raise _Reject("more than one ACCOUNT statement in this entry")
    account = _name(card.operand(1, "account number"), "account number")
    distcode = card.optional(2)
    entry.account = account
    entry.distcode = None if distcode is None else _name(distcode, "distribution code")


def _stmt_option(builder: _Builder, card: Card) -> None:
    entry = builder.user(card)
    if len(card.tokens) < 2:
        raise _Reject("no options given")
    index = 1
    while index < len(card.tokens):
        option = card.tokens[index]
        if option in OPTION_FLAGS:
            entry.options.add(option)
        elif option == "CPUID":
            index += 1
            value = card.operand(index, "CPUID value")
            if re.fullmatch(r"[0-9A-F]{6}", value) is None:
                raise _Reject(f"CPUID {value} is not 6 hex digits")
            entry.cpuid = value
        elif option == "AFFINITY":
            index += 1
            value = card.operand(index, "AFFINITY processor")
            if re.fullmatch(r"[0-9A-F]{1,2}", value) is None:
                raise _Reject(f"AFFINITY {value} is not a processor address (hex)")
            entry.affinity = int(value, 16)
        else:
            raise _Reject(f"unknown option {option}")
        index += 1


def _stmt_ipl(builder: _Builder, card: Card) -> None:
    entry = builder.user(card)
    if entry.ipl is not None:
        raise _Reject("more than one IPL statement in this entry")
    target = card.operand(1, "IPL device or system name")
    if _USERID.fullmatch(target) is None:
        raise _Reject(f"IPL {target} is not a device address or system name")
    parm = None
    if card.optional(2) == "PARM":
        parm = card.rest_after(2)
        if not parm:
            raise _Reject("PARM string missing")
        if len(parm) > MAX_PARM:
            raise _Reject(f"PARM string is longer than {MAX_PARM} characters")
    entry.ipl = IplSpec(target, parm)


def _stmt_console(builder: _Builder, card: Card) -> None:
    entry = builder.user(card)
    if entry.console is not None:
        raise _Reject("more than one CONSOLE statement in this entry")
    address = _vaddr(card.operand(1, "virtual address"))
    device_type = card.operand(2, "device type")
    if device_type not in CONSOLE_DEVICE_TYPES:
        raise _Reject(f"console device type {device_type} is not 3215, 3210 or 1052")
    spool_class = card.optional(3)
    if spool_class is not None and _CLASS.fullmatch(spool_class) is None:
        raise _Reject(f"spool class {spool_class} is not A-Z or 0-9")
    builder.claim(card, address)
    entry.console = ConsoleDevice(address, device_type, spool_class)


def _stmt_spool(builder: _Builder, card: Card) -> None:
    entry = builder.user(card)
    address = _vaddr(card.operand(1, "virtual address"))
    device_type = card.operand(2, "device type")
    if device_type not in SPOOL_DEVICE_KINDS:
        raise _Reject(f"spooled device type {device_type} is not known")
    kind = SPOOL_DEVICE_KINDS[device_type]
    class_index = 3
    if kind is None:
        kind = _keyword(card.operand(3, "READER or PUNCH"), _READER_PUNCH, "2540 function")
        class_index = 4
    spool_class = _spool_class(card.optional(class_index), kind)
    builder.claim(card, address)
    entry.spool.append(SpoolDevice(address, device_type, kind, spool_class))


def _stmt_mdisk(builder: _Builder, card: Card) -> None:
    entry = builder.user(card)
    address = _vaddr(card.operand(1, "virtual address"))
    device_type = card.operand(2, "device type")
    capacity = CKD_CYLINDERS.get(device_type) or FBA_BLOCKS.get(device_type)
    if capacity is None:
        raise _Reject(f"minidisk device type {device_type} is not known")
    unit = "cylinder" if device_type in CKD_CYLINDERS else "block"
    start = _decimal(card.operand(3, f"start {unit}"), f"start {unit}")
    count = _decimal(card.operand(4, f"number of {unit}s"), f"number of {unit}s")
    if count == 0:
        raise _Reject(f"number of {unit}s is 0")
    if start + count > capacity:
        raise _Reject(f"extent ends beyond the last {unit} of a {device_type}")
    volser = _volser(card.operand(5, "volume serial"))
    disk = Minidisk(address, device_type, start, count, volser, _mode(card.optional(6), "W"))
    passwords: list[str | None] = [_password(token, ALL) for token in card.tokens[7:10]]
    passwords += [None] * (3 - len(passwords))
    disk.read_password, disk.write_password, disk.multi_password = passwords
    builder.claim(card, address)
    entry.mdisks.append(disk)
    builder.disks.append((builder.placed(entry, card), disk))


def _stmt_link(builder: _Builder, card: Card) -> None:
    entry = builder.user(card)
    userid = _userid(card.operand(1, "userid"))
    target = _vaddr(card.operand(2, "linked virtual address"))
    address = _vaddr(card.operand(3, "virtual address"))
    link = Link(userid, target, address, _mode(card.optional(4), "R"))
    builder.claim(card, address)
    entry.links.append(link)
    builder.links.append((builder.placed(entry, card), link))


def _stmt_dedicate(builder: _Builder, card: Card) -> None:
    entry = builder.user(card)
    address = _vaddr(card.operand(1, "virtual address"))
    real_address = _raddr(card.operand(2, "real address"))
    builder.claim(card, address)
    entry.dedicates.append(Dedicate(address, real_address))


def _stmt_special(builder: _Builder, card: Card) -> None:
    entry = builder.user(card)
    address = _vaddr(card.operand(1, "virtual address"))
    device_type = card.operand(2, "device type")
    if device_type not in SPECIAL_DEVICE_TYPES:
        raise _Reject(f"special device type {device_type} is not 3270, TIMER, CTCA or 270x")
    mode = card.optional(3) if device_type in LINE_DEVICE_TYPES else None
    if mode is not None and mode not in ("IBM", "TELE"):
        raise _Reject(f"line type {mode} is not IBM or TELE")
    builder.claim(card, address)
    entry.specials.append(Special(address, device_type, mode))


Handler = Callable[[_Builder, Card], None]

#: Statement name, minimum abbreviation length, handler.
STATEMENTS: list[tuple[str, int, Handler]] = [
    ("DIRECTORY", 3, _stmt_directory),
    ("USER", 4, _stmt_user),
    ("ACCOUNT", 3, _stmt_account),
    ("OPTION", 3, _stmt_option),
    ("IPL", 3, _stmt_ipl),
    ("CONSOLE", 3, _stmt_console),
    ("SPOOL", 3, _stmt_spool),
    ("MDISK", 2, _stmt_mdisk),
    ("LINK", 4, _stmt_link),
    ("DEDICATE", 3, _stmt_dedicate),
    ("SPECIAL", 4, _stmt_special),
]


def statement_handler(keyword: str) -> Handler | None:
    """The handler for a statement keyword or its abbreviation."""
    for name, minimum, handler in STATEMENTS:
        if minimum <= len(keyword) <= len(name) and name.startswith(keyword):
            return handler
    return None


def _process(builder: _Builder, card: Card) -> None:
    handler = statement_handler(card.tokens[0])
    try:
        if handler is None:
            raise _Reject(f"unknown statement {card.tokens[0]}")
        handler(builder, card)
    except _Reject as reject:
        builder.error(card, reject.message)
    builder.seen_statement = True


def _hash_clear(directory: Directory, hasher: Hasher) -> None:
    """Replace every clear password by its hash, once the file has checked clean."""

    def stored(password: str | None, special: str) -> str | None:
        if password is None or password == special or is_hashed(password):
            return password
        return hasher(password)

    for entry in directory.users:
        entry.password = stored(entry.password, NOLOG) or NOLOG
        for disk in entry.mdisks:
            disk.read_password = stored(disk.read_password, ALL)
            disk.write_password = stored(disk.write_password, ALL)
            disk.multi_password = stored(disk.multi_password, ALL)


def parse_directory(text: str, *, hasher: Hasher | None = hash_password) -> ParseResult:
    """Parse USER DIRECT text; raise `DirectoryError` listing every error.

    Clear passwords are hashed with `hasher`; with ``hasher=None`` they are left
    in clear (for checking a file without storing it).
    """
    builder = _Builder()
    for number, raw in enumerate(text.split("\n"), start=1):
        card = _read_card(number, raw)
        if card.tokens and not card.tokens[0].startswith("*"):
            _process(builder, card)
    builder.finish_user()
    if not builder.seen_directory:
        builder.warnings.append(Issue(0, "", "no DIRECTORY statement"))
    errors, warnings = check_directory(builder.directory, builder.disks, builder.links)
    builder.errors += errors
    builder.warnings += warnings
    warnings = sorted(builder.warnings, key=lambda issue: issue.line)
    if builder.errors:
        raise DirectoryError(sorted(builder.errors, key=lambda issue: issue.line), warnings)
    if hasher is not None:
        _hash_clear(builder.directory, hasher)
    return ParseResult(builder.directory, warnings)
