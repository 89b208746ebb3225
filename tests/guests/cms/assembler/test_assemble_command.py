"""The ASSEMBLE command through the CMS nucleus (in-memory disks, fake guest)."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from guests.cms.fs import CmsDisk
from guests.cms.loader import Loader
from tests.guests.cms.cmsfake import FakeGuest, MemoryDisks, put_file, session, standard_disks

SOURCE = [
    "HELLO    CSECT",
    "         BALR  12,0",
    "         USING *,12",
    "         LA    15,0",
    "         BR    14",
    "MSG      DC    C'HI'",
    "         END   HELLO",
]
BAD = ["BAD      CSECT", "         L     1,NOWHERE", "         END"]


def _disks() -> MemoryDisks:
    disks = standard_disks()
    put_file(disks, 0x191, "HELLO", "ASSEMBLE", [line.ljust(80) for line in SOURCE])
    put_file(disks, 0x191, "BAD", "ASSEMBLE", [line.ljust(80) for line in BAD])
    put_file(disks, 0x191, "VAR", "ASSEMBLE", SOURCE, recfm="V")
    return disks


def test_assemble_writes_text_and_listing() -> None:
    disks = _disks()
    output = asyncio.run(session(disks, "ASSEMBLE HELLO"))
    text = "\n".join(output)
    assert "NO STATEMENTS FLAGGED IN THIS ASSEMBLY" in text
    assert "HIGHEST SEVERITY WAS    0" in text
    disk = CmsDisk.access(disks.devices[0x191])
    deck = disk.read("HELLO", "TEXT")
    loader = Loader()
    loader.load_deck("HELLO", deck)
    assert loader.relocated()[:8].hex() == "05c041f0000007fe"
    listing = [record.decode("cp037") for record in disk.read("HELLO", "LISTING")]
    assert listing[0].startswith("1") and all(len(line) == 121 for line in listing)
    assert any("000002 41F0 0000" in line for line in listing)


def test_xref_short_lists_only_symbols_referred_to() -> None:
    disks = _disks()
    asyncio.run(session(disks, "ASSEMBLE HELLO (XREF ( SHORT ) NOLIST"))
    disk = CmsDisk.access(disks.devices[0x191])
    listing = [record.decode("cp037") for record in disk.read("HELLO", "LISTING")]
    symbols = [line[1:9].strip() for line in listing[listing.index(next(
        line for line in listing if "CROSS-REFERENCE" in line)) + 2 :]]  # fmt: skip
    assert "HELLO" in symbols and "MSG" not in symbols[: symbols.index("")]
    assert not any("SOURCE STATEMENT" in line for line in listing)  # NOLIST


def test_title_eject_and_space_shape_the_listing() -> None:
    disks = standard_disks()
    source = ["PAGE     TITLE 'FIRST PART'", "P        CSECT", "         SPACE 2", "         EJECT",
              "         TITLE 'IT''S PART 2'", "         BR    14", "         END"]  # fmt: skip
    put_file(disks, 0x191, "PAGE", "ASSEMBLE", [line.ljust(80) for line in source])
    asyncio.run(session(disks, "ASSEMBLE PAGE (NOXREF NOESD"))
    disk = CmsDisk.access(disks.devices[0x191])
    listing = [record.decode("cp037").rstrip() for record in disk.read("PAGE", "LISTING")]
    headings = [line for line in listing if line.startswith("1")]
    assert headings[0].startswith("1FIRST PART") and headings[-1].startswith("1IT'S PART 2")
    assert not any("TITLE" in line or "EJECT" in line or "SPACE" in line for line in listing)
    assert disk.read("PAGE", "TEXT")[0][72:80].decode("cp037") == "PAGE0001"


def test_old_outputs_are_erased_first() -> None:
    disks = _disks()
    asyncio.run(session(disks, "ASSEMBLE HELLO", "ASSEMBLE HELLO (NOOBJECT NOPRINT"))
    disk = CmsDisk.access(disks.devices[0x191])
    assert disk.find("HELLO", "TEXT") is None and disk.find("HELLO", "LISTING") is None


def test_errors_are_typed_and_set_the_return_code() -> None:
    output = asyncio.run(session(_disks(), "ASSEMBLE BAD (NOPRINT NOOBJECT"))
    text = "\n".join(output)
    assert "L     1,NOWHERE" in text and "UNDEFINED SYMBOL NOWHERE" in text
    assert "    1 STATEMENTS FLAGGED IN THIS ASSEMBLY" in text
    assert "HIGHEST SEVERITY WAS    8" in text
    assert "Ready(00008);" in text


def test_command_errors() -> None:
    output = asyncio.run(session(_disks(), "ASSEMBLE", "ASSEMBLE NONE", "ASSEMBLE VAR",
                                 "ASSEMBLE HELLO (NOALIGN", "ASSEMBLE HELLO EXTRA"))  # fmt: skip
    text = "\n".join(output)
    assert "DMSASM001E NO FILENAME SPECIFIED" in text
    assert "DMSASM002E FILE 'NONE ASSEMBLE *' NOT FOUND" in text
    assert "DMSASM007E FILE 'VAR ASSEMBLE' IS NOT FIXED, 80-CHAR. RECORDS" in text
    assert "DMSASM003E INVALID OPTION 'NOALIGN'" in text
    assert "DMSASM070E INVALID PARAMETER 'EXTRA'" in text


def test_listing_options_it_cannot_honour_are_refused() -> None:
    output = asyncio.run(session(_disks(), "ASSEMBLE HELLO (MLOGIC", "ASSEMBLE HELLO (SYSPARM(ABC)",
                                 "ASSEMBLE HELLO (MCALL NOLIBMAC"))  # fmt: skip
    text = "\n".join(output)
    assert "DMSASM003E INVALID OPTION 'MLOGIC'" in text
    assert "DMSASM003E INVALID OPTION 'SYSPARM'" in text
    assert "ASSEMBLER DONE" in text and "Ready;" in text


def test_deck_and_print_go_to_the_unit_record_devices() -> None:
    guest = FakeGuest()
    asyncio.run(session(_disks(), "ASSEMBLE HELLO (DECK PRINT NOOBJECT", guest=guest))
    assert any(command.startswith("CLOSE 00D NAME HELLO TEXT") for command in guest.cp_commands)
    assert any(command.startswith("CLOSE 00E NAME HELLO LISTING") for command in guest.cp_commands)
    assert len(guest.unit_record[0x00D]) == 3  # ESD, TXT, END (no RLD)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["HELLO", "BAD", "(", ")", "LIST", "NOLIST", "XREF", "FLAG",
                                 "LINECOUN", "8", "DECK", "TERM", "NOTERM", "PRINT", "X", "*"]),
                max_size=7))  # fmt: skip
def test_garbage_command_lines_answer_with_messages(words: list[str]) -> None:
    output = asyncio.run(session(_disks(), "ASSEMBLE " + " ".join(words)))
    assert not [line for line in output if "DMSITP143T" in line or "Traceback" in line], output
