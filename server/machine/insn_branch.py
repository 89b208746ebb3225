"""Branching, EXECUTE and SUPERVISOR CALL.

Models Principles of Operation (GA22-7000) chapter 7, "General Instructions":
BC/BCR, BAL/BALR (link information: ILC, condition code, program mask and
the 24-bit return address in the link register), BCT/BCTR, BXH/BXLE, EX
(the target's bits 8-15 ORed with R1 bits 24-31; EX of EX is an execute
exception) and SVC.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from server.machine.isa import (
    EXECUTE,
    SPECIFICATION,
    Format,
    ProgramCheck,
    SliceBreak,
    SupervisorCall,
    instruction,
    instruction_length,
)

if TYPE_CHECKING:
    from server.machine.cpu import CPU

M32 = 0xFFFFFFFF


def _taken(mask: int) -> str:
    """The condition ``mask & (8 >> cc)`` as the cheapest comparison of the CC."""
    values = [cc for cc in range(4) if mask & (8 >> cc)]
    others = [cc for cc in range(4) if cc not in values]
    if len(values) == 1:
        return f"cpu.cc == {values[0]}"
    if len(others) == 1:
        return f"cpu.cc != {others[0]}"
    if values == [0, 1]:
        return "cpu.cc < 2"
    if values == [2, 3]:
        return "cpu.cc > 1"
    return f"{mask} & (8 >> cpu.cc)"


def _bc_template(fields: dict[str, Any]) -> str:
    mask = fields["r1"]
    if mask == 0:
        return "pass"
    if mask == 15:
        return "@branch {ea2}"
    return f"if {_taken(mask)}:\n    @branch {{ea2}}"


def _bcr_template(fields: dict[str, Any]) -> str:
    mask, register = fields["r1"], fields["r2"]
    if mask == 0 or register == 0:
        return "pass"
    if mask == 15:
        return "@branch r[{r2}] & 0xFFFFFF"
    return f"if {_taken(mask)}:\n    @branch r[{{r2}}] & 0xFFFFFF"


def _balr_template(fields: dict[str, Any]) -> str:
    link = "r[{r1}] = 0x40000000 | cpu.cc << 28 | cpu.pm << 24 | {next}"
    if fields["r2"] == 0:
        return link
    return "t = r[{r2}] & 0xFFFFFF\n" + link + "\n@branch t"


def _bctr_template(fields: dict[str, Any]) -> str:
    body = "t = r[{r2}] & 0xFFFFFF\nv = (r[{r1}] - 1) & 0xFFFFFFFF\nr[{r1}] = v\n"
    return body + ("if v:\n    @branch t" if fields["r2"] else "")


BCT_TEMPLATE = """t = {ea2}
v = (r[{r1}] - 1) & 0xFFFFFFFF
r[{r1}] = v
if v:
    @branch t
"""
BAL_TEMPLATE = """t = {ea2}
r[{r1}] = 0x80000000 | cpu.cc << 28 | cpu.pm << 24 | {next}
@branch t
"""


def _index_template(compare: str) -> str:
    return f"""t = {{ea2}}
v = r[{{r1}}] + r[{{r3}}] & 0xFFFFFFFF
w = r[{{r3odd}}]
r[{{r1}}] = v
if (v ^ 0x80000000) {compare} (w ^ 0x80000000):
    @branch t
