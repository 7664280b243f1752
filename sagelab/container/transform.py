"""The platform agent of one instance of a transform job:
`python -m sagelab.container.transform <job dir> <host>`.

What SageMaker does around a model container in batch transform (contracts §2.5), with the
built-in algorithm invoked in process: fetch and unpack the model, then for each of this
instance's input objects (dealt out over the instances in key order, one object at a time per
instance: an object is never split across instances), as the execution role, through sagelab's
S3: split it into records, pack them into requests, run up to MaxConcurrentTransforms requests
at once, put each request's output back in input order (joined and filtered when
DataProcessing asks), and upload `<relative path>.out`. An object with a bad record gets no
`.out`; the others still complete, and the job fails naming the object and the record; any
other failure is `fatal` (the instance could not go on). SIGTERM (StopTransformJob, or a
broken peer) ends the work and reports `Stopped`.
"""

from __future__ import annotations

import gzip
import itertools
import sys
import tarfile
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sagelab.container import layout, s3uri, transfer
from sagelab.container.errors import ClientFault, Stopped, run_agent
from sagelab.container.inputs import InputObject, list_inputs
from sagelab.container.joins import Processing, ProcessingError, split_response
from sagelab.container.layout import JobDir
from sagelab.container.records import Batch, RecordFault, pack, pack_lines, split

TRANSFORMING = "Transforming"
_REASON_MAX = 1024
_MB = 1 << 20


