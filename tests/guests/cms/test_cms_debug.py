"""DEBUG (guests/cms/debug.py) and SVCTRACE (guests/cms/svctrace.py) without a CPU:
the subcommands against a fake virtual machine, and garbage that must only give messages."""

from __future__ import annotations

import asyncio
from collections import deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guests.cms.console import Halted
from guests.cms.debug import SUBCOMMANDS, Session, Snapshot, dump_lines, hexinfo, subcommand_name
from guests.cms.nucleus import Cms
from guests.cms.svctrace import SvcTrace
from tests.guests.cms.cmsfake import SessionOver, standard_disks
from tests.guests.cms.test_loader import ProgramFake


def debug_session(*lines: str) -> tuple[ProgramFake, Cms, int | None]:
    """``DEBUG`` typed at CMS, then ``lines`` in the debug environment."""
    guest = ProgramFake()
    guest.lines = deque(lines)
    cms = Cms(guest, standard_disks())
    try:
        code = asyncio.run(cms.terminal_line("DEBUG"))
    except SessionOver:
        code = -999
    return guest, cms, code


def test_entry_gpr_set_store_x_and_return() -> None:
    guest, cms, code = debug_session(
        "set gpr 3 1234 abcdef01", "gpr 3 4", "store 30000 c1c2 3", "x 30000 4",
        "define fld 30000 3", "x fld", "origin 30000", "x 2 2", "return",
    )  # fmt: skip
    assert code == 0
    out = guest.output
    assert "DMSDBG728I DEBUG ENTERED" in out
    assert "GPR  3 = 00001234  ABCDEF01" in out
    assert "030000  C1C20300" in out
    assert "030000  C1C203" in out
    assert "030002  0300" in out
    assert guest.registers[3] == 0x1234 and guest.registers[4] == 0xABCDEF01  # given back
    assert cms.debug.symbols["FLD"] == (0x30000, 3) and cms.debug.origin == 0x30000


def test_breakpoints_replace_the_halfword_and_clear() -> None:
    guest, cms, _ = debug_session("break 1 30010", "break 2 30010", "break 1 30020", "return")
    assert guest.read_storage(0x30010, 2) == b"\x00\x02"  # break 2 over break 1's trap
    assert guest.read_storage(0x30020, 2) == b"\x00\x01"
    assert cms.debug.breakpoint_at(guest, 0x30010) == 2
    cms.debug.clear(guest, 2)
    assert guest.read_storage(0x30010, 2) == b"\x00\x00"  # the original halfword
    assert cms.debug.breakpoint_at(guest, 0x30010) is None


def test_errors_are_messages_and_the_environment_stays() -> None:
    guest, _, code = debug_session(
        "frob", "gpr 16", "gpr", "break 1 30011", "break 99 30010", "define 123 30000",
        "x nosuch", "store 30000 xyz", "set psw", "set gpr 1", "define a 30000 57",
        "origin fffffff", "psw extra", "go", "return",
    )  # fmt: skip
    assert code == 0
    out = guest.output
    assert "DMSDBG014E INVALID FUNCTION 'FROB'" in out
    assert "DMSDBG070E INVALID PARAMETER '16'" in out
    assert "DMSDBG070E INVALID PARAMETER '30011'" in out
    assert "DMSDBG070E INVALID PARAMETER '123'" in out
    assert "DMSDBG070E INVALID PARAMETER 'GO'" in out  # nothing to go to from DEBUG
    assert out.count("DMSDBG070E INVALID PARAMETER 'GO'") == 1


def test_hx_halts_and_psw_caw_csw_display() -> None:
    guest = ProgramFake()
    guest.lines = deque(["set psw 00000000 00020000", "psw", "caw", "set csw 1 2", "csw", "hx"])
    cms = Cms(guest, standard_disks())
    session = Session.enter(cms, guest, None, at_break=False)
    with pytest.raises(Halted):
        asyncio.run(session.run())
    assert "00000000 00020000" in guest.output
    assert "00000000" in guest.output
    assert "00000001 00000002" in guest.output


def test_debug_after_an_abend_shows_its_registers() -> None:
    guest = ProgramFake()
    guest.lines = deque(["gpr 15", "psw", "return"])
    cms = Cms(guest, standard_disks())
    gprs = [0] * 16
    gprs[15] = 0xBAD
    cms.debug.abend = Snapshot(gprs, bytes.fromhex("00E0000340020006"))
    assert asyncio.run(cms.terminal_line("DEBUG")) == 0
    assert "GPR 15 = 00000BAD" in guest.output
    assert "00E00003 40020006" in guest.output
    cms.debug.abend = Snapshot(gprs)
    asyncio.run(cms.terminal_line("QUERY BLIP"))
    assert cms.debug.abend is None  # any other command forgets it


def test_hexinfo_and_abbreviations() -> None:
    assert hexinfo("ABC") == b"\x0a\xbc"
    assert hexinfo("123456789") == bytes.fromhex("12345678")
    assert subcommand_name("RET") == "RETURN" and subcommand_name("RE") is None
    assert subcommand_name("X") == "X" and subcommand_name("DU") == "DUMP"
    assert subcommand_name("D") is None and subcommand_name("STO") == "STORE"
    assert {name for name, _ in SUBCOMMANDS} >= {"BREAK", "GPR", "GO", "RETURN", "HX"}


