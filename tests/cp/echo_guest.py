"""A small guest written in Python, registered by tests as ``IPL ECHO``.

It exercises the whole guest interface: console reads and writes, CP
commands with captured responses, checkpoints in a long loop, and a user
program run on the virtual CPU that ends with an SVC the guest services.
"""

from __future__ import annotations

from server.cp.abi import GuestInterface
from spool.model import FileName, OutputSettings

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
        elif word == "DIAG":
            size = await guest.diagnose(0x60)
            command = "QUERY USERID".encode("cp037")
            guest.write_storage(0x3000, command)
            answer = await guest.diagnose(
                0x08, rx=0x3000, rx1=0x3100, ry=0x40000000 | len(command), ry1=200
            )
            text = guest.read_storage(0x3100, answer.ry1).decode("cp037")
            guest.write(f"DIAG60 {size.rx:X} DIAG08 CC={answer.cc} RC={answer.ry} {text}")
        elif word == "SMSGON":
            code, _ = await guest.cp("SET SMSG ON")
            guest.write(f"SMSG ON RC={code}")
        elif word == "WAITSMSG":
            sender, text = await guest.next_smsg()
            guest.write(f"SMSG FROM {sender}: {text}")
        elif word.startswith("NET "):
            await network(guest, int(word.split()[1]))
        elif word.startswith("SENDTO "):
            settings = OutputSettings(to=word.split()[1], spool_class="A")
            settings.name = FileName("ECHO", "DATA")
            sent = await guest.send_file([b"\xc8\xc9".ljust(80, b"\x40")], settings)
            guest.write(f"SENT {sent.spoolid:04d}")
        elif word == "READFILE":
            found = await guest.next_reader_file()
            if found is None:
                guest.write("READER EMPTY")
            else:
                await guest.finish_reader_file(found)
                text = found.records[0][:2].decode("cp037")
                guest.write(f"READ {found.spool_file.originator} {len(found.records)} {text}")
        elif word == "STATE":
            state = await guest.load_state()
            state["count"] = state.get("count", 0) + 1
            await guest.save_state(state)
            guest.write(f"STATE {state['count']} {guest.settings.get('greeting', '-')}")
        elif word == "BOOM":
            raise RuntimeError("the echo guest was asked to fail")
        else:
            guest.write(f"ECHO: {line}")


async def network(guest: GuestInterface, port: int) -> None:
    """Connect to a TCP port on this host, send a line, show the answer (OPTION NETWORK)."""
    try:
        reader, writer = await guest.open_connection("127.0.0.1", port)
    except PermissionError as refused:
        guest.write(f"NET REFUSED: {refused}")
        return
    writer.write(b"HELLO FROM THE GUEST\n")
    await writer.drain()
    answer = await reader.readline()
    writer.close()
    guest.write(f"NET ANSWER: {answer.decode().strip()}")
