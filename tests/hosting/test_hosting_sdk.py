"""The lesson's hosting cells through the unchanged SageMaker SDK v2: train, deploy, predict
with CSVSerializer/JSONDeserializer, score, delete; and the LinearLearner class's default
RecordIO predictor."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sagelab.testing import SagelabServer, run_sdk


@pytest.mark.slow
def test_lesson_train_deploy_predict_delete(
    server: SagelabServer, hosting_role: str, tmp_path: Path
) -> None:
    result = run_sdk(
        server,
        tmp_path,
        """
        import io, json, sys
        import numpy as np
        import sagemaker
        import sagemaker.amazon.common as smac
        from sagemaker import image_uris
        from sagemaker.estimator import Estimator
        from sagemaker.serializers import CSVSerializer
        from sagemaker.deserializers import JSONDeserializer

        rng = np.random.default_rng(7)
        X = rng.normal(size=(200, 13)).astype("float32")
        y = (X @ rng.normal(size=13) + 3.0).astype("float32")
        session = sagemaker.Session()
        bucket = session.default_bucket()
        buf = io.BytesIO()
        smac.write_numpy_to_dense_tensor(buf, X, y)
        buf.seek(0)
        session.boto_session.resource("s3").Bucket(bucket).Object(
            "boston/train/recordio-pb-data").upload_fileobj(buf)
        container = image_uris.retrieve("linear-learner", session.boto_region_name)
        est = Estimator(container, sys.argv[1], instance_count=1,
                        instance_type="ml.m5.large", output_path=f"s3://{bucket}/out",
                        sagemaker_session=session)
        est.set_hyperparameters(feature_dim=13, predictor_type="regressor",
                                mini_batch_size=50, epochs=5)
        est.fit({"train": f"s3://{bucket}/boston/train"}, logs=False)
        predictor = est.deploy(initial_instance_count=1, instance_type="ml.m5.large",
                               serializer=CSVSerializer(), deserializer=JSONDeserializer())
        answer = predictor.predict(X[:20])
        scores = [p["score"] for p in answer["predictions"]]
        mse = float(np.mean((np.array(scores) - y[:20]) ** 2))
        name = predictor.endpoint_name
        predictor.delete_endpoint()
        sm = session.sagemaker_client
        sm.get_waiter("endpoint_deleted").wait(
            EndpointName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})
        try:
            sm.describe_endpoint(EndpointName=name)
            gone = False
        except sm.exceptions.ClientError as err:
            gone = "Could not find endpoint" in str(err)
        print()
        print(json.dumps({"n": len(scores), "mse": mse, "var": float(np.var(y[:20])),
                          "gone": gone}))
        """,
        hosting_role,
    )
    assert result["n"] == 20
    assert result["mse"] < result["var"]  # the model predicts, not a constant
    assert result["gone"]


def test_linear_learner_default_predictor_speaks_recordio(
    server: SagelabServer, deploy: Callable[..., str], tmp_path: Path
) -> None:
    name = deploy()
    result = run_sdk(
        server,
        tmp_path,
        """
        import json, sys
        import numpy as np
        from sagemaker import LinearLearnerPredictor
        predictor = LinearLearnerPredictor(sys.argv[1])
        x = np.random.default_rng(1).normal(size=(4, 13)).astype("float32")
        records = predictor.predict(x)
        print(json.dumps([r.label["score"].float32_tensor.values[0] for r in records]))
        """,
        name,
    )
    assert len(result) == 4 and all(isinstance(v, float) for v in result)
