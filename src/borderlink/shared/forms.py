"""Input shared by the API and the pages: readable validation errors and the limits of form inputs.

A validation error becomes a `FieldError`: the field it concerns and a message id with its
parameters, translated where it is shown. A rule of a schema that a person can break raises
`rule_error(...)`, so its message is translated like the rest. A page's inputs take their limits
(`maxlength`, `minlength`, `min`, `max`) from the same schema the server validates with.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails, PydanticCustomError

from borderlink.errors import BorderLinkError, fill

RULE = "rule"


def N_(text: str) -> str:  # noqa: N802 (the gettext name for a marker)
    """Marks a text kept in a table for the catalogs; it is translated where it is shown."""
    return text


def rule_error(message: str, /, *, field: str | None = None, **params: object) -> PydanticCustomError:
    """A schema rule's refusal, raised in a validator; `message` is its message id, `field` the
    input it concerns when the rule spans several (a model validator has no location of its own)."""
    text = message % params if params else message
    return PydanticCustomError(RULE, text.replace("{", "{{").replace("}", "}}"),
                               {"message_id": message, "params": params, "field": field})


# Pydantic's own error types, in words a person reads; the placeholders come from the error's context.
_MESSAGES = {
    "missing": N_("This field is required."),
    "string_too_short": N_("Enter at least %(min_length)s characters."),
    "string_too_long": N_("Enter at most %(max_length)s characters."),
    "too_short": N_("Give at least %(min_length)s."),
    "too_long": N_("Give at most %(max_length)s."),
    "greater_than_equal": N_("Enter a number of at least %(ge)s."),
    "greater_than": N_("Enter a number greater than %(gt)s."),
    "less_than_equal": N_("Enter a number of at most %(le)s."),
    "less_than": N_("Enter a number less than %(lt)s."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "enum": N_("Choose one of the offered values."),
    "literal_error": N_("Choose one of the offered values."),
    "bool_parsing": N_("Choose yes or no."),
    "string_type": N_("Enter text."),
}
_FALLBACK = N_("This value is not valid.")
_BLANK = N_("Enter some text, not only spaces.")


@dataclasses.dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with the input: where (`field`, dotted; None for the whole input) and what."""

    field: str | None
    code: str
    message: str
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)

    def text(self, translate: Callable[[str], str] | None = None) -> str:
        return fill(self.message, self.params, translate)

    @classmethod
    def of(cls, error: BorderLinkError) -> FieldError:
        return cls(error.field, error.code, error.message, error.params)


def _field(loc: tuple[int | str, ...], skip: int) -> str | None:
    parts = [str(part) for part in loc[skip:]]
    return ".".join(parts) or None


def field_error(error: ErrorDetails | Mapping[str, Any], *, skip: int = 0) -> FieldError:
    """One Pydantic error as a FieldError; `skip` drops leading location parts ("body", "query")."""
    kind = str(error.get("type", ""))
    context = dict(error.get("ctx") or {})
    field = _field(tuple(error.get("loc", ())), skip)
    if kind == RULE:
        named = context.get("field")
        if named:
            field = f"{field}.{named}" if field else str(named)
        return FieldError(field, kind, str(context["message_id"]), dict(context.get("params") or {}))
    if kind == "string_too_short" and context.get("min_length") == 1:
        return FieldError(field, kind, _BLANK)
    message = _MESSAGES.get(kind, _FALLBACK)
    params = {key: value for key, value in context.items() if f"%({key})s" in message}
    return FieldError(field, kind, message, params)


def field_errors(exc: ValidationError) -> list[FieldError]:
    return [field_error(error) for error in exc.errors()]


def _constraints(annotation: Any) -> Iterator[Any]:
    """The constraint objects inside a type: `Annotated[...]` metadata, through unions and `Field()`s."""
    if get_origin(annotation) is Annotated:
        base, *metadata = get_args(annotation)
        yield from _constraints(base)
        for item in metadata:
            if isinstance(item, FieldInfo):
                yield from item.metadata
            else:
                yield item
    elif get_origin(annotation) in (Union, UnionType):
        for arg in get_args(annotation):
            yield from _constraints(arg)


_ATTRIBUTES = (("max_length", "maxlength"), ("min_length", "minlength"), ("ge", "min"), ("le", "max"))


def input_limits(model: type[BaseModel]) -> dict[str, dict[str, int]]:
    """HTML attributes that bound each field of a schema as the server does: maxlength/minlength
    for text, min/max for numbers."""
    limits: dict[str, dict[str, int]] = {}
    for name, info in model.model_fields.items():
        found: dict[str, int] = {}
        for item in [*info.metadata, *_constraints(info.annotation)]:
            for attribute, html in _ATTRIBUTES:
                value = getattr(item, attribute, None)
                if isinstance(value, int) and not isinstance(value, bool):
                    # Every constraint on a field holds, so the tightest of each kind is the bound.
                    tighter = min if html in ("maxlength", "max") else max
                    found[html] = tighter(found.get(html, value), value)
        if found:
            limits[name] = {html: found[html] for _, html in _ATTRIBUTES if html in found}
    return limits
