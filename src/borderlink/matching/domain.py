"""Name matching as a domain: a pure library with its `borderlink screen` command."""

from __future__ import annotations

from borderlink.matching import cli
from borderlink.shared.descriptor import Domain

DOMAIN = Domain(name="matching", cli=cli.register)
