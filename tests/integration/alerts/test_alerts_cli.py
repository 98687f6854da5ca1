"""`borderlink alerts import` and `export` on real node directories (made by `borderlink init` and
peered as operators peer them): progress, refused lines by number, exit codes, the round trip."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from borderlink.cli.main import app
from borderlink.exchange.setup import peer_each_other

runner = CliRunner()
WANTED = ["--kind", "wanted", "--unit", "VN-BGC", "--offence", "06012", "--legal-basis", "QD-17/2026",
          "--authority", "Bộ Công an", "--decided", "2026-10-01"]
PEOPLE = [
    {"id": "ftm-wang", "schema": "Person", "properties": {"name": ["王晓红"], "birthDate": ["1988-03-14"],
                                                           "gender": ["female"], "nationality": ["cn"]}},
    {"id": "ftm-le", "schema": "Person", "properties": {"name": ["Lê Văn Tám"], "birthDate": ["1979"]}},
]


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def template_nodes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("alerts-cli")
    assert invoke("init", "--node-dir", str(root / "vn"), "--party", "VN")[0] == 0
    assert invoke("init", "--node-dir", str(root / "cn"), "--party", "CN", "--federation-port", "8712")[0] == 0
    peer_each_other(root / "vn", root / "cn")
    return root


@pytest.fixture
def vn(template_nodes: Path, tmp_path: Path) -> Path:
    shutil.copytree(template_nodes, tmp_path / "nodes")
    return tmp_path / "nodes" / "vn"


def _jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_import_shows_progress_reports_bad_lines_and_exits_1(vn: Path, tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "people.jsonl", [json.dumps(PEOPLE[0], ensure_ascii=False), "{broken",
                                               json.dumps(PEOPLE[1], ensure_ascii=False)])
    code, out, err = invoke("alerts", "import", str(source), "--node-dir", str(vn), *WANTED, "--progress")
    assert code == 1
    assert "import: 3 of 3 records (100%)" in err
    assert f"{source}:2: refused: invalid JSON" in err
    assert out.count(" active (from ftm-") == 2
    assert out.strip().endswith("ftm: imported 2 alerts (2 active), refused 1 records")


def test_a_clean_file_exits_0_quietly_and_a_second_import_offers_to_link(vn: Path, tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text("name,birth_date,gender\n王晓红,1988-03-14,F\n", encoding="utf-8")
    code, out, err = invoke("alerts", "import", str(source), "--node-dir", str(vn), *WANTED)
    assert (code, err) == (0, "")
    assert "csv: imported 1 alerts (1 active), refused 0 records" in out
    code, out, err = invoke("alerts", "import", str(source), "--node-dir", str(vn), *WANTED)
    assert code == 1
    assert f"{source}:2: refused: link_to: This side already has an alert on this person" in err


def test_a_unit_of_the_other_side_or_a_missing_legal_basis_is_refused(vn: Path, tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "one.jsonl", [json.dumps(PEOPLE[1], ensure_ascii=False)])
    code, _out, err = invoke("alerts", "import", str(source), "--node-dir", str(vn), "--kind", "wanted",
                             "--unit", "CN-NIA", "--offence", "06012")
    assert code == 2
    assert "CN-NIA is not a unit of this node" in err
    code, _out, err = invoke("alerts", "import", str(source), "--node-dir", str(vn), "--kind", "wanted",
                             "--unit", "VN-BGC", "--offence", "06012")
    assert code == 1
    assert f"{source}:1: refused: legal_basis_reference: A wanted alert needs its legal basis" in err


def test_export_writes_ftm_and_csv_that_import_back(vn: Path, tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "people.jsonl", [json.dumps(p, ensure_ascii=False) for p in PEOPLE])
    assert invoke("alerts", "import", str(source), "--node-dir", str(vn), *WANTED)[0] == 0
    code, out, err = invoke("alerts", "export", "--node-dir", str(vn))
    assert code == 0
    assert "exported 2 alerts" in err
    entities = [json.loads(line) for line in out.splitlines()]
    assert {e["properties"]["name"][0] for e in entities} == {"王晓红", "Lê Văn Tám"}
    wang = next(e for e in entities if e["properties"]["name"] == ["王晓红"])
    assert wang["schema"] == "Person"
    assert wang["properties"]["nationality"] == ["cn"]
    assert wang["properties"]["gender"] == ["female"]
    assert wang["properties"]["topics"] == ["wanted"]
    csv_file = tmp_path / "alerts.csv"
    assert invoke("alerts", "export", "--node-dir", str(vn), "--format", "csv", "--out", str(csv_file))[0] == 0
    header, *rows = csv_file.read_text(encoding="utf-8").splitlines()
    assert header.startswith("id,kind,name,aliases,birth_date")
    assert len(rows) == 2
    # Imported into the other node directory (a node of its own), the CSV gives the same alerts.
    cn = vn.parent / "cn"
    code, out, _err = invoke("alerts", "import", str(csv_file), "--node-dir", str(cn), "--kind", "wanted",
                             "--unit", "CN-NIA")
    assert code == 0, out
    assert "csv: imported 2 alerts (2 active)" in out


def test_an_import_as_a_named_user_of_the_unit(vn: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["user", "create", "--node-dir", str(vn), "--username", "bgc.analyst", "--unit",
                                 "VN-BGC", "--role", "analyst", "--display-name", "Trần Thu Hà"],
                           env={"BORDERLINK_PASSWORD": "a-long-password-1"})
    assert result.exit_code == 0, result.output
    source = _jsonl(tmp_path / "one.jsonl", [json.dumps(PEOPLE[1], ensure_ascii=False)])
    code, _out, err = invoke("alerts", "import", str(source), "--node-dir", str(vn), *WANTED[:2], "--unit", "VN-QN",
                             "--user", "bgc.analyst", *WANTED[4:])
    assert code == 2
    assert "user bgc.analyst belongs to VN-BGC, not VN-QN" in err
    code, out, err = invoke("alerts", "import", str(source), "--node-dir", str(vn), *WANTED, "--user", "bgc.analyst")
    assert code == 0, err
    assert "ftm: imported 1 alerts (1 active)" in out
