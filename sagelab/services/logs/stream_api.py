"""CloudWatch Logs' stream operations."""

from __future__ import annotations

from typing import Any

from sagelab import arns
from sagelab.gateway.context import RequestContext
from sagelab.services.base import ServiceApi
from sagelab.services.logs import groups, streams
from sagelab.services.logs.errors import InvalidParameter
from sagelab.services.logs.streams import StreamKey

_ORDERS = ("LogStreamName", "LastEventTime")


def _describe(ctx: RequestContext, group: str, stream: streams.LogStream) -> dict[str, Any]:
    group_arn = arns.logs_group(ctx.region, ctx.account_id, group, wildcard=False)
    return {
        "logStreamName": stream.name,
        "creationTime": int(stream.created_at * 1000),
        "firstEventTimestamp": stream.first_event_ms,
        "lastEventTimestamp": stream.last_event_ms,
        "lastIngestionTime": stream.last_ingestion_ms,
        "arn": f"{group_arn}:log-stream:{stream.name}",
        "storedBytes": stream.stored_bytes,
    }


def _listing(prefix: str | None, order_by: str | None, descending: bool | None) -> streams.Listing:
    by_last_event = order_by == "LastEventTime"
    if by_last_event and prefix:
        raise InvalidParameter(message="Cannot order by LastEventTime with a logStreamNamePrefix.")
    return streams.Listing(prefix, by_last_event, bool(descending))


class StreamsApi(ServiceApi):
    def create_log_stream(
        self, ctx: RequestContext, *, log_group_name: str, log_stream_name: str
    ) -> dict[str, Any]:
        key = StreamKey(ctx.account_id, ctx.region, log_group_name, log_stream_name)
        with self.deps.meta.begin() as conn:
            streams.create(conn, key)
        return {}

    def delete_log_stream(
        self, ctx: RequestContext, *, log_group_name: str, log_stream_name: str
    ) -> dict[str, Any]:
        key = StreamKey(ctx.account_id, ctx.region, log_group_name, log_stream_name)
        with self.deps.meta.begin() as conn:
            streams.delete_stream(conn, key)
        return {}

    def describe_log_streams(
        self,
        ctx: RequestContext,
        *,
        log_group_name: str | None = None,
        log_group_identifier: str | None = None,
        log_stream_name_prefix: str | None = None,
        order_by: str | None = None,
        descending: bool | None = None,
        next_token: str | None = None,
        limit: int | None = None,
    ) -> dict[str, Any]:
        """`nextToken` only when more streams exist: SDK v2 loops on it forever otherwise."""
        group = groups.resolve(log_group_name, log_group_identifier)
        listing = _listing(log_stream_name_prefix, order_by, descending)
        after = streams.parse_page_token(next_token) if next_token else None
        with self.deps.meta.connect() as conn:
            page, more = streams.list_page(
                conn, ctx.account_id, ctx.region, group, listing, after, limit or 50
            )
        return {
            "logStreams": [_describe(ctx, group, s) for s in page],
            "nextToken": streams.page_token(more) if more else None,
        }
