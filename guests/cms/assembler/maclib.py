"""MACLIB files: macro definitions and COPY members in one library (DMSLBM's file).

reference/cp-cms.md 10.2 (GLOBAL MACLIB feeds ASSEMBLE). A MACLIB is a RECFM
F 80 file in the "LIBPDS" layout TXTLIBs also use (guests/cms/txtlib.py):

* record 1, the header: ``LIBPDS`` (EBCDIC), two reserved bytes, the size
  of the directory in bytes (fullword), the item number of its first record
  (fullword), the rest reserved;
* the members one after the other, each its 80-column source records, then
  an end-of-member record (X'61FFFF61' and zeros); a member never starts at
  an item number that is a multiple of 256 (a TTR with record 0), so a
  second end record pads when it would;
* the directory: 16-byte entries, five to a record: CL8 name, three zero
  bytes, X'80', the item number (fullword) of the member's first record.

This is the layout jphartmann/CMS-TXTLIB (libpds.h, maclib.c) writes for
CMS MACLIBs ("new format", LIBPDS with 32-bit numbers); the VM/370 R6
MACLIB used the older format with halfword numbers, which could not be
verified, so real R6 CMS may not read these libraries (best estimate). The
MAP listing follows the columns VM/370 CE's MACLIB MAP types: MACRO, INDEX
(the item number) and SIZE (records). The module is pure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["MacLibrary", "MacMember", "MaclibError", "build_maclib", "members_of", "read_maclib"]

CARD = 80
IDENT = "LIBPDS".encode("cp037")
ENTRY = 16
PER_RECORD = CARD // ENTRY
END_RECORD = b"\x61\xff\xff\x61" + bytes(CARD - 4)
NEW_FORMAT = 0x80


class MaclibError(Exception):
    """A file that does not hold together as a MACLIB."""


@dataclass
class MacMember:
    name: str
    records: list[bytes]
    item: int = 0  # its first record's item number, once in a library


@dataclass
class MacLibrary:
    members: list[MacMember] = field(default_factory=list)

    def find(self, name: str) -> MacMember | None:
        """The first member of that name (a library search takes the first)."""
        return next((member for member in self.members if member.name == name), None)


def _card(record: bytes) -> bytes:
    return record[:CARD].ljust(CARD, b"\x40")


def build_maclib(members: list[MacMember]) -> list[bytes]:
    """The library's records; each member's ``item`` is set to where it starts."""
    records: list[bytes] = [b""]  # the header, filled in at the end
    for member in members:
        member.item = len(records) + 1
        records.extend(_card(record) for record in member.records)
        records.append(END_RECORD)
        if (len(records) + 1) % 256 == 0:
            records.append(END_RECORD)  # the next member must not start at record 0 of a TTR
    directory_item = len(records) + 1
    entries = b"".join(
        member.name.ljust(8)[:8].encode("cp037") + bytes(3) + bytes([NEW_FORMAT])
        + member.item.to_bytes(4, "big") for member in members
    )  # fmt: skip
    for at in range(0, len(entries), CARD):
        records.append(entries[at : at + CARD].ljust(CARD, b"\x00"))
    header = IDENT + bytes(2) + len(entries).to_bytes(4, "big") + directory_item.to_bytes(4, "big")
    records[0] = header.ljust(CARD, b"\x00")
    return records


def read_maclib(records: list[bytes]) -> MacLibrary:
    """The members of a library file (MaclibError when it is not one)."""
    if not records or records[0][:6] != IDENT or len(records[0]) < 16:
        raise MaclibError("NOT A MACLIB")
    size = int.from_bytes(records[0][8:12], "big")
    directory = int.from_bytes(records[0][12:16], "big")
    if size % ENTRY or directory < 2 or directory - 1 + -(-size // CARD) > len(records):
        raise MaclibError("DIRECTORY OUT OF RANGE")
    raw = b"".join(records[directory - 1 : directory - 1 + -(-size // CARD)])[:size]
    library = MacLibrary()
    for at in range(0, size, ENTRY):
        entry = raw[at : at + ENTRY]
        name = entry[:8].decode("cp037", errors="replace").strip()
        item = int.from_bytes(entry[12:16], "big")
        if not 2 <= item < directory:
            raise MaclibError(f"MEMBER {name} OUT OF RANGE")
        body = []
        for record in records[item - 1 : directory - 1]:
            if record[:4] == END_RECORD[:4]:
                break
            body.append(record)
        library.members.append(MacMember(name, body, item))
    return library


def members_of(records: list[bytes], filetype: str, fallback: str) -> list[MacMember]:
    """The members a MACRO file (one per MACRO prototype) or COPY file (``*COPY name``
    delimiters, or the whole file named ``fallback``) holds."""
    texts = [record.decode("cp037", errors="replace") for record in records]
    if filetype == "COPY":
        if not texts or not texts[0].startswith("*COPY "):
            return [MacMember(fallback, records)]
        members: list[MacMember] = []
        for record, text in zip(records, texts, strict=True):
            if text.startswith("*COPY "):
                members.append(MacMember((text[6:].split() or [fallback])[0][:8], []))
            else:
                members[-1].records.append(record)
        return members
    return _macro_members(records, texts)


def _macro_members(records: list[bytes], texts: list[str]) -> list[MacMember]:
    members: list[MacMember] = []
    index = 0
    while index < len(texts):
        if texts[index][:72].split()[:1] != ["MACRO"] or texts[index].startswith("*"):
            index += 1
            continue
        prototype = next((i for i in range(index + 1, len(texts))
                          if texts[i].strip() and not texts[i].startswith((".*", "*"))),
                         None)  # fmt: skip
        if prototype is None:
            break
        words = texts[prototype][:72].split()
        labelled = not texts[prototype].startswith(" ") and len(words) > 1
        name = words[1] if labelled else words[0]
        end = _mend(texts, index)
        members.append(MacMember(name.upper()[:8], records[index : end + 1]))
        index = end + 1
    return members


def _mend(texts: list[str], start: int) -> int:
    depth = 0
    for index in range(start, len(texts)):
        words = texts[index][:72].split()
        operation = words[0] if texts[index].startswith(" ") and words else (
            words[1] if len(words) > 1 else "")  # fmt: skip
        if operation == "MACRO":
            depth += 1
        elif operation == "MEND":
            depth -= 1
            if depth == 0:
                return index
    return len(texts) - 1
