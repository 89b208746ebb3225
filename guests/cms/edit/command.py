"""The CMS ``EDIT`` command: find the file, run the editor over the CMS console and disks.

reference/cp-cms.md 11.1: ``Edit fn ft [fm|*] [(LRECL nn NODISP)]``. Without
fm the file is looked for on the A-disk and its extensions, ``*`` searches
every disk; a file found on a read-only extension is written back to its
parent's mode. A file not found is new (``NEW FILE:``) and is written to A (or
fm). Existing files keep their RECFM and LRECL (a V file narrower than the
filetype's default gets the default); LRECL is at most 160. On a 3270 the
editor runs in display mode (``guests.cms.edit.display``); NODISP asks for
line mode, the only mode on a typewriter or line-mode terminal.

Messages: DMSEDI054E incomplete fileid, 003E invalid option, 029E invalid
LRECL value, 044E record length above the maximum, 069E disk not accessed,
and on FILE/SAVE the file system's own (037E read-only, 105S disk full ...),
after which the user is still in the editor with nothing lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guests.cms.commands import abbreviation, command, lookup
from guests.cms.commands.common import (
    CommandError,
    decode,
    incomplete_fileid,
    invalid_option,
    invalid_parameter,
    not_accessed,
    numeric,
    parse_mode,
)
from guests.cms.diag import edit_message
from guests.cms.display import open_display
from guests.cms.edit.display import DisplayHost
from guests.cms.edit.editor import EditError, Editor, FileId
from guests.cms.edit.profile import MAX_LRECL, defaults_for
from guests.cms.fs import CmsFsError, DiskReadOnly
from guests.cms.fs.errors import FileNotFound
from guests.cms.plist import Call, tokenize

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

__all__ = ["CmsEditHost", "edit"]

MODULE = "EDI"


class CmsEditHost:
    """``EditHost`` over a CMS virtual machine's console and disks."""

    def __init__(self, cms: Cms) -> None:
        self.cms = cms

    def type(self, *lines: str) -> None:
        for line in lines:
            if line.startswith(f"DMS{MODULE}"):
                self.cms.console.message(line)
            else:
                self.cms.console.type(line)

    async def read(self) -> str:
        await self.cms.console.checkpoint()
        return await self.cms.console.read()

    def stack(self, line: str) -> None:
        self.cms.console.stack_line(line)

    def read_file(self, fn: str, ft: str, fm: str) -> list[str]:
        found = self.cms.disks.find(fn, ft, fm)
        if found is None:
            raise EditError(FileNotFound(f"{fn} {ft} {fm}").message(MODULE))
        accessed, entry = found
        try:
            return [decode(record).rstrip() for record in accessed.disk.read(entry.fn, entry.ft)]
        except CmsFsError as error:
            raise EditError(error.message(MODULE)) from None

    def write_file(self, fileid: FileId, records: list[bytes], recfm: str, lrecl: int) -> None:
        """Create or replace the file in one crash-safe step (the old one stays till then)."""
        letter = fileid.fm[0]
        accessed = self.cms.disks.get(letter)
        try:
            if accessed is None:
                raise not_accessed(letter)
            if accessed.read_only:
                raise DiskReadOnly(letter)
            number = int(fileid.fm[1]) if len(fileid.fm) > 1 else None
            accessed.disk.write(
                fileid.fn, fileid.ft, records, recfm=recfm,
                lrecl=lrecl if recfm == "F" else None, mode_number=number, replace=True,
            )  # fmt: skip
        except CmsFsError as error:
            raise EditError(error.message(MODULE)) from None

    async def subset(self, line: str) -> int:
        """One command in CMS subset; EDIT itself cannot be called again."""
        tokens = tokenize(line)
        spec = lookup(tokens[0]) or abbreviation(tokens[0]) if tokens else None
        if spec is not None and spec.name == "EDIT":
            self.cms.console.type("INVALID SUBSET COMMAND")
            return_code = -2
        else:
            return_code = await self.cms.resolve(line, from_exec=False)
        self.cms.ready(return_code)
        return return_code

    async def macro(self, name: str, operands: str) -> bool:
        """An edit macro: ``name EXEC`` with the operands as its arguments."""
        if self.cms.disks.find(name, "EXEC") is None:
            return False
        await self.cms.run_exec(name, tokenize(operands))
        return True

    def writable(self, fm: str) -> bool:
        accessed = self.cms.disks.get(fm[:1])
        return accessed is not None and not accessed.read_only


def emsg(cms: Cms, line: str) -> str:
    """An editor message on the display as SET EMSG lets it be shown ('' for none)."""
    if line.startswith(f"DMS{MODULE}") and line[9:10] in ("I", "W", "E"):
        return edit_message(cms.guest, line)
    return line


def edit_options(options: list[str]) -> int | None:
    """The LRECL option's value (None if not given); NODISP is accepted."""
    lrecl: int | None = None
    words = iter(options)
    for word in words:
        if word == "LRECL":
            value = next(words, "")
            lrecl = numeric(value, "LRECL")
            if not 1 <= lrecl <= MAX_LRECL:
                raise CommandError(44, "RECORD LENGTH EXCEEDS ALLOWABLE MAXIMUM")
        elif word != "NODISP":
            raise invalid_option(word)
    return lrecl


def open_file(cms: Cms, fn: str, ft: str, fm: str) -> tuple[FileId, list[str], str | None, int]:
    """(where to write, lines, RECFM or None for a new file, its LRECL or 0)."""
    letter, number = parse_mode(fm)
    if fm != "*" and letter not in cms.disks:
        raise not_accessed(letter)
    found = cms.disks.find(fn, ft, fm)
    if found is None:
        target = "A" if fm == "*" else letter
        return FileId(fn, ft, f"{target}{number or 1}"), [], None, 0
    accessed, entry = found
    home = accessed.parent if accessed.read_only and accessed.parent else accessed.letter
    lines = [decode(record).rstrip() for record in accessed.disk.read(entry.fn, entry.ft)]
    return FileId(entry.fn, entry.ft, home + entry.mode[1:]), lines, entry.recfm, entry.lrecl


@command("EDIT", 1, MODULE)
async def edit(cms: Cms, call: Call) -> int:
    """EDIT fn ft [fm|*] [(LRECL n NODISP)]."""
    if len(call.operands) < 2:
        raise incomplete_fileid()
    if len(call.operands) > 3:
        raise invalid_parameter(call.operands[3])
    fn, ft = call.operands[:2]
    fm = call.operands[2] if len(call.operands) > 2 else "A"
    lrecl = edit_options(call.options)
    fileid, lines, recfm, width = open_file(cms, fn, ft, fm)
    if width > MAX_LRECL:
        raise CommandError(44, "RECORD LENGTH EXCEEDS ALLOWABLE MAXIMUM")
    if recfm is not None and lrecl is None:
        default = defaults_for(ft).lrecl
        lrecl = max(width, default) if recfm == "V" else width
    host = CmsEditHost(cms)
    screen = None if "NODISP" in call.options else open_display(cms.guest)
    if screen is None:
        editor = Editor(host, fileid, lines, new=recfm is None, lrecl=lrecl, recfm=recfm)
        return await editor.run()
    display = DisplayHost(host, screen, shown=lambda line: emsg(cms, line))
    editor = Editor(display, fileid, lines, new=recfm is None, lrecl=lrecl, recfm=recfm)
    display.editor = editor
    try:
        return await editor.run()
    finally:
        display.leave()