class Agent:
    def __init__(self, job: JobDir, host: str) -> None:
        self.job = job
        self.host = host
        self.spec: dict[str, Any] = layout.read_json(job.spec)
        self.base = job.base(host)
        self.phases: list[tuple[str, float]] = []
        self.input: dict[str, Any] = self.spec["input"]
        self.output: dict[str, Any] = self.spec["output"]
        self.processing = Processing(self.spec["data_processing"], self.input.get("ContentType"))
        self._invoke: Callable[[bytes], bytes] | None = None
        self._s3: Any = None

    @property
    def s3(self) -> Any:
        if self._s3 is None:
            import boto3
            from botocore.config import Config

            retries = Config(retries={"mode": "standard", "max_attempts": 12})
            self._s3 = boto3.client("s3", region_name=self.spec["region"], config=retries)
        return self._s3

    def phase(self, name: str, failure: str | None = None, fatal: bool = False) -> None:
        self.phases.append((name, time.time()))
        report = {"phases": self.phases, "failure": failure, "fatal": fatal}
        layout.write_json(self.job.status(self.host), report)

    def run(self) -> int:
        try:
            self.phase(layout.DOWNLOADING)
            self._load_model()
            self.phase(TRANSFORMING)
            failures = [f for f in map(self._transform_object, self._inputs()) if f]
        except Stopped:
            self.phase(layout.STOPPED)
            return 0
        except ClientFault as fault:
            return self._fail(f"ClientError: {fault}", fatal=True)
        except Exception as err:  # the agent's own failure
            traceback.print_exc()
            return self._fail(f"InternalServerError: {type(err).__name__}: {err}", fatal=True)
        if failures:
            return self._fail("ClientError: " + "; ".join(failures), fatal=False)
        self.phase(layout.COMPLETED)
        return 0

    def _fail(self, reason: str, fatal: bool) -> int:
        print(reason, file=sys.stderr, flush=True)
        self.phase(layout.FAILED, reason[:_REASON_MAX], fatal)
        return 1

    def _load_model(self) -> None:
        from sagelab.algorithms import registry

        model_dir = self.base / "model"
        model_dir.mkdir(parents=True, exist_ok=True)
        url = self.spec.get("model_data_url")
        if url:
            with tempfile.TemporaryDirectory() as tmp:
                archive = Path(tmp) / "model.tar.gz"
                transfer.download(self.s3, *s3uri.split(url), archive)
                with tarfile.open(archive) as tar:
                    tar.extractall(model_dir, filter="data")
        algorithm = registry.get(self.spec["algorithm"])
        model = algorithm.load(model_dir)
        content_type = self.input.get("ContentType") or ""
        accept = self.output.get("Accept") or ""
        self._invoke = lambda body: algorithm.invoke(model, body, content_type, accept)[0]
        print(f"Model loaded: {self.spec['algorithm']} from {url}", flush=True)

    def _inputs(self) -> Iterator[InputObject]:
        """This instance's share of the input objects: every n-th, from its own rank."""
        source = self.input["DataSource"]["S3DataSource"]
        hosts: list[str] = self.spec["hosts"]
        every = list_inputs(self.s3, source["S3DataType"], source["S3Uri"])
        return itertools.islice(every, hosts.index(self.host), None, len(hosts))

    def _read(self, item: InputObject) -> bytes:
        data: bytes = self.s3.get_object(Bucket=item.bucket, Key=item.key)["Body"].read()
        if self.input.get("CompressionType") == "Gzip":
            try:
                data = gzip.decompress(data)
            except OSError as err:
                raise RecordFault(1, f"the object is not gzip data: {err}") from None
        return data

    def _transform_object(self, item: InputObject) -> str | None:
        """Transform and upload one object; the failure's text, or None when it succeeded."""
        uri = f"s3://{item.bucket}/{item.key}"
        try:
            out, requests = self._transform(self._read(item))
        except RecordFault as fault:
            text = f"Bad input data in {uri}: record {fault.record}: {fault}"
            print(text, file=sys.stderr, flush=True)
            return text
        bucket, key = s3uri.split(s3uri.join(self.output["S3OutputPath"], item.relative + ".out"))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "out"
            path.write_bytes(out)
            transfer.upload(self.s3, path, bucket, key)
        print(
            f"Transformed {uri} → s3://{bucket}/{key} ({len(out)} bytes) in {requests} requests",
            flush=True,
        )
        return None

    @property
    def _limit(self) -> int:
        return int(self.spec["max_payload_mb"]) * _MB

    def _transform(self, data: bytes) -> tuple[bytes, int]:
        """The object's output, and how many requests made it."""
        split_type = self.input.get("SplitType") or "None"
        single = self.spec["batch_strategy"] == "SingleRecord"
        if split_type == "Line" and not single and not self.processing.per_record:
            responses = self._run(list(pack_lines(data, self._limit)), lambda: split(data, "Line"))
            return self._assemble(responses), len(responses)
        records = split(data, split_type)
        if split_type == "None" and len(data) > self._limit:
            raise RecordFault(
                1, f"the object is larger than MaxPayloadInMB ({self._limit >> 20} MB)"
            )
        sent = [self._filtered(i, r) for i, r in enumerate(records)]
        batches = list(pack(sent, split_type, self._limit, single))
        responses = self._run(batches, lambda: sent)
        if self.processing.per_record:
            responses = self._per_record(records, batches, responses)
        return self._assemble(responses), len(batches)

    def _filtered(self, index: int, record: bytes) -> bytes:
        try:
            return self.processing.filter_input(record)
        except (ProcessingError, UnicodeDecodeError) as err:
            raise RecordFault(index + 1, str(err)) from None

    def _run(self, batches: list[Batch], records: Callable[[], list[bytes]]) -> list[bytes]:
        """Every batch's response, in order, up to MaxConcurrentTransforms at a time."""
        assert self._invoke is not None
        invoke = self._invoke
        with ThreadPoolExecutor(int(self.spec["max_concurrent"])) as pool:
            futures = [pool.submit(invoke, b.body) for b in batches]
            try:
                return [f.result() for f in futures]
            except Exception:
                for future in futures:
                    future.cancel()
        raise self._locate(records())

    def _locate(self, records: list[bytes]) -> RecordFault:
        """The first record the model refuses on its own (the slow path: failures only)."""
        assert self._invoke is not None
        split_type = self.input.get("SplitType") or "None"
        for index, record in enumerate(records):
            try:
                self._invoke(record + b"\n" if split_type == "Line" else record)
            except Exception as err:
                return RecordFault(index + 1, str(err))
        return RecordFault(1, "the model refused the request, though it takes each record alone")

    def _per_record(
        self, records: list[bytes], batches: list[Batch], responses: list[bytes]
    ) -> list[bytes]:
        accept = self.output.get("Accept") or "application/json"
        out = []
        for batch, body in zip(batches, responses, strict=True):
            try:
                parts = split_response(body, accept, batch.count)
            except (ProcessingError, ValueError) as err:
                raise RecordFault(batch.first + 1, f"the model's response: {err}") from None
            for offset, part in enumerate(parts):
                index = batch.first + offset
                try:
                    out.append(self.processing.combine(records[index], part))
                except (ProcessingError, UnicodeDecodeError) as err:
                    raise RecordFault(index + 1, str(err)) from None
        return out

    def _assemble(self, outputs: list[bytes]) -> bytes:
        if self.output.get("AssembleWith") == "Line":
            return b"".join(o if o.endswith(b"\n") else o + b"\n" for o in outputs)
        return b"".join(outputs)


def main(argv: list[str]) -> int:
    return run_agent("sagelab.container.transform", argv, lambda d, h: Agent(JobDir(d), h))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
