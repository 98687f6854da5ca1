"""Plugs the exchange into the node: keys at `borderlink init`, the federation listener and the
dispatcher in `borderlink serve`, and automatic peering of the two demo nodes."""

from __future__ import annotations

from pathlib import Path

from borderlink import demo, server
from borderlink.cli import node_commands
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


def _listener(node: object) -> object:
    from borderlink.exchange.transport import federation_listener

    return federation_listener(node)  # type: ignore[arg-type]


def _dispatcher(node: object) -> None:
    from borderlink.exchange.dispatcher import install_on

    install_on(node)  # type: ignore[arg-type]


def install() -> None:
    """Register the exchange's hooks. Idempotent."""
    for hooks, hook in (
        (server.LISTENER_FACTORIES, _listener),
        (server.NODE_SETUPS, _dispatcher),
        (node_commands.INIT_STEPS, make_keys),
        (demo.NODE_STEPS, make_keys),
        (demo.PAIR_STEPS, peer_each_other),
    ):
        if hook not in hooks:
            hooks.append(hook)  # type: ignore[arg-type]
