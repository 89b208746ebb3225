"""External tools for tests: skip when missing, fail under CI.

Tests that need a host program (``hercules``, ``s390x-linux-gnu-as``) call
:func:`require_tool`. Locally a missing tool skips the test with a reason; in
CI (``CI=true``) the tool is part of the contract, so its absence is a
failure rather than a silent skip.
"""

from __future__ import annotations

import os
import shutil

import pytest


def in_ci() -> bool:
    """True when running under CI, where every external tool must be present."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def require_tool(name: str) -> str:
    """Return the path of executable ``name``, or skip (fail under CI) the calling test."""
    path = shutil.which(name)
    if path is None:
        message = f"external tool {name!r} is not installed"
        if in_ci():
            pytest.fail(f"{message} (CI=true requires it)", pytrace=False)
        pytest.skip(message)
    return path
