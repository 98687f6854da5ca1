"""Node settings: validation, defaults per party, and environment overrides."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from borderlink.config import CONFIG_FILE, SECRET_FILE, load_settings, write_node_config
from borderlink.errors import InvalidInput


def test_party_defaults_give_each_side_its_zone_and_language(tmp_path: Path) -> None:
    vn = write_node_config(tmp_path / "vn", "VN", {})
    cn = write_node_config(tmp_path / "cn", "CN", {})
    assert (vn.timezone, vn.default_language) == ("Asia/Ho_Chi_Minh", "vi")
    assert (cn.timezone, cn.default_language) == ("Asia/Shanghai", "zh_Hans")
    assert vn.effective_database_url == f"sqlite:///{tmp_path.resolve() / 'vn' / 'borderlink.db'}"


def test_a_node_directory_keeps_its_secret_owner_only(tmp_path: Path) -> None:
    settings = write_node_config(tmp_path / "vn", "VN", {})
    secret = settings.node_dir / SECRET_FILE
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert stat.S_IMODE(settings.node_dir.stat().st_mode) == 0o700
    assert len(settings.secret_key) == 32


def test_unknown_time_zone_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="Mars/Olympus"):
        write_node_config(tmp_path / "vn", "VN", {"timezone": "Mars/Olympus"})
    assert not (tmp_path / "vn" / CONFIG_FILE).exists()


def test_unknown_party_and_language_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="VN or CN"):
        write_node_config(tmp_path / "xx", "XX", {})
    with pytest.raises(InvalidInput, match="default_language"):
        write_node_config(tmp_path / "vn", "VN", {"default_language": "fr"})


def test_out_of_range_port_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="listen_port"):
        write_node_config(tmp_path / "vn", "VN", {"listen_port": 70000})


def test_existing_node_directory_is_never_overwritten(tmp_path: Path) -> None:
    first = write_node_config(tmp_path / "vn", "VN", {})
    secret = first.secret_key
    with pytest.raises(InvalidInput, match="already a node directory"):
        write_node_config(tmp_path / "vn", "CN", {})
    assert load_settings(tmp_path / "vn").party == "VN"
    assert load_settings(tmp_path / "vn").secret_key == secret


def test_loading_a_non_node_directory_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="borderlink init"):
        load_settings(tmp_path)


def test_a_broken_config_file_is_reported_with_its_path(tmp_path: Path) -> None:
    settings = write_node_config(tmp_path / "vn", "VN", {})
    config = settings.node_dir / CONFIG_FILE
    text = config.read_text()
    config.write_text(text.replace('timezone = "Asia/Ho_Chi_Minh"', 'timezone = "Nowhere/Nope"'))
    with pytest.raises(InvalidInput, match="timezone"):
        load_settings(settings.node_dir)
    config.write_text("this is = = not toml")
    with pytest.raises(InvalidInput, match=str(CONFIG_FILE)):
        load_settings(settings.node_dir)


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_node_config(
        tmp_path / "vn",
        "VN",
        {
            "database_url": "sqlite:///from-file.db",
            "listen_port": 8701,
        },
    )
    monkeypatch.setenv("BORDERLINK_DATABASE_URL", "postgresql://db.example/borderlink")
    monkeypatch.setenv("BORDERLINK_LISTEN_PORT", "9123")
    settings = load_settings(tmp_path / "vn")
    assert settings.effective_database_url == "postgresql://db.example/borderlink"
    assert settings.listen_port == 9123
    monkeypatch.delenv("BORDERLINK_DATABASE_URL")
    assert load_settings(tmp_path / "vn").effective_database_url == "sqlite:///from-file.db"


def test_bad_value_in_the_environment_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_node_config(tmp_path / "vn", "VN", {})
    monkeypatch.setenv("BORDERLINK_TIMEZONE", "Atlantis/Capital")
    with pytest.raises(InvalidInput, match="Atlantis/Capital"):
        load_settings(tmp_path / "vn")
