"""Imports every domain's models so the metadata is complete for migrations and checks."""

from __future__ import annotations

from borderlink.audit import models as audit_models
from borderlink.db import Base
from borderlink.directory import models as directory_models
from borderlink.exchange import models as exchange_models
from borderlink.hotline import models as hotline_models
from borderlink.shared import counters as shared_counters

__all__ = ["Base", "audit_models", "directory_models", "exchange_models", "hotline_models", "shared_counters"]
