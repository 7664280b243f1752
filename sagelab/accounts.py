"""The account this server hosts and its root credentials.

A new data dir gets a stable 12-digit account id and root keys (given by the user or
generated), kept in `secrets/root.json` with mode 0600. The file outlives `reset`, so a
user's test suite keeps its keys across resets.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import string
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import insert, select

from sagelab.config import Settings
from sagelab.gateway.context import Principal
from sagelab.store import tables
from sagelab.store.metadata import MetadataStore

_KEY_ALPHABET = string.ascii_uppercase + string.digits
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


@dataclass
class RootSecrets:
    account_id: str
    access_key_id: str
    secret_access_key: str
    password_salt: str = ""
    password_hash: str = ""
    generated: bool = False  # keys were generated here: print them once at first start
    generated_password: str = ""  # likewise the console password, never stored in clear

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            return False
        return hmac.compare_digest(_hash_password(password, self.password_salt), self.password_hash)

    @property
    def principal(self) -> Principal:
        return Principal(
            kind="root",
            account_id=self.account_id,
            arn=f"arn:aws:iam::{self.account_id}:root",
            user_id=self.account_id,
            name="root",
            access_key_id=self.access_key_id,
        )


def _hash_password(password: str, salt: str) -> str:
    digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=2**14, r=8, p=1)
    return digest.hex()


def _random(alphabet: str, n: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load_root_secrets(settings: Settings) -> RootSecrets:
    """Read `secrets/root.json`, creating it on a new data dir; SAGELAB_ROOT_* settings win."""
    path = settings.secrets_dir / "root.json"
    existing = json.loads(path.read_text()) if path.exists() else None
    root = RootSecrets(**existing) if existing else _new_root(settings)
    root.generated = existing is None and not settings.root_access_key_id
    changed = existing is None
    if settings.root_access_key_id and settings.root_access_key_id != root.access_key_id:
        root.access_key_id, changed = settings.root_access_key_id, True
    if (
        settings.root_secret_access_key
        and settings.root_secret_access_key != root.secret_access_key
    ):
        root.secret_access_key, changed = settings.root_secret_access_key, True
    password = settings.root_password
    if not password and not root.password_hash:
        # Without one the console's root sign-in could never be used.
        password = root.generated_password = _random(_SECRET_ALPHABET[:62], 20)
    if password and not root.check_password(password):
        root.password_salt = secrets.token_hex(16)
        root.password_hash = _hash_password(password, root.password_salt)
        changed = True
    if changed:
        stored = asdict(root)
        stored.pop("generated")
        stored.pop("generated_password")
        _write_private(path, json.dumps(stored, indent=2))
    return root


def _new_root(settings: Settings) -> RootSecrets:
    account_id = settings.account_id or str(secrets.randbelow(9 * 10**11) + 10**11)
    if not (len(account_id) == 12 and account_id.isdigit()):
        raise SystemExit(f"sagelab: the account id must be 12 digits, not {account_id!r}")
    return RootSecrets(
        account_id=account_id,
        access_key_id=settings.root_access_key_id or "AKIA" + _random(_KEY_ALPHABET, 16),
        secret_access_key=settings.root_secret_access_key or _random(_SECRET_ALPHABET, 40),
    )


def ensure_account(meta: MetadataStore, account_id: str) -> None:
    with meta.begin() as conn:
        found = conn.execute(
            select(tables.accounts.c.account_id).where(tables.accounts.c.account_id == account_id)
        ).first()
        if found is None:
            conn.execute(
                insert(tables.accounts).values(
                    account_id=account_id, created_at=time.time(), settings={}
                )
            )
