"""The UPDATE engine: one update file's control statements applied to card images.

VM/370 Release 6 CMS UPDATE (DMSUPD; CMS Command and Macro Reference
GC20-1818, "UPDATE"; Service Routines Program Logic, "Updating", Diagrams
7-7 to 7-11; reference cp-cms.md 10.27). Every control statement has
``./`` in columns 1-2 and blank-delimited fields up to column 50:

* ``./ S [seqstrt [seqincr [label]]]`` resequences the whole output (only
  as the first statement of the file): SEQ8 columns 73-80 from 1000 by
  1000, NOSEQ8 columns 76-80 from 10 by 10 with ``label`` (the first three
  characters of the input filename) in columns 73-75.
* ``./ I seqno [$ [seqstrt [seqincr]]]`` inserts the following cards after
  the record ``seqno``; ``$`` numbers them.
* ``./ D seqno1 [seqno2]`` deletes the records from ``seqno1`` to ``seqno2``.
* ``./ R seqno1 [seqno2] [$ [seqstrt [seqincr]]]`` replaces them with the
  following cards.
* ``./ *`` is a comment.

Statements must go forward through the file. Records whose sequence field
is blank are passed over (they go with a range being deleted or replaced).
Warnings (the return code is the highest severity) are R6's: 174W sequence
error introduced in the output (8), 176W sequencing overflow (8), 182W
increment zero (8), 184W ``./ S`` not first (12), 185W invalid character in
a sequence field (12), 186W sequence number not found (12), 207W invalid
control card (12), 210W input file sequence error (4); the card in error is
ignored with the cards that belong to it. Best estimates (unverified): the
``$`` defaults (seqincr 1; seqstrt seqno + seqincr for I, seqno1 for R), the
UPDLOG lines besides the control cards, and INC putting the update's
filetype in columns 64-71 of each inserted card.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["CARD", "Outcome", "Settings", "Warning", "apply_update", "sequence_of"]

CARD = 80
CONTROL_END = 50  # control statement data must not extend beyond column 50
INC_COLUMNS = slice(63, 71)


@dataclass(frozen=True)
class Settings:
    """The options that shape an update: SEQ8/NOSEQ8, INC, and the NOSEQ8 label."""

    seq8: bool = True
    inc: bool = False
    label: str = ""
    update_id: str = ""  # the update file's filetype, for INC


@dataclass(frozen=True)
class Warning:
    """One DMSUPD warning: its number, severity (return code), text, and the card."""

    number: int
    severity: int
    text: str
    card: int = 0  # record number in the update file (0: none)
    statement: str = ""

    @property
    def message(self) -> str:
        return f"DMSUPD{self.number:03d}W {self.text}"


@dataclass
class Outcome:
    """The updated records, the UPDLOG lines, and the warnings."""

    records: list[str]
    log: list[str] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)

    @property
    def severity(self) -> int:
        return max((warning.severity for warning in self.warnings), default=0)


def card(text: str) -> str:
    return text[:CARD].ljust(CARD)


def _field(settings: Settings) -> slice:
    return slice(72, 80) if settings.seq8 else slice(75, 80)


def sequence_of(record: str, settings: Settings) -> int | None:
    """The record's sequence number; None for a blank (or non-numeric) field."""
    text = card(record)[_field(settings)].strip()
    return int(text) if text.isdigit() else None


def _number(value: int, settings: Settings) -> tuple[str, bool]:
    """The sequence field for ``value`` and whether it overflowed the field."""
    width = 8 if settings.seq8 else 5
    limit = 10**width
    return f"{value % limit:0{width}d}", value >= limit


def _digits(token: str) -> int | None:
    return int(token) if token.isdigit() and len(token) <= 8 else None


@dataclass
class _Insertion:
    """The cards that follow an I or R statement, and how to number them."""

    numbered: bool
    next_number: int = 0
    increment: int = 1
    records: list[str] = field(default_factory=list)


