"""Errors the services raise; the web and CLI layers turn them into responses and messages."""

from __future__ import annotations


class BorderLinkError(Exception):
    """A failure the user can understand and act on."""


class NotFound(BorderLinkError):
    pass


class Forbidden(BorderLinkError):
    pass


class Conflict(BorderLinkError):
    pass


class InvalidInput(BorderLinkError):
    pass


class AuthenticationFailed(BorderLinkError):
    pass
