"""What the hosting benchmarks share: a server with a trained Linear Learner model, and
endpoints made from it. The hosting stories' kit does the work (tests/hosting/hosting_kit.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.extend(str(Path(__file__).parents[1] / "tests" / d) for d in ("training", "hosting"))

from hosting_kit import serve, trained_job
from training_kit import make_role

from sagelab.testing import SagelabServer


def trained_model(server: SagelabServer) -> tuple[str, str]:
    """(role ARN, model.tar.gz URI) of a regressor over 13 features."""
    role = make_role(server, ["AmazonSageMakerFullAccess"])
    server.client("s3").create_bucket(Bucket="sagemaker-bench")
    job = trained_job(server, role, "sagemaker-bench", timeout=600.0)
    return role, job["ModelArtifacts"]["S3ModelArtifacts"]


def endpoint(server: SagelabServer, role: str, model_data: str, name: str) -> dict[str, Any]:
    """Creates the endpoint; answers its Describe once it left Creating (polled every 20 ms,
    so that the client-seen readiness is that precise)."""
    return serve(server.client("sagemaker"), name, role, model_data, poll=0.02)
