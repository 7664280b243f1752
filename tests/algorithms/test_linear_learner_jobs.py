"""Linear Learner jobs as the platform runs them: a `/opt/ml` tree in, exit code, failure file,
log lines and `model/model_algo-1` out. Hyperparameter and data errors are the user's."""

from __future__ import annotations

import gzip
import io
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest
import scipy.sparse as sp
from algo_kit import csv_bytes, make_job, recordio_bytes, train

from sagelab.algorithms.io import recordio_protobuf
from sagelab.algorithms.linear_learner.hyperparameters import SPEC, resolve
from sagelab.algorithms.linear_learner.model import LinearModel

RNG = np.random.default_rng(0)
X = RNG.normal(size=(300, 4)).astype(np.float32)
Y = (X @ np.array([1.0, -2.0, 0.5, 3.0]) + 4).astype(np.float32)
BASIC = {"predictor_type": "regressor", "mini_batch_size": 50, "epochs": 3, "num_models": 4}


def test_a_misspelt_predictor_type_fails_naming_the_parameter_and_its_values(tmp_path):
    code, job = train(tmp_path, BASIC | {"predictor_type": "regresor"},
                      {"train": {"t.csv": csv_bytes(X, Y)}})
    assert code == 1
    assert "predictor_type" in job.failure
    assert "'regresor' is not one of ['binary_classifier', 'multiclass_classifier', " \
           "'regressor']" in job.failure


@pytest.mark.parametrize(("extra", "words"), [
    ({"epochs": "0"}, ["epochs", "minimum of 0"]),
    ({"learning_rate": "fast"}, ["learning_rate", "'fast' is not of type 'number'"]),
    ({"use_bias": "maybe"}, ["use_bias", "'maybe' is not one of ['true', 'false']"]),
    ({"not_a_parameter": "1"}, ["Additional properties are not allowed",
                                "'not_a_parameter' was unexpected"]),
    ({"loss": "logistic"}, ["loss", "'logistic' is not valid for predictor_type 'regressor'"]),
    ({"predictor_type": "multiclass_classifier"}, ["num_classes"]),
])
def test_invalid_hyperparameters_fail_as_client_errors(tmp_path, extra, words):
    code, job = train(tmp_path, BASIC | extra, {"train": {"t.csv": csv_bytes(X, Y)}})
    assert code == 1
    for word in words:
        assert word in job.failure


def test_missing_predictor_type_is_named():
    with pytest.raises(Exception, match="'predictor_type' which are required"):
        SPEC.validate({"epochs": "3"})


def test_strings_from_the_sdk_and_tuners_parse():
    config = resolve({"predictor_type": "binary_classifier", "use_bias": "False",
                      "normalize_data": "TRUE", "learning_rate": "auto",
                      "_tuning_objective_metric": "validation:objective_loss",
                      "binary_classifier_model_selection_criteria": "f1"})
    assert config["use_bias"] is False
    assert config.learning_rate is None
    assert config.num_models == 1  # under tuning, one model
    assert config.criterion == "f_beta"
    assert resolve({"predictor_type": "regressor"}).num_models == 32


def test_the_spec_describes_tunable_ranges():
    rows = {row["Name"]: row for row in SPEC.describe()}
    assert rows["learning_rate"]["IsTunable"] is True
    assert rows["predictor_type"]["IsRequired"] is True


def _trained(job):
    return LinearModel.load(job.model_dir)


def test_sdk_record_set_shards_train_without_a_content_type(tmp_path):
    """`record_set()` uploads matrix_<i>.pbr shards and sends no ContentType."""
    shards = {f"matrix_{i}.pbr": recordio_bytes(X[i::2], Y[i::2]) for i in range(2)}
    params = BASIC | {"feature_dim": 4, "epochs": 10, "mini_batch_size": 10}
    code, job = train(tmp_path, params, {"train": shards}, {"train": None})
    assert code == 0, job.failure
    with zipfile.ZipFile(job.model_dir / "model_algo-1") as archive:
        assert {"sagelab.json", "weights.npz"} <= set(archive.namelist())
    predicted = _trained(job).scores(X)
    assert np.sqrt(np.mean((predicted - Y) ** 2)) < 0.5


@pytest.mark.parametrize("dtype", ["float64", "int64"])
def test_float64_and_int32_tensors_train(tmp_path, dtype):
    body = recordio_bytes(np.round(X * 10).astype(dtype), np.round(Y).astype(dtype))
    code, job = train(tmp_path, BASIC, {"train": {"t.pbr": body}},
                      {"train": "application/x-recordio-protobuf"})
    assert code == 0, job.failure


def test_sparse_recordio_and_gzipped_csv_train(tmp_path):
    out = io.BytesIO()
    recordio_protobuf.write_sparse(out, sp.csr_matrix(X), Y)
    code, job = train(tmp_path / "a", BASIC | {"feature_dim": 4},
                      {"train": {"s.pbr": out.getvalue()}},
                      {"train": "application/x-recordio-protobuf"})
    assert code == 0, job.failure
    compressed = gzip.compress(csv_bytes(X, Y))
    code, job = train(tmp_path / "b", BASIC, {"train": {"t.csv.gz": compressed}})
    assert code == 0, job.failure