"""


def _link(cpu: CPU, ilc: int) -> int:
    if cpu.executing:
        ilc = 2
    return ilc << 30 | cpu.cc << 28 | cpu.pm << 24 | cpu.ia & 0xFFFFFF


@instruction(0x07, "BCR", Format.RR, template=_bcr_template)
def branch_on_condition_register(cpu: CPU, r1: int, r2: int) -> None:
    "07 BCR - Branch on Condition Register [RR]"
    if r1 & (8 >> cpu.cc) and r2:
        cpu.ia = cpu.r[r2] & 0xFFFFFF


@instruction(0x47, "BC", Format.RX, template=_bc_template)
def branch_on_condition(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "47 BC - Branch on Condition [RX]"
    if r1 & (8 >> cpu.cc):
        r = cpu.r
        cpu.ia = (r[x2] + r[b2] + d2) & 0xFFFFFF


@instruction(0x05, "BALR", Format.RR, template=_balr_template)
def branch_and_link_register(cpu: CPU, r1: int, r2: int) -> None:
    "05 BALR - Branch and Link Register [RR]"
    target = cpu.r[r2] & 0xFFFFFF
    cpu.r[r1] = _link(cpu, 1)
    if r2:
        cpu.ia = target


@instruction(0x45, "BAL", Format.RX, template=BAL_TEMPLATE)
def branch_and_link(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "45 BAL - Branch and Link [RX]"
    r = cpu.r
    target = (r[x2] + r[b2] + d2) & 0xFFFFFF
    r[r1] = _link(cpu, 2)
    cpu.ia = target


@instruction(0x06, "BCTR", Format.RR, template=_bctr_template)
def branch_on_count_register(cpu: CPU, r1: int, r2: int) -> None:
    "06 BCTR - Branch on Count Register [RR]"
    r = cpu.r
    target = r[r2] & 0xFFFFFF
    value = (r[r1] - 1) & M32
    r[r1] = value
    if value and r2:
        cpu.ia = target


@instruction(0x46, "BCT", Format.RX, template=BCT_TEMPLATE)
def branch_on_count(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "46 BCT - Branch on Count [RX]"
    r = cpu.r
    target = (r[x2] + r[b2] + d2) & 0xFFFFFF
    value = (r[r1] - 1) & M32
    r[r1] = value
    if value:
        cpu.ia = target


def _index_step(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> int:
    """Add the increment (R3) to R1; return the signed comparison sum - compare."""
    r = cpu.r
    increment = r[r3]
    comparand = r[r3 | 1]
    total = (r[r1] + increment) & M32
    r[r1] = total
    signed_total = total - (1 << 32) if total >> 31 else total
    signed_comparand = comparand - (1 << 32) if comparand >> 31 else comparand
    return signed_total - signed_comparand


@instruction(0x86, "BXH", Format.RS, template=_index_template(">"))
def branch_on_index_high(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    "86 BXH - Branch on Index High [RS]"
    target = (cpu.r[b2] + d2) & 0xFFFFFF
    if _index_step(cpu, r1, r3, b2, d2) > 0:
        cpu.ia = target


@instruction(0x87, "BXLE", Format.RS, template=_index_template("<="))
def branch_on_index_low_or_equal(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    "87 BXLE - Branch on Index Low or Equal [RS]"
    target = (cpu.r[b2] + d2) & 0xFFFFFF
    if _index_step(cpu, r1, r3, b2, d2) <= 0:
        cpu.ia = target


@instruction(0x44, "EX", Format.RX)
def execute(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "44 EX - Execute [RX]"
    r = cpu.r
    address = (r[x2] + r[b2] + d2) & 0xFFFFFF
    if address & 1:
        raise ProgramCheck(SPECIFICATION)
    first = cpu.fetch(address, 2)
    target = bytearray(cpu.fetch(address, instruction_length(first[0])))
    if target[0] == 0x44:
        raise ProgramCheck(EXECUTE)
    if r1:
        target[1] |= r[r1] & 0xFF
    call = cpu.make_entry(bytes(target))[0]
    cpu.executing = True
    try:
        call()
    finally:
        cpu.executing = False


@instruction(0x0A, "SVC", Format.I)
def supervisor_call(cpu: CPU, i: int) -> None:
    "0A SVC - Supervisor Call [I]"
    hook = cpu.svc_hook
    if hook is not None and hook(i):
        if cpu.stop_request is not None:
            raise SliceBreak()
        return
    raise SupervisorCall(i)
