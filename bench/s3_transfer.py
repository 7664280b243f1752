"""1 GiB through boto3's transfer manager (8 MiB parts, 10 threads) against `cp` of the same
file on the same disk; the server's peak RSS meanwhile.
Targets: PUT and GET throughput ratios >= 0.5; peak RSS <= 200 MB.

Also printed: the same upload against a sink server that discards the bytes
(`s3_sink_app.py`): boto3's own ceiling here (SigV4 payload hashing and checksums on the
client), which a durable server (hash, write, fsync) can approach but not pass.

    python bench/s3_transfer.py [--mib 1024]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).parent))
from s3_bench_servers import sagelab

from sagelab.testing import free_port, wait_http

MIB = 1 << 20


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _timed(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - start


def _sink_upload(src: Path, config: TransferConfig) -> float:
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("s3_sink_app.py")), "--port", str(port)]
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/_sagelab/health", 30, sink)
        s3 = boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id="sink",
            aws_secret_access_key="sink",
            config=Config(retries={"max_attempts": 1}),
        )
        return _timed(lambda: s3.upload_file(str(src), "bench", "big", Config=config))
    finally:
        sink.terminate()
        sink.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=1024)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        root = Path(tmp)
        src = root / "source.bin"
        with src.open("wb") as out:
            for _ in range(args.mib):
                out.write(os.urandom(MIB))
        cp_up = _timed(lambda: shutil.copyfile(src, root / "copy-1.bin"))
        cp_down = _timed(lambda: shutil.copyfile(root / "copy-1.bin", root / "copy-2.bin"))
        (root / "copy-1.bin").unlink()
        (root / "copy-2.bin").unlink()
        config = TransferConfig(multipart_chunksize=8 * MIB, max_concurrency=10)
        ceiling = _sink_upload(src, config)
        with sagelab(root / "data") as (server, s3):
            s3.create_bucket(Bucket="bench")
            put = _timed(lambda: s3.upload_file(str(src), "bench", "big", Config=config))
            get = _timed(
                lambda: s3.download_file("bench", "big", str(root / "back.bin"), Config=config)
            )
            assert server.proc is not None
            rss = _peak_rss_mb(server.proc.pid)
        assert (root / "back.bin").stat().st_size == src.stat().st_size
    size = args.mib * MIB
    print(f"cp: {size / cp_up / MIB:.0f} MiB/s write-copy, {size / cp_down / MIB:.0f} MiB/s")
    print(f"PUT {size / put / MIB:.0f} MiB/s, ratio vs cp {cp_up / put:.2f} (target >= 0.5)")
    print(
        f"PUT into a discarding sink (boto3's ceiling here): {size / ceiling / MIB:.0f} MiB/s; "
        f"sagelab/sink {ceiling / put:.2f}"
    )
    print(f"GET {size / get / MIB:.0f} MiB/s, ratio vs cp {cp_down / get:.2f} (target >= 0.5)")
    print(f"server peak RSS {rss:.0f} MB (target <= 200)")


if __name__ == "__main__":
    main()
