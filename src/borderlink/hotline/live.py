"""Live push for the hotline: its streams are the shared broadcaster's unit and request topics."""

from __future__ import annotations

from borderlink.shared.live import Broadcaster, Subscription, broadcaster

__all__ = ["Broadcaster", "Subscription", "broadcaster"]
