"""Adding sampled or counted usage to `billing_usage`, one row per day, usage type and
resource. Only the reconciler's thread writes here, so read-then-write does not race."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, insert, select, update

from sagelab.store.tables import billing_usage


def add(
    conn: Connection,
    where: tuple[str, str],  # account, region
    day: date,
    usage_type: str,
    resource: str,
    quantity: float,
) -> None:
    key = (
        billing_usage.c.account_id == where[0],
        billing_usage.c.region == where[1],
        billing_usage.c.day == day.isoformat(),
        billing_usage.c.usage_type == usage_type,
        billing_usage.c.resource == resource,
    )
    current = conn.execute(select(billing_usage.c.quantity).where(*key)).scalar_one_or_none()
    if current is None:
        conn.execute(
            insert(billing_usage).values(
                account_id=where[0],
                region=where[1],
                day=day.isoformat(),
                usage_type=usage_type,
                resource=resource,
                quantity=quantity,
            )
        )
    else:
        conn.execute(update(billing_usage).where(*key).values(quantity=current + quantity))
