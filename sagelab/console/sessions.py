"""Console sessions. Signing in starts an STS session for the principal (as AWS's console
does), and the browser keeps it in one encrypted, authenticated cookie together with its
CSRF token: no session table, sessions survive a restart, and a cookie that was altered,
has expired, or outlived its user no longer signs anyone in.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from sqlalchemy import delete, select

from sagelab.gateway.context import Principal
from sagelab.gateway.sigv4 import Credential
from sagelab.services.iam import keyring, sessions
from sagelab.store.metadata import MetadataStore
from sagelab.store.tables import accounts, sts_sessions

COOKIE = "sagelab_console"
SESSION_SECONDS = 12 * 3600  # AWS console sessions last 12 hours


@dataclass(frozen=True)
class ConsoleSession:
    credential: Credential
    csrf_token: str
    signed_in_at: float

    @property
    def principal(self) -> Principal:
        return self.credential.principal

    def csrf_ok(self, presented: str | None) -> bool:
        return presented is not None and hmac.compare_digest(presented, self.csrf_token)


def begin(meta: MetadataStore, principal: Principal) -> str:
    """A new session for `principal`: the cookie value that carries it."""
    ring = keyring.of(meta)
    with meta.begin() as conn:
        credential = sessions.start(
            conn, ring, sessions.caller_grant(principal), SESSION_SECONDS
        )
    claims = [credential.access_key_id, secrets.token_urlsafe(24), time.time()]
    return ring.encrypt(json.dumps(claims))


def resume(meta: MetadataStore, cookie: str | None) -> ConsoleSession | None:
    if not cookie:
        return None
    ring = keyring.of(meta)
    try:
        key_id, csrf, signed_in_at = json.loads(ring.decrypt(cookie))
    except (InvalidTag, ValueError, TypeError):
        return None
    with meta.connect() as conn:
        credential = sessions.lookup(conn, ring, str(key_id))
    if credential is None or (credential.expires_at or 0) < time.time():
        return None
    return ConsoleSession(credential, str(csrf), float(signed_in_at))


def end(meta: MetadataStore, session: ConsoleSession) -> None:
    with meta.begin() as conn:
        conn.execute(
            delete(sts_sessions).where(
                sts_sessions.c.access_key_id == session.credential.access_key_id
            )
        )


def account_for(meta: MetadataStore, account_or_alias: str) -> str | None:
    """The account id a sign-in form names, by its 12 digits or its IAM alias."""
    text = account_or_alias.strip()
    with meta.connect() as conn:
        column = accounts.c.account_id if text.isdigit() else accounts.c.alias
        row = conn.execute(select(accounts.c.account_id).where(column == text)).first()
    return None if row is None else str(row.account_id)


def alias_of(meta: MetadataStore, account_id: str) -> str | None:
    with contextlib.suppress(Exception), meta.connect() as conn:
        row = conn.execute(
            select(accounts.c.alias).where(accounts.c.account_id == account_id)
        ).first()
        return None if row is None or row.alias is None else str(row.alias)
    return None
