"""Every service api class, and how the server builds them.

An api may define `startup(self) -> None`; the app calls it once at server start, before the
first request (S3 uses it to sweep blobs that no object names, left by a crash).
"""

from __future__ import annotations

from sagelab.services.base import Deps, ServiceApi
from sagelab.services.ce.api import CostExplorerApi
from sagelab.services.cloudwatch.api import CloudWatchApi
from sagelab.services.iam.api import IamApi
from sagelab.services.logs.api import LogsApi
from sagelab.services.runtime.api import RuntimeApi
from sagelab.services.s3.api import S3Api
from sagelab.services.sagemaker.api import SageMakerApi
from sagelab.services.sts.api import StsApi

API_CLASSES: tuple[type[ServiceApi], ...] = (
    StsApi,
    IamApi,
    S3Api,
    LogsApi,
    CloudWatchApi,
    SageMakerApi,
    RuntimeApi,
    CostExplorerApi,
)


def build_apis(deps: Deps) -> dict[str, ServiceApi]:
    return {cls.service_name: cls(deps) for cls in API_CLASSES}
