"""The SageMaker api class, assembled from one mixin per family of operations."""

from __future__ import annotations

from sagelab.services.sagemaker.api.notebooks import NotebooksApi
from sagelab.services.sagemaker.api.training import TrainingApi


class SageMakerApi(TrainingApi, NotebooksApi):
    service_name = "sagemaker"
