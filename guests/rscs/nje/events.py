"""What an NJE link reports to its owner (reference/nje-rscs.md sections 4.6, 12 and 13)."""

from __future__ import annotations

from dataclasses import dataclass, field

from guests.rscs.nje.files import OutboundFile, ReceivedFile
from guests.rscs.nje.nmr import NodalMessage


@dataclass(frozen=True)
class SignedOn:
    """Sign-on completed; ``buffer_size`` is the negotiated transmission block limit."""

    node: str
    buffer_size: int


@dataclass(frozen=True)
class MessageReceived:
    """A nodal message record: a message (``nmr.is_command`` False) or a command."""

    nmr: NodalMessage


@dataclass(frozen=True)
class FileReceived:
    """A whole file; the receiver confirms it (C0) only after committing it."""

    file: ReceivedFile


@dataclass(frozen=True)
class FileDelivered:
    """The next hop confirmed the file (C0): the sender no longer owns it."""

    file: OutboundFile


@dataclass(frozen=True)
class FileRefused:
    """The receiver refused (B0 to the request) or cancelled the file; hold it."""

    file: OutboundFile
    reason: str


@dataclass(frozen=True)
class LinkDown:
    """The link ended: signoff (``error`` False) or failure. ``unsent`` lists the outbound
    files not confirmed, to be requeued and sent again from their start."""

    reason: str
    error: bool
    unsent: tuple[OutboundFile, ...] = field(default=())


LinkEvent = SignedOn | MessageReceived | FileReceived | FileDelivered | FileRefused | LinkDown
