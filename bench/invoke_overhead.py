"""InvokeEndpoint through sagelab vs POST /invocations straight to the same model server.
Targets (issue 7): throughput ratio >= 0.5 with 16 concurrent clients, p50 added <= 2 ms with
one client.

Like is compared with like, so that the figures measure what the server side adds:
- both sides run the same client code: one raw keep-alive socket per client process sending
  request bytes built before the timed loop, and a minimal response reader;
- both sides send the same headers: each client signs its InvokeEndpoint request once with
  botocore's SigV4 signer (outside the timed loop) and the direct side sends those very
  headers to /invocations, so the client CPU work per call is identical. sagelab still
  verifies the signature (and authorizes) on every request: it caches no signature;
- clients are separate processes (no client GIL bottleneck), started together, warmed up,
  then timed over the same window; rounds alternate direct / sagelab and medians are kept.
The clients share the machine's cores with the server, as any local client does, so the
ratio also moves with the machine's load; the CPU time per call of the sagelab process and of
the model server (psutil, over the timed window) is reported too: it is what the server-side
overhead is, whatever else runs.

`--boto3` also reports the old figure: boto3 clients (SigV4 in Python on every call) through
sagelab vs http.client straight to the model server.

    python bench/invoke_overhead.py [--seconds 3] [--clients 16] [--rounds 3] [--boto3]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import socket
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
from hosting_fixture import endpoint, trained_model

from sagelab.testing import SagelabServer

BODY = ",".join(["0.5"] * 13).encode()
HEADERS = {"Content-Type": "text/csv", "Accept": "application/json"}
WARMUP_S = 0.5
ENDPOINT = "bench"

# Per-call latencies (s) of one client process, after its warm-up.
Timings = list[float]


@dataclass(frozen=True)
class Result:
    rate: float  # calls/s
    p50: float  # ms
    server_cpu: float  # ms of CPU per call in the sagelab process
    model_cpu: float  # ms of CPU per call in the model server


def signed_headers(env: dict[str, str], path: str) -> dict[str, str]:
    """The headers boto3 would send for this InvokeEndpoint (signed as `sagemaker`)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    url = env["AWS_ENDPOINT_URL"] + path
    request = AWSRequest("POST", url, data=BODY, headers=dict(HEADERS))
    creds = Credentials(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"])
    SigV4Auth(creds, "sagemaker", env["AWS_DEFAULT_REGION"]).add_auth(request)
    host = env["AWS_ENDPOINT_URL"].split("://", 1)[1]
    return {"Host": host, **{k: str(v) for k, v in request.headers.items()}}


def raw_request(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items())]
    lines.append(f"Content-Length: {len(BODY)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + BODY


def _exchange(sock_file: Any, sock: socket.socket, request: bytes) -> None:
    """Send one request, read its whole answer; a non-200 ends the benchmark."""
    sock.sendall(request)
    status = sock_file.readline()
    length = -1
    while (line := sock_file.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    body = sock_file.read(length)
    if not status.startswith(b"HTTP/1.1 200") or length < 0:
        raise RuntimeError(f"{status!r} {body[:300]!r}")


def _client(port: int, request: bytes, start: float, stop: float) -> Timings:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock_file = sock.makefile("rb")
    took: Timings = []
    while (now := time.monotonic()) < stop:
        t = time.perf_counter()
        _exchange(sock_file, sock, request)
        if now >= start:  # after the warm-up
            took.append(time.perf_counter() - t)
    sock.close()
    return took


def _boto3_client(env: dict[str, str], start: float, stop: float) -> Timings:
    import boto3

    runtime = boto3.client(
        "sagemaker-runtime",
        endpoint_url=env["AWS_ENDPOINT_URL"],
        region_name=env["AWS_DEFAULT_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )
    took: Timings = []
    while (now := time.monotonic()) < stop:
        t = time.perf_counter()
        runtime.invoke_endpoint(
            EndpointName=ENDPOINT,
            Body=BODY,
            ContentType=HEADERS["Content-Type"],
            Accept=HEADERS["Accept"],
        )["Body"].read()
        if now >= start:
            took.append(time.perf_counter() - t)
    return took


def _http_client(port: int, start: float, stop: float) -> Timings:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    took: Timings = []
    while (now := time.monotonic()) < stop:
        t = time.perf_counter()
        conn.request("POST", "/invocations", body=BODY, headers=HEADERS)
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 200
        if now >= start:
            took.append(time.perf_counter() - t)
    return took


class CpuMeter:
    """CPU seconds used by the sagelab process and by its descendants (the model server)."""

    def __init__(self, pid: int) -> None:
        self.server = psutil.Process(pid)

    def read(self) -> tuple[float, float]:
        def used(p: psutil.Process) -> float:
            t = p.cpu_times()
            return float(t.user + t.system)

        children = sum(used(c) for c in self.server.children(recursive=True))
        return used(self.server), children


def _run(
    clients: int, seconds: float, cpu: CpuMeter, target: Callable[..., Timings], *args: Any
) -> Result:
    """What `clients` processes measured over the same `seconds` window."""
    with multiprocessing.Pool(clients) as pool:
        start = time.monotonic() + 1.0 + WARMUP_S  # 1 s for the pool's processes to start
        pending = pool.starmap_async(target, [(*args, start, start + seconds)] * clients)
        time.sleep(max(0.0, start - time.monotonic()))
        before = cpu.read()
        time.sleep(seconds)
        after = cpu.read()
        results = pending.get()
    calls = [t for r in results for t in r]
    per_call = [(a - b) * 1000 / len(calls) for a, b in zip(after, before, strict=True)]
    return Result(len(calls) / seconds, statistics.median(calls) * 1000, *per_call)


def _rounds(
    rounds: int, clients: int, seconds: float, cpu: CpuMeter, sides: dict[str, tuple[Any, ...]]
) -> dict[str, list[Result]]:
    """Each side `rounds` times, alternating, so load on the machine hits both alike."""
    out: dict[str, list[Result]] = {name: [] for name in sides}
    for _ in range(rounds):
        for name, (target, *args) in sides.items():
            out[name].append(_run(clients, seconds, cpu, target, *args))
    return out


def _median(results: list[Result], field: str) -> float:
    return statistics.median(getattr(r, field) for r in results)


def _report(label: str, got: dict[str, list[Result]], ours: str, base: str) -> None:
    ratios = [o.rate / b.rate for o, b in zip(got[ours], got[base], strict=True)]
    added = [o.p50 - b.p50 for o, b in zip(got[ours], got[base], strict=True)]
    print(f"[{label}]")
    for name in (base, ours):
        runs = ", ".join(f"{r.rate:.0f}/s {r.p50:.2f}ms" for r in got[name])
        print(
            f"  {name:>11}: median {_median(got[name], 'rate'):.0f} calls/s, "
            f"p50 {_median(got[name], 'p50'):.2f} ms; CPU per call: "
            f"sagelab {_median(got[name], 'server_cpu'):.3f} ms, "
            f"model server {_median(got[name], 'model_cpu'):.3f} ms  ({runs})"
        )
    print(f"  throughput ratio {ours}/{base}: median {statistics.median(ratios):.2f}  "
          f"(per round {', '.join(f'{r:.2f}' for r in ratios)})")
    print(f"  p50 added: median {statistics.median(added):.2f} ms  "
          f"(per round {', '.join(f'{a:.2f}' for a in added)})")


def _port(data_dir: Path) -> int:
    status = next(data_dir.glob("endpoints/**/i0.status"))
    return int(json.loads(status.read_text())["port"])


def _measure(server: SagelabServer, args: argparse.Namespace) -> None:
    env, model_port = server.env(), _port(server.data_dir)
    assert server.proc is not None
    cpu = CpuMeter(server.proc.pid)
    path = f"/endpoints/{ENDPOINT}/invocations"
    headers = signed_headers(env, path)
    sides = {
        "direct": (_client, model_port, raw_request("/invocations", headers)),
        "sagelab": (_client, server.port, raw_request(path, headers)),
    }
    for clients, label in ((args.clients, f"{args.clients} clients"), (1, "1 client")):
        _report(label, _rounds(args.rounds, clients, args.seconds, cpu, sides), "sagelab", "direct")
    if args.boto3:
        old = {"http.client": (_http_client, model_port), "boto3": (_boto3_client, env)}
        for clients, label in ((args.clients, f"{args.clients} clients"), (1, "1 client")):
            got = _rounds(args.rounds, clients, args.seconds, cpu, old)
            _report(f"old figure, {label}", got, "boto3", "http.client")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--boto3", action="store_true", help="also the old boto3 figure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = SagelabServer(Path(tmp) / "data")
        server.start()
        try:
            role, model_data = trained_model(server)
            endpoint(server, role, model_data, ENDPOINT)
            _measure(server, args)
        finally:
            server.stop()
    print("targets: throughput ratio >= 0.5 (16 clients), p50 added <= 2 ms (1 client); "
          "the machine is shared: compare runs made back to back")


if __name__ == "__main__":
    main()
