"""The work forms on a case's page: units and the agreement (the owner's), evidence with its file
and custody, assets, intercepted groups, links and a task marked done. Each posts to the same
service function as the API and, refused, shows the case again with the error beside its input and
what was typed kept."""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from borderlink.cases import operations, persons, service
from borderlink.cases.models import EVIDENCE_MAX_BYTES
from borderlink.cases.pages import Contributor, Manager, _act, _model, _zone
from borderlink.cases.schemas import (
    AgreementExtension,
    AssetCreate,
    AssetUpdate,
    CustodyCreate,
    EvidenceCreate,
    GroupCreate,
    LinkCreate,
)
from borderlink.directory.permissions import Principal
from borderlink.errors import InvalidInput
from borderlink.shared.body_limit import KIB, max_body
from borderlink.web import form_pages as forms
from borderlink.web.deps import DbSession, node_now

router = APIRouter(include_in_schema=False)
_BREAKDOWN_LINE = re.compile(r"^\s*([A-Za-z]{3})[\s,;]+([MFmf])[\s,;]+(\d{1,6})\s*$")


async def _step(request: Request, session: DbSession, principal: Principal, case_id: str, form: str,
                action: Callable[[dict[str, Any], dt.datetime], object],
                values: dict[str, Any] | None = None, outcome: str | None = None) -> Response:
    """Run one form's step (`action(values, now)`) and answer as `pages._act` does; the outcome
    shown is the form's own unless `outcome` names another."""
    shown = values if values is not None else await forms.submitted(request)
    now = node_now(request)
    return await run_in_threadpool(_act, request, session, principal, case_id, shown, lambda: action(shown, now),
                                   form, outcome or form)


@router.post("/cases/{case_id}/units")
async def unit_form(case_id: str, request: Request, session: DbSession, principal: Manager) -> Response:
    return await _step(request, session, principal, case_id, "unit", lambda values, now: service.add_unit(
        session, principal, case_id, values.get("unit_code", ""), now))


@router.post("/cases/{case_id}/agreement")
async def agreement_form(case_id: str, request: Request, session: DbSession, principal: Manager) -> Response:
    return await _step(request, session, principal, case_id, "agreement", lambda values, now: service.extend_agreement(
        session, principal, case_id, _model(AgreementExtension, values), now))


@router.post("/cases/{case_id}/evidence")
@max_body(EVIDENCE_MAX_BYTES + 64 * KIB)
async def evidence_form(case_id: str, request: Request, session: DbSession, principal: Contributor) -> Response:
    form = await request.form(max_files=1, max_part_size=EVIDENCE_MAX_BYTES)
    typed = {k: str(v) for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    upload = form.get("file")
    data: dict[str, Any] = {k: typed.get(k, "") for k in ("item", "holder", "sha256")}
    if isinstance(upload, UploadFile) and upload.filename:
        content = await upload.read()
        data |= {"content_base64": base64.b64encode(content).decode("ascii"), "filename": upload.filename,
                 "content_type": upload.content_type or ""}
    return await _step(request, session, principal, case_id, "evidence", lambda _, now: operations.add_evidence(
        session, principal, case_id, _model(EvidenceCreate, data), now), typed)


@router.post("/cases/{case_id}/evidence/{evidence_id}/custody")
async def custody_form(case_id: str, evidence_id: str, request: Request, session: DbSession,
                       principal: Contributor) -> Response:
    return await _step(request, session, principal, case_id, f"custody-{evidence_id}",
                       lambda values, now: operations.pass_custody(session, principal, case_id, evidence_id,
                                                                   _model(CustodyCreate, values), now),
                       outcome="custody")


@router.post("/cases/{case_id}/assets")
async def asset_form(case_id: str, request: Request, session: DbSession, principal: Contributor) -> Response:
    return await _step(request, session, principal, case_id, "asset", lambda values, now: operations.add_asset(
        session, principal, case_id, _model(AssetCreate, {**values, "currency": values.get("currency", "").upper()}),
        now))


@router.post("/cases/{case_id}/assets/{asset_id}")
async def asset_update_form(case_id: str, asset_id: str, request: Request, session: DbSession,
                            principal: Contributor) -> Response:
    return await _step(request, session, principal, case_id, f"asset-{asset_id}",
                       lambda values, now: operations.update_asset(session, principal, case_id, asset_id,
                                                                   _model(AssetUpdate, values), now),
                       outcome="asset_updated")


def breakdown_of(text: str) -> list[dict[str, Any]]:
    """"VNM F 4" a line: nationality, sex and how many people."""
    found = []
    for line in text.splitlines():
        if not line.strip():
            continue
        matched = _BREAKDOWN_LINE.match(line)
        if matched is None:
            raise InvalidInput("Each line gives a nationality, a sex and a count, e.g. VNM F 4.", field="breakdown")
        found.append({"nationality": matched[1].upper(), "sex": matched[2].upper(), "count": int(matched[3])})
    return found


@router.post("/cases/{case_id}/immigration-groups")
async def group_form(case_id: str, request: Request, session: DbSession, principal: Contributor) -> Response:
    zone = _zone(request)
    return await _step(request, session, principal, case_id, "group", lambda values, now: operations.add_group(
        session, principal, case_id,
        _model(GroupCreate, {**values, "breakdown": breakdown_of(values.get("breakdown", ""))}, zone), now))


@router.post("/cases/{case_id}/links")
async def link_form(case_id: str, request: Request, session: DbSession, principal: Contributor) -> Response:
    return await _step(request, session, principal, case_id, "link", lambda values, now: persons.add_link(
        session, principal, case_id, _model(LinkCreate, {**values, "target_id": values.get("target_id", "").strip()}),
        now))


@router.post("/cases/{case_id}/tasks/{task_id}/done")
async def task_done_form(case_id: str, task_id: str, request: Request, session: DbSession,
                         principal: Contributor) -> Response:
    return await _step(request, session, principal, case_id, f"task-{task_id}",
                       lambda _, now: operations.complete_task(session, principal, case_id, task_id, now),
                       outcome="task_done")
