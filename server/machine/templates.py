"""Shared source fragments for the block compiler's instruction templates.

Each fragment is template text (see ``blocks.py``): storage fast paths that
are exact in real mode (addressing checked inline, key-controlled
protection through ``{F:address,extra}`` and ``{S:address,extra}`` when the
PSW key is not zero, reference and change bits set, stores into code leave
the block), with the interpreter function (``{call}``) as the slow path.
"""

from __future__ import annotations

ARITH_CC = "cpu.cc = 0 if not s else 1 if s & 0x80000000 else 2"


def _with_operand(limit: str, last: int, unpack: str, body: str,
                  address: str = "{ea2}") -> str:
    """``body`` after the operand of ``last + 1`` bytes at ``address`` (the second,
    unless given) is referenced and unpacked by ``unpack``, when fetching it cannot
    fail; otherwise the interpreter function."""
    return f"""a = {address}
if a <= {limit}{{F:a,{last}}}:
    keys[a >> 11] |= 4; keys[a + {last} >> 11] |= 4
{_indent(unpack + body)}
else:
    {{call}}
    @exit
"""


def fetch_word(target: str, address: str = "{ea2}") -> str:
    """Load the word at ``address`` into ``target`` or fall back to the interpreter."""
    return _with_operand("lim4", 3, f"{target} = U32(mem, a)[0]", "", address)


def with_word(body: str) -> str:
    """``body`` runs with the second-operand word in ``b`` (RX instructions)."""
    return _with_operand("lim4", 3, "b = U32(mem, a)[0]\n", body)


def with_half(body: str) -> str:
    """``body`` runs with the sign-extended second-operand halfword in ``b``."""
    return _with_operand(
        "lim2", 1, "b = U16(mem, a)[0]\nif b & 0x8000:\n    b |= 0xFFFF0000\n", body)


def with_long(body: str) -> str:
    """``body`` runs with the second-operand doubleword in ``b`` (long HFP operands)."""
    return _with_operand("lim8", 7, "b = U64(mem, a)[0]\n", body)


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


def _store(limit: str, last: int, pack: str, value: str) -> str:
    """Store ``value`` (``last + 1`` bytes, by ``pack``) at the second-operand address
    when it holds no cached code and the store cannot fail; else the interpreter."""
    return f"""a = {{ea2}}
if a <= {limit}{{S:a,{last}}} and not lines[a >> 8] and not lines[a + {last} >> 8]:
    keys[a >> 11] |= 6; keys[a + {last} >> 11] |= 6
    {pack}(mem, a, {value})
else:
    {{call}}
    @exit
"""


def store_long(value: str) -> str:
    return _store("lim8", 7, "P64", value)


def store_word(value: str) -> str:
    return _store("lim4", 3, "P32", value)


def store_half(value: str) -> str:
    return _store("lim2", 1, "P16", value)


CALL = "@call"
"""Run the instruction's function inside the block (the decimal and floating-point
instructions, whose work is in shared semantic functions); no general register changes."""


def call_changing(register: str) -> str:
    """As ``CALL`` for a function that may change general register ``register``."""
    return f"@call {register}"


# -- decimal instructions: operands in storage, semantics in ``decimal`` ------------


def _decimal(body: str, fetch_first: bool, store: bool) -> str:
    """Both operands of an SS decimal instruction (``x`` the first, unless it is only
    stored, and ``y`` the second) fetched inline when accessing them cannot fail,
    then ``body``; the first operand may be stored into when it holds no cached
    code.  Otherwise the interpreter function."""
    first = "{S:a,{l1}}" if store else "{F:a,{l1}}"
    unchanged = " and not lines[a >> 8] and not lines[a + {l1} >> 8]" if store else ""
    reference = ("    keys[a >> 11] |= 4; keys[a + {l1} >> 11] |= 4\n"
                 "    x = mem[a:a + {l1} + 1]\n") if fetch_first else ""
    return ("a = {ea1}\n"
            "b = {ea2}\n"
            "if a + {l1} < size and b + {l2} < size" + first + "{F:b,{l2}}" + unchanged + ":\n"
            + reference +
            "    keys[b >> 11] |= 4; keys[b + {l2} >> 11] |= 4\n"
            "    y = mem[b:b + {l2} + 1]\n"
            + _indent(body) + "\n"
            "else:\n"
            "    {call}\n"
            "    @exit\n")


_STORE_FIRST = """keys[a >> 11] |= 6; keys[a + {l1} >> 11] |= 6
mem[a:a + {l1} + 1] = """  # after the operation: a data exception stores nothing


def decimal_result(operation: str, fetch_first: bool = True) -> str:
    """AP, SP, ZAP: ``operation`` gives a ``decimal.Result``, stored over the first
    operand with its condition code; decimal overflow if the program mask says."""
    return _decimal("s = " + operation + "\n" + _STORE_FIRST + """s[0]
cpu.cc = s[1]
if s[1] == 3 and cpu.pm & 4:
    raise ProgramCheck(10)""", fetch_first, True)


def decimal_product(operation: str) -> str:
    """MP (lengths already valid): ``operation`` gives the field stored over the first
    operand; no condition code."""
    return _decimal("s = " + operation + "\n" + _STORE_FIRST + "s", True, True)


def decimal_compare(operation: str) -> str:
    """CP: ``operation`` gives the condition code."""
    return _decimal("cpu.cc = " + operation, True, False)


def decimal_move(operation: str, fetch_first: bool) -> str:
    """PACK, UNPK, MVO of operands that do not overlap: ``operation`` (of ``x`` and
    ``y`` as in ``_decimal``) gives the whole first-operand field at once, as the
    interpreter does for them.  Overlapping operands go byte by byte there."""
    return _decimal("s = " + operation + "\n" + _STORE_FIRST + "s", fetch_first, True).replace(
        "{F:b,{l2}}", "{F:b,{l2}} and (a + {l1} < b or b + {l2} < a)", 1)
