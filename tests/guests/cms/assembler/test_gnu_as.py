"""Every mnemonic of the assembler's table against GNU as (binutils-s390x).

Each instruction is written with explicit operands (registers, D(X,B),
D(L,B), immediates) in the CMS assembler and in GNU as syntax, which here
are the same text; the object code must be identical. GNU as has no
System/370 I/O and storage-key instructions (SIO, TIO, HIO, ISK, ...): those are checked
against the encodings of the Principles of Operation written out below.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from guests.cms.assembler import assemble
from guests.cms.assembler.opcodes import OPCODES
from tests.guests.cms.objdeck import read_elf
from tests.tools import require_tool

SAMPLE = {"RR": "4,8", "R1": "3", "I": "200", "M2": "5", "RX": "4,100(3,5)", "MX": "100(4,5)",
          "RS": "2,4,100(5)", "SHIFT": "2,100(5)", "SI": "100(5),200", "SD": "100(5)",
          "S": "100(5)", "S0": "", "SS": "10(20,3),40(4)", "SS2": "10(5,3),40(6,4)",
          "SRP": "10(5,3),40(4),3"}  # fmt: skip

# GA22-7000: the I/O and channel instructions GNU as does not assemble.
NOT_IN_GAS = {
    "SIO": "9C005064", "SIOF": "9C015064", "TIO": "9D005064", "CLRIO": "9D015064",
    "HIO": "9E005064", "HDV": "9E015064", "TCH": "9F005064", "STIDC": "B2035064",
    "WRD": "84C85064", "RDD": "85C85064", "ISK": "0948", "SSK": "0848", "RRB": "B2135064",
}  # fmt: skip


def _ours(mnemonic: str) -> bytes:
    operands = SAMPLE[OPCODES[mnemonic].form]
    assembly = assemble(["T        CSECT", f"         {mnemonic:<5} {operands}".rstrip(),
                         "         END"])  # fmt: skip
    assert not assembly.diagnostics, (mnemonic, assembly.diagnostics)
    return b"".join(data for _at, data in assembly.sections[0].chunks)


@pytest.fixture(scope="module")
def gas_code(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Each mnemonic's bytes as GNU as assembles them (absent when it refuses it)."""
    tool = require_tool("s390x-linux-gnu-as")
    workdir: Path = tmp_path_factory.mktemp("gas")
    mnemonics = sorted(OPCODES)
    source = "".join(f" {m.lower()} {SAMPLE[OPCODES[m].form]}\n" for m in mnemonics)
    (workdir / "all.s").write_text(source)
    result = subprocess.run([tool, "-m31", "-mesa", "-o", str(workdir / "all.o"),
                             str(workdir / "all.s")], capture_output=True, text=True)  # fmt: skip
    refused = {int(n) for n in re.findall(r"all\.s:(\d+): Error", result.stderr)}
    kept = [m for line, m in enumerate(mnemonics, 1) if line not in refused]
    (workdir / "kept.s").write_text("".join(f" {m.lower()} {SAMPLE[OPCODES[m].form]}\n"
                                            for m in kept))  # fmt: skip
    subprocess.run([tool, "-m31", "-mesa", "-o", str(workdir / "kept.o"), str(workdir / "kept.s")],
                   check=True, capture_output=True)  # fmt: skip
    text = read_elf((workdir / "kept.o").read_bytes()).text
    found, at = {}, 0
    for mnemonic in kept:
        size = len(_ours(mnemonic))
        found[mnemonic] = text[at : at + size]
        at += size
    assert at == len(text)
    return found


@pytest.mark.parametrize("mnemonic", sorted(OPCODES))
def test_mnemonic_matches_gnu_as(mnemonic: str, gas_code: dict[str, bytes]) -> None:
    ours = _ours(mnemonic)
    if mnemonic in NOT_IN_GAS:
        assert mnemonic not in gas_code  # GNU as still lacks it: keep the table honest
        assert ours.hex().upper() == NOT_IN_GAS[mnemonic]
    else:
        assert ours.hex() == gas_code[mnemonic].hex()


def test_table_covers_the_s370_opcodes() -> None:
    assert len(OPCODES) >= 200
    assert {"BALR", "MVCL", "LRA", "CS", "CDS", "ICM", "SRP", "STCK", "PTLB"} <= set(OPCODES)


OURS = [
    "P        CSECT",
    "         BALR  12,0",
    "         USING *,12",
    "         L     2,FW",
    "         ST    2,FW+4",
    "         MVC   BUF(5),MSG",
    "         CLI   MSG,C'H'",
    "         BE    DONE",
    "         LA    3,BUF+1(2)",
    "         STM   14,12,12(13)",
    "         AP    PK,PK",
    "DONE     BR    14",
    "MSG      DC    C'HELLO'",
    "BUF      DC    XL5'00'",
    "PK       DC    PL3'-17'",
    "FW       DC    F'100',H'-2',H'7'",
    "AD       DC    A(MSG,DONE+2)",
    "         END",
]

GAS = f"""
        .text
        balr %r12,0
base:   l %r2,fw-base(%r12)
        st %r2,fw+4-base(%r12)
        mvc buf-base(5,%r12),msg-base(%r12)
        cli msg-base(%r12),0xc8
        bc 8,done-base(%r12)
        la %r3,buf+1-base(%r2,%r12)
        stm %r14,%r12,12(%r13)
        ap pk-base(3,%r12),pk-base(3,%r12)
done:   br %r14
msg:    .byte {",".join(hex(b) for b in "HELLO".encode("cp037"))}
buf:    .byte 0,0,0,0,0
pk:     .byte 0x00,0x01,0x7d
        .align 4,0              # IBM fills DC alignment with zeros
fw:     .long 100
        .short -2,7
ad:     .long msg,done+2
"""


def test_a_program_with_implicit_addresses_matches_gnu_as(tmp_path: Path) -> None:
    tool = require_tool("s390x-linux-gnu-as")
    (tmp_path / "p.s").write_text(GAS)
    subprocess.run([tool, "-m31", "-mesa", "-o", str(tmp_path / "p.o"), str(tmp_path / "p.s")],
                   check=True, capture_output=True)  # fmt: skip
    expected = read_elf((tmp_path / "p.o").read_bytes()).text
    assembly = assemble(OURS)
    assert assembly.diagnostics == []
    image = bytearray(assembly.sections[0].length)
    for at, data in assembly.sections[0].chunks:
        image[at : at + len(data)] = data
    assert image.hex() == expected.hex()
