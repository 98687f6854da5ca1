"""Anchors: each node periodically signs its message-log head and sends it to the peer, which
stores it and answers with its countersignature. A node that later rewrote its log could not make
its chain match the heads the peer holds signed.

The statement signed by both sides is the canonical JSON of
`{"purpose": "borderlink-log-anchor", "party": ..., "log_seq": ..., "log_hash": ...}`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from borderlink.exchange import keys, messagelog
from borderlink.exchange.canonical import canonical
from borderlink.exchange.context import context_of, now_of
from borderlink.exchange.contracts import AnchorMessage, CountersignMessage
from borderlink.exchange.envelope import sign_bytes, signature_valid
from borderlink.exchange.models import Anchor
from borderlink.exchange.outbox import enqueue
from borderlink.exchange.registry import InboundEnvelope, Rejected
from borderlink.shared.contracts import to_wire

ANCHOR_KIND = AnchorMessage.message_kind
COUNTERSIGN_KIND = CountersignMessage.message_kind


@dataclasses.dataclass(frozen=True, slots=True)
class AnchorProblem:
    anchor_id: str
    message: str


def statement(party: str, log_seq: int, log_hash: str) -> bytes:
    return canonical({"purpose": "borderlink-log-anchor", "party": party, "log_seq": log_seq,
                      "log_hash": log_hash})


def last_local_anchor_seq(session: Session, party: str) -> int:
    value = session.scalar(select(Anchor.log_seq).where(Anchor.party == party)
                           .order_by(Anchor.log_seq.desc()).limit(1))
    return int(value or 0)


def make_anchor(session: Session) -> str | None:
    """Sign the current log head and queue it for the peer; None if nothing new since the last."""
    context = context_of(session)
    log_seq, log_hash = messagelog.head(session)
    if log_seq == 0 or log_seq <= last_local_anchor_seq(session, context.party):
        return None
    local = keys.load_local(context.settings)
    signature = sign_bytes(local.signing_key, statement(context.party, log_seq, log_hash))
    body = to_wire(AnchorMessage(log_seq=log_seq, log_hash=log_hash, signature=signature))
    envelope_id = enqueue(session, kind=ANCHOR_KIND, body=body, sender_unit=None, recipient_unit=None,
                          stream=ANCHOR_KIND)
    session.execute(insert(Anchor).values(
        envelope_id=envelope_id, party=context.party, log_seq=log_seq, log_hash=log_hash,
        created_at=now_of(session), signature=signature,
    ))
    return envelope_id


def handle_anchor(session: Session, envelope: InboundEnvelope[AnchorMessage]) -> None:
    """The peer's log head: check its signature, keep it, and countersign it back."""
    context = context_of(session)
    peer = keys.require_peer(context.settings)
    log_seq, log_hash, signature = envelope.body.log_seq, envelope.body.log_hash, envelope.body.signature
    signed = statement(envelope.sender_party, log_seq, log_hash)
    if not signature_valid(peer.public_key, signed, signature):
        raise Rejected("anchor signature does not verify with the peer's key")
    local = keys.load_local(context.settings)
    countersignature = sign_bytes(local.signing_key, signed)
    now = now_of(session)
    session.execute(insert(Anchor).values(
        envelope_id=envelope.id, party=envelope.sender_party, log_seq=log_seq, log_hash=log_hash,
        created_at=envelope.created_at, signature=signature, countersignature=countersignature,
        countersigned_at=now,
    ))
    enqueue(session, kind=COUNTERSIGN_KIND, sender_unit=None, recipient_unit=None, stream=COUNTERSIGN_KIND,
            body=to_wire(CountersignMessage(anchor_id=envelope.id, log_seq=log_seq, log_hash=log_hash,
                                            countersignature=countersignature)))


def handle_countersign(session: Session, envelope: InboundEnvelope[CountersignMessage]) -> None:
    """The peer's countersignature of one of our anchors."""
    context = context_of(session)
    peer = keys.require_peer(context.settings)
    body = envelope.body
    anchor = session.get(Anchor, body.anchor_id)
    if anchor is None or anchor.party != context.party:
        raise Rejected("countersignature for an anchor this node did not make")
    if body.log_seq != anchor.log_seq or body.log_hash != anchor.log_hash:
        raise Rejected("countersignature names a different log head than the anchor")
    countersignature = body.countersignature
    if not signature_valid(
            peer.public_key, statement(context.party, anchor.log_seq, anchor.log_hash), countersignature):
        raise Rejected("countersignature does not verify with the peer's key")
    session.execute(update(Anchor).where(Anchor.envelope_id == anchor.envelope_id).values(
        countersignature=countersignature, countersigned_at=now_of(session)))


def verify_anchors(session: Session) -> tuple[int, int, list[AnchorProblem]]:
    """(countersigned own anchors, peer anchors, problems) for `borderlink exchange verify`."""
    context = context_of(session)
    local = keys.load_local(context.settings)
    peer = keys.load_peer(context.settings)
    problems: list[AnchorProblem] = []
    own = theirs = 0
    for anchor in session.scalars(select(Anchor).order_by(Anchor.created_at)):
        signed = statement(anchor.party, anchor.log_seq, anchor.log_hash)
        if anchor.party == context.party:
            current = messagelog.hash_at(session, anchor.log_seq)
            if current != anchor.log_hash:
                problems.append(AnchorProblem(anchor.envelope_id, (
                    f"log line {anchor.log_seq} no longer has the hash this node anchored"
                    + (" and the peer countersigned" if anchor.countersignature else ""))))
            if not signature_valid(local.signing_key.public_key(), signed, anchor.signature):
                problems.append(AnchorProblem(anchor.envelope_id, "our own anchor signature does not verify"))
            if anchor.countersignature is not None:
                own += 1
                if peer is None or not signature_valid(peer.public_key, signed, anchor.countersignature):
                    problems.append(AnchorProblem(anchor.envelope_id,
                                                  "the peer's countersignature does not verify"))
        else:
            theirs += 1
            if peer is None or not signature_valid(peer.public_key, signed, anchor.signature):
                problems.append(AnchorProblem(anchor.envelope_id, f"the {anchor.party} anchor at log line "
                                                                  f"{anchor.log_seq} is not signed by the peer"))
            if anchor.countersignature is None or not signature_valid(
                    local.signing_key.public_key(), signed, anchor.countersignature):
                problems.append(AnchorProblem(anchor.envelope_id, "our countersignature of a peer anchor "
                                                                  "does not verify"))
    return own, theirs, problems


def anchor_due(last_anchor_at: dt.datetime | None, now: dt.datetime, interval_seconds: float) -> bool:
    return last_anchor_at is None or (now - last_anchor_at).total_seconds() >= interval_seconds
