"""Gateway overhead: signed STS GetCallerIdentity calls per second through sagelab's whole
pipeline (route, SigV4, parse, validate, authorize, call, serialize) vs a bare Starlette app
on uvicorn answering the same bytes to the same boto3 client. Target: ratio >= 0.5.

    python bench/gateway_overhead.py [--calls 400] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from botocore.config import Config

from sagelab.testing import SagelabServer, free_port, wait_http


def _client(endpoint: str, server: SagelabServer) -> object:
    return boto3.client(
        "sts",
        endpoint_url=endpoint,
        region_name=server.region,
        aws_access_key_id=server.access_key_id,
        aws_secret_access_key=server.secret_access_key,
        config=Config(retries={"max_attempts": 1}),
    )


def _rate(client: object, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        client.get_caller_identity()  # type: ignore[attr-defined]
    return calls / (time.perf_counter() - start)


def _capture_reply(server: SagelabServer, path: Path) -> None:
    """Record sagelab's exact answer so the baseline sends the same bytes."""
    captured: dict[str, object] = {}
    client = _client(server.endpoint_url, server)

    def keep(http_response: object, **_: object) -> None:
        resp = http_response
        captured.update(
            status=resp.status_code,  # type: ignore[attr-defined]
            headers=dict(resp.headers),  # type: ignore[attr-defined]
            body=resp.content.decode(),  # type: ignore[attr-defined]
        )

    client.meta.events.register("after-call.sts.GetCallerIdentity", keep)  # type: ignore[attr-defined]
    client.get_caller_identity()  # type: ignore[attr-defined]
    headers = {k: v for k, v in captured["headers"].items() if k.lower() != "content-length"}  # type: ignore[attr-defined]
    captured["headers"] = headers
    path.write_text(json.dumps(captured))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = SagelabServer(Path(tmp) / "data", extra_args=["--log-level", "error"])
        server.start()
        reply = Path(tmp) / "reply.json"
        _capture_reply(server, reply)
        port = free_port()
        bare = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).with_name("bare_app.py")),
                "--port",
                str(port),
                "--reply",
                str(reply),
            ]
        )
        try:
            wait_http(f"http://127.0.0.1:{port}/_sagelab/health", 30)
            ours_client = _client(server.endpoint_url, server)
            bare_client = _client(f"http://127.0.0.1:{port}", server)
            _rate(ours_client, 50), _rate(bare_client, 50)  # warm both
            ratios, ours_rates, bare_rates = [], [], []
            for _ in range(args.rounds):
                ours, base = _rate(ours_client, args.calls), _rate(bare_client, args.calls)
                ours_rates.append(ours)
                bare_rates.append(base)
                ratios.append(ours / base)
        finally:
            bare.terminate()
            bare.wait()
            server.stop()
    print(f"sagelab GetCallerIdentity: {statistics.median(ours_rates):.0f} calls/s (median)")
    print(f"bare Starlette, same bytes: {statistics.median(bare_rates):.0f} calls/s (median)")
    print(f"ratio sagelab/bare = {statistics.median(ratios):.2f} (target >= 0.5)")


if __name__ == "__main__":
    main()
