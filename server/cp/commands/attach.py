"""The operator's ATTACH and DETACH of real volumes (class B; reference/cp-cms.md §6).

vm370's real DASD are the volume images of the data directory, named by
volser: ``ATTACH volser [TO] userid [AS] vaddr [R/O]`` gives the user the
whole volume as a dedicated disk; ``DETACH volser [FROM] userid`` takes it
back. One volume is attached to one user at a time.
"""

from __future__ import annotations

from directory.model import Minidisk
from server.cp.context import CommandContext
from server.cp.messages import CPError, not_available, operand_missing
from server.cp.registry import command
from server.cp.vdevices import minidisk_device
from server.dasd.ckd import CkdImage
from server.dasd.errors import VolumeError

DEDICATED = "$DEDICATED$"


def parse(words: list[str], joiner: str) -> list[str]:
    return [word for word in words if word not in (joiner, "AS")]


@command("ATTACH", minimum=3, classes="B", syntax="ATTach volser [TO] userid [AS] vaddr [R/O]")
async def attach(ctx: CommandContext) -> None:
    system = ctx.system
    words = parse(ctx.operands, "TO")
    read_only = words[-1:] == ["R/O"]
    words = words[:-1] if read_only else words
    if len(words) != 3:
        raise operand_missing("ATT")
    volser, userid, vaddr_text = words
    user = system.find_user(userid)
    if user is None or user.vm is None:
        raise CPError("ATT", 45, f"{userid} NOT LOGGED ON")
    if system.volumes is None:
        raise not_available("ATT", "REAL DEVICES")
    if volser in system.offline_volumes:
        raise CPError("ATT", 40, f"DASD {volser} IS OFFLINE")
    if volser in system.attached:
        owner = system.attached[volser][0]
        raise CPError("ATT", 122, f"DASD {volser} ALREADY ATTACHED TO {owner}")
    try:
        address = int(vaddr_text, 16)
        image = system.volumes.open(volser)
    except (ValueError, VolumeError) as error:
        raise CPError("ATT", 40, f"DEV {volser} DOES NOT EXIST ({error})") from None
    if address in user.vm.devices:
        raise CPError("ATT", 41, f"DEV {address:03X} ALREADY DEFINED")
    size = image.cylinders if isinstance(image, CkdImage) else image.blocks
    device_type = getattr(getattr(image, "geometry", None), "device_type", 0)
    disk = Minidisk(address, f"{device_type:04X}", 0, size, volser, "W")
    virtual = minidisk_device(system.volumes, DEDICATED, disk, address, read_only)
    if virtual is None:
        raise CPError("ATT", 40, f"DEV {volser} DOES NOT EXIST")
    user.vm.attach(virtual)
    system.attached[volser] = (user.userid, address)
    user.write(f"DASD {address:03X} ATTACHED")
    ctx.reply(f"DASD {volser} ATTACHED TO {user.userid} {address:03X}")


async def take_back(ctx: CommandContext, words: list[str]) -> None:
    """Class B ``DETACH volser [FROM] userid``: an attached volume goes back to the system."""
    system = ctx.system
    if len(words) != 2:
        raise operand_missing("VDD")
    volser, userid = words
    holder = system.attached.get(volser)
    if holder is None or holder[0] != userid:
        raise CPError("VDD", 40, f"DEV {volser} NOT ATTACHED TO {userid}")
    user = system.find_user(userid)
    address = holder[1]
    del system.attached[volser]
    if user is not None and user.vm is not None:
        user.vm.detach(address)
        user.write(f"DASD {address:03X} DETACHED BY {ctx.user.userid}")
    ctx.reply(f"DASD {volser} DETACHED FROM {userid}")
