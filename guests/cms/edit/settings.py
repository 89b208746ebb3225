"""EDIT subcommands that write the file, leave the editor and set how it behaves.

reference/cp-cms.md 11.3: FILE, SAVE, QUIT, AUTOSAVE, FMODE, FNAME, RECFM,
TRUNC, ZONE, VERIFY, TABSET, CASE, SERIAL, RENUM, LONG/SHORT,
PRESERVE/RESTORE, REUSE/``=``, ``?``, X/Y and CMS (subset, left with RETURN).
SCROLL, SCROLLUP and FORMAT belong to the 3270 display mode
(``guests.cms.edit.display``); in line mode they answer DMSEDI529E.
A setting subcommand without operands types the setting.

Writing goes through ``EditHost.write_file``, which replaces the file in one
crash-safe step: the old file stays on disk until the new one is complete.
"""

from __future__ import annotations

import copy

from guests.cms.edit.editor import EditError, Editor, FileId, Leave, subcommand
from guests.cms.edit.moves import ALL, count_of
from guests.cms.edit.profile import MAX_LRECL

__all__ = ["records_of", "save_file"]


def serial_field(editor: Editor, number: int) -> str:
    value = number * editor.settings.serial_incr
    if editor.settings.serial_all:
        return f"{value:08d}"
    return f"{editor.settings.serial_id:<3.3}{value:05d}"


def records_of(editor: Editor) -> list[bytes]:
    """The records to write: F padded to LRECL, V without trailing blanks, serialized."""
    settings = editor.settings
    serial = settings.serial and settings.lrecl >= 80
    records: list[bytes] = []
    for number, line in enumerate(editor.lines, start=1):
        text = line[: settings.lrecl]
        if serial:
            text = text.ljust(72)[:72] + serial_field(editor, number)
        if settings.recfm == "F":
            text = text.ljust(settings.lrecl)
        else:
            text = text.rstrip() or " "
        records.append(text.encode("cp037", errors="replace"))
    return records


def save_file(editor: Editor, fileid: FileId | None) -> None:
    """Write the lines under ``fileid`` (default: the current one); it becomes current."""
    if not editor.lines:
        raise EditError("FILE IS EMPTY")
    target = fileid or editor.settings.fileid
    editor.host.write_file(target, records_of(editor), editor.settings.recfm, editor.settings.lrecl)
    editor.settings.fileid = target
    editor.changes_since_save = 0


def fileid_operands(editor: Editor, operands: str) -> FileId | None:
    words = operands.split()
    if not words:
        return None
    if len(words) > 3:
        raise EditError(f"INVALID OPERAND: {words[3]}")
    current = editor.settings.fileid
    names = [word[:8] for word in words] + [current.ft, current.fm][len(words) - 1 :]
    fm = names[2] if len(names[2]) == 2 else names[2][:1] + current.fm[1:]
    return FileId(names[0], names[1], fm)


@subcommand("FILE", 4)
async def file(editor: Editor, operands: str) -> None:
    save_file(editor, fileid_operands(editor, operands))
    raise Leave(0)


@subcommand("SAVE", 4)
async def save(editor: Editor, operands: str) -> None:
    save_file(editor, fileid_operands(editor, operands))


@subcommand("QUIT", 4)
async def quit_(editor: Editor, operands: str) -> None:
    raise Leave(0)


@subcommand("AUTOSAVE", 4)
async def autosave(editor: Editor, operands: str) -> None:
    word = operands.strip()
    if word == "":
        editor.host.type(f"AUTOSAVE {editor.autosave or 'OFF'}")
    elif word == "OFF":
        editor.autosave = 0
    elif word.isdigit() and 1 <= int(word) <= 32767:
        if not editor.host.writable(editor.settings.fileid.fm):
            raise EditError("SET NEW FILEMODE AND RETRY")
        editor.autosave = int(word)
    else:
        raise EditError(f"INVALID OPERAND: {word}")


@subcommand("FMODE", 2)
async def fmode(editor: Editor, operands: str) -> None:
    word, fileid = operands.strip(), editor.settings.fileid
    if word == "":
        editor.host.type(f"FMODE {fileid.fm}")
        return
    if not (word[0].isalpha() and len(word) <= 2 and (len(word) == 1 or word[1] in "0123456")):
        raise EditError(f"INVALID OPERAND: {word}")
    fileid.fm = word if len(word) == 2 else word + fileid.fm[1:]


@subcommand("FNAME", 2)
async def fname(editor: Editor, operands: str) -> None:
    word = operands.strip()
    if word == "":
        editor.host.type(f"FNAME {editor.settings.fileid.fn}")
        return
    editor.settings.fileid.fn = word[:8]


@subcommand("RECFM", 3)
async def recfm(editor: Editor, operands: str) -> None:
    word = operands.strip()
    if word == "":
        editor.host.type(f"RECFM {editor.settings.recfm}")
    elif word in ("F", "V"):
        editor.settings.recfm = word
    else:
        raise EditError(f"INVALID OPERAND: {word}")


def column(word: str, editor: Editor) -> int:
    """A column number within the LRECL (``*``: the LRECL)."""
    if word == "*":
        return editor.settings.lrecl
    if not word.isdigit() or not 1 <= int(word) <= editor.settings.lrecl:
        raise EditError(f"INVALID OPERAND: {word}")
    return int(word)


@subcommand("TRUNC", 5)
async def trunc(editor: Editor, operands: str) -> None:
    word = operands.strip()
    if word == "":
        editor.host.type(f"TRUNC {editor.settings.trunc}")
        return
    editor.settings.trunc = column(word, editor)


