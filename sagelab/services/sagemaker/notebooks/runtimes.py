"""What runs for an instance on its way to or in InService (`notebook_runtimes`): the phase of
its start-up, JupyterLab's port and token, and the hash of the secret its kernels present to
the credentials endpoint. A row exists from Pending until Stopping; none is ever shown through
the API."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from sagelab.services.iam.keyring import Keyring
from sagelab.services.sagemaker.notebooks.metering import Key
from sagelab.store.tables import notebook_runtimes

ON_CREATE, ON_START, JUPYTER = "on-create", "on-start", "jupyter"


@dataclass(frozen=True)
class Runtime:
    key: Key
    phase: str
    port: int
    jupyter_token: str
    started_at: float  # of the current phase
    restarts: int


@dataclass(frozen=True)
class Secrets:
    """Handed to the instance's processes once; only hashes and ciphertext are stored."""

    jupyter_token: str
    credential: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _where(key: Key) -> tuple[Any, ...]:
    return (
        notebook_runtimes.c.account_id == key[0],
        notebook_runtimes.c.region == key[1],
        notebook_runtimes.c.name_key == key[2],
    )


def enter(
    conn: Connection, ring: Keyring, key: Key, phase: str, port: int, now: float, restarts: int = 0
) -> Secrets:
    """Start a phase with fresh secrets: each phase's process gets its own, and those of the
    previous one stop working."""
    made = Secrets(secrets.token_hex(24), secrets.token_urlsafe(32))
    conn.execute(delete(notebook_runtimes).where(*_where(key)))
    conn.execute(
        insert(notebook_runtimes).values(
            account_id=key[0],
            region=key[1],
            name_key=key[2],
            phase=phase,
            port=port,
            jupyter_token=ring.encrypt(made.jupyter_token),
            credential_hash=hash_secret(made.credential),
            started_at=now,
            restarts=restarts,
        )
    )
    return made


def find(conn: Connection, ring: Keyring, key: Key) -> Runtime | None:
    row = conn.execute(select(notebook_runtimes).where(*_where(key))).first()
    if row is None:
        return None
    token = ring.decrypt(row.jupyter_token)
    return Runtime(key, row.phase, row.port, token, row.started_at, row.restarts)


def by_credential(conn: Connection, secret: str) -> Key | None:
    row = conn.execute(
        select(notebook_runtimes).where(notebook_runtimes.c.credential_hash == hash_secret(secret))
    ).first()
    return None if row is None else (row.account_id, row.region, row.name_key)


def remove(conn: Connection, key: Key) -> None:
    conn.execute(delete(notebook_runtimes).where(*_where(key)))
