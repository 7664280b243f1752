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
from concurrent.futures import ThreadPoolExecutor

from console_timing import compare, page_getter, serving, signed_in

from sagelab.console.listing import PAGE_SIZE
from sagelab.testing import SagelabServer

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    with serving() as server:
        _fill(server, args.resources)
        sm, web = server.client("sagemaker"), signed_in(server)
        print(f"resources of each kind: {args.resources}, page size {PAGE_SIZE}")
        compare("Models", lambda: sm.list_models(MaxResults=PAGE_SIZE),
                page_getter(web, "/sagemaker/models", "Next page"), args.calls)  # fmt: skip
        compare(
            "Lifecycle configurations",
            lambda: sm.list_notebook_instance_lifecycle_configs(MaxResults=PAGE_SIZE),
            page_getter(web, "/sagemaker/lifecycle-configurations", "Next page"),
            args.calls,
        )


if __name__ == "__main__":
    main()
