"""CreateEndpoint → InService, as the server records it (LastModifiedTime - CreationTime of
the InService Describe) and as a client polling every 20 ms sees it. Target: ≤ 2 s.

    python bench/endpoint_ready.py [--endpoints 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from hosting_fixture import endpoint, trained_model

from sagelab.testing import SagelabServer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoints", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = SagelabServer(Path(tmp) / "data")
        server.start()
        try:
            role, model_data = trained_model(server)
            server_side, client_side = [], []
            for n in range(args.endpoints):
                started = time.time()
                described = endpoint(server, role, model_data, f"ready-{n}")
                assert described["EndpointStatus"] == "InService", described
                client_side.append(time.time() - started)
                created, ready = described["CreationTime"], described["LastModifiedTime"]
                server_side.append((ready - created).total_seconds())
        finally:
            server.stop()
    print(
        f"CreateEndpoint -> InService, server-side median: {statistics.median(server_side):.2f} s"
    )
    print(
        f"CreateEndpoint -> InService, client-seen median: {statistics.median(client_side):.2f} s"
    )
    print("target: <= 2 s server-side")


if __name__ == "__main__":
    main()
