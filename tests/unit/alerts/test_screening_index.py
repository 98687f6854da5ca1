"""The live screening index: updates visible at once, documents and plates, threads, snapshots."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from borderlink.alerts import screening_base
from borderlink.alerts.screening_entries import (
    AlertChange,
    AlertDocument,
    AlertEntry,
    AlertPerson,
    AlertVehicle,
    InMemoryAlertSource,
    ScreeningQuery,
    StaleToken,
    normalise_document_number,
    normalise_plate,
)
from borderlink.alerts.screening_index import ScreeningIndex

WANG = AlertEntry(
    "CN-1",
    persons=(AlertPerson(("王晓红",), "1988-03-14", "F", "CHN"),),
    documents=(AlertDocument("E 1234-567", "CHN"),),
    vehicles=(AlertVehicle("京A·12345"),),
)
NGUYEN = AlertEntry("VN-1", persons=(AlertPerson(("Nguyễn Văn An", "NGUYEN AN"), "1970", "M", "VNM"),))


def _ids(index: ScreeningIndex, query: ScreeningQuery) -> set[tuple[str, str]]:
    return {(hit.alert_id, hit.subject) for hit in index.check(query)}


@pytest.fixture
def source() -> InMemoryAlertSource:
    return InMemoryAlertSource([WANG, NGUYEN])


@pytest.fixture
def index(source: InMemoryAlertSource) -> ScreeningIndex:
    return ScreeningIndex.build(source)


def test_person_found_across_scripts(index: ScreeningIndex) -> None:
    assert _ids(index, ScreeningQuery(names=("Vương Hiểu Hồng",), birth_date="1988")) == {("CN-1", "person")}
    assert _ids(index, ScreeningQuery(names=("WANG XIAOHONG",))) == {("CN-1", "person")}
    assert _ids(index, ScreeningQuery(names=("Zhang Wei",))) == set()


def test_documents_by_normalised_number_and_state(index: ScreeningIndex) -> None:
    assert _ids(index, ScreeningQuery(document_number="e1234567")) == {("CN-1", "document")}
    assert _ids(index, ScreeningQuery(document_number="E.1234.567", document_state="chn")) == {("CN-1", "document")}
    assert _ids(index, ScreeningQuery(document_number="E1234567", document_state="VNM")) == set()
    assert _ids(index, ScreeningQuery(document_number="E1234568")) == set()


def test_plates_normalised_and_look_alikes_folded(index: ScreeningIndex) -> None:
    assert normalise_plate("29a-123.45") == "29A12345"
    assert normalise_plate("京A·I2345") == "京A12345"
    assert normalise_plate("AB O12") == "AB012"
    assert normalise_document_number("AB O12") == "ABO12"
    assert _ids(index, ScreeningQuery(plate="京A 12345")) == {("CN-1", "vehicle")}
    assert _ids(index, ScreeningQuery(plate="京AI2345")) == {("CN-1", "vehicle")}
    assert _ids(index, ScreeningQuery(plate="京A12346")) == set()


def test_add_change_and_remove_visible_to_the_next_check(index: ScreeningIndex) -> None:
    added = AlertEntry("VN-2", vehicles=(AlertVehicle("29A-123.45"),), documents=(AlertDocument("C9876543", None),))
    index.upsert(added)
    assert _ids(index, ScreeningQuery(plate="29A12345")) == {("VN-2", "vehicle")}
    assert _ids(index, ScreeningQuery(document_number="C9876543", document_state="VNM")) == {("VN-2", "document")}
    assert len(index) == 3

    # A base alert changed: its old content is gone, the new one is found.
    index.upsert(AlertEntry("CN-1", persons=(AlertPerson(("李明",), "1990", "M", "CHN"),)))
    assert _ids(index, ScreeningQuery(names=("WANG XIAOHONG",))) == set()
    assert _ids(index, ScreeningQuery(plate="京A12345")) == set()
    assert _ids(index, ScreeningQuery(names=("LI MING",))) == {("CN-1", "person")}
    assert len(index) == 3

    index.remove("CN-1")
    index.remove("VN-2")
    assert _ids(index, ScreeningQuery(names=("LI MING",))) == set()
    assert _ids(index, ScreeningQuery(plate="29A12345")) == set()
    assert _ids(index, ScreeningQuery(names=("Nguyen Van An",))) == {("VN-1", "person")}
    assert len(index) == 1


def test_source_changes_followed(source: InMemoryAlertSource, index: ScreeningIndex) -> None:
    source.remove("CN-1")
    source.put(AlertEntry("VN-3", vehicles=(AlertVehicle("30E-999.99"),)))
    assert index.refresh() == 2
    assert _ids(index, ScreeningQuery(names=("WANG XIAOHONG",))) == set()
    assert _ids(index, ScreeningQuery(plate="30E99999")) == {("VN-3", "vehicle")}
    assert index.refresh() == 0


def test_merge_folds_the_delta_into_a_new_base(source: InMemoryAlertSource, tmp_path: Path) -> None:
    index = ScreeningIndex.build(source, tmp_path / "screening.idx", merge_threshold=3)
    for number in range(3):
        entry = AlertEntry(f"P-{number}", vehicles=(AlertVehicle(f"51F-{number:03d}.00"),))
        source.put(entry)
    source.remove("VN-1")
    index.refresh()
    index.close()  # waits for the merge the full delta started
    assert index.delta_size == 0
    assert _ids(index, ScreeningQuery(plate="51F00100")) == {("P-1", "vehicle")}
    assert _ids(index, ScreeningQuery(names=("Nguyen Van An",))) == set()
    reopened = ScreeningIndex.open(source, tmp_path / "screening.idx")
    assert reopened.delta_size == 0
    assert len(reopened) == 4


def test_checks_from_threads_while_another_updates(index: ScreeningIndex) -> None:
    stop = threading.Event()
    failures: list[str] = []

    def checker() -> None:
        # NGUYEN is never touched: every check must find it, whatever the writer is doing.
        while not stop.is_set():
            if ("VN-1", "person") not in _ids(index, ScreeningQuery(names=("NGUYEN VAN AN",))):
                failures.append("lost VN-1")

    threads = [threading.Thread(target=checker) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for number in range(40):
            alert_id = f"T-{number % 5}"
            index.upsert(AlertEntry(alert_id, vehicles=(AlertVehicle(f"29B{number:05d}"),)))
            # The writer sees its own update at once, while the checkers run.
            assert _ids(index, ScreeningQuery(plate=f"29B{number:05d}")) == {(alert_id, "vehicle")}
            index.apply([AlertChange("CN-1", WANG if number % 2 else None)])
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert failures == []


def test_snapshot_round_trip(source: InMemoryAlertSource, tmp_path: Path) -> None:
    path = tmp_path / "screening.idx"
    built = ScreeningIndex.build(source, path)
    source.put(AlertEntry("VN-9", vehicles=(AlertVehicle("29C-555.55"),)))
    loaded = ScreeningIndex.open(source, path)
    queries = [
        ScreeningQuery(names=("Vương Hiểu Hồng",), birth_date="1988-03-14", gender="F"),
        ScreeningQuery(names=("Nguyen Van An",), birth_date="1970"),
        ScreeningQuery(document_number="E1234567", document_state="CHN"),
        ScreeningQuery(plate="京A12345"),
    ]
    built.refresh()
    for query in queries:
        assert loaded.check(query) == built.check(query)
    # Changes made after the snapshot was written are replayed from the source on opening.
    assert _ids(loaded, ScreeningQuery(plate="29C55555")) == {("VN-9", "vehicle")}


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage"])
def test_damaged_snapshot_rebuilt(source: InMemoryAlertSource, tmp_path: Path, damage: str) -> None:
    path = tmp_path / "screening.idx"
    ScreeningIndex.build(source, path)
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[-3] ^= 0x40
    elif damage == "truncate":
        del data[-10:]
    else:
        data = bytearray(b"not an index at all")
    path.write_bytes(bytes(data))
    source.remove("VN-1")
    index = ScreeningIndex.open(source, path)
    assert _ids(index, ScreeningQuery(names=("WANG XIAOHONG",))) == {("CN-1", "person")}
    assert _ids(index, ScreeningQuery(names=("Nguyen Van An",))) == set()
    # The rebuilt snapshot is written back and good.
    again = ScreeningIndex.open(source, path)
    assert len(again) == 1


def test_snapshot_older_than_the_change_log_rebuilt(tmp_path: Path) -> None:
    source = InMemoryAlertSource([WANG], keep_changes=2)
    path = tmp_path / "screening.idx"
    ScreeningIndex.build(source, path)
    for number in range(4):
        source.put(AlertEntry(f"X-{number}", vehicles=(AlertVehicle(f"88A{number}"),)))
    with pytest.raises(StaleToken):
        source.changes_since("0")
    index = ScreeningIndex.open(source, path)
    assert index.delta_size == 0
    assert _ids(index, ScreeningQuery(plate="88A3")) == {("X-3", "vehicle")}


def test_missing_snapshot_built_and_saved(source: InMemoryAlertSource, tmp_path: Path) -> None:
    path = tmp_path / "screening.idx"
    index = ScreeningIndex.open(source, path)
    assert path.exists()
    assert len(index) == 2


def test_following_past_a_lost_token_rebuilds() -> None:
    source = InMemoryAlertSource([WANG], keep_changes=2)
    index = ScreeningIndex.build(source)
    for number in range(4):
        source.put(AlertEntry(f"X-{number}", vehicles=(AlertVehicle(f"66A{number}"),)))
    with pytest.raises(StaleToken):
        index.refresh()
    merge = index.merge_in_background()
    assert merge is not None
    merge.join()
    source.put(AlertEntry("X-9", vehicles=(AlertVehicle("66A9"),)))
    assert index.refresh() == 1
    assert _ids(index, ScreeningQuery(plate="66A3")) == {("X-3", "vehicle")}
    assert _ids(index, ScreeningQuery(plate="66A9")) == {("X-9", "vehicle")}


def test_snapshot_of_another_format_version_rebuilt(
    source: InMemoryAlertSource, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "screening.idx"
    ScreeningIndex.build(source, path)
    source.remove("VN-1")
    monkeypatch.setattr(screening_base, "SNAPSHOT_VERSION", screening_base.SNAPSHOT_VERSION + 1)
    index = ScreeningIndex.open(source, path)
    assert len(index) == 1
    # Rebuilt under the new version, the snapshot now loads as it is.
    assert screening_base.ScreeningBase.load(path)[0].alert_row("CN-1") is not None


def test_checks_keep_answering_while_a_merge_swaps_the_base(source: InMemoryAlertSource) -> None:
    index = ScreeningIndex.build(source, merge_threshold=1_000_000)
    for number in range(30):
        source.put(AlertEntry(f"M-{number}", vehicles=(AlertVehicle(f"43A{number:03d}"),)))
    index.refresh()
    stop = threading.Event()
    failures: list[str] = []

    def checker() -> None:
        while not stop.is_set():
            for plate, alert_id in (("43A007", "M-7"), ("京A12345", "CN-1")):
                if {hit.alert_id for hit in index.check(ScreeningQuery(plate=plate))} != {alert_id}:
                    failures.append(plate)

    threads = [threading.Thread(target=checker) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        merge = index.merge_in_background()
        assert merge is not None
        merge.join()
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert failures == []
    assert index.delta_size == 0
