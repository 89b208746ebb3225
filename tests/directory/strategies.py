"""Hypothesis strategies for valid `Directory` values (what the writer must round-trip)."""

from __future__ import annotations

from hypothesis import strategies as st

from directory.model import (
    MEGA,
    OPTION_FLAGS,
    ConsoleDevice,
    Dedicate,
    Directory,
    DirectoryVolume,
    IplSpec,
    LineEdit,
    Link,
    Minidisk,
    Special,
    SpoolDevice,
    SpoolKind,
    UserEntry,
)

NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@#$"
HEX = "0123456789ABCDEF"

#: One device type per volume serial, as on real packs; sizes in cylinders/blocks.
VOLUMES = {"VM370S": ("3350", 555), "PACK01": ("3330", 404), "FBA001": ("3370", 5000)}

names = st.text(NAME_CHARS, min_size=1, max_size=8)
userids = names


def hex_digits(count: int) -> st.SearchStrategy[str]:
    return st.text(HEX, min_size=count, max_size=count)


#: Stored-form hashes with random digits: well-formed, cheap, never a clear password.
fake_hashes = st.builds(
    lambda salt, key: f"SCRYPT:4:8:1:{salt}:{key}", hex_digits(32), hex_digits(64)
)
user_passwords = st.one_of(st.just("NOLOG"), fake_hashes)
disk_passwords = st.one_of(st.just("ALL"), fake_hashes)
storage_sizes = st.integers(1, 4096).map(lambda pages: pages * 4096)
spool_classes = st.sampled_from("ABCTZ019")
modes = st.sampled_from(["R", "RR", "W", "WR", "M", "MR", "MW"])


@st.composite
def line_edits(draw: st.DrawFn) -> LineEdit:
    count = draw(st.integers(0, 4))
    symbols = draw(
        st.lists(
            st.sampled_from(["#", "@", '"', "¢", "!", "%", "OFF"]), min_size=count, max_size=count
        )
    )
    values: list[str | None] = [*symbols, *([None] * (4 - count))]
    return LineEdit(*values)


@st.composite
def ipl_specs(draw: st.DrawFn) -> IplSpec:
    parm = draw(
        st.one_of(
            st.none(),
            st.text(NAME_CHARS + " =,()", min_size=1, max_size=40)
            .map(str.strip)
            .filter(lambda text: text != ""),
        )
    )
    return IplSpec(draw(names), parm)


@st.composite
def spool_devices(draw: st.DrawFn, address: int) -> SpoolDevice:
    device_type = draw(st.sampled_from(["2540", "1403", "1443", "3211", "2501", "3505", "3525"]))
    kinds = {
        "1403": SpoolKind.PRINTER,
        "1443": SpoolKind.PRINTER,
        "3211": SpoolKind.PRINTER,
        "2501": SpoolKind.READER,
        "3505": SpoolKind.READER,
        "3525": SpoolKind.PUNCH,
    }
    kind = kinds.get(device_type) or draw(st.sampled_from([SpoolKind.READER, SpoolKind.PUNCH]))
    choices = spool_classes | st.just("*") if kind is SpoolKind.READER else spool_classes
    return SpoolDevice(address, device_type, kind, draw(choices))


@st.composite
def minidisks(draw: st.DrawFn, address: int) -> Minidisk:
    volser = draw(st.sampled_from(sorted(VOLUMES)))
    device_type, size = VOLUMES[volser]
    start = draw(st.integers(0, size - 1))
    count = draw(st.integers(1, size - start))
    passwords: list[str | None] = list(draw(st.lists(disk_passwords, max_size=3)))
    passwords += [None] * (3 - len(passwords))
    return Minidisk(address, device_type, start, count, volser, draw(modes), *passwords)


@st.composite
def specials(draw: st.DrawFn, address: int) -> Special:
    device_type = draw(st.sampled_from(["3270", "TIMER", "CTCA", "2701", "2702", "2703"]))
    mode = draw(st.sampled_from([None, "IBM", "TELE"])) if device_type.startswith("270") else None
    return Special(address, device_type, mode)


@st.composite
def devices(draw: st.DrawFn, entry: UserEntry) -> None:
    """Fill an entry's device lists with unique virtual addresses 001-5FF."""
    addresses = draw(st.lists(st.integers(1, 0x5FF), unique=True, max_size=10))
    for address in addresses:
        kind = draw(st.sampled_from(["console", "spool", "link", "mdisk", "dedicate", "special"]))
        if kind == "console" and entry.console is None:
            console_class = draw(st.one_of(st.none(), spool_classes))
            device_type = draw(st.sampled_from(["3215", "3210", "1052"]))
            entry.console = ConsoleDevice(address, device_type, console_class)
        elif kind == "spool":
            entry.spool.append(draw(spool_devices(address)))
        elif kind == "link":
            link = Link(draw(userids), draw(st.integers(1, 0xFFF)), address, draw(modes))
            entry.links.append(link)
        elif kind == "mdisk":
            entry.mdisks.append(draw(minidisks(address)))
        elif kind == "dedicate":
            entry.dedicates.append(Dedicate(address, draw(st.integers(0, 0xFFF))))
        else:
            entry.specials.append(draw(specials(address)))


@st.composite
def user_entries(draw: st.DrawFn, userid: str) -> UserEntry:
    storage = draw(storage_sizes)
    account = draw(st.one_of(st.none(), names))
    entry = UserEntry(
        userid=userid,
        password=draw(user_passwords),
        storage=storage,
        max_storage=draw(st.integers(storage // 4096, 4096).map(lambda pages: pages * 4096)),
        classes="".join(sorted(draw(st.sets(st.sampled_from("ABCDEFGH"), min_size=1)))),
        priority=draw(st.integers(1, 99)),
        line_edit=draw(line_edits()),
        account=account,
        distcode=draw(st.one_of(st.none(), names)) if account else None,
        options=draw(st.sets(st.sampled_from(sorted(OPTION_FLAGS)))),
        cpuid=draw(st.one_of(st.none(), hex_digits(6))),
        affinity=draw(st.one_of(st.none(), st.integers(0, 255))),
        ipl=draw(st.one_of(st.none(), ipl_specs())),
    )
    draw(devices(entry))
    assert entry.max_storage <= 16 * MEGA
    return entry


@st.composite
def directories(draw: st.DrawFn, max_users: int = 5) -> Directory:
    volume = draw(
        st.one_of(
            st.none(),
            st.builds(
                DirectoryVolume,
                st.integers(1, 0xFFF),
                st.sampled_from(["2314", "2319", "2305", "3330", "3340", "3350"]),
                st.text(NAME_CHARS + "-", min_size=1, max_size=6),
            ),
        )
    )
    ids = draw(st.lists(userids, unique=True, max_size=max_users))
    return Directory(volume, [draw(user_entries(userid)) for userid in ids])