@subcommand("ZONE", 1)
async def zone(editor: Editor, operands: str) -> None:
    words = operands.split()
    if not words:
        editor.host.type("ZONE {} {}".format(*editor.settings.zone))
        return
    start = column(words[0], editor)
    end = column(words[1], editor) if len(words) > 1 else editor.settings.trunc
    if start > end:
        raise EditError("INVALID OPERAND: ZONE")
    editor.settings.zone = (start, end)


@subcommand("VERIFY", 1)
async def verify(editor: Editor, operands: str) -> None:
    words, settings = operands.split(), editor.settings
    if not words:
        switch = "ON" if settings.verify else "OFF"
        editor.host.type("VERIFY {} {} {}".format(switch, *settings.verify_columns))
        return
    if words[0] in ("ON", "OFF"):
        settings.verify = words[0] == "ON"
        words = words[1:]
    if words:
        start = column(words[0], editor)
        end = column(words[1], editor) if len(words) > 1 else settings.verify_columns[1]
        settings.verify_columns = (start, max(start, end))


@subcommand("TABSET", 3)
async def tabset(editor: Editor, operands: str) -> None:
    words = operands.split()
    if not words:
        editor.host.type("TABSET " + " ".join(str(tab) for tab in editor.settings.tabs))
        return
    if not all(word.isdigit() and 1 <= int(word) <= MAX_LRECL for word in words):
        raise EditError(f"INVALID OPERAND: {operands.strip()}")
    editor.settings.tabs = tuple(sorted(int(word) for word in words))


@subcommand("CASE", 4)
async def case(editor: Editor, operands: str) -> None:
    word = operands.strip().upper()
    if word == "":
        editor.host.type(f"CASE {editor.settings.case}")
    elif word in ("M", "U"):
        editor.settings.case = word
    else:
        raise EditError(f"INVALID OPERAND: {word}")


@subcommand("SERIAL", 3)
async def serial(editor: Editor, operands: str) -> None:
    words, settings = operands.split(), editor.settings
    if not words:
        state = settings.serial_id if settings.serial else "OFF"
        editor.host.type(f"SERIAL {state} {settings.serial_incr}")
        return
    if words[0] == "OFF":
        settings.serial = False
        return
    settings.serial = True
    if words[0] != "ON":
        settings.serial_id = words[0][:3]
    increment = words[1] if len(words) > 1 else "10"
    settings.serial_all = increment == "ALL"
    if not settings.serial_all:
        settings.serial_incr = count_of(increment)


@subcommand("RENUM", 3, changes=True)
async def renum(editor: Editor, operands: str) -> None:
    """Renumber a VSBASIC (columns 1-5) or FREEFORT (columns 1-8) file."""
    if not editor.defaults.line_numbers:
        raise EditError(f"RENUM INVALID FOR FILETYPE {editor.settings.fileid.ft}")
    words = operands.split()
    start = count_of(words[0] if words else "10")
    step = count_of(words[1] if len(words) > 1 else str(start))
    if ALL in (start, step):
        raise EditError("INVALID OPERAND: *")
    width = 5 if editor.settings.fileid.ft == "VSBASIC" else 8
    for index, line in enumerate(editor.lines):
        number = f"{start + index * step:0{width}d}"
        editor.lines[index] = number + line[width:]
    editor.changed(len(editor.lines))
    editor.verify()


@subcommand("LONG", 4)
async def long(editor: Editor, operands: str) -> None:
    editor.settings.long = True


@subcommand("SHORT", 2)
async def short(editor: Editor, operands: str) -> None:
    editor.settings.long = False


@subcommand("PRESERVE", 3)
async def preserve(editor: Editor, operands: str) -> None:
    editor.preserved = editor.snapshot()


@subcommand("RESTORE", 4)
async def restore(editor: Editor, operands: str) -> None:
    if editor.preserved is None:
        raise EditError("NOTHING PRESERVED")
    restored = copy.deepcopy(editor.preserved)
    restored.fileid = editor.settings.fileid  # the file's name is not a setting
    editor.settings = restored


@subcommand("REUSE", 3)
async def reuse(editor: Editor, operands: str) -> None:
    for line in list(editor.last):
        await editor.execute(line)


@subcommand("=", 1)
async def equals(editor: Editor, operands: str) -> None:
    await reuse(editor, operands)


@subcommand("?", 1)
async def question(editor: Editor, operands: str) -> None:
    editor.host.type(*editor.last)


async def stored(editor: Editor, letter: str, operands: str) -> None:
    """X/Y: ``X subcommand`` assigns (and runs) it; ``X [n]`` runs it n times."""
    word = operands.strip()
    if word and not word.isdigit():
        editor.stored[letter] = word
        await editor.execute(word)
        return
    if letter not in editor.stored:
        raise EditError(f"{letter} NOT SET")
    for _ in range(int(word or "1")):
        await editor.execute(editor.stored[letter])


@subcommand("X", 1, text=True)
async def x(editor: Editor, operands: str) -> None:
    await stored(editor, "X", operands)


@subcommand("Y", 1, text=True)
async def y(editor: Editor, operands: str) -> None:
    await stored(editor, "Y", operands)


@subcommand("CMS", 3, text=True)
async def cms(editor: Editor, operands: str) -> None:
    """CMS subset: CMS commands until RETURN (a CMS command as operand runs just that)."""
    if operands.strip():
        await editor.host.subset(operands.strip())
        return
    editor.host.type("CMS SUBSET")
    while True:
        line = (await editor.host.read()).strip()
        if line.upper() == "RETURN":
            editor.host.type("EDIT:")
            return
        if line:
            await editor.host.subset(line)
