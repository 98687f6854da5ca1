"""`borderlink mrz parse` through the real command: zones in, one JSON line per zone out, in order."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from borderlink.cli.main import app

TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
TD1 = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
MRVB = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nL8988901C4XXX4009078F9612109<<<<<<<<"
BAD_CHECK = TD3.replace("L898902C36", "L898902C37")
FIELDS = [
    "format", "valid", "document_code", "issuing_state", "surname", "given_names", "document_number",
    "nationality", "birth_date", "expiry_date", "sex", "optional_data", "checks", "errors",
]


def _lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines()]


def test_several_zones_with_bad_ones_each_get_their_line_in_order(tmp_path: Path) -> None:
    source = tmp_path / "zones.txt"
    short = TD3.split("\n")[0] + "\n" + TD3.split("\n")[1][:40]
    source.write_text("\n\n".join([TD3, BAD_CHECK, "hello world", TD1, short, MRVB]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["mrz", "parse", str(source), "--today", "2026-12-01"])
    assert result.exit_code == 0, result.output
    rows = _lines(result.stdout)
    assert [list(row) for row in rows] == [FIELDS] * 6
    assert [row["format"] for row in rows] == ["TD3", "TD3", None, "TD1", "TD3", "MRVB"]
    assert [row["valid"] for row in rows] == [True, False, False, True, False, True]
    assert rows[0]["surname"] == "ERIKSSON"
    assert rows[0]["given_names"] == "ANNA MARIA"
    assert rows[0]["birth_date"] == "1974-08-12"
    assert rows[0]["expiry_date"] == "2012-04-15"
    assert rows[1]["checks"] == {"document_number": False, "birth_date": True, "expiry_date": True,
                                 "optional_data": True, "composite": False}
    assert rows[1]["errors"] == ["document_number: check digit is 7, computed 6",
                                 "composite: check digit is 0, computed 7"]
    assert rows[4]["errors"] == ["line 2: 40 characters, TD3 has 44"]
    assert rows[5]["nationality"] == "XXX"
    assert "composite" not in rows[5]["checks"]


def test_today_option_fixes_the_century(tmp_path: Path) -> None:
    source = tmp_path / "zone.txt"
    source.write_text(TD3, encoding="utf-8")
    early = CliRunner().invoke(app, ["mrz", "parse", str(source), "--today", "2000-01-01"])
    assert _lines(early.stdout)[0]["birth_date"] == "1974-08-12"
    assert _lines(early.stdout)[0]["expiry_date"] == "2012-04-15"
    before_birth = CliRunner().invoke(app, ["mrz", "parse", str(source), "--today", "1974-08-11"])
    assert _lines(before_birth.stdout)[0]["birth_date"] == "1874-08-12"
    refused = CliRunner().invoke(app, ["mrz", "parse", str(source), "--today", "yesterday"])
    assert refused.exit_code == 2
    assert "--today" in refused.stderr


def test_missing_file_is_one_line_on_stderr(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["mrz", "parse", str(tmp_path / "none.txt")])
    assert result.exit_code == 2
    assert "not a file" in result.stderr


def test_stdin_as_a_keyboard_wedge_reader_types_it() -> None:
    typed = (" p<utoeriksson<<anna<maria<<<<<<<<<<<<<<<<<<<\r\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\r\n"
             "\r\n\r\n" + TD1.replace("\n", "\r\n") + "\r\n").encode() + b"\n\n\xff\xfe garbage\n"
    completed = subprocess.run(
        [sys.executable, "-m", "borderlink", "mrz", "parse", "-", "--today", "2026-12-01"],
        input=typed, capture_output=True, check=False, timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    rows = _lines(completed.stdout.decode())
    assert [(row["format"], row["valid"]) for row in rows] == [("TD3", True), ("TD1", True), (None, False)]
    assert rows[0]["document_number"] == "L898902C3"
