"""A model server, one per endpoint instance: `python -m sagelab.container.serve <dir> <host>`.

What SageMaker does for a real-time endpoint container, in order: put each container's model
in its folder (fetched as the execution role through sagelab's S3, so IAM applies), load it,
then answer the container contract (contracts §2.1: `GET /ping`, `POST /invocations`) on a
loopback port it picks itself. The port, or why start-up failed (`ClientError: …` when the
user must fix something), goes to the instance's status file, which the server reads.
A pipeline model runs its containers in sequence, each one's answer the next one's request.
"""

from __future__ import annotations

import signal
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any

from sagelab.algorithms import registry
from sagelab.algorithms.errors import InvocationError
from sagelab.container import layout, model_fetch
from sagelab.container.errors import ClientFault
from sagelab.container.layout import JobDir

READY, FAILED = "ready", "failed"


class Pipeline:
    def __init__(self, stages: list[tuple[Any, Any]]) -> None:
        self.stages = stages  # (Algorithm, loaded model)

    def invoke(self, body: bytes, content_type: str, accept: str) -> tuple[bytes, str]:
        for algorithm, model in self.stages:
            body, content_type = algorithm.invoke(model, body, content_type, accept)
        return body, content_type


def _s3(region: str) -> Any:
    import boto3  # only here: a pipeline without artifacts never needs it

    return boto3.client("s3", region_name=region)


def load(spec: dict[str, Any], model_root: Path) -> Pipeline:
    stages = []
    for index, container in enumerate(spec["containers"]):
        folder = model_root if len(spec["containers"]) == 1 else model_root / str(index)
        folder.mkdir(parents=True, exist_ok=True)
        if container.get("model_data_url"):
            model_fetch.fetch(_s3(spec["region"]), container["model_data_url"], folder)
        algorithm = registry.get(container["algorithm"])
        try:
            stages.append((algorithm, algorithm.load(folder)))
        except Exception as err:
            raise ClientFault(
                f"The model data at {container.get('model_data_url')} could not be loaded by "
                f"the {container['algorithm']} image: {err}"
            ) from err
    return Pipeline(stages)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: sagelab reuses its connections
    # An answer leaves in one write (handle_one_request flushes after each request): headers
    # and body apart cost a second wake-up of sagelab's event loop per call, and with Nagle
    # on, the body waited for the client's delayed ACK (40 ms).
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    server: ModelServer

    def do_GET(self) -> None:
        if self.path == "/ping":
            self._answer(200, b"", "text/plain")
        else:
            self._answer(404, b"Not found", "text/plain")

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path != "/invocations":
            self._answer(404, b"Not found", "text/plain")
            return
        content_type = self.headers.get("Content-Type") or "application/json"
        accept = self.headers.get("Accept") or "*/*"
        try:
            out, media = self.server.pipeline.invoke(body, content_type, accept)
        except InvocationError as err:
            self._answer(err.status, str(err).encode(), "text/plain")
        except Exception as err:  # the model's fault: a 500 the caller sees as ModelError
            traceback.print_exc()
            self._answer(
                500, f"Internal error while invoking the model: {err}".encode(), "text/plain"
            )
        else:
            self._answer(200, out, media)

    def _answer(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a line per request would cost more than the request."""


class ModelServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, pipeline: Pipeline) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.pipeline = pipeline


def main(argv: list[str]) -> int:
    job, host = JobDir(Path(argv[1])), argv[2]
    spec = layout.read_json(job.spec)
    try:
        pipeline = load(spec, job.base(host) / "model")
    except ClientFault as err:
        print(f"ClientError: {err}", file=sys.stderr)
        layout.write_json(job.status(host), {"state": FAILED, "reason": f"ClientError: {err}"})
        return 1
    server = ModelServer(pipeline)

    def stop(signum: int, frame: FrameType | None) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    layout.write_json(job.status(host), {"state": READY, "port": server.server_address[1]})
    print(f"Model server for {spec['variant']} listening on port {server.server_address[1]}")
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
