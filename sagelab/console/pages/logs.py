"""CloudWatch Logs console: log groups, a group's streams (newest first), a stream's
events with a live tail. The tail is `static/logs_viewer.js` polling the JSON route
`/cloudwatch/log-events.json` with GetLogEvents' own nextForwardToken; the partial
`logs/_stream_viewer.html` lets other pages (a training job's) embed it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.responses import JSONResponse, Response

from sagelab.console.listing import LOGS, console_page
from sagelab.console.pagekit import Crumb, MenuEntry, PageContext, page, url
from sagelab.gateway.errors import ServiceError

MENU = [MenuEntry(40, "CloudWatch", "/cloudwatch/log-groups", "Monitor resources and applications")]
TAIL = 200  # events the viewer opens with: the stream's newest


def group_url(group: str) -> str:
    return url("/cloudwatch/log-group?" + urlencode({"group": group}))


def stream_url(group: str, stream: str) -> str:
    return url("/cloudwatch/log-events?" + urlencode({"group": group, "stream": stream}))


def _crumbs(*more: Crumb) -> list[Crumb]:
    return [
        Crumb("CloudWatch", url("/cloudwatch/log-groups")),
        Crumb("Log groups", url("/cloudwatch/log-groups")),
        *more,
    ]


@page("/cloudwatch")
def cloudwatch_home(pc: PageContext) -> Response:
    return pc.redirect(url("/cloudwatch/log-groups"))


@page("/cloudwatch/log-groups")
def log_groups(pc: PageContext) -> Response:
    find = pc.query("prefix").strip()
    return pc.render(
        "logs/groups.html",
        title="Log groups",
        crumbs=_crumbs(),
        find=find,
        here=url("/cloudwatch/log-groups?" + urlencode({"prefix": find})),
        **console_page(
            pc, LOGS, "DescribeLogGroups", "logGroups", logGroupNamePrefix=find or None
        ),
    )


@page("/cloudwatch/log-group")
def log_streams(pc: PageContext) -> Response:
    group = pc.query("group")
    streams = console_page(
        pc,
        LOGS,
        "DescribeLogStreams",
        "logStreams",
        logGroupName=group,
        orderBy="LastEventTime",
        descending=True,
    )
    return pc.render(
        "logs/streams.html",
        title=group,
        crumbs=_crumbs(Crumb(group)),
        group=group,
        here=group_url(group),
        **streams,
    )


@page("/cloudwatch/log-events")
def log_events(pc: PageContext) -> Response:
    group, stream = pc.query("group"), pc.query("stream")
    return pc.render(
        "logs/events.html",
        title=stream,
        crumbs=_crumbs(Crumb(group, group_url(group)), Crumb(stream)),
        group=group,
        stream=stream,
    )


def _events_page(pc: PageContext, token: str | None, older: bool) -> dict[str, Any]:
    """No token: the newest TAIL events. With one: the events after it (or before it,
    `older`), GetLogEvents' own paging."""
    out = pc.call(
        "logs",
        "GetLogEvents",
        logGroupName=pc.query("group"),
        logStreamName=pc.query("stream"),
        nextToken=token,
        limit=TAIL,
        startFromHead=bool(token) and not older,
    )
    return {
        "events": [
            {"timestamp": e["timestamp"], "message": e["message"]} for e in out.get("events") or []
        ],
        "forward": out.get("nextForwardToken"),
        "backward": out.get("nextBackwardToken"),
    }


@page("/cloudwatch/log-events.json")
def log_events_json(pc: PageContext) -> Response:
    """JSON for the viewer. A stream that does not exist yet (a job still starting) is an
    empty page with `missing`, so the viewer keeps polling until it appears."""
    try:
        body = _events_page(pc, pc.query("token") or None, pc.query("direction") == "backward")
    except ServiceError as err:
        if err.code != "ResourceNotFoundException":
            return JSONResponse({"error": f"{err.code}: {err.message}"}, status_code=err.status)
        body = {"events": [], "forward": None, "backward": None, "missing": err.message}
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


ROUTES = [cloudwatch_home, log_groups, log_streams, log_events, log_events_json]
