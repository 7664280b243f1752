"""Billing's account settings, kept under "billing" in `accounts.settings`: root's "IAM user
access to billing" switch (off by default, as on AWS), when a running resource counts as
forgotten, and the idle auto-stop rules (off by default)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlalchemy import select, update

from sagelab.store.metadata import MetadataStore
from sagelab.store.tables import accounts

KEY = "billing"


@dataclass(frozen=True)
class BillingSettings:
    iam_user_access: bool = False
    forgotten_after_s: float = 3600.0
    stop_idle_notebooks_after_s: float | None = None  # None: never
    delete_idle_endpoints_after_s: float | None = None  # None: never

    def __post_init__(self) -> None:
        for value in (
            self.forgotten_after_s,
            self.stop_idle_notebooks_after_s,
            self.delete_idle_endpoints_after_s,
        ):
            if value is not None and value <= 0:
                raise ValueError("idle times must be positive numbers of seconds")

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> BillingSettings:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in doc.items() if k in known})


def billing_settings(meta: MetadataStore, account_id: str) -> BillingSettings:
    with meta.connect() as conn:
        found = conn.execute(
            select(accounts.c.settings).where(accounts.c.account_id == account_id)
        ).scalar_one()
    return BillingSettings.from_json(dict(found or {}).get(KEY) or {})


def set_billing_settings(meta: MetadataStore, account_id: str, settings: BillingSettings) -> None:
    with meta.begin() as conn:
        where = accounts.c.account_id == account_id
        current = dict(conn.execute(select(accounts.c.settings).where(where)).scalar_one() or {})
        current[KEY] = asdict(settings)
        conn.execute(update(accounts).where(where).values(settings=current))
