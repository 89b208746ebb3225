"""DISPLAY's operand language and output (reference/cp-cms.md 5.13).

``[K|L|T]hexloc[-hexloc|:hexloc|.count|-END|.END]`` for storage (hex; with
EBCDIC translation; storage keys), ``G``/``X``/``Y`` with a register,
range or count for general, control and floating-point registers, and
``PSW``, ``CAW``, ``CSW``. The display type carries over to later operands.
"""

from __future__ import annotations

from server.cp.messages import CPError, invalid_operand
from server.machine import Machine

MODULE = "CDB"


def exceeds(address: int) -> CPError:
    return CPError(MODULE, 160, f"HEXLOC {address:06X} EXCEEDS STORAGE")


def parse_hex(token: str) -> int:
    if not token or len(token) > 6 or any(c not in "0123456789ABCDEF" for c in token):
        raise invalid_operand(MODULE, token)
    return int(token, 16)


def storage_range(spec: str, size: int) -> tuple[int, int]:
    """The first and last byte an operand such as ``200-2FF`` or ``200.40`` names."""
    if not spec:
        return 0, size - 1
    for separator in ("-", ":", "."):
        if separator in spec:
            start_text, end_text = spec.split(separator, 1)
            start = parse_hex(start_text)
            if end_text == "END":
                end = size - 1
            elif separator == ".":
                end = start + max(parse_hex(end_text), 1) - 1
            else:
                end = parse_hex(end_text)
            break
    else:
        start = parse_hex(spec)
        end = start + 3
    if start >= size:
        raise exceeds(start)
    if end < start:
        raise invalid_operand(MODULE, spec)
    return start, min(end, size - 1)


def ebcdic(data: bytes) -> str:
    text = data.decode("cp037", errors="replace")
    return "".join(char if char.isprintable() and char.isascii() else "." for char in text)


def storage_lines(machine: Machine, start: int, end: int, translate: bool) -> list[str]:
    start = start & ~(15 if translate else 3)
    end = end | 3
    lines = []
    for line_start in range(start, end + 1, 16):
        line_end = min(line_start + 16, end + 1)
        data = machine.read(line_start, line_end - line_start)
        words = " ".join(data[i : i + 4].hex().upper() for i in range(0, len(data), 4))
        line = f"{line_start:06X} {words}"
        if translate:
            line = f"{line:<42} *{ebcdic(data)}*"
        lines.append(line)
    return lines


def storage_key(machine: Machine, address: int) -> int:
    """The access-control key and fetch-protection bit (reference and change bits left out)."""
    return machine.key(address) & 0xF8


def key_lines(machine: Machine, start: int, end: int) -> list[str]:
    lines: list[str] = []
    block = start & ~2047
    while block <= end:
        key = storage_key(machine, block)
        last = block
        while last + 2048 <= end and storage_key(machine, last + 2048) == key:
            last += 2048
        lines.append(f"{block:06X} TO {last + 2047:06X}   KEY = {key:02X}")
        block = last + 2048
    return lines


def register_range(spec: str, limit: int) -> list[int]:
    if not spec:
        return list(range(limit))
    try:
        for separator in ("-", ":", "."):
            if separator in spec:
                first_text, second_text = spec.split(separator, 1)
                first = int(first_text, 16) if len(first_text) == 1 else int(first_text)
                if second_text == "END":
                    last = limit - 1
                elif separator == ".":
                    last = first + int(second_text) - 1
                else:
                    last = int(second_text, 16) if len(second_text) == 1 else int(second_text)
                break
        else:
            first = last = int(spec, 16) if len(spec) == 1 else int(spec)
    except ValueError:
        raise invalid_operand(MODULE, spec) from None
    if not 0 <= first <= last < limit:
        raise invalid_operand(MODULE, spec)
    return list(range(first, last + 1))


def register_lines(machine: Machine, kind: str, spec: str) -> list[str]:
    if kind == "Y":
        numbers = [n for n in register_range(spec, 8) if n % 2 == 0] or [0]
        lines = []
        for number in numbers:
            value = machine.fpr(number).hex().upper()
            lines.append(f"FPR {number} = {value[:8]} {value[8:]}")
        return lines
    numbers = register_range(spec, 16)
    label = "GPR" if kind == "G" else "ECR"
    read = machine.gpr if kind == "G" else machine.cr
    lines = []
    for index in range(0, len(numbers), 4):
        group = numbers[index : index + 4]
        values = " ".join(f"{read(n):08X}" for n in group)
        lines.append(f"{label} {group[0]} = {values}")
    return lines


def display_operands(machine: Machine, size: int, operands: list[str]) -> list[str]:
    lines: list[str] = []
    kind = "L"
    for operand in operands:
        if operand in ("P", "PS", "PSW"):
            psw = machine.psw().hex().upper()
            lines.append(f"PSW = {psw[:8]}  {psw[8:]}")
        elif operand == "CAW":
            lines.append(f"CAW = {machine.read(0x48, 4).hex().upper()}")
        elif operand == "CSW":
            csw = machine.read(0x40, 8).hex().upper()
            lines.append(f"CSW = {csw[:8]}  {csw[8:]}")
        elif operand[0] in "GXY":
            lines.extend(register_lines(machine, operand[0], operand[1:]))
        else:
            if operand[0] in "KLT":
                kind, operand = operand[0], operand[1:]
            start, end = storage_range(operand, size)
            if kind == "K":
                lines.extend(key_lines(machine, start, end))
            else:
                lines.extend(storage_lines(machine, start, end, kind == "T"))
    return lines