def test_corrupt_csv_fails_naming_the_file_and_record(tmp_path):
    body = csv_bytes(X[:10], Y[:10]).replace(b"\n", b"\n1.0,2.0,x,4,5\n", 1)
    code, job = train(tmp_path, BASIC, {"train": {"good.csv": csv_bytes(X, Y), "bad.csv": body}})
    assert code == 1
    assert "train/bad.csv, record 2" in job.failure
    assert "'x' is not a number" in job.failure


def test_corrupt_recordio_fails_naming_the_file(tmp_path):
    body = recordio_bytes(X[:5], Y[:5]) + b"garbage!"
    code, job = train(tmp_path, BASIC, {"train": {"part.pbr": body}},
                      {"train": "application/x-recordio-protobuf"})
    assert code == 1
    assert "train/part.pbr, record 6" in job.failure and "magic" in job.failure


def test_feature_dim_that_disagrees_with_the_data_is_reported(tmp_path):
    params = BASIC | {"feature_dim": 7}
    code, job = train(tmp_path, params, {"train": {"t.csv": csv_bytes(X, Y)}})
    assert code == 1
    assert "expected 8 columns, found 5" in job.failure


def test_binary_labels_must_be_zero_or_one(tmp_path):
    params = BASIC | {"predictor_type": "binary_classifier"}
    code, job = train(tmp_path, params, {"train": {"t.csv": csv_bytes(X, Y)}})
    assert code == 1
    assert "binary_classifier labels must be 0 or 1" in job.failure


def test_an_empty_train_channel_is_the_users_error(tmp_path):
    job = make_job(tmp_path, BASIC, {"train": {}})
    (tmp_path / "input" / "data" / "train").mkdir(parents=True)
    from sagelab.algorithms.contract import run_training
    assert run_training("linear-learner", job.base) == 1
    assert "No data found in channel 'train'" in job.failure


def test_pipe_mode_reads_one_fifo_per_epoch(tmp_path):
    job = make_job(tmp_path, BASIC, {})
    config = tmp_path / "input" / "config" / "inputdataconfig.json"
    config.write_text('{"train": {"TrainingInputMode": "Pipe", "ContentType": "text/csv"}}')
    data = tmp_path / "input" / "data"
    data.mkdir(parents=True, exist_ok=True)
    fifos = [data / f"train_{epoch}" for epoch in range(BASIC["epochs"])]
    for fifo in fifos:
        os.mkfifo(fifo)
    runner = subprocess.Popen([sys.executable, "-m", "sagelab.algorithms", "linear-learner",
                               str(tmp_path)], stdout=subprocess.PIPE, text=True)
    for fifo in fifos:  # a feeder writes each epoch's FIFO in turn, as the platform does
        with fifo.open("wb") as pipe:
            pipe.write(csv_bytes(X, Y))
    output, _ = runner.communicate(timeout=60)
    assert runner.returncode == 0, job.failure
    assert "#quality_metric: host=algo-1, epoch=2, train mse_objective <loss>=" in output
    assert (job.model_dir / "model_algo-1").exists()


@pytest.mark.parametrize(("loss", "optimizer"), [
    ("absolute_loss", "sgd"), ("eps_insensitive_squared_loss", "rmsprop"),
    ("eps_insensitive_absolute_loss", "adam"), ("quantile_loss", "adam"),
    ("huber_loss", "sgd"),
])
def test_every_regression_loss_and_optimizer_fits(tmp_path, loss, optimizer):
    params = BASIC | {"loss": loss, "optimizer": optimizer, "epochs": 10,
                      "mini_batch_size": 20, "num_models": "auto"}
    code, job = train(tmp_path, params, {"train": {"t.csv": csv_bytes(X, Y)}})
    assert code == 0, job.failure
    error = _trained(job).scores(X) - Y
    assert np.sqrt(np.mean(error**2)) < 0.25 * Y.std()


def test_hinge_loss_and_balanced_weights_find_the_rare_class(tmp_path):
    labels = (X[:, 0] > 1.2).astype(np.float32)  # about 12% positives
    params = BASIC | {"predictor_type": "binary_classifier", "loss": "hinge_loss",
                      "positive_example_weight_mult": "balanced", "epochs": 10,
                      "mini_batch_size": 20,
                      "binary_classifier_model_selection_criteria": "recall_at_target_precision",
                      "target_precision": 0.5}
    code, job = train(tmp_path, params, {"train": {"t.csv": csv_bytes(X, labels)}})
    assert code == 0, job.failure
    model = _trained(job)
    predicted = model.labels(model.scores(X))
    assert predicted[labels == 1].mean() > 0.9  # recall
    assert labels[predicted == 1].mean() >= 0.5  # precision
