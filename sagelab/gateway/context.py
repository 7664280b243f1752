"""What every step of the pipeline knows about the request being served."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

PrincipalKind = Literal["root", "user", "assumed-role", "anonymous"]


@dataclass(frozen=True)
class Principal:
    """Who signed the request. `arn` is what GetCallerIdentity returns."""

    kind: PrincipalKind
    account_id: str
    arn: str
    user_id: str
    name: str
    access_key_id: str = ""
    session_policy: str | None = None

    @property
    def is_root(self) -> bool:
        return self.kind == "root"


@dataclass
class RequestContext:
    request_id: str
    service: str = ""
    operation: str = ""
    region: str = "us-east-1"
    account_id: str = ""
    principal: Principal | None = None
    source_ip: str = "127.0.0.1"
    secure_transport: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
