"""The LINK access-mode matrix (reference/cp-cms.md 5.19), every mode against every situation."""

from __future__ import annotations

import pytest

from server.cp.links import LinkRefused, LinkTable

DISK = ("OWNER", 0x191)


def table(*holders: tuple[str, bool]) -> LinkTable:
    links = LinkTable()
    for number, (userid, write) in enumerate(holders):
        links.add(DISK, (userid, 0x200 + number), write)
    return links


# situation -> (other holders); result per mode: True R/W, False R/O, None refused
SITUATIONS = {
    "nobody": (),
    "a reader": (("ANN", False),),
    "a writer": (("BEN", True),),
    "reader and writer": (("ANN", False), ("BEN", True)),
}
EXPECTED = {
    "R": {"nobody": False, "a reader": False, "a writer": None, "reader and writer": None},
    "RR": {"nobody": False, "a reader": False, "a writer": False, "reader and writer": False},
    "W": {"nobody": True, "a reader": None, "a writer": None, "reader and writer": None},
    "WR": {"nobody": True, "a reader": False, "a writer": False, "reader and writer": False},
    "M": {"nobody": True, "a reader": True, "a writer": None, "reader and writer": None},
    "MR": {"nobody": True, "a reader": True, "a writer": False, "reader and writer": False},
    "MW": {"nobody": True, "a reader": True, "a writer": True, "reader and writer": True},
}


@pytest.mark.parametrize("mode", sorted(EXPECTED))
@pytest.mark.parametrize("situation", sorted(SITUATIONS))
def test_mode_matrix(mode: str, situation: str) -> None:
    links = table(*SITUATIONS[situation])
    expected = EXPECTED[mode][situation]
    if expected is None:
        with pytest.raises(LinkRefused):
            links.decide(DISK, "CAL", mode)
    else:
        assert links.decide(DISK, "CAL", mode) is expected


def test_own_links_do_not_count_and_responses() -> None:
    links = table(("CAL", True))
    assert links.decide(DISK, "CAL", "W") is True
    links = table(("ANN", False), ("BEN", False), ("DAN", True))
    assert links.response(DISK, "CAL", 0x300, False) == (
        "DASD 300 LINKED R/O;R/W BY DAN;R/O BY 002 USERS"
    )
    links.remove_user("ANN")
    assert [h[0] for h in links.holders(DISK)] == ["BEN", "DAN"]
