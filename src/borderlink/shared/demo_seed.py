"""Demo content, contributed by each domain through its descriptor's `demo_seed`.

`make demo` prepares two node directories, loads the directory and the demo accounts, then runs
every domain's seed once per node, each in its own transaction:

    def seed_demo(demo: DemoSeed) -> None:
        officer = demo.principal("mongcai.officer")
        service.create_alert(demo.session, officer, AlertIn(...), demo.now)

    DOMAIN = Domain(name="alerts", ..., demo_seed=seed_demo)

A seed acts through its domain's service functions as the demo accounts would (so the content is
screened, audited and sent across the border like any other), and keeps its data in a data file
beside its code. Which seeds have run is remembered in the node directory, so seeding again adds
nothing; a seed need not check for its own rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from borderlink.directory import accounts
from borderlink.directory.permissions import Principal
from borderlink.node import Node

SEEDED_FILE = "demo_seeded.json"


@dataclasses.dataclass(frozen=True)
class DemoSeed:
    """What a domain's demo seed works with: one transaction on one demo node."""

    session: Session
    party: str  # "VN" or "CN": which demo node this is
    now: dt.datetime
    node_dir: Path

    def principal(self, username: str) -> Principal:
        """A demo account (see directory/data/demo_users.json) as the one acting."""
        return accounts.principal_for(self.session, accounts.find_user(self.session, username))

    def for_party(self, data: dict[str, Any]) -> Any:
        """This node's part of demo data kept per party ({"VN": ..., "CN": ...})."""
        return data.get(self.party, [])


def data_file(package: str, name: str) -> dict[str, Any]:
    """A domain's demo data file, `<package>/data/<name>`."""
    loaded: dict[str, Any] = json.loads((resources.files(package) / "data" / name).read_text(encoding="utf-8"))
    return loaded


def _seeded(node_dir: Path) -> list[str]:
    path = node_dir / SEEDED_FILE
    return list(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else []


def run_seeds(node: Node, node_dir: Path, seeds: Iterable[tuple[str, Callable[[DemoSeed], Any]]]) -> list[str]:
    """Run each (domain name, seed) not yet run on this node, one transaction each; returns the
    names of the domains seeded now."""
    done = _seeded(node_dir)
    ran = []
    for name, seed in seeds:
        if name in done:
            continue
        with node.transaction() as session:
            seed(DemoSeed(session=session, party=node.party, now=node.clock.now(), node_dir=node_dir))
        done.append(name)
        ran.append(name)
        (node_dir / SEEDED_FILE).write_text(json.dumps(done), encoding="utf-8")
    return ran
