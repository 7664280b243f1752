"""InvokeEndpoint through sagelab vs POST /invocations straight to the same model server:
throughput with 16 concurrent clients (processes, each a kept-alive connection or a boto3
client) and p50 latency, under that load and with one client (no queueing: what the path
itself adds, boto3's signing included). Targets: throughput ratio ≥ 0.5, p50 added ≤ 2 ms.

    python bench/invoke_overhead.py [--seconds 5] [--clients 16]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from hosting_fixture import endpoint, trained_model

from sagelab.testing import SagelabServer

BODY = ",".join(["0.5"] * 13).encode()
HEADERS = {"Content-Type": "text/csv", "Accept": "application/json"}


def _direct(port: int, seconds: float) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    took, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        t = time.perf_counter()
        conn.request("POST", "/invocations", body=BODY, headers=HEADERS)
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 200
        took.append(time.perf_counter() - t)
    return took


def _through_sagelab(env: dict[str, str], name: str, seconds: float) -> list[float]:
    import boto3

    runtime = boto3.client(
        "sagemaker-runtime",
        endpoint_url=env["AWS_ENDPOINT_URL"],
        region_name=env["AWS_DEFAULT_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )
    took, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        t = time.perf_counter()
        runtime.invoke_endpoint(
            EndpointName=name, Body=BODY, ContentType="text/csv", Accept="application/json"
        )["Body"].read()
        took.append(time.perf_counter() - t)
    return took


def _run(clients: int, target: Any, args: tuple[Any, ...]) -> tuple[float, float]:
    with multiprocessing.Pool(clients) as pool:
        results = pool.starmap(target, [args] * clients)
    seconds = args[-1]
    calls = [t for r in results for t in r]
    return len(calls) / seconds, statistics.median(calls) * 1000


def _port(data_dir: Path) -> int:
    status = next(data_dir.glob("endpoints/**/i0.status"))
    return int(json.loads(status.read_text())["port"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = SagelabServer(Path(tmp) / "data")
        server.start()
        try:
            role, model_data = trained_model(server)
            endpoint(server, role, model_data, "bench")
            port = _port(server.data_dir)
            env = server.env()
            direct = _run(args.clients, _direct, (port, args.seconds))
            ours = _run(args.clients, _through_sagelab, (env, "bench", args.seconds))
            # Latency without queueing: one client at a time.
            direct_1 = _run(1, _direct, (port, args.seconds))
            ours_1 = _run(1, _through_sagelab, (env, "bench", args.seconds))
        finally:
            server.stop()
    print(f"direct to the model server: {direct[0]:.0f} calls/s, p50 {direct[1]:.2f} ms")
    print(f"InvokeEndpoint via sagelab: {ours[0]:.0f} calls/s, p50 {ours[1]:.2f} ms")
    print(f"throughput ratio (sagelab / direct): {ours[0] / direct[0]:.2f}  (target >= 0.5)")
    print(f"p50 added under {args.clients} clients: {ours[1] - direct[1]:.2f} ms")
    print(f"one client: direct p50 {direct_1[1]:.2f} ms, via sagelab p50 {ours_1[1]:.2f} ms")
    print(f"p50 added, one client: {ours_1[1] - direct_1[1]:.2f} ms  (target <= 2 ms)")


if __name__ == "__main__":
    main()
