"""Billing (beyond AWS): the meter's usage priced as AWS would have, the free-tier table,
"My Account" with root's "IAM user access to billing" switch and the idle settings, and the
forgotten-resources banner on every page."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import timedelta

from starlette.responses import Response

from sagelab.billing import (
    BillingSettings,
    billing_settings,
    forgotten,
    may_see_billing,
    set_billing_settings,
    usage_report,
)
from sagelab.billing import days as billing_days
from sagelab.console.pagekit import Banner, Console, Crumb, MenuEntry, PageContext, page, url

MENU = [MenuEntry(50, "Billing", "/billing", "What your usage would have cost on AWS")]
DENIED = (
    "IAM user access to billing information is not activated for this account: "
    "the root user can activate it on the My Account page."
)


def _forbidden(pc: PageContext, title: str) -> Response:
    return pc.render("billing/denied.html", title=title, status=403, message=DENIED)


@page("/billing")
def billing(pc: PageContext) -> Response:
    meta = pc.console.server.meta
    if not may_see_billing(meta, pc.principal):
        return _forbidden(pc, "Billing")
    today = billing_days.of(time.time())
    report = usage_report(
        meta, pc.principal.account_id, today.replace(day=1), today + timedelta(days=1)
    )
    return pc.render(
        "billing/billing.html", title="Billing", crumbs=[Crumb("Billing")], report=report
    )


@page("/account")
def account(pc: PageContext) -> Response:
    settings = billing_settings(pc.console.server.meta, pc.principal.account_id)
    return pc.render(
        "billing/account.html",
        title="My Account",
        crumbs=[Crumb("My Account")],
        settings=settings,
        is_root=pc.principal.is_root,
    )


def _seconds(value: str) -> float | None:
    minutes = value.strip()
    return float(minutes) * 60 if minutes else None


@page("/account/billing", methods=("POST",))
def save_account(pc: PageContext) -> Response:
    if not pc.principal.is_root:
        return pc.redirect(
            url("/account"), flash="Only the root user can change these settings", level="error"
        )
    meta, account_id = pc.console.server.meta, pc.principal.account_id
    current = billing_settings(meta, account_id)
    try:
        updated = BillingSettings(
            iam_user_access=pc.field("iam_user_access") == "true",
            forgotten_after_s=_seconds(pc.field("forgotten_after") or "")
            or current.forgotten_after_s,
            stop_idle_notebooks_after_s=_seconds(pc.field("stop_notebooks_after") or ""),
            delete_idle_endpoints_after_s=_seconds(pc.field("delete_endpoints_after") or ""),
        )
    except ValueError as err:
        return pc.redirect(url("/account"), flash=str(err), level="error")
    set_billing_settings(meta, account_id, updated)
    return pc.redirect(url("/account"), flash="Settings saved")


def _forgotten_banners(pc: PageContext) -> Iterable[Banner]:
    for r in forgotten(pc.console.server.meta, pc.principal.account_id):
        minutes = int(r.idle_for(time.time()) // 60)
        kind = "Notebook instance" if r.kind == "notebook-instance" else "Endpoint"
        yield Banner(
            "warning",
            f"{kind} {r.name} ({r.region}) has been running unused for {minutes} min "
            "and would be billed on AWS.",
            url("/billing"),
        )


def install(console: Console) -> None:
    console.banners.append(_forgotten_banners)


ROUTES = [billing, account, save_account]
