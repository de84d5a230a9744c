"""Fixtures of the security tests (raw HTTP against a real uvicorn server)."""

from security_kit import any_hall, hall, station  # noqa: F401 (fixtures)
