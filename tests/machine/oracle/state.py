"""The comparable end state of a corpus run and a readable diff of two of them."""

from __future__ import annotations

from dataclasses import dataclass, field

from .program import Expectation, Program

KEY_BLOCK = 2048  # S/370 storage keys cover 2K blocks
KEY_AND_FETCH = 0xF8  # reference and change bits are left out of key comparisons


@dataclass
class State:
    """Registers and storage after a run, as Hercules or Machine left them."""

    psw: bytes = bytes(8)
    gprs: list[int] = field(default_factory=lambda: [0] * 16)
    crs: list[int] = field(default_factory=lambda: [0] * 16)
    fprs: dict[int, bytes] = field(default_factory=lambda: {n: bytes(8) for n in (0, 2, 4, 6)})
    storage: dict[int, int] = field(default_factory=dict)  # address -> byte
    keys: dict[int, int] = field(default_factory=dict)  # 2K block address -> storage key
    waited: bool = True  # reached a disabled wait (False: stopped at the time or limit)
    note: str = ""

    def read(self, address: int, length: int) -> bytes:
        """Captured storage bytes (KeyError for a byte that was not captured)."""
        return bytes(self.storage[a] for a in range(address, address + length))


def comparable_psw(psw: bytes) -> bytes:
    """The PSW without fields the architecture does not define for a current PSW.

    In BC mode the interruption code (bits 16-31) and ILC (bits 32-33) are
    only meaningful in an old PSW stored by an interruption; Hercules shows
    whatever its last interruption or LPSW left there. Old PSWs are compared
    in storage, exactly.
    """
    if psw[1] & 0x08:  # EC mode: every bit is architected
        return psw
    return psw[:2] + b"\0\0" + bytes([psw[4] & 0x3F]) + psw[5:]


def _hex(value: int | bytes) -> str:
    return value.hex().upper() if isinstance(value, bytes) else f"{value:08X}"


def _register_diffs(program: Program, expected: State, actual: State) -> list[str]:
    lines = []
    if "psw" not in program.ignore_registers:
        want, got = comparable_psw(expected.psw), comparable_psw(actual.psw)
        if want != got:
            lines.append(f"PSW    hercules {_hex(expected.psw)}  machine {_hex(actual.psw)}")
    for kind, want_list, got_list in (
        ("gpr", expected.gprs, actual.gprs),
        ("cr", expected.crs, actual.crs),
    ):
        for n in range(16):
            if f"{kind}{n}" not in program.ignore_registers and want_list[n] != got_list[n]:
                lines.append(
                    f"{kind.upper()}{n:<4d} hercules {_hex(want_list[n])}  "
                    f"machine {_hex(got_list[n])}"
                )
    for n in (0, 2, 4, 6):
        if f"fpr{n}" not in program.ignore_registers and expected.fprs[n] != actual.fprs[n]:
            lines.append(
                f"FPR{n:<3d} hercules {_hex(expected.fprs[n])}  machine {_hex(actual.fprs[n])}"
            )
    return lines


# Byte 4 of the external, machine-check and I/O old PSWs: in BC mode its ILC
# bits (32-33) are unpredictable (GA22-7000, "Instruction-Length Code");
# Hercules leaves the last instruction's ILC there.
_UNPREDICTABLE_ILC = (0x18 + 4, 0x30 + 4, 0x38 + 4)


# The translation-exception address at 0x90-0x93: its rightmost 11 (2K pages) or
# 12 (4K pages) bits are unpredictable (GA22-7000, "Assigned Storage Locations").
_TEA_LOW_BYTES = {0x92: (0xF8, 0xF0), 0x93: (0x00, 0x00)}


def _compared_bits(address: int, state: State) -> int:
    """The bits of storage byte ``address`` that the architecture defines."""
    if address in _UNPREDICTABLE_ILC and not state.storage.get(address - 3, 0) & 0x08:
        return 0x3F
    if address in _TEA_LOW_BYTES:
        two_k, four_k = _TEA_LOW_BYTES[address]
        return four_k if (state.crs[0] >> 22) & 3 == 2 else two_k
    return 0xFF


