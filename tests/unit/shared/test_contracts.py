"""The contract base: parsing names the bad field, input is normalised once, versions are kept apart."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import Field

from borderlink.shared.contracts import (
    Code,
    ContractPart,
    ContractRegistry,
    ContractViolation,
    MessageBody,
    Text,
    Timestamp,
    to_wire,
)


class Item(ContractPart):
    code: Code
    count: int = Field(ge=1)


class NoteV1(MessageBody, kind="test.note", version=1):
    text: Text
    at: Timestamp
    items: list[Item] = Field(default_factory=list)


class NoteV2(MessageBody, kind="test.note", version=2):
    text: Text
    urgent: bool


@pytest.fixture
def registry() -> ContractRegistry:
    made = ContractRegistry()
    made.register(NoteV1)
    made.register(NoteV2)
    return made


def test_a_missing_field_is_named(registry: ContractRegistry) -> None:
    with pytest.raises(ContractViolation) as caught:
        registry.parse("test.note", {"at": "2026-01-01T00:00:00Z"})
    assert caught.value.reason == "body.text: field required"


def test_nested_fields_are_named_with_their_path(registry: ContractRegistry) -> None:
    with pytest.raises(ContractViolation, match=r"body\.items\.0\.count: input should be greater than or equal to 1"):
        registry.parse("test.note", {"text": "x", "at": "2026-01-01T00:00:00Z", "items": [{"code": "a", "count": 0}]})


def test_types_are_strict_as_in_json_schema(registry: ContractRegistry) -> None:
    with pytest.raises(ContractViolation, match=r"body\.items\.0\.count: input should be a valid integer"):
        registry.parse("test.note", {"text": "x", "at": "2026-01-01T00:00:00Z", "items": [{"code": "a", "count": "2"}]})


def test_unknown_members_are_refused(registry: ContractRegistry) -> None:
    with pytest.raises(ContractViolation, match=r"body\.extra: extra inputs are not permitted"):
        registry.parse("test.note", {"text": "x", "at": "2026-01-01T00:00:00Z", "extra": 1})


def test_text_and_codes_are_normalised_and_blank_text_is_refused(registry: ContractRegistry) -> None:
    parsed = registry.parse("test.note", {"text": "  hello ", "at": "2026-01-01T07:00:00+07:00",
                                          "items": [{"code": " ab1 ", "count": 1}]})
    assert isinstance(parsed, NoteV1)
    assert parsed.text == "hello"
    assert parsed.items[0].code == "AB1"
    assert parsed.at == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(ContractViolation, match=r"body\.text"):
        registry.parse("test.note", {"text": "   ", "at": "2026-01-01T00:00:00Z"})


def test_the_version_member_selects_the_model(registry: ContractRegistry) -> None:
    newer = registry.parse("test.note", {"v": 2, "text": "x", "urgent": True})
    assert isinstance(newer, NoteV2)
    assert to_wire(newer) == {"text": "x", "urgent": True, "v": 2}
    with pytest.raises(ContractViolation, match=r"body\.v: version 3 of test.note is not supported"):
        registry.parse("test.note", {"v": 3, "text": "x"})


def test_what_the_sender_writes_the_receiver_parses_to_the_same_model(registry: ContractRegistry) -> None:
    sent = NoteV1.from_fields({"text": "x", "at": dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC),
                               "items": [{"code": "a", "count": 3}]})
    assert registry.parse("test.note", to_wire(sent)) == sent
    assert "v" not in to_wire(sent)


def test_a_kind_has_one_model_per_version(registry: ContractRegistry) -> None:
    class Other(MessageBody, kind="test.note", version=1):
        text: str

    with pytest.raises(ValueError, match="already registered"):
        registry.register(Other)
    registry.register(NoteV1)  # the same one again is fine
    assert [c.schema_name for c in registry] == ["test.note.v1", "test.note.v2"]
