"""The two-pass assembler: symbols, sections, USING, literals, instructions and constants.

OS/VS - VM/370 Assembler Language (GC33-4010). Pass one assigns locations
and defines symbols; pass two evaluates operands, resolves implicit
addresses through the USING table, generates the object code and flags
errors. Both passes run the same statement handlers, so a statement's size
is the same in each (a duplication factor, length modifier or ORG operand
must use symbols defined earlier, as the manual requires). Control
sections (CSECT/START, unnamed private code) get external symbol ids in the
order they appear, with EXTRN/WXTRN names and V-constant names; dummy
sections (DSECT) have negative ids and produce no text. Object and listing
output are built from the result by guests/cms/assembler/output.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from guests.cms.assembler.constants import ADDRESS_TYPES, Constant, encode_item, parse_constant
from guests.cms.assembler.expressions import (
    AsmError,
    Scanner,
    Value,
    is_symbol,
    split_operands,
    undefined,
)
from guests.cms.assembler.instructions import encode_instruction
from guests.cms.assembler.macros import Library, expand
from guests.cms.assembler.opcodes import LENGTHS, OPCODES
from guests.cms.assembler.statements import Statement

__all__ = ["Assembly", "Diagnostic", "Line", "Relocation", "Section", "Symbol", "assemble"]

MACRO_STATEMENTS = set("MACRO MEND MEXIT MNOTE COPY SETA SETB SETC AIF AGO ANOP GBLA GBLB GBLC "
                       "LCLA LCLB LCLC ACTR".split())
MAX_DC_BYTES = 1 << 20  # a bound on generated text per statement (DS has none)
DIRECTIVES = set("CSECT START DSECT DC DS EQU ORG USING DROP LTORG CNOP ENTRY EXTRN WXTRN TITLE "
                 "EJECT SPACE PRINT END".split())
RESERVED = set(OPCODES) | MACRO_STATEMENTS | DIRECTIVES


@dataclass
class Section:
    ident: int  # ESDID (negative for a DSECT)
    name: str
    kind: str  # SD, PC, DSECT
    start: int = 0
    location: int = 0
    high: int = 0
    chunks: list[tuple[int, bytes]] = field(default_factory=list)

    @property
    def length(self) -> int:
        return self.high - self.start


@dataclass
class Symbol:
    name: str
    value: int
    section: int  # 0 absolute; a section id; an external ESDID
    length: int
    defined: int  # statement number
    kind: str = "L"  # L label, E EQU, S section, X external
    references: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Relocation:
    address: int
    position: int  # ESDID of the section holding the constant
    target: int  # ESDID it points at
    length: int
    negative: bool = False
    vcon: bool = False


@dataclass(frozen=True)
class Diagnostic:
    statement: int
    number: int
    text: str
    severity: int


@dataclass
class Line:
    """One line of the listing's source and object section."""

    statement: Statement | None
    location: int | None = None
    code: bytes = b""
    addresses: tuple[int | None, int | None] = (None, None)
    literal: str = ""
    form: str = ""  # instruction format, to group the object code
    listed: bool = True
    control: str = ""  # "TITLE:text", "EJECT:", "SPACE:n" (listing control, not listed)


@dataclass
class _Pool:
    literals: dict[str, Constant] = field(default_factory=dict)
    addresses: dict[str, tuple[int, int]] = field(default_factory=dict)  # text -> (section, loc)


@dataclass
class Assembly:
    sections: list[Section]
    externals: dict[int, tuple[str, str]]  # ESDID -> (name, ER|WX)
    entries: list[str]
    symbols: dict[str, Symbol]
    relocations: list[Relocation]
    lines: list[Line]
    diagnostics: list[Diagnostic]
    entry: tuple[int, int] | None  # (ESDID, address) from END
    deck_id: str = ""
    library_records: int = 0  # records read from the macro libraries

    @property
    def severity(self) -> int:
        return max((diagnostic.severity for diagnostic in self.diagnostics), default=0)

    @property
    def flagged(self) -> int:
        return len({diagnostic.statement for diagnostic in self.diagnostics})


