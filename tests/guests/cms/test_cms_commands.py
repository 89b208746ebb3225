"""CMS commands through the nucleus, on in-memory disks with a fake guest interface."""

from __future__ import annotations

import pytest

from guests.cms.fs import CmsDisk
from tests.guests.cms.cmsfake import MemoryDisks, put_file, session, standard_disks


def after(output: list[str], line: str) -> list[str]:
    """The output of the command typed as ``line``, up to its ready message."""
    start = output.index(f"> {line}") + 1
    end = next(i for i in range(start, len(output)) if output[i].startswith(("Ready", "R;", "R(")))
    return output[start : end + 1]


def records(disks: MemoryDisks, vaddr: int, fn: str, ft: str) -> list[bytes]:
    return CmsDisk.access(disks.devices[vaddr]).read(fn, ft)


@pytest.fixture
def disks() -> MemoryDisks:
    disks = standard_disks()
    put_file(disks, 0x191, "DATA", "FILE", ["ALPHA", "BETA  ", "GAMMA", "DELTA"], recfm="V")
    put_file(disks, 0x191, "CARDS", "DATA", ["X" * 80, "Y" * 80], recfm="F")
    put_file(disks, 0x190, "SYSTEM", "EXEC", ["&TYPE SYSTEM EXEC"], recfm="V")
    return disks


async def test_banner_disks_and_ready(disks: MemoryDisks) -> None:
    output = await session(disks)
    assert output[0].startswith("CMS VERSION 6.0")
    assert output[1] == "Ready; T=0.01/0.01 01:02:03"


async def test_missing_a_disk_and_read_only_y_disk() -> None:
    disks = MemoryDisks()
    disks.add(0x19E, label="YDISK", read_only=True)
    disks.add(0x192)  # present but not formatted: not a CMS disk
    output = await session(disks, "query search")
    assert "DMSACC113S A(191) NOT ATTACHED" in output
    assert "DMSACC112S DISK 'D(192)' DEVICE ERROR" in output
    assert "DMSACC723I Y (19E) R/O" in output
    assert after(output, "query search")[0].split() == ["YDISK", "19E", "Y/S", "R/O"]


async def test_listfile_forms(disks: MemoryDisks) -> None:
    output = await session(
        disks, "listfile", "listfile * * * (fname", "l * exec * (format", "listfile nosuch * a"
    )
    assert after(output, "listfile")[:2] == ["DATA     FILE     A1", "CARDS    DATA     A1"]
    assert after(output, "listfile * * * (fname")[:3] == ["DATA", "CARDS", "SYSTEM"]
    formatted = after(output, "l * exec * (format")
    assert formatted[0].startswith("FILENAME FILETYPE FM FORMAT")
    assert formatted[1].split() == ["SYSTEM", "EXEC", "S1", "V", "17", "1"]
    assert after(output, "listfile nosuch * a") == [
        "DMSLST002E FILE NOT FOUND",
        "Ready(00028); T=0.01/0.01 01:02:03",
    ]


async def test_listfile_exec_builds_cms_exec(disks: MemoryDisks) -> None:
    await session(disks, "listfile * * a (exec")
    built = records(disks, 0x191, "CMS", "EXEC")
    assert [record.decode("cp037").rstrip() for record in built] == [
        " &1 &2 DATA     FILE     A1",
        " &1 &2 CARDS    DATA     A1",
    ]
    assert all(len(record) == 80 for record in built)


async def test_type_ranges_columns_and_hex(disks: MemoryDisks) -> None:
    output = await session(
        disks, "type data file a 2 3", "type data file * 3 * (col 2-3", "type data file a 1 1 (hex"
    )
    assert after(output, "type data file a 2 3")[:2] == ["BETA", "GAMMA"]
    assert after(output, "type data file * 3 * (col 2-3")[:2] == ["AM", "EL"]
    assert after(output, "type data file a 1 1 (hex")[0] == "C1D3D7C8 C1"