class _Updater:
    """Walks the input once, forward, as the control statements direct."""

    def __init__(self, source: list[str], settings: Settings) -> None:
        self.source = [card(record) for record in source]
        self.settings = settings
        self.position = 0
        self.out: list[str] = []
        self.log: list[str] = []
        self.warnings: list[Warning] = []
        self.last_input: int | None = None
        self.last_output: int | None = None
        self.card_number = 0
        self.statement = ""
        self.last_inserted = False
        self.check_output = True  # not when ./ S renumbers the output anyway

    # ---- messages ------------------------------------------------------------------------
    def warn(self, number: int, severity: int, text: str) -> None:
        warning = Warning(number, severity, text, self.card_number, self.statement)
        self.warnings.append(warning)
        self.log.append(warning.message)

    def _seq_text(self, value: int | None) -> str:
        return _number(value, self.settings)[0] if value is not None else ""

    # ---- copying ---------------------------------------------------------------------------
    def emit(self, record: str, *, inserted: bool = False) -> None:
        """Append to the output. Where an inserted card meets its neighbours the numbers
        must keep rising (174W); an input record's own sequence error is 210W's."""
        number = sequence_of(record, self.settings)
        if number is not None:
            meets_insert = inserted or self.last_inserted
            last = self.last_output
            if meets_insert and self.check_output and last is not None and number <= last:
                self.warn(174, 8, "SEQUENCE ERROR INTRODUCED IN OUTPUT FILE: "
                          f"'{self._seq_text(last)}' TO '{self._seq_text(number)}'")
            self.last_output = number
            self.last_inserted = inserted
        self.out.append(record)

    def take_input(self) -> str:
        """The next input record, checking the input's own sequence (210W)."""
        record = self.source[self.position]
        self.position += 1
        number = sequence_of(record, self.settings)
        if number is not None:
            if self.last_input is not None and number <= self.last_input:
                self.warn(210, 4, "INPUT FILE SEQUENCE ERROR: "
                          f"'{self._seq_text(self.last_input)}' TO '{self._seq_text(number)}'")
            self.last_input = number
        return record

    def find(self, number: int, start: int) -> int | None:
        """Index of the input record ``number`` at or after ``start``, going forward only."""
        for index in range(start, len(self.source)):
            found = sequence_of(self.source[index], self.settings)
            if found is None:
                continue
            if found == number:
                return index
            if found > number:
                return None
        return None

    def copy_through(self, index: int) -> None:
        while self.position <= index:
            self.emit(self.take_input())

    def copy_before(self, index: int) -> None:
        while self.position < index:
            self.emit(self.take_input())

    def drop_through(self, index: int) -> list[str]:
        dropped = []
        while self.position <= index:
            dropped.append(self.take_input())
        return dropped

    # ---- the statements --------------------------------------------------------------------
    def locate(self, token: str) -> int | None:
        """The input index of the sequence number ``token`` (185W, 186W when not there)."""
        number = _digits(token)
        if number is None:
            self.warn(185, 12, f"INVALID CHAR IN SEQUENCE FIELD '{token[:8]}'")
            return None
        index = self.find(number, self.position)
        if index is None:
            self.warn(186, 12, f"SEQUENCE NUMBER '{self._seq_text(number)}' NOT FOUND")
        return index

    def numbering(self, tokens: list[str], default_start: int) -> _Insertion | None:
        """``[$ [seqstrt [seqincr]]]`` after the sequence numbers of an I or R."""
        if not tokens:
            return _Insertion(numbered=False)
        if tokens[0] != "$" or len(tokens) > 3:
            self.warn(207, 12, "INVALID UPDATE FILE CONTROL CARD")
            return None
        values = [_digits(token) for token in tokens[1:]]
        if any(value is None for value in values):
            bad = next(token for token in tokens[1:] if _digits(token) is None)
            self.warn(185, 12, f"INVALID CHAR IN SEQUENCE FIELD '{bad[:8]}'")
            return None
        increment = values[1] if len(values) > 1 and values[1] is not None else 1
        start = values[0] if values and values[0] is not None else default_start + increment
        return _Insertion(numbered=True, next_number=start, increment=increment)

    def insert(self, tokens: list[str]) -> _Insertion | None:
        """``./ I seqno [$ [seqstrt [seqincr]]]``."""
        if not tokens:
            self.warn(207, 12, "INVALID UPDATE FILE CONTROL CARD")
            return None
        index = self.locate(tokens[0])
        if index is None:
            return None
        insertion = self.numbering(tokens[1:], int(tokens[0]))
        if insertion is not None:
            self.copy_through(index)
            self.log.append("INSERTING...")
        return insertion

    def span(self, tokens: list[str]) -> tuple[int, int] | None:
        """The input indexes of ``seqno1 [seqno2]`` of a D or R."""
        first = self.locate(tokens[0])
        if first is None:
            return None
        if len(tokens) < 2 or tokens[1] == "$":
            return first, first
        number = _digits(tokens[1])
        last = self.find(number, first) if number is not None else None
        if number is None:
            self.warn(185, 12, f"INVALID CHAR IN SEQUENCE FIELD '{tokens[1][:8]}'")
        elif last is None:
            self.warn(186, 12, f"SEQUENCE NUMBER '{self._seq_text(number)}' NOT FOUND")
        if last is None:
            return None
        return first, last

    def delete(self, tokens: list[str], *, replacing: bool) -> _Insertion | None:
        """``./ D seqno1 [seqno2]`` and the deleting part of ``./ R``."""
        extra = tokens[2:] if len(tokens) > 1 and tokens[1] != "$" else tokens[1:]
        if not tokens or (not replacing and extra):
            self.warn(207, 12, "INVALID UPDATE FILE CONTROL CARD")
            return None
        where = self.span(tokens)
        if where is None:
            return None
        insertion = self.numbering(extra, int(tokens[0]) - 1) if replacing else _Insertion(False)
        if insertion is None:
            return None
        self.copy_before(where[0])
        self.log.append("REPLACING..." if replacing else "DELETING...")
        self.log.extend(record.rstrip() for record in self.drop_through(where[1]))
        return insertion if replacing else None

    def flush(self, insertion: _Insertion | None) -> None:
        """Put the cards of an I or R into the output, numbered with ``$`` and INC."""
        if insertion is None:
            return
        settings = self.settings
        for record in insertion.records:
            if settings.inc and settings.update_id:
                record = record[:63] + settings.update_id[:8].ljust(8) + record[71:]
            if insertion.numbered:
                text, overflow = _number(insertion.next_number, settings)
                if overflow:
                    self.warn(176, 8, "SEQUENCING OVERFLOW FOLLOWING SEQ NUMBER "
                              f"'{self._seq_text(self.last_output)}'")
                record = record[:72] + (text if settings.seq8 else record[72:75] + text)
                insertion.next_number += insertion.increment
            self.log.append(record.rstrip())
            self.emit(record, inserted=True)


