"""Basic blocks compiled to Python functions, for speed (see reference/s370.md §7).

Models nothing new: it executes Principles of Operation (GA22-7000) chapter 5
"Program Execution" faster.  A block is a run of instructions that declare a
source ``template`` (see ``isa.py``), starting at a real address and ending
at the first instruction without a template, at the end of the 4K page, or
after ``MAX_INSTRUCTIONS``; it goes on past a conditional branch (leaving
when it is taken) and follows an unconditional one (B, BR, BAL, BALR) to
the target its registers give at the start of the block (leaving when the
target differs), unless the target is already in the block.  Its function
runs the templates in sequence with the registers list, storage and keys in
locals; a block whose branch goes back to its own start becomes a ``while``
loop bounded by the budget (a fused self-loop).  A block is compiled once its
start has been reached ``cpu.hot_threshold`` times (compiling costs as much
as interpreting some thousand instructions);
until then its instructions are interpreted one at a time.
Blocks are used only in real mode without low-address protection or
read-only storage (``cpu.fast``), where the templates' inline storage fast
paths are exact (with a nonzero PSW key they check protection through
``{F:..}``/``{S:..}``); anything else goes through the interpreter.

Template language: Python statements (4-space indentation) with
``{r1} {r2} {r3} {x2} {b2} {d2} {b1} {d1} {i} {i2} {l} {l1} {l2}`` (as the
interpreter function receives them), ``{ea1}``/``{ea2}`` (the 24-bit
effective-address expression), ``{next}`` (the next instruction's address),
``{F:a,3}`` and ``{S:a,3}`` (conditions to append to a fast path's test:
fetch and store protection of bytes a .. a+3; empty with PSW key 0),
``{call}`` (a call of the instruction's interpreter function: the slow path),
and three directives on a line of their own: ``@branch EXPR`` (go to EXPR:
the block is left unless EXPR is where it goes on; top-level, an
unconditional branch), ``@exit`` (leave after
this instruction, when it may have stored into code) and ``@call R...``
(run the interpreter function inside the block and go on with the next
instruction, unless it dropped cached code; ``R...`` are the general
registers it may change, which are read back afterwards with the condition
code: the decimal and floating-point instructions, whose work is in their
shared semantic functions).  Locals available:
``cpu r fpr mem keys lines size lim2 lim4 lim8 U16 U32 U64 P16 P32 P64``,
``ProgramCheck`` and the modules ``decimal`` and ``hfp``; scratch names must
not be ``n done nia budget cc wb error dropped`` or ``g`` followed by digits.
Registers are written as ``r[{r1}]`` (always a constant index) and the
condition code as ``cpu.cc``: the compiler keeps
both in locals and writes them back when the block is left.  Operand
addresses go in the scratch names ``a`` and ``b`` (a constant address is
written into the later lines and folded), and reference/change-bit marks
``keys[...] |= ...`` stand at the template's first indentation level, in a
fast path whose alternative leaves the block: a repeated mark of a constant
2K block is dropped on that assumption.  A template
must behave exactly as its function; ``tests/machine/test_blocks.py`` runs
programs both ways and compares.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from server.machine import decimal, hfp, interrupts, isa
from server.machine.isa import (
    ProgramCheck,
    ProgramCheckIlc,
    SliceBreak,
    SupervisorCall,
    SyncPoint,
)
from server.machine.storage import U16, U32, U64

if TYPE_CHECKING:
    from server.machine.cpu import CPU

MAX_INSTRUCTIONS = 24
MAX_CACHED_SOURCES = 20_000  # compiled functions shared by all CPUs, by source text
BlockFunction = Callable[[Any, int], int]
Info = list[tuple[int, int]]  # (address, length) of each instruction in the block
# A block: its function, its instructions, and per source line the instruction index.
Block = tuple[BlockFunction, Info, list[int]]

_CODE_CACHE: dict[str, BlockFunction] = {}
_NAMESPACE: dict[str, Any] = {
    "U16": U16.unpack_from, "U32": U32.unpack_from, "U64": U64.unpack_from,
    "P16": U16.pack_into, "P32": U32.pack_into, "P64": U64.pack_into,
    "ProgramCheck": ProgramCheck, "decimal": decimal, "hfp": hfp,
}


def _address_expression(index: int, base: int, displacement: int) -> str:
    terms = [f"r[{register}]" for register in (index, base) if register != 16]
    if not terms:
        return str(displacement)
    return f"({' + '.join(terms)} + {displacement}) & 0xFFFFFF"


class _AccessCheck:
    """``{F:a,3}`` / ``{S:a,3}`` in a template: key-controlled protection of the
    bytes a .. a+3, checked through the CPU's per-2K-block permission tables
    (nothing to check with PSW key 0)."""

    def __init__(self, table: str | None) -> None:
        self.table = table

    def __format__(self, spec: str) -> str:
        if self.table is None:
            return ""
        address, extra = spec.split(",")
        first = f" and {self.table}[{address} >> 11]"
        return first if extra == "0" else f"{first} and {self.table}[{address} + {extra} >> 11]"


_UNCHECKED = {"F": _AccessCheck(None), "S": _AccessCheck(None)}
_CHECKED = {"F": _AccessCheck("fok"), "S": _AccessCheck("sok")}


def _fields(definition: isa.Instruction, data: bytes, address: int,
            checked: bool) -> dict[str, Any]:
    values = isa.operands(definition.format.name, data)
    arguments = ", ".join(str(value) for value in values)
    names = {
        "RR": ("r1", "r2"), "I": ("i",), "RX": ("r1", "x2", "b2", "d2"),
        "RS": ("r1", "r3", "b2", "d2"), "RS2": ("r1", "r3", "b2", "d2"),
        "SI": ("i2", "b1", "d1"), "S": ("b2", "d2"), "SS1": ("l", "b1", "d1", "b2", "d2"),
        "SS2": ("l1", "l2", "b1", "d1", "b2", "d2"),
    }[definition.format.name]
    fields: dict[str, Any] = dict(zip(names, values, strict=True))
    fields.update(_CHECKED if checked else _UNCHECKED)
    fields["next"] = address + len(data)
    if "r3" in fields:
        fields["r3odd"] = fields["r3"] | 1
    fields["call"] = f"F_{definition.mnemonic}(cpu, {arguments})"
    if "b2" in fields:
        fields["ea2"] = _address_expression(fields.get("x2", 16), fields["b2"], fields["d2"])
    if "b1" in fields:
        fields["ea1"] = _address_expression(16, fields["b1"], fields["d1"])
    return fields


_REGISTER = re.compile(r"\br\[(\d+)\]")
_CC = re.compile(r"\bcpu\.cc\b")
_WRITE_BACK = "#write-back"
_RELOAD = "#reload"


_SCRATCH_ASSIGNMENT = re.compile(r"(\s*)([ab]) = (.*)")
_SCRATCH_USE = re.compile(r"\b[ab]\b")
_OTHER_ASSIGNMENT = re.compile(r"\s*([\w\[\], .]+?)\s*(?:[-+*/%&|^]|<<|>>|//)?=(?!=)")
_CONSTANT_KEY = re.compile(r"keys\[(\d+)(?: \+ (\d+))? >> 11\]")
_SAME_MARK_TWICE = re.compile(r"(keys\[\d+\] \|= \d); \1$")
_CONSTANT_LINE = re.compile(r"lines\[(\d+)(?: \+ (\d+))? >> 8\]")
_SAME_TEST_TWICE = re.compile(r"(not lines\[\d+\]) and \1")
_MARKS = re.compile(r"keys\[(\d+)\] \|= (\d)")
_FAST_PATH = " " * 16  # a template's first indentation level in the block body


def _constant_key(match: re.Match[str]) -> str:
    return f"keys[{int(match[1]) + int(match[2] or 0) >> 11}]"


def _constant_line(match: re.Match[str]) -> str:
    return f"lines[{int(match[1]) + int(match[2] or 0) >> 8}]"


def _fold_constants(line: str) -> str:
    """Storage-key and code-line indexes of constant addresses computed, and the
    second of two equal marks or tests dropped."""
    line = _CONSTANT_KEY.sub(_constant_key, line)
    line = _CONSTANT_LINE.sub(_constant_line, line)
    return _SAME_TEST_TWICE.sub(r"\1", _SAME_MARK_TWICE.sub(r"\1", line))


def _drop_repeated_marks(body: list[str]) -> list[str]:
    """Reference and change bits of a constant 2K block that an earlier fast path
    of the block has already marked are not marked again.  Exact because every
    template marks at its first indentation level, in a fast path whose
    alternative leaves the block, and nothing in a block resets the bits."""
    marked: dict[int, int] = {}
    kept_lines = []
    for line in body:
        text = line[len(_FAST_PATH):]
        if line.startswith(_FAST_PATH) and not text.startswith(" ") and all(
                _MARKS.fullmatch(mark) for mark in text.split("; ")):
            kept = []
            for mark in text.split("; "):
                found = _MARKS.fullmatch(mark)
                assert found is not None
                block, bits = int(found[1]), int(found[2])
                if bits & ~marked.get(block, 0):
                    kept.append(mark)
                    marked[block] = marked.get(block, 0) | bits
            line = _FAST_PATH + ("; ".join(kept) or "pass")
        kept_lines.append(line)
    return kept_lines


def _fold_addresses(lines: list[str]) -> list[str]:
    """Write an operand address that is a constant (no base or index register) into
    the lines after ``a = 2084``, so that Python folds ``keys[a >> 11]``,
    ``a + 7 < size`` and the like to constants.  Only a top-level assignment is
    a known value; any other assignment of the name forgets it."""
    known: dict[str, str] = {}

    def substitute(text: str) -> str:
        return _SCRATCH_USE.sub(lambda m: known.get(m.group(0), m.group(0)), text)

    folded = []
    for line in lines:
        assignment = _SCRATCH_ASSIGNMENT.fullmatch(line)
        if assignment is None:
            other = _OTHER_ASSIGNMENT.match(line)
            for name in _SCRATCH_USE.findall(other[1]) if other else ():
                known.pop(name, None)  # a += 1, a, b = ...: no longer known
            folded.append(_fold_constants(substitute(line)) if known else line)
            continue
        indent, name, value = assignment.groups()
        value = substitute(value)
        known.pop(name, None)
        if not indent and value.isdigit():
            known[name] = value
        folded.append(f"{indent}{name} = {value}")
    return folded


def _expand(template: str, fields: dict[str, Any], index: int, count: int,
            start: int) -> list[str]:
    """The template's lines for instruction ``index``, indented for the block body."""
    lines = []
    last = index == count - 1
    for line in _fold_addresses(template.format(**fields).splitlines()):
        if not line.strip():
            continue
        indent = line[: len(line) - len(line.lstrip())]
        text = line.strip()
        pad = " " * 12 + indent
        if text.startswith("@branch "):
            lines.append(f"{pad}nia = {text[8:]}")
            lines.append(f"{pad}if nia == {start} and n + {index + 1 + count} <= budget:")
            lines.append(f"{pad}    n += {index + 1}")
            lines.append(f"{pad}    continue")
            if not last:  # not taken, or an unconditional branch the block follows
                lines.append(f"{pad}if nia != {fields.get('follow', fields['next'])}:")
                pad += "    "
            lines.append(f"{pad}done = {index + 1}")
            lines.append(f"{pad}break")
        elif text == "@exit":
            lines.append(f"{pad}nia = {fields['next']}")
            lines.append(f"{pad}done = {index + 1}")
            lines.append(f"{pad}break")
        elif text == "@call" or text.startswith("@call "):
            lines.append(pad + _WRITE_BACK)
            lines.append(f"{pad}dropped = cpu.code_drops")
            lines.append(pad + fields["call"])
            lines.append(f"{pad}{_RELOAD} {text[6:]}")
            lines.append(f"{pad}if cpu.code_drops != dropped:")  # it stored into code
            lines.append(f"{pad}    nia = {fields['next']}")
            lines.append(f"{pad}    done = {index + 1}")
            lines.append(f"{pad}    break")
        else:
            if "F_" in text:  # the interpreter works on cpu.r and cpu.cc
                lines.append(pad + _WRITE_BACK)
            lines.append(pad + text)
    return lines


