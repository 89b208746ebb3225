"""The VM/370 Release 6 CMS line editor, EDIT (reference/cp-cms.md section 11).

``editor`` holds the buffer, the pointer, the settings and the command loop;
``moves`` and ``settings`` declare the subcommands, ``display`` the 3270
display mode and its own (SCROLL, SCROLLUP, FORMAT); ``profile`` the file-type
defaults. ``command`` (imported by the CMS command table) is the ``EDIT``
command itself: it finds the file on the CMS disks and runs an ``Editor``
with the CMS console and disks behind ``EditHost``.
"""

from guests.cms.edit import display, moves, numbers, settings
from guests.cms.edit.editor import SUBCOMMANDS, EditError, EditHost, Editor, FileId

__all__ = [
    "SUBCOMMANDS",
    "EditError",
    "EditHost",
    "Editor",
    "FileId",
    "display",
    "moves",
    "numbers",
    "settings",
]
