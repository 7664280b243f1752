"""What the meter samples: the instances of endpoints that are InService or Updating (by
type, from the endpoint's config), and the bytes stored in each bucket."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from sagelab.store.tables import buckets, objects, sm_resources

ENDPOINT_KIND, CONFIG_KIND = "endpoint", "endpoint-config"
BILLED_ENDPOINT_STATUSES = ("InService", "Updating")


@dataclass(frozen=True)
class Running:
    """Instances of one type that one resource runs now."""

    account: str
    region: str
    resource: str  # ARN or bucket name
    instance_type: str
    count: int


def _config_variants(conn: Connection, account: str, region: str, name: str) -> list[Any]:
    doc = conn.execute(
        select(sm_resources.c.doc).where(
            sm_resources.c.kind == CONFIG_KIND,
            sm_resources.c.account_id == account,
            sm_resources.c.region == region,
            sm_resources.c.name_key == name.lower(),
        )
    ).scalar_one_or_none()
    return list((doc or {}).get("ProductionVariants") or [])


def hosting(conn: Connection, known: dict[str, list[Running]]) -> list[Running]:
    """Every billed endpoint's instances. `known` remembers each endpoint's instances, so one
    whose config was deleted while it serves (AWS allows it) is still billed."""
    rows = conn.execute(
        select(sm_resources).where(
            sm_resources.c.kind == ENDPOINT_KIND,
            sm_resources.c.status.in_(BILLED_ENDPOINT_STATUSES),
        )
    ).all()
    running: list[Running] = []
    for r in rows:
        variants = _config_variants(conn, r.account_id, r.region, r.doc["EndpointConfigName"])
        if variants:
            known[r.arn] = [
                Running(
                    r.account_id,
                    r.region,
                    r.arn,
                    v["InstanceType"],
                    int(v.get("InitialInstanceCount") or 1),
                )
                for v in variants
                if v.get("InstanceType")
            ]
        running.extend(known.get(r.arn, []))
    return running


def bucket_bytes(conn: Connection) -> list[tuple[str, str, str, int]]:
    """(account, region, bucket, bytes stored), every version counted, as S3 bills them."""
    query = (
        select(buckets.c.account_id, buckets.c.region, buckets.c.name, func.sum(objects.c.size))
        .join(objects, objects.c.bucket == buckets.c.name)
        .group_by(buckets.c.account_id, buckets.c.region, buckets.c.name)
    )
    return [(a, r, b, int(n or 0)) for a, r, b, n in conn.execute(query)]
