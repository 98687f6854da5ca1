"""Files attached to any object, keyed like the work feed by `ObjectRef` (object type and id).

A domain that lets files hang on its objects declares it in its descriptor:

    attachables=(Attachable("alerts.alert", open_object=alerts_service.attachment_access,
                            add_permission="alerts.issue"),)

`open_object(session, principal, object_id)` raises NotFound when the principal may not see the
object (so its files do not exist for them either) and says whether the object bears a person's
data. The shared routes (web/attachments.py) then serve every such object type the same way: list,
add (when `add_permission` is set; otherwise the domain adds files in its own service, as the
hotline does when a request arrives), open and download.

Downloads are served with a content type read from the bytes, never from what the uploader
claimed: only images and PDFs recognised by their signature open inline (they are the previews);
anything else is an `application/octet-stream` download. Each response carries
`Content-Disposition` with the file's name and `X-Content-Type-Options: nosniff`. Every download of
a file that bears a person's data (the object does, or the file was marked so when added) is
written to the audit chain.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import quote

from sqlalchemy import Index, LargeBinary, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from borderlink.audit import service as audit
from borderlink.db import Base
from borderlink.errors import Forbidden, InvalidInput, NotFound
from borderlink.exchange.registry import Rejected
from borderlink.ids import new_id
from borderlink.shared import new_objects
from borderlink.shared.workfeed import ObjectRef

if TYPE_CHECKING:
    from borderlink.directory.permissions import Principal

AUDIT_OBJECT_TYPE = "attachments"
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_FILES = 20
MAX_FILENAME = 200

# Whether the principal may see the object (NotFound otherwise) and whether it bears a person's data.
OpenObject = Callable[[Session, "Principal", str], bool]
T = TypeVar("T")


def seen_with(visible: Callable[[Session, Principal, str], T], bears_person: Callable[[T], bool] | bool) -> OpenObject:
    """The `open_object` of files seen with their object: `visible` raises NotFound for a
    principal who may not see it; the files bear a person's data as `bears_person` says of the
    object (or always, or never)."""
    def open_object(session: Session, principal: Principal, object_id: str) -> bool:
        found = visible(session, principal, object_id)
        return bears_person(found) if callable(bears_person) else bears_person

    return open_object


@dataclasses.dataclass(frozen=True, slots=True)
class Attachable:
    """An object type that carries files, as its domain declares it (`Domain.attachables`)."""

    object_type: str
    open_object: OpenObject
    # Who may add files through the shared routes; None when only the domain's own code adds them.
    add_permission: str | None = None
    max_files: int = DEFAULT_MAX_FILES
    max_bytes: int = DEFAULT_MAX_BYTES
    # Called in the same transaction after a file was added through the shared routes (to touch
    # the work feed, record a timeline step...).
    on_added: Callable[[Session, Principal, StoredFile], None] | None = None


class StoredFile(Base):
    """One file attached to one object."""

    __tablename__ = "attachments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(36))
    filename: Mapped[str] = mapped_column(String(MAX_FILENAME))
    content_type: Mapped[str] = mapped_column(String(100))  # as the uploader declared it
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    names_person: Mapped[bool] = mapped_column(default=False)
    added_by: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[dt.datetime]
    data: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (Index("ix_attachments_object", "object_type", "object_id", "created_at"),)

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef(self.object_type, self.object_id)

    @property
    def served_type(self) -> str:
        return served_content_type(self.data)

    @property
    def previewable(self) -> bool:
        return self.served_type in INLINE_TYPES

    @property
    def is_image(self) -> bool:
        return self.served_type.startswith("image/")

    @property
    def href(self) -> str:
        return f"/attachments/{self.id}"


# --- content types ----------------------------------------------------------------------------

# Signatures of the types a browser may show inline. SVG is not among them: it can carry script.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"})
DOWNLOAD_TYPE = "application/octet-stream"


def served_content_type(data: bytes) -> str:
    """The type a file is served as, from its first bytes: a recognised image or PDF, else a
    plain download (what the uploader declared is never trusted)."""
    for signature, content_type in _SIGNATURES:
        if data.startswith(signature):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return DOWNLOAD_TYPE


def content_disposition(filename: str, *, inline: bool) -> str:
    """`inline`/`attachment` with an ASCII fallback name and the exact name in RFC 5987 form."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in filename) or "file"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download_headers(stored: StoredFile, *, inline: bool) -> dict[str, str]:
    """Headers of a file's response. Inline previews may be framed by our own pages only and run
    nothing; downloads are never interpreted by the browser at all."""
    served = stored.served_type
    show_inline = inline and served in INLINE_TYPES
    policy = ("default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
              if show_inline else "default-src 'none'; frame-ancestors 'none'; sandbox")
    return {
        "Content-Type": served,
        "Content-Disposition": content_disposition(stored.filename, inline=show_inline),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": policy,
        "X-Frame-Options": "SAMEORIGIN" if show_inline else "DENY",
        "Cache-Control": "no-store",
    }


