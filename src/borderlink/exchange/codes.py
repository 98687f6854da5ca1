"""The exchange's code lists (labels in data/codelists.json): statuses of received envelopes."""

from __future__ import annotations

from borderlink.exchange.envelope import RECEIPT_STATUSES
from borderlink.shared import codelists

CODE_LISTS = codelists.load("borderlink.exchange")

if CODE_LISTS["exchange.receipt_status"].values() != RECEIPT_STATUSES:
    raise ValueError("exchange.receipt_status in data/codelists.json differs from RECEIPT_STATUSES")
