"""Gate API bodies and answers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, model_validator

from borderlink.gates.models import Direction, DocumentType, Outcome, Purpose
from borderlink.gates.mrz import MrzResult
from borderlink.gates.photos import MAX_PHOTO_BASE64
from borderlink.gates.service import GateView
from borderlink.shared.contracts import BirthDate, Name, Text
from borderlink.shared.forms import rule_error
from borderlink.shared.timeline import EventOut

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



# --- crossings and their checks -------------------------------------------------------------

StateCode = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z<]{1,3}$")]


class PersonIn(BaseModel):
    """A traveller typed by the officer: names in any script (王晓红, Vương Hiểu Hồng, WANG XIAOHONG)."""

    names: list[Name] = Field(default_factory=list, max_length=5)
    surname: Name | None = None
    given_names: Name | None = None
    birth_date: BirthDate | None = Field(default=None, description="YYYY-MM-DD, or YYYY-MM / YYYY when partly known.")
    sex: Literal["M", "F", "X"] | None = None
    nationality: StateCode | None = None


class DocumentIn(BaseModel):
    type: DocumentType = DocumentType.PASSPORT
    number: Annotated[Text, Field(max_length=40)]
    issuing_state: StateCode | None = None
    expiry: dt.date | None = None


class PhotoIn(BaseModel):
    """The traveller's photo taken or uploaded at the desk: a JPEG, PNG or WebP image."""

    filename: Annotated[Text, Field(max_length=200)] = "photo.jpg"
    content_base64: str = Field(max_length=MAX_PHOTO_BASE64, description="The image's bytes in base64.")


class CrossingCreate(BaseModel):
    direction: Direction
    mrz: str | None = Field(default=None, max_length=MRZ_MAX_CHARS,
                            description="The zone's lines joined with a newline; fills person and document.")
    person: PersonIn | None = None
    document: DocumentIn | None = None
    purpose: Purpose | None = None
    vehicle_plate: Annotated[Text, Field(max_length=20)] | None = None
    border_pass: Annotated[Text, Field(max_length=40)] | None = None
    lane: Annotated[Text, Field(max_length=20)] | None = Field(default=None, description="A lane of the gate.")
    gate_unit_code: Annotated[Text, Field(max_length=80)] | None = Field(
        default=None, description="The gate; by default the caller's own unit.")
    crossed_at: dt.datetime | None = Field(default=None, description="When; by default now. Never in the future.")
    photo: PhotoIn | None = Field(default=None, description="The traveller's photo; sent with each hit report.")
    pass_children: list[Annotated[int, Field(ge=0, le=9)]] = Field(
        default_factory=list, max_length=10,
        description="Children listed on the border pass who cross with the holder, by their place on the pass; "
                    "each is recorded and checked as a crossing of its own.")

    @model_validator(mode="after")
    def _someone_crosses(self) -> CrossingCreate:
        if not (self.mrz and self.mrz.strip()) and self.person is None and self.document is None \
                and not self.border_pass:
            raise rule_error("Give the machine-readable zone, the border pass, or the person or their document.",
                             field="mrz")
        if self.person is not None and not self.person.names and not self.person.surname and not self.mrz:
            raise rule_error("Give the person's name.", field="person.names")
        if self.pass_children and not self.border_pass:
            raise rule_error("Children are added from the border pass: give its number.", field="border_pass")
        return self


class CrossingBatch(BaseModel):
    """Crossings from an e-gate, recorded and checked one by one in one request."""

    crossings: list[CrossingCreate] = Field(min_length=1, max_length=100)


class HitSummaryOut(BaseModel):
    id: str
    alert_id: str
    score: float
    action: str = Field(description="What to do: arrest, protect, discreet_check, seize_document, seize_vehicle.")
    protected: bool = Field(default=False, description="The traveller is a victim: protect, never arrest or hold.")
    explanation: str = Field(description="Why it matched, in the caller's language.")
    subject: Literal["person", "document", "vehicle"]
    alert_kind: str
    status: str
    details: dict[str, Any] = Field(default_factory=dict, description="What agreed and what conflicted.")


class CheckOut(BaseModel):
    result: Literal["clear", "hit"]
    hits: list[HitSummaryOut]
    instruction: str = Field(description="What the officer does now, in the caller's language.")


class CrossingOut(BaseModel):
    id: str
    gate_unit_code: str
    direction: Direction
    crossed_at: dt.datetime
    lane: str | None
    officer_name: str
    names: list[str]
    surname: str | None
    given_names: str | None
    birth_date: str | None
    sex: str | None
    nationality: str | None
    document_type: str | None
    document_number: str | None
    issuing_state: str | None
    document_expiry: str | None
    document_expired: bool
    mrz_format: str | None
    purpose: str | None
    vehicle_plate: str | None
    border_pass: str | None
    photo_url: str | None = Field(default=None, description="The traveller's photo, when one was taken.")
    children: list[CrossingOut] = Field(default_factory=list,
                                        description="The crossings of the children listed on the pass.")
    exit_crossing_id: str | None = Field(default=None, description="An entry's matching exit, once recorded.")
    check: CheckOut


class CrossingBatchOut(BaseModel):
    crossings: list[CrossingOut]


class CrossingListOut(BaseModel):
    items: list[CrossingOut]
    next_cursor: str | None


# --- hits ---------------------------------------------------------------------------------------

class HitAnswerIn(BaseModel):
    note: Annotated[Text, Field(max_length=2000)] | None = None


class HitOutcomeIn(BaseModel):
    outcome: Outcome
    note: Annotated[Text, Field(max_length=2000)] | None = None


