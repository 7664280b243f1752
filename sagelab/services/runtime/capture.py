"""Data capture: sampled requests and responses of an endpoint, written to S3 as JSON Lines
laid out as SageMaker lays them out:

    <DestinationS3Uri>/<EndpointName>/<VariantName>/yyyy/mm/dd/hh/<mm-ss-SSS>-<uuid>.jsonl

one record per invocation. InvokeEndpoint only appends the raw bytes to a buffer; encoding and
writing happen when the reconciler flushes (every `FLUSH_AFTER` seconds, or sooner once
`MAX_RECORDS` wait), so capture never slows an invocation.
"""

from __future__ import annotations

import base64
import json
import logging
import random
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sagelab.container import s3uri
from sagelab.gateway.errors import ServiceError
from sagelab.reconciler import Reconciler
from sagelab.services.base import Deps
from sagelab.services.runtime import s3_objects

log = logging.getLogger(__name__)

FLUSH_AFTER = 2.0
MAX_RECORDS = 1000


@dataclass(frozen=True)
class Policy:
    """An endpoint's DataCaptureConfig, as the request path needs it."""

    destination: str
    percent: float
    inputs: bool
    outputs: bool
    csv_types: frozenset[str]
    json_types: frozenset[str]

    @classmethod
    def of(cls, config: dict[str, Any] | None) -> Policy | None:
        """None when capture is off."""
        if not config or not config.get("EnableCapture", True):
            return None
        modes = {o["CaptureMode"] for o in config["CaptureOptions"]}
        header = config.get("CaptureContentTypeHeader") or {}
        return cls(
            config["DestinationS3Uri"],
            float(config["InitialSamplingPercentage"]),
            "Input" in modes,
            "Output" in modes,
            frozenset(t.lower() for t in header.get("CsvContentTypes", [])),
            frozenset(t.lower() for t in header.get("JsonContentTypes", [])),
        )

    def sampled(self) -> bool:
        return self.percent >= 100 or random.uniform(0, 100) < self.percent

    def encoding(self, content_type: str | None) -> str:
        media = (content_type or "").split(";", 1)[0].strip().lower()
        if media in self.csv_types:
            return "CSV"
        return "JSON" if media in self.json_types else "BASE64"


@dataclass(frozen=True)
class Event:
    """One captured invocation, still raw."""

    at: float
    inference_id: str | None
    request: tuple[str | None, bytes]  # (content type, body)
    response: tuple[str | None, bytes]


# (account, destination, endpoint, variant): where a batch of events goes.
_Where = tuple[str, str, str, str]


def _data(policy: Policy, mode: str, content_type: str | None, body: bytes) -> dict[str, Any]:
    encoding = policy.encoding(content_type)
    if encoding != "BASE64":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            encoding = "BASE64"
    if encoding == "BASE64":
        text = base64.b64encode(body).decode("ascii")
    return {
        "observedContentType": content_type or "",
        "mode": mode,
        "data": text,
        "encoding": encoding,
    }


def record(policy: Policy, event: Event) -> dict[str, Any]:
    """The JSON Lines record of one event."""
    data = {}
    if policy.inputs:
        data["endpointInput"] = _data(policy, "INPUT", *event.request)
    if policy.outputs:
        data["endpointOutput"] = _data(policy, "OUTPUT", *event.response)
    when = datetime.fromtimestamp(event.at, UTC)
    metadata = {"eventId": str(uuid.uuid4()), "inferenceTime": when.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if event.inference_id:
        metadata["inferenceId"] = event.inference_id
    return {"captureData": data, "eventMetadata": metadata, "eventVersion": "0"}


def object_uri(where: _Where, first: float) -> str:
    """Where a file whose first event is at `first` goes."""
    _, destination, endpoint, variant = where
    when = datetime.fromtimestamp(first, UTC)
    name = f"{when:%M-%S}-{when.microsecond // 1000:03d}-{uuid.uuid4()}.jsonl"
    return s3uri.join(destination, endpoint, variant, f"{when:%Y/%m/%d/%H}", name)


class Sink:
    """The buffer of captured events, flushed by the reconciler."""

    def __init__(self, deps: Deps, reconciler: Reconciler) -> None:
        self.deps = deps
        self.reconciler = reconciler
        self._lock = threading.Lock()
        self._batches: dict[_Where, tuple[Policy, list[Event]]] = {}

    def add(self, where: _Where, policy: Policy, event: Event) -> None:
        with self._lock:
            _, events = self._batches.setdefault(where, (policy, []))
            events.append(event)
            full = len(events) >= MAX_RECORDS
        if full:
            self.reconciler.kick()

    def _due(self, now: float, everything: bool) -> list[tuple[_Where, Policy, list[Event]]]:
        due = []
        with self._lock:
            for where, (policy, events) in list(self._batches.items()):
                old = now - events[0].at >= FLUSH_AFTER
                if everything or old or len(events) >= MAX_RECORDS:
                    due.append((where, policy, events))
                    del self._batches[where]
        return due

    def flush(self, everything: bool = False) -> None:
        for where, policy, events in self._due(time.time(), everything):
            for hour in _by_hour(events):
                self._write(where, policy, hour)

    __call__ = flush

    def _write(self, where: _Where, policy: Policy, events: list[Event]) -> None:
        lines = "".join(json.dumps(record(policy, e), separators=(",", ":")) + "\n" for e in events)
        uri = object_uri(where, events[0].at)
        try:
            s3_objects.write(self.deps, where[0], uri, lines.encode(), "application/octet-stream")
        except ServiceError as err:  # the bucket went or is not the account's: as on AWS, lost
            log.warning("data capture to %s dropped %d records: %s", uri, len(events), err)


def _by_hour(events: list[Event]) -> list[list[Event]]:
    """Events split where the hour changes: each file lives under one hour's prefix."""
    groups: list[list[Event]] = []
    last = None
    for event in events:
        hour = int(event.at // 3600)
        if hour != last:
            groups.append([])
            last = hour
        groups[-1].append(event)
    return groups
