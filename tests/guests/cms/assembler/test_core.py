"""The assembler's passes: symbols, USING, literals, constants, sections and errors."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from guests.cms.assembler import assemble, listing_lines, object_deck
from guests.cms.assembler.core import Assembly
from guests.cms.loader import Loader


def _code(assembly: Assembly, section: int = 0) -> bytes:
    image = bytearray(assembly.sections[section].length)
    for at, data in assembly.sections[section].chunks:
        image[at - assembly.sections[section].start : at + len(data)] = data
    return bytes(image)


def _source(*lines: str) -> list[str]:
    return [line.rstrip() for line in lines]


PROGRAM = _source(
    "SAMP     TITLE 'SAMPLE'",
    "SAMP     CSECT",
    "         BALR  12,0",
    "         USING *,12",
    "         L     2,=F'100'            A LITERAL",
    "         MVC   BUF,MSG              IMPLICIT LENGTH 5",
    "         CLI   MSG,C'H'",
    "         BNE   DONE",
    "         LA    3,L'MSG(0,0)",
    "DONE     BR    14",
    "MSG      DC    C'HELLO'",
    "BUF      DS    CL5",
    "         DS    0F",
    "ADDRS    DC    A(MSG,DONE+4),V(OTHER)",
    "         END   SAMP",
)


def test_implicit_addresses_literals_and_lengths() -> None:
    assembly = assemble(PROGRAM)
    assert assembly.diagnostics == []
    code = _code(assembly)
    # BALR 12,0 leaves 2 in R12: MSG at X'1A' is C018, BUF at X'1F' is C01D.
    assert code[:2].hex() == "05c0"
    assert code[2:6].hex() == "5820c02e"  # the literal pool after ADDRS (X'30')
    assert code[6:12].hex() == "d204c01dc018"
    assert code[12:16].hex() == "95c8c018"
    assert code[16:20].hex() == "4770c016"  # BNE DONE (X'18')
    assert code[20:24].hex() == "41300005"  # L'MSG is 5
    assert code[0x1A:0x1F] == "HELLO".encode("cp037")
    assert code[0x24:0x2C].hex() == "0000001a0000001c"
    assert code[0x30:0x34].hex() == "00000064"
    assert assembly.deck_id == "SAMP"


def test_object_deck_loads_relocated() -> None:
    assembly = assemble(PROGRAM)
    deck = object_deck(assembly)
    assert all(len(card) == 80 and card[0] == 2 for card in deck)
    kinds = [card[1:4].decode("cp037") for card in deck]
    assert kinds == ["ESD", "TXT", "TXT", "RLD", "END"]
    assert deck[0][72:80].decode("cp037") == "SAMP0001"
    loader = Loader()
    loader.load_deck("SAMP", deck)
    assert loader.undefined() == ["OTHER"]
    assert loader.entry() == 0x20000
    image = loader.relocated()
    assert image[0x24:0x28].hex() == "0002001a"  # A(MSG) relocated to the load address
    assert image[0x28:0x2C].hex() == "0002001c"


def test_constants_of_every_type() -> None:
    assembly = assemble(_source(
        "C        CSECT",
        "         DC    C'AB',CL3'X',X'1F',XL2'1',B'1010',H'-2',F'1,2'",
        "         DC    P'-12',PL3'5',Z'123',2Y(4),E'1',D'-0.5',AL3(7)",
        "         END",
    ))  # fmt: skip
    assert assembly.diagnostics == []
    code = _code(assembly).hex()
    assert code.startswith("c1c2e74040" "1f" "0001" "0a" "00" "fffe" "00000001" "00000002")
    assert "012d" "00005c" "f1f2c3" "0004" "0004" in code
    assert "41100000" "00000000" "c080000000000000" "000007" in code


def test_ltorg_places_literals_by_alignment() -> None:
    assembly = assemble(_source(
        "P        CSECT",
        "         USING P,15",
        "         MVC   0(1,1),=C'A'",
        "         L     1,=F'1'",
        "         LTORG",
        "         L     1,=F'1'",
        "         END",
    ))  # fmt: skip
    assert assembly.diagnostics == []
    code = _code(assembly)
    assert code[:10].hex() == "d2001000f014" "5810f010"
    assert code[16:20].hex() == "00000001" and code[20:21] == "A".encode("cp037")
    assert code[22:26].hex() == "5810f020"  # the second pool, after the first


def test_dsect_and_usings() -> None:
    assembly = assemble(_source(
        "MAP      DSECT",
        "FIELD1   DS    F",
        "FIELD2   DS    CL8",
        "PROG     CSECT",
        "         USING MAP,5",
        "         L     1,FIELD1",
        "         MVC   FIELD2,FIELD2",
        "         DROP  5",
        "         L     1,FIELD1",
        "         END",
    ))  # fmt: skip
    assert [section.name for section in assembly.sections] == ["PROG"]
    assert _code(assembly)[:10].hex() == "58105000d20750045004"
    assert [(d.statement, d.text) for d in assembly.diagnostics] == [(9, "ADDRESSABILITY ERROR")]


def test_errors_are_flagged_with_severity() -> None:
    assembly = assemble(_source(
        "E        CSECT",
        "         L     1,NOWHERE",
        "         FOO   1,2",
        "E        DS    F",
        "         LR    16,1",
        "         MEND",
    ))  # fmt: skip
    texts = [(d.statement, d.text) for d in assembly.diagnostics]
    assert (2, "UNDEFINED SYMBOL NOWHERE") in texts
    assert (3, "UNDEFINED OPERATION CODE FOO") in texts
    assert (4, "PREVIOUSLY DEFINED SYMBOL E") in texts
    assert (5, "INVALID REGISTER OR MASK 16") in texts
    assert (6, "MEND STATEMENT OUT OF CONTEXT") in texts
    assert any(d.text == "END STATEMENT MISSING" for d in assembly.diagnostics)
    assert assembly.severity == 12
    listing = listing_lines(assembly)
    assert "    6 STATEMENTS FLAGGED IN THIS ASSEMBLY" not in listing
    assert f"{assembly.flagged:5d} STATEMENTS FLAGGED IN THIS ASSEMBLY" in listing
    assert "HIGHEST SEVERITY WAS   12" in listing


def test_equ_org_cnop_entry_extrn() -> None:
    assembly = assemble(_source(
        "R1       EQU   1",
        "LEN      EQU   20",
        "M        START 0",
        "         ENTRY HERE",
        "         EXTRN FAR",
        "         LA    R1,LEN",
        "HERE     CNOP  0,8",
        "         ORG   *+4",
        "         DC    A(FAR)",
        "         END   HERE",
    ))  # fmt: skip
    assert assembly.diagnostics == []
    code = _code(assembly)
    assert code[:8].hex() == "4110001407000700"  # CNOP 0,8 pads with two NOPRs
    assert assembly.entries == ["HERE"] and assembly.externals == {2: ("FAR", "ER")}
    assert assembly.entry == (1, 4)
    deck = object_deck(assembly)
    loader = Loader()
    loader.load_deck("M", deck)
    assert ("HERE", "LD") in [(entry.name, entry.kind) for entry in loader.map_entries()]


def test_forward_references_in_equ_and_several_sections() -> None:
    assembly = assemble(_source(
        "SIZE     EQU   LAST-FIRST",
        "A        CSECT",
        "         USING A,15",
        "         LA    1,SIZE",
        "         L     2,=V(B)",
        "         L     3,=A(BDATA)",
        "FIRST    DC    F'1'",
        "LAST     DS    0H",
        "B        CSECT",
        "BDATA    DC    A(FIRST)",
        "         END   A",
    ))  # fmt: skip
    assert assembly.diagnostics == []
    assert _code(assembly)[:4].hex() == "41100004"
    assert [(s.name, s.ident, s.length) for s in assembly.sections] == [("A", 1, 24), ("B", 2, 4)]
    deck = object_deck(assembly)
    loader = Loader()
    loader.load_deck("A", deck)
    image = loader.relocated()
    b_at = next(entry.address for entry in loader.map_entries() if entry.name == "B")
    assert image[0x10:0x14] == b_at.to_bytes(4, "big")  # =V(B): a V-con to a section here
    assert image[0x14:0x18] == b_at.to_bytes(4, "big")  # =A(BDATA)
    assert image[b_at - 0x20000 : b_at - 0x20000 + 4].hex() == "0002000c"  # A(FIRST)


def test_continuation_and_comments() -> None:
    first = "         DC    C'" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 3
    assembly = assemble(["* A COMMENT", "X        CSECT", first[:71] + "X",
                         "               " + first[71:] + "'", "         END"])  # fmt: skip
    assert assembly.diagnostics == []
    assert _code(assembly).decode("cp037") == "ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 3


statement_text = st.lists(
    st.sampled_from(list(" ABCLXFHPZ0123456789*+-/(),'=&.@#$") + ["L'", "=F'1'", "C'A'"]),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "A", "LAB", "X1"]),
                          st.sampled_from(["L", "MVC", "DC", "DS", "EQU", "USING", "ORG", "LTORG",
                                           "CSECT", "DSECT", "CNOP", "END", "SRP", "BR", "LA",
                                           "ENTRY", "EXTRN", "START", "TITLE", "SPACE", "PRINT",
                                           "DROP", "AP", "MVI", "STM", "SVC", "XX"]),
                          statement_text), max_size=12))  # fmt: skip
def test_garbage_source_never_raises(statements: list[tuple[str, str, str]]) -> None:
    records = [f"{name:<8} {op:<5} {operands}"[:80] for name, op, operands in statements]
    assembly = assemble(records)
    object_deck(assembly)
    listing_lines(assembly)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=90), max_size=8))
def test_arbitrary_records_never_raise(records: list[str]) -> None:
    assembly = assemble(records)
    object_deck(assembly)
    listing_lines(assembly)
