"""Evidence files across the border: the side that logs an item with its file sends the file to
the other side, which keeps it under the same id beside its copy of the item. A file larger than a
message may carry stays on the node that logged it; its SHA-256 travels with the item all the same."""

from __future__ import annotations

from sqlalchemy.orm import Session

from borderlink.cases import service, sync
from borderlink.cases.contracts import EvidenceFileMessage
from borderlink.cases.models import EVIDENCE_TYPE, EvidenceItem, JointCase
from borderlink.exchange import service as exchange
from borderlink.exchange.registry import InboundEnvelope, Rejected
from borderlink.shared import peer_files
from borderlink.shared.attachments import StoredFile
from borderlink.shared.contracts import to_wire
from borderlink.shared.replicated import known
from borderlink.shared.workfeed import ObjectRef


def send(session: Session, case: JointCase, item: EvidenceItem, stored: StoredFile, party: str) -> None:
    """Queue the item's file for the other side (after the item itself, on the case's stream)."""
    if not peer_files.travels(stored):
        return
    message = EvidenceFileMessage.from_fields({"case_id": case.id, "evidence_id": item.id, "party": party,
                                               "file": peer_files.peer_file(stored)})
    owner = case.owner_party == party
    exchange.enqueue(session, kind=EvidenceFileMessage.message_kind, body=to_wire(message),
                     sender_unit=case.lead_unit.code if owner else item.unit_code,
                     recipient_unit=sync.peer_unit_code(session, case) if owner else case.lead_unit.code,
                     handling_code=case.handling_code.value, stream=service.CASE_KIND.stream(case.id))


def apply_evidence_file(session: Session, envelope: InboundEnvelope[EvidenceFileMessage]) -> None:
    body = envelope.body
    case = known(session, JointCase, body.case_id, "case")
    if body.party != envelope.sender_party:
        raise Rejected("an evidence file comes from the node that logged its item")
    item = session.get(EvidenceItem, body.evidence_id)
    if item is None or item.case_id != case.id or item.party != body.party:
        raise Rejected(f"evidence {body.evidence_id} of {body.party} is not on case {case.id}")
    peer_files.store(session, ObjectRef(EVIDENCE_TYPE, item.id), body.file, service.session_now(session),
                     added_by=envelope.sender_party, max_files=1, expected_sha256=item.sha256)
