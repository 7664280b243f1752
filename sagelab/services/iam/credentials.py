"""Access keys the gateway authenticates besides the root's: IAM users' keys and temporary
(role session) credentials. Read from the store on every request, so a key deactivated or
deleted stops working at once."""

from __future__ import annotations

from sagelab.gateway.sigv4 import Credential
from sagelab.services.iam import access_keys, keyring, sessions
from sagelab.store.metadata import MetadataStore


def lookup_credential(meta: MetadataStore, access_key_id: str) -> Credential | None:
    ring = keyring.of(meta)
    with meta.connect() as conn:
        if access_key_id.startswith("ASIA"):
            return sessions.lookup(conn, ring, access_key_id)
        return access_keys.lookup(conn, ring, access_key_id)
