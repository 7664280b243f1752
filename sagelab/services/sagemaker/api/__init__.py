"""The SageMaker api class, assembled from one mixin per family of operations."""

from __future__ import annotations

from sagelab.services.sagemaker.api.hosting import HostingApi
from sagelab.services.sagemaker.api.notebooks import NotebooksApi
from sagelab.services.sagemaker.api.training import TrainingApi
from sagelab.services.sagemaker.api.transform import TransformApi


class SageMakerApi(TrainingApi, NotebooksApi, TransformApi, HostingApi):
    service_name = "sagemaker"
