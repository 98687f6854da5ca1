"""Alerts JSON API: issue and read alerts, their life-cycle steps, flags, and screening checks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from borderlink.alerts import service
from borderlink.alerts.models import Alert
from borderlink.alerts.protection import ProtectedPerson
from borderlink.alerts.schemas import (
    AlertFilter,
    AlertIn,
    AlertOut,
    AlertPageOut,
    AlertSummaryOut,
    AlertUpdate,
    CreatedOut,
    ExtendIn,
    FlagIn,
    ReviewIn,
    ScreeningCheckIn,
    ScreeningOut,
    ValidityIn,
    WithdrawIn,
)
from borderlink.alerts.screening_entries import ScreeningQuery
from borderlink.alerts.screening_service import screen
from borderlink.alerts.views import alert_out, match_out, summary_out
from borderlink.directory.permissions import Permission, Principal
from borderlink.shared.body_limit import max_body
from borderlink.shared.forms import FieldError
from borderlink.web import errors as web_errors
from borderlink.web.deps import DbSession, language_for, node_now, require

router = APIRouter(tags=["alerts"])
Reader = Annotated[Principal, Depends(require(Permission.ALERTS_READ))]
Issuer = Annotated[Principal, Depends(require(Permission.ALERTS_ISSUE))]
Reviewer = Annotated[Principal, Depends(require(Permission.ALERTS_REVIEW))]
Screener = Annotated[Principal, Depends(require(Permission.ALERTS_SCREEN))]
MAX_ALERT_JSON_BYTES = 256 * 1024


def _out(request: Request, session: DbSession, alert: Alert, principal: Principal) -> AlertOut:
    return alert_out(session, alert, principal, language_for(request, principal))


def _refusal(request: Request, refused: ProtectedPerson) -> Response:
    """The refusal answer, returned (not raised) so that the audit of the attempt commits."""
    return web_errors.respond(request, 409, refused.code, [FieldError.of(refused)])


@router.post("/alerts", response_model=CreatedOut, status_code=201,
             responses={409: {"model": web_errors.ErrorOut}})
@max_body(MAX_ALERT_JSON_BYTES)
def create_alert(body: AlertIn, request: Request, session: DbSession, principal: Issuer) -> CreatedOut | Response:
    """Issue an alert. It is active at once, or `under_review` when its text may rest on political,
    religious, military or ethnic grounds (a central reviewer decides), or a `draft` when asked.
    A wanted alert on a protected victim is refused (409, audited); a second alert of this side on
    the same person is refused (409) unless `link_to` names the first."""
    now = node_now(request)
    try:
        alert = service.create_alert(session, principal, body, now)
    except ProtectedPerson as refused:
        return _refusal(request, refused)
    session.flush()
    return CreatedOut(id=alert.id, status=alert.status.value, alert=_out(request, session, alert, principal))


@router.get("/alerts", response_model=AlertPageOut)
def list_alerts(request: Request, session: DbSession, principal: Reader,
                filters: Annotated[AlertFilter, Query()]) -> AlertPageOut:
    """Alerts you may see, last changed first, `limit` at a time."""
    language = language_for(request, principal)
    page = service.list_alerts(session, principal, filters, node_now(request))
    flagged_now = service.flagged_ids(session, [a.id for a in page.items])
    items = [summary_out(session, a, principal, a.id in flagged_now, language) for a in page.items]
    return AlertPageOut(items=items, next_cursor=page.next_cursor, prev_cursor=page.prev_cursor)


@router.get("/alerts/review-queue", response_model=list[AlertSummaryOut])
def review_queue(request: Request, session: DbSession, principal: Reviewer) -> list[AlertSummaryOut]:
    """Alerts whose text neutrality screening flagged, waiting for a central reviewer."""
    language = language_for(request, principal)
    return [summary_out(session, a, principal, False, language) for a in service.REVIEW.queue(session, principal)]


@router.get("/alerts/validity")
def get_validity(session: DbSession, _: Reader) -> dict[str, int]:
    """The default validity of each kind of alert, in days."""
    return service.validities(session)


@router.put("/alerts/validity")
def put_validity(body: ValidityIn, session: DbSession,
                 principal: Annotated[Principal, Depends(require(Permission.ALERTS_CONFIGURE))]) -> dict[str, int]:
    """Set the node's default validity per kind, in days (central node administrators)."""
    service.set_validities(session, principal, body.days)
    session.flush()
    return service.validities(session)


