"""Shared pieces of the billing tests: the server's own store (what the console reads), and
today's Cost Explorer period."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sagelab.billing import BillingSettings, billing_settings, set_billing_settings
from sagelab.store.metadata import MetadataStore
from sagelab.testing import SagelabServer


def store_of(server: SagelabServer) -> MetadataStore:
    return MetadataStore.open(f"sqlite:///{server.data_dir / 'meta.db'}")


def today() -> date:
    return datetime.now(UTC).date()


def tomorrow() -> date:
    return today() + timedelta(days=1)


def today_period() -> dict[str, str]:
    return {"Start": today().isoformat(), "End": tomorrow().isoformat()}


def change_settings(server: SagelabServer, **changes: object) -> None:
    meta = store_of(server)
    try:
        current = billing_settings(meta, server.account_id)
        set_billing_settings(
            meta, server.account_id, BillingSettings(**{**current.__dict__, **changes})
        )
    finally:
        meta.close()


def wait_for(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")
