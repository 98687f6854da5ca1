"""The directory's code lists (labels in data/codelists.json): roles and unit tiers."""

from __future__ import annotations

from borderlink.directory.models import Role, Tier
from borderlink.shared import codelists

CODE_LISTS = codelists.load("borderlink.directory", {"directory.role": Role, "directory.tier": Tier})
