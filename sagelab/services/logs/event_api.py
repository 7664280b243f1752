"""CloudWatch Logs' event operations: PutLogEvents, GetLogEvents, FilterLogEvents."""

from __future__ import annotations

from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.base import ServiceApi
from sagelab.services.logs import events, groups
from sagelab.services.logs import filter_pattern as filter_pattern_module
from sagelab.services.logs.errors import InvalidParameter
from sagelab.services.logs.streams import StreamKey

_DEFAULT_EVENT_LIMIT = 10_000


def _get_event(event: events.Event) -> dict[str, Any]:
    return {
        "timestamp": event.position.timestamp_ms,
        "message": event.message,
        "ingestionTime": event.ingestion_ms,
    }


def _filtered_event(event: events.Event) -> dict[str, Any]:
    return {
        "logStreamName": event.stream,
        "eventId": event.position.digits(),
        **_get_event(event),
    }


def _selection(names: list[str] | None, prefix: str | None) -> events.StreamSelection:
    if names and prefix:
        raise InvalidParameter(
            message="logStreamNames and logStreamNamePrefix are mutually exclusive parameters."
        )
    return events.StreamSelection(tuple(names or ()), prefix)


def _refuse_entity(entity: dict[str, Any] | None) -> None:
    if entity:
        raise NotImplementedByUs(message="PutLogEvents entity is not implemented by sagelab")


class EventsApi(ServiceApi):
    def put_log_events(
        self,
        ctx: RequestContext,
        *,
        log_group_name: str,
        log_stream_name: str,
        log_events: list[dict[str, Any]],
        sequence_token: str | None = None,  # accepted and ignored, as AWS now does
        entity: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        _refuse_entity(entity)
        key = StreamKey(ctx.account_id, ctx.region, log_group_name, log_stream_name)
        batch = [(int(e["timestamp"]), str(e["message"])) for e in log_events]
        with self.deps.meta.begin() as conn:
            result = events.put(conn, key, batch)
        return {
            "nextSequenceToken": f"{result.last_id or 0:056d}",
            "rejectedLogEventsInfo": result.rejected or None,
        }

    def get_log_events(
        self,
        ctx: RequestContext,
        *,
        log_stream_name: str,
        log_group_name: str | None = None,
        log_group_identifier: str | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        next_token: str | None = None,
        limit: int | None = None,
        start_from_head: bool | None = None,
        unmask: bool | None = None,  # nothing is masked: no data protection policies
    ) -> dict[str, Any]:
        group = groups.resolve(log_group_name, log_group_identifier)
        key = StreamKey(ctx.account_id, ctx.region, group, log_stream_name)
        window = events.Window(start_time, end_time)
        with self.deps.meta.connect() as conn:
            page = events.read_page(
                conn, key, window, next_token, bool(start_from_head), limit or _DEFAULT_EVENT_LIMIT
            )
        return {
            "events": [_get_event(e) for e in page.events],
            "nextForwardToken": page.forward_token,
            "nextBackwardToken": page.backward_token,
        }

    def filter_log_events(
        self,
        ctx: RequestContext,
        *,
        log_group_name: str | None = None,
        log_group_identifier: str | None = None,
        log_stream_names: list[str] | None = None,
        log_stream_name_prefix: str | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        filter_pattern: str | None = None,
        next_token: str | None = None,
        limit: int | None = None,
        start_from_head: bool | None = None,  # results always come oldest first
        interleaved: bool | None = None,  # deprecated: results are always interleaved
        unmask: bool | None = None,
    ) -> dict[str, Any]:
        group = groups.resolve(log_group_name, log_group_identifier)
        key = StreamKey(ctx.account_id, ctx.region, group, "")
        selection = _selection(log_stream_names, log_stream_name_prefix)
        pattern = filter_pattern_module.parse(filter_pattern)
        window = events.Window(start_time, end_time)
        with self.deps.meta.connect() as conn:
            found, token = events.filter_page(
                conn, key, window, selection, pattern, next_token, limit or _DEFAULT_EVENT_LIMIT
            )
        return {"events": [_filtered_event(e) for e in found], "nextToken": token}