async def test_state_erase_rename(disks: MemoryDisks) -> None:
    output = await session(
        disks,
        "state data file",
        "statew system exec",
        "rename data file a new name a",
        "erase new name",
        "state new name *",
        "erase new name",
    )
    assert after(output, "state data file") == ["Ready; T=0.01/0.01 01:02:03"]
    assert after(output, "statew system exec")[0] == "DMSSTT002E FILE 'SYSTEM EXEC *' NOT FOUND"
    assert after(output, "state new name *")[0] == "DMSSTT002E FILE 'NEW NAME *' NOT FOUND"
    assert after(output, "erase new name")[0] == "Ready; T=0.01/0.01 01:02:03"
    assert output[-2:] == [
        "DMSERS002E FILE 'NEW NAME A' NOT FOUND",
        "Ready(00028); T=0.01/0.01 01:02:03",
    ]


async def test_write_to_read_only_disk_is_refused(disks: MemoryDisks) -> None:
    output = await session(disks, "erase system exec s", "copyfile data file a = = s")
    assert after(output, "erase system exec s")[0] == "DMSERS037E DISK 'S' IS READ/ONLY"
    assert after(output, "copyfile data file a = = s")[0] == "DMSCPY037E DISK 'S' IS READ/ONLY"


async def test_emsg_text_and_off(disks: MemoryDisks) -> None:
    text = await session(disks, "state x y", emsg="TEXT")
    assert after(text, "state x y")[0] == "FILE 'X Y *' NOT FOUND"
    off = await session(disks, "state x y", emsg="OFF")
    assert after(off, "state x y") == ["Ready(00028); T=0.01/0.01 01:02:03"]


async def test_resolution_order(disks: MemoryDisks) -> None:
    put_file(disks, 0x191, "LISTFILE", "EXEC", ["&TYPE MY LISTFILE"], recfm="V")
    put_file(disks, 0x191, "PROG", "MODULE", ["X"], recfm="V")
    output = await session(
        disks,
        "listfile",
        "exec system",
        "prog",
        "q time",
        "bogus",
        "set impex off",
        "listfile data",
        "set abbrev off",
        "l data",
        "load data file",
    )
    assert after(output, "listfile")[0] == "MY LISTFILE"  # implied EXEC comes first
    assert after(output, "exec system")[0] == "SYSTEM EXEC"
    assert after(output, "prog")[0] == "DMSMOD032E FILE 'PROG MODULE A1' IS NOT A VALID MODULE"
    assert after(output, "q time")[0] == "CP: QUERY TIME"  # unknown QUERY option: to CP
    assert after(output, "bogus") == [
        "UNKNOWN CP/CMS COMMAND",
        "Ready(-0003); T=0.01/0.01 01:02:03",
    ]
    assert after(output, "listfile data")[0] == "DATA     FILE     A1"
    assert after(output, "l data")[0] == "UNKNOWN CP/CMS COMMAND"
    assert after(output, "load data file")[0] == "DMSLIO002E FILE 'DATA TEXT' NOT FOUND"


async def test_ready_message_forms(disks: MemoryDisks) -> None:
    output = await session(
        disks, "set rdymsg r6", "state x y", "set rdymsg smsg", "state x y", "q rdymsg"
    )
    assert after(output, "set rdymsg r6") == ["R; T=0.01/0.01 01:02:03"]
    assert after(output, "state x y")[-1] == "R(00028); T=0.01/0.01 01:02:03"
    assert after(output, "q rdymsg") == ["RDYMSG = SMSG", "Ready;"]


async def test_invalid_operands(disks: MemoryDisks) -> None:
    output = await session(
        disks,
        "listfile * * a (bogus",
        "type data",
        "set impex maybe",
        "erase a b q9",
        "access 9999 b",
    )
    assert after(output, "listfile * * a (bogus")[0] == "DMSLST003E INVALID OPTION 'BOGUS'"
    assert after(output, "type data")[0] == "DMSTYP054E INCOMPLETE FILEID SPECIFIED"
    assert after(output, "set impex maybe")[0] == "DMSSET070E INVALID PARAMETER 'MAYBE'"
    assert after(output, "erase a b q9")[0] == "DMSERS048E INVALID MODE 'Q9'"
    assert after(output, "access 9999 b")[0] == "DMSACC017E INVALID DEVICE ADDRESS '9999'"