class Assembler:
    """The state of one assembly across its two passes."""

    def __init__(self, records: list[str], library: Library | None = None) -> None:
        expansion = expand(records, library, RESERVED)
        self.statements = expansion.statements
        self.library_records = expansion.library_records
        self.sections: dict[int, Section] = {}
        self.section_names: dict[str, int] = {}
        self.externals: dict[int, tuple[str, str]] = {}
        self.symbols: dict[str, Symbol] = {}
        self.entries: list[str] = []
        self.next_esdid = 1
        self.next_dummy = -1
        self.pools: list[_Pool] = [_Pool()]
        self.relocations: list[Relocation] = []
        self.lines: list[Line] = []
        self.diagnostics: list[Diagnostic] = []
        self.entry: tuple[int, int] | None = None
        self.deck_id = ""
        self.second = False
        self.current: Section | None = None
        self.usings: dict[int, Value] = {}
        self.pool_index = 0
        self.statement = Statement(0, "")
        self.first_symbol = ""
        self.print_on = True
        self.print_gen = True

    # -- driving the passes ------------------------------------------------

    def run(self) -> Assembly:
        # Pass one runs twice, so that an EQU whose operand refers forward has its
        # value before pass two uses it (sizes never depend on such symbols).
        for second in (False, False, True):
            self.second = second
            self.current, self.usings, self.pool_index, self.print_on = None, {}, 0, True
            self.print_gen = True
            for section in self.sections.values():
                section.location = section.high = section.start
            for statement in self.statements:
                self.statement = statement
                if self._one(statement):
                    break
            else:
                self._flag(AsmError(140, "END STATEMENT MISSING", 4))
                self._end("")
        self._section_lengths()
        return Assembly([s for s in self.sections.values() if s.kind != "DSECT"], self.externals,
                        self.entries, self.symbols, self.relocations, self.lines,
                        self.diagnostics, self.entry, self.deck_id,
                        self.library_records)  # fmt: skip

    def _section_lengths(self) -> None:
        for section in self.sections.values():
            section.high = max(section.high, section.start)

    def _one(self, statement: Statement) -> bool:
        """Assemble one statement; True at END."""
        line = Line(statement, listed=self.print_on and (self.print_gen or not statement.generated))
        if self.second:
            self.lines.append(line)
        if statement.error:
            self._flag(AsmError(254 if statement.mnote else 1, statement.error, statement.severity))
            return False
        if statement.comment or statement.macro_call:
            return False
        try:
            self._dispatch(statement, line)
        except AsmError as error:
            self._flag(error)
        except (ValueError, OverflowError, ZeroDivisionError, IndexError) as error:
            self._flag(AsmError(99, f"INVALID STATEMENT ({type(error).__name__})"))
        return statement.operation == "END"

    def _flag(self, error: AsmError) -> None:
        if self.second:
            self.diagnostics.append(
                Diagnostic(self.statement.number, error.number, error.text, error.severity)
            )

    def _dispatch(self, statement: Statement, line: Line) -> None:
        operation = statement.operation
        if operation == "END":
            self._define_label(1)
            self._end(statement.operands)
            return
        handler = self._directives().get(operation)
        if handler is not None:
            handler(line)
        elif operation in OPCODES:
            self._machine(line)
        elif operation in MACRO_STATEMENTS:
            raise AsmError(160, f"{operation} STATEMENT OUT OF CONTEXT", 12)
        else:
            raise AsmError(57, f"UNDEFINED OPERATION CODE {operation or ''}".rstrip(), 12)

    def _directives(self) -> dict[str, Callable[[Line], None]]:
        return {"CSECT": self._csect, "START": self._csect, "DSECT": self._dsect,
                "DC": self._dc, "DS": self._ds, "EQU": self._equ, "ORG": self._org,
                "USING": self._using, "DROP": self._drop, "LTORG": self._ltorg,
                "CNOP": self._cnop, "ENTRY": self._entry, "EXTRN": self._extrn,
                "WXTRN": self._extrn, "TITLE": self._title, "EJECT": self._listing,
                "SPACE": self._listing, "PRINT": self._print}  # fmt: skip

    # -- symbols and values -----------------------------------------------

    def _here(self) -> Value:
        if self.current is None:  # before the first section: no code yet
            return Value(0)
        return Value(self.current.location, {self.current.ident: 1})

    def _section(self) -> Section:
        """The current section, opening unnamed private code if there is none."""
        if self.current is None:
            ident = self.section_names.get("")
            if ident is None:
                ident = self._new_section("", "PC")
            self.current = self.sections[ident]
        return self.current

    def _new_section(self, name: str, kind: str, start: int = 0) -> int:
        if self.second:  # every section was met in pass one
            raise AsmError(98, "SECTION CHANGED BETWEEN PASSES", 16)
        if kind == "DSECT":
            ident, self.next_dummy = self.next_dummy, self.next_dummy - 1
        else:
            ident, self.next_esdid = self.next_esdid, self.next_esdid + 1
        self.sections[ident] = Section(ident, name, kind, start, start, start)
        self.section_names[name] = ident
        return ident

    def _lookup(self, name: str) -> Value:
        if not self.first_symbol:
            self.first_symbol = name
        symbol = self.symbols.get(name)
        if symbol is None:
            if self.second:
                raise undefined(name)
            return self._here()  # pass one: a placeholder
        if self.second and self.statement.number not in symbol.references:
            symbol.references.append(self.statement.number)
        return Value(symbol.value, {symbol.section: 1} if symbol.section else {})

    def _length_of(self, name: str) -> int:
        symbol = self.symbols.get(name)
        if symbol is None:
            if self.second:
                raise undefined(name)
            return 1
        if self.second and self.statement.number not in symbol.references:
            symbol.references.append(self.statement.number)
        return symbol.length

    def _previous(self, name: str) -> Value:
        """A symbol that must be defined before this statement (sizes, ORG)."""
        symbol = self.symbols.get(name)
        if symbol is None or symbol.defined >= self.statement.number:
            raise AsmError(45, f"SYMBOL {name} NOT PREVIOUSLY DEFINED")
        return self._lookup(name)

    def evaluate(self, text: str, *, literals: bool = False) -> Value:
        self.first_symbol = ""
        return Scanner(text, self._lookup, self._length_of, self._here(),
                       self._literal if literals else None).evaluate()  # fmt: skip

    def absolute(self, text: str, *, previous: bool = False) -> int:
        lookup = self._previous if previous else self._lookup
        value = Scanner(text, lookup, self._length_of, self._here()).evaluate()
        if not value.absolute:
            raise AsmError(28, f"RELOCATABLE EXPRESSION {text} WHERE ABSOLUTE IS REQUIRED")
        return value.value

    def _define(self, name: str, value: Value, length: int, kind: str = "L") -> None:
        if not is_symbol(name):
            raise AsmError(39, f"INVALID SYMBOL '{name}'")
        existing = self.symbols.get(name)
        if existing is not None and existing.defined != self.statement.number:
            raise AsmError(43, f"PREVIOUSLY DEFINED SYMBOL {name}")
        section = value.section()
        self.symbols[name] = Symbol(name, value.value, section, length, self.statement.number,
                                    kind, existing.references if existing else [])  # fmt: skip

    def _define_label(self, length: int) -> None:
        if self.statement.name:
            self._define(self.statement.name, self._here(), length)

    # -- storage -------------------------------------------------------------

    def _advance(self, size: int, data: bytes | None = None) -> int:
        section = self._section()
        at = section.location
        if self.second and data and section.kind != "DSECT":
            section.chunks.append((at, data))
        section.location += size
        section.high = max(section.high, section.location)
        if section.location > 0xFFFFFF:
            raise AsmError(47, "LOCATION COUNTER OVERFLOW", 12)
        return at

    def _align(self, boundary: int, fill: bool) -> bytes:
        section = self._section()
        gap = -section.location % boundary
        if gap:
            self._advance(gap, bytes(gap) if fill else None)
        return bytes(gap)

    # -- machine instructions ---------------------------------------------

    def _machine(self, line: Line) -> None:
        opcode = OPCODES[self.statement.operation]
        size = LENGTHS[opcode.form]
        self._align(2, fill=False)
        self._define_label(size)
        line.location = self._section().location
        line.form = opcode.form
        if self.second:
            code, line.addresses = encode_instruction(opcode, self.statement.operands, self)
            line.code = code
            self._advance(size, code)
        else:
            self._scan_literals(self.statement.operands)
            self._advance(size)

    def _scan_literals(self, operands: str) -> None:
        """Pass one: enter the literals of an instruction in the current pool."""
        for operand in split_operands(operands):
            if operand.startswith("="):
                try:
                    self._literal(operand)
                except AsmError:
                    pass  # flagged in pass two

    def _literal(self, text: str) -> Value:
        pool = self.pools[self.pool_index]
        if text not in pool.literals:
            constant = parse_constant(text[1:], lambda t: self.absolute(t, previous=True),
                                      need_value=True)  # fmt: skip
            if constant.duplication == 0 or constant.kind == "S":
                raise AsmError(63, f"INVALID LITERAL {text}")
            if constant.size() > MAX_DC_BYTES:
                raise AsmError(56, "CONSTANT TOO LARGE: USE DS FOR LARGE AREAS")
            if self.second:  # pass one should have entered it: its operand must have changed
                raise AsmError(62, f"LITERAL {text} NOT IN POOL", 16)
            pool.literals[text] = constant
        if self.first_symbol == "":
            self.first_symbol = text
        where = pool.addresses.get(text)
        if where is None:
            return Value(0, {self._section().ident: 1})
        return Value(where[1], {where[0]: 1})

    def literal_length(self, text: str) -> int:
        for pool in self.pools:
            if text in pool.literals:
                return pool.literals[text].item_length()
        return 1

    def base_displacement(self, value: Value) -> tuple[int, int]:
        """An implicit address as base register and displacement (the USING table)."""
        if value.absolute and 0 <= value.value <= 4095:
            return 0, value.value
        section = value.section()
        best: tuple[int, int] | None = None
        for register, base in self.usings.items():
            if base.section() != section:
                continue
            displacement = value.value - base.value
            if 0 <= displacement <= 4095 and (
                best is None or (displacement, -register) < (best[1], -best[0])
            ):
                best = (register, displacement)
        if best is None:
            raise AsmError(34, "ADDRESSABILITY ERROR")
        return best

    # -- assembler instructions ---------------------------------------------

    def _csect(self, line: Line) -> None:
        name = self.statement.name
        ident = self.section_names.get(name)
        if ident is None:
            start = 0
            if self.statement.operation == "START" and self.statement.operands:
                start = self.absolute(self.statement.operands, previous=True)
                start = (start + 7) & ~7
            ident = self._new_section(name, "SD" if name else "PC", start)
        section = self.sections[ident]
        if section.kind == "DSECT":
            raise AsmError(43, f"PREVIOUSLY DEFINED SYMBOL {name}")
        self.current = section
        if name:
            self._define(name, Value(section.start, {ident: 1}), 1, "S")
        line.location = section.location

    def _dsect(self, line: Line) -> None:
        name = self.statement.name
        if not name:
            raise AsmError(64, "DSECT REQUIRES A NAME")
        ident = self.section_names.get(name)
        if ident is None:
            ident = self._new_section(name, "DSECT")
        if self.sections[ident].kind != "DSECT":
            raise AsmError(43, f"PREVIOUSLY DEFINED SYMBOL {name}")
        self.current = self.sections[ident]
        self._define(name, Value(0, {ident: 1}), 1, "S")
        line.location = self.current.location

    def _constants(self, need_value: bool) -> list[Constant]:
        operands = split_operands(self.statement.operands)
        return [parse_constant(operand, lambda t: self.absolute(t, previous=True),
                               need_value=need_value) for operand in operands]  # fmt: skip

    def _dc(self, line: Line) -> None:
        constants = self._constants(need_value=True)
        if sum(constant.size() for constant in constants) > MAX_DC_BYTES:
            raise AsmError(56, "CONSTANT TOO LARGE: USE DS FOR LARGE AREAS")
        if constants[0].duplication or constants[0].items:
            self._align(constants[0].alignment, fill=True)
        self._define_label(constants[0].item_length())
        line.location = self._section().location
        for constant in constants:
            gap = self._align(constant.alignment, fill=True)
            if line.code or gap and constant is not constants[0]:
                line.code += gap
            line.code += self._emit_constant(constant)

    def _emit_constant(self, constant: Constant) -> bytes:
        data = b""
        for _ in range(constant.duplication):
            for item in constant.items:
                at = self._section().location
                raw = self._item(constant, item, at)
                self._advance(len(raw), raw)
                data += raw
        return data

    def _item(self, constant: Constant, item: str, at: int) -> bytes:
        length = constant.item_length()
        if constant.kind not in ADDRESS_TYPES:
            return encode_item(constant.kind, item, length)
        if not self.second:
            if constant.kind == "V":
                self._external(item.strip(), "ER")
            return bytes(length)
        if constant.kind == "S":
            base, displacement = self.base_displacement(self.evaluate(item))
            return ((base << 12) | displacement).to_bytes(2, "big")
        if constant.kind == "V":
            value = self._vcon(item.strip())
        else:
            value = self.evaluate(item)
        self._relocate(value, at, length, constant.kind == "V")
        return (value.value % (1 << (8 * length))).to_bytes(length, "big")

    def _vcon(self, name: str) -> Value:
        if not is_symbol(name):
            raise AsmError(39, f"INVALID SYMBOL '{name}'")
        ident = self.section_names.get(name)
        if ident is not None and ident > 0:
            return Value(0, {ident: 1})
        symbol = self.symbols.get(name)
        if symbol is None or symbol.kind != "X":
            raise undefined(name)
        return Value(0, {symbol.section: 1})

    def _relocate(self, value: Value, at: int, length: int, vcon: bool) -> None:
        section = self._section()
        for target, count in value.relocs.items():
            if target < 0 or abs(count) != 1:
                raise AsmError(29, "RELOCATABLE ADDRESS CONSTANT IS COMPLEX OR IN A DSECT")
            if section.kind == "DSECT":
                continue
            if length < 2 and not vcon:
                raise AsmError(65, "RELOCATABLE ADDRESS CONSTANT SHORTER THAN 2 BYTES")
            self.relocations.append(
                Relocation(at, section.ident, target, length, count < 0, vcon)
            )

    def _ds(self, line: Line) -> None:
        constants = self._constants(need_value=False)
        self._align(constants[0].alignment, fill=False)
        self._define_label(constants[0].item_length())
        line.location = self._section().location
        for constant in constants:
            self._align(constant.alignment, fill=False)
            self._advance(constant.size())

    def _equ(self, line: Line) -> None:
        operands = split_operands(self.statement.operands)
        if not self.statement.name:
            raise AsmError(66, "EQU REQUIRES A NAME")
        value = self.evaluate(operands[0])
        length = 1
        if len(operands) > 1 and operands[1]:
            length = self.absolute(operands[1])
        elif self.first_symbol and self.first_symbol in self.symbols:
            length = self.symbols[self.first_symbol].length
        if not 0 <= length <= 65535:
            raise AsmError(52, "INVALID LENGTH ATTRIBUTE")
        self._define(self.statement.name, value, length, "E")
        line.location = value.value

    def _org(self, line: Line) -> None:
        section = self._section()
        self._define_label(1)
        if not self.statement.operands:
            section.location = section.high
        else:
            value = Scanner(self.statement.operands, self._previous, self._length_of,
                            self._here()).evaluate()  # fmt: skip
            if value.section() != section.ident or value.value < section.start:
                raise AsmError(67, "ORG OPERAND OUTSIDE THE CURRENT SECTION")
            section.location = value.value
        line.location = section.location

    def _using(self, line: Line) -> None:
        operands = split_operands(self.statement.operands)
        if len(operands) < 2:
            raise AsmError(35, "MISSING OPERAND")
        base = self.evaluate(operands[0])
        base.section()  # complex bases are refused
        for index, text in enumerate(operands[1:]):
            register = self.absolute(text)
            if not 0 <= register <= 15:
                raise AsmError(68, f"INVALID REGISTER {register}")
            self.usings[register] = Value(base.value + 4096 * index, dict(base.relocs))
        line.location = base.value

    def _drop(self, line: Line) -> None:
        if not self.statement.operands:
            self.usings.clear()
            return
        for text in split_operands(self.statement.operands):
            register = self.absolute(text)
            if self.usings.pop(register, None) is None:
                raise AsmError(69, f"REGISTER {register} NOT IN USE", 4)

    def _ltorg(self, line: Line) -> None:
        self._define_label(1)
        self._place_pool(line)

    def _place_pool(self, line: Line | None) -> None:
        pool = self.pools[self.pool_index]
        if pool.literals:
            self._align(8, fill=False)
        if line is not None:
            line.location = self._section().location
        for boundary in (8, 4, 2, 1):
            for text, constant in pool.literals.items():
                size = constant.item_length()
                fits = size % boundary == 0 and all(size % b for b in (8, 4, 2) if b > boundary)
                if not fits:
                    continue
                section = self._section()
                pool.addresses[text] = (section.ident, section.location)
                start = section.location
                if self.second:
                    self.lines.append(Line(None, start, b"", literal=text, listed=self.print_on))
                    data = self._emit_constant(constant)
                    self.lines[-1].code = data
                else:
                    self._advance(constant.size())
        self.pool_index += 1
        if len(self.pools) <= self.pool_index:
            self.pools.append(_Pool())

    def _cnop(self, line: Line) -> None:
        operands = split_operands(self.statement.operands)
        if len(operands) != 2:
            raise AsmError(35, "CNOP NEEDS TWO OPERANDS")
        byte, word = self.absolute(operands[0], previous=True), self.absolute(operands[1])
        if word not in (4, 8) or byte not in range(0, word, 2):
            raise AsmError(70, "INVALID CNOP OPERANDS")
        self._align(2, fill=False)
        self._define_label(1)
        line.location = self._section().location
        while self._section().location % word != byte:
            self._advance(2, b"\x07\x00")
            line.code += b"\x07\x00"

    def _entry(self, line: Line) -> None:
        for name in split_operands(self.statement.operands):
            if not is_symbol(name):
                raise AsmError(39, f"INVALID SYMBOL '{name}'")
            if name not in self.entries and not self.second:
                self.entries.append(name)

    def _extrn(self, line: Line) -> None:
        kind = "WX" if self.statement.operation == "WXTRN" else "ER"
        for name in split_operands(self.statement.operands):
            if not is_symbol(name):
                raise AsmError(39, f"INVALID SYMBOL '{name}'")
            self._external(name, kind)

    def _external(self, name: str, kind: str) -> None:
        if not is_symbol(name) or name in self.section_names:
            return
        symbol = self.symbols.get(name)
        if symbol is not None:
            if symbol.kind != "X" and symbol.defined != self.statement.number and kind != "ER":
                raise AsmError(43, f"PREVIOUSLY DEFINED SYMBOL {name}")
            return
        if self.second:
            return
        ident, self.next_esdid = self.next_esdid, self.next_esdid + 1
        self.externals[ident] = (name, kind)
        self.symbols[name] = Symbol(name, 0, ident, 1, self.statement.number, "X")

    def _title(self, line: Line) -> None:
        if self.statement.name and not self.deck_id:
            self.deck_id = self.statement.name[:4]
        text = self.statement.operands
        if len(text) < 2 or text[0] != "'" or text[-1] != "'":
            raise AsmError(76, "TITLE NEEDS A QUOTED STRING")
        line.control = "TITLE:" + text[1:-1].replace("''", "'").replace("&&", "&")[:100]

    def _listing(self, line: Line) -> None:
        count = self.absolute(self.statement.operands) if self.statement.operands else 1
        if self.statement.operation == "SPACE":
            line.control = f"SPACE:{max(0, min(count, 99))}"
        else:
            line.control = "EJECT:"

    def _print(self, line: Line) -> None:
        for word in split_operands(self.statement.operands):
            if word not in ("ON", "OFF", "GEN", "NOGEN", "DATA", "NODATA"):
                raise AsmError(71, f"INVALID PRINT OPERAND {word}", 4)
            if word in ("ON", "OFF"):
                self.print_on = word == "ON"
            if word in ("GEN", "NOGEN"):
                self.print_gen = word == "GEN"
        line.control = "PRINT"

    def _end(self, operand: str) -> None:
        if self.current is None and not self.sections:
            self._section()
        control = [ident for ident in self.sections if ident > 0]
        if self.pools[self.pool_index].literals and control:
            # GC33-4010: the literals of the last pool go at the end of the first section
            first = self.sections[min(control)]
            first.location = first.high
            self.current = first
        self._place_pool(self.lines[-1] if self.second and self.lines else None)
        if operand and self.second:
            value = self.evaluate(operand)
            ident = value.section()
            if ident <= 0:
                raise AsmError(72, "END OPERAND IS NOT RELOCATABLE")
            self.entry = (ident, value.value)


def assemble(records: list[str], library: Library | None = None) -> Assembly:
    """Assemble a source file (its 80-column records as text); ``library`` finds a
    macro or COPY member's records by name (the GLOBAL MACLIBs)."""
    return Assembler(records, library).run()
