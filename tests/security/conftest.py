"""Fixtures of the security tests (raw HTTP against a real uvicorn server)."""

from security_kit import hall  # noqa: F401 (a fixture)
