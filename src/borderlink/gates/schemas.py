"""Gate API bodies and answers."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from borderlink.gates.mrz import MrzResult
from borderlink.gates.service import GateView

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


class LaneOut(BaseModel):
    code: str
    traffic: Literal["people", "goods"]
    direction: Literal["entry", "exit", "both"]
    automatic: bool
    crossing_point: str | None


class HoursOut(BaseModel):
    traffic: Literal["people", "goods"]
    opens: str = Field(description="HH:MM, local time of the gate's time zone.")
    closes: str = Field(description="HH:MM, local time of the gate's time zone.")
    open_now: bool


class GateOut(BaseModel):
    unit_id: str
    unit_code: str
    party_code: str
    name_vi: str
    name_zh: str
    name_en: str
    province: str | None
    location: str | None
    facing_unit_code: str | None = Field(description="The gate across the border.")
    timezone: str = Field(description="IANA zone the hours are given in.")
    local_time: dt.datetime = Field(description="The node's current time in the gate's zone.")
    lanes: list[LaneOut]
    hours: list[HoursOut] = Field(description="Daily hours per kind of traffic; empty when not known.")

    @classmethod
    def of(cls, view: GateView) -> GateOut:
        gate, unit, local = view.gate, view.unit, view.local_time
        return cls(
            unit_id=unit.id, unit_code=unit.code, party_code=unit.party_code, name_vi=unit.name_vi,
            name_zh=unit.name_zh, name_en=unit.name_en, province=unit.province, location=unit.location,
            facing_unit_code=view.facing.code if view.facing else None, timezone=gate.timezone, local_time=local,
            lanes=[LaneOut(code=lane.code, traffic=lane.traffic.value, direction=lane.direction.value,
                           automatic=lane.automatic, crossing_point=lane.crossing_point) for lane in gate.lanes],
            hours=[HoursOut(traffic=hours.traffic.value, opens=hours.opens.strftime("%H:%M"),
                            closes=hours.closes.strftime("%H:%M"), open_now=hours.is_open(local.time()))
                   for hours in gate.hours],
        )

