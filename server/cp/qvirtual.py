"""QUERY VIRTUAL: the virtual machine's configuration (reference/cp-cms.md 5.25).

``QUERY [Virtual] ALL|STORage|DAsd|CONsole|CHANnels|vaddr`` in the formats
``STORAGE = nnnnnK``, ``CONS vaddr ON LINE|GRAF raddr``, ``DASD vaddr type
volser R/W|R/O nnn CYL``, ``CHANNELS= SEL``, and (``UR``) the spooled
reader, printer and punch with their SPOOL settings.
"""

from __future__ import annotations

from server.cp.messages import CPError, invalid_operand
from server.cp.user import User
from server.cp.vdevices import VirtualDevice

FORMS = ("ALL", "STORAGE", "DASD", "CONSOLE", "CHANNELS", "UR")


def storage_line(user: User) -> str:
    size = user.vm.storage_size if user.vm is not None else user.entry.storage
    return f"STORAGE = {size // 1024:05d}K"


def device_line(user: User, virtual: VirtualDevice) -> list[str]:
    if virtual.kind == "CONS":
        session = user.session
        where = f"{session.console.kind} {session.raddr:03X}" if session is not None else "DEV DSC"
        return [
            f"CONS {virtual.address:03X} ON {where}   TERM   STOP",
            f"     {virtual.address:03X} CL T NOCONT NOHOLD COPY 01    {_ready(virtual)}",
        ]
    if virtual.unit is not None:
        return unit_record_lines(user, virtual)
    access = "R/O" if virtual.read_only else "R/W"
    return [
        f"DASD {virtual.address:03X} {virtual.device_type} {virtual.volser:<6} {access} "
        f"{virtual.cylinders:6d} CYL"
    ]


def devices_of(user: User, kind: str) -> list[str]:
    if user.vm is None:
        return []
    lines: list[str] = []
    for address in sorted(user.vm.devices):
        virtual = user.vm.devices[address]
        if virtual.kind == kind:
            lines.extend(device_line(user, virtual))
    return lines


def unit_records(user: User) -> list[str]:
    return [*devices_of(user, "RDR"), *devices_of(user, "PRT"), *devices_of(user, "PUN")]


def full_form(token: str) -> str | None:
    minimums = {"ALL": 3, "STORAGE": 4, "DASD": 2, "CONSOLE": 3, "CHANNELS": 4, "UR": 2}
    for form in FORMS:
        if len(token) >= minimums[form] and form.startswith(token):
            return form
    return None


def query_virtual(user: User, operand: str | None) -> list[str]:
    form = full_form(operand) if operand is not None else "ALL"
    if form is None and operand is not None:
        return query_address(user, operand)
    if form == "STORAGE":
        return [storage_line(user)]
    if form == "DASD":
        return devices_of(user, "DASD") or ["NO DASD DEVICES"]
    if form == "CONSOLE":
        return devices_of(user, "CONS")
    if form == "CHANNELS":
        return ["CHANNELS= SEL"]
    if form == "UR":
        return unit_records(user) or ["NO UNIT RECORD DEVICES"]
    return [
        storage_line(user),
        *unit_records(user),
        *devices_of(user, "DASD"),
        *devices_of(user, "CONS"),
        "CHANNELS= SEL",
    ]


def query_address(user: User, token: str) -> list[str]:
    if not 1 <= len(token) <= 3 or any(c not in "0123456789ABCDEF" for c in token):
        raise invalid_operand("CQG", token)
    address = int(token, 16)
    virtual = user.vm.devices.get(address) if user.vm is not None else None
    if virtual is None:
        raise CPError("CQG", 40, f"DEV {address:03X} DOES NOT EXIST")
    return device_line(user, virtual)


def _ready(virtual: VirtualDevice) -> str:
    return "READY" if virtual.device.ready else "NOTREADY"


def unit_record_lines(user: User, virtual: VirtualDevice) -> list[str]:
    """``RDR 00C CL * NOCONT NOHOLD EOF READY``, ``PUN 00D CL A NOCONT NOHOLD COPY 01 READY``."""
    unit = virtual.unit
    assert unit is not None
    address = f"{virtual.address:03X}"
    if unit.reader is not None:
        reader = unit.reader
        return [
            f"RDR  {address} CL {reader.spool_class or '*'} "
            f"{'CONT' if reader.cont else 'NOCONT'} {'HOLD' if reader.hold else 'NOHOLD'} "
            f"{'EOF' if reader.eof else 'NOEOF'} {_ready(virtual)}"
        ]
    output = unit.output
    assert output is not None
    destination = f"TO {output.to}" if output.to else f"FOR {output.for_user or user.userid}"
    return [
        f"{unit.kind.value:<4} {address} CL {output.spool_class} "
        f"{'CONT' if output.cont else 'NOCONT'} {'HOLD' if output.hold else 'NOHOLD'} "
        f"COPY {output.copies:02d} {_ready(virtual)}",
        f"     {address} {destination} DIST {output.dist or user.userid}",
    ]
