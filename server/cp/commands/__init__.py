"""CP commands: importing this package registers every command with the registry."""

from server.cp.commands import (
    attach,
    devctl,
    link,
    logon,
    message,
    operator,
    query,
    realstorage,
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
    "devctl",
    "link",
    "logon",
    "message",
    "operator",
    "query",
    "realstorage",
    "segments",
    "setcmd",
    "spoolcmd",
    "spoolfiles",
    "system",
    "terminal",
    "urcontrol",
    "vmcontrol",
]
