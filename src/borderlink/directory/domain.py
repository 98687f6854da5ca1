"""The directory as a domain: parties, units, users, roles and tokens."""

from __future__ import annotations

from borderlink.directory import api, cli, codes, models, pages
from borderlink.shared.descriptor import Domain, NavEntry

DOMAIN = Domain(
    name="directory",
    models=(models,),
    api_routers=(api.router,),
    page_routers=(pages.router,),
    templates=True,
    code_lists=codes.CODE_LISTS,
    navigation=(
        NavEntry("Unit directory", "/units", order=60),
        NavEntry("Users", "/users", permission="users.read", order=80),
        NavEntry("API tokens", "/tokens", order=90),
    ),
    cli=cli.register,
)
