"""Commands a user can name that this CMS does not provide yet.

DEBUG and SVCTRACE need the debugging environment of the virtual CPU.
Each answers with a CMS-style message and return code 1 instead of falling
through to CP as an unknown command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guests.cms.commands import COMMANDS, command
from guests.cms.commands.common import CommandError
from guests.cms.plist import Call

if TYPE_CHECKING:
    from guests.cms.nucleus import Cms

LATER = (("DEBUG", 5, "DBG"), ("SVCTRACE", 4, "OVR"))


def _register(name: str, shortest: int, module: str) -> None:
    async def handler(cms: Cms, call: Call) -> int:
        raise CommandError(0, f"{name} IS NOT AVAILABLE IN THIS CMS YET", rc=1)

    command(name, shortest, module)(handler)


for _name, _shortest, _module in LATER:
    if _name not in COMMANDS:  # a module imported earlier may provide it already
        _register(_name, _shortest, _module)
