"""What the built-in algorithms' SDK stories share: a notebook run in a fresh interpreter
pointed at sagelab by the environment alone, an execution role, and the trained artifact."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import textwrap
import uuid
from pathlib import Path
from typing import Any

from sagelab.testing import SagelabServer

_PREAMBLE = """
import io, json, sys
import numpy as np
import sagemaker
from sagemaker import image_uris
session = sagemaker.Session()
role = sys.argv[1]
def report(**values):
    print("RESULT " + json.dumps(values, default=str))
"""
_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": ["sagemaker.amazonaws.com"]},
    "Action": "sts:AssumeRole"}]}


def make_role(server: SagelabServer) -> str:
    iam = server.client("iam")
    name = f"SageMakerRole-{uuid.uuid4().hex[:8]}"
    arn: str = iam.create_role(RoleName=name,
                               AssumeRolePolicyDocument=json.dumps(_TRUST))["Role"]["Arn"]
    iam.attach_role_policy(RoleName=name,
                           PolicyArn="arn:aws:iam::aws:policy/AmazonSageMakerFullAccess")
    return arn


def notebook(server: SagelabServer, tmp_path: Path, role: str, cells: str) -> tuple[str, Any]:
    """Runs the cells; answers their output and the last `report(...)`."""
    env = server.env() | {"HOME": str(tmp_path), "TMPDIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", _PREAMBLE + textwrap.dedent(cells), role],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=150)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
    return done.stdout, json.loads(results[-1][len("RESULT "):])


def unpack_model(server: SagelabServer, s3_uri: str, into: Path) -> Path:
    """The job's `model.tar.gz`, unpacked as the serving side would."""
    bucket, _, key = s3_uri.removeprefix("s3://").partition("/")
    body = server.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    into.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(body)) as archive:
        archive.extractall(into, filter="data")
    return into