def _source(parts: list[tuple[str, dict[str, Any]]], start: int) -> tuple[str, list[int]]:
    """Source of the block function and, per source line, the instruction index."""
    count = len(parts)
    body: list[str] = []
    owners: list[int] = []
    for index, (template, fields) in enumerate(parts):
        expanded = _expand(template, fields, index, count, start)
        body.extend(expanded)
        owners.extend([index] * len(expanded))
    registers = sorted({int(m) for line in body for m in _REGISTER.findall(line)})
    load = "; ".join([f"g{n} = r[{n}]" for n in registers] + ["cc = cpu.cc", "wb = True"])
    store = "; ".join([f"r[{n}] = g{n}" for n in registers] + ["cpu.cc = cc"])
    final: list[str] = []
    for line in _drop_repeated_marks(body):
        if line.strip() == _WRITE_BACK:
            line = line.replace(_WRITE_BACK, store + "; wb = False")
        elif line.strip().startswith(_RELOAD):
            changed = [int(n) for n in line.strip()[len(_RELOAD):].split()]
            reload = [f"g{n} = r[{n}]" for n in changed if n in registers]
            line = line[: line.index(_RELOAD)] + "; ".join(reload + ["cc = cpu.cc", "wb = True"])
        else:
            line = _CC.sub("cc", _REGISTER.sub(r"g\1", line))
        final.append(line)
    head = ["def _block(cpu, budget):",
            "    r = cpu.r; mem = cpu.mem; keys = cpu.skeys; lines = cpu.code_lines",
            "    fok = cpu.fetch_ok; sok = cpu.store_ok; fpr = cpu.fpr",
            "    size = cpu.size; lim2 = size - 2; lim4 = size - 4; lim8 = size - 8",
            "    " + load, "    n = 0", "    try:", "        while True:"]
    tail = [f"            nia = {parts[-1][1]['next']}", f"            done = {count}",
            "            break",
            "    except BaseException as error:",
            "        if wb:", "            " + store,
            "        cpu.block_done = n",
            "        cpu.block_line = error.__traceback__.tb_lineno",
            "        raise",
            "    if wb:", "        " + store,
            "    cpu.ia = nia", "    return n + done"]
    line_owner = [0] * (len(head) + 1) + owners + [count - 1] * (len(tail) + 1)
    return "\n".join(head + final + tail) + "\n", line_owner