class HitOut(BaseModel):
    id: str
    status: Literal["pending", "confirmed", "rejected"]
    alert_id: str
    alert_party: str
    alert_unit_code: str
    alert_kind: str
    action: str
    protected: bool = Field(description="The traveller is a victim: protect, never arrest or hold.")
    protection_note: str | None = Field(description="What protection means here, in the caller's language.")
    photo_url: str | None = Field(default=None, description="The traveller's photo from the gate, when taken.")
    subject: Literal["person", "document", "vehicle"]
    score: float
    explanation: str
    details: dict[str, Any]
    gate_party: str
    gate_unit_code: str
    crossing_id: str | None = Field(description="The crossing, on the gate's node only.")
    crossing: dict[str, Any]
    crossed_at: dt.datetime
    deadline_at: dt.datetime | None
    escalation_level: int
    answer_note: str | None
    answered_at: dt.datetime | None
    answered_by: str | None
    outcome: str | None
    outcome_note: str | None
    outcome_at: dt.datetime | None
    created_at: dt.datetime
    timeline: list[EventOut]


class HitListOut(BaseModel):
    items: list[HitOut]
    next_cursor: str | None


class GateSettingsIn(BaseModel):
    hit_urgent_minutes: int | None = Field(default=None, ge=1, le=7 * 24 * 60, description=(
        "How long the alert's owner has to answer a hit on a wanted, missing or victim alert."))
    hit_other_minutes: int | None = Field(default=None, ge=1, le=30 * 24 * 60,
                                          description="The same for every other alert.")
    pass_stay_days: int | None = Field(default=None, ge=1, le=90,
                                       description="How long a pass holder may stay after entering.")


class GateSettingsOut(BaseModel):
    hit_urgent_minutes: int
    hit_other_minutes: int
    pass_stay_days: int


# --- border-resident passes -----------------------------------------------------------------

class PassHolderIn(BaseModel):
    names: list[Name] = Field(min_length=1, max_length=5)
    birth_date: BirthDate | None = None
    sex: Literal["M", "F", "X"] | None = None
    nationality: StateCode | None = None


class ChildIn(BaseModel):
    names: list[Name] = Field(min_length=1, max_length=3)
    birth_date: BirthDate | None = None


class PassCreate(BaseModel):
    number: Annotated[Text, Field(max_length=40)]
    holder: PassHolderIn
    commune: Annotated[Text, Field(max_length=200)]
    permitted_area: Annotated[Text, Field(max_length=500)]
    children: list[ChildIn] = Field(default_factory=list, max_length=10)
    valid_from: dt.date
    valid_until: dt.date = Field(description="At most twelve months after `valid_from`.")


class PassOut(BaseModel):
    id: str
    number: str
    holder_names: list[str]
    holder_birth_date: str | None
    holder_sex: str | None
    holder_nationality: str | None
    commune: str
    permitted_area: str
    children: list[dict[str, Any]]
    valid_from: dt.date
    valid_until: dt.date
    issuing_unit_code: str


class PassListOut(BaseModel):
    items: list[PassOut]
    next_cursor: str | None


class OverstayOut(BaseModel):
    crossing_id: str
    gate_unit_code: str
    border_pass: str | None
    names: list[str]
    entered_at: dt.datetime
    allowed_until: dt.datetime


# --- pre-arrival notices ----------------------------------------------------------------------

class DriverIn(BaseModel):
    names: list[Name] = Field(min_length=1, max_length=5)
    birth_date: BirthDate | None = None
    nationality: StateCode | None = None
    document_number: Annotated[Text, Field(max_length=40)] | None = None
    document_state: StateCode | None = None


class PreArrivalCreate(BaseModel):
    plate: Annotated[Text, Field(max_length=20)]
    driver: DriverIn
    containers: list[Annotated[Text, Field(max_length=20)]] = Field(default_factory=list, max_length=20)
    cargo_description: Annotated[Text, Field(max_length=2000)]
    hs_code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{4,10}$")] = Field(
        description="Harmonized System code, 4 to 10 digits.")
    weight_kg: float = Field(ge=1, le=200_000, description="gross weight, kilograms")
    expected_at: dt.datetime
    gate_unit_code: Annotated[Text, Field(max_length=80)] | None = Field(
        default=None, description="The announcing gate; by default the caller's own unit.")


class PreArrivalOut(BaseModel):
    id: str
    status: Literal["expected", "arrived"]
    from_gate_unit_code: str
    to_gate_unit_code: str
    plate: str
    driver: dict[str, Any]
    containers: list[str]
    cargo_description: str
    hs_code: str
    weight_kg: float
    expected_at: dt.datetime
    check_result: Literal["clear", "hit"] | None = Field(description="The facing gate's check of driver and vehicle.")
    check_hits: list[dict[str, Any]]
    crossing_id: str | None
    arrived_at: dt.datetime | None


class PreArrivalListOut(BaseModel):
    items: list[PreArrivalOut]


class HourCount(BaseModel):
    hour: int = Field(description="Hour of the gate's local day, 0-23.")
    entry: int
    exit: int


class DashboardOut(BaseModel):
    gate_unit_code: str
    timezone: str
    local_date: dt.date
    crossings_today: int
    entries_today: int
    exits_today: int
    hits_today: int
    by_hour: list[HourCount]
    pending_hits: int = Field(description="Hits at this gate or on its alerts waiting for the owner's answer.")
    expected_arrivals: int
    overstays: int
    direction_codes: list[str]
