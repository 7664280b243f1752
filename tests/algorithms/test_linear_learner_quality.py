"""Linear Learner's models against scikit-learn's on held-out splits of bundled data
(the issue's quality targets), trained through the job contract as the platform runs it."""

from __future__ import annotations

import numpy as np
from algo_kit import csv_bytes, load_boston, recordio_bytes, train
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sagelab.algorithms.linear_learner.model import LinearModel


def _split(x, y, stratify=True):
    return train_test_split(x.astype(np.float32), y.astype(np.float32), test_size=0.25,
                            random_state=7, stratify=y if stratify else None)


def test_boston_regressor_is_within_ten_percent_of_ridge(tmp_path, capsys):
    x_train, x_test, y_train, y_test = _split(*load_boston(), stratify=False)
    params = {"predictor_type": "regressor", "feature_dim": 13, "mini_batch_size": 32,
              "epochs": 15}
    channels = {"train": {"train.csv": csv_bytes(x_train, y_train)},
                "test": {"test.csv": csv_bytes(x_test, y_test)}}
    code, job = train(tmp_path, params, channels)
    assert code == 0, job.failure
    ours = np.sqrt(np.mean((LinearModel.load(job.model_dir).scores(x_test) - y_test) ** 2))
    ridge = Ridge().fit(x_train, y_train)
    theirs = np.sqrt(np.mean((ridge.predict(x_test) - y_test) ** 2))
    assert ours <= 1.10 * theirs, (ours, theirs)
    logged = capsys.readouterr().out
    assert "#quality_metric: host=algo-1, epoch=0, train mse_objective <loss>=" in logged
    assert f"#quality_metric: host=algo-1, test rmse <loss>={ours:.3f}"[:-1] in logged


def _logistic_accuracy(x_train, y_train, x_test, y_test):
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))
    return model.fit(x_train, y_train).score(x_test, y_test)


def test_breast_cancer_binary_accuracy_is_within_one_point_of_logistic_regression(tmp_path):
    x_train, x_test, y_train, y_test = _split(*load_breast_cancer(return_X_y=True))
    # Like with like: LogisticRegression minimises log loss with L2 at C=1 on the summed
    # loss, i.e. wd = 1 / (C * rows) on Linear Learner's mean loss, and predicts at 0.5.
    params = {"predictor_type": "binary_classifier", "mini_batch_size": 32, "epochs": 15,
              "wd": 1 / len(x_train),
              "binary_classifier_model_selection_criteria": "loss_function"}
    code, job = train(tmp_path, params, {"train": {"t.csv": csv_bytes(x_train, y_train)}})
    assert code == 0, job.failure
    model = LinearModel.load(job.model_dir)
    ours = float(np.mean(model.labels(model.scores(x_test)) == y_test))
    assert ours >= _logistic_accuracy(x_train, y_train, x_test, y_test) - 0.01


def test_digits_multiclass_accuracy_is_within_two_points_of_logistic_regression(tmp_path,
                                                                                 capsys):
    x_train, x_test, y_train, y_test = _split(*load_digits(return_X_y=True))
    params = {"predictor_type": "multiclass_classifier", "num_classes": 10,
              "mini_batch_size": 32, "epochs": 10}
    channels = {"train": {"matrix_0.pbr": recordio_bytes(x_train, y_train)},
                "test": {"matrix_0.pbr": recordio_bytes(x_test, y_test)}}
    code, job = train(tmp_path, params, channels, {"train": None, "test": None})
    assert code == 0, job.failure
    model = LinearModel.load(job.model_dir)
    ours = float(np.mean(model.labels(model.scores(x_test)) == y_test))
    assert ours >= _logistic_accuracy(x_train, y_train, x_test, y_test) - 0.02
    logged = capsys.readouterr().out
    assert f"test multiclass_accuracy <score>={ours!r}" in logged
    assert "test multiclass_top_k_accuracy_3 <score>=" in logged
