"""Settings: command-line flags, else `SAGELAB_*` environment variables, else defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

DEFAULT_REGION = "us-east-1"


def _env(name: str) -> str | None:
    value = os.environ.get(f"SAGELAB_{name.upper()}")
    return value if value not in (None, "") else None


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 8321
    data_dir: Path = field(default_factory=lambda: Path.home() / ".sagelab")
    metadata: str = ""  # URL; default sqlite:///<data_dir>/meta.db
    blobs: str = ""  # URL; default file://<data_dir>/blobs
    runner: str = "local"
    region: str = DEFAULT_REGION
    account_id: str = ""
    root_access_key_id: str = ""
    root_secret_access_key: str = ""
    root_password: str = ""
    allow_reset: bool = False
    log_level: str = "info"

    @classmethod
    def load(cls, **flags: object) -> Settings:
        """Flags given (not None) win over SAGELAB_* variables, which win over defaults."""
        values: dict[str, object] = {}
        for f in fields(cls):
            flag = flags.get(f.name)
            raw = flag if flag is not None else _env(f.name)
            if raw is None:
                continue
            values[f.name] = _coerce(f.name, raw)
        settings = cls(**values)  # type: ignore[arg-type]
        settings.data_dir = settings.data_dir.expanduser().resolve()
        return settings

    @property
    def metadata_url(self) -> str:
        return self.metadata or f"sqlite:///{self.data_dir / 'meta.db'}"

    @property
    def blobs_url(self) -> str:
        return self.blobs or f"file://{self.data_dir / 'blobs'}"

    @property
    def secrets_dir(self) -> Path:
        return self.data_dir / "secrets"

    @property
    def endpoint_url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}"


def _coerce(name: str, raw: object) -> object:
    if name == "port":
        return int(str(raw))
    if name == "data_dir":
        return Path(str(raw))
    if name == "allow_reset":
        return raw if isinstance(raw, bool) else str(raw).lower() in ("1", "true", "yes", "on")
    return str(raw)
