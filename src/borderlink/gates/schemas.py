"""Gate API bodies and answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from borderlink.gates.mrz import MrzResult

# A zone is at most 3 × 30 or 2 × 44 characters; room is left for spaces and line endings a reader adds.
MRZ_MAX_CHARS = 400


class MrzParseRequest(BaseModel):
    mrz: str = Field(max_length=MRZ_MAX_CHARS, description="The zone's lines joined with a newline, as read or typed.")


class MrzParseOut(BaseModel):
    format: Literal["TD1", "TD2", "TD3", "MRVA", "MRVB"] | None
    valid: bool = Field(description="Every check digit matches and every field reads.")
    document_code: str | None
    issuing_state: str | None
    surname: str | None
    given_names: str | None = Field(description="Secondary identifiers, fillers as single spaces.")
    document_number: str | None = Field(description="Without fillers, long numbers joined up.")
    nationality: str | None
    birth_date: str | None = Field(description="YYYY-MM-DD; YYYY-MM or YYYY when the zone marks parts unknown.")
    expiry_date: str | None = Field(description="YYYY-MM-DD.")
    sex: Literal["M", "F", "X"] | None
    optional_data: str | None
    checks: dict[str, bool] = Field(description="Each check digit by the field it protects, and `composite`.")
    errors: list[str] = Field(description="Each problem, starting with the name of the failing field.")

    @classmethod
    def of(cls, result: MrzResult) -> MrzParseOut:
        return cls.model_validate(result.as_json())
