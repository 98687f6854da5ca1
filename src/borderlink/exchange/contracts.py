"""Contracts of the exchange's own kinds: log anchors, their countersignatures and test traffic."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from borderlink.shared.contracts import MessageBody, Uuid

Sha256Hex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Signature = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class AnchorMessage(MessageBody, kind="exchange.anchor", version=1):
    """The sender's signed message-log head."""

    log_seq: int = Field(ge=1)
    log_hash: Sha256Hex
    signature: Signature = Field(description="Ed25519 over the anchor statement, base64")


class CountersignMessage(MessageBody, kind="exchange.countersign", version=1):
    """The receiver's countersignature of an anchor it was sent."""

    anchor_id: Uuid = Field(description="the envelope id of the anchor")
    log_seq: int = Field(ge=1)
    log_hash: Sha256Hex
    countersignature: Signature


class EchoMessage(MessageBody, kind="test.echo", version=1):
    """Operators' test traffic; applying it counts how often it was applied."""

    n: int = Field(ge=0)
    note: str = Field(default="", max_length=500)
