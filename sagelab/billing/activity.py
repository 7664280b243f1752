"""When each notebook instance was last used through the proxy. The proxy only touches a
dict in memory; the meter flushes it to `billing_activity` on its own beat."""

from __future__ import annotations

import threading
import time

from sqlalchemy import Connection, delete, insert, select

from sagelab.store.tables import billing_activity, sm_resources

NOTEBOOK_KIND = "notebook-instance"


class Activity:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, float] = {}  # lower-cased instance name → last request

    def touch(self, name: str) -> None:
        with self._lock:
            self._seen[name.lower()] = time.time()

    def flush(self, conn: Connection) -> None:
        with self._lock:
            seen, self._seen = self._seen, {}
        for name_key, at in seen.items():
            _record(conn, name_key, at)


def _record(conn: Connection, name_key: str, at: float) -> None:
    """The proxy's path names the instance only; every account's instance of that name."""
    owners = conn.execute(
        select(sm_resources.c.account_id, sm_resources.c.region).where(
            sm_resources.c.kind == NOTEBOOK_KIND, sm_resources.c.name_key == name_key
        )
    ).all()
    for account, region in owners:
        key = (
            billing_activity.c.account_id == account,
            billing_activity.c.region == region,
            billing_activity.c.kind == NOTEBOOK_KIND,
            billing_activity.c.name_key == name_key,
        )
        conn.execute(delete(billing_activity).where(*key))
        conn.execute(
            insert(billing_activity).values(
                account_id=account,
                region=region,
                kind=NOTEBOOK_KIND,
                name_key=name_key,
                last_used_at=at,
            )
        )
