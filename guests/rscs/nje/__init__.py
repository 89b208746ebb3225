"""NJE over TCP/IP for RSCS: pure codecs, a sans-IO link machine and an asyncio link driver
(reference/nje-rscs.md; NJE Formats and Protocols SC23-0070 / SA32-0988; BITNET BRFC 0002
"VMNET" for the OPEN/ACK/NAK exchange and TTB/TTR framing).

Layers, bottom up (each a pure codec with :class:`NJEDecodeError`, except the last two):

==================  ==============================================================
``wire``            typed reader (``get_byte``/``get_u16``/``get_name``/``check_end``), cp037
``control``         the 33-byte OPEN/ACK/NAK record, NAK reasons, simultaneous-open rule
``framing``         TTB/TTR blocks, :class:`TTBReceiver` buffer, BSC units (SOH ENQ, DLE ACK0…)
``scb``             SCB string compression and decompression
``block``           DLE STX transmission blocks, RCB/SRCB records, BCB sequencing, FCS
``signon``          NCCR sign-on I/J and signoff B
``nmr``             nodal message records (user messages, commands, system messages)
``headers``         NJH, NDH (with the VM/370 RSCS section), NJT, header segmentation
``files``           data records (``LL [CC] data``), :class:`OutboundFile`, :class:`ReceivedFile`
``streams``         one file on one stream: block generation and inbound assembly
``protocol``        :class:`NJEProtocol`: sign-on, BCB/NAK, FCS wait-a-bit, streams (sans-IO)
``link``            :class:`NJELink`: OPEN/ACK + protocol over asyncio streams
==================  ==============================================================

The API the RSCS guest uses
---------------------------

RSCS gets its TCP connections from CP (``OPTION NETWORK``) as an asyncio
``(StreamReader, StreamWriter)`` pair and hands them to a link::

    link = await NJELink.connect(reader, writer, "NODEA", "NODEB")      # we opened
    link = await NJELink.accept(reader, writer, "NODEA", {"NODEB"})     # we listened
    # (accept also takes a function node -> 0 | NAK reason, for "already active" (2) and
    #  simultaneous open (3, decided with control.keep_local_open))

    await link.send_message("NODEA", "CAROL", "NODEB", "JOHN", "Hello")   # user message
    await link.send_command("NODEA", "CAROL", "NODEB", "Q SYS")           # remote command
    await link.send_nmr(nmr)                 # forward a received NMR unchanged
    await link.send_file(make_file(("NODEA", "CAROL"), ("NODEB", "JOHN"), records,
                                   file_name="PROFILE", file_type="EXEC"))
    # send_file returns only after the receiver confirmed (C0): then dequeue the file.
    # FileRefusedError (B0): hold it.  LinkDownError: requeue it, send again from its start.

    async for event in link.events():        # MessageReceived, FileReceived, LinkDown (last)
        if isinstance(event, FileReceived):
            ...commit event.file to the spool...
            await link.confirm(event.file)   # C0 only after the commit (or link.reject → B0)

    await link.close()                       # drain, sign off;  link.abort() = FORCE

``link.cancel_file(file)`` flushes a file in transit; ``link.set_wait_a_bit(True)`` asks
the peer to pause file data. :class:`ReceivedFile` gives ``origin_node``, ``origin_user``,
``dest_node``, ``dest_user``, ``file_name``, ``file_type``, ``spool_class``, ``records``,
``network_file_id`` (to discard a duplicate already committed), ``hops`` and the decoded
headers; ``file.forward()`` is the same file for the next hop (headers byte for byte, hop
count + 1). Reconnecting is the caller's: a link lives for one connection; ``retry_delay(n)``
gives the usual backoff. The event iterator must be consumed: it is bounded and pauses
reading. :class:`Timeouts` sets the handshake, keepalive (60 s), silence (15 min) and C0
(10 min) limits; :class:`LinkOptions` the buffer offered (8192), streams, passwords and a
``trace`` callback that sees every TTB in and out (for RSCS TRACE).
"""

from guests.rscs.nje.control import ControlRecord, keep_local_open
from guests.rscs.nje.events import (
    FileDelivered,
    FileReceived,
    FileRefused,
    LinkDown,
    LinkEvent,
    MessageReceived,
    SignedOn,
)
from guests.rscs.nje.files import FileRecord, OutboundFile, ReceivedFile, make_file
from guests.rscs.nje.headers import DatasetHeader, JobHeader, JobTrailer
from guests.rscs.nje.link import (
    FileRefusedError,
    LinkDownError,
    NJELink,
    NJELinkError,
    OpenRefused,
    Timeouts,
    retry_delay,
)
from guests.rscs.nje.nmr import NodalMessage, command, system_message, user_message
from guests.rscs.nje.protocol import LinkOptions, LinkState, LinkStateError, NJEProtocol
from guests.rscs.nje.wire import NJEDecodeError

__all__ = [
    "ControlRecord",
    "DatasetHeader",
    "FileDelivered",
    "FileReceived",
    "FileRecord",
    "FileRefused",
    "FileRefusedError",
    "JobHeader",
    "JobTrailer",
    "LinkDown",
    "LinkDownError",
    "LinkEvent",
    "LinkOptions",
    "LinkState",
    "LinkStateError",
    "MessageReceived",
    "NJEDecodeError",
    "NJELink",
    "NJELinkError",
    "NJEProtocol",
    "NodalMessage",
    "OpenRefused",
    "OutboundFile",
    "ReceivedFile",
    "SignedOn",
    "Timeouts",
    "command",
    "keep_local_open",
    "make_file",
    "retry_delay",
    "system_message",
    "user_message",
]
