"""The federation exchange as a domain: what a serving node runs to talk to its peer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from borderlink.exchange import anchors, cli, codes, models, pages, setup, testtraffic
from borderlink.exchange.contracts import AnchorMessage, CountersignMessage, EchoMessage
from borderlink.shared.descriptor import Domain, NavEntry

if TYPE_CHECKING:
    import uvicorn

    from borderlink.node import Node


def _federation_listener(node: Node) -> uvicorn.Server | None:
    # Imported when a node starts serving: the transport module builds on the server module.
    from borderlink.exchange.transport import federation_listener

    return federation_listener(node)


def _run_dispatcher(node: Node) -> None:
    from borderlink.exchange.dispatcher import install_on

    install_on(node)


DOMAIN = Domain(
    name="exchange",
    models=(models,),
    install_app=pages.install,
    message_handlers={
        AnchorMessage: anchors.handle_anchor,
        CountersignMessage: anchors.handle_countersign,
        EchoMessage: testtraffic.handle_echo,
    },
    node_setup=_run_dispatcher,
    listeners=(_federation_listener,),
    templates=True,
    code_lists=codes.CODE_LISTS,
    navigation=(NavEntry("Exchange", "/exchange", permission="exchange.read", order=70),),
    cli=cli.register,
    init_steps=(setup.make_keys,),
    demo_pair_steps=(setup.peer_each_other,),
)
