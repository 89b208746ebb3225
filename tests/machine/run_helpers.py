"""Small programs for the processor's unit tests: code at X'200' ending in a wait.

Programs must leave R15 alone: the exit sequence uses it to save the final
condition code.  Every new PSW is a disabled wait whose address is its own
slot (X'58' external, X'60' SVC, X'68' program, X'78' I/O), so the final PSW
names the interruption taken; a program that ends normally loads the wait
PSW ``END_PSW`` (address EE00).
"""

from __future__ import annotations

from server.machine import Machine, Stop

START = 0x200
END_PSW = bytes.fromhex("000200000000EE00")
END_PSW_EC = bytes.fromhex("000A00000000EE00")
END_AT = 0x1F0
LINK_AT = 0x1E8
# BALR 15,0 / ST 15,X'1E8' / LPSW X'1F0': the link information keeps the final CC.
EXIT = bytes.fromhex("05F0 50F001E8 820001F0")


def code(text: str) -> bytes:
    """Hex text with spaces and '|' separators into bytes."""
    return bytes.fromhex(text.replace("|", " "))


def prepare(program: str | bytes, *, size: int = 64 * 1024, ec: bool = False,
            psw: bytes | None = None) -> Machine:
    machine = Machine(storage_size=size)
    for slot in (0x58, 0x60, 0x68, 0x70, 0x78):
        wait = bytes.fromhex("000A0000" if ec else "00020000") + slot.to_bytes(4, "big")
        machine.load(slot, wait)
    machine.load(END_AT, END_PSW_EC if ec else END_PSW)
    body = code(program) if isinstance(program, str) else program
    machine.load(START, body + EXIT)
    start = psw or (bytes.fromhex("00080000") if ec else bytes(4)) + START.to_bytes(4, "big")
    machine.set_psw(start)
    return machine


def run(program: str | bytes, *, regs: dict[int, int] | None = None, limit: int = 100_000,
        **options: object) -> Machine:
    """Run ``program`` to its wait; the machine is returned for inspection."""
    machine = prepare(program, **options)  # type: ignore[arg-type]
    for number, value in (regs or {}).items():
        machine.set_gpr(number, value)
    reason = machine.run(limit)
    assert reason in (Stop.DISABLED_WAIT, Stop.WAIT), reason
    return machine


def ended(machine: Machine) -> bool:
    return machine.psw()[5:] == b"\x00\xee\x00"


def cc(machine: Machine) -> int:
    """The condition code when the program ended (saved by its BALR 15,0; R15 is lost)."""
    return machine.read(LINK_AT, 1)[0] >> 4 & 3


def program_check(machine: Machine) -> tuple[int, int, int]:
    """(interruption code, ILC, old-PSW address) of the last BC program interruption."""
    old = machine.read(0x28, 8)
    return int.from_bytes(old[2:4], "big"), old[4] >> 6, int.from_bytes(old[5:8], "big")
