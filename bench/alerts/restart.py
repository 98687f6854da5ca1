"""The restarted node of the screening benchmark: open the snapshot, answer one check, report.

Its alert source knows only the changes made after the snapshot was written (the benchmark's
updates), which is all a node with a good snapshot asks its source for; asking for the whole
active set would mean the snapshot was not used, and fails the run.
"""

from __future__ import annotations

import pickle
import sys
import time
from collections.abc import Iterator
from pathlib import Path

_STARTED = time.perf_counter()

import psutil  # noqa: E402

from borderlink.alerts.screening_entries import AlertChange, AlertEntry, ChangeBatch, ScreeningQuery  # noqa: E402
from borderlink.alerts.screening_index import ScreeningIndex  # noqa: E402


class ChangesOnlySource:
    def __init__(self, token: str, changes: list[AlertChange]) -> None:
        self._token = token
        self._changes = tuple(changes)

    def current_token(self) -> str:
        return f"{self._token}+{len(self._changes)}"

    def iter_active_entries(self) -> Iterator[AlertEntry]:
        raise RuntimeError("the snapshot was not used: the index asked for a full rebuild")

    def changes_since(self, token: str) -> ChangeBatch:
        return ChangeBatch(self._changes if token == self._token else (), self.current_token())


def main(snapshot: Path, token: str, changes_file: Path, probe_file: Path) -> int:
    imported = time.perf_counter()
    changes: list[AlertChange] = pickle.loads(changes_file.read_bytes())
    probe: ScreeningQuery = pickle.loads(probe_file.read_bytes())
    index = ScreeningIndex.open(ChangesOnlySource(token, changes), snapshot)
    opened = time.perf_counter()
    hits = index.check(probe)
    answered = time.perf_counter()
    rss = psutil.Process().memory_info().rss / 2**20
    print(
        f"imports {imported - _STARTED:.1f} s, open (load, verify, {len(changes)} changes replayed) "
        f"{opened - imported:.1f} s, first check {1000 * (answered - opened):.1f} ms "
        f"with {len(hits)} hit(s), the updated plate among them; "
        f"resident {rss:.0f} MB"
    )
    return 0 if any(hit.subject == "vehicle" for hit in hits) else 1


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])))
