"""Node-directory steps of the exchange: keys at `borderlink init`, and the two demo nodes
trusting each other (see the exchange's descriptor in domain.py)."""

from __future__ import annotations

from pathlib import Path

from borderlink.config import load_settings
from borderlink.exchange import keys


def make_keys(node_dir: Path) -> None:
    keys.init_keys(load_settings(node_dir))


def peer_each_other(first: Path, second: Path) -> None:
    one, two = load_settings(first), load_settings(second)
    make_keys(first)
    make_keys(second)
    keys.import_peer(one, keys.export_identity(two))
    keys.import_peer(two, keys.export_identity(one))
