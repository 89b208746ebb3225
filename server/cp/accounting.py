"""Accounting records for virtual machine resource usage (the ACNT command).

VM/370 System Programmer's Guide R6, "Accounting Records for Virtual Machine
Resource Usage": an 80-column card, columns 1-28 characters, the rest binary
fullwords, written when a user logs off or when the operator issues ACNT;
the cards go to a punch spool file of class C, the class reserved for them.

====== ==============================================================
1-8    userid
9-16   account number
17-28  date and time of accounting, ``mmddyyhhmmss``
29-32  seconds connected
33-36  milliseconds of processor time, CP's time for the user included
37-40  milliseconds of virtual processor time
41-44  page reads (0: guest storage is never paged)
45-48  page writes (0)
49-52  SIO instructions for non-spooled I/O
53-56  cards to the virtual punch
57-60  lines to the virtual printer
61-64  records from the virtual reader
65-78  reserved
79-80  card identification code ``01``
====== ==============================================================

Here the cards of one ACNT form one class C punch file owned by the primary
operator (the owner of R6's accounting files is (unverified)), queued for a
class C punch as R6 sends them; after the card is made the user's counters
start again from zero, so QUERY TIME and INDICATE USER count from the ACNT.
"""

from __future__ import annotations

import struct
import time
from typing import TYPE_CHECKING

from server.machine.devices.unitrecord import UnitRecord as UnitRecordDevice
from spool.model import DeviceType, OutputSettings

if TYPE_CHECKING:
    from server.cp.system import System
    from server.cp.user import User

CARD_CODE = "01"
ACCOUNTING_CLASS = "C"


def ebcdic(text: str, width: int) -> bytes:
    return text.upper()[:width].ljust(width).encode("cp037")


def fullword(value: float) -> bytes:
    return struct.pack(">I", max(0, min(int(value), 0xFFFFFFFF)))


def counts(user: User) -> dict[str, int]:
    """Cards punched, lines printed and reader records of the user's spooled devices."""
    found = {"PUN": 0, "PRT": 0, "RDR": 0}
    if user.vm is None:
        return found
    for virtual in user.vm.devices.values():
        if virtual.unit is not None and isinstance(virtual.device, UnitRecordDevice):
            found[virtual.unit.kind.value] += virtual.device.records
    return found


def usage_card(system: System, user: User) -> bytes:
    """The type 01 card of ``user`` as of now."""
    moment = system.clock.now().strftime("%m%d%y%H%M%S")
    spooled = counts(user)
    sio = user.vm.channel.programs_started if user.vm is not None else 0
    card = b"".join(
        [
            ebcdic(user.userid, 8),
            ebcdic(user.entry.account or "", 8),
            moment.encode("cp037"),
            fullword(user.connect_seconds()),
            fullword((user.virtual_seconds + user.cp_seconds) * 1000),
            fullword(user.virtual_seconds * 1000),
            fullword(0),
            fullword(0),
            fullword(sio),
            fullword(spooled["PUN"]),
            fullword(spooled["PRT"]),
            fullword(spooled["RDR"]),
            b"\x40" * 14,
            CARD_CODE.encode("cp037"),
        ]
    )
    assert len(card) == 80
    return card


def restart_counters(user: User) -> None:
    """The counters a card reports start again from zero."""
    user.logon_monotonic = time.monotonic()
    user.virtual_seconds = 0.0
    user.cp_seconds = 0.0
    if user.vm is None:
        return
    user.vm.channel.programs_started = 0
    for virtual in user.vm.devices.values():
        if virtual.unit is not None and isinstance(virtual.device, UnitRecordDevice):
            virtual.device.records = 0


async def write_records(system: System, users: list[User]) -> int | None:
    """One card per user into a class C punch file; the spoolid (None without a spool)."""
    cards = [usage_card(system, user) for user in users]
    for user in users:
        restart_counters(user)
    store = system.spool
    if store is None or not cards:
        return None
    settings = OutputSettings(device=DeviceType.PUN, spool_class=ACCOUNTING_CLASS)
    writer = store.open_output(system.operator_userid, settings)
    for card in cards:
        writer.write(card)
    spool_file = await store.close(writer)
    return spool_file.spoolid
