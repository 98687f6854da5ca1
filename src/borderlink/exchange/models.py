"""Exchange state: outbox, receipts, inbox, stream positions, peer link, refusals, message log.

All of it is high-volume technical state and is kept out of the audit trail (`__audit__ = False`):
the message log below is the exchange's own hash chain.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from borderlink.db import Base

BigId = BigInteger().with_variant(Integer, "sqlite")


class OutboxEnvelope(Base):
    """A signed envelope waiting for, or holding, the peer's receipt."""

    __tablename__ = "exchange_outbox"
    __audit__ = False

    position: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    recipient_party: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(80))
    stream: Mapped[str] = mapped_column(String(200))
    seq: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[str] = mapped_column(Text)  # the canonical JSON that was signed, resent verbatim
    content_hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending, delivered, refused
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime]
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    __table_args__ = (
        UniqueConstraint("recipient_party", "stream", "seq", name="uq_exchange_outbox_stream_seq"),
        Index("ix_exchange_outbox_status_position", "status", "position"),
    )


class OutboundStream(Base):
    """The last sequence number given out on a stream to a peer."""

    __tablename__ = "exchange_outbound_streams"
    __audit__ = False

    recipient_party: Mapped[str] = mapped_column(String(2), primary_key=True)
    stream: Mapped[str] = mapped_column(String(200), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class StoredReceipt(Base):
    """The peer's signed receipt for one of our envelopes: proof of what it received."""

    __tablename__ = "exchange_receipts"
    __audit__ = False

    envelope_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    receiver_party: Mapped[str] = mapped_column(String(2))
    received_at: Mapped[dt.datetime]
    content_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(100))
    stored_at: Mapped[dt.datetime]


class InboxEnvelope(Base):
    """An envelope received from the peer: the de-duplication record, and the hold for gaps."""

    __tablename__ = "exchange_inbox"
    __audit__ = False

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sender_party: Mapped[str] = mapped_column(String(2))
    stream: Mapped[str] = mapped_column(String(200))
    seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(80))
    content_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12))  # held, applied, rejected, dead_letter
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    received_at: Mapped[dt.datetime]
    applied_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    __table_args__ = (
        UniqueConstraint("sender_party", "stream", "seq", name="uq_exchange_inbox_stream_seq"),
        Index("ix_exchange_inbox_status_kind", "status", "kind"),
    )


class HandlerFailure(Base):
    """A received envelope whose handler raised an unexpected error: how often, and the last error.

    After `max_handler_attempts` the envelope is dead-lettered (its inbox row says `dead_letter`)
    and waits for an operator to retry or reject it; its stream waits behind it, others flow on.
    """

    __tablename__ = "exchange_handler_failures"
    __audit__ = False

    envelope_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sender_party: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(80))
    stream: Mapped[str] = mapped_column(String(200))
    seq: Mapped[int] = mapped_column(BigInteger)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text)
    first_failed_at: Mapped[dt.datetime]
    last_failed_at: Mapped[dt.datetime]


class InboundStream(Base):
    """The next sequence number expected on a stream from a peer."""

    __tablename__ = "exchange_inbound_streams"
    __audit__ = False

    sender_party: Mapped[str] = mapped_column(String(2), primary_key=True)
    stream: Mapped[str] = mapped_column(String(200), primary_key=True)
    next_seq: Mapped[int] = mapped_column(BigInteger, default=1)


class PeerLink(Base):
    """The dispatcher's view of the link to a peer: backoff state survives restarts."""

    __tablename__ = "exchange_peer_links"
    __audit__ = False

    party: Mapped[str] = mapped_column(String(2), primary_key=True)
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    retry_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    last_contact_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_anchor_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class RefusalCount(Base):
    """How many envelopes (or requests) this node refused, by reason, and the latest example."""

    __tablename__ = "exchange_refusals"
    __audit__ = False

    reason: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    last_at: Mapped[dt.datetime]
    last_detail: Mapped[str | None] = mapped_column(Text, default=None)


class LogEntry(Base):
    """One line of the append-only, hash-chained log of everything sent and received."""

    __tablename__ = "exchange_log"
    __audit__ = False

    seq: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[dt.datetime]
    direction: Mapped[str] = mapped_column(String(10))  # sent, received, receipt
    peer_party: Mapped[str] = mapped_column(String(2))
    envelope_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(80))
    content_hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class LogHead(Base):
    """The log's tip. Appenders lock this row, which serialises appends across processes."""

    __tablename__ = "exchange_log_head"
    __audit__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))


class Anchor(Base):
    """A log head one side signed and the other countersigned (`party` = whose log it is)."""

    __tablename__ = "exchange_anchors"
    __audit__ = False

    envelope_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    party: Mapped[str] = mapped_column(String(2))
    log_seq: Mapped[int] = mapped_column(BigInteger)
    log_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    signature: Mapped[str] = mapped_column(String(100))  # by `party`, over the anchor statement
    countersignature: Mapped[str | None] = mapped_column(String(100), default=None)
    countersigned_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class TestEcho(Base):
    """Operators' test traffic: how often each `test.echo` envelope was applied (must be once)."""

    __tablename__ = "exchange_test_echoes"
    __audit__ = False
    __test__ = False  # not a pytest test class despite the name

    envelope_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    applied_count: Mapped[int] = mapped_column(default=1)
    first_applied_at: Mapped[dt.datetime]
    last_applied_at: Mapped[dt.datetime]
