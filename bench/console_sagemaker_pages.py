"""SageMaker console list pages vs the List call underneath them, with 1,000 resources.

Fills a real `sagelab serve` with 1,000 models and 1,000 lifecycle configurations, then
times, as the median of N, (a) boto3's ListModels / ListNotebookInstanceLifecycleConfigs
with the console's page size and (b) a GET of the console's Models / Lifecycle
configurations page signed in through the real form, and prints each ratio (target <= 2)
and the page's server time from its `Server-Timing` header (target < 200 ms).

    python bench/console_sagemaker_pages.py [--resources 1000] [--calls 50]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from console_pages import CONSOLE, _median, _server_ms, _signed_in

from sagelab.testing import SagelabServer

PAGE_SIZE = 50  # sagelab.console.pages.sagemaker.PAGE_SIZE
IMAGE = "382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1"
TRUST = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",'
    ' "Principal": {"Service": "sagemaker.amazonaws.com"}}]}'
)


def _fill(server: SagelabServer, count: int) -> None:
    sm = server.client("sagemaker")
    iam = server.client("iam")
    role = iam.create_role(RoleName="bench", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]

    def one(i: int) -> None:
        sm.create_model(ModelName=f"model-{i:05d}", ExecutionRoleArn=role,
                        PrimaryContainer={"Image": IMAGE})  # fmt: skip
        sm.create_notebook_instance_lifecycle_config(
            NotebookInstanceLifecycleConfigName=f"lcc-{i:05d}"
        )

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(count)))


def _compare(label: str, api: Callable[[], Any], page: Callable[[], Any], calls: int) -> None:
    for _ in range(5):  # warm both paths
        api(), page()
    api_s, _ = _median(api, calls)
    page_s, pages = _median(page, calls)
    server_ms = statistics.median(_server_ms(r) for r in pages)
    print(f"{label}: API p50 {api_s * 1000:.1f} ms, page p50 {page_s * 1000:.1f} ms, "
          f"page server time {server_ms:.1f} ms (target < 200), "
          f"ratio {page_s / api_s:.2f} (target <= 2)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = SagelabServer(Path(tmp) / "data")
        server.start()
        try:
            _fill(server, args.resources)
            sm, web = server.client("sagemaker"), _signed_in(server)

            def page(path: str) -> Callable[[], Any]:
                def get() -> Any:
                    response = web.get(f"{CONSOLE}/sagemaker/{path}")
                    assert response.status_code == 200 and "Next page" in response.text
                    return response

                return get

            print(f"resources of each kind: {args.resources}, page size {PAGE_SIZE}")
            _compare("Models", lambda: sm.list_models(MaxResults=PAGE_SIZE),
                     page("models"), args.calls)  # fmt: skip
            _compare(
                "Lifecycle configurations",
                lambda: sm.list_notebook_instance_lifecycle_configs(MaxResults=PAGE_SIZE),
                page("lifecycle-configurations"),
                args.calls,
            )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
