"""Message contracts: the versioned Pydantic model of every envelope kind's body.

A domain declares one model per kind and version by subclassing `MessageBody`:

    class ReplyMessage(MessageBody, kind="hotline.reply", version=1):
        request_id: Uuid
        body: Text

and registers it with `CONTRACTS.register(ReplyMessage)`. The sending side builds the model and sends
`to_wire(model)`; the receiving side calls `CONTRACTS.parse(kind, body)` before any handler runs and
hands the handler the parsed model. Both sides therefore agree on one shape, one normalisation
(`Text`, `Code` strip and fold case at the edge) and one set of limits.

A body's version is its `"v"` member; version 1 leaves it out, so bodies written before versioning
parse unchanged. A later incompatible version is a new subclass with `version=2`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Annotated, Any, ClassVar, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic_core import to_jsonable_python

UUID_REGEX = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
VERSION_FIELD = "v"

# Shared field types. Input is normalised once, here, on whichever side it enters.
Uuid = Annotated[str, StringConstraints(pattern=UUID_REGEX)]
# Neither database stores the NUL character in text (PostgreSQL refuses it outright). A pattern,
# not a validator, so that a field's own length limits still report as text limits.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"^[^\x00]*$")]
"""Free text: surrounding whitespace removed; whitespace-only text and the NUL character are refused."""
Code = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, min_length=1, max_length=80)]
"""A code from a code list or the directory (offence, unit): stripped and upper-cased."""
Party = Annotated[str, StringConstraints(pattern=r"^(VN|CN)$")]


def _as_utc(moment: dt.datetime) -> dt.datetime:
    # A time without an offset is UTC: that is how both nodes store times.
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


Timestamp = Annotated[dt.datetime, AfterValidator(_as_utc)]
"""An ISO 8601 instant, kept in UTC."""


class ContractViolation(ValueError):
    """A body does not match its kind's contract. `reason` names the field: `body.x: field required`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ContractPart(BaseModel):
    """Base of the objects inside a body. Unknown members are refused so the two sides cannot drift
    apart; types are strict (no "5" for 5), as the JSON Schema states them."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> Self:
        """Build from plain values (enums, datetimes, nested dicts) exactly as the receiver parses."""
        return cls.model_validate_json(json.dumps(to_jsonable_python(fields)))


UnitCode = Annotated[Code, Field(max_length=80)]
"""A unit of the directory, by its code."""
OffenceCode = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, min_length=5, max_length=8)]
"""A code of the offence list (ICCS-based; see the safeguards' offences)."""
Name = Annotated[Text, Field(max_length=200)]
"""A person's or an object's name, as shown on both nodes."""
ShortText = Annotated[Text, Field(max_length=300)]
Note = Annotated[Text, Field(max_length=2000)]
LongText = Annotated[Text, Field(max_length=20_000)]
BIRTH_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
BirthDate = Annotated[str, StringConstraints(strip_whitespace=True, pattern=BIRTH_DATE_PATTERN)]
"""A birth date as far as it is known: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`."""
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


def base64_length(max_bytes: int) -> int:
    """How long the base64 text of a file of up to `max_bytes` may be."""
    return (max_bytes + 2) // 3 * 4


class FilePart(ContractPart):
    """A file inside a body, with its id on both sides and its hash (shared/attachments.wire_part);
    each kind bounds `content_base64` to its own limit with `base64_length`."""

    id: Uuid
    filename: Annotated[Text, Field(max_length=200)]
    content_type: Annotated[str, Field(max_length=100)]
    sha256: Sha256
    content_base64: str


class TimelineStep(ContractPart):
    """One step of a shared object's timeline; its id makes applying it twice harmless. A domain
    narrows `kind` to its own event kinds."""

    id: Uuid
    kind: Annotated[str, Field(min_length=1, max_length=40)]
    at: Timestamp
    party: Party = Field(description="the node that took the step")
    unit_code: UnitCode | None = Field(default=None, description="the unit of that node that took it")
    detail: Annotated[str, Field(max_length=2000)] | None = None
    message: Annotated[str, Field(max_length=300)] | None = Field(
        default=None, description="the detail's message id, translated by the reader; `detail` is its English text")
    params: dict[str, Any] = Field(default_factory=dict, description="the parameters of `message`")


class MessageBody(ContractPart):
    """Base of every message body: declares its kind and version as class keywords."""

    message_kind: ClassVar[str] = ""
    message_version: ClassVar[int] = 1

    def __init_subclass__(cls, *, kind: str = "", version: int = 1, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if kind:
            cls.message_kind = kind
            cls.message_version = version

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        # Pydantic passes the class keywords on; they are ours, not model configuration.
        super().__pydantic_init_subclass__()


def to_wire(message: MessageBody) -> dict[str, Any]:
    """The JSON body that goes into an envelope."""
    body = message.model_dump(mode="json")
    if message.message_version != 1:
        body[VERSION_FIELD] = message.message_version
    return body


def violation_text(error: ValidationError, prefix: str = "body") -> str:
    """One line per problem, each naming its field: `body.sent_event.at: field required`."""
    lines = []
    for item in error.errors(include_url=False):
        # A rule spanning several fields is raised for the model; its context names the field.
        field = (item.get("ctx") or {}).get("field")
        path = ".".join([prefix, *(str(part) for part in item["loc"]), *([str(field)] if field else [])])
        message = str(item["msg"])
        lines.append(f"{path}: {message[:1].lower()}{message[1:]}")
    return "; ".join(lines)


@dataclasses.dataclass(frozen=True, slots=True)
class Contract:
    kind: str
    version: int
    model: type[MessageBody]

    @property
    def schema_name(self) -> str:
        return f"{self.kind}.v{self.version}"


class ContractRegistry:
    """Kinds and versions to models. One per process (`CONTRACTS`); tests may make their own."""

    def __init__(self) -> None:
        self._contracts: dict[tuple[str, int], Contract] = {}

    def register(self, model: type[MessageBody]) -> type[MessageBody]:
        """Declare `model` as the contract of its kind and version. Registering it again is fine."""
        kind, version = model.message_kind, model.message_version
        if not kind or not re.match(r"^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$", kind):
            raise ValueError(f"{model.__name__} declares no valid kind")
        existing = self._contracts.get((kind, version))
        if existing is not None and existing.model is not model:
            raise ValueError(f"a different contract is already registered for {kind} v{version}")
        self._contracts[(kind, version)] = Contract(kind, version, model)
        return model

    def get(self, kind: str, version: int = 1) -> Contract | None:
        return self._contracts.get((kind, version))

    def knows(self, kind: str) -> bool:
        return any(known == kind for known, _ in self._contracts)

    def __iter__(self) -> Iterator[Contract]:
        return iter(sorted(self._contracts.values(), key=lambda c: (c.kind, c.version)))

    def parse(self, kind: str, body: dict[str, Any]) -> MessageBody:
        """The parsed, normalised body, or ContractViolation naming the first bad field."""
        version = body.get(VERSION_FIELD, 1)
        if not isinstance(version, int) or isinstance(version, bool):
            raise ContractViolation(f"body.{VERSION_FIELD}: must be an integer version")
        contract = self.get(kind, version)
        if contract is None:
            raise ContractViolation(f"body.{VERSION_FIELD}: version {version} of {kind} is not supported")
        fields = {name: value for name, value in body.items() if name != VERSION_FIELD}
        try:
            # JSON mode: strict types as the JSON Schema states them (no "5" for 5), while
            # timestamps and enum values are read from their JSON spelling.
            return contract.model.model_validate_json(json.dumps(fields))
        except ValidationError as exc:
            raise ContractViolation(violation_text(exc)) from exc


CONTRACTS = ContractRegistry()