def _storage_diffs(program: Program, expected: State, actual: State) -> list[str]:
    bad_lines: dict[int, None] = {}
    for address in sorted(expected.storage):
        if program.ignored(address):
            continue
        mask = _compared_bits(address, expected)
        byte = actual.storage.get(address)
        if byte is None or (expected.storage[address] ^ byte) & mask:
            bad_lines[address & ~15] = None
    lines = []
    for line in list(bad_lines)[:16]:
        want = bytes(expected.storage.get(a, 0) for a in range(line, line + 16))
        got = bytes(actual.storage.get(a, 0) for a in range(line, line + 16))
        marks = "".join(
            "^^"
            if (want[i] ^ got[i]) & _compared_bits(line + i, expected)
            and not program.ignored(line + i)
            else "  "
            for i in range(16)
        )
        lines.append(f"{line:06X} hercules {want.hex(' ', 4).upper()}")
        lines.append(f"{'':6} machine  {got.hex(' ', 4).upper()}")
        lines.append(f"{'':16}{' '.join(marks[i : i + 8] for i in range(0, 32, 8))}")
    if len(bad_lines) > 16:
        lines.append(f"... and {len(bad_lines) - 16} more 16-byte lines differ")
    return lines


def _key_diffs(expected: State, actual: State) -> list[str]:
    lines = []
    for block in sorted(expected.keys):
        want = expected.keys[block] & KEY_AND_FETCH
        got = actual.keys.get(block, -1) & KEY_AND_FETCH
        if want != got:
            lines.append(f"key {block:06X}  hercules {want:02X}  machine {got:02X}")
    return lines


_NEW_PSW_SLOTS = {
    0x58: "external",
    0x60: "SVC",
    0x68: "program",
    0x70: "machine-check",
    0x78: "I/O",
}


def _interruption_hint(state: State) -> str:
    """Which unexpected interruption ended a run in a new-PSW wait, from its old PSW."""
    slot = int.from_bytes(state.psw[5:8], "big")
    old = slot - 0x40
    if slot not in _NEW_PSW_SLOTS or any(old + i not in state.storage for i in range(8)):
        return ""
    old_psw = state.read(old, 8)
    if old_psw[1] & 0x08:  # EC: the code is in low storage, not in the old PSW
        code = "see 0x84-0x8F"
    else:
        code = f"code {old_psw[2:4].hex().upper()}, ILC {old_psw[4] >> 6}"
    return (
        f"hint   machine ended in the {_NEW_PSW_SLOTS[slot]} new-PSW wait: old PSW "
        f"{old_psw.hex().upper()} ({code}, next instruction at {old_psw[5:8].hex().upper()})"
    )


def diff(program: Program, expected: State, actual: State) -> list[str]:
    """Readable lines for every compared difference; empty when the states agree."""
    lines = []
    if comparable_psw(expected.psw) != comparable_psw(actual.psw):
        hint = _interruption_hint(actual)
        if hint:
            lines.append(hint)
    if expected.waited != actual.waited:
        lines.append(
            f"end    hercules {'disabled wait' if expected.waited else expected.note}  "
            f"machine {'disabled wait' if actual.waited else actual.note}"
        )
    lines += _register_diffs(program, expected, actual)
    lines += _storage_diffs(program, expected, actual)
    lines += _key_diffs(expected, actual)
    return lines


def check_expectations(program: Program, state: State) -> list[str]:
    """Lines for every ``#@ expect`` the state does not meet."""
    return [line for item in program.expect if (line := _check(item, state))]


def _check(item: Expectation, state: State) -> str:
    if item.kind == "psw":
        got = comparable_psw(state.psw)
        want = comparable_psw(item.value)
    elif item.kind == "gpr":
        got, want = state.gprs[item.index].to_bytes(4, "big"), item.value
    elif item.kind == "cr":
        got, want = state.crs[item.index].to_bytes(4, "big"), item.value
    elif item.kind == "fpr":
        got, want = state.fprs[item.index], item.value
    else:
        want = item.value
        got = bytes(state.storage.get(a, 0) for a in range(item.index, item.index + len(want)))
    if got == want:
        return ""
    where = item.kind if item.kind == "psw" else f"{item.kind} {item.index:X}"
    return f"expected {where} = {_hex(want)}, got {_hex(got)}"