def _compile(source: str, functions: dict[str, Any]) -> BlockFunction:
    function = _CODE_CACHE.get(source)
    if function is None:
        if len(_CODE_CACHE) >= MAX_CACHED_SOURCES:
            _CODE_CACHE.clear()
        namespace = dict(_NAMESPACE)
        namespace.update(functions)
        exec(compile(source, "<s370 block>", "exec"), namespace)  # noqa: S102
        function = namespace["_block"]
        _CODE_CACHE[source] = function
    return function


def _single(call: Callable[[], None], length: int) -> BlockFunction:
    """One interpreted instruction dressed as a block."""
    def run(cpu: CPU, budget: int) -> int:
        cpu.ia += length
        try:
            call()
        except BaseException:
            cpu.block_done = 0
            cpu.block_line = 0
            raise
        return 1
    return run


def _cold(cpu: CPU, address: int) -> Block:
    """One interpreted instruction as a block that is not remembered."""
    entry = cpu.icache.get(address) or cpu.decode(address)
    return (_single(entry[0], entry[1]), [(address, entry[1])], [0])


def _ends_block(template: str) -> bool:
    """An unconditional branch (a top-level ``@branch``) ends a block."""
    return any(line.startswith("@branch") for line in template.splitlines())


def _predicted_target(cpu: CPU, fields: dict[str, Any]) -> int:
    """Where an unconditional branch goes with the registers as they are at the
    block's start; the block goes on there, checking each time that it does."""
    r = cpu.r
    if "d2" in fields:
        x2: int = fields.get("x2", 16)
        b2: int = fields["b2"]
        d2: int = fields["d2"]
        return (r[x2] + r[b2] + d2) & 0xFFFFFF
    r2: int = fields["r2"]
    return r[r2] & 0xFFFFFF


