"""Gate JSON API: read a travel document's machine-readable zone."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request

from borderlink.directory.permissions import Permission, Principal
from borderlink.gates import mrz
from borderlink.gates.schemas import MrzParseOut, MrzParseRequest
from borderlink.web.deps import get_node, require

router = APIRouter(prefix="/gates", tags=["gates"])
Checker = Annotated[Principal, Depends(require(Permission.GATES_CHECK))]


def _local_today(moment: dt.datetime, timezone: str) -> dt.date:
    """The officer's calendar day: a birth today at the gate is not in the future."""
    return moment.astimezone(ZoneInfo(timezone)).date()


@router.post("/mrz/parse", response_model=MrzParseOut)
def parse_mrz(body: MrzParseRequest, request: Request, principal: Checker) -> MrzParseOut:
    """Read the zone as a passport reader types it or as pasted. A bad zone is answered with
    `valid` false and errors naming the failing field, not refused."""
    today = _local_today(get_node(request).clock.now(), principal.timezone)
    return MrzParseOut.of(mrz.parse(body.mrz, today=today))
