"""tests/tools.py: a missing external tool skips locally and fails under CI."""

from __future__ import annotations

import pytest

from tests.tools import require_tool

MISSING = "vm370-no-such-tool-xyz"


def test_present_tool_gives_its_path() -> None:
    assert require_tool("sh").endswith("/sh")


def test_missing_tool_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=MISSING):
        require_tool(MISSING)


def test_missing_tool_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_tool(MISSING)