def build(cpu: CPU, start: int) -> Block:
    """Compile (or wrap) the block at real address ``start`` and remember it.

    With a nonzero PSW key the block checks protection and goes into
    ``cpu.checked_blocks``; with key 0 into ``cpu.blocks``.
    """
    checked = bool(cpu.key)
    parts: list[tuple[str, dict[str, Any]]] = []
    functions: dict[str, Any] = {}
    info: Info = []
    address = start
    while len(parts) < MAX_INSTRUCTIONS:
        if parts:
            try:
                data, _, cacheable = cpu._fetch_instruction(address)
            except ProgramCheck:
                break
        else:
            data, _, cacheable = cpu._fetch_instruction(address)
        definition = isa.lookup(data[0], data[1])
        if not cacheable or definition is None or definition.template is None:
            break
        cpu.decode(address)  # caches it and marks its bytes as code
        fields = _fields(definition, data, address, checked)
        template = definition.template
        if not isinstance(template, str):
            template = template(fields)
        functions[f"F_{definition.mnemonic}"] = definition.function
        parts.append((template, fields))
        info.append((address, len(data)))
        address += len(data)
        if _ends_block(template):
            address = fields["follow"] = _predicted_target(cpu, fields)
            if address == start or address & 1 or any(address == a for a, _ in info):
                break
        if (address ^ start) >> 12:
            break
    if parts:
        source, line_owner = _source(parts, start)
        block: Block = (_compile(source, functions), info, line_owner)
    else:
        entry = cpu.decode(start)
        block = (_single(entry[0], entry[1]), [(start, entry[1])], [0])
    (cpu.checked_blocks if checked else cpu.blocks)[start] = block
    for instruction_address, _ in block[1]:
        cpu.block_owner.setdefault(instruction_address, set()).add(start)
    return block