def test_dump_lines_leave_out_equal_lines() -> None:
    guest = ProgramFake()
    guest.write_storage(0x100, "HELLO".encode("cp037"))
    lines = dump_lines(guest, Snapshot([0] * 16), 0x100, 0x1FF, "MINE")
    assert lines[0] == "DEBUG DUMP MINE"
    assert lines[4].startswith("000100  C8C5D3D3 D6000000") and "*HELLO" in lines[4]
    assert lines[6] == "     SAME AS ABOVE" and lines[-1].startswith("0001E0")


def test_svctrace_lines() -> None:
    guest = ProgramFake()
    guest.registers[1] = 0x30000
    guest.write_storage(0x30000, "TYPLIN  ".encode("cp037"))
    trace = SvcTrace()
    trace.start()
    number = trace.before(guest, "TYPLIN", 0x20010, bytes(8), bytes(8))
    trace.after(guest, number, "TYPLIN", 0x20010, bytes(8), bytes(8), True)
    assert trace.lines[0].startswith("-N/D = 001/01 TYPLIN   020010 OLDPSW = ")
    assert trace.lines[1].startswith(".GPRSB = 00000000 00030000")
    assert trace.lines[3].startswith(".PARM  = 030000 E3E8D7D3") and "*TYPLIN" in trace.lines[3]
    assert trace.lines[4].startswith("+N/D = 001/01 TYPLIN") and trace.lines[4].endswith("RC=0")
    assert trace.lines[5].startswith(".GPRS AFTER: R0-R1 = 00000000 00030000")
    trace.immediate("SO")
    assert not trace.recording
    trace.immediate("RO")
    assert trace.recording
    trace.immediate("HO")
    assert trace.print_pending and not trace.on
    assert len(trace.stop()) == 8 and not trace.lines


WORDS = st.sampled_from(
    ["BR", "BREAK", "CAW", "CSW", "DEF", "DU", "GPR", "OR", "PSW", "SET", "ST", "X", "GO",
     "GPR", "CSW", "CAW", "PSW", "GPR", "FLD", "*", "0", "15", "16", "20000", "3FFFF",
     "FFFFFF", "-1", "1A", "ZZ", "(", "12345678901", "56", "57", "\u00b2", "\u0663"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(WORDS | st.text(max_size=12), max_size=5), max_size=6))
def test_garbage_subcommands_never_raise(lines: list[list[str]]) -> None:
    """Any line is a subcommand or a message; only GO, RETURN and HX leave."""
    guest = ProgramFake()
    cms = Cms(guest, standard_disks())
    cms.debug.symbols["FLD"] = (0x30000, 4)
    session = Session.enter(cms, guest, None, at_break=True)
    for words in lines:
        line = " ".join(words)
        guest.lines = deque([line])
        try:
            asyncio.run(session.do(line))
        except Halted:
            pass
        except Exception as error:  # a DebugError is fine; anything else is a bug
            from guests.cms.debug import DebugError

            assert isinstance(error, DebugError), repr(error)


def test_a_long_trace_goes_to_the_printer_as_it_grows() -> None:
    """A program in an SVC loop does not pile the trace up in storage: every
    TRACE_BATCH lines are written on the printer, SVCTRACE OFF writes the rest and
    closes it."""
    from guests.cms import program
    from guests.cms.commands.debug import print_trace
    from server.cp.abi import ProgramEvent

    guest = ProgramFake()
    guest.write_storage(0x20010, bytes.fromhex("FFF8"))  # SVC 203 DMSFRET, ERR= (quiet)
    cms = Cms(guest, standard_disks())
    cms.svctrace.start()
    run = program.ProgramRun("LOOPER", 0x20000, [])
    event = ProgramEvent("SVC", 203, bytes.fromhex("00E0000000020010"))
    for _ in range(60):
        asyncio.run(program._event(cms, run, event))
    assert len(cms.svctrace.lines) < program.TRACE_BATCH
    printed = [data for opcode, data in guest.unit_record[0x00E] if opcode == 0x09]  # writes
    assert len(printed) >= program.TRACE_BATCH
    assert printed[0].decode("cp037").startswith("-N/D = 001/01 DMSFRET  02000E")
    asyncio.run(print_trace(cms))
    printed = [data for opcode, data in guest.unit_record[0x00E] if opcode == 0x09]
    assert len(printed) == 60 * 8 and guest.cp_commands[-1] == "CLOSE 00E"
    assert not cms.svctrace.on
    asyncio.run(print_trace(cms))  # OFF again: nothing to print, no CLOSE
    assert guest.cp_commands.count("CLOSE 00E") == 1


def test_an_svc_cms_does_not_serve_is_traced_before_its_abend() -> None:
    from guests.cms import program
    from server.cp.abi import ProgramEvent

    guest = ProgramFake()
    cms = Cms(guest, standard_disks())
    cms.svctrace.start()
    guest.write_storage(program.SVC_OLD, bytes.fromhex("000C00F700020006"))  # SVC 247
    event = ProgramEvent("WAIT", None, program.bc_psw(program.WAIT_SVC, wait=True))
    with pytest.raises(program.Abend):
        asyncio.run(program._event(cms, program.ProgramRun("P", 0x20000, []), event))
    assert cms.svctrace.lines[0].startswith("-N/D = 001/01 SVC247   020004 OLDPSW = 000C00F7")
    assert "DMSABN148T SYSTEM ABEND 0F0 CALLED FROM 020004" in guest.output
