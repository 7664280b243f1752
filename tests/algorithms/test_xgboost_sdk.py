"""XGBoost algorithm mode through the unchanged SDK v2: generic Estimator on the
`sagemaker-xgboost` image, CSV channels, the monitor lines in the job's log, the booster."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from builtin_story import make_role, notebook, unpack_model

from sagelab.algorithms import registry
from sagelab.testing import SagelabServer

pytestmark = pytest.mark.slow


def test_generic_estimator_trains_and_its_booster_serves(
        server: SagelabServer, tmp_path: Path) -> None:
    out, result = notebook(server, tmp_path, make_role(server), """
        from sklearn.datasets import load_breast_cancer
        from sagemaker.estimator import Estimator
        from sagemaker.inputs import TrainingInput
        x, y = load_breast_cancer(return_X_y=True)
        uris = {}
        for name, rows in (("train", slice(0, 400)), ("validation", slice(400, None))):
            np.savetxt(f"{name}.csv", np.column_stack([y[rows], x[rows]]), delimiter=",")
            uris[name] = TrainingInput(session.upload_data(f"{name}.csv", key_prefix=f"xgb/{name}"),
                                       content_type="text/csv")
        est = Estimator(image_uris.retrieve("xgboost", session.boto_region_name, "1.7-1"), role,
                        instance_count=1, instance_type="ml.m5.large", sagemaker_session=session)
        est.set_hyperparameters(objective="binary:logistic", num_round=20, eval_metric="auc")
        est.fit(uris, logs=True)
        bad = Estimator(image_uris.retrieve("xgboost", session.boto_region_name, "3.0-5"), role,
                        instance_count=1, instance_type="ml.m5.large", sagemaker_session=session,
                        hyperparameters={"objective": "binary:nope", "num_round": 2})
        try:
            bad.fit(uris, logs=False)
            error = None
        except Exception as exc:
            error = str(exc)
        report(model=est.model_data, error=error)
        """)
    assert "#011validation-auc:" in out or "\tvalidation-auc:" in out
    assert result["error"] and "objective" in result["error"]
    model_dir = unpack_model(server, result["model"], tmp_path / "model")
    assert (model_dir / "xgboost-model").is_file()
    xgb = registry.get("xgboost")
    rows = np.loadtxt(tmp_path / "validation.csv", delimiter=",")[:4, 1:]
    body = "\n".join(",".join(map(str, r)) for r in rows).encode()
    answer, media = xgb.invoke(xgb.load(model_dir), body, "text/csv", "*/*")
    assert media.startswith("text/csv")
    assert all(0 <= float(v) <= 1 for v in answer.decode().splitlines())
