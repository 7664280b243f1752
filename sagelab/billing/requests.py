"""S3 requests as AWS counts them for billing: PUT, COPY, POST and LIST requests are tier 1,
GET, HEAD and the rest tier 2, DELETE and abort requests free. Counted in memory by the
gateway's observer (no store write on the request path) and flushed by the meter."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import date
from typing import Any

from botocore.model import OperationModel
from sqlalchemy import Connection

from sagelab.billing import accrual, days
from sagelab.billing.usage_types import TIER1, TIER2, UsageType
from sagelab.gateway.context import RequestContext

_FREE_PREFIXES = ("Delete", "AbortMultipartUpload")


def tier(op: OperationModel) -> str | None:
    if op.name.startswith(_FREE_PREFIXES):
        return None
    if op.name.startswith("List") or op.http.get("method") in ("PUT", "POST"):
        return TIER1
    return TIER2


class RequestCounter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        # (account, region, bucket, tier, day)
        self._counts: Counter[tuple[str, str, str, str, date]] = Counter()

    def observe(self, ctx: RequestContext, op: OperationModel, params: dict[str, Any]) -> None:
        """The gateway's observer: called after every successful call."""
        if ctx.service != "s3":
            return
        found = tier(op)
        if found is None:
            return
        day = days.of(time.time())
        key = (ctx.account_id, ctx.region, str(params.get("Bucket", "")), found, day)
        with self._lock:
            self._counts[key] += 1

    def flush(self, conn: Connection) -> None:
        with self._lock:
            counts, self._counts = self._counts, Counter()
        for (account, region, bucket, family, day), n in counts.items():
            usage_type = UsageType(family).name(region)
            accrual.add(conn, (account, region), day, usage_type, bucket, n)
