"""TERMINAL (reference/cp-cms.md 5.33): editing symbols and terminal options.

Several functions may be given in one command; they take effect left to
right, so an error leaves the earlier ones in effect, as CP does.
"""

from __future__ import annotations

from server.cp.context import CommandContext
from server.cp.lineedit import DEFAULT_TABCHAR, EditSymbols, valid_symbol
from server.cp.messages import invalid_operand, operand_missing
from server.cp.registry import command
from server.cp.user import TerminalOptions

SYMBOLS = {
    "CHARDEL": ("chardel", 2),
    "ESCAPE": ("escape", 2),
    "LINEDEL": ("linedel", 5),
    "LINEND": ("linend", 5),
    "TABCHAR": ("tabchar", 3),
}
SWITCHES = {
    "APL": ("apl", 3),
    "ATTN": ("attn", 2),
    "AUTOCR": ("autocr", 2),
    "HILIGHT": ("hilight", 4),
    "HOLD": ("hold", 4),
    "MASK": ("mask", 1),
    "TEXT": ("text", 4),
}
DEFAULTS = EditSymbols()


def lookup(table: dict[str, tuple[str, int]], token: str) -> str | None:
    for name, (attribute, minimum) in table.items():
        if len(token) >= minimum and name.startswith(token):
            return attribute
    return None


def set_symbol(options: TerminalOptions, function: str, value: str) -> None:
    if value == "OFF":
        symbol: str | None = None
    elif value == "ON":
        symbol = DEFAULT_TABCHAR if function == "tabchar" else getattr(DEFAULTS, function)
    elif valid_symbol(value):
        symbol = value
    else:
        raise invalid_operand("CFT", value)
    options.symbols = options.symbols.with_symbol(function, symbol)


def set_switch(options: TerminalOptions, attribute: str, value: str) -> None:
    if value not in ("ON", "OFF"):
        raise invalid_operand("CFT", value)
    setattr(options, attribute, value == "ON")
    if attribute == "apl" and value == "ON":
        options.text = False
    if attribute == "text" and value == "ON":
        options.apl = False


def take_number(value: str, low: int, high: int) -> int:
    if not value.isdigit() or not low <= int(value) <= high:
        raise invalid_operand("CFT", value)
    return int(value)


def apply_one(options: TerminalOptions, words: list[str], raw: list[str]) -> int:
    """Apply the function at the head of ``words``; returns how many words it used."""
    token = words[0]
    if len(words) < 2:
        raise operand_missing("CFT")
    value = words[1]
    if (function := lookup(SYMBOLS, token)) is not None:
        set_symbol(options, function, raw[1] if len(raw[1]) == 1 else value)
    elif (attribute := lookup(SWITCHES, token)) is not None:
        set_switch(options, attribute, value)
    elif token == "MODE":
        if value not in ("CP", "VM"):
            raise invalid_operand("CFT", value)
        options.mode = value
    elif len(token) >= 5 and "LINESIZE".startswith(token):
        options.linesize = None if value == "OFF" else take_number(value, 1, 255)
    elif token == "MORE":
        if len(words) < 3:
            raise operand_missing("CFT")
        options.more = (take_number(value, 0, 255), take_number(words[2], 0, 255))
        return 3
    else:
        raise invalid_operand("CFT", token)
    return 2


@command("TERMINAL", minimum=4, classes="ABCDEFG", syntax="TERMinal function value ...")
async def terminal(ctx: CommandContext) -> None:
    words = ctx.operands
    raw = ctx.text.split()
    if not words:
        raise operand_missing("CFT")
    options = ctx.user.terminal
    position = 0
    while position < len(words):
        position += apply_one(options, words[position:], raw[position:])
