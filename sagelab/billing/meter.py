"""The meter: a reconciler step that, at most once a `period`, accrues the hosting instance
seconds elapsed since its last pass, S3 storage (sampled every `storage_period`), the S3
requests the gateway counted, and notebook activity; then applies idle auto-stop.

Elapsed time is measured from this process's previous pass: while sagelab is down nothing
runs, so nothing is billed."""

from __future__ import annotations

import time
from typing import Any

from botocore.model import OperationModel
from sqlalchemy import Connection

from sagelab.billing import accrual, days, sampling
from sagelab.billing.activity import Activity
from sagelab.billing.autostop import AutoStop
from sagelab.billing.requests import RequestCounter
from sagelab.billing.usage_types import HOSTING, STORAGE, UsageType
from sagelab.gateway.context import RequestContext
from sagelab.store.metadata import MetadataStore

HOUR, GIB = 3600.0, float(1 << 30)


class UsageMeter:
    def __init__(
        self,
        meta: MetadataStore,
        sagemaker: Any,
        period: float = 1.0,
        storage_period: float = 10.0,
    ) -> None:
        self.meta = meta
        self.period, self.storage_period = period, storage_period
        self.requests = RequestCounter()
        self.activity = Activity()
        self.autostop = AutoStop(meta, sagemaker)
        self._hosting_at: float | None = None
        self._storage_at: float | None = None
        self._endpoints: dict[str, list[sampling.Running]] = {}

    def observe(self, ctx: RequestContext, op: OperationModel, params: dict[str, Any]) -> None:
        self.requests.observe(ctx, op, params)

    def __call__(self) -> None:
        now = time.time()
        if self._hosting_at is not None and now - self._hosting_at < self.period:
            return
        with self.meta.begin() as conn:
            self.requests.flush(conn)
            self.activity.flush(conn)
            self._accrue_hosting(conn, now)
            if self._storage_at is None or now - self._storage_at >= self.storage_period:
                self._accrue_storage(conn, now)
        self.autostop(now)

    def _accrue_hosting(self, conn: Connection, now: float) -> None:
        since, self._hosting_at = self._hosting_at, now
        running = sampling.hosting(conn, self._endpoints)
        if since is None:
            return
        for r in running:
            usage_type = UsageType(HOSTING, r.instance_type).name(r.region)
            for day, seconds in days.split(since, now):
                hours = seconds * r.count / HOUR
                accrual.add(conn, (r.account, r.region), day, usage_type, r.resource, hours)

    def _accrue_storage(self, conn: Connection, now: float) -> None:
        since, self._storage_at = self._storage_at, now
        if since is None:
            return
        for account, region, bucket, size in sampling.bucket_bytes(conn):
            usage_type = UsageType(STORAGE).name(region)
            for day, seconds in days.split(since, now):
                gb_months = size / GIB * seconds / days.month_seconds(day)
                accrual.add(conn, (account, region), day, usage_type, bucket, gb_months)
