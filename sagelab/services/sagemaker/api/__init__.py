"""The SageMaker api class, assembled from one mixin per family of operations."""

from __future__ import annotations

from sagelab.services.sagemaker.api.training import TrainingApi


class SageMakerApi(TrainingApi):
    service_name = "sagemaker"
