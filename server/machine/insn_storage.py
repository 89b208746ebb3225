"""Storage-to-storage and storage-immediate general instructions.

Models Principles of Operation (GA22-7000) chapter 7, "General Instructions":
MVC, MVN, MVZ, NC, OC, XC, CLC, TR, TRT (SS, one length), MVI, CLI, NI, OI,
XI, TM (SI), MVCL and CLCL (interruptible long operands), CS and CDS, and
TS.  Operands are processed left to right one byte at a time, so an
overlapping destination one byte to the right of the source propagates the
first byte (MVC's classic storage clear); whole operands are checked for
access first, so an exception leaves storage unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from server.machine.isa import SPECIFICATION, Format, ProgramCheck, instruction

if TYPE_CHECKING:
    from server.machine.cpu import CPU

M24 = 0xFFFFFF

MVC_TEMPLATE = """a = {ea1}
b = {ea2}
if a + {l} < size and b + {l} < size{F:b,{l}}{S:a,{l}} and not 0 < a - b <= {l} \\
        and not lines[a >> 8] and not lines[a + {l} >> 8]:
    keys[b >> 11] |= 4; keys[b + {l} >> 11] |= 4
    keys[a >> 11] |= 6; keys[a + {l} >> 11] |= 6
    mem[a:a + {l} + 1] = mem[b:b + {l} + 1]
else:
    {call}
    @exit
"""
CLC_TEMPLATE = """a = {ea1}
b = {ea2}
if a + {l} < size and b + {l} < size{F:a,{l}}{F:b,{l}}:
    keys[b >> 11] |= 4; keys[b + {l} >> 11] |= 4
    keys[a >> 11] |= 4; keys[a + {l} >> 11] |= 4
    x = mem[a:a + {l} + 1]
    y = mem[b:b + {l} + 1]
    cpu.cc = 0 if x == y else 1 if x < y else 2
else:
    {call}
    @exit
"""
MVI_TEMPLATE = """a = {ea1}
if a < size{S:a,0} and not lines[a >> 8]:
    keys[a >> 11] |= 6
    mem[a] = {i2}
else:
    {call}
    @exit
"""
CLI_TEMPLATE = """a = {ea1}
if a < size{F:a,0}:
    keys[a >> 11] |= 4
    x = mem[a]
    cpu.cc = 0 if x == {i2} else 1 if x < {i2} else 2
else:
    {call}
    @exit
"""


def _si_update_template(operator: str) -> str:
    return f"""a = {{ea1}}
if a < size{{S:a,0}} and not lines[a >> 8]:
    keys[a >> 11] |= 6
    x = mem[a] {operator} {{i2}}
    mem[a] = x
    cpu.cc = 1 if x else 0
else:
    {{call}}
    @exit
"""


TM_TEMPLATE = """a = {ea1}
if a < size{F:a,0}:
    keys[a >> 11] |= 4
    x = mem[a] & {i2}
    cpu.cc = 0 if not x else 3 if x == {i2} else 1
else:
    {call}
    @exit
