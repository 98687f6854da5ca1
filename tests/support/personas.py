"""The named people of the tests, on both nodes, each at their place in the three tiers.

Access tests speak of personas ("post_officer", "outsider") rather than of accounts; every test
harness creates its node's personas from this one table (`on(party)`), with `PASSWORD`.
"""

from __future__ import annotations

import dataclasses

PASSWORD = "persona-password-1"


@dataclasses.dataclass(frozen=True)
class PersonaSpec:
    name: str
    party: str
    username: str
    unit_code: str
    role: str


def _table(*rows: tuple[str, str, str, str, str]) -> dict[str, PersonaSpec]:
    return {row[0]: PersonaSpec(*row) for row in rows}


PERSONAS = _table(
    # Vietnam: Móng Cái post, its province Quảng Ninh, the central Border Guard Command, and
    # units elsewhere that see nothing of Móng Cái's work.
    ("post_officer", "VN", "mongcai.officer", "VN-QN-MONGCAI", "officer"),
    ("post_commander", "VN", "mongcai.commander", "VN-QN-MONGCAI", "commander"),
    ("post_viewer", "VN", "vn.viewer", "VN-QN-MONGCAI", "viewer"),
    ("provincial_commander", "VN", "qn.commander", "VN-QN", "commander"),
    ("provincial_admin", "VN", "qn.admin", "VN-QN", "admin"),
    ("central_analyst", "VN", "central.analyst", "VN-BGC", "analyst"),
    ("liaison_analyst", "VN", "bgc.analyst", "VN-BGC", "analyst"),
    ("admin", "VN", "node.admin", "VN-BGC", "admin"),
    ("vn_admin", "VN", "vn.admin", "VN-BGC", "admin"),
    ("outsider", "VN", "laocai.officer", "VN-LC-LAOCAI", "officer"),
    ("outsider_commander", "VN", "ls.commander", "VN-LS", "commander"),
    # China: Dongxing (Móng Cái's counterpart), Guangxi, the National Immigration Administration,
    # and Hekou, which faces Lào Cai and sees nothing of Dongxing's work.
    ("cn_post_officer", "CN", "dongxing.officer", "CN-GX-DONGXING", "officer"),
    ("cn_provincial_commander", "CN", "gx.commander", "CN-GX", "commander"),
    ("cn_central_analyst", "CN", "nia.analyst", "CN-NIA", "analyst"),
    ("cn_outsider", "CN", "hekou.officer", "CN-YN-HEKOU", "officer"),
)


def on(party: str, names: tuple[str, ...] | None = None) -> list[PersonaSpec]:
    """The personas of one node (only those named, when `names` is given)."""
    return [p for p in PERSONAS.values() if p.party == party and (names is None or p.name in names)]
