"""CP commands: importing this package registers every command with the registry."""

from server.cp.commands import (
    attach,
    link,
    logon,
    message,
    query,
    segments,
    setcmd,
    spoolcmd,
    spoolfiles,
    system,
    terminal,
    urcontrol,
    vmcontrol,
)

__all__ = [
    "attach",
    "link",
    "logon",
    "message",
    "query",
    "segments",
    "setcmd",
    "spoolcmd",
    "spoolfiles",
    "system",
    "terminal",
    "urcontrol",
    "vmcontrol",
]