# --- declared object types --------------------------------------------------------------------

def attachable(object_type: str) -> Attachable:
    """The declaration of an object type that carries files; NotFound for any other type."""
    from borderlink import domains  # the domains' descriptors name this module's types

    for domain in domains.DOMAINS:
        for declared in domain.attachables:
            if declared.object_type == object_type:
                return declared
    raise NotFound("There is no such file, or you may not see it.")


# --- reading and writing ----------------------------------------------------------------------

_KEPT = "attachments"  # the files added to an object made in the running transaction (`new_objects`)


def files_of(session: Session, ref: ObjectRef) -> list[StoredFile]:
    return new_objects.kept_or_read(session, ref.object_type, ref.object_id, _KEPT, lambda: session.scalars(
        select(StoredFile).where(StoredFile.object_type == ref.object_type, StoredFile.object_id == ref.object_id)
        .order_by(StoredFile.created_at, StoredFile.id)), order=lambda f: (f.created_at, f.id))


def files_of_many(session: Session, object_type: str, object_ids: Iterable[str]) -> dict[str, list[StoredFile]]:
    """The files of a page of objects, grouped by object id."""
    ids = list(object_ids)
    grouped: dict[str, list[StoredFile]] = {i: [] for i in ids}
    if not ids:
        return grouped
    for stored in session.scalars(select(StoredFile).where(
            StoredFile.object_type == object_type, StoredFile.object_id.in_(ids)
    ).order_by(StoredFile.created_at, StoredFile.id)):
        grouped[stored.object_id].append(stored)
    return grouped


def add(session: Session, ref: ObjectRef, filename: str, declared_type: str, data: bytes, now: dt.datetime, *,
        names_person: bool = False, added_by: str | None = None, file_id: str | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES, max_files: int = DEFAULT_MAX_FILES) -> StoredFile:
    """Attach a file to the object (the domain has checked that the caller may). `file_id` keeps
    a file's id where it came from the other node."""
    name = _clean_filename(filename)
    if len(data) > max_bytes:
        raise InvalidInput("Attachment %(name)s is larger than %(limit)s KiB.", field="attachments",
                           name=name, limit=max_bytes // 1024)
    added_here = new_objects.kept(session, ref.object_type, ref.object_id, _KEPT)
    count = len(added_here) if added_here is not None else session.scalar(
        select(func.count()).select_from(StoredFile).where(
            StoredFile.object_type == ref.object_type, StoredFile.object_id == ref.object_id)) or 0
    if count >= max_files:
        raise InvalidInput("At most %(count)s files can be attached here.", field="attachments", count=max_files)
    stored = StoredFile(id=file_id or new_id(), object_type=ref.object_type, object_id=ref.object_id,
                        filename=name, content_type=(declared_type or DOWNLOAD_TYPE)[:100], size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), names_person=names_person, added_by=added_by,
                        created_at=now, data=data)
    session.add(stored)
    new_objects.keep(session, ref.object_type, ref.object_id, _KEPT, stored)
    return stored


