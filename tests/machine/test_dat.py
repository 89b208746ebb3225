"""Dynamic address translation (GA22-7000 chapter 3) and control instructions."""

from __future__ import annotations

from server.machine import Machine
from tests.machine.run_helpers import cc, ended, prepare

EC_DAT_PSW = bytes.fromhex("04080000 00000200")
CR0_4K_64K = 0x00800000
CR0_2K_1M = 0x00500000


def paged_machine(program: str, cr0: int = CR0_4K_64K) -> Machine:
    """Segment table at X'800', one page table at X'900' for segment 0:
    virtual page 1 -> real X'3000', page 2 invalid, other pages identity."""
    machine = prepare(program, ec=True, size=256 * 1024)
    machine.set_cr(0, cr0)
    machine.set_cr(1, 0x00000800)
    machine.load(0x800, (0xF0000000 | 0x900).to_bytes(4, "big"))
    for page in range(16):
        if cr0 == CR0_4K_64K:
            entry = 0x0008 if page == 2 else (0x30 if page == 1 else page << 4)
        else:
            entry = 0x0004 if page == 2 else (0x30 if page == 1 else page << 3)
        machine.load(0x900 + 2 * page, entry.to_bytes(2, "big"))
    machine.load(0x68, bytes.fromhex("000A0000 00000068"))
    machine.set_psw(EC_DAT_PSW)
    machine.set_gpr(9, 0x1000)  # base registers for the virtual pages 1 and 2
    machine.set_gpr(10, 0x2000)
    return machine


def test_translated_fetch_and_lra() -> None:
    # L 1,0(,9) (virtual page 1) / LRA 3,4(,9) / LRA 4,0(,10)
    machine = paged_machine("58109000 B1309004 B140A000")
    machine.load(0x3000, b"REAL")
    machine.run(1000)
    assert ended(machine)
    assert machine.gpr(1).to_bytes(4, "big") == b"REAL"
    assert machine.gpr(3) == 0x3004
    assert machine.gpr(4) == 0x904  # the invalid page-table entry
    assert cc(machine) == 2


def test_page_translation_exception_is_nullified_with_address_at_90() -> None:
    machine = paged_machine("41100001 5820A008")  # L 2,8(,10): page 2 is invalid
    machine.run(1000)
    assert machine.psw()[5:] == b"\x00\x00\x68"
    assert machine.read(0x8C, 4) == bytes.fromhex("00040011")
    assert machine.read(0x90, 4) == bytes.fromhex("00002008")
    assert machine.read(0x28, 8)[5:] == bytes.fromhex("000204")  # points at the L


def test_segment_table_length_violation() -> None:
    machine = paged_machine("58100000 58200000")
    machine.set_gpr(0, 0)
    # Virtual X'110000' is segment 17: beyond a table of 16 entries (length code 0).
    machine.load(0x200, bytes.fromhex("58000000 41A00011 89A00010 5810A000"))
    machine.run(1000)
    assert machine.read(0x8C, 4)[2:] == bytes.fromhex("0010")
    assert machine.read(0x90, 4) == bytes.fromhex("00110000")


def test_2k_pages_with_1m_segments() -> None:
    machine = paged_machine("58100800 58200810", cr0=CR0_2K_1M)
    machine.load(0x3000, b"PAGE")
    machine.run(1000)
    assert ended(machine)
    assert machine.gpr(1).to_bytes(4, "big") == b"PAGE"


def test_bad_page_size_is_translation_specification() -> None:
    machine = paged_machine("58109000", cr0=0x00C00000)
    machine.run(1000)
    assert machine.read(0x8C, 4)[2:] == bytes.fromhex("0012")


def test_tlb_survives_table_changes_until_ptlb() -> None:
    # L 1,0(,9) / MVC page-table entry 1 := frame 4 (virtual page 0 is real storage)
    # L 2,0(,9) (still the old frame) / PTLB / L 3,0(,9) (new frame)
    machine = paged_machine("58109000 D2010902 0400 58209000 B20D0000 58309000")
    machine.load(0x400, (0x40).to_bytes(2, "big"))
    machine.load(0x3000, b"OLD!")
    machine.load(0x4000, b"NEW!")
    machine.run(1000)
    assert machine.gpr(1).to_bytes(4, "big") == b"OLD!"
    assert machine.gpr(2).to_bytes(4, "big") == b"OLD!"
    assert machine.gpr(3).to_bytes(4, "big") == b"NEW!"


def test_instructions_run_from_translated_pages() -> None:
    # BC 15,0(,9) -> virtual page 1 (real X'3000'), which branches back to the exit.
    machine = paged_machine("47F09000 41900009")
    machine.load(0x3000, bytes.fromhex("41800007 47F00204"))
    machine.run(1000)
    assert ended(machine)
    assert (machine.gpr(8), machine.gpr(9)) == (7, 9)


def test_storage_keys_ssk_isk_rrb() -> None:
    # SSK 1,2 / ISK 3,2 (BC: key and fetch bit only) / RRB 0(2)
    machine = prepare("0812 0932 B2132000")
    machine.set_gpr(1, 0x3E)
    machine.set_gpr(2, 0x800)
    machine.set_gpr(3, 0xFFFFFFFF)
    machine.run(1000)
    assert machine.gpr(3) == 0xFFFFFF38
    assert cc(machine) == 3  # reference and change were set by SSK
    assert machine.key(0x800) == 0x3A  # reference reset


def test_isk_in_ec_mode_includes_reference_and_change() -> None:
    machine = prepare("0812 0932", ec=True)
    machine.set_gpr(1, 0x3E)
    machine.set_gpr(2, 0x800)
    machine.run(1000)
    assert machine.gpr(3) & 0xFF == 0x3E


def test_lctl_stctl() -> None:
    machine = prepare("B7350300 B6350310")
    machine.load(0x300, bytes.fromhex("00000003 00000004 00000005"))
    machine.run(1000)
    assert [machine.cr(n) for n in (3, 4, 5)] == [3, 4, 5]
    assert machine.read(0x310, 12) == bytes.fromhex("00000003 00000004 00000005")


def test_low_address_protection() -> None:
    machine = prepare("92FF0100")  # MVI X'100',X'FF'
    machine.set_cr(0, 0x100000E0)
    machine.run(1000)
    assert machine.read(0x2A, 2) == bytes.fromhex("0004")
    assert machine.read(0x100, 1) == b"\x00"
