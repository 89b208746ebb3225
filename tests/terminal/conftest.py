"""Terminal tests share the integration tests' server fixture."""

from tests.integration.conftest import vm_server

__all__ = ["vm_server"]
