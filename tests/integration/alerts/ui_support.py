"""What the alert page and bulk tests share: a VN node that has a CN peer (an issued alert is
published through the exchange's outbox), and its personas' principals."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from borderlink.config import write_node_config
from borderlink.directory import accounts
from borderlink.directory.permissions import Principal
from borderlink.exchange.context import bind
from borderlink.exchange.setup import peer_each_other
from borderlink.node import Node


def with_peer(node: Node, folder: Path) -> Node:
    """Give `node` a CN peer (keys and identities on disk) and bind its exchange context."""
    facing = write_node_config(folder / "cn", "CN", {"federation_port": 8712})
    peer_each_other(node.settings.node_dir, facing.node_dir)
    bind(node)
    return node


def principal(session: Session, username: str) -> Principal:
    return accounts.principal_for(session, accounts.find_user(session, username))
