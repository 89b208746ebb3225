"""Shared source fragments for the block compiler's instruction templates.

Each fragment is template text (see ``blocks.py``): storage fast paths that
are exact in real mode (addressing checked inline, key-controlled
protection through ``{F:address,extra}`` and ``{S:address,extra}`` when the
PSW key is not zero, reference and change bits set, stores into code leave
the block), with the interpreter function (``{call}``) as the slow path.
"""

from __future__ import annotations

ARITH_CC = "cpu.cc = 0 if not s else 1 if s & 0x80000000 else 2"


def fetch_word(target: str, address: str = "{ea2}") -> str:
    """Load the word at ``address`` into ``target`` or fall back to the interpreter."""
    return f"""a = {address}
if a <= lim4{{F:a,3}}:
    keys[a >> 11] |= 4; keys[a + 3 >> 11] |= 4
    {target} = U32(mem, a)[0]
else:
    {{call}}
    @exit
"""


def with_word(body: str) -> str:
    """``body`` runs with the second-operand word in ``b`` (RX instructions)."""
    return f"""a = {{ea2}}
if a <= lim4{{F:a,3}}:
    keys[a >> 11] |= 4; keys[a + 3 >> 11] |= 4
    b = U32(mem, a)[0]
{_indent(body)}
else:
    {{call}}
    @exit
"""


def with_half(body: str) -> str:
    """``body`` runs with the sign-extended second-operand halfword in ``b``."""
    return f"""a = {{ea2}}
if a <= lim2{{F:a,1}}:
    keys[a >> 11] |= 4; keys[a + 1 >> 11] |= 4
    b = U16(mem, a)[0]
    if b & 0x8000:
        b |= 0xFFFF0000
{_indent(body)}
else:
    {{call}}
    @exit
"""


def with_register(body: str) -> str:
    """``body`` runs with the second-operand register in ``b`` (RR instructions)."""
    return "b = r[{r2}]\n" + body


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


ADD = f"""x = r[{{r1}}]
s = (x + b) & 0xFFFFFFFF
r[{{r1}}] = s
if (x ^ s) & (b ^ s) & 0x80000000:
    cpu.cc = 3
    if cpu.pm & 8:
        raise ProgramCheck(8)
else:
    {ARITH_CC}
"""

SUBTRACT = f"""x = r[{{r1}}]
s = (x - b) & 0xFFFFFFFF
r[{{r1}}] = s
if (x ^ b) & (x ^ s) & 0x80000000:
    cpu.cc = 3
    if cpu.pm & 8:
        raise ProgramCheck(8)
else:
    {ARITH_CC}
"""

ADD_LOGICAL = """s = r[{r1}] + b
r[{r1}] = s & 0xFFFFFFFF
cpu.cc = (2 if s > 0xFFFFFFFF else 0) | (1 if s & 0xFFFFFFFF else 0)
"""

SUBTRACT_LOGICAL = """s = r[{r1}] + (~b & 0xFFFFFFFF) + 1
r[{r1}] = s & 0xFFFFFFFF
cpu.cc = (2 if s > 0xFFFFFFFF else 0) | (1 if s & 0xFFFFFFFF else 0)
"""

COMPARE = """x = r[{r1}]
x = x - 0x100000000 if x & 0x80000000 else x
b = b - 0x100000000 if b & 0x80000000 else b
cpu.cc = 0 if x == b else 1 if x < b else 2
"""

COMPARE_LOGICAL = """x = r[{r1}]
cpu.cc = 0 if x == b else 1 if x < b else 2
"""


def logical(operator: str) -> str:
    return f"""s = r[{{r1}}] {operator} b
r[{{r1}}] = s
cpu.cc = 1 if s else 0
"""


def store_word(value: str) -> str:
    return f"""a = {{ea2}}
if a <= lim4{{S:a,3}} and not lines[a >> 8] and not lines[a + 3 >> 8]:
    keys[a >> 11] |= 6; keys[a + 3 >> 11] |= 6
    P32(mem, a, {value})
else:
    {{call}}
    @exit
"""


CALL = "@call"
"""Run the instruction's function inside the block (the decimal and floating-point
instructions, whose work is in shared semantic functions); no general register changes."""


def call_changing(register: str) -> str:
    """As ``CALL`` for a function that may change general register ``register``."""
    return f"@call {register}"
