"""Two nodes in one process, each with its own migrated SQLite database, keys, and the other as
its peer; envelopes travel between them through the real inbox, without sockets."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from tests.support.databases import migrated_sqlite_file

from borderlink import migrate
from borderlink.config import write_node_config
from borderlink.exchange import keys
from borderlink.exchange.context import bind
from borderlink.exchange.dispatcher import Dispatcher
from borderlink.exchange.envelope import Envelope, format_time, sign_envelope
from borderlink.exchange.limits import ExchangeLimits
from borderlink.exchange.transport import InProcessTransport
from borderlink.node import Node, open_node

LIMITS = ExchangeLimits(max_body_bytes=4096, stream_window=10, anchor_interval_seconds=3600.0)


def make_node(root: Path, party: str, database_url: str | None = None) -> Node:
    settings = write_node_config(root / party.lower(), party, {"database_url": database_url})
    if database_url is None:
        migrated_sqlite_file(settings.node_dir / "borderlink.db")
    else:
        migrate.upgrade(database_url)
    keys.init_keys(settings)
    node = open_node(settings)
    bind(node, LIMITS)
    return node


@dataclasses.dataclass
class Pair:
    vn: Node
    cn: Node

    def dispatcher(self, sender: Node | None = None) -> Dispatcher:
        sender = sender or self.vn
        receiver = self.cn if sender is self.vn else self.vn
        return Dispatcher(sender, InProcessTransport(receiver))

    def drain(self, sender: Node | None = None, rounds: int = 50) -> int:
        """Run dispatch rounds until nothing is sent; returns how many envelopes got receipts."""
        dispatcher = self.dispatcher(sender)
        total = 0
        for _ in range(rounds):
            result = dispatcher.cycle()
            total += result.receipted
            if result.sent == 0:
                return total
        raise AssertionError("the outbox did not drain")

    def post(self, items: list[dict[str, Any]], *, sent_at: str | None = None, sender: str = "VN") -> Any:
        """POST raw wire items to CN's inbox, as VN would; returns (status, answer)."""
        payload = json.dumps({
            "sender": sender, "sent_at": sent_at or format_time(self.cn.clock.now()), "envelopes": items,
        }).encode()
        status, content = InProcessTransport(self.cn).post(payload)
        return status, json.loads(content)

    def signed(self, envelope: Envelope, key: Any = None, key_id: str | None = None) -> dict[str, Any]:
        local = keys.load_local(self.vn.settings)
        return sign_envelope(envelope, key or local.signing_key, key_id or local.key_id).wire()


