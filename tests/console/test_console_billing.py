"""The Billing page shows the meter's figures, and root's "IAM user access to billing" switch
gates it for IAM users, as on AWS."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from console_kit import sign_in, sign_out

from sagelab.testing import SagelabServer

CONSOLE = "/_sagelab/console"


def _period() -> dict[str, str]:
    today = datetime.now(UTC).date()
    return {"Start": today.isoformat(), "End": (today + timedelta(days=1)).isoformat()}


def ce_usage(ce: Any) -> dict[str, float]:
    """Cost Explorer's usage quantities today, by usage type."""
    answer = ce.get_cost_and_usage(
        TimePeriod=_period(),
        Granularity="DAILY",
        Metrics=["UsageQuantity"],
        GroupBy=[{"Type": "DIMENSION", "Key": "USAGE_TYPE"}],
    )
    groups = answer["ResultsByTime"][0]["Groups"]
    return {g["Keys"][0]: float(g["Metrics"]["UsageQuantity"]["Amount"]) for g in groups}


def wait_for(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.time() + timeout
    while not predicate():
        assert time.time() < deadline, "timed out"
        time.sleep(0.2)


def _page_usage(page: Any) -> dict[str, float]:
    """Usage type → quantity, summed over the page's usage table."""
    rows = page.locator("#usage-table tbody tr").all()
    usage: dict[str, float] = {}
    for row in rows:
        cells = [c.inner_text() for c in row.locator("td").all()]
        if len(cells) == 9:
            usage[cells[2]] = usage.get(cells[2], 0.0) + float(cells[4])
    return usage


def test_billing_page_equals_the_meter(page: Any, fresh_server: SagelabServer, shot: Any) -> None:
    fresh_server.start()
    s3, ce = fresh_server.client("s3"), fresh_server.client("ce")
    s3.create_bucket(Bucket="billed")
    for i in range(4):
        s3.put_object(Bucket="billed", Key=f"k{i}", Body=b"z" * 2048)
    for _ in range(3):
        s3.get_object(Bucket="billed", Key="k0")
    wait_for(lambda: ce_usage(ce).get("Requests-Tier2") == 3)
    for i in range(4):  # storage stops accruing: the figures hold still
        s3.delete_object(Bucket="billed", Key=f"k{i}")
    sign_in(page, fresh_server)
    page.goto(fresh_server.endpoint_url + CONSOLE + "/billing")
    shot(page, "billing")
    shown = _page_usage(page)
    assert shown["Requests-Tier1"] == 5  # CreateBucket and four PUTs
    assert shown["Requests-Tier2"] == 3
    metered = ce_usage(ce)
    assert set(shown) == set(metered)
    for usage_type, quantity in metered.items():
        assert abs(shown[usage_type] - quantity) < 1e-5, usage_type
    total = ce.get_cost_and_usage(
        TimePeriod=_period(), Granularity="MONTHLY", Metrics=["UnblendedCost"]
    )["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"]
    assert page.locator("#cost-with-free-tier").inner_text() == f"${float(total):.4f}"


def test_root_switch_gates_billing_for_iam_users(
    page: Any, fresh_server: SagelabServer, shot: Any
) -> None:
    fresh_server.start()
    iam = fresh_server.client("iam")
    name, password = "accountant", "Pw-" + secrets.token_urlsafe(10)
    iam.create_user(UserName=name)
    iam.create_login_profile(UserName=name, Password=password)
    iam.attach_user_policy(UserName=name, PolicyArn="arn:aws:iam::aws:policy/job-function/Billing")

    sign_in(page, fresh_server, name, password)
    page.goto(fresh_server.endpoint_url + CONSOLE + "/billing")
    assert page.get_by_text("IAM user access to billing information is not activated").is_visible()
    shot(page, "denied")
    sign_out(page)

    sign_in(page, fresh_server)
    page.goto(fresh_server.endpoint_url + CONSOLE + "/account")
    page.get_by_label("Activate IAM Access").check()
    page.get_by_role("button", name="Update").click()
    page.wait_for_load_state()
    assert page.get_by_text("Settings saved").is_visible()
    shot(page, "account")
    sign_out(page)

    sign_in(page, fresh_server, name, password)
    page.goto(fresh_server.endpoint_url + CONSOLE + "/billing")
    assert page.get_by_role("heading", name="Billing", exact=True).is_visible()
    assert page.locator("#usage-table").is_visible()
