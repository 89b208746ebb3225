"""EDIT subcommands that move the pointer, find text and change lines.

reference/cp-cms.md 11.3: TOP, BOTTOM, UP/BACKWARD, DOWN/NEXT/FORWARD, LOCATE,
FIND, TYPE, CHANGE, ALTER, DELETE, DSTRING, INPUT, INSERT, REPLACE, OVERLAY,
REPEAT, GETFILE and STACK. Searches look only at the columns of the ZONE;
a search that fails says ``NOT FOUND`` and leaves the pointer at ``EOF:``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from guests.cms.edit.editor import EditError, Editor, subcommand

__all__ = ["count_of", "delimited"]

ALL = -1  # "*": to the end of the file


def count_of(word: str, *, default: int = 1) -> int:
    """``n`` or ``*`` (ALL); no word gives ``default``."""
    if word == "":
        return default
    if word == "*":
        return ALL
    if not word.isdigit():
        raise EditError(f"INVALID OPERAND: {word}")
    return int(word)


def delimited(text: str, parts: int) -> tuple[list[str], str]:
    """Split ``/a/b/ rest``: the first non-blank character is the delimiter.

    Returns up to ``parts`` strings (a missing one is absent) and the text after them.
    """
    text = text.lstrip()
    if not text:
        raise EditError("NO STRING SPECIFIED")
    delimiter, body = text[0], text[1:]
    strings: list[str] = []
    while len(strings) < parts:
        at = body.find(delimiter)
        if at < 0:
            strings.append(body)
            return strings, ""
        strings.append(body[:at])
        body = body[at + 1 :]
    return strings, body


def zone_text(editor: Editor, line: str) -> str:
    start, end = editor.settings.zone
    return line.ljust(end)[start - 1 : end]


def last_line(editor: Editor, count: int) -> int:
    """The line number ``count`` lines on from the current one (ALL: the last line)."""
    first = max(editor.current, 1)
    return len(editor.lines) if count == ALL else min(first + count - 1, len(editor.lines))


# ---- the pointer ------------------------------------------------------------------------
@subcommand("TOP", 3)
async def top(editor: Editor, operands: str) -> None:
    editor.move_to(0)
    editor.verify()


@subcommand("BOTTOM", 1)
async def bottom(editor: Editor, operands: str) -> None:
    editor.move_to(len(editor.lines))
    editor.verify()


@subcommand("UP", 1)
async def up(editor: Editor, operands: str) -> None:
    count = count_of(operands.strip())
    editor.move_to(0 if count == ALL else editor.current - count)
    editor.verify()


@subcommand("BACKWARD", 2)
async def backward(editor: Editor, operands: str) -> None:
    await up(editor, operands)


@subcommand("DOWN", 2)
async def down(editor: Editor, operands: str) -> None:
    count = count_of(operands.strip())
    editor.move_to(len(editor.lines) + 1 if count == ALL else editor.current + count)
    editor.verify()


@subcommand("NEXT", 1)
async def next_(editor: Editor, operands: str) -> None:
    await down(editor, operands)


@subcommand("FORWARD", 2)
async def forward(editor: Editor, operands: str) -> None:
    await down(editor, operands)


def search(editor: Editor, matches: Callable[[str], bool]) -> None:
    """Move to the next line for which ``matches(line)`` holds (from the top at EOF)."""
    start = 1 if editor.at_eof else editor.current + 1
    for number in range(start, len(editor.lines) + 1):
        if matches(editor.lines[number - 1]):
            editor.move_to(number)
            editor.verify()
            return
    editor.move_to(len(editor.lines) + 1)
    editor.error("NOT FOUND")
    editor.verify()


@subcommand("LOCATE", 1, text=True)
async def locate(editor: Editor, operands: str) -> None:
    (target, *_), _ = delimited(operands, 1)
    search(editor, lambda line: target in zone_text(editor, line))


def find_matches(text: str, line: str) -> bool:
    """FIND: ``text`` against the line from column 1; blanks in ``text`` match anything."""
    padded = line.ljust(len(text))
    return all(want == " " or want == have for want, have in zip(text, padded, strict=False))


@subcommand("FIND", 1, text=True)
async def find(editor: Editor, operands: str) -> None:
    text = editor.expand_tabs(operands)
    search(editor, lambda line: find_matches(text, line))


@subcommand("TYPE", 1)
async def type_(editor: Editor, operands: str) -> None:
    """TYPE [n|*]: n lines from the current one; the pointer stays on the last one typed."""
    count = count_of(operands.split()[0] if operands.split() else "")
    if editor.at_eof or count == 0 or (editor.at_tof and count == 1):
        editor.show_current()
        return
    if editor.at_tof:
        editor.show_current()
        editor.move_to(1)
        count = count if count == ALL else count - 1
    first, end = editor.current, last_line(editor, count)
    for number in range(first, end + 1):
        editor.move_to(number)
        editor.show_current()
    if count == ALL or first + count - 1 > len(editor.lines):
        editor.move_to(len(editor.lines) + 1)
        editor.show_current()


# ---- changes ------------------------------------------------------------------------------
def replace_in_zone(editor: Editor, line: str, old: str, new: str, every: bool) -> str | None:
    """The line with ``old`` changed to ``new`` inside the zone, or None if absent."""
    start, end = editor.settings.zone
    padded = line.ljust(end)
    head, segment, tail = padded[: start - 1], padded[start - 1 : end], padded[end:]
    if old == "":
        changed = new + segment
    elif old in segment:
        changed = segment.replace(old, new, -1 if every else 1)
    else:
        return None
    # text pushed past the truncation column, or into columns beyond the zone, is lost
    limit = min(end, editor.settings.trunc) if tail.strip() else editor.settings.trunc
    body = (head + changed).rstrip()
    if len(body) > limit:
        body = body[:limit].rstrip()
        editor.host.type("TRUNCATED")
    if tail.strip():
        body = body.ljust(end) + tail
    return body.rstrip()


def each_line(editor: Editor, count: int, change: Callable[[str], str | None]) -> int:
    """Apply ``change(line) -> new | None`` to ``count`` lines from the current one.

    Each changed line is verified; running past the last line leaves the pointer at EOF.
    """
    if editor.at_eof:
        raise EditError("EOF:")
    editor.move_to(max(editor.current, 1))
    first, end, done = editor.current, last_line(editor, count), 0
    for number in range(first, end + 1):
        editor.move_to(number)
        result = change(editor.line)
        if result is not None:
            editor.set_line(result)
            done += 1
            editor.verify()
    if count == ALL or first + count - 1 > len(editor.lines):
        editor.move_to(len(editor.lines) + 1)
        editor.verify()
    editor.changed(done)
    return done


def change_counts(rest: str) -> tuple[int, bool]:
    words = rest.split()
    count = count_of(words[0] if words else "")
    every = len(words) > 1 and words[1] in ("G", "*")
    if len(words) > 1 and not every:
        raise EditError(f"INVALID OPERAND: {words[1]}")
    return count, every


@subcommand("CHANGE", 1, changes=True, text=True)
async def change(editor: Editor, operands: str) -> None:
    strings, rest = delimited(operands, 2)
    old, new = strings[0], strings[1] if len(strings) > 1 else ""
    count, every = change_counts(rest)
    start, end = editor.settings.zone
    if len(old) > end - start + 1:
        raise EditError("ZONE ERROR")
    if old == "" and every:
        raise EditError("INVALID OPERAND: G")
    done = each_line(editor, count, lambda line: replace_in_zone(editor, line, old, new, every))
    if done == 0:
        editor.error("NOT FOUND")


def alter_character(word: str) -> str:
    if len(word) == 1:
        return word
    if len(word) == 2:
        try:
            return bytes.fromhex(word).decode("cp037")
        except ValueError:
            pass
    raise EditError(f"INVALID OPERAND: {word}")


@subcommand("ALTER", 2, changes=True, text=True)
async def alter(editor: Editor, operands: str) -> None:
    words = operands.split()
    if len(words) < 2:
        raise EditError("NO STRING SPECIFIED")
    old, new = alter_character(words[0]), alter_character(words[1])
    count, every = change_counts(" ".join(words[2:]))
    done = each_line(editor, count, lambda line: replace_in_zone(editor, line, old, new, every))
    if done == 0:
        editor.error("NOT FOUND")


@subcommand("DELETE", 3, changes=True)
async def delete(editor: Editor, operands: str) -> None:
    count = count_of(operands.strip())
    if editor.at_eof:
        editor.show_current()
        return
    editor.move_to(max(editor.current, 1))
    end = last_line(editor, count)
    removed = end - editor.current + 1
    del editor.lines[editor.current - 1 : end]
    editor.changed(max(removed, 0))
    if editor.at_eof:
        editor.show_current()


@subcommand("DSTRING", 2, changes=True, text=True)
async def dstring(editor: Editor, operands: str) -> None:
    (target, *_), _ = delimited(operands, 1)
    first = max(editor.current, 1)
    for number in range(first + 1, len(editor.lines) + 1):
        if target in zone_text(editor, editor.lines[number - 1]):
            del editor.lines[first - 1 : number - 1]
            editor.changed(number - first)
            editor.move_to(first)
            editor.verify()
            return
    raise EditError("STRING NOT FOUND, NO DELETIONS MADE")


@subcommand("INPUT", 1, changes=True, text=True)
async def input_(editor: Editor, operands: str) -> None:
    if operands == "":
        editor.enter_input()
        return
    editor.insert_after(editor.prepare(operands))


@subcommand("INSERT", 3, changes=True, text=True)
async def insert(editor: Editor, operands: str) -> None:
    if operands == "":
        raise EditError("NO LINE SPECIFIED")
    editor.insert_after(editor.prepare(operands))


@subcommand("REPLACE", 1, changes=True, text=True)
async def replace(editor: Editor, operands: str) -> None:
    if operands == "":
        if not (editor.at_tof or editor.at_eof):
            del editor.lines[editor.current - 1]
            editor.move_to(editor.current - 1)
            editor.changed()
        editor.enter_input()
        return
    text = editor.prepare(operands)
    if editor.at_tof or editor.at_eof:
        editor.insert_after(text)
        return
    editor.set_line(text)
    editor.changed()


def overlay_line(editor: Editor, line: str, text: str) -> str:
    chars = list(line.ljust(len(text)))
    for column, char in enumerate(text):
        if column >= editor.settings.trunc:
            break
        if char == "_":
            chars[column] = " "
        elif char != " ":
            chars[column] = char
    return "".join(chars).rstrip()


@subcommand("OVERLAY", 1, changes=True, text=True)
async def overlay(editor: Editor, operands: str) -> None:
    text = editor.expand_tabs(operands)
    count, editor.repeat_count = editor.repeat_count, 1
    if editor.at_tof or editor.at_eof:
        raise EditError("TOF:" if editor.at_tof else "EOF:")
    end = last_line(editor, count)
    for number in range(editor.current, end + 1):
        editor.move_to(number)
        editor.set_line(overlay_line(editor, editor.line, text))
        editor.changed()
        editor.verify()


@subcommand("REPEAT", 6)
async def repeat(editor: Editor, operands: str) -> None:
    editor.repeat_count = count_of(operands.strip())


@subcommand("GETFILE", 3, changes=True)
async def getfile(editor: Editor, operands: str) -> None:
    words = operands.split()
    names = list(itertools.takewhile(lambda word: not word.isdigit(), words))[:3]
    numbers = words[len(names) :]
    if not names:
        raise EditError("NO FILENAME SPECIFIED")
    fn = names[0]
    ft = names[1] if len(names) > 1 else editor.settings.fileid.ft
    fm = names[2] if len(names) > 2 else "*"
    first = count_of(numbers[0]) if numbers else 1
    count = count_of(numbers[1] if len(numbers) > 1 else "*")
    records = editor.host.read_file(fn, ft, fm)[max(first, 1) - 1 :]
    records = records if count == ALL else records[:count]
    for record in records:
        editor.insert_after(record[: editor.settings.lrecl].rstrip())
    if not records:
        raise EditError("EOF REACHED")
    editor.verify()


@subcommand("STACK", 5, text=True)
async def stack(editor: Editor, operands: str) -> None:
    """STACK n: n lines from the current one; STACK text: the text; STACK 0: a null line."""
    word = operands.strip()
    if word and not (word.isdigit() or word == "*"):
        editor.host.stack(word)
        return
    count = count_of(word, default=0)
    if count == 0:
        editor.host.stack("")
        return
    if editor.at_tof:
        editor.move_to(1)
    end = last_line(editor, count)
    for number in range(editor.current, end + 1):
        editor.host.stack(editor.lines[number - 1])
    editor.move_to(end)


# ---- the $DUP and $MOVE macros (R6 ships them as EXEC files; here they are built in) -----
@subcommand("$DUP", 4, changes=True)
async def dup(editor: Editor, operands: str) -> None:
    """$DUP [n]: n copies (at most 25) of the current line after it; the last is current."""
    count = count_of(operands.strip())
    if count == ALL or not 1 <= count <= 25:
        raise EditError(f"INVALID OPERAND: {operands.strip()}")
    if editor.at_tof or editor.at_eof:
        raise EditError("TOF:" if editor.at_tof else "EOF:")
    for _ in range(count):
        editor.insert_after(editor.line)
    editor.verify()


@subcommand("$MOVE", 5, changes=True)
async def move(editor: Editor, operands: str) -> None:
    """$MOVE n UP|DOWN m: move n lines from the current one m lines up or down."""
    words = operands.split()
    if len(words) != 3 or words[1] not in ("UP", "DOWN"):
        raise EditError(f"INVALID OPERAND: {operands.strip()}")
    count, distance = count_of(words[0]), count_of(words[2])
    if editor.at_tof or editor.at_eof or ALL in (count, distance):
        raise EditError("INVALID OPERAND: *" if ALL in (count, distance) else "NO LINES MOVED")
    first = editor.current
    block = editor.lines[first - 1 : first - 1 + count]
    del editor.lines[first - 1 : first - 1 + count]
    offset = -distance if words[1] == "UP" else distance
    at = max(0, min(first - 1 + offset, len(editor.lines)))
    editor.lines[at:at] = block
    editor.move_to(at + len(block))
    editor.changed(len(block))
    editor.verify()
