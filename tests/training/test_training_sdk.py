"""The SageMaker SDK v2 training flows as the lesson's notebooks write them, each run in a
fresh interpreter pointed at sagelab by the environment alone (as a notebook kernel is)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from sagelab.testing import SagelabServer

pytestmark = pytest.mark.slow

_PREAMBLE = """
import io, json, sys
import numpy as np
import sagemaker
from sagemaker import image_uris
rng = np.random.default_rng(7)
X = rng.normal(size=(200, 13)).astype("float32")
y = (X @ rng.normal(size=13) + 3.0).astype("float32")
session = sagemaker.Session()
role = sys.argv[1]
def report(**values):
    print("RESULT " + json.dumps(values, default=str))
"""


def notebook(server: SagelabServer, tmp_path: Path, role: str, cells: str) -> tuple[str, Any]:
    """Runs the cells; answers their output and what they `report(...)`ed."""
    env = server.env() | {"HOME": str(tmp_path), "TMPDIR": str(tmp_path)}
    script = _PREAMBLE + textwrap.dedent(cells)
    done = subprocess.run(
        [sys.executable, "-c", script, role],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=150,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
    return done.stdout, json.loads(results[-1][len("RESULT ") :])


def test_generic_estimator_with_recordio_logs_and_attach(
    server: SagelabServer, role: str, tmp_path: Path
) -> None:
    out, result = notebook(
        server,
        tmp_path,
        role,
        """
        import sagemaker.amazon.common as smac
        from sagemaker.estimator import Estimator
        uris = {}
        for channel in ("train", "validation"):
            buf = io.BytesIO()
            smac.write_numpy_to_dense_tensor(buf, X, y)
            with open(f"recordio-{channel}", "wb") as f:
                f.write(buf.getvalue())
            uris[channel] = session.upload_data(f"recordio-{channel}",
                                                key_prefix=f"boston/{channel}")
        container = image_uris.retrieve("linear-learner", session.boto_region_name)
        est = Estimator(container, role, instance_count=1, instance_type="ml.m5.large",
                        output_path=f"s3://{session.default_bucket()}/boston/output",
                        sagemaker_session=session)
        est.set_hyperparameters(feature_dim=13, predictor_type="regressor",
                                mini_batch_size=50, epochs=3)
        est.fit({"train": uris["train"], "validation": uris["validation"]}, logs=True)
        attached = Estimator.attach(est.latest_training_job.name, sagemaker_session=session)
        report(name=est.latest_training_job.name, model=est.model_data,
               attached=attached.model_data, hps=attached.hyperparameters())
        """,
    )
    assert "#quality_metric: host=algo-1, validation mse" in out
    assert "Training seconds:" in out and "Billable seconds:" in out
    assert result["model"].endswith(f"/{result['name']}/output/model.tar.gz")
    assert result["attached"] == result["model"]
    assert result["hps"]["predictor_type"] == "regressor"


def test_linear_learner_record_set_and_csv_channel(
    server: SagelabServer, role: str, tmp_path: Path
) -> None:
    _, result = notebook(
        server,
        tmp_path,
        role,
        """
        from sagemaker import LinearLearner, TrainingInput
        ll = LinearLearner(role=role, instance_count=1, instance_type="ml.m5.large",
                           predictor_type="regressor", epochs=3, sagemaker_session=session)
        ll.fit([ll.record_set(X, labels=y, channel="train"),
                ll.record_set(X[:50], labels=y[:50], channel="validation")], logs=False)
        first = session.describe_training_job(ll.latest_training_job.name)
        rows = "\\n".join(",".join(str(v) for v in [l, *r]) for l, r in zip(y, X))
        uri = session.upload_string_as_file_body(rows, session.default_bucket(), "llcsv/train.csv")
        from sagemaker.estimator import Estimator
        est = Estimator(image_uris.retrieve("linear-learner", session.boto_region_name), role,
                        instance_count=1, instance_type="ml.m5.large", sagemaker_session=session,
                        hyperparameters={"feature_dim": 13, "predictor_type": "regressor"})
        est.fit({"train": TrainingInput(uri.rsplit("/", 1)[0] + "/", content_type="text/csv")},
                logs=False)
        second = session.describe_training_job(est.latest_training_job.name)
        report(first=first["TrainingJobStatus"],
               kind=first["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3DataType"],
               second=second["TrainingJobStatus"], reason=second.get("FailureReason"))
        """,
    )
    assert result["first"] == "Completed" and result["kind"] == "ManifestFile"
    assert result["second"] == "Completed", result["reason"]
