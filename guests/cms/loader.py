"""The CMS relocating loader: TEXT decks into the user area (DMSLDR, LOAD and INCLUDE).

reference/cp-cms.md 10.13. A TEXT file is an object deck of 80-byte cards
with X'02' in column 1 and the card type in columns 2-4:

* ``ESD`` external symbols, up to three 16-byte items from column 17: name,
  type (X'00' SD, X'01' LD, X'02' ER, X'04' PC, X'05' CM, X'0A' WX), the
  24-bit assembled address, a flag byte, and the length (SD/PC/CM) or, for
  an LD, the ESDID of its section. The first item that is not an LD takes
  the ESDID in columns 15-16, each further one the next.
* ``TXT`` text: 24-bit assembled address in columns 6-8, byte count in 11-12,
  ESDID in 15-16, up to 56 bytes from column 17.
* ``RLD`` relocation: entries from column 17, R and P ESDIDs (halfwords,
  omitted when the previous flag's last bit said "same"), a flag byte (type
  in the high half: 0 A-con, 1 V-con; length - 1 in bits 4-5; bit 6 minus)
  and the 24-bit assembled address of the constant.
* ``END`` entry address (columns 6-8, ESDID 15-16) or entry name (17-24),
  and the section length (29-32) for an SD whose ESD length was zero.
* ``REP`` patches: assembled address (hex, columns 7-12), ESDID (14-16), then
  halfwords in hex separated by commas from column 17.
* ``SLC`` sets the location counter (hex address in 7-12, or a name in
  17-22); ``LDT`` (name in 17-24) and ``ENTRY name`` (column 2) name the
  entry point. ``LIBRARY name,...`` (column 2) asks for names to be taken
  from the GLOBAL TXTLIBs, ``LIBRARY (name,...)`` for names never to be
  (the OS linkage editor's convention; best estimate for CMS). ``ICS``
  cards are refused with a message.

Sections are placed one after the other on doubleword boundaries from the
load origin (X'20000', the R6 user area); common areas follow the last deck
at the end of a LOAD. References to names no deck defines resolve to 0 and
are listed (DMSLIO201W). The loader keeps the unrelocated text and the
relocation list, so an INCLUDE can resolve what an earlier LOAD left open.
This module is pure: the command layer reads the files and writes storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "USER_AREA",
    "CardError",
    "Loader",
    "MapEntry",
    "Section",
    "text_card",
]

USER_AREA = 0x20000  # R6: the user program area begins at X'20000'
CARD = 80
ESD_TYPES = {0x00: "SD", 0x01: "LD", 0x02: "ER", 0x04: "PC", 0x05: "CM", 0x0A: "WX"}


class CardError(Exception):
    """A card the loader cannot use (its deck, card number and why)."""


@dataclass
class Section:
    """A control section (or common area) as loaded."""

    name: str
    kind: str  # SD, PC, CM
    address: int  # where it is loaded
    length: int
    assembled: int = 0  # its assembled origin


@dataclass(frozen=True)
class MapEntry:
    """One line of the load map."""

    name: str
    kind: str  # SD, LD, CM, PC
    address: int


@dataclass
class _Fixup:
    """An address constant to relocate: where it is, and what it points at."""

    location: int  # absolute address of the constant
    length: int
    negative: bool
    factor: int = 0  # a section's relocation factor (A-con inside the load)
    name: str = ""  # an external name (V-con, or A-con to an ER)


@dataclass
class _Deck:
    """What one deck's ESDIDs mean while it is read."""

    name: str
    factors: dict[int, int] = field(default_factory=dict)  # ESDID -> relocation factor
    externals: dict[int, str] = field(default_factory=dict)  # ESDID -> ER/WX/CM name
    sections: dict[int, Section] = field(default_factory=dict)
    commons: list[tuple[int, str, int]] = field(default_factory=list)


def _ebcdic(raw: bytes) -> str:
    return raw.decode("cp037", errors="replace")


def _int(raw: bytes) -> int:
    return int.from_bytes(raw, "big")


def _hex_field(card: bytes, start: int, stop: int) -> int | None:
    text = _ebcdic(card[start:stop]).strip()
    if not text:
        return None
    try:
        return int(text, 16)
    except ValueError:
        raise CardError(f"'{text}' IS NOT HEXADECIMAL") from None


