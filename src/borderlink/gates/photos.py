"""The traveller's photo taken or uploaded at the gate desk: kept with the crossing through the
shared attachments, and sent with each hit report so the alert's owner sees who stood at the gate.

A photo is a JPEG, PNG or WebP image of at most `MAX_PHOTO_BYTES`, recognised by its bytes (what
the browser or the other node declared is not trusted). On the gate's node the hit page shows the
crossing's photo; on the owner's node the photo that came with the report, kept under the hit.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from borderlink.directory.permissions import Principal
from borderlink.errors import InvalidInput
from borderlink.gates.models import CROSSING_TYPE, HIT_TYPE, Crossing, Hit
from borderlink.ids import new_id
from borderlink.shared import attachments, peer_files
from borderlink.shared.attachments import StoredFile
from borderlink.shared.peer_files import PeerFile
from borderlink.shared.workfeed import ObjectRef

MAX_PHOTO_BYTES = 256 * 1024  # a face at desk-camera resolution; the hit report stays small
MAX_PHOTO_BASE64 = (MAX_PHOTO_BYTES + 2) // 3 * 4
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
# A crossing with its photo in base64, and an e-gate's batch of them (the routes' body ceilings).
MAX_CROSSING_BODY_BYTES = MAX_PHOTO_BASE64 + 64 * 1024
MAX_BATCH_BODY_BYTES = 8 * 1024 * 1024


class PhotoRefused(ValueError):
    """The bytes are not an accepted image, or are too large."""


def decoded(content_base64: str) -> tuple[bytes, str]:
    """The photo's bytes and the image type they are, or PhotoRefused."""
    try:
        data = base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise PhotoRefused("not valid base64") from exc
    if not data or len(data) > MAX_PHOTO_BYTES:
        raise PhotoRefused(f"empty or larger than {MAX_PHOTO_BYTES // 1024} KiB")
    served = attachments.served_content_type(data)
    if served not in PHOTO_TYPES:
        raise PhotoRefused("not a JPEG, PNG or WebP image")
    return data, served


def attach_to_crossing(session: Session, principal: Principal, crossing: Crossing, filename: str,
                       content_base64: str, now: dt.datetime) -> StoredFile:
    try:
        data, served = decoded(content_base64)
    except PhotoRefused as exc:
        raise InvalidInput("The photo is refused: %(reason)s.", field="photo", reason=str(exc)) from exc
    return attachments.add(session, ObjectRef(CROSSING_TYPE, crossing.id), filename or "photo", served, data, now,
                           names_person=True, added_by=principal.display_name, max_bytes=MAX_PHOTO_BYTES,
                           max_files=1)


def crossing_photo(session: Session, crossing_id: str | None) -> StoredFile | None:
    if not crossing_id:
        return None
    found = attachments.files_of(session, ObjectRef(CROSSING_TYPE, crossing_id))
    return found[0] if found else None


def hit_photo(session: Session, hit: Hit) -> StoredFile | None:
    """The photo of the hit: the crossing's on the gate's node, the reported one on the owner's."""
    found = attachments.files_of(session, ObjectRef(HIT_TYPE, hit.id))
    return found[0] if found else crossing_photo(session, hit.crossing_id)


def report_part(photo: StoredFile | None) -> dict[str, Any] | None:
    """The photo as a hit report carries it (shared/peer_files.py)."""
    if photo is None or not peer_files.travels(photo):
        return None
    part = peer_files.peer_file(photo)
    part["id"] = new_id()  # the other node keeps it under the hit, an object of its own for each hit
    part["content_type"] = photo.served_type
    return part


def keep_reported(session: Session, hit: Hit, part: PeerFile, sender_party: str, now: dt.datetime) -> None:
    """Store the photo a hit report carried; Rejected when its bytes are not the image it says."""
    peer_files.store(session, ObjectRef(HIT_TYPE, hit.id), part, now, added_by=sender_party, max_files=1,
                     max_bytes=MAX_PHOTO_BYTES, accepted_types=PHOTO_TYPES, names_person=True)

