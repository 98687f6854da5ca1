"""Routes of the shared attachments, the same for every object type a domain declares attachable.

Pages: `GET /attachments/{file_id}` opens a file (inline preview for images and PDFs,
`?download=1` to save it) and `POST /attachments/{object_type}/{object_id}` adds files from a
form. API: `GET|POST /api/v1/attachments/{object_type}/{object_id}` lists or adds files (JSON,
base64), `GET /api/v1/attachments/files/{file_id}` sends one file.

Every route needs a login; what a principal may open or add then follows the object: its domain's
`Attachable.open_object` (a hidden object's files do not exist) and `add_permission`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field, field_validator
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from borderlink.directory.permissions import Permission, Principal
from borderlink.errors import InvalidInput
from borderlink.shared import attachments
from borderlink.shared.body_limit import KIB, max_body
from borderlink.shared.contracts import base64_length
from borderlink.shared.descriptor import Domain
from borderlink.shared.forms import N_, rule_error
from borderlink.shared.workfeed import ObjectRef
from borderlink.web.deps import DbSession, node_now, require

LoggedIn = Annotated[Principal, Depends(require(Permission.DIRECTORY_READ))]
# A form carries a few files of the largest size; JSON carries one file in base64.
MAX_FORM_BYTES = 4 * attachments.DEFAULT_MAX_BYTES + 64 * KIB
MAX_JSON_BYTES = 4 * ((attachments.DEFAULT_MAX_BYTES + 2) // 3) + 64 * KIB

pages = APIRouter(prefix="/attachments", include_in_schema=False)
api = APIRouter(prefix="/attachments", tags=["attachments"])


class FileIn(BaseModel):
    """A file sent in JSON: a plain name (never a path) and its content in base64, up to the
    default size; a use with a limit of its own overrides `content_base64`."""

    filename: str = Field(min_length=1, max_length=attachments.MAX_FILENAME)
    content_type: str = Field(default=attachments.DOWNLOAD_TYPE, max_length=100)
    content_base64: str = Field(max_length=base64_length(attachments.DEFAULT_MAX_BYTES))

    @field_validator("filename")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if "/" in value or "\\" in value or value.startswith("."):
            raise rule_error(N_("A file name must not name a folder or begin with a dot."))
        return value


class AttachmentIn(FileIn):
    names_person: bool = False


class AttachmentOut(BaseModel):
    id: str
    object_type: str
    object_id: str
    filename: str
    content_type: str  # as declared by whoever added it
    served_as: str  # the type it is sent with, read from its bytes
    size: int
    sha256: str
    names_person: bool
    created_at: dt.datetime
    href: str

    @classmethod
    def of(cls, stored: attachments.StoredFile) -> AttachmentOut:
        return cls(id=stored.id, object_type=stored.object_type, object_id=stored.object_id,
                   filename=stored.filename, content_type=stored.content_type, served_as=stored.served_type,
                   size=stored.size, sha256=stored.sha256, names_person=stored.names_person,
                   created_at=stored.created_at, href=f"/api/v1/attachments/files/{stored.id}")


def file_response(stored: attachments.StoredFile, *, inline: bool) -> Response:
    headers = attachments.download_headers(stored, inline=inline)
    return Response(stored.data, media_type=headers.pop("Content-Type"), headers=headers)


@pages.get("/{file_id}")
def open_page(file_id: str, session: DbSession, principal: LoggedIn, download: str | None = None) -> Response:
    """Open a file in the browser (images and PDFs) or save it (`?download=1`, and every other type)."""
    stored = attachments.open_file(session, principal, file_id)
    return file_response(stored, inline=download != "1")


def _safe_next(path: str, fallback: str) -> str:
    if path.startswith("/") and path[1:2] not in ("/", "\\") and path.isprintable():
        return path
    return fallback


@pages.post("/{object_type}/{object_id}")
@max_body(MAX_FORM_BYTES)
async def add_from_form(object_type: str, object_id: str, request: Request, session: DbSession,
                        principal: LoggedIn) -> Response:
    """Attach the form's files (input `file`, several allowed), then go back to `next`."""
    form = await request.form(max_files=attachments.DEFAULT_MAX_FILES, max_part_size=attachments.DEFAULT_MAX_BYTES)
    uploads = [(f.filename or "", f.content_type or "", await f.read())
               for f in form.getlist("file") if isinstance(f, UploadFile) and f.filename]
    names_person = form.get("names_person") == "1"
    back = _safe_next(str(form.get("next") or ""), "/")
    ref = ObjectRef(object_type, object_id)
    now = node_now(request)

    def attach() -> None:
        if not uploads:
            raise InvalidInput("Choose a file to attach.", field="file")
        for filename, content_type, data in uploads:
            attachments.add_as(session, principal, ref, filename, content_type, data, now, names_person=names_person)

    await run_in_threadpool(attach)
    separator = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{separator}done=attached", status_code=303)


@api.get("/files/{file_id}", response_class=Response, responses={200: {"content": {"application/octet-stream": {}}}})
def download(file_id: str, session: DbSession, principal: LoggedIn, inline: bool = False) -> Response:
    """One file's bytes, as a download (or shown inline with `inline=true`, images and PDFs only)."""
    return file_response(attachments.open_file(session, principal, file_id), inline=inline)


@api.get("/{object_type}/{object_id}", response_model=list[AttachmentOut])
def list_files(object_type: str, object_id: str, session: DbSession, principal: LoggedIn) -> list[AttachmentOut]:
    """The files of an object you may see."""
    files = attachments.visible_files(session, principal, ObjectRef(object_type, object_id))
    return [AttachmentOut.of(f) for f in files]


@api.post("/{object_type}/{object_id}", response_model=AttachmentOut, status_code=201)
@max_body(MAX_JSON_BYTES)
def add_file(object_type: str, object_id: str, body: AttachmentIn, request: Request, session: DbSession,
             principal: LoggedIn) -> AttachmentOut:
    """Attach one file (base64) to an object whose type takes files from your role."""
    try:
        data = base64.b64decode(body.content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput("Attachment %(name)s is not valid base64.", field="content_base64",
                           name=body.filename) from exc
    stored = attachments.add_as(session, principal, ObjectRef(object_type, object_id), body.filename,
                                body.content_type, data, node_now(request), names_person=body.names_person)
    return AttachmentOut.of(stored)


DOMAIN = Domain(
    name="attachments",
    models=(attachments,),
    api_routers=(api,),
    page_routers=(pages,),
)