async def test_user_synonyms_and_nostd(disks: MemoryDisks) -> None:
    put_file(disks, 0x191, "MY", "SYNONYM", ["LISTFILE  DIR  1".ljust(80), "TYPE SHOW".ljust(80)])
    put_file(disks, 0x191, "BAD", "SYNONYM", ["LISTFILE".ljust(80)])
    output = await session(
        disks, "synonym my", "d data", "show data file", "query synonym user",
        "synonym my (nostd", "l", "synonym bad", "synonym (clear std", "dir",
    )  # fmt: skip
    assert after(output, "d data")[0] == "DATA     FILE     A1"
    assert after(output, "show data file")[0] == "ALPHA"
    assert after(output, "query synonym user")[:3] == [
        "SYSTEM COMMAND   USER SYNONYM     SHORTEST FORM",
        "LISTFILE         DIR              D",
        "TYPE             SHOW             SHOW",
    ]
    assert after(output, "l")[0] == "UNKNOWN CP/CMS COMMAND"  # NOSTD: no system abbreviations
    assert after(output, "synonym bad")[0].startswith("DMSSYN056E FILE 'BAD SYNONYM A1'")
    assert after(output, "dir")[0] == "UNKNOWN CP/CMS COMMAND"


async def test_compare_and_sort(disks: MemoryDisks) -> None:
    put_file(disks, 0x191, "NAMES", "LIST", ["ZOE   3", "ADAM  9", "MAX   1", "ADAM  2"], recfm="F")
    output = await session(
        disks, "sort names list a = sorted a", "1 4 7 7", "compare names list a = sorted =",
        "compare names list a names list a", "sort names list a = = =",
        "compare names list a = sorted a (col 6-6",
    )  # fmt: skip
    assert "DMSSRT604R ENTER SORT FIELDS:" in output
    sorted_records = CmsDisk.access(disks.devices[0x191]).read("NAMES", "SORTED")
    assert [r.decode("cp037") for r in sorted_records] == [
        "ADAM  2",
        "ADAM  9",
        "MAX   1",
        "ZOE   3",
    ]
    differences = after(output, "compare names list a = sorted =")
    assert differences[0] == "DMSCMP179I COMPARING 'NAMES LIST A1' WITH 'NAMES SORTED A1'"
    assert differences[1:3] == ["ZOE   3", "ADAM  2"]
    assert differences[-2:] == [
        "DMSCMP209W FILES DO NOT COMPARE",
        "Ready(00004); T=0.01/0.01 01:02:03",
    ]
    assert after(output, "compare names list a names list a")[-1].startswith("Ready;")
    assert after(output, "sort names list a = = =")[0] == "DMSSRT019E IDENTICAL FILEIDS"
    assert after(output, "compare names list a = sorted a (col 6-6")[-1].startswith("Ready;")


async def test_erase_everything_needs_a_mode_number(disks: MemoryDisks) -> None:
    output = await session(disks, "erase * * a", "erase * * *", "erase * * a1 (type", "listfile")
    assert after(output, "erase * * a")[0] == "DMSERS054E INCOMPLETE FILEID SPECIFIED"
    assert after(output, "erase * * *")[0] == "DMSERS054E INCOMPLETE FILEID SPECIFIED"
    assert after(output, "erase * * a1 (type")[:2] == [
        "DATA     FILE     A1",
        "CARDS    DATA     A1",
    ]
    assert after(output, "listfile")[0] == "DMSLST002E FILE NOT FOUND"


async def test_set_values_are_kept_for_query(disks: MemoryDisks) -> None:
    output = await session(
        disks, "set ldrtbls 5", "q ldrtbls", "set upsi 1010x01x", "q upsi", "set ldrtbls 999",
        "q blip", "set impex off", "q impex", "set protect maybe",
    )  # fmt: skip
    assert after(output, "q ldrtbls")[0] == "LDRTBLS = 5"
    assert after(output, "q upsi")[0] == "UPSI = 1010X01X"
    assert after(output, "set ldrtbls 999")[0] == "DMSSET070E INVALID PARAMETER '999'"
    assert after(output, "q blip")[0] == "BLIP = OFF"
    assert after(output, "q impex")[0] == "IMPEX = OFF"
    assert after(output, "set protect maybe")[0] == "DMSSET070E INVALID PARAMETER 'MAYBE'"
