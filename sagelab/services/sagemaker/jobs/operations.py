"""Create, Describe, Stop and List as they go for every kind of job: the api modules check
what their kind's Create refuses and build its document; the record keeping is here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from sagelab import arns
from sagelab.gateway.context import RequestContext
from sagelab.services.base import Deps
from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.jobs.records import JobRecords

_LIST_PAGE = 10


def list_query(
    *,
    creation_time_after: datetime | None,
    creation_time_before: datetime | None,
    last_modified_time_after: datetime | None,
    last_modified_time_before: datetime | None,
    name_contains: str | None,
    status_equals: str | None,
    sort_by: str | None,
    sort_order: str | None,
) -> resources.ListQuery:
    """List*Jobs' filters, named as the operations name them, with SageMaker's defaults."""
    return resources.ListQuery(
        created_after=creation_time_after,
        created_before=creation_time_before,
        modified_after=last_modified_time_after,
        modified_before=last_modified_time_before,
        name_contains=name_contains,
        status=status_equals,
        sort_by=sort_by or "CreationTime",
        descending=(sort_order or "Descending") == "Descending",
    )


@dataclass(frozen=True)
class JobOperations:
    records: JobRecords

    def arn(self, ctx: RequestContext, name: str) -> str:
        return arns.sagemaker(ctx.region, ctx.account_id, self.records.kind, name)

    def create(
        self,
        deps: Deps,
        ctx: RequestContext,
        doc: dict[str, Any],
        tags: list[dict[str, str]] | None,
        check: Callable[[Connection], None] | None = None,
    ) -> None:
        """Record the new job, `check` (what must exist beside it) in the same transaction,
        and wake the reconciler to launch it."""
        where = self.records.scope(ctx.account_id, ctx.region)
        with deps.meta.begin() as conn:
            if check is not None:
                check(conn)
            self.records.check_unique(conn, where, self.records.name(doc))
            self.records.insert(conn, where, doc, list(tags or []))
        deps.reconciler.kick()

    def describe(self, deps: Deps, ctx: RequestContext, name: str) -> dict[str, Any]:
        with deps.meta.connect() as conn:
            return self.records.describe(conn, self.records.scope(ctx.account_id, ctx.region), name)

    def stop(self, deps: Deps, ctx: RequestContext, name: str) -> dict[str, Any]:
        with deps.meta.begin() as conn:
            self.records.request_stop(conn, self.records.scope(ctx.account_id, ctx.region), name)
        deps.reconciler.kick()
        return {}

    def list(
        self,
        deps: Deps,
        ctx: RequestContext,
        query: resources.ListQuery,
        next_token: str | None,
        max_results: int | None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of summaries, and the next page's token."""
        where = self.records.scope(ctx.account_id, ctx.region)
        with deps.meta.connect() as conn:
            page, token = resources.list_page(
                conn, where, query, next_token, max_results or _LIST_PAGE
            )
        return [self.records.summary(j) for j in page], token
