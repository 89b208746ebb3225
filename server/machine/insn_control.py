"""Control instructions: PSW, storage keys, control registers, timers, DAT, DIAGNOSE.

Models Principles of Operation (GA22-7000) chapter 10, "Control
Instructions" (LPSW, SSM, STNSM, STOSM, SSK, ISK, RRB, SPKA, IPK, LCTL,
STCTL, SCK, STCK, SCKC, STCKC, SPT, STPT, STIDP, LRA, PTLB, SIGP, MC) and
DIAGNOSE, which is handed to the embedder's hook.  Instructions that change
masks, timers or the mode end with ``SliceBreak`` so that the CPU looks at
pending interruptions before the next instruction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from server.machine import dat, psw
from server.machine.isa import (
    ADDRESSING,
    MONITOR_EVENT,
    PRIVILEGED_OPERATION,
    SPECIAL_OPERATION,
    SPECIFICATION,
    Format,
    ProgramCheck,
    SliceBreak,
    instruction,
)
from server.machine.storage import CHANGE, FETCH_PROTECT, KEY_MASK, REFERENCE

if TYPE_CHECKING:
    from server.machine.cpu import CPU

SSM_SUPPRESSION = 0x40000000  # CR0 bit 1
EXTRACTION_AUTHORITY = 0x08000000  # CR0 bit 4


def _address(cpu: CPU, b2: int, d2: int) -> int:
    return (cpu.r[b2] + d2) & 0xFFFFFF


def _doubleword(cpu: CPU, b2: int, d2: int) -> int:
    address = _address(cpu, b2, d2)
    if address & 7:
        raise ProgramCheck(SPECIFICATION)
    return address


@instruction(0x82, "LPSW", Format.S, privileged=True)
def load_psw(cpu: CPU, b2: int, d2: int) -> None:
    "82 LPSW - Load PSW [S]"
    psw.load(cpu, cpu.fetch(_doubleword(cpu, b2, d2), 8))
    raise SliceBreak()  # an invalid PSW is reported before the next instruction


@instruction(0x80, "SSM", Format.S, privileged=True)
def set_system_mask(cpu: CPU, b2: int, d2: int) -> None:
    "80 SSM - Set System Mask [S]"
    if cpu.cr[0] & SSM_SUPPRESSION:
        raise ProgramCheck(SPECIAL_OPERATION)
    if not psw.set_system_mask(cpu, cpu.fetch1(_address(cpu, b2, d2))):
        raise ProgramCheck(SPECIFICATION)
    raise SliceBreak()


@instruction(0xAC, "STNSM", Format.SI, privileged=True)
def store_then_and_system_mask(cpu: CPU, i2: int, b1: int, d1: int) -> None:
    "AC STNSM - Store Then AND System Mask [SI]"
    cpu.store1(_address(cpu, b1, d1), cpu.sysmask)
    if not psw.set_system_mask(cpu, cpu.sysmask & i2):
        raise ProgramCheck(SPECIFICATION)
    raise SliceBreak()


@instruction(0xAD, "STOSM", Format.SI, privileged=True)
def store_then_or_system_mask(cpu: CPU, i2: int, b1: int, d1: int) -> None:
    "AD STOSM - Store Then OR System Mask [SI]"
    cpu.store1(_address(cpu, b1, d1), cpu.sysmask)
    if not psw.set_system_mask(cpu, cpu.sysmask | i2):
        raise ProgramCheck(SPECIFICATION)
    raise SliceBreak()


# -- storage keys ---------------------------------------------------------------------

def _key_block(cpu: CPU, r2: int) -> int:
    value = cpu.r[r2]
    if value & 0x0F:
        raise ProgramCheck(SPECIFICATION)
    address = value & 0xFFF800
    if address >= cpu.size:
        raise ProgramCheck(ADDRESSING)
    return address


@instruction(0x08, "SSK", Format.RR, privileged=True)
def set_storage_key(cpu: CPU, r1: int, r2: int) -> None:
    "08 SSK - Set Storage Key [RR]"
    address = _key_block(cpu, r2)
    cpu.skeys[address >> 11] = cpu.r[r1] & 0xFE
    cpu.invalidate(address, 2048)
    cpu.permissions_key = -1  # compiled blocks check keys through these tables
    raise SliceBreak()


@instruction(0x09, "ISK", Format.RR, privileged=True)
def insert_storage_key(cpu: CPU, r1: int, r2: int) -> None:
    "09 ISK - Insert Storage Key [RR]"
    key = cpu.skeys[_key_block(cpu, r2) >> 11]
    if not cpu.ec:
        key &= KEY_MASK | FETCH_PROTECT
    cpu.r[r1] = cpu.r[r1] & 0xFFFFFF00 | key & 0xFE


@instruction(0xB213, "RRB", Format.S, privileged=True)
def reset_reference_bit(cpu: CPU, b2: int, d2: int) -> None:
    "B213 RRB - Reset Reference Bit [S]"
    address = _address(cpu, b2, d2)
    if address >= cpu.size:
        raise ProgramCheck(ADDRESSING)
    block = address >> 11
    key = cpu.skeys[block]
    cpu.cc = (2 if key & REFERENCE else 0) | (1 if key & CHANGE else 0)
    cpu.skeys[block] = key & ~REFERENCE


@instruction(0xB20A, "SPKA", Format.S)
def set_psw_key_from_address(cpu: CPU, b2: int, d2: int) -> None:
    "B20A SPKA - Set PSW Key from Address [S]"
    key = _address(cpu, b2, d2) >> 4 & 15
    if cpu.problem and not cpu.cr[3] << key & 0x80000000:
        raise ProgramCheck(PRIVILEGED_OPERATION)
    cpu.key = key
    raise SliceBreak()


@instruction(0xB20B, "IPK", Format.S)
def insert_psw_key(cpu: CPU, b2: int, d2: int) -> None:
    "B20B IPK - Insert PSW Key [S]"
    if cpu.problem and not cpu.cr[0] & EXTRACTION_AUTHORITY:
        raise ProgramCheck(PRIVILEGED_OPERATION)
    cpu.r[2] = cpu.r[2] & 0xFFFFFF00 | cpu.key << 4


# -- control registers -------------------------------------------------------------------

@instruction(0xB7, "LCTL", Format.RS, privileged=True)
def load_control(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    "B7 LCTL - Load Control [RS]"
    address = _address(cpu, b2, d2)
    if address & 3:
        raise ProgramCheck(SPECIFICATION)
    count = (r3 - r1) % 16 + 1
    data = cpu.fetch(address, 4 * count)
    for i in range(count):
        cpu.cr[(r1 + i) % 16] = int.from_bytes(data[4 * i : 4 * i + 4], "big")
    cpu.flush_translation()
    cpu.mode_changed()
    raise SliceBreak()


@instruction(0xB6, "STCTL", Format.RS, privileged=True)
def store_control(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    "B6 STCTL - Store Control [RS]"
    address = _address(cpu, b2, d2)
    if address & 3:
        raise ProgramCheck(SPECIFICATION)
    count = (r3 - r1) % 16 + 1
    cpu.store(address, b"".join(cpu.cr[(r1 + i) % 16].to_bytes(4, "big")
                                for i in range(count)))


# -- timing -----------------------------------------------------------------------------

@instruction(0xB205, "STCK", Format.S, sync=True)
def store_clock(cpu: CPU, b2: int, d2: int) -> None:
    "B205 STCK - Store Clock [S]"
    cpu.store8(_address(cpu, b2, d2), cpu.timers.store_clock(cpu.instructions_executed))
    cpu.cc = 0


@instruction(0xB204, "SCK", Format.S, privileged=True, sync=True)
def set_clock(cpu: CPU, b2: int, d2: int) -> None:
    "B204 SCK - Set Clock [S]"
    value = cpu.fetch8(_doubleword(cpu, b2, d2))
    cpu.timers.set_tod(value, cpu.instructions_executed)
    cpu.cc = 0
    raise SliceBreak()


@instruction(0xB206, "SCKC", Format.S, privileged=True)
def set_clock_comparator(cpu: CPU, b2: int, d2: int) -> None:
    "B206 SCKC - Set Clock Comparator [S]"
    cpu.timers.clock_comparator = cpu.fetch8(_doubleword(cpu, b2, d2))
    raise SliceBreak()


@instruction(0xB207, "STCKC", Format.S, privileged=True)
def store_clock_comparator(cpu: CPU, b2: int, d2: int) -> None:
    "B207 STCKC - Store Clock Comparator [S]"
    cpu.store8(_doubleword(cpu, b2, d2), cpu.timers.clock_comparator)


@instruction(0xB208, "SPT", Format.S, privileged=True, sync=True)
def set_cpu_timer(cpu: CPU, b2: int, d2: int) -> None:
    "B208 SPT - Set CPU Timer [S]"
    value = cpu.fetch8(_doubleword(cpu, b2, d2))
    cpu.timers.set_cpu_timer(value, cpu.instructions_executed)
    raise SliceBreak()


@instruction(0xB209, "STPT", Format.S, privileged=True, sync=True)
def store_cpu_timer(cpu: CPU, b2: int, d2: int) -> None:
    "B209 STPT - Store CPU Timer [S]"
    value = cpu.timers.cpu_timer(cpu.instructions_executed)
    cpu.store8(_doubleword(cpu, b2, d2), value & 0xFFFFFFFFFFFFFFFF)


# -- identification, translation, multiprocessing ---------------------------------------

@instruction(0xB202, "STIDP", Format.S, privileged=True)
def store_cpu_id(cpu: CPU, b2: int, d2: int) -> None:
    "B202 STIDP - Store CPU ID [S]"
    cpu.store8(_doubleword(cpu, b2, d2), cpu.cpu_id)


@instruction(0xB1, "LRA", Format.RX, privileged=True)
def load_real_address(cpu: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    "B1 LRA - Load Real Address [RX]"
    r = cpu.r
    cc, address = dat.load_real_address(cpu, (r[x2] + r[b2] + d2) & 0xFFFFFF)
    r[r1] = address & 0xFFFFFF
    cpu.cc = cc


@instruction(0xB20D, "PTLB", Format.S, privileged=True, shape="")
def purge_tlb(cpu: CPU, b2: int, d2: int) -> None:
    "B20D PTLB - Purge TLB [S]"
    cpu.flush_translation()


@instruction(0xAE, "SIGP", Format.RS, privileged=True)
def signal_processor(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    "AE SIGP - Signal Processor [RS]"
    order = _address(cpu, b2, d2) & 0xFF
    if cpu.r[r3] & 0xFFFF != cpu.cpu_address:
        cpu.cc = 3  # no other CPU is installed
        return
    if order == 0x02:
        cpu.pending_external.add(0x1202)
    elif order == 0x03:
        cpu.pending_external.add(0x1201)
    elif order != 0x01:
        cpu.r[r1] = 0x00000002  # invalid order for this uniprocessor
        cpu.cc = 1
        return
    cpu.cc = 0
    raise SliceBreak()


@instruction(0xAF, "MC", Format.SI)
def monitor_call(cpu: CPU, i2: int, b1: int, d1: int) -> None:
    "AF MC - Monitor Call [SI]"
    if i2 & 0xF0:
        raise ProgramCheck(SPECIFICATION)
    monitor_class = i2 & 0x0F
    if cpu.cr[8] & (0x8000 >> monitor_class):
        code = _address(cpu, b1, d1)
        cpu.store_real(0x94, bytes((0, monitor_class)))
        cpu.store_real(0x9C, code.to_bytes(4, "big"))
        raise ProgramCheck(MONITOR_EVENT)


@instruction(0x83, "DIAG", Format.RS, privileged=True)
def diagnose(cpu: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    "83 DIAG - Diagnose [RS]"
    hook = cpu.diagnose_hook
    if hook is None or not hook(r1, r3, _address(cpu, b2, d2)):
        raise ProgramCheck(SPECIFICATION)
    if cpu.stop_request is not None:
        raise SliceBreak()
