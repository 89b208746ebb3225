"""A Python guest (``IPL SCREEN`` in tests) that uses DIAGNOSE X'58' through the guest
interface: a full-screen Erase/Write, a wait for the user's key, Read Modified, and a
garbage data stream that CP must refuse."""

from __future__ import annotations

from server.cp.abi import GuestInterface

CCW, SCREEN, BUFFER = 0x1000, 0x1100, 0x1200
# WCC; SBA 0, protected title; SBA 159, an unprotected field with the cursor; SBA 180, stop
SCREEN_DATA = (
    bytes.fromhex("C3 114040 1DF8")
    + "PYTHON GUEST SCREEN".encode("cp037")
    + bytes.fromhex("11C25F 1D40 13 11C274 1DF0")
)


def ccw(opcode: int, address: int, control: int, count: int) -> bytes:
    return (
        bytes((opcode,))
        + address.to_bytes(3, "big")
        + bytes((0x20, control))
        + count.to_bytes(2, "big")
    )


async def main(guest: GuestInterface) -> None:
    console = (await guest.diagnose(0x24, rx=0xFFFFFFFF)).rx
    guest.write_storage(SCREEN, SCREEN_DATA)
    guest.write_storage(CCW, ccw(0x29, SCREEN, 0x80, len(SCREEN_DATA)))
    result = await guest.diagnose(0x58, rx=CCW, ry=console)
    if result.cc != 0:
        guest.write(f"ERASE/WRITE CC {result.cc}")
        return
    await guest.wait_screen_input()
    guest.write_storage(CCW, ccw(0x2A, BUFFER, 0x80, 100))
    result = await guest.diagnose(0x58, rx=CCW, ry=console)
    if result.cc != 0:
        status = guest.read_storage(0x44, 1)[0]
        guest.write(f"SCREEN TAKEN BACK, READ CC {result.cc} STATUS {status:02X}")
        return
    residual = int.from_bytes(guest.read_storage(0x46, 2), "big")
    reply = guest.read_storage(BUFFER, 100 - residual)
    text = reply[6:].decode("cp037")
    guest.write_storage(SCREEN, bytes.fromhex("C3 11"))  # an SBA cut short
    guest.write_storage(CCW, ccw(0x29, SCREEN, 0x80, 2))
    garbage = await guest.diagnose(0x58, rx=CCW, ry=console)
    guest.write(f"READ CC {result.cc} AID {reply[0]:02X} TEXT {text}", f"GARBAGE CC {garbage.cc}")