@router.get("/alerts/{alert_id}", response_model=AlertOut)
def get_alert(alert_id: str, request: Request, session: DbSession, principal: Reader) -> AlertOut:
    """One alert; the other side's alert answers here under the same id (404 if not distributed to you)."""
    return _out(request, session, service.get_alert(session, principal, alert_id), principal)


@router.patch("/alerts/{alert_id}", response_model=AlertOut, responses={409: {"model": web_errors.ErrorOut}})
@max_body(MAX_ALERT_JSON_BYTES)
def update_alert(alert_id: str, body: AlertUpdate, request: Request, session: DbSession,
                 principal: Issuer) -> AlertOut | Response:
    """Change an alert's content, or hide it from the other side during an operation (owner only)."""
    try:
        alert = service.update(session, principal, alert_id, body, node_now(request))
    except ProtectedPerson as refused:
        return _refusal(request, refused)
    return _out(request, session, alert, principal)


@router.post("/alerts/{alert_id}/submit", response_model=AlertOut, responses={409: {"model": web_errors.ErrorOut}})
def submit(alert_id: str, request: Request, session: DbSession, principal: Issuer) -> AlertOut | Response:
    """Publish a draft (or send it for review)."""
    try:
        alert = service.submit(session, principal, alert_id, node_now(request))
    except ProtectedPerson as refused:
        return _refusal(request, refused)
    return _out(request, session, alert, principal)


@router.post("/alerts/{alert_id}/withdraw", response_model=AlertOut)
def withdraw(alert_id: str, body: WithdrawIn, request: Request, session: DbSession, principal: Issuer) -> AlertOut:
    """End an alert: withdrawn, or `fulfilled` when its action was taken. It leaves every screening index."""
    alert = service.withdraw(session, principal, alert_id, body.note, node_now(request),
                             fulfilled=body.fulfilled)
    return _out(request, session, alert, principal)


@router.post("/alerts/{alert_id}/flag", response_model=AlertOut)
def flag(alert_id: str, body: FlagIn, request: Request, session: DbSession, principal: Reader) -> AlertOut:
    """The receiving side will not take the alert's action on its territory, and why (a provincial or
    central unit); the owner sees the flag."""
    service.flag(session, principal, alert_id, body.reason, node_now(request), lifted=body.lifted)
    return _out(request, session, service.get_alert(session, principal, alert_id), principal)


@router.post("/alerts/{alert_id}/review", response_model=AlertOut)
def review(alert_id: str, body: ReviewIn, request: Request, session: DbSession, principal: Reviewer) -> AlertOut:
    """A central reviewer approves an alert held by neutrality screening, or refuses it."""
    alert = service.REVIEW.decide(session, principal, alert_id, body.decision == "approve", body.note,
                                  node_now(request))
    return _out(request, session, alert, principal)


@router.post("/alerts/{alert_id}/extend", response_model=AlertOut)
def extend(alert_id: str, body: ExtendIn, request: Request, session: DbSession, principal: Issuer) -> AlertOut:
    """Extend an active alert's validity; the review (why it is still needed) is recorded."""
    alert = service.extend(session, principal, alert_id, body.expires_at, body.review, node_now(request))
    return _out(request, session, alert, principal)


@router.get("/alerts/{alert_id}/export", response_model=AlertOut)
def export(alert_id: str, request: Request, session: DbSession, principal: Reader,
           purpose: Annotated[str, Query(pattern="^(prevention|investigation|court|onward)$")]) -> AlertOut:
    """The alert for a stated purpose: the other side's H1/H3 alerts are not for court, H2/H3 not passed on."""
    alert = service.get_alert(session, principal, alert_id)
    service.check_use(alert, principal.party, purpose)
    return _out(request, session, alert, principal)


@router.post("/screening/check", response_model=ScreeningOut)
def screening_check(body: ScreeningCheckIn, request: Request, session: DbSession,
                    principal: Screener) -> ScreeningOut | JSONResponse:
    """Check a person (a name in any script, optional birth date, gender, nationality), a document or
    a plate against every active alert you may see; each match explains itself in your language.
    Every check is audited."""
    now = node_now(request)
    query = ScreeningQuery(names=body.all_names, birth_date=body.birth_date,
                           gender=body.gender.value if body.gender else None, nationality=body.nationality,
                           document_number=body.document_number, document_state=body.document_state,
                           plate=body.plate)
    matches = screen(session, principal, query, now, limit=body.limit)
    return ScreeningOut(checked_at=now, matches=[match_out(m, language_for(request, principal)) for m in matches])
