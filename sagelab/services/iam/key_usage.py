"""When each access key was last used, as GetAccessKeyLastUsed and the credential report tell
it. Every authorized request signed with a user's key counts, but the table is written at most
once a minute per key (and at once when the key turns to another service or region), so a busy
client costs no write per request; AWS's own record lags by far more."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy import update

from sagelab.store.metadata import MetadataStore
from sagelab.store.tables import iam_access_keys

WRITE_EVERY_S = 60.0


@dataclass(frozen=True)
class _Written:
    service: str
    region: str
    at: float


class KeyUsage:
    """The last use of each key, as last written; one per server (the table is the truth)."""

    def __init__(self, meta: MetadataStore, every_s: float = WRITE_EVERY_S) -> None:
        self._meta = meta
        self._every_s = every_s
        self._lock = threading.Lock()
        self._written: dict[str, _Written] = {}

    def record(self, access_key_id: str, service: str, region: str) -> None:
        """Note a use of the key by a request to `service` (its signing name) in `region`."""
        now = time.time()
        with self._lock:
            last = self._written.get(access_key_id)
            if last is not None and not self._stale(last, service, region, now):
                return
            # Claimed under the lock: of concurrent requests, only one writes.
            self._written[access_key_id] = _Written(service, region, now)
        with self._meta.begin() as conn:
            conn.execute(
                update(iam_access_keys)
                .where(iam_access_keys.c.access_key_id == access_key_id)
                .values(last_used_at=now, last_used_service=service, last_used_region=region)
            )

    def _stale(self, last: _Written, service: str, region: str, now: float) -> bool:
        return (last.service, last.region) != (service, region) or now - last.at >= self._every_s
