"""Gate JSON API: the border gates with lanes and hours; read a travel document's machine-readable zone."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request

from borderlink.directory.permissions import Permission, Principal
from borderlink.gates import mrz, service
from borderlink.gates.schemas import GateOut, MrzParseOut, MrzParseRequest
from borderlink.web.deps import DbSession, get_node, require

router = APIRouter(prefix="/gates", tags=["gates"])
Checker = Annotated[Principal, Depends(require(Permission.GATES_CHECK))]
Reader = Annotated[Principal, Depends(require(Permission.GATES_READ))]


@router.get("", response_model=list[GateOut])
def list_gates(request: Request, session: DbSession, _: Reader,
               party: Annotated[str | None, Query(pattern="^(VN|CN|vn|cn)$")] = None) -> list[GateOut]:
    """Border gates of both parties (or one), each with the gate it faces, its lanes, and its
    opening hours in its own time zone with whether each is open now."""
    now = get_node(request).clock.now()
    return [GateOut.of(view) for view in service.list_gates(session, now, party)]


def _local_today(moment: dt.datetime, timezone: str) -> dt.date:
    """The officer's calendar day: a birth today at the gate is not in the future."""
    return moment.astimezone(ZoneInfo(timezone)).date()


@router.post("/mrz/parse", response_model=MrzParseOut)
def parse_mrz(body: MrzParseRequest, request: Request, principal: Checker) -> MrzParseOut:
    """Read the zone as a passport reader types it or as pasted. A bad zone is answered with
    `valid` false and errors naming the failing field, not refused."""
    today = _local_today(get_node(request).clock.now(), principal.timezone)
    return MrzParseOut.of(mrz.parse(body.mrz, today=today))
