"""The audit trail as a domain: its table and its `borderlink audit` commands."""

from __future__ import annotations

from borderlink.audit import cli, models
from borderlink.shared.descriptor import Domain

DOMAIN = Domain(name="audit", models=(models,), cli=cli.register)
