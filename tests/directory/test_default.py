"""The built-in default directory: who is in it and with which rights."""

from __future__ import annotations

from directory.default import default_directory
from directory.model import SpoolKind
from directory.passwords import verify_password


def test_system_users_and_classes() -> None:
    directory = default_directory()
    classes = {entry.userid: entry.classes for entry in directory.users}
    assert classes["MAINT"] == "ABCDEFG"
    assert classes["OPERATOR"] == "ABCDEFG"
    assert classes["RSCS"] == "BG"
    assert {classes[userid] for userid in ("CMSUSER", "USER1", "USER2", "USER3")} == {"G"}


def test_only_rscs_may_use_the_network() -> None:
    networked = [entry.userid for entry in default_directory().users if entry.has_option("NETWORK")]
    assert networked == ["RSCS"]


def test_ipl_and_passwords() -> None:
    directory = default_directory()
    maint, operator, cmsuser = (directory.user(name) for name in ("MAINT", "OPERATOR", "CMSUSER"))
    assert maint is not None and operator is not None and cmsuser is not None
    assert verify_password("CPCMS", maint.password)
    assert verify_password("cmsuser", cmsuser.password)
    assert operator.ipl is None
    assert cmsuser.ipl is not None and cmsuser.ipl.target == "CMS"
    alloc = directory.user("$ALLOC$")
    assert alloc is not None and not alloc.can_logon


def test_general_users_have_the_standard_devices() -> None:
    for userid in ("CMSUSER", "USER1", "USER2", "USER3"):
        entry = default_directory().user(userid)
        assert entry is not None
        assert entry.console is not None and entry.console.address == 0x009
        assert [(device.address, device.kind) for device in entry.spool] == [
            (0x00C, SpoolKind.READER),
            (0x00D, SpoolKind.PUNCH),
            (0x00E, SpoolKind.PRINTER),
        ]
        disk = entry.minidisk(0x191)
        assert disk is not None and disk.volser == "VM370U"
        assert {(link.userid, link.address, link.mode) for link in entry.links} == {
            ("MAINT", 0x190, "RR"),
            ("MAINT", 0x19E, "RR"),
        }


def test_each_call_returns_a_fresh_copy() -> None:
    first = default_directory()
    first.users.clear()
    assert default_directory().users
