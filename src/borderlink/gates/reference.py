"""Border gates as reference data: which post-tier units are gates, their lanes and opening hours.

Read from the packaged data file and checked against the directory's reference units: every gate is
a post-tier unit, and both units of a facing pair are gates. Hours are local times of the gate's own
time zone, so the two sides of one pair may show different clock times for the same opening.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from borderlink.clock import known_zone
from borderlink.directory import service as directory
from borderlink.errors import InvalidInput


class Traffic(enum.StrEnum):
    PEOPLE = "people"
    GOODS = "goods"


class LaneDirection(enum.StrEnum):
    ENTRY = "entry"
    EXIT = "exit"
    BOTH = "both"


class Lane(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]{0,19}$")
    traffic: Traffic
    direction: LaneDirection
    automatic: bool
    crossing_point: str | None = None


class OpeningHours(BaseModel):
    """Daily hours for one kind of traffic, in the gate's local time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    traffic: Traffic
    opens: dt.time
    closes: dt.time

    @model_validator(mode="after")
    def _opens_before_closing(self) -> OpeningHours:
        if self.opens >= self.closes:
            raise ValueError(f"{self.traffic} hours open at {self.opens} but close at {self.closes}")
        return self

    def is_open(self, local: dt.time) -> bool:
        return self.opens <= local < self.closes


class Gate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    unit: str
    timezone: str
    lanes: tuple[Lane, ...] = Field(min_length=1)
    hours: tuple[OpeningHours, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return known_zone(value)

    @model_validator(mode="after")
    def _distinct_codes(self) -> Gate:
        codes = [lane.code for lane in self.lanes]
        if len(set(codes)) != len(codes):
            raise ValueError(f"gate {self.unit}: lane codes repeat")
        kinds = [hours.traffic for hours in self.hours]
        if len(set(kinds)) != len(kinds):
            raise ValueError(f"gate {self.unit}: hours for one kind of traffic are listed twice")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local_time(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.zone)

    def open_now(self, moment: dt.datetime, traffic: Traffic) -> bool | None:
        """Whether the gate takes that traffic at `moment`; None when its hours are not known."""
        hours = next((h for h in self.hours if h.traffic is traffic), None)
        return None if hours is None else hours.is_open(self.local_time(moment).time())


class _GateFile(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    about: str = Field(alias="_about")
    gates: tuple[Gate, ...]


def check_against_directory(gates: tuple[Gate, ...], directory_data: dict[str, Any]) -> None:
    """Every gate is a post-tier unit, listed once, and the unit facing it is a gate too."""
    tiers = {unit["code"]: unit["tier"] for unit in directory_data["units"]}
    codes = [gate.unit for gate in gates]
    problems = [f"gate {code} is listed twice" for code in sorted({c for c in codes if codes.count(c) > 1})]
    problems += [f"gate {code} is not a unit of the directory" for code in codes if code not in tiers]
    problems += [f"gate {code} is a {tiers[code]} unit, not a post" for code in codes
                 if code in tiers and tiers[code] != "post"]
    listed = set(codes)
    for code_a, code_b in directory_data["counterparts"]:
        if (code_a in listed) != (code_b in listed):
            missing = code_b if code_a in listed else code_a
            problems.append(f"gate {code_a if missing == code_b else code_b} faces {missing}, which is not a gate")
    if problems:
        raise InvalidInput("; ".join(problems))


def parse_gates(data: dict[str, Any], directory_data: dict[str, Any]) -> tuple[Gate, ...]:
    try:
        gates = _GateFile.model_validate(data).gates
    except ValueError as exc:
        raise InvalidInput(f"gate reference data: {exc}") from exc
    check_against_directory(gates, directory_data)
    return gates


@functools.cache
def reference_gates() -> tuple[Gate, ...]:
    """The packaged gates, checked once per process."""
    text = (resources.files("borderlink.gates") / "data" / "gates.json").read_text(encoding="utf-8")
    return parse_gates(json.loads(text), directory.reference_data())

