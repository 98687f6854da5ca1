"""Errors the services raise; the web and CLI layers turn them into responses and messages.

An error's message is English text with `%(name)s` placeholders; it is also the message id that
the catalogs translate, so a page shows it in the reader's language with the same parameters.
`field` names the input the error concerns, so a form can show it beside that field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping


def fill(message: str, params: Mapping[str, object], translate: Callable[[str], str] | None = None) -> str:
    """A message id, translated by `translate` when given, with its parameters filled in."""
    template = translate(message) if translate else message
    if not params:
        return template
    try:
        return template % params
    except (KeyError, ValueError, TypeError):  # a broken translation must not hide the error
        return message % params


class BorderLinkError(Exception):
    """A failure the user can understand and act on."""

    code = "error"

    def __init__(self, message: str, /, *, field: str | None = None, **params: object) -> None:
        self.message = message
        self.field = field
        self.params = params
        super().__init__(self.text())

    def text(self, translate: Callable[[str], str] | None = None) -> str:
        """The message with its parameters filled in, translated by `translate` when given."""
        return fill(self.message, self.params, translate)


class NotFound(BorderLinkError):
    code = "not_found"


class Forbidden(BorderLinkError):
    code = "forbidden"


class Conflict(BorderLinkError):
    code = "conflict"


class InvalidInput(BorderLinkError):
    code = "invalid"


class AuthenticationFailed(BorderLinkError):
    code = "unauthenticated"
