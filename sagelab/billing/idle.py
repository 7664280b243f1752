"""How long each running notebook instance and endpoint has gone unused.

Use is proxied JupyterLab traffic for a notebook instance (`billing_activity`) and
invocations for an endpoint (its `Invocations` metric); a resource nobody has used is idle
since it came InService."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from sagelab.services.runtime.meter import NAMESPACE
from sagelab.store.tables import (
    billing_activity,
    cw_datapoints,
    cw_metrics,
    notebook_usage,
    sm_resources,
)

NOTEBOOK_KIND, ENDPOINT_KIND = "notebook-instance", "endpoint"


@dataclass(frozen=True)
class Idle:
    kind: str  # notebook-instance | endpoint
    region: str
    name: str
    arn: str
    since: float  # last use, or when it came InService

    def idle_for(self, now: float) -> float:
        return max(0.0, now - self.since)


def _in_service(
    conn: Connection, account: str, kind: str
) -> list[tuple[str, str, str, str, float]]:
    query = select(
        sm_resources.c.region,
        sm_resources.c.name,
        sm_resources.c.name_key,
        sm_resources.c.arn,
        sm_resources.c.modified_at,
    ).where(
        sm_resources.c.kind == kind,
        sm_resources.c.account_id == account,
        sm_resources.c.status == "InService",
    )
    return [(r[0], r[1], r[2], r[3], float(r[4])) for r in conn.execute(query)]


def notebooks(conn: Connection, account: str) -> list[Idle]:
    used = {
        (r.region, r.name_key): r.last_used_at
        for r in conn.execute(
            select(billing_activity).where(
                billing_activity.c.account_id == account, billing_activity.c.kind == NOTEBOOK_KIND
            )
        )
    }
    serving = {
        (r.region, r.name_key): r.started_at
        for r in conn.execute(
            select(notebook_usage).where(
                notebook_usage.c.account_id == account, notebook_usage.c.ended_at.is_(None)
            )
        )
    }
    found = []
    for region, name, key, arn, modified in _in_service(conn, account, NOTEBOOK_KIND):
        since = max(used.get((region, key), 0.0), serving.get((region, key), modified))
        found.append(Idle(NOTEBOOK_KIND, region, name, arn, since))
    return found


def _last_invocations(conn: Connection, account: str) -> dict[tuple[str, str], float]:
    query = (
        select(cw_metrics.c.region, cw_metrics.c.dimensions, func.max(cw_datapoints.c.timestamp))
        .join(cw_datapoints, cw_datapoints.c.metric_id == cw_metrics.c.id)
        .where(
            cw_metrics.c.account_id == account,
            cw_metrics.c.namespace == NAMESPACE,
            cw_metrics.c.metric_name == "Invocations",
        )
        .group_by(cw_metrics.c.id, cw_metrics.c.region, cw_metrics.c.dimensions)
    )
    last: dict[tuple[str, str], float] = {}
    for region, dims, at in conn.execute(query):
        names = [d["Value"] for d in dims if d["Name"] == "EndpointName"]
        for name in names:
            key = (region, name.lower())
            last[key] = max(last.get(key, 0.0), float(at) + 1.0)  # the end of its second
    return last


def endpoints(conn: Connection, account: str) -> list[Idle]:
    invoked = _last_invocations(conn, account)
    return [
        Idle(ENDPOINT_KIND, region, name, arn, max(modified, invoked.get((region, key), 0.0)))
        for region, name, key, arn, modified in _in_service(conn, account, ENDPOINT_KIND)
    ]
