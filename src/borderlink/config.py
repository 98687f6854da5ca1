"""Node settings: read from the node directory's `node.toml`, overridable by environment.

Settings are loaded when a command or app starts, never at import time, so one process can hold
several nodes (tests do).
"""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from borderlink.clock import known_zone
from borderlink.errors import InvalidInput

CONFIG_FILE = "node.toml"
SECRET_FILE = "secret.key"  # noqa: S105 - a file name, not a secret
PID_FILE = "node.pid"
Party = Literal["VN", "CN"]
Language = Literal["vi", "zh_Hans", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "zh_Hans", "en")

PARTY_DEFAULTS: dict[str, dict[str, Any]] = {
    "VN": {
        "timezone": "Asia/Ho_Chi_Minh",
        "default_language": "vi",
        "name_vi": "Nút quốc gia Việt Nam",
        "name_zh": "越南国家节点",
        "name_en": "Viet Nam national node",
    },
    "CN": {
        "timezone": "Asia/Shanghai",
        "default_language": "zh_Hans",
        "name_vi": "Nút quốc gia Trung Quốc",
        "name_zh": "中国国家节点",
        "name_en": "China national node",
    },
}


class NodeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BORDERLINK_", extra="ignore")

    node_dir: Path
    party: Party
    name_vi: str
    name_zh: str
    name_en: str
    database_url: str = ""
    listen_host: str = "127.0.0.1"
    listen_port: int = Field(default=8701, ge=1, le=65535)
    federation_host: str = "127.0.0.1"
    federation_port: int = Field(default=8711, ge=1, le=65535)
    public_federation_url: str = ""
    timezone: str = "UTC"
    default_language: Language = "en"
    secure_cookies: bool = False  # secure cookies and HSTS even when a request does not say HTTPS
    # Addresses of the TLS reverse proxies whose X-Forwarded-Proto/-For the node believes.
    trusted_proxies: list[str] = Field(default_factory=list)
    max_failed_logins: int = 5
    lockout_minutes: int = 15
    session_hours: int = 12
    hotline_escalation_interval_seconds: float = Field(default=5.0, gt=0)
    commitments_due_interval_seconds: float = Field(default=300.0, gt=0)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return known_zone(value)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment beats the file, so an operator can point a node at PostgreSQL without
        # editing its directory.
        return (env_settings, init_settings)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.node_dir / 'borderlink.db'}"

    @property
    def federation_url(self) -> str:
        if self.public_federation_url:
            return self.public_federation_url
        return f"https://{self.federation_host}:{self.federation_port}"

    @property
    def secret_key(self) -> bytes:
        return (self.node_dir / SECRET_FILE).read_bytes()

    @property
    def pid_file(self) -> Path:
        return self.node_dir / PID_FILE


def load_settings(node_dir: Path) -> NodeSettings:
    node_dir = node_dir.resolve()
    config_path = node_dir / CONFIG_FILE
    if not config_path.is_file():
        raise InvalidInput(f"{node_dir} is not a node directory (no {CONFIG_FILE}); run 'borderlink init'")
    try:
        values = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{config_path}: {exc}") from exc
    values["node_dir"] = node_dir
    try:
        return NodeSettings(**values)
    except ValueError as exc:
        raise InvalidInput(f"{config_path}: {_first_error(exc)}") from exc


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        return f"{where}: {first.get('msg')}"
    return str(exc)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def write_node_config(node_dir: Path, party: str, overrides: dict[str, Any]) -> NodeSettings:
    """Create a node directory: its config file and its secret. Refuses to overwrite."""
    if party not in PARTY_DEFAULTS:
        raise InvalidInput(f"party must be VN or CN, not {party!r}")
    node_dir = node_dir.resolve()
    config_path = node_dir / CONFIG_FILE
    if config_path.exists():
        raise InvalidInput(f"{node_dir} is already a node directory")
    values: dict[str, Any] = {"party": party, **PARTY_DEFAULTS[party]}
    values.update({key: value for key, value in overrides.items() if value is not None})
    try:
        NodeSettings(node_dir=node_dir, **values)
    except ValueError as exc:
        raise InvalidInput(_first_error(exc)) from exc
    node_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(node_dir, 0o700)
    lines = [f"{key} = {_toml_value(value)}" for key, value in values.items()]
    config_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    secret_path = node_dir / SECRET_FILE
    fd = os.open(secret_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(secrets.token_bytes(32))
    return load_settings(node_dir)
