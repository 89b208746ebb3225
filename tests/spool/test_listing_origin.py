"""The network origin in QUERY RDR listings and the arrival notice (spool/listing.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from spool.listing import arrival_notice, file_line, listing, network_origin
from spool.model import DeviceType, FileName, HoldStatus, Queue, RecordFormat, SpoolFile


def _received(origin_node: str | None = "NODEA", origin_user: str | None = "ALICE") -> SpoolFile:
    """A file RSCS put in CAROL's reader at NODEB."""
    return SpoolFile(
        spoolid=12, owner="CAROL", originator="RSCS", queue=Queue.RDR, device=DeviceType.PUN,
        spool_class="A", records=6, copies=1, hold=HoldStatus.NONE,
        created=dt.datetime(2026, 11, 22, 3, 4, 5, tzinfo=dt.UTC),
        name=FileName("LOOP", "EXEC"), dist="", tag="", record_format=RecordFormat.CARD,
        origin_node=origin_node, origin_userid=origin_user,
    )  # fmt: skip


def test_a_file_from_another_node_names_its_origin() -> None:
    received = _received()
    assert file_line(received, False, dt.UTC, "NODEB") == (
        "RSCS     0012 A PUN 00000006 01 NONE  FROM NODEA(ALICE)"
    )
    assert file_line(received, True, dt.UTC, "NODEB") == (
        "RSCS     0012 A PUN 00000006 01 NONE  11/22 03:04:05 LOOP     EXEC               "
        "FROM NODEA(ALICE)"
    )
    lines = listing([received], Queue.RDR, True, dt.UTC, "NODEB")
    assert lines[1].endswith("FROM NODEA(ALICE)")
    assert arrival_notice(received, "NODEB") == "RDR FILE 0012 FROM NODEA(ALICE) PUN COPY 01 NOHOLD"


def test_a_local_file_keeps_the_r6_layout() -> None:
    local = dataclasses.replace(_received("NODEB", "ALICE"), originator="ALICE")
    assert file_line(local, False, dt.UTC, "NODEB") == "ALICE    0012 A PUN 00000006 01 NONE"
    assert file_line(local, True, dt.UTC, "NODEB").endswith("LOOP     EXEC")
    assert network_origin(_received(None, None), "NODEB") is None
    assert network_origin(_received(), None) is None  # no local node known: nothing to compare
