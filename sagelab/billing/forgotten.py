"""Forgotten resources: notebook instances and endpoints running, and billed, with no use for
longer than the account's `forgotten_after_s`. The console flags them on every page."""

from __future__ import annotations

import time

from sagelab.billing import idle
from sagelab.billing.idle import Idle
from sagelab.billing.settings import billing_settings
from sagelab.store.metadata import MetadataStore


def idle_resources(meta: MetadataStore, account_id: str) -> list[Idle]:
    with meta.connect() as conn:
        return [*idle.notebooks(conn, account_id), *idle.endpoints(conn, account_id)]


def forgotten(meta: MetadataStore, account_id: str, now: float | None = None) -> list[Idle]:
    at = time.time() if now is None else now
    limit = billing_settings(meta, account_id).forgotten_after_s
    return [r for r in idle_resources(meta, account_id) if r.idle_for(at) >= limit]
