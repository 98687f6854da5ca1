"""The domains of a node, and what the app, the CLI, migrations, navigation, permissions and the
i18n tools take from them. A new domain adds one line to DOMAINS (see shared/descriptor.py)."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterator

from borderlink.directory.models import Role
from borderlink.exchange import known_objects, registry
from borderlink.node import Node
from borderlink.shared import escalation
from borderlink.shared.codelists import CodeList
from borderlink.shared.descriptor import Domain, ListenerFactory, NavEntry

# Each module defines DOMAIN, its descriptor. The order is the order of routes and commands.
DOMAIN_MODULES: tuple[str, ...] = (
    "borderlink.directory.domain",
    "borderlink.audit.domain",
    "borderlink.exchange.domain",
    "borderlink.matching.domain",
    "borderlink.web.attachments",
    "borderlink.hotline.domain",
    "borderlink.gates.domain",
    "borderlink.safeguards.domain",
    "borderlink.cases.domain",
    "borderlink.alerts.domain",
    "borderlink.engagements.domain",
)


def _load(module_name: str) -> Domain:
    descriptor = getattr(importlib.import_module(module_name), "DOMAIN", None)
    if not isinstance(descriptor, Domain):
        raise TypeError(f"{module_name} has no DOMAIN descriptor")
    return descriptor


DOMAINS: tuple[Domain, ...] = tuple(_load(name) for name in DOMAIN_MODULES)


def register_message_handlers() -> None:
    """Idempotent: every process that applies inbound envelopes needs these."""
    for domain in DOMAINS:
        for contract, handler in domain.message_handlers.items():
            registry.register_handler(contract, handler)
        for contract, hook in domain.refusal_hooks.items():
            registry.on_refused(contract, hook)
        for contract, applied_hook in domain.applied_hooks.items():
            registry.on_applied(contract, applied_hook)
        for contract, model in domain.created_objects.items():
            known_objects.creates(contract, model)


def setup(node: Node) -> None:
    """Make `node` a serving node: message handlers, background work and other set-up of every
    domain. Idempotent, so any entry point that serves may call it."""
    register_message_handlers()
    if node.serving_set_up:
        return
    node.serving_set_up = True
    for domain in DOMAINS:
        if domain.node_setup is not None:
            domain.node_setup(node)
        for task in domain.background_tasks:
            if task not in node.background_tasks:
                node.background_tasks.append(task)
    declared = [declared for domain in DOMAINS for declared in domain.escalations]
    if declared:
        node.background_tasks.append(escalation.escalation_loop(declared))


def listener_factories() -> Iterator[ListenerFactory]:
    for domain in DOMAINS:
        yield from domain.listeners


def navigation() -> list[NavEntry]:
    return sorted((entry for domain in DOMAINS for entry in domain.navigation), key=lambda e: e.order)


@functools.cache
def code_lists() -> dict[str, CodeList]:
    """Every code list of the node's domains, by name."""
    found: dict[str, CodeList] = {}
    for domain in DOMAINS:
        for name, code_list in domain.code_lists.items():
            if name in found:
                raise ValueError(f"code list {name} is declared twice")
            found[name] = code_list
    return found


def indirect_messages() -> list[tuple[str, str]]:
    """Texts that reach `_()` through a variable: each domain's own, and its navigation labels."""
    found = [message for domain in DOMAINS for message in domain.indirect_messages]
    found += [(entry.label, "Link in the page header.") for entry in navigation()]
    return found


def template_packages() -> list[str]:
    return [package for domain in DOMAINS if (package := domain.template_package) is not None]


@functools.cache
def permission_grants(role: Role) -> frozenset[str]:
    """What every domain grants `role`, merged."""
    return frozenset(p for domain in DOMAINS for p in domain.permission_grants.get(role, frozenset()))
