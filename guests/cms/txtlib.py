"""TXTLIB files: TEXT decks kept as members of one library (DMSLBT's file format).

reference/cp-cms.md 10.13; the R6 TXTLIB help (GEN, ADD, DEL, MAP; a
member is named by the first CSECT of its TEXT file; DEL removes the first
member of that name and compresses the library; ADD does no checking for
duplicate names). A TXTLIB is a RECFM F 80 file:

* record 1, the header (LIBSECT): ``LIBPDS`` (EBCDIC), two reserved bytes,
  the size of the directory in bytes (fullword), the item number of its
  first record (fullword), the rest reserved;
* the members, one after the other, each the cards of its TEXT file, then a
  blank ``LDT`` card and an end-of-member card (X'61FFFF61' followed by the
  ``LDT`` card image). A member never starts at an item number that is a
  multiple of 256 (a TTR with record 0): a copy of the end card pads;
* the directory: 16-byte entries, five to a record, one for each SD and LD
  name of each member: CL8 name, three zero bytes, X'80', and the item number
  (fullword) of the member's first card. The first entry of a member is its
  name.

This is the "LIBPDS" layout later CMS releases write: the header as IBM's
LIBSECT DSECT documents it (VM/ESA and z/VM CMS data areas), the members and
directory entries as jphartmann/CMS-TXTLIB (libpds.h, txtlib.c) reproduces
real libraries. LIBSECT also maps the older "SCP" header, with the directory
item number as a halfword at +6, which is what VM/370 itself wrote; the
rest of that older layout (its directory entries) could not be verified, so
real R6 CMS may not read these libraries (best estimate). The module is
pure: the command layer reads and writes the files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["LibraryError", "Member", "build_library", "member_names", "read_library"]

CARD = 80
IDENT = "LIBPDS"
ENTRY = 16
PER_RECORD = CARD // ENTRY
NEW_FORMAT_FLAG = 0x80
END_MARK = b"\x61\xff\xff\x61"


class LibraryError(Exception):
    """A file that does not hold together as a TXTLIB."""


@dataclass
class Member:
    """One member: its directory names (the first is its name) and its cards."""

    names: list[str]
    cards: list[bytes]
    item: int = 0  # its first card's item number, once in a library

    @property
    def name(self) -> str:
        return self.names[0] if self.names else ""


@dataclass
class Library:
    members: list[Member] = field(default_factory=list)

    def entries(self) -> list[tuple[str, int]]:
        """The directory: (name, item number) in library order."""
        return [(name, member.item) for member in self.members for name in member.names]

    def find(self, name: str) -> Member | None:
        """The member holding entry ``name`` (the first one, as LOAD searches)."""
        for member in self.members:
            if name in member.names:
                return member
        return None


def _ebcdic(raw: bytes) -> str:
    return raw.decode("cp037", errors="replace")


def _card(text: str) -> bytes:
    card = bytearray(b"\x40" * CARD)
    card[0] = 0x02
    card[1 : 1 + len(text)] = text.encode("cp037")
    return bytes(card)


def member_names(cards: list[bytes]) -> list[str]:
    """The SD and LD names of a TEXT deck, in order (the first is the member name)."""
    names: list[str] = []
    for card in cards:
        if len(card) < 16 or card[0] != 0x02 or _ebcdic(card[1:4]) != "ESD":
            continue
        count = min(int.from_bytes(card[10:12], "big"), 48)
        for at in range(16, 16 + count - count % 16, 16):
            item = card[at : at + 16]
            name = _ebcdic(item[:8]).strip()
            if item[8] in (0x00, 0x01) and name and name not in names:
                names.append(name)
    return names


def build_library(members: list[Member]) -> list[bytes]:
    """The records of a library holding ``members`` (their item numbers are set)."""
    ldt = _card("LDT")
    end = END_MARK + ldt[:-4]
    records: list[bytes] = [b""]
    for member in members:
        while (len(records) + 1) % 256 == 0:
            records.append(end)
        member.item = len(records) + 1
        records.extend(card.ljust(CARD, b"\x40")[:CARD] for card in member.cards)
        records.extend([ldt, end])
    entries = [(name, member.item) for member in members for name in member.names]
    directory_item = len(records) + 1
    raw = b"".join(
        name.ljust(8)[:8].encode("cp037") + bytes(3) + bytes([NEW_FORMAT_FLAG])
        + item.to_bytes(4, "big")
        for name, item in entries
    )  # fmt: skip
    raw += bytes(-len(raw) % CARD)
    records.extend(raw[at : at + CARD] for at in range(0, len(raw), CARD))
    header = bytearray(CARD)
    header[0:6] = IDENT.encode("cp037")
    header[8:12] = (len(entries) * ENTRY).to_bytes(4, "big")
    header[12:16] = directory_item.to_bytes(4, "big")
    records[0] = bytes(header)
    return records


def read_library(records: list[bytes], fileid: str = "") -> Library:
    """The members of a library's records; LibraryError if they do not hold together."""
    if not records or _ebcdic(records[0][:6]) != IDENT or len(records[0]) < 16:
        raise LibraryError(f"{fileid} IS NOT A TXTLIB")
    count = int.from_bytes(records[0][8:12], "big") // ENTRY
    directory = int.from_bytes(records[0][12:16], "big")
    wanted = (count + PER_RECORD - 1) // PER_RECORD
    if not 2 <= directory <= len(records) + 1 or directory - 1 + wanted > len(records):
        raise LibraryError(f"{fileid}: DIRECTORY OUTSIDE THE FILE")
    raw = b"".join(record.ljust(CARD, b"\0")[:CARD] for record in records[directory - 1 :])
    by_item: dict[int, Member] = {}
    for at in range(0, count * ENTRY, ENTRY):
        entry = raw[at : at + ENTRY]
        name, item = _ebcdic(entry[:8]).strip(), int.from_bytes(entry[12:16], "big")
        if not 2 <= item < directory:
            raise LibraryError(f"{fileid}: ENTRY {name} POINTS OUTSIDE THE MEMBERS")
        member = by_item.get(item)
        if member is None:
            member = by_item[item] = Member([], _member_cards(records, item, directory), item)
        member.names.append(name)
    return Library(sorted(by_item.values(), key=lambda member: member.item))


def _member_cards(records: list[bytes], item: int, directory: int) -> list[bytes]:
    """The cards from ``item`` up to the member's end card (its LDT card left out)."""
    cards: list[bytes] = []
    for record in records[item - 1 : directory - 1]:
        if record[:4] == END_MARK:
            break
        cards.append(record)
    if cards and cards[-1][:4] == b"\x02" + "LDT".encode("cp037"):
        cards.pop()
    return cards
