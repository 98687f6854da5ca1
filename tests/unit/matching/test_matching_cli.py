"""The `screen` command against small JSONL, CSV and FollowTheMoney files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from borderlink.matching import cli


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()

    @application.callback()
    def main() -> None:
        """Test application."""

    cli.register(application)
    return application


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _write(path: Path, lines: list[object]) -> Path:
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n",
        encoding="utf-8",
    )
    return path


def _output(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


@pytest.fixture
def watchlist(tmp_path: Path) -> Path:
    return _write(
        tmp_path / "watchlist.jsonl",
        [
            {"id": "w1", "name": "王晓红", "birth_date": "1985-03-02", "gender": "F"},
            {"id": "w2", "name": "Nguyễn Văn An", "nationality": "Vietnam"},
        ],
    )


def test_cli_jsonl_queries(app: typer.Typer, runner: CliRunner, tmp_path: Path, watchlist: Path) -> None:
    queries = _write(
        tmp_path / "queries.jsonl",
        [
            {"id": "q1", "name": "WANG<<XIAOHONG", "birth_date": "1985"},
            {"id": "q2", "name": "阮文安"},
            {"id": "q3", "name": "John Smith"},
        ],
    )
    result = runner.invoke(app, ["screen", "--watchlist", str(watchlist), str(queries)])
    assert result.exit_code == 0, result.output
    lines = _output(result.stdout)
    assert [line["query_id"] for line in lines] == ["q1", "q2", "q3"]
    assert [m["id"] for m in lines[0]["matches"]] == ["w1"]
    assert [m["id"] for m in lines[1]["matches"]] == ["w2"]
    assert lines[2]["matches"] == []
    first = lines[0]["matches"][0]
    assert 0.0 <= first["score"] <= 1.0
    assert first["explanation"]["birth_date"]["result"] == "compatible"


def test_cli_csv_files_and_threshold(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    watchlist = tmp_path / "watchlist.csv"
    watchlist.write_text(
        "id,name,alt_names,birth_date,gender\nw1,Trần Thị Hoà,陈氏和|Tran Thi Hoa,1979-05-05,F\nw2,王晓红,,1985,F\n",
        encoding="utf-8",
    )
    queries = tmp_path / "queries.txt"
    queries.write_text("id,name\nq1,陳氏和\nq2,Vuong Hieu Hong\n", encoding="utf-8")
    result = runner.invoke(app, ["screen", "--watchlist", str(watchlist), str(queries), "--threshold", "0.9"])
    assert result.exit_code == 0, result.output
    lines = _output(result.stdout)
    assert [m["id"] for m in lines[0]["matches"]] == ["w1"]
    assert [m["id"] for m in lines[1]["matches"]] == ["w2"]
    assert all(m["score"] >= 0.9 for line in lines for m in line["matches"])


def test_cli_followthemoney_watchlist_skips_other_schemas(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    watchlist = _write(
        tmp_path / "entities.json",
        [
            {
                "id": "ftm-1",
                "schema": "Person",
                "properties": {
                    "name": ["Lê Văn Hùng"],
                    "alias": ["黎文雄"],
                    "birthDate": ["1988-02-02"],
                    "gender": ["male"],
                    "nationality": ["vn"],
                    "passportNumber": ["B7654321"],
                },
            },
            {"id": "ftm-2", "schema": "Company", "properties": {"name": ["Le Van Hung Co"]}},
        ],
    )
    queries = _write(
        tmp_path / "q.jsonl",
        [{"id": "q1", "name": "LI WENXIONG", "gender": "M", "document_number": "B7654321"}],
    )
    result = runner.invoke(app, ["screen", "--watchlist", str(watchlist), str(queries)])
    assert result.exit_code == 0, result.output
    matches = _output(result.stdout)[0]["matches"]
    assert [m["id"] for m in matches] == ["ftm-1"]
    explanation = matches[0]["explanation"]
    assert explanation["gender"]["result"] == "agree"
    assert explanation["document_number"]["result"] == "agree"


def test_cli_bad_line_is_reported_with_its_number_and_skipped(
    app: typer.Typer, runner: CliRunner, tmp_path: Path, watchlist: Path
) -> None:
    queries = _write(
        tmp_path / "queries.jsonl",
        [{"id": "q1", "name": "王晓红"}, "{not json", {"id": "q3"}, {"id": "q4", "name": "阮文安"}],
    )
    result = runner.invoke(app, ["screen", "--watchlist", str(watchlist), str(queries)])
    assert result.exit_code == 0
    assert [line["query_id"] for line in _output(result.stdout)] == ["q1", "q4"]
    assert f"{queries}:2:" in result.stderr
    assert f"{queries}:3:" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_missing_file_is_one_line_exit_2(
    app: typer.Typer, runner: CliRunner, tmp_path: Path, watchlist: Path
) -> None:
    result = runner.invoke(app, ["screen", "--watchlist", str(tmp_path / "absent.jsonl"), str(watchlist)])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "not found" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("threshold", ["abc", "1.5", "-0.1"])
def test_cli_bad_threshold_is_one_line_exit_2(
    app: typer.Typer, runner: CliRunner, watchlist: Path, threshold: str
) -> None:
    result = runner.invoke(app, ["screen", "--watchlist", str(watchlist), str(watchlist), "--threshold", threshold])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: threshold")
    assert result.stderr.strip().count("\n") == 0


def test_cli_reports_progress_for_large_files(
    app: typer.Typer, runner: CliRunner, tmp_path: Path, watchlist: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "LARGE_FILE_BYTES", 0)
    monkeypatch.setattr(cli, "PROGRESS_EVERY", 1)
    queries = _write(tmp_path / "q.jsonl", [{"id": "q1", "name": "阮文安"}])
    result = runner.invoke(app, ["screen", "--watchlist", str(watchlist), str(queries)])
    assert result.exit_code == 0
    assert "watchlist: 1 records read" in result.stderr
    assert "queries: 1 records" in result.stderr
    assert [line["query_id"] for line in _output(result.stdout)] == ["q1"]
