"""Access keys the gateway authenticates besides the root's: IAM users' keys and temporary
(role session) credentials.

A user's key is cached for a moment (a store read per request was a measurable part of a
call): the entry is tagged with IAM's change generation, and every change to keys or users
goes through `changes.write`, so a key deactivated or deleted stops working at once. The TTL
bounds what a writer outside IAM's API (a reset of the whole store) could leave behind.
Session credentials are read from the store every time: the console's sign-out deletes them
outside IAM's change count."""

from __future__ import annotations

import threading
import time

from sagelab.gateway.sigv4 import Credential
from sagelab.services.iam import access_keys, changes, keyring, sessions
from sagelab.store.metadata import MetadataStore

_TTL_S = 2.0
_MAX_CACHED = 4096

_lock = threading.Lock()
# access key id -> (IAM generation when read, monotonic expiry, credential)
_keys: dict[str, tuple[int, float, Credential]] = {}


def lookup_credential(meta: MetadataStore, access_key_id: str) -> Credential | None:
    if access_key_id.startswith("ASIA"):
        with meta.connect() as conn:
            return sessions.lookup(conn, keyring.of(meta), access_key_id)
    return _user_key(meta, access_key_id)


def _user_key(meta: MetadataStore, access_key_id: str) -> Credential | None:
    generation = changes.generation()  # read first: an entry is never newer than its tag
    now = time.monotonic()
    with _lock:
        hit = _keys.get(access_key_id)
    if hit is not None and hit[0] == generation and hit[1] > now:
        return hit[2]
    with meta.connect() as conn:
        cred = access_keys.lookup(conn, keyring.of(meta), access_key_id)
    with _lock:
        if cred is None:  # unknown keys are not remembered: one may be created next
            _keys.pop(access_key_id, None)
            return None
        if len(_keys) >= _MAX_CACHED:
            _keys.clear()
        _keys[access_key_id] = (generation, now + _TTL_S, cred)
    return cred
