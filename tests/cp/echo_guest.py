"""A small guest written in Python, registered by tests as ``IPL ECHO``.

It exercises the whole guest interface: console reads and writes, CP
commands with captured responses, checkpoints in a long loop, and a user
program run on the virtual CPU that ends with an SVC the guest services.
"""

from __future__ import annotations

from server.cp.abi import GuestInterface

# 2000: LA 1,7 / AR 1,1 / SVC 202 (the guest's "program done")
PROGRAM = bytes.fromhex("411000071A110ACA")


async def main(guest: GuestInterface) -> None:
    guest.write(f"ECHO READY {guest.userid} PARM={guest.parm or '-'}")
    while True:
        line = (await guest.read()).strip()
        word = line.upper()
        if word == "QUIT":
            guest.write("ECHO ENDING")
            return
        if word == "CPQ":
            code, lines = await guest.cp("QUERY USERID")
            guest.write(f"CP RC={code}", *lines)
        elif word == "SPIN":
            count = 0
            while not guest.attention:
                count += 1
                await guest.checkpoint()
            guest.write(f"SPUN {count}")
        elif word == "PROG":
            guest.write_storage(0x2000, PROGRAM)
            event = await guest.run_program(bytes.fromhex("0000000000002000"), frozenset({202}))
            guest.write(f"PROGRAM {event.reason} {event.svc} R1={guest.gpr(1)}")
        elif word == "BOOM":
            raise RuntimeError("the echo guest was asked to fail")
        else:
            guest.write(f"ECHO: {line}")
