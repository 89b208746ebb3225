"""STORE's operand language (reference/cp-cms.md 5.30).

``[L]hexloc hexword...`` stores fullwords (right-justified, zero-filled);
``Shexloc hexdata`` stores bytes; ``Greg``/``Xreg`` store successive
general or control registers; ``Yreg`` floating-point registers (a
doubleword, left-justified); ``PSW [word1] word2``. Operands may be mixed;
processing stops at the first invalid one, earlier ones staying done.
"""

from __future__ import annotations

from server.cp.messages import CPError, invalid_operand
from server.cp.vmdisplay import MODULE, exceeds, parse_hex
from server.machine import Machine

HEX = set("0123456789ABCDEF")


def is_hex(token: str) -> bool:
    return bool(token) and set(token) <= HEX


def hexword(token: str, digits: int = 8) -> int:
    if not is_hex(token) or len(token) > digits:
        raise invalid_operand(MODULE, token)
    return int(token, 16)


def split_operands(tokens: list[str]) -> list[tuple[str, list[str]]]:
    """Each target (a location, register or PSW) with the data words after it."""
    groups: list[tuple[str, list[str]]] = []
    for token in tokens:
        if groups and is_hex(token):
            groups[-1][1].append(token)
        else:
            groups.append((token, []))
    return groups


def store_storage(machine: Machine, size: int, target: str, data: list[str]) -> None:
    if target.startswith("S"):
        address = parse_hex(target[1:])
        text = "".join(data)
        if len(text) % 2 or not is_hex(text):
            raise invalid_operand(MODULE, text[:8] or target)
        payload = bytes.fromhex(text)
    else:
        address = parse_hex(target[1:] if target.startswith("L") else target) & ~3
        payload = b"".join(hexword(word).to_bytes(4, "big") for word in data)
    if not payload:
        raise invalid_operand(MODULE, target)
    if address + len(payload) > size:
        raise exceeds(address + len(payload) - 1)
    machine.load(address, payload)


def store_registers(machine: Machine, target: str, data: list[str]) -> None:
    kind, number_text = target[0], target[1:]
    try:
        number = int(number_text, 16) if len(number_text) == 1 else int(number_text)
    except ValueError:
        raise invalid_operand(MODULE, target) from None
    limit = 8 if kind == "Y" else 16
    if not 0 <= number < limit or not data:
        raise invalid_operand(MODULE, target)
    for word in data:
        if number >= limit:
            raise invalid_operand(MODULE, word)
        if kind == "Y":
            value = int(word.ljust(16, "0"), 16) if is_hex(word) and len(word) <= 16 else None
            if value is None:
                raise invalid_operand(MODULE, word)
            machine.set_fpr(number & 6, value.to_bytes(8, "big"))
            number = (number & 6) + 2
        elif kind == "G":
            machine.set_gpr(number, hexword(word))
            number += 1
        else:
            machine.set_cr(number, hexword(word))
            number += 1


def store_psw(machine: Machine, data: list[str]) -> None:
    if not 1 <= len(data) <= 2:
        raise invalid_operand(MODULE, "PSW")
    current = machine.psw()
    words = [hexword(word) for word in data]
    first = words[0] if len(words) == 2 else int.from_bytes(current[:4], "big")
    second = words[-1]
    machine.set_psw(first.to_bytes(4, "big") + second.to_bytes(4, "big"))


def store_operands(machine: Machine, size: int, tokens: list[str]) -> None:
    for target, data in split_operands(tokens):
        if target in ("P", "PS", "PSW"):
            store_psw(machine, data)
        elif target[0] in "GXY" and not is_hex(target):
            store_registers(machine, target, data)
        elif target[0] in "LS" or is_hex(target):
            store_storage(machine, size, target, data)
        else:
            raise CPError(MODULE, 2, f"INVALID OPERAND - {target[:8]}")
