"""DEFINE of virtual devices and COUPLE of channel-to-channel adapters.

reference/cp-cms.md 5.7 and 5.9: ``DEFine Reader|RDR|Printer|PRT|PUnch|PCH|
CONsole|CTCa [As] vaddr`` (and the device types 1403, 3211, 2540R, 2540P,
3505, 3525), ``DEFine vaddr1 [As] vaddr2`` renumbering an existing device;
the response (IMSG) is ``type vaddr DEFINED``. Changes last for the
session. T-disks, lines, 3270s and the channel mode are not built yet and
say so.
"""

from __future__ import annotations

from server.cp.messages import CPError, not_available, operand_missing
from server.cp.spooldev import make_unit_record
from server.cp.system import System, device_address
from server.cp.tdisk import POOL_VOLUMES
from server.cp.user import User
from server.cp.vdevices import VirtualDevice, console_device, minidisk_device
from server.machine.devices import ChannelToChannel
from spool.model import DeviceType

TDISK_OWNER = "$TDISK$"

UNIT_WORDS = {
    "READER": (DeviceType.RDR, "2540"), "RDR": (DeviceType.RDR, "2540"),
    "2540R": (DeviceType.RDR, "2540"), "3505": (DeviceType.RDR, "3505"),
    "PRINTER": (DeviceType.PRT, "1403"), "PRT": (DeviceType.PRT, "1403"),
    "1403": (DeviceType.PRT, "1403"), "1443": (DeviceType.PRT, "1443"),
    "3211": (DeviceType.PRT, "3211"), "PUNCH": (DeviceType.PUN, "2540"),
    "PCH": (DeviceType.PUN, "2540"), "PUN": (DeviceType.PUN, "2540"),
    "2540P": (DeviceType.PUN, "2540"), "3525": (DeviceType.PUN, "3525"),
}  # fmt: skip
CONSOLE_WORDS = ("CONSOLE", "CON", "CONS", "CONSO", "CONSOL")
CTCA_WORDS = ("CTCA", "CTC")


def parse_vaddr(token: str) -> int:
    address = device_address(token)
    if address is None:
        raise CPError("DEF", 22, "VADDR MISSING OR INVALID")
    return address


def define_device(system: System, user: User, words: list[str]) -> str:
    """DEFINE of a device; the response line."""
    vm = user.vm
    if vm is None:
        raise not_available("DEF", "VIRTUAL MACHINE")
    if words and words[0][1:] in POOL_VOLUMES and words[0].startswith("T"):
        return define_tdisk(system, user, words)
    if len(words) != 2:
        raise operand_missing("DEF")
    kind, target = words
    address = parse_vaddr(target)
    if address in vm.devices:
        raise CPError("DEF", 41, f"DEV {address:03X} ALREADY DEFINED")
    if kind in UNIT_WORDS:
        spool_kind, device_type = UNIT_WORDS[kind]
        if system.spool is None:
            raise not_available("DEF", "SPOOLED DEVICES")
        unit = make_unit_record(
            system,
            system.spool,
            user,
            address,
            spool_kind,
            "*" if spool_kind is DeviceType.RDR else "A",
        )
        vm.attach(
            VirtualDevice(
                address, spool_kind.value, unit.device, device_type=device_type, unit=unit
            )
        )
        return f"{spool_kind.value} {address:03X} DEFINED"
    if kind in CONSOLE_WORDS:
        if vm.console() is not None:
            raise CPError("DEF", 42, "CONSOLE ALREADY DEFINED")
        vm.attach(console_device(address, user))
        return f"CONS {address:03X} DEFINED"
    if kind in CTCA_WORDS:
        vm.attach(VirtualDevice(address, "CTCA", ChannelToChannel(), device_type="3088"))
        return f"CTC {address:03X} DEFINED"
    if all(c in "0123456789ABCDEF" for c in kind) and len(kind) <= 3:
        return renumber(system, user, parse_vaddr(kind), address)
    raise not_available("DEF", f"DEFINE {kind}")


def renumber(system: System, user: User, old: int, new: int) -> str:
    vm = user.vm
    assert vm is not None
    virtual = vm.devices.get(old)
    if virtual is None:
        raise CPError("DEF", 40, f"DEV {old:03X} DOES NOT EXIST")
    vm.detach(old)
    virtual.address = new
    if virtual.unit is not None:
        virtual.unit.address = new
    vm.attach(virtual)
    disk = system.links.disk_of((user.userid, old))
    if disk is not None:
        write = system.links.disks[disk].pop((user.userid, old))
        system.links.add(disk, (user.userid, new), write)
    kind = "CONS" if virtual.kind == "CONS" else virtual.kind
    return f"{kind} {new:03X} DEFINED"


def couple(system: System, user: User, words: list[str]) -> tuple[str, str, User]:
    """COUPLE vaddr1 [TO] userid vaddr2: the two responses and the partner."""
    words = [word for word in words if word != "TO"]
    if len(words) != 3:
        raise operand_missing("CTC")
    first, partner_id, second = parse_vaddr(words[0]), words[1], parse_vaddr(words[2])
    mine = user.vm.devices.get(first) if user.vm is not None else None
    if mine is None or not isinstance(mine.device, ChannelToChannel):
        raise CPError("CTC", 40, f"DEV {first:03X} DOES NOT EXIST")
    partner = system.find_user(partner_id)
    if partner is None:
        raise CPError("CTC", 45, f"{partner_id} NOT LOGGED ON")
    theirs = partner.vm.devices.get(second) if partner.vm is not None else None
    if theirs is None or not isinstance(theirs.device, ChannelToChannel):
        raise CPError("CTC", 40, f"DEV {second:03X} DOES NOT EXIST")
    from server.machine.devices import couple as join

    join(mine.device, theirs.device)
    return (
        f"CTCA {first:03X} COUPLE TO {partner.userid} {second:03X}",
        f"CTCA {second:03X} COUPLE BY {user.userid} {first:03X}",
        partner,
    )


def define_tdisk(system: System, user: User, words: list[str]) -> str:
    """``DEFINE T3350 [AS] vaddr [CYL] nnn``: a temporary minidisk from the pool."""
    operands = [word for word in words[1:] if word not in ("CYL", "CYLS")]
    if len(operands) != 2 or not operands[1].isdigit() or int(operands[1]) < 1:
        raise operand_missing("DEF")
    address, cylinders = parse_vaddr(operands[0]), int(operands[1])
    vm = user.vm
    assert vm is not None
    if address in vm.devices:
        raise CPError("DEF", 41, f"DEV {address:03X} ALREADY DEFINED")
    if system.tdisks is None or system.volumes is None:
        raise not_available("DEF", "T-DISKS")
    disk = system.tdisks.allocate(words[0][1:], cylinders, user.userid, address)
    virtual = minidisk_device(system.volumes, TDISK_OWNER, disk, address, False)
    if virtual is None:
        system.tdisks.release(user.userid, address)
        raise not_available("DEF", "T-DISK VOLUME")
    vm.attach(virtual)
    return f"DASD {address:03X} DEFINED"
