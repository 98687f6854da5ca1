"""What a gate page says after its form succeeded (see web/outcomes.py)."""

from __future__ import annotations

from borderlink.shared.forms import N_
from borderlink.web.outcomes import Outcomes

DONE = Outcomes({
    "recorded": N_("The crossing was recorded and checked."),
    "confirmed": N_("You confirmed the hit: it is the person. The gate sees it at once."),
    "rejected": N_("You rejected the hit: not the person. This traveller is not flagged again for this alert."),
    "outcome": N_("The outcome was recorded; the alert's owner sees it."),
    "announced": N_("The pre-arrival notice was sent to the facing gate."),
    "registered": N_("The border pass was registered."),
})
