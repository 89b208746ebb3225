"""The System/370 machine instructions the CMS assembler knows, and their formats.

IBM System/370 Principles of Operation (GA22-7000), appendix "Lists of
Instructions"; the extended branch mnemonics are those of the OS/VS and
VM/370 Assembler Language manual (GC33-4010), "Extended Mnemonic Codes".
The guest may not import the machine (ARCHITECTURE.md), so the table is
its own. A format names the operand shape:

* ``RR`` R1,R2; ``R1`` R1 only (SPM); ``I`` an 8-bit immediate (SVC);
  ``M2`` R2 only with the mask fixed (BR, NOPR and the other ``xxR`` forms)
* ``RX`` R1,D2(X2,B2); ``MX`` D2(X2,B2) with the mask fixed (B, BE, NOP ...)
* ``RS`` R1,R3,D2(B2) (also R1,M3,D2(B2)); ``SHIFT`` R1,D2(B2)
* ``SI`` D1(B1),I2; ``SD`` D1(B1) only (one-byte opcodes: SSM, LPSW, TS)
* ``S`` D2(B2) with a two-byte opcode; ``S0`` no operand (PTLB, IPK)
* ``SS`` D1(L,B1),D2(B2); ``SS2`` D1(L1,B1),D2(L2,B2); ``SRP`` D1(L1,B1),D2(B2),I3
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LENGTHS", "OPCODES", "Opcode"]


@dataclass(frozen=True)
class Opcode:
    mnemonic: str
    code: int  # the opcode; two bytes for S and S0
    form: str
    mask: int = -1  # the fixed R1 (branch mask) of an extended mnemonic


LENGTHS = {"RR": 2, "R1": 2, "I": 2, "M2": 2, "RX": 4, "MX": 4, "RS": 4, "SHIFT": 4, "SI": 4,
           "SD": 4, "S": 4, "S0": 4, "SS": 6, "SS2": 6, "SRP": 6}  # fmt: skip

_TABLE = {
    "RR": "BALR 05 BCTR 06 BCR 07 SSK 08 ISK 09 MVCL 0E CLCL 0F LPR 10 LNR 11 LTR 12 LCR 13 "
    "NR 14 CLR 15 OR 16 XR 17 LR 18 CR 19 AR 1A SR 1B MR 1C DR 1D ALR 1E SLR 1F LPDR 20 "
    "LNDR 21 LTDR 22 LCDR 23 HDR 24 LRDR 25 MXR 26 MXDR 27 LDR 28 CDR 29 ADR 2A SDR 2B "
    "MDR 2C DDR 2D AWR 2E SWR 2F LPER 30 LNER 31 LTER 32 LCER 33 HER 34 LRER 35 AXR 36 "
    "SXR 37 LER 38 CER 39 AER 3A SER 3B MER 3C DER 3D AUR 3E SUR 3F",
    "R1": "SPM 04",
    "I": "SVC 0A",
    "RX": "STH 40 LA 41 STC 42 IC 43 EX 44 BAL 45 BCT 46 BC 47 LH 48 CH 49 AH 4A SH 4B "
    "MH 4C CVD 4E CVB 4F ST 50 N 54 CL 55 O 56 X 57 L 58 C 59 A 5A S 5B M 5C D 5D AL 5E "
    "SL 5F STD 60 MXD 67 LD 68 CD 69 AD 6A SD 6B MD 6C DD 6D AW 6E SW 6F STE 70 LE 78 "
    "CE 79 AE 7A SE 7B ME 7C DE 7D AU 7E SU 7F LRA B1",
    "RS": "BXH 86 BXLE 87 STM 90 LM 98 SIGP AE STCTL B6 LCTL B7 CS BA CDS BB CLM BD "
    "STCM BE ICM BF",
    "SHIFT": "SRL 88 SLL 89 SRA 8A SLA 8B SRDL 8C SLDL 8D SRDA 8E SLDA 8F",
    "SI": "WRD 84 RDD 85 TM 91 MVI 92 NI 94 CLI 95 OI 96 XI 97 STNSM AC STOSM AD MC AF",
    "SD": "SSM 80 LPSW 82 TS 93",
    "S": "SIO 9C00 SIOF 9C01 TIO 9D00 CLRIO 9D01 HIO 9E00 HDV 9E01 TCH 9F00 STIDP B202 "
    "STIDC B203 SCK B204 STCK B205 SCKC B206 STCKC B207 SPT B208 STPT B209 SPKA B20A "
    "RRB B213 STAP B212",
    "S0": "IPK B20B PTLB B20D",
    "SS": "MVN D1 MVC D2 MVZ D3 NC D4 CLC D5 OC D6 XC D7 TR DC TRT DD ED DE EDMK DF",
    "SS2": "MVO F1 PACK F2 UNPK F3 ZAP F8 CP F9 AP FA SP FB MP FC DP FD",
    "SRP": "SRP F0",
}

# Extended mnemonics: the condition mask each stands for (GC33-4010).
_MASKS = {"B": 15, "NOP": 0, "BH": 2, "BL": 4, "BE": 8, "BNH": 13, "BNL": 11, "BNE": 7,
          "BO": 1, "BP": 2, "BM": 4, "BZ": 8, "BNO": 14, "BNP": 13, "BNM": 11,
          "BNZ": 7}  # fmt: skip


def _build() -> dict[str, Opcode]:
    table: dict[str, Opcode] = {}
    for form, text in _TABLE.items():
        words = text.split()
        for mnemonic, code in zip(words[::2], words[1::2], strict=True):
            table[mnemonic] = Opcode(mnemonic, int(code, 16), form)
    for mnemonic, mask in _MASKS.items():
        table[mnemonic] = Opcode(mnemonic, 0x47, "MX", mask)
        short = "NOPR" if mnemonic == "NOP" else mnemonic + "R"
        table[short] = Opcode(short, 0x07, "M2", mask)
    return table


OPCODES = _build()
