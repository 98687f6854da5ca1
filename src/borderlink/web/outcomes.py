"""What a page says after an action succeeded: the action redirects to the object's page with
`?done=<outcome>`, and the page shows that outcome's message in the viewer's language.

Each domain lists its outcomes (English message ids) once; an address can only ever show one of
them, never text of its own."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from fastapi import Request
from fastapi.responses import RedirectResponse

from borderlink.web.i18n import request_language, translator


@dataclasses.dataclass(frozen=True, slots=True)
class Outcomes:
    messages: Mapping[str, str]

    def redirect(self, url: str, outcome: str) -> RedirectResponse:
        if outcome not in self.messages:
            raise ValueError(f"no message for the outcome {outcome!r}")
        joiner = "&" if "?" in url else "?"
        return RedirectResponse(f"{url}{joiner}done={outcome}", status_code=303)

    def shown(self, request: Request, language: str | None = None) -> str | None:
        """The message of the outcome the address names, translated; None after no action."""
        outcome = request.query_params.get("done", "")
        if outcome not in self.messages:
            return None
        shown_in = language or request_language(request)
        return translator(shown_in)(self.messages[outcome])
