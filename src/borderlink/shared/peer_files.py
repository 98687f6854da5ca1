"""A file attached on one node (shared/attachments.py) sent to the other node in a message, and
stored there under the same id once its bytes are checked against the SHA-256 it came with.

A message carries one `PeerFile`; the whole envelope stays under the exchange's limit on a body,
so only a file of at most `MAX_PEER_FILE_BYTES` travels. The receiving handler calls `store`,
which refuses (`Rejected`, nothing stored) bytes that are not valid base64, too large, or not the
file the hash names, and does nothing for a file it holds already.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import Field, StringConstraints
from sqlalchemy.orm import Session

from borderlink.errors import InvalidInput
from borderlink.exchange.registry import Rejected
from borderlink.shared import attachments
from borderlink.shared.attachments import StoredFile
from borderlink.shared.contracts import ContractPart, FilePart, Text, Uuid
from borderlink.shared.workfeed import ObjectRef

MAX_PEER_FILE_BYTES = 512 * 1024


class PeerFile(ContractPart):
    id: Uuid
    filename: Annotated[Text, Field(max_length=attachments.MAX_FILENAME)]
    content_type: Annotated[str, Field(max_length=100)]
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    content_base64: Annotated[str, Field(max_length=(MAX_PEER_FILE_BYTES + 2) // 3 * 4)]


def travels(stored: StoredFile) -> bool:
    """Whether the file is small enough to go to the other node in a message."""
    return stored.size <= MAX_PEER_FILE_BYTES


def peer_file(stored: StoredFile) -> dict[str, Any]:
    """The `PeerFile` fields of a stored file."""
    return attachments.wire_part(stored)


def store(session: Session, ref: ObjectRef, part: PeerFile | FilePart, now: dt.datetime, *, added_by: str | None,
          max_files: int = attachments.DEFAULT_MAX_FILES, expected_sha256: str | None = None,
          max_bytes: int = MAX_PEER_FILE_BYTES, accepted_types: tuple[str, ...] | None = None,
          names_person: bool = False) -> StoredFile | None:
    """Keep the file the other node sent (None when it is held already). `accepted_types` limits
    it to content types recognised by its bytes (an image where only a photo belongs); the file is
    kept under the type its bytes are, then."""
    if session.get(StoredFile, part.id) is not None:
        return None
    content = attachments.decode_received(part.filename, part.content_base64, part.sha256,
                                          min(max_bytes, MAX_PEER_FILE_BYTES), what="file")
    if expected_sha256 not in (None, part.sha256):
        raise Rejected(f"file {part.filename} is too large or does not match its hash")
    content_type = part.content_type
    if accepted_types is not None:
        content_type = attachments.served_content_type(content)
        if content_type not in accepted_types:
            raise Rejected(f"file {part.filename} is not one of {', '.join(accepted_types)}")
    try:
        return attachments.add(session, ref, part.filename, content_type, content, now, added_by=added_by,
                               file_id=part.id, max_bytes=min(max_bytes, MAX_PEER_FILE_BYTES), max_files=max_files,
                               names_person=names_person)
    except InvalidInput as exc:  # a limit of this node (too many files): refused, nothing stored
        raise Rejected(exc.text()) from exc
