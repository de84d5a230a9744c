"""Errors the core raises on purpose: each carries a stable code and a Chinese message."""

from __future__ import annotations


class AppError(Exception):
    """A known, expected failure. `field` names the form field that caused it, if any."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class ValidationError(AppError):
    """Bad input at one field; nothing was changed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__("invalid", message, field)


class PermissionDenied(AppError):
    """The signed-in role may not do this (decided here in the core, not by hiding buttons)."""

    def __init__(self, message: str) -> None:
        super().__init__("forbidden", message)


class NotFound(AppError):
    """The thing asked for does not exist."""

    def __init__(self, message: str) -> None:
        super().__init__("not_found", message)
