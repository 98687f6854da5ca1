"""Free text from a form, the API or the other node never carries the NUL character: neither
database stores it, so it is refused at the contract with the field named, not at the insert."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from borderlink.shared.contracts import Text


class _Body(BaseModel):
    note: Text


def test_text_with_a_nul_character_is_refused_on_its_field() -> None:
    with pytest.raises(ValidationError) as refused:
        _Body(note="cargo\x00")
    assert refused.value.errors()[0]["loc"] == ("note",)


def test_ordinary_text_is_kept_stripped() -> None:
    assert _Body(note="  hàng hoá 货物 ").note == "hàng hoá 货物"
