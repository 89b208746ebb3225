"""Static routing: which link carries traffic for a node (reference/nje-rscs.md section 2.4).

A node with a link of its own name is adjacent; other nodes go by the route table, then by
the default route. The local node is delivered locally. There is no dynamic routing.
"""

from __future__ import annotations

from dataclasses import dataclass

from guests.rscs.config import RSCSConfig

MAX_HOPS = 16  # a file that has crossed more nodes than this is held as looping


@dataclass(frozen=True)
class Route:
    """Where traffic for ``node`` goes: ``link`` None means this node."""

    node: str
    link: str | None

    @property
    def local(self) -> bool:
        return self.link is None


def route(config: RSCSConfig, node: str) -> Route | None:
    """The route to ``node``, or None when it is not known."""
    node = node.upper()
    if node == config.node:
        return Route(node, None)
    if node in config.links:
        return Route(node, node)
    link = config.routes.get(node) or config.default_route
    if link is None or link not in config.links:
        return None
    return Route(node, link)


def route_lines(config: RSCSConfig) -> list[str]:
    """QUERY ROUTES: one line per route, the default route last."""
    lines = [f"NODE {node:<8} VIA LINK {link}" for node, link in sorted(config.routes.items())]
    lines += [f"NODE {name:<8} ADJACENT" for name in sorted(config.links)]
    if config.default_route:
        lines.append(f"DEFAULT ROUTE VIA LINK {config.default_route}")
    return lines
