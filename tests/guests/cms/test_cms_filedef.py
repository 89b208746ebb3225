"""FILEDEF and MOVEFILE on the fake guest: the table, its listing, and moves between devices."""

from __future__ import annotations

from typing import cast

from hypothesis import given, settings
from hypothesis import strategies as st

from server.cp.abi import ReaderFile
from spool.model import SpoolFile
from tests.guests.cms.cmsfake import FakeGuest, put_file, session, standard_disks
from tests.guests.cms.test_cms_commands import after, records


async def test_define_list_change_and_clear() -> None:
    disks = standard_disks()
    output = await session(
        disks,
        "filedef",
        "fi inmove disk source data a (recfm fb lrecl 80 block 800",
        "filedef outmove printer",
        "filedef 5 terminal (perm",
        "filedef sysut1 disk",
        "query filedef",
        "filedef outmove clear",
        "filedef outmove clear",
        "filedef * clear",
        "filedef",
    )
    assert after(output, "filedef")[0] == "NO USER DEFINED FILEDEF'S IN EFFECT"
    assert after(output, "query filedef")[:4] == [
        "INMOVE   DISK     SOURCE   DATA     A1",
        "OUTMOVE  PRINTER",
        "FT05F001 TERMINAL",
        "SYSUT1   DISK     FILE     SYSUT1   A1",
    ]
    first_clear = output.index("> filedef outmove clear")
    assert output[first_clear + 1].startswith("Ready;")
    assert output[first_clear + 3] == "DMSFLD704I INVALID CLEAR REQUEST"  # the second CLEAR
    assert output[-2] == "FT05F001 TERMINAL"  # PERM survives FILEDEF * CLEAR


async def test_filedef_errors() -> None:
    disks = standard_disks()
    output = await session(
        disks,
        "filedef x",
        "filedef x wheel",
        "filedef x disk onlyfn",
        "query filedef",
        "filedef x disk a b a9",
        "filedef x disk a b z",
        "filedef x terminal (recfm zz",
        "filedef x terminal (bogus",
        "filedef x terminal (lrecl",
        "filedef x terminal extra",
        "filedef * printer",
    )
    assert after(output, "filedef x")[0] == "DMSFLD050E PARAMETER MISSING AFTER DDNAME"
    assert after(output, "filedef x wheel")[0] == "DMSFLD027E INVALID DEVICE 'WHEEL'"
    assert after(output, "filedef x disk onlyfn")[0].startswith("Ready;")  # ONLYFN X A1
    assert after(output, "query filedef")[0] == "X        DISK     ONLYFN   X        A1"
    assert after(output, "filedef x disk a b a9")[0] == "DMSFLD048E INVALID MODE 'A9'"
    assert after(output, "filedef x disk a b z")[0] == "DMSFLD069I DISK 'Z' NOT ACCESSED"
    assert after(output, "filedef x terminal (recfm zz")[0] == (
        "DMSFLD029E INVALID PARAMETER 'ZZ' IN THE OPTION 'RECFM' FIELD"
    )
    assert after(output, "filedef x terminal (bogus")[0] == "DMSFLD003E INVALID OPTION 'BOGUS'"
    assert after(output, "filedef x terminal (lrecl")[0].startswith("DMSFLD029E")
    assert after(output, "filedef x terminal extra")[0] == "DMSFLD070E INVALID PARAMETER 'EXTRA'"
    assert after(output, "filedef * printer")[0] == "DMSFLD070E INVALID PARAMETER '*'"


async def test_movefile_disk_to_disk_with_new_format_and_defaults() -> None:
    disks = standard_disks()
    put_file(disks, 0x191, "SOURCE", "DATA", ["ONE", "TWO", "THREE"], recfm="V")
    put_file(disks, 0x191, "FILE", "INMOVE", ["DEFAULT"], recfm="V")
    output = await session(
        disks,
        "filedef in disk source data a",
        "filedef out disk target data a (recfm fb lrecl 10",
        "movefile in out",
        "movefile",
        "filedef out disk target data a (disp mod",
        "movefile in out",
    )
    assert after(output, "movefile in out")[0].startswith("Ready;")
    assert records(disks, 0x191, "TARGET", "DATA") == [
        text.ljust(10).encode("cp037") for text in ("ONE", "TWO", "THREE") * 2
    ]
    assert records(disks, 0x191, "FILE", "OUTMOVE") == [b"\xc4\xc5\xc6\xc1\xe4\xd3\xe3"]


async def test_movefile_reader_to_printer_terminal_to_punch_and_errors() -> None:
    disks = standard_disks()
    guest = FakeGuest()
    guest.reader.append(ReaderFile(cast(SpoolFile, None), [b"\xc3\xc1\xd9\xc4".ljust(80, b"\x40")]))
    await session(
        disks,
        "filedef inmove reader",
        "filedef outmove printer",
        "movefile",
        "movefile",
        "filedef inmove terminal",
        "filedef outmove punch",
        "movefile",
        "LINE ONE",
        "line two",
        "",
        "filedef outmove tap2",
        "movefile",
        "movefile inmove outmove extra",
        "movefile (pds",
        "filedef outmove dummy",
        "filedef inmove punch",
        "movefile",
        "filedef inmove disk no such a",
        "movefile",
        guest=guest,
    )
    out = guest.output
    assert guest.unit_record[0x00E][-1] == (0x09, b"\xc3\xc1\xd9\xc4".ljust(80, b"\x40"))
    assert after(out, "movefile")[0].startswith("Ready;")
    assert "DMSMVE701I NULL FILE" in out
    punched = [data for _, data in guest.unit_record[0x00D]]
    assert punched == [b"\xd3\xc9\xd5\xc5\x40\xd6\xd5\xc5".ljust(80, b"\x40"),
                       "line two".encode("cp037").ljust(80, b"\x40")]  # fmt: skip
    assert "CLOSE 00D" in guest.cp_commands and "CLOSE 00E" in guest.cp_commands
    assert "DMSMVE113S TAP2(182) NOT ATTACHED" in out
    assert "DMSMVE070E INVALID PARAMETER 'EXTRA'" in out
    assert "DMSMVE000E MOVEFILE (PDS IS NOT AVAILABLE IN THIS CMS YET" in out
    assert "DMSMVE027E INVALID DEVICE 'PUNCH' FOR DDNAME 'INMOVE'" in out
    assert "DMSMVE002E FILE 'NO SUCH A1' NOT FOUND" in out


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet="ABCXYZ 0123()*=,", max_size=12), max_size=5))
def test_garbage_filedef_and_movefile_lines_give_messages(words: list[str]) -> None:
    import asyncio

    disks = standard_disks()
    line = " ".join(words)
    output = asyncio.run(session(disks, f"filedef {line}", f"movefile {line}", "filedef"))
    assert not any("DMSITP143T" in text for text in output)
    assert output[-1].startswith(("Ready", "R;"))
