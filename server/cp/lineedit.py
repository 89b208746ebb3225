"""CP logical line editing of console input (reference/cp-cms.md 1.3).

LINEND splits a physical line into logical lines, CHARDEL deletes the
preceding character, LINEDEL deletes the logical line typed so far, ESCAPE
takes the next character literally, and TABCHAR stands for a logical tab.
When CHARDEL, LINEDEL and ESCAPE share a character, each function sharing it
is lost; when one of them equals LINEND, only LINEND applies.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

DEFAULT_TABCHAR = "\u00a6"  # the broken bar, EBCDIC X'6A'


@dataclass(frozen=True)
class EditSymbols:
    """The editing characters in force; ``None`` means the function is OFF."""

    linend: str | None = "#"
    chardel: str | None = "@"
    linedel: str | None = "\u00a2"  # the cent sign, EBCDIC X'4A'
    escape: str | None = '"'
    tabchar: str | None = DEFAULT_TABCHAR

    def off(self) -> EditSymbols:
        """All editing symbols OFF, as for a machine started by AUTOLOG."""
        return EditSymbols(None, None, None, None, None)

    def with_symbol(self, function: str, value: str | None) -> EditSymbols:
        return replace(self, **{function: value})

    def effective(self) -> EditSymbols:
        """Apply the conflict rules: shared symbols lose their function."""
        linend = self.linend
        others = {"chardel": self.chardel, "linedel": self.linedel, "escape": self.escape}
        kept: dict[str, str | None] = {}
        for name, symbol in others.items():
            shared = [n for n, s in others.items() if n != name and s is not None and s == symbol]
            if symbol is None or shared or symbol == linend:
                kept[name] = None
            else:
                kept[name] = symbol
        return EditSymbols(linend, kept["chardel"], kept["linedel"], kept["escape"], self.tabchar)


def edit_line(physical: str, symbols: EditSymbols) -> list[str]:
    """Split and edit one physical input line into its logical lines."""
    active = symbols.effective()
    lines: list[str] = []
    current: list[str] = []
    escaped = False
    for char in physical:
        if escaped:
            current.append(char)
            escaped = False
        elif char == active.escape:
            escaped = True
        elif char == active.linend:
            lines.append("".join(current))
            current = []
        elif char == active.chardel:
            if current:
                current.pop()
        elif char == active.linedel:
            current = []
        elif char == active.tabchar:
            current.append("\t")
        else:
            current.append(char)
    lines.append("".join(current))
    return lines


def valid_symbol(char: str) -> bool:
    """Letters, digits and blanks may not be editing symbols."""
    return len(char) == 1 and not char.isalnum() and not char.isspace() and char.isprintable()
