"""Linear Learner's serving contract, driven by the SageMaker SDK's own serializers and
deserializers as `LinearLearnerPredictor` and a generic `Predictor` use them."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from algo_kit import csv_bytes, train
from sagemaker.base_deserializers import JSONDeserializer
from sagemaker.base_serializers import CSVSerializer
from sagemaker.deserializers import RecordDeserializer
from sagemaker.serializers import RecordSerializer

from sagelab.algorithms import registry
from sagelab.algorithms.errors import InvocationError

RNG = np.random.default_rng(3)
X = RNG.normal(size=(400, 3)).astype(np.float32)
SCORE = X @ np.array([2.0, -1.0, 0.5])
PARAMS = {"mini_batch_size": 20, "epochs": 10, "num_models": 4}
LL = registry.get("linear-learner")


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    labels = {"regressor": SCORE, "binary_classifier": (SCORE > 0) * 1.0,
              "multiclass_classifier": np.digitize(SCORE, [-1, 1]) * 1.0}
    found = {}
    for kind, y in labels.items():
        extra = {"num_classes": 3} if kind == "multiclass_classifier" else {}
        code, job = train(tmp_path_factory.mktemp(kind), PARAMS | extra | {"predictor_type": kind},
                          {"train": {"t.csv": csv_bytes(X, y.astype(np.float32))}})
        assert code == 0, job.failure
        found[kind] = LL.load(job.model_dir)
    return found


def test_linear_learner_predictor_round_trips_recordio(models):
    serializer, deserializer = RecordSerializer(), RecordDeserializer()
    request = serializer.serialize(X[:4]).getvalue()  # what boto3 sends as Body
    body, content_type = LL.invoke(models["binary_classifier"], request,
                                   serializer.CONTENT_TYPE, deserializer.ACCEPT[0])
    assert content_type == "application/x-recordio-protobuf"
    records = deserializer.deserialize(io.BytesIO(body), content_type)
    assert len(records) == 4
    for record, expected in zip(records, SCORE[:4] > 0, strict=True):
        assert record.label["predicted_label"].float32_tensor.values[0] == float(expected)
        assert 0 <= record.label["score"].float32_tensor.values[0] <= 1


def test_csv_in_json_out_for_a_regressor(models):
    request = CSVSerializer().serialize(X[:3]).encode()
    body, content_type = LL.invoke(models["regressor"], request, "text/csv", "*/*")
    assert content_type == "application/json"
    answer = JSONDeserializer().deserialize(io.BytesIO(body), content_type)
    assert list(answer) == ["predictions"]
    scores = [p["score"] for p in answer["predictions"]]
    assert list(answer["predictions"][0]) == ["score"]
    np.testing.assert_allclose(scores, SCORE[:3], atol=0.5)


def test_json_and_jsonlines_shapes_for_classifiers(models):
    request = json.dumps({"instances": [{"features": X[0].tolist()},
                                        {"data": {"features": {"values": X[1].tolist()}}}]})
    body, _ = LL.invoke(models["multiclass_classifier"], request.encode(), "application/json",
                        "application/json")
    predictions = json.loads(body)["predictions"]
    assert isinstance(predictions[0]["predicted_label"], int)
    assert len(predictions[0]["score"]) == 3
    assert predictions[0]["predicted_label"] == int(np.argmax(predictions[0]["score"]))
    lines = "\n".join(json.dumps({"features": row.tolist()}) for row in X[:2])
    body, content_type = LL.invoke(models["binary_classifier"], lines.encode(),
                                   "application/jsonlines", "application/jsonlines")
    rows = [json.loads(line) for line in body.decode().splitlines()]
    assert content_type == "application/jsonlines"
    assert [set(r) for r in rows] == [{"score", "predicted_label"}] * 2


def test_sparse_json_instances_are_densified(models):
    dense = np.array([[0.0, 1.5, 0.0]], dtype=np.float32)
    sparse = {"instances": [{"data": {"features": {"keys": [1], "shape": [3],
                                                   "values": [1.5]}}}]}
    a, _ = LL.invoke(models["regressor"], json.dumps(sparse).encode(), "application/json", "")
    b, _ = LL.invoke(models["regressor"], csv_bytes(dense, None), "text/csv", "")
    assert json.loads(a) == json.loads(b)


@pytest.mark.parametrize(("body", "content_type", "accept", "status", "words"), [
    (b"1,2\n", "text/csv", "*/*", 400, "expects 3 features"),
    (b"1,2,abc\n", "text/csv", "*/*", 400, "'abc' is not a number"),
    (b"{not json", "application/json", "*/*", 400, "Unable to parse the JSON"),
    (b"1,2,3", "image/png", "*/*", 415, "not supported"),
    (b"1,2,3", "text/csv", "text/html", 406, "not supported"),
])
def test_bad_requests_carry_a_client_status(models, body, content_type, accept, status, words):
    with pytest.raises(InvocationError, match=words) as caught:
        LL.invoke(models["regressor"], body, content_type, accept)
    assert caught.value.status == status
