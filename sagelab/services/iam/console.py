"""Console sign-in checks for IAM users, throttled per user and client address: after each
failure the next attempt must wait twice as long (from 1 s, up to 5 min), so passwords
cannot be guessed quickly; a success clears the count."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sagelab.accounts import RootSecrets
from sagelab.gateway.context import Principal
from sagelab.services.iam import entities, login_profiles
from sagelab.store.metadata import MetadataStore

_FIRST_DELAY = 1.0
_MAX_DELAY = 300.0


@dataclass
class _Failures:
    count: int = 0
    retry_at: float = 0.0


class Throttle:
    def __init__(self) -> None:
        self._failures: dict[tuple[str, str], _Failures] = {}
        self._lock = threading.Lock()

    def allowed(self, who: str, address: str) -> bool:
        with self._lock:
            state = self._failures.get((who, address))
            return state is None or time.monotonic() >= state.retry_at

    def failed(self, who: str, address: str) -> None:
        with self._lock:
            state = self._failures.setdefault((who, address), _Failures())
            state.count += 1
            delay = min(_FIRST_DELAY * 2 ** (state.count - 1), _MAX_DELAY)
            state.retry_at = time.monotonic() + delay

    def succeeded(self, who: str, address: str) -> None:
        with self._lock:
            self._failures.pop((who, address), None)


throttle = Throttle()


def check_console_password(
    meta: MetadataStore, account_id: str, user_name: str, password: str, address: str = ""
) -> Principal | None:
    """The user's principal when the password is right; None when wrong, unknown or
    throttled (a throttled attempt is not even checked)."""
    who = f"{account_id}/{user_name.lower()}"
    if not throttle.allowed(who, address):
        return None
    with meta.connect() as conn:
        row = entities.find(conn, "user", account_id, user_name)
        key = row.name_key if row is not None else user_name.lower()
        ok = login_profiles.matches(conn, account_id, key, password) and row is not None
    if not ok or row is None:
        throttle.failed(who, address)
        return None
    throttle.succeeded(who, address)
    return Principal("user", account_id, row.arn, row.user_id, row.user_name)


def check_root_password(root: RootSecrets, password: str, address: str = "") -> bool:
    """Root's sign-in, throttled like a user's."""
    who = f"{root.account_id}/<root>"
    if not throttle.allowed(who, address):
        return False
    if root.check_password(password):
        throttle.succeeded(who, address)
        return True
    throttle.failed(who, address)
    return False