@dataclass
class _Resequence:
    start: int
    increment: int
    label: str


def _resequence_card(tokens: list[str], settings: Settings) -> _Resequence | str:
    """The ``./ S`` operands, or the text of the 185W warning."""
    start, increment = (1000, 1000) if settings.seq8 else (10, 10)
    label = settings.label
    for position, token in enumerate(tokens[:2]):
        value = _digits(token)
        if value is None:
            return f"INVALID CHAR IN SEQUENCE FIELD '{token[:8]}'"
        if position == 0:
            start = increment = value
        else:
            increment = value
    if len(tokens) > 2:
        label = tokens[2]
    return _Resequence(start, increment, label[:3].ljust(3))


def _resequence(updater: _Updater, plan: _Resequence) -> None:
    settings = updater.settings
    overflowed = False
    for index, record in enumerate(updater.out):
        text, overflow = _number(plan.start + index * plan.increment, settings)
        if overflow and not overflowed:
            previous = updater.out[index - 1][_field(settings)] if index else ""
            updater.warn(176, 8, f"SEQUENCING OVERFLOW FOLLOWING SEQ NUMBER '{previous}'")
            overflowed = True
        prefix = record[:72] if settings.seq8 else record[:72] + plan.label
        updater.out[index] = prefix + text


def apply_update(source: list[str], deck: list[str], settings: Settings) -> Outcome:
    """Apply one update file (``deck``) to ``source``; the output, UPDLOG and warnings."""
    updater = _Updater(source, settings)
    plan: _Resequence | None = None
    insertion: _Insertion | None = None
    collecting = False  # the data cards after the last statement belong to an I or R
    stray = False
    seen_statement = False
    for number, raw in enumerate(deck, start=1):
        text = card(raw)
        updater.card_number = number
        if not text.startswith("./"):
            if collecting and insertion is not None:
                insertion.records.append(text)
            elif not collecting and not stray:
                updater.statement = text.rstrip()
                updater.warn(207, 12, "INVALID UPDATE FILE CONTROL CARD")
                stray = True
            continue
        updater.flush(insertion)
        insertion, collecting, stray = None, False, False
        updater.statement = text.rstrip()
        updater.log.append(text.rstrip())
        tokens = text[2:CONTROL_END].split()
        kind, operands = (tokens[0], tokens[1:]) if tokens else ("", [])
        if kind == "*":
            continue
        first = not seen_statement
        seen_statement = True
        if kind == "S":
            if not first:
                updater.warn(184, 12, "'./ S' NOT FIRST CARD IN UPDATE FILE -- IGNORED")
                continue
            parsed = _resequence_card(operands, settings)
            if isinstance(parsed, str):
                updater.warn(185, 12, parsed)
                continue
            if parsed.increment == 0:
                updater.warn(182, 8, "SEQUENCE INCREMENT IS ZERO")
            plan = parsed
            updater.check_output = False
        elif kind == "I":
            insertion, collecting = updater.insert(operands), True
        elif kind in ("D", "R"):
            insertion = updater.delete(operands, replacing=kind == "R")
            collecting = kind == "R"
        else:
            updater.warn(207, 12, "INVALID UPDATE FILE CONTROL CARD")
            collecting = True  # its cards go with it
    updater.flush(insertion)
    while updater.position < len(updater.source):
        updater.emit(updater.take_input())
    if plan is not None:
        _resequence(updater, plan)
    return Outcome(updater.out, updater.log, updater.warnings)
