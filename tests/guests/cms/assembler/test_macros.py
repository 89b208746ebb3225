"""The macro language, the CMSLIB macros, MACLIB files and the MACLIB command."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from guests.cms.assembler import assemble, listing_lines, object_deck
from guests.cms.assembler.cmslib import CMSLIB, cmslib_member
from guests.cms.assembler.core import Assembly
from guests.cms.assembler.maclib import MacMember, build_maclib, members_of, read_maclib
from guests.cms.fs import CmsDisk
from tests.guests.cms.cmsfake import put_file, session, standard_disks

MOVE = [
    "         MACRO",
    "&LAB     MOVE  &TO,&FROM,&LEN=8",
    "         LCLA  &N",
    "&N       SETA  &LEN*2",
    "         AIF   ('&FROM' EQ '').NOFROM",
    "&LAB     MVC   &TO.(&LEN),&FROM",
    "         MEXIT",
    ".NOFROM  ANOP",
    "&LAB     XC    &TO.(&N),&TO",
    "         MNOTE 4,'NO SOURCE FOR &TO'",
    "         MEND",
]


def _code(assembly: Assembly) -> bytes:
    image = bytearray(assembly.sections[0].length)
    for at, data in assembly.sections[0].chunks:
        image[at : at + len(data)] = data
    return bytes(image)


def test_positional_keyword_parameters_aif_mexit_mnote() -> None:
    assembly = assemble([*MOVE, "T        CSECT", "         USING T,15", "X1       MOVE  A,B",
                         "         MOVE  A,B,LEN=4", "         MOVE  A", "A        DS    CL8",
                         "B        DS    CL8", "         END"])  # fmt: skip
    code = _code(assembly)
    assert code[:18].hex() == "d207f012f01a" "d203f012f01a" "d70ff012f012"
    assert assembly.symbols["X1"].value == 0
    assert [(d.number, d.text, d.severity) for d in assembly.diagnostics] == [
        (254, "NO SOURCE FOR A", 4)
    ]
    listing = "\n".join(listing_lines(assembly))
    assert "+X1       MVC   A(8),B" in listing and "MNOTE        NO SOURCE FOR A" in listing


def test_unknown_keywords_and_extra_operands_are_flagged() -> None:
    assembly = assemble([*MOVE, "T        CSECT", "         USING T,15",
                         "         MOVE  A,B,C,SIZE=4", "A        DS    CL8",
                         "B        DS    CL8", "         END"])  # fmt: skip
    assert [(d.text, d.severity) for d in assembly.diagnostics] == [
        ("UNDEFINED KEYWORD SIZE IN MACRO MOVE", 8),
        ("MORE POSITIONAL OPERANDS THAN THE PROTOTYPE HAS", 4)]
    assert _code(assembly)[:6].hex() == "d207f006f00e"  # still expanded


def test_loops_sysndx_setc_and_nesting() -> None:
    assembly = assemble([
        "         MACRO", "         INNER &V", "         DC    C'&V'", "         MEND",
        "         MACRO", "         LOOP  &COUNT", "         LCLA  &I", "         LCLC  &S",
        "&I       SETA  1", ".TOP     AIF   (&I GT &COUNT).DONE", "         DC    F'&I'",
        "&I       SETA  &I+1", "         AGO   .TOP", ".DONE    ANOP",
        "&S       SETC  'AB'.'CDE'(2,2)", "         INNER &S&SYSNDX", "L&SYSNDX DC    H'0'",
        "         MEND",
        "C        CSECT", "         LOOP  2", "         LOOP  1", "         END",
    ])  # fmt: skip
    assert assembly.diagnostics == []
    code = _code(assembly)
    assert code[:8].hex() == "0000000100000002"
    assert code[8:16] == "ABDE0001".encode("cp037")  # AB, then DE from CDE
    assert "L0001" in assembly.symbols and "L0003" in assembly.symbols


def test_runaway_loops_stop_at_actr() -> None:
    assembly = assemble(["         MACRO", "         SPIN", ".A       AGO   .A", "         MEND",
                         "C        CSECT", "         SPIN", "         END"])  # fmt: skip
    assert [d.text for d in assembly.diagnostics] == ["ACTR COUNT EXCEEDED"]


def test_copy_and_undefined_macros() -> None:
    library = {"DEFS": ["         DC    F'7'"]}
    assembly = assemble(["C        CSECT", "         COPY  DEFS", "         COPY  NONE",
                         "         NOSUCH 1", "         END"], library.get)  # fmt: skip
    assert _code(assembly)[:4].hex() == "00000007"
    assert [d.text for d in assembly.diagnostics] == [
        "COPY MEMBER NONE NOT FOUND", "UNDEFINED OPERATION CODE NOSUCH"]


PROGRAM = [
    "         REGEQU",
    "PROG     CSECT",
    "         SAVE  (14,12)",
    "         BALR  R12,0",
    "         USING *,R12",
    "         WRTERM 'HELLO'",
    "         RDTERM BUFFER",
    "         FSWRITE 'MY FILE A1',BUFFER=BUFFER,BSIZE=80",
    "         FSCLOSE FSCB=FILE",
    "         LINEDIT TEXT='DONE',DOT=NO",
    "         RETURN (14,12),RC=0",
    "BUFFER   DC    CL80' '",
    "FILE     FSCB  'MY   FILE A1',BUFFER=BUFFER,BSIZE=80",
    "         END   PROG",
]


def test_cmslib_macros_build_the_nucleus_parameter_lists() -> None:
    assembly = assemble(PROGRAM, cmslib_member)
    assert assembly.diagnostics == []
    code = _code(assembly)
    assert code[:4].hex() == "90ecd00c"  # SAVE (14,12): STM 14,12,12(13)
    assert "TYPLIN".encode("cp037") in code and "WAITRD".encode("cp037") in code
    fscb = assembly.symbols["FILE"].value
    assert code[fscb + 8 : fscb + 26] == "MY      FILE    A1".encode("cp037")
    assert code[fscb + 28 : fscb + 32] == assembly.symbols["BUFFER"].value.to_bytes(4, "big")
    assert code[fscb + 32 : fscb + 40].hex() == "00000050c6000001"
    assert "WRBUF".encode("cp037") in code and "FINIS".encode("cp037") in code
    object_deck(assembly)


def test_every_cmslib_macro_expands_cleanly_or_with_a_message() -> None:
    for name in CMSLIB:
        records = cmslib_member(name)
        assert records is not None and all(len(record) <= 72 for record in records)
        assembly = assemble(["C        CSECT", "         USING C,12", f"         {name}",
                             "         END"], cmslib_member)  # fmt: skip
        assert all(d.severity < 12 for d in assembly.diagnostics), (name, assembly.diagnostics)


def test_maclib_file_round_trip() -> None:
    records = [line.ljust(80).encode("cp037") for line in MOVE + MOVE[:1] + [
        "         LONG", *["* LINE"] * 300, "         MEND"]]  # fmt: skip
    members = members_of(records, "MACRO", "X")
    assert [member.name for member in members] == ["MOVE", "LONG"]
    library = read_maclib(build_maclib(members))
    assert [(m.name, m.item, len(m.records)) for m in library.members] == [
        ("MOVE", 2, 11), ("LONG", 14, 303)]
    copies = members_of(["*COPY ONE".encode("cp037"), b"A", "*COPY TWO".encode("cp037"), b"B"],
                        "COPY", "X")  # fmt: skip
    assert [(m.name, m.records) for m in copies] == [("ONE", [b"A"]), ("TWO", [b"B"])]
    big = [MacMember(f"M{index}", [b"X"] * 60) for index in range(9)]
    assert all(member.item % 256 for member in read_maclib(build_maclib(big)).members)


def test_maclib_command_and_global_maclib_feed_assemble() -> None:
    disks = standard_disks()
    put_file(disks, 0x191, "MOVE", "MACRO", [line.ljust(80) for line in MOVE])
    source = ["T        CSECT", "         USING T,15", "         MOVE  A,B", "A        DS    CL8",
              "B        DS    CL8", "         END"]  # fmt: skip
    put_file(disks, 0x191, "T", "ASSEMBLE", [line.ljust(80) for line in source])
    output = asyncio.run(session(disks, "ASSEMBLE T (NOPRINT", "MACLIB GEN MYLIB MOVE",
                                 "MACLIB MAP MYLIB (TERM", "GLOBAL MACLIB MYLIB",
                                 "ASSEMBLE T (NOPRINT", "MACLIB DEL MYLIB NOPE",
                                 "MACLIB GEN MYLIB NOPE", "MACLIB ZAP MYLIB"))  # fmt: skip
    text = "\n".join(output)
    first, second = text.split("> GLOBAL MACLIB MYLIB")
    assert "UNDEFINED OPERATION CODE MOVE" in first
    assert "MACRO    INDEX  SIZE" in first and "MOVE         2    11" in first
    assert "NO STATEMENTS FLAGGED IN THIS ASSEMBLY" in second
    assert "TOTAL RECORDS READ FROM SYSTEM LIBRARY       11" in second
    assert "DMSLBM013W MEMBER 'NOPE' NOT FOUND IN LIBRARY 'MYLIB'" in second
    assert "DMSLBM002E FILE 'NOPE MACRO *' NOT FOUND" in second
    assert "DMSLBM003E INVALID OPTION 'ZAP'" in second
    disk = CmsDisk.access(disks.devices[0x191])
    assert disk.read("T", "TEXT")[1][16:22].hex() == "d207f006f00e"


TOKENS = st.sampled_from(["&A", "&B", "&SYSNDX", "'X'", "(", ")", ",", ".", "EQ", "AND", "K'&A",
                          "1", "+", "*", "=", "&", "'", "''", ".L", " "])  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "&A", ".L", "&X"]),
                          st.sampled_from(["AIF", "AGO", "SETA", "SETB", "SETC", "MNOTE", "DC",
                                           "LCLA", "GBLC", "MEXIT", "MACRO", "MEND", "COPY",
                                           "M", "ANOP", "ACTR"]),
                          st.lists(TOKENS, max_size=10).map("".join)), max_size=10))  # fmt: skip
def test_garbage_macros_never_raise(statements: list[tuple[str, str, str]]) -> None:
    body = [f"{name:<8} {op:<5} {operands}"[:71] for name, op, operands in statements]
    records = ["         MACRO", "&A       M     &B,&C=1", *body, "         MEND", "C        CSECT",
               "         M     X,C=(1,2)", *body, "         END"]  # fmt: skip
    assembly = assemble(records, cmslib_member)
    listing_lines(assembly)
    object_deck(assembly)


def test_print_nogen_hides_generated_statements() -> None:
    source = ["         PRINT NOGEN", "C        CSECT", "         USING C,12",
              "         WRTERM 'HI'", "         END"]  # fmt: skip
    listing = "\n".join(listing_lines(assemble(source, cmslib_member)))
    assert "WRTERM 'HI'" in listing and "CL8'TYPLIN'" not in listing
    listing = "\n".join(listing_lines(assemble(source[1:], cmslib_member)))
    assert "+WRP0001  DC    CL8'TYPLIN'" in listing


def test_maclib_add_rep_comp() -> None:
    disks = standard_disks()
    put_file(disks, 0x191, "MOVE", "MACRO", [line.ljust(80) for line in MOVE])
    copies = ["*COPY ONE", "         DC    F'1'", "*COPY TWO", "         DC    F'2'"]
    put_file(disks, 0x191, "MORE", "COPY", [line.ljust(80) for line in copies])
    output = asyncio.run(session(disks, "MACLIB GEN MYLIB MOVE", "MACLIB ADD MYLIB MORE",
                                 "MACLIB REP MYLIB MOVE", "MACLIB COMP MYLIB",
                                 "MACLIB MAP MYLIB (TERM"))  # fmt: skip
    text = "\n".join(output)
    assert "DMSLBM" not in text
    disk = CmsDisk.access(disks.devices[0x191])
    library = read_maclib(disk.read("MYLIB", "MACLIB"))
    assert [(m.name, len(m.records)) for m in library.members] == [
        ("MOVE", 11), ("ONE", 1), ("TWO", 1)]
    assert "MOVE         2    11        ONE         14     1\nTWO         16     1" in text