def execute(cpu: CPU, budget: int) -> int:
    """The block-mode twin of ``CPU.execute``: run blocks until the budget is spent."""
    total = 0
    count = 0
    ia = cpu.ia
    block: Block | None = None
    if cpu.key:
        if cpu.permissions_key != cpu.key:
            cpu.refresh_permissions()
        blocks_get = cpu.checked_blocks.get
    else:
        blocks_get = cpu.blocks.get
    cpu.block_tail = False
    heats = cpu.block_heat
    threshold = cpu.hot_threshold
    while True:
        try:
            while count < budget:
                ia = cpu.ia
                block = blocks_get(ia)
                if block is None:
                    heat = heats.get(ia, 0)
                    if heat < threshold:  # cold code: interpret, compile only when hot
                        heats[ia] = heat + 1
                        block = _cold(cpu, ia)
                    else:
                        block = build(cpu, ia)
                if len(block[1]) > budget - count:
                    cpu.block_tail = True  # the interpreter finishes the budget exactly
                    break
                count += block[0](cpu, budget - count)
            break
        except ProgramCheckIlc as check:  # from fetching the block's first instruction
            count += 1
            cpu.ia = ia if check.nullify else (ia + check.advance) & 0xFFFFFF
            interrupts.program(cpu, check.code, check.ilc)
            break
        except (ProgramCheck, SupervisorCall, SliceBreak, SyncPoint) as event:
            assert block is not None
            line_owner = block[2]
            index = line_owner[min(cpu.block_line, len(line_owner) - 1)]
            address, length = block[1][index]
            count += cpu.block_done + index
            cpu.last_ilc = length >> 1
            if isinstance(event, SyncPoint):
                cpu.ia = address
                cpu.instructions_executed += count
                total += count
                budget -= count
                count = 0
                cpu.sync_armed = True
                continue
            count += 1
            if isinstance(event, ProgramCheck):
                cpu.ia = address if event.nullify else address + length
                interrupts.program(cpu, event.code, length >> 1)
            elif isinstance(event, SupervisorCall):
                cpu.ia = address + length
                interrupts.supervisor_call(cpu, event.code, length >> 1)
            break
    cpu.instructions_executed += count
    if block is not None:
        cpu.last_ilc = block[1][-1][1] >> 1
    return total + count
