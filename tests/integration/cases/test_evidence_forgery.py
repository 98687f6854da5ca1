"""An evidence file from the other node is kept only when the sender logged the item itself and the
bytes have the item's SHA-256. Forgeries are signed with the peer's real key (they travel through
the peer's outbox), so only these checks stand in their way; a refused file leaves nothing behind."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.integration.cases.conftest import Pair, api, open_case

from borderlink.cases.contracts import EvidenceFileMessage
from borderlink.cases.service import CASE_KIND
from borderlink.exchange.models import StoredReceipt
from borderlink.ids import new_id
from borderlink.shared.attachments import StoredFile

CN_UNIT, VN_UNIT = "CN-GX", "VN-QN"


def _file(content: bytes, sha256: str | None = None) -> dict[str, Any]:
    return {"id": new_id(), "filename": "scan.pdf", "content_type": "application/pdf",
            "sha256": sha256 or hashlib.sha256(content).hexdigest(),
            "content_base64": base64.b64encode(content).decode("ascii")}


def _forge(pair: Pair, case_id: str, evidence_id: str, party: str, file: dict[str, Any]) -> StoredReceipt:
    """CN sends an evidence file on the case's stream, signed with its own key; VN's receipt comes back."""
    body = {"case_id": case_id, "evidence_id": evidence_id, "party": party, "file": file}
    return pair.forge(EvidenceFileMessage.message_kind, body, stream=CASE_KIND.stream(case_id), sender_unit=CN_UNIT,
                      recipient_unit=VN_UNIT)


def _files_on_vn(pair: Pair, file_ids: list[str]) -> list[str]:
    with pair.vn.transaction() as session:
        return list(session.scalars(select(StoredFile.id).where(StoredFile.id.in_(file_ids))))


def test_a_forged_evidence_file_is_refused_and_nothing_is_kept(pair: Pair, clients: dict[str, TestClient]) -> None:
    case = open_case(pair, clients)
    path = f"/cases/{case['id']}"
    ledger = b"%PDF-1.4 the courier's ledger"
    api(pair, clients, "VN", "qn.commander", "POST", f"{path}/evidence", 201,
        json={"item": "Ledger", "holder": "Móng Cái evidence room", "sha256": hashlib.sha256(ledger).hexdigest()})
    receipt_scan = b"%PDF-1.4 receipt of the seized cash"
    api(pair, clients, "CN", "gx.commander", "POST", f"{path}/evidence", 201,
        json={"item": "现金收据", "holder": "东兴市公安局", "sha256": hashlib.sha256(receipt_scan).hexdigest()})
    pair.pump()
    evidence = {item["item"]: item["id"] for item in api(pair, clients, "VN", "qn.commander", "GET", path)["evidence"]}

    # CN may not send the file of an item VN logged, whether it names itself or VN as the logger.
    on_vns_item = _file(ledger)
    as_itself = _forge(pair, case["id"], evidence["Ledger"], "CN", on_vns_item)
    in_vns_name = _forge(pair, case["id"], evidence["Ledger"], "VN", _file(ledger))
    # Its own item's file must have the item's SHA-256, and the bytes must have the hash they claim.
    other_bytes = _file(b"%PDF-1.4 something else entirely")
    false_hash = _file(b"%PDF-1.4 tampered", sha256=hashlib.sha256(receipt_scan).hexdigest())
    wrong_bytes = _forge(pair, case["id"], evidence["现金收据"], "CN", other_bytes)
    lying_hash = _forge(pair, case["id"], evidence["现金收据"], "CN", false_hash)
    refusals = {as_itself: "is not on case", in_vns_name: "comes from the node that logged its item",
                wrong_bytes: "does not match its hash", lying_hash: "does not match its hash"}
    for receipt, reason in refusals.items():
        assert (receipt.status, reason in (receipt.reason or "")) == ("rejected", True), receipt.reason
    forged = [on_vns_item["id"], other_bytes["id"], false_hash["id"]]
    assert _files_on_vn(pair, forged) == []

    # The genuine file of CN's own item is kept.
    genuine = _file(receipt_scan)
    assert _forge(pair, case["id"], evidence["现金收据"], "CN", genuine).status == "applied"
    assert _files_on_vn(pair, [genuine["id"]]) == [genuine["id"]]
