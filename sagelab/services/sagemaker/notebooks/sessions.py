"""Presigned notebook URLs: a one-time `authToken` (valid for 5 minutes, as on SageMaker) that
opens a browser session (a cookie) for `SessionExpirationDurationInSeconds`. Only the sha256
of each secret is stored."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import Connection, delete, insert, select

from sagelab.services.sagemaker.notebooks.metering import Key
from sagelab.store.tables import notebook_sessions

URL_TOKEN_SECONDS = 300
URL, COOKIE = "url", "cookie"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _issue(conn: Connection, key: Key, kind: str, until: float) -> str:
    secret = secrets.token_urlsafe(32)
    conn.execute(
        insert(notebook_sessions).values(
            token_hash=_hash(secret),
            kind=kind,
            account_id=key[0],
            region=key[1],
            name_key=key[2],
            expires_at=until,
        )
    )
    return secret


def issue_url_token(conn: Connection, key: Key, session_seconds: int, now: float) -> str:
    # The session length travels with the token: the expiry of the session it will open.
    conn.execute(delete(notebook_sessions).where(notebook_sessions.c.expires_at < now))
    token = _issue(conn, key, URL, now + URL_TOKEN_SECONDS)
    return f"{token}.{session_seconds}"


def _take(conn: Connection, secret: str, kind: str, name: str, now: float) -> Key | None:
    row = conn.execute(
        select(notebook_sessions).where(notebook_sessions.c.token_hash == _hash(secret))
    ).first()
    if row is None or row.kind != kind or row.name_key != name.lower() or row.expires_at < now:
        return None
    return (row.account_id, row.region, row.name_key)


def redeem(conn: Connection, url_token: str, name: str, now: float) -> str | None:
    """Spend a URL token on instance `name`: the session cookie's secret, or None."""
    secret, _, seconds = url_token.rpartition(".")
    if not seconds.isdigit():
        return None
    key = _take(conn, secret, URL, name, now)
    if key is None:
        return None
    conn.execute(delete(notebook_sessions).where(notebook_sessions.c.token_hash == _hash(secret)))
    return _issue(conn, key, COOKIE, now + int(seconds))


def session(conn: Connection, cookie: str, name: str, now: float) -> Key | None:
    """The instance a live browser session opens, when it is `name`."""
    return _take(conn, cookie, COOKIE, name, now)


def forget(conn: Connection, key: Key) -> None:
    conn.execute(
        delete(notebook_sessions).where(
            notebook_sessions.c.account_id == key[0],
            notebook_sessions.c.region == key[1],
            notebook_sessions.c.name_key == key[2],
        )
    )
