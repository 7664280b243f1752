"""Idle auto-stop: stops notebook instances (and, when asked, deletes endpoints) idle longer
than the account allows, through SageMaker's own StopNotebookInstance and DeleteEndpoint, so
their statuses move exactly as when a user calls them."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from sagelab.billing.forgotten import idle_resources
from sagelab.billing.idle import ENDPOINT_KIND, Idle
from sagelab.billing.settings import BillingSettings, billing_settings
from sagelab.gateway.context import Principal, RequestContext
from sagelab.gateway.errors import ServiceError
from sagelab.gateway.pipeline import new_request_id
from sagelab.store.metadata import MetadataStore
from sagelab.store.tables import accounts

log = logging.getLogger(__name__)


def _limit(settings: BillingSettings, resource: Idle) -> float | None:
    if resource.kind == ENDPOINT_KIND:
        return settings.delete_idle_endpoints_after_s
    return settings.stop_idle_notebooks_after_s


def _context(account: str, region: str, operation: str) -> RequestContext:
    root = Principal("root", account, f"arn:aws:iam::{account}:root", account, "root")
    return RequestContext(
        new_request_id(), "sagemaker", operation, region, account, root, "127.0.0.1"
    )


class AutoStop:
    def __init__(self, meta: MetadataStore, sagemaker: Any) -> None:
        self.meta = meta
        self.sagemaker = sagemaker  # the SageMaker api: the same calls a user makes

    def __call__(self, now: float) -> None:
        with self.meta.connect() as conn:
            ids = list(conn.execute(select(accounts.c.account_id)).scalars())
        for account in ids:
            settings = billing_settings(self.meta, account)
            if settings.stop_idle_notebooks_after_s or settings.delete_idle_endpoints_after_s:
                self._apply(account, settings, now)

    def _apply(self, account: str, settings: BillingSettings, now: float) -> None:
        for resource in idle_resources(self.meta, account):
            limit = _limit(settings, resource)
            if limit is not None and resource.idle_for(now) >= limit:
                self._act(account, resource)

    def _act(self, account: str, resource: Idle) -> None:
        try:
            if resource.kind == ENDPOINT_KIND:
                ctx = _context(account, resource.region, "DeleteEndpoint")
                self.sagemaker.delete_endpoint(ctx, endpoint_name=resource.name)
            else:
                ctx = _context(account, resource.region, "StopNotebookInstance")
                self.sagemaker.stop_notebook_instance(ctx, notebook_instance_name=resource.name)
        except ServiceError as err:  # its status moved meanwhile: the next pass looks again
            log.info("idle auto-stop of %s skipped: %s", resource.arn, err.message)
            return
        log.info("idle auto-stop: %s (%s) was idle too long", resource.arn, resource.kind)
