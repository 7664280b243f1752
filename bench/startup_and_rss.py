"""Start to healthy and idle memory of `sagelab serve`, against a bare Starlette/uvicorn app
started the same way in the same run. Targets: start to healthy <= 2 s, idle RSS <= 150 MB.

    python bench/startup_and_rss.py [--runs 3]
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

from sagelab.testing import SagelabServer, free_port, wait_http


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _sagelab_start(tmp: Path, fresh: bool) -> tuple[float, float]:
    data = tmp / ("fresh-" + str(time.monotonic_ns()) if fresh else "reused")
    server = SagelabServer(data, extra_args=["--log-level", "error"])
    start = time.perf_counter()
    server.start()
    elapsed = time.perf_counter() - start
    sts = boto3.client(
        "sts",
        endpoint_url=server.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id=server.access_key_id,
        aws_secret_access_key=server.secret_access_key,
    )
    for _ in range(20):
        sts.get_caller_identity()
    time.sleep(1.0)
    assert server.proc is not None
    rss = _rss_mb(server.proc.pid)
    server.stop()
    return elapsed, rss


def _bare_start(tmp: Path) -> tuple[float, float]:
    reply = tmp / "reply.json"
    reply.write_text(json.dumps({"status": 200, "headers": {}, "body": "{}"}))
    port = free_port()
    start = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("bare_app.py")),
            "--port",
            str(port),
            "--reply",
            str(reply),
        ]
    )
    wait_http(f"http://127.0.0.1:{port}/_sagelab/health", 30, proc)
    elapsed = time.perf_counter() - start
    time.sleep(1.0)
    rss = _rss_mb(proc.pid)
    proc.terminate()
    proc.wait()
    return elapsed, rss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        fresh = [_sagelab_start(tmp, True) for _ in range(args.runs)]
        reused = [_sagelab_start(tmp, False) for _ in range(args.runs)]
        bare = [_bare_start(tmp) for _ in range(args.runs)]
    med = statistics.median
    base_t, base_rss = med(b[0] for b in bare), med(b[1] for b in bare)
    for label, runs in (("new data dir", fresh), ("existing data dir", reused)):
        t, rss = med(r[0] for r in runs), med(r[1] for r in runs)
        print(
            f"sagelab start to healthy ({label}): {t:.2f} s (target <= 2 s), "
            f"{t / base_t:.1f}x bare uvicorn's {base_t:.2f} s"
        )
        print(
            f"sagelab idle RSS ({label}): {rss:.0f} MB (target <= 150 MB), "
            f"bare uvicorn {base_rss:.0f} MB"
        )


if __name__ == "__main__":
    main()
