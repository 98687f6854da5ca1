"""The domains list is the one place the node is wired from: routes, permissions, navigation,
templates, code lists and commands all come from the descriptors."""

from __future__ import annotations

from borderlink import domains
from borderlink.directory.models import Role
from borderlink.directory.permissions import CORE_ROLE_PERMISSIONS, ROLE_PERMISSIONS, role_permissions
from borderlink.exchange import registry
from borderlink.shared.descriptor import Domain


def test_every_listed_module_has_a_descriptor_with_a_unique_name() -> None:
    names = [domain.name for domain in domains.DOMAINS]
    assert len(names) == len(set(names)) == len(domains.DOMAIN_MODULES)
    assert all(isinstance(domain, Domain) for domain in domains.DOMAINS)
    assert {"directory", "exchange", "hotline"} <= set(names)


def test_a_domain_s_grants_reach_the_roles_only_through_its_descriptor() -> None:
    assert "hotline.read" not in CORE_ROLE_PERMISSIONS[Role.OFFICER]
    assert "hotline.read" in role_permissions(Role.OFFICER) == ROLE_PERMISSIONS[Role.OFFICER]
    assert "hotline.supervise" in role_permissions(Role.COMMANDER)
    assert "hotline.supervise" not in role_permissions(Role.OFFICER)
    assert "hotline.configure" in role_permissions(Role.ADMIN)


def test_message_handlers_are_registered_from_the_descriptors() -> None:
    domains.register_message_handlers()
    for domain in domains.DOMAINS:
        for contract, handler in domain.message_handlers.items():
            assert registry.handler_for(contract.message_kind) is handler


def test_navigation_is_ordered_and_every_label_is_offered_for_translation() -> None:
    entries = domains.navigation()
    assert [e.order for e in entries] == sorted(e.order for e in entries)
    assert entries[0].href == "/hotline"
    labels = {text for text, _ in domains.indirect_messages()}
    assert {e.label for e in entries} <= labels


def test_template_folders_and_code_lists_come_from_the_descriptors() -> None:
    assert "borderlink.hotline" in domains.template_packages()
    assert {"hotline.status", "directory.role", "safeguards.ground"} <= set(domains.code_lists())


def test_the_command_line_has_every_domain_s_commands() -> None:
    from borderlink.cli.main import app

    groups = {group.name for group in app.registered_groups}
    assert {"user", "audit", "exchange", "peer", "keys"} <= groups
