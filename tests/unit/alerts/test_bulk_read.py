"""Reading alert subjects from FollowTheMoney JSON lines and CSV: good records, and bad lines by number."""

from __future__ import annotations

import json
from pathlib import Path

from borderlink.alerts.bulk_read import (
    BadLine,
    SourceDocument,
    SourceRecord,
    SourceVehicle,
    count_records,
    file_format,
    read_records,
)

WANG = {"id": "ftm-wang", "schema": "Person", "properties": {
    "name": ["王晓红"], "alias": ["Wang Xiaohong", "Vương Hiểu Hồng"], "weakAlias": ["Hong"],
    "birthDate": ["1988-03-14"], "gender": ["female"], "nationality": ["cn"], "passportNumber": ["E12345678"],
    "notes": ["Crossed at Dongxing in 2025."], "religion": ["x"],
}}


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_person_entity_gives_names_in_every_script_and_its_fields(tmp_path: Path) -> None:
    path = _write(tmp_path / "people.jsonl", [json.dumps(WANG, ensure_ascii=False)])
    (record,) = list(read_records(path))
    assert isinstance(record, SourceRecord)
    assert record.line == 1
    assert record.source_id == "ftm-wang"
    # weakAlias is not a name matching relies on; religion is a ground an alert may not rest on.
    assert record.names == ("王晓红", "Wang Xiaohong", "Vương Hiểu Hồng")
    assert (record.birth_date, record.gender, record.nationalities) == ("1988-03-14", "F", ("CHN",))
    assert record.documents == (SourceDocument(number="E12345678", type="passport"),)
    assert record.description == "Crossed at Dongxing in 2025."
    assert record.left_out == ("religion",)


def test_bad_json_lines_are_reported_by_number_and_the_rest_read(tmp_path: Path) -> None:
    company = {"id": "c1", "schema": "Company", "properties": {"name": ["Acme"]}}
    nameless = {"id": "p2", "schema": "Person", "properties": {"birthDate": ["1990"]}}
    path = _write(tmp_path / "mixed.json", [
        json.dumps(WANG), "", "{not json", json.dumps(company), json.dumps(nameless), "[1, 2]",
        json.dumps({**WANG, "id": "ftm-2"}),
    ])
    found = list(read_records(path))
    bad = {item.line: item.reason for item in found if isinstance(item, BadLine)}
    assert set(bad) == {3, 4, 5, 6}
    assert bad[3].startswith("invalid JSON")
    assert "Company" in bad[4]
    assert "no name" in bad[5]
    assert "not a JSON object" in bad[6]
    assert [item.line for item in found if isinstance(item, SourceRecord)] == [1, 7]
    assert count_records(path) == 6


def test_csv_rows_carry_a_document_a_vehicle_and_alert_fields(tmp_path: Path) -> None:
    path = _write(tmp_path / "alerts.csv", [
        "id,name,aliases,birth_date,gender,nationality,document_number,document_state,plate,offence_code,"
        "legal_basis_reference,warnings",
        "a1,王晓红,Wang Xiaohong|Vương Hiểu Hồng,1988,F,cn,E123,chn,,06012,QD-17/2026,armed;violent",
        'a2,,,,,,,,"29A-123.45",,,',
    ])
    first, second = list(read_records(path))
    assert isinstance(first, SourceRecord)
    assert isinstance(second, SourceRecord)
    assert first.line == 2
    assert second.line == 3
    assert first.names == ("王晓红", "Wang Xiaohong", "Vương Hiểu Hồng")
    assert (first.gender, first.nationalities, first.offence_code) == ("F", ("CHN",), "06012")
    assert first.documents == (SourceDocument(number="E123", type="passport", issuing_state="CHN"),)
    assert first.legal_basis == {"reference": "QD-17/2026"}
    assert first.warnings == ("armed", "violent")
    assert second.names == ()
    assert second.vehicles == (SourceVehicle(plate="29A-123.45"),)
    assert file_format(path) == "csv"
    assert count_records(path) == 2


def test_csv_line_numbers_follow_cells_that_span_lines(tmp_path: Path) -> None:
    path = tmp_path / "multi.csv"
    path.write_text('name,description\n"Lê Văn Tám","two\nlines"\n,,\n,\nNông Thị Hoa,\n', encoding="utf-8")
    found = list(read_records(path))
    assert [(type(item).__name__, item.line) for item in found] == [
        ("SourceRecord", 2), ("BadLine", 4), ("BadLine", 5), ("SourceRecord", 6)]
    assert isinstance(found[1], BadLine)
    assert "more cells" in found[1].reason
    assert isinstance(found[2], BadLine)
    assert "no person, document or vehicle" in found[2].reason


def test_a_csv_header_without_a_subject_column_or_with_unknown_columns_is_one_bad_line(tmp_path: Path) -> None:
    assert list(read_records(_write(tmp_path / "a.csv", ["id,birth_date", "1,1990"]))) == [
        BadLine(1, "the CSV header needs a column name, document_number or plate")]
    (bad,) = list(read_records(_write(tmp_path / "b.csv", ["name,religion", "An,x"])))
    assert isinstance(bad, BadLine)
    assert bad.line == 1
    assert "religion" in bad.reason


def test_the_format_is_told_by_content_when_the_extension_says_nothing(tmp_path: Path) -> None:
    assert file_format(_write(tmp_path / "x.txt", ["name", "An"])) == "csv"
    assert file_format(_write(tmp_path / "y.txt", [json.dumps(WANG)])) == "ftm"