def text_card(kind: str, body: bytes, *, address: int = 0, esdid: int = 0, count: int = 0,
              sequence: str = "") -> bytes:  # fmt: skip
    """An object-deck card: X'02', the type, the usual fields and up to 56 bytes of body."""
    card = bytearray(b"\x40" * CARD)
    card[0] = 0x02
    card[1:4] = kind.encode("cp037")
    card[5:8] = address.to_bytes(3, "big")
    card[10:12] = count.to_bytes(2, "big")
    if esdid:
        card[14:16] = esdid.to_bytes(2, "big")
    card[16 : 16 + len(body)] = body
    card[72:80] = sequence.ljust(8)[:8].encode("cp037")
    return bytes(card)


@dataclass
class Loader:
    """The loader tables: what LOAD and INCLUDE have put into storage so far."""

    origin: int = USER_AREA
    next_address: int = USER_AREA
    sections: list[Section] = field(default_factory=list)
    symbols: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> (kind, address)
    image: bytearray = field(default_factory=bytearray)  # unrelocated text from ``origin``
    fixups: list[_Fixup] = field(default_factory=list)
    entry_name: str = ""
    entry_address: int | None = None
    duplicates: list[str] = field(default_factory=list)
    pending_commons: dict[str, int] = field(default_factory=dict)
    library_names: list[str] = field(default_factory=list)  # LIBRARY cards: search TXTLIBs
    never_call: set[str] = field(default_factory=set)  # LIBRARY (name): never from a TXTLIB

    # ---- reading decks ----------------------------------------------------------------
    def load_deck(self, name: str, cards: list[bytes]) -> None:
        """Place one TEXT deck; CardError names the card that is wrong."""
        deck = _Deck(name)
        for number, card in enumerate(cards, start=1):
            try:
                self._card(deck, card.ljust(CARD, b"\x40")[:CARD])
            except CardError as error:
                raise CardError(f"{name} TEXT CARD {number}: {error}") from None
            except (IndexError, ValueError) as error:
                raise CardError(f"{name} TEXT CARD {number}: {error}") from None
        for _esdid, common, length in deck.commons:
            self.pending_commons[common] = max(length, self.pending_commons.get(common, 0))

    def _card(self, deck: _Deck, card: bytes) -> None:
        kind = _ebcdic(card[1:4])
        if card[0] != 0x02:
            if _ebcdic(card[1:6]) == "ENTRY":
                words = _ebcdic(card[7:15]).split()
                self.entry_name = words[0] if words else ""
                return
            if _ebcdic(card[1:8]) == "LIBRARY":
                self._library(card)
                return
            if not card.strip(b"\x40\x00"):
                return  # a blank card
            raise CardError("NOT AN OBJECT CARD")
        if kind == "SYM":
            return  # symbol tables (TEST SYM) are for debuggers
        handlers = {"ESD": self._esd, "TXT": self._txt, "RLD": self._rld, "END": self._end,
                    "REP": self._rep, "SLC": self._slc, "LDT": self._ldt}  # fmt: skip
        handler = handlers.get(kind)
        if handler is None:
            raise CardError(f"UNKNOWN CARD TYPE '{kind}'")
        handler(deck, card)

    def _library(self, card: bytes) -> None:
        """``LIBRARY name,...``: names to take from the TXTLIBs; ``(name,...)`` never to."""
        text = _ebcdic(card[8:72]).strip()
        never = text.startswith("(")
        for word in text.strip("()").split(","):
            name = word.strip().strip("()")
            if not name or len(name) > 8 or " " in name:
                raise CardError(f"LIBRARY CARD NAME '{name}'")
            if never:
                self.never_call.add(name)
            elif name not in self.library_names:
                self.library_names.append(name)

    def _esd(self, deck: _Deck, card: bytes) -> None:
        count = _int(card[10:12])
        if count % 16 or count > 48:
            raise CardError(f"ESD BYTE COUNT {count}")
        esdid = _int(card[14:16])
        for at in range(16, 16 + count, 16):
            item = card[at : at + 16]
            name = _ebcdic(item[:8]).strip()
            kind = ESD_TYPES.get(item[8])
            if kind is None:
                raise CardError(f"ESD TYPE X'{item[8]:02X}'")
            address = _int(item[9:12])
            if kind == "LD":
                self._label(deck, name, address, _int(item[13:16]))
                continue
            self._external(deck, esdid, name, kind, address, _int(item[13:16]))
            esdid += 1

    def _external(
        self, deck: _Deck, esdid: int, name: str, kind: str, address: int, length: int
    ) -> None:
        if kind in ("SD", "PC"):
            here = (self.next_address + 7) & ~7
            if name and name in self.symbols:
                self.duplicates.append(name)  # DUP: the first definition stays
            section = Section(name or f"PC{esdid:04X}", kind, here, length, address)
            deck.sections[esdid] = section
            deck.factors[esdid] = here - address
            self.sections.append(section)
            if name and name not in self.symbols:
                self.symbols[name] = (kind, here)
            self.next_address = here + length
            self._grow(self.next_address)
        elif kind == "CM":
            deck.externals[esdid] = name or "$BLANKCOM"
            deck.commons.append((esdid, name or "$BLANKCOM", length))
        else:  # ER, WX
            deck.externals[esdid] = name

    def _label(self, deck: _Deck, name: str, address: int, section_id: int) -> None:
        factor = deck.factors.get(section_id)
        if factor is None:
            raise CardError(f"LABEL {name} IN AN UNKNOWN SECTION {section_id}")
        if name in self.symbols:
            self.duplicates.append(name)
            return
        self.symbols[name] = ("LD", address + factor)

    def _grow(self, end: int) -> None:
        wanted = end - self.origin
        if wanted > len(self.image):
            self.image.extend(bytes(wanted - len(self.image)))

    def _place(self, deck: _Deck, esdid: int, assembled: int, data: bytes) -> None:
        factor = deck.factors.get(esdid)
        if factor is None:
            raise CardError(f"TEXT FOR AN UNKNOWN ESDID {esdid}")
        at = assembled + factor
        if at < self.origin:
            raise CardError(f"TEXT BELOW THE LOAD ORIGIN AT {at:06X}")
        self._grow(at + len(data))
        self.image[at - self.origin : at - self.origin + len(data)] = data
        section = deck.sections[esdid]
        section.length = max(section.length, at + len(data) - section.address)
        self.next_address = max(self.next_address, section.address + section.length)

    def _txt(self, deck: _Deck, card: bytes) -> None:
        count = _int(card[10:12])
        if count > 56:
            raise CardError(f"TXT BYTE COUNT {count}")
        self._place(deck, _int(card[14:16]), _int(card[5:8]), card[16 : 16 + count])

    def _rld(self, deck: _Deck, card: bytes) -> None:
        count = _int(card[10:12])
        if count > 56:
            raise CardError(f"RLD BYTE COUNT {count}")
        data = card[16 : 16 + count]
        at, r_id, p_id, same = 0, 0, 0, False
        while at < len(data):
            if not same:
                r_id, p_id = _int(data[at : at + 2]), _int(data[at + 2 : at + 4])
                at += 4
            if at + 4 > len(data):
                raise CardError("RLD ENTRY CUT SHORT")
            flag, assembled = data[at], _int(data[at + 1 : at + 4])
            at += 4
            same = bool(flag & 0x01)
            self._fixup(deck, r_id, p_id, flag, assembled)

    def _fixup(self, deck: _Deck, r_id: int, p_id: int, flag: int, assembled: int) -> None:
        factor = deck.factors.get(p_id)
        if factor is None:
            raise CardError(f"RLD POSITION ESDID {p_id} UNKNOWN")
        length = ((flag >> 2) & 0x03) + 1
        fixup = _Fixup(assembled + factor, length, bool(flag & 0x02))
        if r_id in deck.factors and not flag & 0x10:
            fixup.factor = deck.factors[r_id]
        elif r_id in deck.factors:  # a V-con to a section of this deck: its address
            fixup.name = deck.sections[r_id].name
        elif r_id in deck.externals:
            fixup.name = deck.externals[r_id]
        else:
            raise CardError(f"RLD RELOCATION ESDID {r_id} UNKNOWN")
        self.fixups.append(fixup)

    def _end(self, deck: _Deck, card: bytes) -> None:
        if self.entry_address is not None or self.entry_name:
            return  # the first entry point named wins
        name = _ebcdic(card[16:24]).strip()
        if name:
            self.entry_name = name
        elif card[5:8].strip(b"\x40"):
            factor = deck.factors.get(_int(card[14:16]))
            if factor is not None:
                self.entry_address = _int(card[5:8]) + factor

    def _ldt(self, deck: _Deck, card: bytes) -> None:
        name = _ebcdic(card[16:24]).strip()
        if name:
            self.entry_name = name

    def _rep(self, deck: _Deck, card: bytes) -> None:
        address = _hex_field(card, 6, 12)
        esdid = _hex_field(card, 13, 16)
        if address is None or esdid is None:
            raise CardError("REP CARD WITHOUT ADDRESS OR ESDID")
        words = _ebcdic(card[16:71]).split()[0] if card[16:71].strip(b"\x40") else ""
        data = b""
        for word in filter(None, words.split(",")):
            if len(word) != 4:
                raise CardError(f"REP DATA '{word}' IS NOT A HALFWORD")
            data += int(word, 16).to_bytes(2, "big")
        self._place(deck, esdid, address, data)

    def _slc(self, deck: _Deck, card: bytes) -> None:
        name = _ebcdic(card[16:22]).strip()
        if name:
            found = self.symbols.get(name)
            if found is None:
                raise CardError(f"'SET LOCATION COUNTER' NAME '{name}' UNDEFINED")
            self.next_address = found[1]
            return
        address = _hex_field(card, 6, 12)
        if address is None:
            raise CardError("SLC CARD WITHOUT ADDRESS OR NAME")
        if address < self.origin:
            raise CardError(f"SLC ADDRESS {address:06X} BELOW THE LOAD ORIGIN")
        self.next_address = address

    # ---- after the decks ------------------------------------------------------------
    def allocate_commons(self) -> None:
        """Common areas go after the last section (end of LOAD or INCLUDE)."""
        for name, length in self.pending_commons.items():
            if name in self.symbols:
                continue
            here = (self.next_address + 7) & ~7
            self.sections.append(Section(name, "CM", here, length))
            self.symbols[name] = ("CM", here)
            self.next_address = here + length
            self._grow(self.next_address)
        self.pending_commons.clear()

    def undefined(self) -> list[str]:
        """External names no deck defined (they resolve to 0)."""
        names: list[str] = []
        for fixup in self.fixups:
            if fixup.name and fixup.name not in self.symbols and fixup.name not in names:
                names.append(fixup.name)
        return names

    def wanted(self) -> list[str]:
        """Names to look for in the TXTLIBs: undefined ones and LIBRARY-card names."""
        names = self.undefined() + [name for name in self.library_names if name not in self.symbols]
        return [name for name in dict.fromkeys(names) if name not in self.never_call]

    def relocated(self) -> bytes:
        """The storage image from ``origin`` with every address constant relocated."""
        image = bytearray(self.image)
        for fixup in self.fixups:
            at = fixup.location - self.origin
            if not 0 <= at <= len(image) - fixup.length:
                continue  # a constant outside the text: nothing to relocate
            delta = fixup.factor
            if fixup.name:
                delta = self.symbols.get(fixup.name, ("", 0))[1]
            value = int.from_bytes(image[at : at + fixup.length], "big")
            value = value - delta if fixup.negative else value + delta
            image[at : at + fixup.length] = (value % (1 << (8 * fixup.length))).to_bytes(
                fixup.length, "big"
            )
        return bytes(image)

    def entry(self, name: str | None = None) -> int | None:
        """The address to start at: ``name``, else the deck's entry, else the first section."""
        if name:
            found = self.symbols.get(name)
            return found[1] if found else None
        if self.entry_name:
            found = self.symbols.get(self.entry_name)
            return found[1] if found else None
        if self.entry_address is not None:
            return self.entry_address
        return self.sections[0].address if self.sections else None

    def section_at(self, address: int) -> str:
        """The name of the section holding ``address`` (for program check messages)."""
        for section in self.sections:
            if section.address <= address < section.address + max(section.length, 1):
                return section.name
        return ""

    def map_entries(self) -> list[MapEntry]:
        """Sections and labels by address, as LOAD MAP lists them."""
        entries = [MapEntry(name, kind, address) for name, (kind, address) in self.symbols.items()]
        return sorted(entries, key=lambda entry: (entry.address, entry.kind != "SD"))

    @property
    def end(self) -> int:
        return self.origin + len(self.image)
