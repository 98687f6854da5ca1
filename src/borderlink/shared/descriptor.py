"""A domain describes everything it adds to a node in one `Domain` value; `borderlink.domains`
lists them, and the app, the CLI, migrations, navigation, permissions and the i18n tools read
that list. Nothing is wired by importing a module for its side effects.

A domain folder holds `domain.py`:

    DOMAIN = Domain(
        name="alerts",
        models=(models,),
        api_routers=(api.router,),
        page_routers=(pages.router,),
        message_handlers={messages.NoticeMessage: messages.apply_notice},
        background_tasks=(expiry.expiry_loop,),
        code_lists=codes.CODE_LISTS,
        permission_grants={Role.OFFICER: {"alerts.read"}, Role.COMMANDER: {"alerts.read", "alerts.issue"}},
        navigation=(NavEntry("Alerts", "/alerts", permission="alerts.read", order=20),),
        cli=cli.register,
        demo_seed=demo.seed_demo,  # see shared/demo_seed.py
    )

and `domains.py` gets one line: `from borderlink.alerts.domain import DOMAIN as alerts`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the descriptor names these types only; importing them here would be circular
    import typer
    import uvicorn
    from fastapi import APIRouter, FastAPI

    from borderlink.directory.models import Role
    from borderlink.exchange.registry import AppliedHook, Handler, RefusalHook
    from borderlink.node import Node
    from borderlink.shared.attachments import Attachable
    from borderlink.shared.codelists import CodeList
    from borderlink.shared.contracts import MessageBody
    from borderlink.shared.demo_seed import DemoSeed
    from borderlink.shared.escalation import Escalation
    from borderlink.shared.feedkinds import FeedKind
    from borderlink.shared.namesearch import NamedRecord
    from borderlink.shared.protected_persons import ProtectedPersonsProvider

BackgroundTask = Callable[["Node"], Awaitable[None]]
ListenerFactory = Callable[["Node"], "uvicorn.Server | None"]


@dataclasses.dataclass(frozen=True, slots=True)
class NavEntry:
    """A link in the page header, shown to those who hold `permission` (everyone when None).

    `label` is the English message id; it is listed for translation and shown translated."""

    label: str
    href: str
    permission: str | None = None
    order: int = 50


@dataclasses.dataclass(frozen=True, slots=True)
class Domain:
    """What one domain adds to a node. Every field but `name` is optional."""

    name: str
    # Modules defining the domain's SQLAlchemy models (imported so migrations see the tables).
    models: tuple[ModuleType, ...] = ()
    # JSON routers are mounted under /api/v1; page routers at the root.
    api_routers: tuple[APIRouter, ...] = ()
    page_routers: tuple[APIRouter, ...] = ()
    # Extra set-up of the web app that needs the node (binding sessions, mounting sub-apps).
    install_app: Callable[[FastAPI, Node], None] | None = None
    # Message contract (its kind and body model, shared/contracts.py) -> the handler applying it
    # inside the inbox transaction, -> what to do when the peer rejects one we sent, and -> what
    # to record when the peer's receipt says it applied one we sent.
    message_handlers: Mapping[type[MessageBody], Handler] = dataclasses.field(default_factory=dict)
    refusal_hooks: Mapping[type[MessageBody], RefusalHook] = dataclasses.field(default_factory=dict)
    applied_hooks: Mapping[type[MessageBody], AppliedHook] = dataclasses.field(default_factory=dict)
    # Message contract -> the model of the new object each of its messages makes (its body's `id`):
    # the inbox looks up a whole batch's at once (exchange/known_objects.py).
    created_objects: Mapping[type[MessageBody], type[Any]] = dataclasses.field(default_factory=dict)
    # Long-running work of a serving node, and other set-up that serving needs.
    background_tasks: tuple[BackgroundTask, ...] = ()
    # Objects that move one tier up when not answered in time (see shared/escalation.py); every
    # serving node runs one periodic job for each.
    escalations: tuple[Escalation, ...] = ()
    node_setup: Callable[[Node], None] | None = None
    # Further listeners a serving node runs beside its web listener (e.g. the federation listener).
    listeners: tuple[ListenerFactory, ...] = ()
    # Whether the domain has a templates/ folder (its templates are named "<name>/<file>.html").
    templates: bool = False
    # The domain's code lists by name (see shared/codelists.py), for validation, forms and labels.
    code_lists: Mapping[str, CodeList] = dataclasses.field(default_factory=dict)
    # Texts the code hands to templates in variables, for translation: (English text, note).
    indirect_messages: tuple[tuple[str, str], ...] = ()
    # Permissions (dotted strings such as "alerts.read") each role receives from this domain.
    permission_grants: Mapping[Role, frozenset[str]] = dataclasses.field(default_factory=dict)
    navigation: tuple[NavEntry, ...] = ()
    # Adds the domain's sub-commands to the `borderlink` command.
    cli: Callable[[typer.Typer], None] | None = None
    # Steps on a new node directory (`borderlink init`, demo) and on the two demo directories together.
    init_steps: tuple[Callable[[Path], Any], ...] = ()
    demo_pair_steps: tuple[Callable[[Path, Path], Any], ...] = ()
    # Demo content for one node once its accounts exist, run once per node in one transaction
    # (see shared/demo_seed.py).
    demo_seed: Callable[[DemoSeed], Any] | None = None
    # How each object type the domain puts in units' work feeds is shown on the home page
    # (title, link, kind label; see shared/feedkinds.py).
    feed_kinds: tuple[FeedKind, ...] = ()
    # Object types that carry files, and who may see and add them (see shared/attachments.py).
    attachables: tuple[Attachable, ...] = ()
    # Who the domain holds as protected persons, never the subject of a wanted alert (see
    # shared/protected_persons.py).
    protected_persons: tuple[ProtectedPersonsProvider, ...] = ()
    # Records that name persons, whose names list searches find in any script (see shared/namesearch.py).
    named_records: tuple[NamedRecord, ...] = ()

    @property
    def template_package(self) -> str | None:
        return f"borderlink.{self.name}" if self.templates else None
