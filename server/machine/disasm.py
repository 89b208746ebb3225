"""The disassembler for TRACE and DISPLAY, reading the same table as the CPU.

Models the instruction formats of Principles of Operation (GA22-7000)
chapter 5: one instruction's mnemonic and operands, displacements in hex
(``X'004'``), registers and lengths in decimal, as an assembler would accept
them.  Unknown opcodes come out as ``DC X'....'``.
"""

from __future__ import annotations

import server.machine.instructions  # noqa: F401 - fills the table
from server.machine import isa


def disassemble(data: bytes, address: int = 0) -> str:
    """Mnemonic and operands of the instruction at the start of ``data``.

    ``address`` is where the instruction lies (kept for listings; S/370 has
    no relative operands).
    """
    if len(data) < 2:
        return f"DC    X'{data.hex().upper()}'"
    length = isa.instruction_length(data[0])
    inst = bytes(data[:length])
    if len(inst) < length:
        return f"DC    X'{inst.hex().upper()}'"
    return isa.disassemble_entry(isa.lookup(inst[0], inst[1]), inst)


def listing(data: bytes, address: int = 0) -> list[str]:
    """One line per instruction: address, hex, mnemonic and operands."""
    lines = []
    offset = 0
    while offset + 1 < len(data):
        length = isa.instruction_length(data[offset])
        inst = data[offset : offset + length]
        text = disassemble(inst, address + offset)
        lines.append(f"{address + offset:06X}  {inst.hex().upper():<12}  {text}")
        offset += length
    return lines
