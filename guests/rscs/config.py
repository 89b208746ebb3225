"""RSCS configuration: the ``[rscs]`` section of the system config file, overridden by the
state RSCS DEFINE/DELETE/ROUTE saved (reference/nje-rscs.md sections 2.1 and 2.4).

Keys (all optional)::

    [rscs]
    node = "NODEA"              # local node (default: the system's node)
    listen_host = "0.0.0.0"     # NJE listener address
    listen_port = 175           # NJE listener port (0 = do not listen)
    default_route = "NODEB"     # link for nodes with no route
    operators = ["OPERATOR", "MAINT"]   # users allowed START/DRAIN/DEFINE/DELETE/ROUTE by SMSG
    [rscs.links.NODEB]          # one table per link; the link name is the adjacent node
    host = "nodeb.example"
    port = 175
    buffer = 8192               # transmission block size offered
    retry = 60                  # first reconnect delay, seconds (then x2, x5, x15)
    start = true                # started at IPL
    [rscs.routes]
    NODEC = "NODEB"             # files and messages for NODEC go over link NODEB

``links`` may also be a list of tables each with a ``name``. The saved state wins while the
file's section is unchanged; a changed section discards it (the file is newer).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

DEFAULT_PORT = 175
DEFAULT_OPERATORS = ("OPERATOR", "MAINT")


class RSCSConfigError(ValueError):
    """A key of the ``[rscs]`` section has a wrong value."""


@dataclass
class LinkDefinition:
    """One link to an adjacent node (its name is that node's name)."""

    name: str
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    buffer: int = 8192
    retry: float = 60.0
    start: bool = True

    def retry_schedule(self) -> tuple[float, ...]:
        """FUNET-NJE's 1, 2, 5, 15 proportions, scaled to this link's first delay."""
        return tuple(self.retry * factor for factor in (1, 2, 5, 15))


@dataclass
class RSCSConfig:
    """Everything RSCS needs to know to start."""

    node: str
    listen_host: str = "0.0.0.0"
    listen_port: int = DEFAULT_PORT
    links: dict[str, LinkDefinition] = field(default_factory=dict)
    routes: dict[str, str] = field(default_factory=dict)
    default_route: str | None = None
    operators: tuple[str, ...] = DEFAULT_OPERATORS

    def state(self, digest: str) -> dict[str, Any]:
        """What DEFINE/DELETE/ROUTE save, tied to the file section it started from."""
        return {
            "digest": digest,
            "links": {name: asdict(link) for name, link in self.links.items()},
            "routes": dict(self.routes),
            "default_route": self.default_route,
        }


def _name(value: object, what: str) -> str:
    text = str(value).strip().upper()
    if not 1 <= len(text) <= 8 or not text.replace("$", "").replace("#", "").isalnum():
        raise RSCSConfigError(f"invalid {what}: {value!r}")
    return text


def _number(table: dict[str, Any], key: str, default: float, low: float, high: float) -> float:
    value = table.get(key, default)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RSCSConfigError(f"invalid {key}: {value!r}") from None
    if not low <= number <= high:
        raise RSCSConfigError(f"{key} {value!r} not in {low:g}-{high:g}")
    return number


def link_from_table(name: str, table: dict[str, Any]) -> LinkDefinition:
    return LinkDefinition(
        name=_name(name, "link name"),
        host=str(table.get("host", "127.0.0.1")),
        port=int(_number(table, "port", DEFAULT_PORT, 1, 65535)),
        buffer=int(_number(table, "buffer", 8192, 256, 32767)),
        retry=_number(table, "retry", 60.0, 0.1, 86400.0),
        start=bool(table.get("start", True)),
    )


def _links(value: object) -> dict[str, LinkDefinition]:
    if isinstance(value, dict):
        items = [(str(name), table) for name, table in value.items()]
    elif isinstance(value, list):
        items = [(str(table.get("name", "")), table) for table in value if isinstance(table, dict)]
    else:
        raise RSCSConfigError(f"invalid links: {value!r}")
    links = {}
    for name, table in items:
        if not isinstance(table, dict):
            raise RSCSConfigError(f"link {name}: not a table")
        link = link_from_table(name, table)
        links[link.name] = link
    return links


def settings_digest(settings: dict[str, Any]) -> str:
    text = json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def from_settings(settings: dict[str, Any], system_node: str) -> RSCSConfig:
    """The configuration the file's ``[rscs]`` section describes."""
    routes = settings.get("routes", {})
    if not isinstance(routes, dict):
        raise RSCSConfigError(f"invalid routes: {routes!r}")
    default = settings.get("default_route")
    operators = settings.get("operators", list(DEFAULT_OPERATORS))
    if not isinstance(operators, list):
        raise RSCSConfigError(f"invalid operators: {operators!r}")
    return RSCSConfig(
        node=_name(settings.get("node", system_node), "node"),
        listen_host=str(settings.get("listen_host", "0.0.0.0")),
        listen_port=int(_number(settings, "listen_port", DEFAULT_PORT, 0, 65535)),
        links=_links(settings.get("links", {})),
        routes={_name(node, "node"): _name(link, "link") for node, link in routes.items()},
        default_route=_name(default, "default route") if default else None,
        operators=tuple(_name(user, "operator") for user in operators),
    )


def apply_state(config: RSCSConfig, state: dict[str, Any], digest: str) -> bool:
    """Let saved DEFINE/DELETE/ROUTE changes win, unless the file section changed since."""
    if not state or state.get("digest") != digest:
        return False
    config.links = {
        name: link_from_table(name, table) for name, table in state.get("links", {}).items()
    }
    config.routes = dict(state.get("routes", {}))
    config.default_route = state.get("default_route")
    return True
