"""Every domain's models, so the metadata is complete for migrations and checks."""

from __future__ import annotations

from types import ModuleType

from borderlink import domains
from borderlink.db import Base
from borderlink.shared import counters, durations, namesearch, timeline, workfeed

# The shared layer's tables, then each domain's model modules (imported by its descriptor).
MODEL_MODULES: tuple[ModuleType, ...] = (counters, durations, namesearch, timeline, workfeed,
                                         *(m for d in domains.DOMAINS for m in d.models))

__all__ = ["MODEL_MODULES", "Base"]
