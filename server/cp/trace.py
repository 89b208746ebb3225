"""TRACE: following a guest instruction by instruction (reference/cp-cms.md 5.34).

While a trace is set, the dispatcher runs the traced machine one
instruction per slice and hands CP the state before and after it; this
module turns that into VM/370's trace lines:

* ``*** vvvvvv SVC cc ==> tttttt`` and the same with ``PROG code``,
  ``EXT code`` and ``I/O dev`` for interruptions,
* ``::: vvvvvv mnem operands`` for privileged instructions,
* ``I/O vvvvvv SIO vadd CC n`` for I/O instructions (with the CSW when
  CSW is traced),
* ``vvvvvv mnem operands ==> tttttt`` for successful branches,
* ``vvvvvv mnem operands`` for every instruction (INSTRUCT).

With NORUN (the default on a terminal) the machine stops after each traced
event and BEGIN continues; RUN lets it go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from server.machine import Machine
from server.machine.disasm import disassemble
from server.machine.isa import instruction_length

KINDS = {
    "SVC": "SVC", "I/O": "IO", "IO": "IO", "PROGRAM": "PROGRAM", "PROG": "PROGRAM",
    "PRO": "PROGRAM", "EXTERNAL": "EXTERNAL", "EXT": "EXTERNAL", "PRIV": "PRIV",
    "SIO": "SIO", "CCW": "CCW", "BRANCH": "BRANCH", "BR": "BRANCH", "INSTRUCT": "INSTRUCT",
    "INST": "INSTRUCT", "CSW": "CSW",
}  # fmt: skip
ALL = frozenset({"SVC", "IO", "PROGRAM", "EXTERNAL", "PRIV", "SIO", "BRANCH", "INSTRUCT"})
BRANCHES = frozenset({"BAL", "BALR", "BC", "BCR", "BCT", "BCTR", "BXH", "BXLE"})
IO_OPS = frozenset({"SIO", "SIOF", "TIO", "HIO", "HDV", "TCH", "CLRIO"})
OLD_PSWS = {0x18: "EXT", 0x28: "PROG", 0x38: "I/O"}
# Privileged S/370 instructions by mnemonic (the I/O ones are traced as SIO).
PRIVILEGED = frozenset(
    {"LPSW", "SSM", "SSK", "ISK", "SCK", "STCKC", "SCKC", "SPT", "STPT", "LCTL", "STCTL",
     "PTLB", "RRB", "LRA", "SIGP", "STNSM", "STOSM", "SPKA", "STIDP", "STIDC", "DIAG"}
)  # fmt: skip


@dataclass
class TraceSettings:
    kinds: set[str] = field(default_factory=set)
    terminal: bool = True
    printer: bool = False
    run: bool = False

    @property
    def active(self) -> bool:
        return bool(self.kinds)


@dataclass
class Before:
    """The machine just before one traced instruction."""

    address: int
    instruction: bytes
    old_psws: dict[int, bytes]


def snapshot(machine: Machine) -> Before:
    address = int.from_bytes(machine.psw()[5:8], "big")
    size = machine.storage.size
    data = machine.read(address, 6) if address + 6 <= size else b""
    length = instruction_length(data[0]) if data else 2
    old = {slot: machine.read(slot, 8) for slot in OLD_PSWS}
    return Before(address, data[:length], old)


def mnemonic(text: str) -> str:
    return text.split()[0] if text else ""


def trace_lines(settings: TraceSettings, before: Before, machine: Machine) -> list[str]:
    """The trace lines for one instruction (none when nothing traced happened)."""
    kinds = settings.kinds
    lines: list[str] = []
    after = int.from_bytes(machine.psw()[5:8], "big")
    text = disassemble(before.instruction, before.address) if before.instruction else ""
    name = mnemonic(text)
    hexed = before.instruction.hex().upper()
    for slot, label in OLD_PSWS.items():
        if machine.read(slot, 8) != before.old_psws[slot] and _wanted(label, kinds):
            code = int.from_bytes(machine.read(slot + 2, 2), "big")
            lines.append(f"*** {before.address:06X} {label} {code:04X} ==> {after:06X}")
    if name == "SVC" and "SVC" in kinds:
        lines.append(f"*** {before.address:06X} SVC {before.instruction[1]:02X} ==> {after:06X}")
    elif name in IO_OPS and kinds & {"SIO", "IO"}:
        cc = machine.cpu.cc
        line = f"I/O {before.address:06X} {name} {hexed} CC {cc}"
        if "CSW" in kinds:
            line += f" CSW {machine.read(0x40, 8).hex().upper()}"
        lines.append(line)
    elif name in PRIVILEGED and "PRIV" in kinds:
        lines.append(f"::: {before.address:06X} {text}")
    elif name in BRANCHES and "BRANCH" in kinds:
        if after != (before.address + len(before.instruction)) & 0xFFFFFF:
            lines.append(f"{before.address:06X} {text} ==> {after:06X}")
    if "INSTRUCT" in kinds and not lines:
        lines.append(f"{before.address:06X} {text}")
    return lines


def _wanted(label: str, kinds: set[str]) -> bool:
    return {"EXT": "EXTERNAL", "PROG": "PROGRAM", "I/O": "IO"}[label] in kinds
