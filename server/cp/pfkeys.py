"""Program function keys: SET PFnn and QUERY PF (reference/cp-cms.md 5.25, 5.26).

``SET PFnn [DELayed|IMMed] text`` gives key nn a line: DELAYED (the display
default) puts it in the input area to be edited and entered, IMMED runs it
at once. ``SET PFnn RETRIEVE`` (or RECALL) makes the key bring back earlier
input lines. With no text the key is undefined and acts as ENTER.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.cp.messages import CPError, not_available, operand_missing

PF_KEYS = range(1, 25)


@dataclass(frozen=True)
class PFKey:
    mode: str  # "DELAYED", "IMMED" or "RETRIEVE"
    text: str = ""


def pf_number(token: str) -> int | None:
    """The key number of ``PFnn`` (1-24), else None."""
    if token.startswith("PF") and token[2:].isdigit() and int(token[2:]) in PF_KEYS:
        return int(token[2:])
    return None


def parse_set_pf(text: str) -> PFKey | None:
    """The operands after ``SET PFnn`` as typed; None undefines the key."""
    words = text.split(None, 1)
    if not words:
        return None
    first = words[0].upper()
    rest = words[1] if len(words) > 1 else ""
    if first in ("RETRIEVE", "RECALL"):
        if rest:
            raise CPError("CFC", 2, f"INVALID OPERAND - {rest.split()[0].upper()[:8]}")
        return PFKey("RETRIEVE")
    if first in ("TAB", "COPY"):
        raise not_available("CFC", f"SET PF {first}")
    for mode, minimum in (("DELAYED", 3), ("IMMED", 3)):
        if len(first) >= minimum and mode.startswith(first):
            if not rest:
                raise operand_missing()
            return PFKey(mode, rest)
    return PFKey("DELAYED", text.strip())


def query_pf_lines(keys: dict[int, PFKey], number: int | None) -> list[str]:
    numbers = [number] if number is not None else list(PF_KEYS)
    lines = []
    for key in numbers:
        setting = keys.get(key)
        if setting is None:
            lines.append(f"PF{key:02d} UNDEFINED")
        elif setting.mode == "RETRIEVE":
            lines.append(f"PF{key:02d} RETRIEVE")
        else:
            word = "IMMED" if setting.mode == "IMMED" else "DELAY"
            lines.append(f"PF{key:02d} {word} {setting.text}")
    return lines