def _clean_filename(filename: str) -> str:
    # Only the last part of a path, without control characters: the name is shown and sent back
    # in a header, never used on disk.
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if not name:
        raise InvalidInput("An attached file needs a name.", field="attachments")
    return name[:MAX_FILENAME]


def add_as(session: Session, principal: Principal, ref: ObjectRef, filename: str, declared_type: str, data: bytes,
           now: dt.datetime, *, names_person: bool = False) -> StoredFile:
    """Attach a file through the shared routes: the object type must take files from this
    principal (its `add_permission`) and the principal must see the object."""
    declared = attachable(ref.object_type)
    if declared.add_permission is None or not principal.can(declared.add_permission):
        declared.open_object(session, principal, ref.object_id)  # a hidden object stays hidden
        raise Forbidden("Your role may not attach files here.")
    object_names_person = declared.open_object(session, principal, ref.object_id)
    stored = add(session, ref, filename, declared_type, data, now, names_person=names_person or object_names_person,
                 added_by=principal.label, max_bytes=declared.max_bytes, max_files=declared.max_files)
    session.flush()
    if declared.on_added is not None:
        declared.on_added(session, principal, stored)
    return stored


def visible_files(session: Session, principal: Principal, ref: ObjectRef) -> list[StoredFile]:
    """The object's files, when the principal may see the object (NotFound otherwise)."""
    attachable(ref.object_type).open_object(session, principal, ref.object_id)
    return files_of(session, ref)


def open_file(session: Session, principal: Principal, file_id: str) -> StoredFile:
    """A file to send to the principal: its object must be visible to them. Sending a file that
    bears a person's data is audited (once per file and transaction)."""
    stored = session.get(StoredFile, file_id)
    if stored is None:
        raise NotFound("There is no such file, or you may not see it.")
    object_names_person = attachable(stored.object_type).open_object(session, principal, stored.object_id)
    if stored.names_person or object_names_person:
        record_download(session, principal, stored)
    return stored


def record_download(session: Session, principal: Principal, stored: StoredFile) -> None:
    done: set[tuple[str, str]] = session.info.setdefault("attachment_downloads_audited", set())
    if (principal.user_id, stored.id) in done:
        return
    done.add((principal.user_id, stored.id))
    audit.append(session, [{"action": "download", "object_type": AUDIT_OBJECT_TYPE, "object_id": stored.id,
                            "detail": f"{stored.ref.key} {stored.filename} by {principal.label}"}])


def decode_upload(filename: str, content_base64: str, max_bytes: int, field: str = "attachments") -> bytes:
    """The bytes of a file a user sent as base64, refused beside `field` when they are not base64
    or too large."""
    try:
        data = base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput("Attachment %(name)s is not valid base64.", field=field, name=filename) from exc
    if len(data) > max_bytes:
        raise InvalidInput("Attachment %(name)s is larger than %(limit)s KiB.", field=field, name=filename,
                           limit=max_bytes // 1024)
    return data


def decode_received(filename: str, content_base64: str, sha256: str, max_bytes: int, what: str = "attachment") -> bytes:
    """The bytes of a file the other side sent, refused (Rejected) unless they are base64 within
    this node's limit and match the hash that came with them."""
    try:
        content = base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Rejected(f"{what} {filename} is not valid base64") from exc
    if len(content) > max_bytes or hashlib.sha256(content).hexdigest() != sha256:
        raise Rejected(f"{what} {filename} is too large or does not match its hash")
    return content


def wire_part(stored: StoredFile, content_type: str | None = None) -> dict[str, str]:
    """A stored file as it travels to the other side inside a message (its id kept there)."""
    return {"id": stored.id, "filename": stored.filename, "content_type": content_type or stored.content_type,
            "sha256": stored.sha256, "content_base64": base64.b64encode(stored.data).decode("ascii")}
