"""RSCS configuration, saved state, routing and TAG parsing (reference/nje-rscs.md 2.1-2.4)."""

from __future__ import annotations

import pytest

from guests.rscs.config import (
    RSCSConfigError,
    apply_state,
    from_settings,
    settings_digest,
)
from guests.rscs.routing import route, route_lines
from guests.rscs.spoolio import Destination, network_id, parse_network_id, parse_tag

SETTINGS = {
    "listen_port": 1175,
    "default_route": "nodeb",
    "links": {"NODEB": {"host": "b.example", "port": 175, "retry": 2}, "nodez": {"start": False}},
    "routes": {"NODEC": "NODEB"},
}


def test_settings_give_links_routes_and_defaults() -> None:
    config = from_settings(SETTINGS, "nodea")
    assert config.node == "NODEA" and config.listen_port == 1175
    assert config.listen_host == "0.0.0.0"
    assert sorted(config.links) == ["NODEB", "NODEZ"]
    link = config.links["NODEB"]
    assert (link.host, link.port, link.buffer, link.start) == ("b.example", 175, 8192, True)
    assert link.retry_schedule() == (2.0, 4.0, 10.0, 30.0)
    assert not config.links["NODEZ"].start
    assert config.routes == {"NODEC": "NODEB"} and config.default_route == "NODEB"
    assert config.operators == ("OPERATOR", "MAINT")


def test_links_as_a_list_of_tables() -> None:
    config = from_settings({"links": [{"name": "nodeb", "port": 9}]}, "NODEA")
    assert config.links["NODEB"].port == 9


@pytest.mark.parametrize(
    "settings",
    [
        {"node": "TOOLONGNAME"},
        {"links": {"NODEB": {"port": 70000}}},
        {"links": {"NODEB": {"buffer": 100}}},
        {"links": "NODEB"},
        {"routes": ["NODEC"]},
        {"listen_port": "x"},
    ],
)
def test_bad_settings_are_refused(settings: dict[str, object]) -> None:
    with pytest.raises(RSCSConfigError):
        from_settings(settings, "NODEA")


def test_saved_state_wins_until_the_file_changes() -> None:
    digest = settings_digest(SETTINGS)
    config = from_settings(SETTINGS, "NODEA")
    del config.links["NODEZ"]
    config.routes["NODED"] = "NODEB"
    state = config.state(digest)
    fresh = from_settings(SETTINGS, "NODEA")
    assert apply_state(fresh, state, digest)
    assert sorted(fresh.links) == ["NODEB"] and fresh.routes["NODED"] == "NODEB"
    changed = {**SETTINGS, "listen_port": 1176}
    other = from_settings(changed, "NODEA")
    assert not apply_state(other, state, settings_digest(changed))
    assert sorted(other.links) == ["NODEB", "NODEZ"]


def test_routes() -> None:
    config = from_settings(SETTINGS, "NODEA")
    assert route(config, "nodea") is not None and route(config, "NODEA").local  # type: ignore[union-attr]
    assert route(config, "NODEB").link == "NODEB"  # type: ignore[union-attr]
    assert route(config, "NODEC").link == "NODEB"  # type: ignore[union-attr]
    assert route(config, "NODEQ").link == "NODEB"  # type: ignore[union-attr]  # default
    config.default_route = None
    assert route(config, "NODEQ") is None
    config.routes["NODEQ"] = "NOLINK"
    assert route(config, "NODEQ") is None
    assert route_lines(config)[0] == "NODE NODEC    VIA LINK NODEB"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("NODEB JOHN", Destination("NODEB", "JOHN")),
        ("nodeb john 10", Destination("NODEB", "JOHN", 10)),
        ("NODEB", Destination("NODEB", "SYSTEM")),
        ("NODEC JOHN HOP=3", Destination("NODEC", "JOHN", hops=3)),
        ("NODEA CAROL RETURNED", Destination("NODEA", "CAROL", returned=True)),
        ("", None),
        ("   ", None),
        ("NODE.B JOHN", None),
        ("NODEB TOOLONGUSER", None),
    ],
)
def test_tags(tag: str, expected: Destination | None) -> None:
    assert parse_tag(tag) == expected


def test_network_ids_round_trip() -> None:
    text = network_id("NODEA", 17, 0xD8A1B2C3D4E5F600)
    assert text == "NODEA.0017.D8A1B2C3D4E5F600"
    assert parse_network_id(text) == (17, 0xD8A1B2C3D4E5F600)
    assert parse_network_id(None) is None and parse_network_id("NODEA.X.1") is None