"""


def _overlapping(destination: int, source: int, length: int) -> bool:
    """True when a left-to-right byte copy would read bytes it already stored."""
    return 0 < (destination - source) & M24 < length


def _propagate(source_bytes: bytes, distance: int, length: int) -> bytes:
    """The result of a byte-by-byte forward copy ``distance`` bytes to the right."""
    pattern = source_bytes[:distance]
    return (pattern * (length // distance + 1))[:length]


@instruction(0xD2, "MVC", Format.SS1, template=MVC_TEMPLATE)
def move_characters(cpu: CPU, l: int, b1: int, d1: int, b2: int, d2: int) -> None:
    "D2 MVC - Move Characters [SS]"
    r = cpu.r
    destination = (r[b1] + d1) & M24
    source = (r[b2] + d2) & M24
    length = l + 1
    data = cpu.fetch(source, length)
    if _overlapping(destination, source, length):
        cpu.check(destination, length, True)
        data = _propagate(data, (destination - source) & M24, length)
    cpu.store(destination, data)


def _byte_loop(cpu: CPU, l: int, b1: int, d1: int, b2: int, d2: int,
               combine: str) -> bytes:
    """Combine operand 2 into operand 1 byte by byte; returns the stored result."""
    r = cpu.r
    destination = (r[b1] + d1) & M24
    source = (r[b2] + d2) & M24
    length = l + 1
    first = cpu.fetch(destination, length)
    second = cpu.fetch(source, length)
    cpu.check(destination, length, True)
    if _overlapping(destination, source, length) or _overlapping(source, destination, length):
        result = _combine_overlapping(first, second, destination, source, combine)
    else:
        result = _combine(first, second, combine)
    cpu.store(destination, result)
    return result


def _combine(first: bytes, second: bytes, combine: str) -> bytes:
    width = len(first)
    a = int.from_bytes(first, "big")
    b = int.from_bytes(second, "big")
    if combine == "and":
        value = a & b
    elif combine == "or":
        value = a | b
    elif combine == "xor":
        value = a ^ b
    elif combine == "numerics":
        mask = int.from_bytes(b"\x0f" * width, "big")
        value = a & ~mask | b & mask
    else:  # zones
        mask = int.from_bytes(b"\xf0" * width, "big")
        value = a & ~mask | b & mask
    return value.to_bytes(width, "big")


def _combine_overlapping(first: bytes, second: bytes, destination: int, source: int,
                         combine: str) -> bytes:
    """Byte-at-a-time semantics when the operands overlap."""
    length = len(first)
    # A virtual view of storage covering both operands.
    base = min(destination, source)
    window = bytearray(max(destination, source) + length - base)
    window[source - base : source - base + length] = second
    window[destination - base : destination - base + length] = first
    for i in range(length):
        a = window[destination - base + i]
        b = window[source - base + i]
        window[destination - base + i] = _combine(bytes((a,)), bytes((b,)), combine)[0]
    return bytes(window[destination - base : destination - base + length])


@instruction(0xD1, "MVN", Format.SS1)
def move_numerics(cpu: CPU, l: int, b1: int, d1: int, b2: int, d2: int) -> None:
    "D1 MVN - Move Numerics [SS]"
    _byte_loop(cpu, l, b1, d1, b2, d2, "numerics")


@instruction(0xD3, "MVZ", Format.SS1)
def move_zones(cpu: CPU, l: int, b1: int, d1: int, b2: int, d2: int) -> None:
    "D3 MVZ - Move Zones [SS]"
    _byte_loop(cpu, l, b1, d1, b2, d2, "zones")


@instruction(0xD4, "NC", Format.SS1)
def and_characters(cpu: CPU, l: int, b1: int, d1: int, b2: int, d2: int) -> None:
    "D4 NC - And Characters [SS]"
    cpu.cc = 1 if any(_byte_loop(cpu, l, b1, d1, b2, d2, "and")) else 0


@instruction(0xD6, "OC", Format.SS1)
def or_characters(cpu: CPU, l: int, b1: int, d1: int, b2: int, d2: int) -> None:
    "D6 OC - Or Characters [SS]"
    cpu.cc = 1 if any(_byte_loop(cpu, l, b1, d1, b2, d2, "or")) else 0


@instruction(0xD7, "XC", Format.SS1)
def exclusive_or_characters(cpu: CPU, l: int, b1: int, d1: int, b2: int, d2: int) -> None:
    "D7 XC - Exclusive Or Characters [SS]"
    cpu.cc = 1 if any(_byte_loop(cpu, l, b1, d1, b2, d2, "xor")) else 0


@instruction(0xD5, "CLC", Format.SS1, template=CLC_TEMPLATE)
def compare_logical_characters(cpu: CPU, l: int, b1: int, d1: int, b2: int, d2: int) -> None:
    "D5 CLC - Compare Logical Characters [SS]"
    r = cpu.r
    first = cpu.fetch((r[b1] + d1) & M24, l + 1)
    second = cpu.fetch((r[b2] + d2) & M24, l + 1)
    cpu.cc = 0 if first == second else 1 if first < second else 2


@instruction(0xDC, "TR", Format.SS1)
def translate(cpu: CPU, l: int, b1: int, d1: int, b2: int, d2: int) -> None:
    "DC TR - Translate [SS]"
    r = cpu.r
    destination = (r[b1] + d1) & M24
    table_address = (r[b2] + d2) & M24
    data = cpu.fetch(destination, l + 1)
    table = cpu.fetch(table_address, max(data) + 1)
    cpu.check(destination, l + 1, True)
    if (destination - table_address) & M24 < 256 or (table_address - destination) & M24 <= l:
        for i in range(l + 1):  # the operand is part of the table: byte at a time
            address = (destination + i) & M24
            cpu.store1(address, cpu.fetch1((table_address + cpu.fetch1(address)) & M24))
        return
    cpu.store(destination, data.translate(table.ljust(256, b"\0")))


@instruction(0xDD, "TRT", Format.SS1)
def translate_and_test(cpu: CPU, l: int, b1: int, d1: int, b2: int, d2: int) -> None:
    "DD TRT - Translate and Test [SS]"
    r = cpu.r
    address = (r[b1] + d1) & M24
    data = cpu.fetch(address, l + 1)
    table = cpu.fetch((r[b2] + d2) & M24, max(data) + 1)
    for i, byte in enumerate(data):
        function = table[byte]
        if function:
            r[1] = r[1] & 0xFF000000 | (address + i) & M24
            r[2] = r[2] & 0xFFFFFF00 | function
            cpu.cc = 2 if i == l else 1
            return
    cpu.cc = 0


# -- storage-immediate ---------------------------------------------------------------

@instruction(0x92, "MVI", Format.SI, template=MVI_TEMPLATE)
def move_immediate(cpu: CPU, i2: int, b1: int, d1: int) -> None:
    "92 MVI - Move Immediate [SI]"
    cpu.store1((cpu.r[b1] + d1) & M24, i2)


@instruction(0x95, "CLI", Format.SI, template=CLI_TEMPLATE)
def compare_logical_immediate(cpu: CPU, i2: int, b1: int, d1: int) -> None:
    "95 CLI - Compare Logical Immediate [SI]"
    value = cpu.fetch1((cpu.r[b1] + d1) & M24)
    cpu.cc = 0 if value == i2 else 1 if value < i2 else 2


def _update_byte(cpu: CPU, b1: int, d1: int, operation: str, i2: int) -> None:
    address = (cpu.r[b1] + d1) & M24
    cpu.check(address, 1, True)
    value = cpu.fetch1(address)
    value = value & i2 if operation == "and" else value | i2 if operation == "or" else value ^ i2
    cpu.store1(address, value)
    cpu.cc = 1 if value else 0


@instruction(0x94, "NI", Format.SI, template=_si_update_template("&"))
def and_immediate(cpu: CPU, i2: int, b1: int, d1: int) -> None:
    "94 NI - And Immediate [SI]"
    _update_byte(cpu, b1, d1, "and", i2)


@instruction(0x96, "OI", Format.SI, template=_si_update_template("|"))
def or_immediate(cpu: CPU, i2: int, b1: int, d1: int) -> None:
    "96 OI - Or Immediate [SI]"
    _update_byte(cpu, b1, d1, "or", i2)


@instruction(0x97, "XI", Format.SI, template=_si_update_template("^"))
def exclusive_or_immediate(cpu: CPU, i2: int, b1: int, d1: int) -> None:
    "97 XI - Exclusive Or Immediate [SI]"
    _update_byte(cpu, b1, d1, "xor", i2)


@instruction(0x91, "TM", Format.SI, template=TM_TEMPLATE)
def test_under_mask(cpu: CPU, i2: int, b1: int, d1: int) -> None:
    "91 TM - Test under Mask [SI]"
    selected = cpu.fetch1((cpu.r[b1] + d1) & M24) & i2
    cpu.cc = 0 if selected == 0 else 3 if selected == i2 else 1


@instruction(0x93, "TS", Format.S)
def test_and_set(cpu: CPU, b2: int, d2: int) -> None:
    "93 TS - Test and Set [S]"
    address = (cpu.r[b2] + d2) & M24
    cpu.check(address, 1, True)
    value = cpu.fetch1(address)
    cpu.store1(address, 0xFF)
    cpu.cc = value >> 7


# -- compare and swap -----------------------------------------------------------------

@instruction(0xBA, "CS", Format.RS)
def compare_and_swap(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    "BA CS - Compare and Swap [RS]"
    address = (cpu.r[b2] + d2) & M24
    if address & 3:
        raise ProgramCheck(SPECIFICATION)
    cpu.check(address, 4, True)
    current = cpu.fetch4(address)
    if current == cpu.r[r1]:
        cpu.store4(address, cpu.r[r3])
        cpu.cc = 0
    else:
        cpu.r[r1] = current
        cpu.cc = 1


@instruction(0xBB, "CDS", Format.RS)
def compare_double_and_swap(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    "BB CDS - Compare Double and Swap [RS]"
    address = (cpu.r[b2] + d2) & M24
    if r1 & 1 or r3 & 1 or address & 7:
        raise ProgramCheck(SPECIFICATION)
    cpu.check(address, 8, True)
    current = cpu.fetch8(address)
    if current == cpu.r[r1] << 32 | cpu.r[r1 + 1]:
        cpu.store8(address, cpu.r[r3] << 32 | cpu.r[r3 + 1])
        cpu.cc = 0
    else:
        cpu.r[r1] = current >> 32
        cpu.r[r1 + 1] = current & 0xFFFFFFFF
        cpu.cc = 1


# -- long operands ---------------------------------------------------------------------

@instruction(0x0E, "MVCL", Format.RR)
def move_long(cpu: CPU, r1: int, r2: int) -> None:
    "0E MVCL - Move Long [RR]"
    if r1 & 1 or r2 & 1:
        raise ProgramCheck(SPECIFICATION)
    r = cpu.r
    destination, length1 = r[r1] & M24, r[r1 + 1] & M24
    source, length2 = r[r2] & M24, r[r2 + 1] & M24
    pad = r[r2 + 1] >> 24
    cpu.cc = 0 if length1 == length2 else 1 if length1 < length2 else 2
    moved = min(length1, length2)
    if moved and _overlapping(destination, source, moved):
        cpu.cc = 3
        return
    while length1:
        chunk = min(length1, 2048 - (destination & 0x7FF))
        from_source = min(chunk, length2)
        data = cpu.fetch(source, from_source) if from_source else b""
        cpu.store(destination, data + bytes((pad,)) * (chunk - from_source))
        destination = (destination + chunk) & M24
        length1 -= chunk
        source = (source + from_source) & M24
        length2 -= from_source
        r[r1] = destination
        r[r1 + 1] = r[r1 + 1] & 0xFF000000 | length1
        r[r2] = source
        r[r2 + 1] = r[r2 + 1] & 0xFF000000 | length2
    r[r1] = destination
    r[r2] = source


@instruction(0x0F, "CLCL", Format.RR)
def compare_logical_long(cpu: CPU, r1: int, r2: int) -> None:
    "0F CLCL - Compare Logical Long [RR]"
    if r1 & 1 or r2 & 1:
        raise ProgramCheck(SPECIFICATION)
    r = cpu.r
    first, length1 = r[r1] & M24, r[r1 + 1] & M24
    second, length2 = r[r2] & M24, r[r2 + 1] & M24
    pad = r[r2 + 1] >> 24
    cc = 0
    while length1 or length2:
        chunk = min(max(length1, length2), 256)
        take1, take2 = min(chunk, length1), min(chunk, length2)
        a = (cpu.fetch(first, take1) if take1 else b"") + bytes((pad,)) * (chunk - take1)
        b = (cpu.fetch(second, take2) if take2 else b"") + bytes((pad,)) * (chunk - take2)
        if a != b:
            index = next(i for i in range(chunk) if a[i] != b[i])
            cc = 1 if a[index] < b[index] else 2
            chunk = index
            take1, take2 = min(chunk, length1), min(chunk, length2)
        first = (first + take1) & M24
        second = (second + take2) & M24
        length1 -= take1
        length2 -= take2
        if cc:
            break
    r[r1], r[r2] = first, second
    r[r1 + 1] = r[r1 + 1] & 0xFF000000 | length1
    r[r2 + 1] = r[r2 + 1] & 0xFF000000 | length2
    cpu.cc = cc
