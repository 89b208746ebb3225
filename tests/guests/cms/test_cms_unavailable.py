"""R6 CMS commands this CMS lacks say so; CONWAIT and FINIS have nothing left to do."""

from __future__ import annotations

import pytest

from guests.cms.commands.unavailable import UNAVAILABLE
from tests.guests.cms.cmsfake import session, standard_disks
from tests.guests.cms.test_cms_commands import after


@pytest.mark.parametrize(("name", "module", "why"), UNAVAILABLE)
async def test_each_answers_with_a_message_and_rc_1(name: str, module: str, why: str) -> None:
    line = f"{name.lower()} something (option"
    output = await session(standard_disks(), line)
    assert after(output, line) == [
        f"DMS{module}000E {name} IS NOT AVAILABLE IN THIS CMS YET ({why})",
        "Ready(00001); T=0.01/0.01 01:02:03",
    ]


async def test_conwait_and_finis_return_zero() -> None:
    output = await session(standard_disks(), "conwait", "finis * * a")
    assert after(output, "conwait") == ["Ready; T=0.01/0.01 01:02:03"]
    assert after(output, "finis * * a") == ["Ready; T=0.01/0.01 01:02:03"]


async def test_set_functions_without_effect_say_so() -> None:
    output = await session(standard_disks(), "set blip on", "set relpage off", "query blip")
    assert after(output, "set blip on") == [
        "DMSSET000W SET BLIP IS KEPT BUT HAS NO EFFECT IN THIS CMS",
        "Ready; T=0.01/0.01 01:02:03",
    ]
    assert after(output, "set relpage off") == ["Ready; T=0.01/0.01 01:02:03"]  # nothing to do
    assert after(output, "query blip")[0] == "BLIP = ON"


async def test_access_options_without_effect_say_so() -> None:
    output = await session(standard_disks(), "access 191 a (noprof")
    assert after(output, "access 191 a (noprof")[0] == (
        "DMSACC000W OPTION NOPROF HAS NO EFFECT IN THIS CMS"
    )
