"""Per-record data processing of a transform job (contracts §2.5): InputFilter before the
request, splitting a response back into one output per record, JoinSource=Input, and
OutputFilter.

CSV records act as arrays of their cells; JSON records as their value. A CSV input joined
with its output gives the input's cells then the output's (a JSON output's values, flattened
one level); a JSON object gets a `SageMakerOutput` member; any other input is wrapped as
`{"SageMakerInput": …, "SageMakerOutput": …}`.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sagelab.algorithms.io.recordio import RecordIOError, frame, read_records
from sagelab.container.jsonpath import FilterError, compile_path

CSV = "text/csv"
JSON_TYPES = (
    "application/json",
    "application/jsonlines",
    "application/json-lines",
    "application/x-jsonlines",
)


class ProcessingError(ValueError):
    """A record or a response does not fit the job's DataProcessing."""


def media(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _cells(line: bytes) -> list[str]:
    return next(csv.reader([line.decode()]), [])


def _csv_line(values: list[Any]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(
        [json.dumps(v) if isinstance(v, (dict, list)) else v for v in values]
    )
    return out.getvalue().encode()


def _decode(record: bytes, kind: str) -> Any:
    """A record as the value filters see: CSV cells, or JSON."""
    if kind == CSV:
        return _cells(record)
    try:
        return json.loads(record)
    except ValueError as err:
        raise ProcessingError(f"the record is not JSON: {err}") from None


def _encode(value: Any, kind: str) -> bytes:
    if kind == CSV and not isinstance(value, dict):
        return _csv_line(value if isinstance(value, list) else [value])
    return json.dumps(value, separators=(",", ":")).encode()


def _output_value(output: bytes) -> Any:
    """A response record as a value: JSON when it parses, else CSV cells."""
    try:
        return json.loads(output)
    except ValueError:
        return _cells(output)


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return list(value.values())
    return value if isinstance(value, list) else [value]


def split_response(body: bytes, accept: str, count: int) -> list[bytes]:
    """One output per request record: JSON `{"<key>": [...]}` or `[...]` items, RecordIO
    frames, or lines."""
    kind = media(accept)
    if kind == "application/json":
        doc = json.loads(body)
        if isinstance(doc, dict) and len(doc) == 1 and isinstance(next(iter(doc.values())), list):
            doc = next(iter(doc.values()))
        items = doc if isinstance(doc, list) else [doc]
        parts = [json.dumps(item, separators=(",", ":")).encode() for item in items]
    elif kind == "application/x-recordio-protobuf":
        try:
            parts = [frame(p) for p in read_records(io.BytesIO(body))]
        except RecordIOError as err:
            raise ProcessingError(f"the response is not RecordIO: {err}") from None
    else:
        parts = [line for line in body.split(b"\n") if line.strip()]
    if len(parts) != count:
        raise ProcessingError(f"the response holds {len(parts)} records for a request of {count}")
    return parts


class Processing:
    """The job's DataProcessing, for records of content type `content_type`."""

    def __init__(self, config: dict[str, Any], content_type: str | None) -> None:
        self.kind = CSV if media(content_type) == CSV else "json"
        self.input_path = config.get("InputFilter") or "$"
        self.output_path = config.get("OutputFilter") or "$"
        self.join_input = config.get("JoinSource") == "Input"
        self._input = compile_path(self.input_path)
        self._output = compile_path(self.output_path)

    @property
    def per_record(self) -> bool:
        """Whether records must be handled one by one, not just passed on."""
        return self.input_path != "$" or self.output_path != "$" or self.join_input

    def filter_input(self, record: bytes) -> bytes:
        if self.input_path == "$":
            return record
        try:
            return _encode(self._input(_decode(record, self.kind)), self.kind)
        except FilterError as err:
            raise ProcessingError(f"InputFilter {self.input_path}: {err}") from None

    def combine(self, record: bytes, output: bytes) -> bytes:
        """The output record written for input `record`: joined, then filtered."""
        value = _output_value(output)
        kind = self.kind
        if self.join_input:
            source = _decode(record, self.kind)
            if self.kind == CSV:
                value = [*source, *_flatten(value)]
            elif isinstance(source, dict):
                value = {**source, "SageMakerOutput": value}
            else:
                value = {"SageMakerInput": source, "SageMakerOutput": value}
        elif not isinstance(value, list):
            kind = "json"
        try:
            value = self._output(value)
        except FilterError as err:
            raise ProcessingError(f"OutputFilter {self.output_path}: {err}") from None
        return _encode(value, kind)
